# synack 的简体中文目录。这里的每个键都必须在 en.ftl 中存在（单元测试检查）。
# 术语与课程一致：三次握手、四次挥手、粘包、半关闭、重传、快速重传、零窗口。

## 语言与课程术语

lang-menu = 语言
term-handshake = 三次握手
term-teardown = 四次挥手
term-sticky = 粘包
term-half-close = 半关闭
term-retransmission = 重传
term-fast-retransmission = 快速重传
term-zero-window = 零窗口

## 字体

font-missing = 未找到中日韩（CJK）字体，中文会显示为方框。请用 `apt-get install fonts-noto-cjk`（或 fonts-wqy-microhei）安装后重新启动 synack。

## 标签页

tab-packets = 数据包
tab-connections = 连接
tab-ladder = 时序图
tab-live = 实时抓包
tab-graphs = 图表
tab-stream = 字节流
tab-generator = 流量生成
tab-flows = 流向图
tab-pair = 两点对照
tab-stream-n = TCP 流 { $stream }

## 菜单

menu-file = 文件
menu-open = 打开...
menu-open-recent = 最近打开
menu-none-yet = （暂无）
menu-open-demo = 打开演示抓包
menu-open-second = 打开第二个抓包点...
menu-open-second-hover = 同一流量在路径另一处抓的包：每个报文段丢在哪里，每个方向用了多久
menu-export-all = 将全部数据包导出为 pcap...
menu-export-filtered = 将显示的（过滤后的）数据包导出为 pcap...
menu-export-connection = 将所选连接导出为 pcap...
menu-export-ladder-svg = 将时序图导出为 SVG...
menu-export-ladder-png = 将时序图导出为 PNG...
menu-export-flows-svg = 将流向图导出为 SVG...
menu-export-flows-png = 将流向图导出为 PNG...
menu-quit = 退出
menu-edit = 编辑
menu-copy-summary = 复制数据包摘要
menu-copy-connections = 复制连接表
menu-view = 视图
menu-time-format = 时间显示格式：
menu-auto-scroll = 自动滚动到最新数据包
menu-legend = 着色规则图例
menu-leave-replay = 退出回放
menu-replay-capture = 回放抓包
menu-replay-stream = 回放 TCP 流 { $stream }
menu-go = 跳转
menu-goto-packet = 转到分组…
menu-analyze = 分析
menu-follow-stream = 追踪 TCP 流
menu-follow-disabled = 请先选择一个 TCP 数据包
menu-help = 帮助
menu-tour = 导览
menu-tour-hover = 用演示抓包走几步：三次握手、数据、粘包、丢包、四次挥手
menu-replay-keys = 回放快捷键：
msg-summary-copied = 已复制数据包摘要

time-relative = 自第一个数据包起的秒数
time-absolute = 日期和时间（UTC）
time-delta = 自上一个显示的数据包起的秒数

export-all = 全部数据包
export-filtered = 显示的（过滤后的）数据包
export-connection = 所选连接

## 状态栏

status-no-capture = 没有抓包
status-packets = 数据包：{ $count }
status-displayed = 已显示：{ $shown }（{ $pct }%）
status-connections = 连接：{ $count }
status-replay-hidden = 回放：第 { $frame } 帧之后的数据包已隐藏
status-loading = 正在加载 { $pct }%
status-filtering = 正在过滤
status-capturing = 正在实时捕获…

## 窗格

pane-bytes = 字节
pane-details = 数据包详情
pane-ladder-button = 时序图
pane-ladder-hover = 打开该数据包所属连接的时序图
pane-copy-summary = 复制摘要
pane-generator-hint = 数据包连同分析结果出现在“数据包”标签页中；显示过滤器随到随用。

## 负载文本

follow-text-auto = 文本（{ $encoding }，自动）
text-view = 文本
text-hex = 十六进制
text-encoding = 编码
text-encoding-auto = 自动（{ $encoding }）
text-no-payload = 没有负载。
text-decoded-with = 按 { $encoding } 解码
text-replacements = 有 { $count } 个字节无法解码（显示为 �）

## 详情：synack 的分析

details-analysis = 分析（synack）
details-no-flags = 没有分析标记
details-event = 事件：{ $name }（{ $detail }）
details-states = 此包之后的状态：客户端 { $client } · 服务端 { $server }
details-connection = 连接 { $stream }：{ $client } <-> { $server }（{ $zeek }），此包方向：{ $direction }
details-client-to-server = 客户端到服务端
details-server-to-client = 服务端到客户端
details-history = 历史：{ $history }
details-handshake-rtt = 握手往返时间：{ $ms } ms

## TCP 状态（保留 RFC 名称，括号内为中文）

state-closed = CLOSED（关闭）
state-listen = LISTEN（监听）
state-syn-sent = SYN_SENT（同步已发送）
state-syn-received = SYN_RECEIVED（同步已接收）
state-established = ESTABLISHED（已建立连接）
state-fin-wait-1 = FIN_WAIT_1（终止等待1）
state-fin-wait-2 = FIN_WAIT_2（终止等待2）
state-close-wait = CLOSE_WAIT（关闭等待）
state-closing = CLOSING（同时关闭）
state-last-ack = LAST_ACK（最后确认）
state-time-wait = TIME_WAIT（时间等待）

## 分析标记：名称与原因

details-flag = [{ $label }]：{ $reason }（tcp.analysis.{ $name }）

flag-retransmission = 重传
flag-fast-retransmission = 快速重传
flag-spurious-retransmission = 虚假重传
flag-out-of-order = 乱序
flag-lost-segment = 前一个报文段未捕获
flag-duplicate-ack = 重复确认 { $frame }#{ $num }
flag-ack-lost-segment = 确认了未见到的报文段
flag-zero-window = 零窗口
flag-zero-window-probe = 零窗口探测
flag-zero-window-probe-ack = 零窗口探测的确认
flag-window-full = 窗口已满
flag-window-update = 窗口更新
flag-keep-alive = 保活
flag-keep-alive-ack = 保活确认
flag-reused-ports = 端口号被复用

reason-retransmission-of = seq { $seq }–{ $end } 已在第 { $frame } 帧发送过，{ $delta } 之前
reason-retransmission-below = seq { $seq }–{ $end } 低于已发送的最高序列号（{ $highest }）
reason-fast-retransmission = 在收到 { $dups } 个重复确认后重发 seq { $seq }，距最后一个重复确认 { $delta }
reason-spurious-retransmission = seq { $seq }–{ $end } 已被对端确认过（ACK { $ack }）
reason-out-of-order = seq { $seq }–{ $end } 比更高的数据（第 { $frame } 帧）晚到 { $delta }，在乱序阈值之内
reason-lost-segment = seq { $seq } 跳过了预期的下一个 seq { $expected }：有 { $missing } 字节未被捕获
reason-duplicate-ack = ACK { $ack } 被重复（第 { $frame } 帧的第 { $count } 个重复确认），不带数据，窗口不变
reason-ack-lost-segment = 确认到 { $ack }，但只见到对端的数据到 { $seen }
reason-zero-window = 接收窗口为 0：发送方必须停止发送
reason-zero-window-probe = 对端通告零窗口时在 seq { $seq } 发送的 1 字节
reason-zero-window-probe-ack = 回应零窗口探测，窗口仍为 0
reason-window-full = 报文段结束于 seq { $end }，正好到对端通告窗口的边缘
reason-window-update = 不带数据，seq/ack 不变，窗口从 { $from } 变为 { $to }
reason-keep-alive-zero-window = seq { $seq } 比预期的下一个 seq 小 1，{ $bytes } 字节，而对端窗口为 0：Linux 方式的零窗口探测
reason-keep-alive = seq { $seq } 比预期的下一个 seq 小 1，{ $bytes } 字节：探测对端是否还活着
reason-keep-alive-ack = 重复上一个 ACK，回应保活探测
reason-reused-ports = 在流 { $stream } 的端口上出现了初始序列号不同的新 SYN

## 导览

tour-title = 导览
tour-step = 第 { $n }/{ $total } 步
tour-close = 关闭
tour-next = 下一步 >
tour-back = < 上一步
tour-finish = 完成
tour-needs-demo = 导览需要演示抓包（文件 > 打开演示抓包）
tour-nothing = 这个抓包里没有导览可以展示的内容。
tour-client = 客户端
tour-server = 服务端
tour-handshake-title = 三次握手
tour-handshake-text = 在发送任何数据之前，双方先约定通信。客户端发送 SYN（第 { $syn } 帧）：“我想连接，我的序列号从这里开始”，并进入 SYN_SENT。服务端回应 SYN-ACK（第 { $synack } 帧）：“好的，这是我的序列号”。客户端的 ACK（第 { $ack } 帧）完成握手：双方现在都处于 ESTABLISHED。{ $rtt }{ "\u000A" }{ "\u000A" }在时序图中，每个箭头是一个报文段；线上的绿色名字是各方的状态。
tour-handshake-rtt = 整个交换用了一个往返时间：{ $ms } ms。
tour-data-title = 数据及其确认
tour-data-text = 第 { $frame } 帧从{ $from }向{ $to }携带 { $len } 字节：{ $from }字节流中的第 { $first } 到第 { $last } 字节（seq={ $first }）。{ $to }在第 { $ackframe } 帧中以 ack={ $ack } 回应：“第 { $ack } 字节之前的我都收到了，下一个请发它”。序列号数的是字节，而不是数据包。{ $piggyback }
tour-data-piggyback = 该报文段自身还携带了 { $len } 字节：ACK 随应答数据一起发送（捎带确认）。
tour-sticky-title = 粘包
tour-sticky-text = 应用程序调用了 { $sends } 次 send(){ $what }，但第 { $frame } 帧把这些消息全装进了一个报文段。“字节流”标签页在这里按这些 send() 调用分帧（分帧方式 “calls”），所以它的“消息”一行标出了每条消息在第 { $frame } 帧里的位置；单看字节是没有边界的（选 “line” 或 “auto”，它们就连成一片）。TCP 传送的是字节流，不保留消息边界。间隔很近的小块写入会被粘成一个报文段（“粘包”问题）；大块写入则会被拆成几个。接收程序必须自己重新找出消息：用分隔符、长度前缀或固定长度。
tour-loss-title = 丢包与恢复
tour-loss-text = { $lost }接收方只能确认按序到达的字节，所以它不断重复同一个 ack{ $dups }。{ $resend }{ $recovered }
tour-loss-lost-frame = 第 { $frame } 帧（seq={ $seq }）离开了发送方，却没有到达。
tour-loss-lost = seq={ $seq } 的报文段丢失了。
tour-loss-dups = （重复确认，橙色：第 { $frames } 帧）
tour-loss-fast = 收到三个重复确认后，发送方立即在第 { $frame } 帧重发它（快速重传，红色），而不等待定时器。
tour-loss-timeout = 发送方的定时器超时，在第 { $frame } 帧重发该报文段（超时重传，红色）。
tour-loss-recovered = 第 { $frame } 帧确认了第 { $ack } 字节之前的全部数据：缺口被补上了。
tour-teardown-title = 四次挥手
tour-teardown-text = 每个方向各自关闭（第 { $frames } 帧）。{ $closer }发送 FIN：“我没有更多要发的了”（FIN_WAIT_1）；{ $other }确认它（CLOSE_WAIT：它仍可以发送，即半关闭）。{ $other }发完后发送自己的 FIN（LAST_ACK），{ $closer }确认它并在 TIME_WAIT 中等待，以防最后这个 ACK 丢失，而{ $other }已经 CLOSED。
tour-reset-title = 复位
tour-reset-text = 第 { $frame } 帧是{ $who }发出的 RST：连接立即被放弃，没有 FIN 交换。仍在途中的数据丢失，另一方收到错误（“connection reset by peer”，连接被对端重置）。程序在出错时，或关闭仍有未读数据的套接字时会这样做。
tour-refused-title = 连接被拒绝
tour-refused-text = { $syn }服务端以 RST 回应（第 { $rst } 帧）：该端口上没有程序在监听，所以连接在建立之前就被拒绝了。客户端的 connect() 失败，报 “connection refused”（连接被拒绝）。
tour-refused-syn = 客户端发送 SYN（第 { $frame } 帧）。

## 课程（synack gen --list、流量生成标签页）

gen-list-modes = [{ $modes }]
lesson-handshake = connect() 就是三次握手 SYN、SYN-ACK、ACK；close() 是 FIN/ACK 对（四次挥手）
lesson-sticky = TCP 是字节流：有 Nagle 算法和慢速的读取方时，小消息会粘在一起（粘包）
lesson-nodelay = TCP_NODELAY 关闭 Nagle 算法：每次 send() 立即作为单独的报文段发出
lesson-fix-length-prefix = 解决办法 1：每条消息前加 4 字节长度，读取方就能准确切分字节流
lesson-fix-delimiter = 解决办法 2：每条消息后加分隔符（换行），读取方据此切分字节流
lesson-fix-delay = 解决办法 3（不可靠）：两次发送之间暂停，让消息落在不同的报文段里
lesson-fix-ack = 解决办法 4：等对端应用回复后再发下一条消息
lesson-split = 一次大的 send() 会拆成多个 MSS 大小的报文段，recv() 分几次收到
lesson-close-client-first = 先关闭的一方发出第一个 FIN，最后进入 TIME_WAIT
lesson-close-server-first = 服务端也可以先关闭（HTTP/1.0 方式）：这时由服务端进入 TIME_WAIT
lesson-close-simultaneous = 两个 FIN 在线路上交错；双方都经过 CLOSING 进入 TIME_WAIT
lesson-close-combined = 立即关闭的一方把 ACK 捎带在自己的 FIN 上：三个报文段完成挥手
lesson-half-close = shutdown(SHUT_WR) 发出 FIN（半关闭），但对端之后仍可以继续发送数据
lesson-rst-abort = SO_LINGER 为 0 时 close() 以 RST 中止：没有 FIN，没有 TIME_WAIT，对端得到 ECONNRESET
lesson-refused = 发往无人监听端口的 SYN 会收到 RST：connect() 以 ECONNREFUSED 失败
lesson-loss = 丢失一个报文段会引发重复确认（带 SACK）、快速重传和超时重传
lesson-cc-compare = 用每种拥塞控制算法（TCP_CONGESTION）各做一次相同的传输：它们的拥塞窗口、恢复过程和排队时延各不相同
lesson-send-buffer = 发送缓冲区很小（SO_SNDBUF 4 KiB）：send() 要等缓冲区腾出空间，拖住发送方的是它自己的缓冲区，而不是网络
lesson-reorder = 迟到的报文段是乱序而不是丢失：先 SACK，再一个累积确认
lesson-zero-window = 慢速读取方填满接收缓冲区：零窗口、窗口探测，然后窗口更新
lesson-keep-alive = SO_KEEPALIVE 用空报文段探测空闲连接，对端回以 ACK
lesson-echo = 每个请求和应答各是一个报文段；应答捎带对请求的 ACK（捎带确认）
lesson-http = HTTP/1.1 keep-alive 复用一个连接；流水线请求共用报文段
lesson-file-transfer = 列表/下载/上传文件服务器：一个连接上的长度前缀协议
lesson-concurrent = 多线程服务器同时服务多个客户端：每个客户端一个连接（四元组）
lesson-multiplex = 单线程用 epoll 服务多个客户端：epoll_wait 报告哪些套接字就绪，服务器只读取这些套接字
lesson-udp-chat = UDP 没有连接，保留消息边界：一次 sendto() = 一个数据报
lesson-udp-broadcast = 一个 UDP 广播数据报到达局域网内的每台主机（SO_BROADCAST）
lesson-demo = 内置演示：三次握手、数据、粘包、丢包和四次挥手，都在一个抓包里
lesson-flood = N 个连接 × M 个报文段并带丢包：用于基准测试的大抓包

## 命令行帮助

cli-about = 数据包级网络分析器与 TCP 握手可视化工具：读取 pcap/pcapng 抓包并解释每一个数据包
cli-lang = 给人看的输出和窗口所用的语言：`en` 或 `zh`（简体中文）。默认取自区域设置（`LC_ALL`、`LC_MESSAGES`、`LANG`，例如 `LANG=zh_CN.UTF-8`）。
cli-read-about = 列出抓包文件的每一帧，每帧一行（或一个 JSON 对象）。
cli-stream-about = 重组后的 TCP 字节流：消息，以及把消息粘在一起（粘包）或拆开的报文段。
cli-flows-about = 列出抓包文件中的连接：状态、历史、关闭方式、计数。
cli-view-about = 打开桌面窗口：抓包文件、实时网卡或内置演示。
cli-gen-about = 运行一个套接字课程（回显、粘包、半关闭、丢包……）并抓包。
cli-capture-about = 在网卡上实时抓包；像 `read` 一样打印，像 tcpdump -w 一样写 pcap。
cli-ifaces-about = 列出网卡：地址、启用/停用、回环，以及 synack 能否在其上抓包。
cli-pair-about = 同一流量的两份抓包（例如客户端一份、服务端一份）：每个报文段在哪里丢失，每个方向用了多久。
cli-gen-list = 列出所有场景及每个场景讲授的内容。
cli-stream-text = 按所选编码把每条消息的字节打印为文本（与 `--stream` 一起用）。
cli-stream-encoding = `--text` 和 JSON 中消息 `text` 字段的编码：auto（字节流是合法 UTF-8 时用 UTF-8，否则能干净解码时用 GBK/GB18030，否则用 Latin-1）、utf-8、gbk（GB18030）或 latin1。

# Follow TCP Stream (src/ui/follow)
follow-title = 追踪 TCP 流 (tcp.stream eq { $stream })
follow-no-packet = TCP 流 { $stream } 还没有数据包。
follow-summary = 客户端 { $client } 字节，服务端 { $server } 字节，{ $turns } 轮
follow-missing = ，抓包中缺失 { $bytes } 字节
follow-entire = 整个对话（{ $bytes } 字节）
follow-one-side = { $from } -> { $to }（{ $bytes } 字节）
follow-show-as = 数据显示为
follow-stream = 流
follow-filter = 过滤此流
follow-filter-out = 排除此流
follow-save-as = 另存为…
follow-first-shown = [仅显示前 { $kib } KiB；另存为会写入全部内容]

# Asked before a save replaces a file (src/ui/file_dialog.rs)
dialog-replace-title = 替换文件？
dialog-replace-text = “{ $path }”已存在。替换会覆盖其内容。
dialog-cancel = 取消
dialog-replace = 替换

# Flow graph (src/ui/flow_graph)
flows-limit = 仅限显示过滤器
flows-count = { $frames } 帧，{ $hosts } 台主机
flows-empty = 没有可显示的帧。
flows-comment = 说明
flows-svg-too-many = { $frames } 帧太多，一个 SVG 放不下（最多 { $max } 帧）：勾选“仅限显示过滤器”并过滤出更少的帧，或把所显示的部分导出为 PNG。
flows-summary = 流向图：{ $frames } 帧，主机 { $hosts }

# Go to packet (src/ui/goto.rs)
goto-title = 转到分组编号
goto-label = 分组编号：
goto-button = 转到分组
goto-hint = 请输入帧编号，例如 42

# Right-click menu of a packet cell or a details line (src/ui/filter_menu.rs)
filter-menu-apply = 作为过滤器应用
filter-menu-prepare = 准备过滤器
filter-menu-selected = 选中项
filter-menu-not-selected = 非选中项
filter-menu-and-selected = …与选中项
filter-menu-or-selected = …或选中项
filter-menu-copy = 复制
filter-menu-copy-value = 值
filter-menu-copy-name = 字段名
filter-menu-copy-filter = 作为过滤器
filter-menu-no-field = 此项没有可用的过滤字段

# Packet list columns (src/ui/packet_list.rs); a click on a header sorts
list-col-number = 序号
list-col-time = 时间
list-col-source = 源地址
list-col-destination = 目的地址
list-col-protocol = 协议
list-col-length = 长度
list-col-info = 信息
list-sort-hover = 按此列排序：升序、降序，然后恢复捕获顺序

## 两点对照：同一连接的两份抓包（src/ui/pair_view.rs、src/pair）
pair-pairing = 正在对照两份抓包...
pair-intro = 同一流量在路径上两个点（客户端和服务端，或防火墙两侧）抓到的两份抓包：先照常打开第一份，再用 文件 > 打开第二个抓包点... 查看每个报文段丢在哪里、每个方向用了多久。
pair-clock = 时钟：B 比 A 快 { $offset } ms（依据 A -> B 的 { $ab } 个报文段和 B -> A 的 { $ba } 个报文段）
pair-damaged = { $file } 有损坏，只读到损坏处：{ $error }
pair-read-failed = { $file }：读取失败
pair-no-connection = 没有在两个抓包点都出现的连接（仅在 A 中 { $only_a } 个，仅在 B 中 { $only_b } 个）。
pair-connection = 连接
pair-connection-name = 流 { $stream }：{ $client } -> { $server }（丢失 { $lost } 个）
pair-zoom-out = 缩小（时间轴）
pair-zoom-in = 放大（时间轴）
pair-zoom-reset = 默认比例
pair-next-loss = 下一个丢失
pair-next-loss-hover = 把时序图滚动到下一个丢失的报文段
pair-client-to-server = 客户端 -> 服务端
pair-server-to-client = 服务端 -> 客户端
pair-direction-line = { $name }（{ $arrow }）：{ $fates }
pair-fate-count = { $fate } { $count } 个
pair-delays = ；单向时延（ms）p50 { $p50 }，p90 { $p90 }，最大 { $max }
pair-summary = 流 { $stream } 的两点时序图：{ $segments } 个报文段，丢失 { $lost } 个；竖线依次为客户端、{ $near }、{ $far }、服务端
pair-graph-time = 距第一个报文段的时间（秒）
pair-graph-delay = 单向时延（毫秒）
pair-rail-client = 客户端
pair-rail-server = 服务端
pair-rail-tap = 抓包点 { $tap }
pair-column-time = 时间（秒）
pair-column-frames = 帧 A/B
pair-column-seq = 序号
pair-column-len = 长度
pair-column-one-way = 单向时延
pair-column-fate = 去向
pair-fate-delivered = 已送达
pair-fate-duplicated = 重复
pair-fate-reordered = 在两点之间乱序
pair-fate-lost-between = 在 A 与 B 之间丢失
pair-fate-lost-before = 在 { $up } 之前丢失
pair-fate-lost-after = 在 { $down } 之后丢失
pair-fate-not-captured = 未在 { $tap } 抓到
pair-fate-outside-capture = 在 { $down } 的抓包范围之外
pair-dialog-title = 打开第二个抓包点的文件
pair-needs-first = 请先打开第一个抓包点的文件（文件 > 打开...），再打开第二个抓包点
pair-not-in-a = 当前显示的文件（A）中没有这个报文段：{ $fate }；它是 B 中的第 { $frame_b } 帧。
pair-in-neither = 两份抓包中都没有这个报文段：{ $fate }。
pair-idle = { $ms } ms 内没有报文段在途（已压缩）


## 显示过滤器、回放、连接表、实时抓包

filter-label = 显示过滤器：
filter-hint = 例如 tcp.port == 80 && tcp.flags.syn == 1
filter-apply = 应用
filter-clear = 清除
filter-error = 过滤器错误：{ $message }
# 显示过滤器的错误（src/filter/parse.rs）：窗口显示在“过滤器错误：”之后，命令行显示在“显示过滤器有误：”之后
filter-err-at = { $message }（第 { $column } 列）
filter-err-unexpected = 意外的“{ $found }”
filter-err-single-equals = 比较请用 ==
filter-err-character = 意外的字符“{ $char }”
filter-err-escape = 字符串中有未知的转义（可用 \" \\ \n \r \t \xHH）
filter-err-unterminated = 字符串没有结束（缺少结尾的 "）
filter-err-end-field = 过滤器已结束，但这里应有字段或协议
filter-err-end-value = 过滤器已结束，但这里应有一个值
filter-err-end-regex = 过滤器已结束，但这里应有带引号的正则表达式
filter-err-end-slice = 过滤器已结束，但这里应有切片，如 [13]、[0:2] 或 [4-7]
filter-err-end-token = 过滤器已结束，但这里应有“{ $token }”
filter-err-close-paren = 这里应为“)”，实际是“{ $found }”
filter-err-unclosed = “(”没有闭合
filter-err-unknown-field = “{ $name }”既不是字段也不是协议（`synack fields` 列出全部字段）
filter-err-unknown-field-close = “{ $name }”既不是字段也不是协议（是不是想写 { $close }？）
filter-err-contains-value = contains 需要字符串（"GET"）或字节（47:45:54），实际是“{ $found }”
filter-err-matches-quotes = matches 需要带引号的正则表达式
filter-err-regex = 正则表达式有误：{ $error }
filter-err-field-expected = 这里应为字段或协议，实际是“{ $found }”
filter-err-slice-number = { $field } 是数值：只有协议、字节串和地址可以切片
filter-err-slice = “{ $found }”不是切片：请用 [i]、[i:n]、[i-j]、[i:] 或 [:n]
filter-err-close-bracket = 这里应为“]”，实际是“{ $found }”
filter-err-bytes-only = { $op } 只能用于协议和字节字段（例如 tcp.payload、frame），不能用于 { $field }
filter-err-value-after = { $op } 之后应有一个值
filter-err-address-op = { $field } 只能用 == 或 != 比较
filter-err-set-open = in 之后应为“{"{"}”，实际是“{ $found }”
filter-err-set-member = 这里应为值或“{"}"}”，实际是“{ $found }”
filter-err-not-number = “{ $found }”不是数字
filter-err-not-bytes = “{ $found }”不是字节串（例如 00:1b:21 或 "text"）
filter-err-not-string-field = “{ $found }”不是此字段的值：字符串只能与字节字段比较
filter-err-not-network = “{ $found }”不是 IP 地址或网段
filter-err-not-prefix = “{ $found }”不是有效的前缀长度
filter-err-not-address = “{ $found }”不是 IP 地址
filter-err-not-time = “{ $found }”不是以秒为单位的时间
filter-err-too-big = “{ $found }”超出此字段的范围，最大值为 { $max }
replay-shortcuts =
    空格：播放 / 暂停
    Alt+→：下一个数据包
    Alt+←：上一个数据包
    Alt+Home：第一个数据包
    Alt+End：最后一个数据包
    Esc：退出回放
replay-not-started = 尚未开始
replay-position = 第 { $frame } 帧（第 { $index } 个，共 { $total } 个）
replay-position-stream = 第 { $frame } 帧（流 { $stream } 的第 { $index } 个，共 { $total } 个）
replay-title = 回放
replay-first = |< 第一个
replay-first-hover = 第一个数据包（Alt+Home）
replay-back = < 后退一帧
replay-back-hover = 上一个数据包（Alt+←）
replay-play = 播放
replay-pause = 暂停
replay-play-hover = 播放 / 暂停（空格）
replay-step = 前进一帧 >
replay-step-hover = 下一个数据包（Alt+→）
replay-last = 最后一个 >|
replay-last-hover = 最后一个数据包（Alt+End）
replay-speed = 速度
replay-constant-rate = 匀速
replay-constant-rate-hover =
    关：按抓包本身的时间间隔，乘以速度（超过 { $wait } 秒的等待会缩短）。
    开：每秒 { $rate } 个数据包 × 速度。
replay-whole = 整个抓包
replay-selected-connection = 所选连接
replay-stream = 流 { $stream }
replay-at = 当前：{ $position }
replay-exit = 退出回放
replay-exit-hover = 重新显示全部数据包（Esc）
conn-stream = 流
conn-proto = 协议
conn-client = 客户端
conn-server = 服务端
conn-state = 状态
conn-history = 历史
conn-close = 关闭方式
conn-pkts-c2s = 包数 客→服
conn-pkts-s2c = 包数 服→客
conn-bytes-c2s = 字节 客→服
conn-bytes-s2c = 字节 服→客
conn-duration = 时长（秒）
conn-rtt = RTT（毫秒）
conn-framing = 分帧方式
conn-messages = 消息 客→服/服→客
conn-limited-by = 受限于
conn-problems = 问题数
conn-kernel = （内核）
conn-search = 搜索：
conn-search-hint = 地址、端口、状态……
conn-copy = 将表格复制为文本
conn-count = 共 { $count } 个连接
conn-ladder-of = 流 { $stream } 的时序图
conn-ladder-hover = 打开所选连接的时序图（也可右键单击一行）
conn-replay = 回放到第 { $frame } 帧：之后才开始的连接已隐藏；各列描述的是每个连接在整个抓包中的情况。
conn-ladder = 时序图
conn-show-packets = 显示它的数据包
live-title = 实时抓包
live-no-promisc = 以非混杂模式抓包（只有 cap_net_raw 权限）。
live-denied = 抓包需要 root 或 cap_net_raw 权限：请运行 `sudo setcap cap_net_raw,cap_net_admin=eip $(which synack)`。
live-interface = 网络接口：
live-choose = （请选择）
live-down = （未启用）
live-refresh = 刷新
live-bpf = 抓包过滤器（BPF）：
live-bpf-hint = 例如 tcp port 80
live-stop = 停止
live-start = 开始
live-save = 另存为 pcap...
live-stopped = 已停止
live-capturing = 正在抓包
live-counters = { $state }（{ $interface }）：已捕获 { $captured }，已保存 { $stored }，丢弃 { $dropped }（内核 { $kernel }，接口 { $ifdropped }，synack 队列 { $queue }）

## 图表（src/ui/graphs）

graph-stevens = 时间-序号图（Stevens）
graph-tcptrace = 时间-序号图（tcptrace）
graph-throughput = 吞吐量
graph-rtt = 往返时间（RTT）
graph-y-seq = 相对序号
graph-y-bits = 吞吐量（比特/秒）
graph-y-rtt = RTT（毫秒）
graph-x = 自第一个数据包起的时间（秒）
graph-no-connection = 未选择 TCP 连接
graph-no-connection-text = 请在“连接”标签页中选择一个连接，或在“数据包”标签页中选择一个 TCP 数据包；{ $what }会显示在这里。
graph-its-graphs = 它的图表
graph-select-first = 请先选择一个 TCP 连接或它的一个数据包
graph-title = { $graph } - TCP 流 { $stream } { $dir }{ $ends }
graph-stream = TCP 流 { $stream }：
graph-c2s = 客户端 -> 服务端
graph-s2c = 服务端 -> 客户端
graph-reset = 重置视图
graph-export-svg = 导出 SVG...
graph-export-png = 导出 PNG...
graph-show-packet = 显示数据包
graph-counts = { $title }：{ $segments } 个数据段，{ $retransmissions } 次重传，{ $acks } 个 ACK，{ $samples } 个 RTT 样本{ $window }
graph-window = ，统计窗口 { $seconds } 秒
graph-hover-help = 鼠标悬停在点上可看到对应的帧，单击选中它。拖动平移，滚轮缩放，右键拖出方框放大，双击复位。
graph-hover-segment = 第 { $frame } 帧：seq { $seq } 长度 { $len } 标志 { $flags }{ $notes }，时间 { $time } 秒
graph-hover-rtt = 第 { $frame } 帧：确认第 { $acked } 帧的 ACK { $ack }，RTT { $rtt } 毫秒，时间 { $time } 秒
graph-hover-throughput = 第 { $frame } 帧：最近 { $window } 秒内 { $rate }（seq { $seq } 长度 { $len }）
graph-data-segment = 数据段
graph-retransmission = 重传
graph-out-of-order = 乱序
graph-not-captured = 前一个报文段未被抓到
graph-segment-lost = 前一个报文段丢失
graph-ack = ACK（确认号）
graph-receive-window = 接收窗口
graph-sack = SACK 块
graph-throughput-line = 吞吐量
graph-goodput = 有效吞吐量（不含重传）
graph-rtt-sample = RTT 样本
graph-from-kernel = 依据内核读数
graph-from-wire = 依据线上数据包
graph-side-by-side = 并排显示（每个连接）
graph-compare-header = 流 { $stream } { $dir } · { $algorithm } · { $limited }
graph-compare-no-algorithm = 未读取到算法
graph-compare-x = 自连接第一个数据包起的秒数
graph-compare-kernel = 内核曲线（cwnd、ssthresh）
graph-compare-verdict = 每个发送方受什么限制
graph-compare-hint = 每个图的刻度相同；点击一个图单独查看。
ladder-kernel-state = 内核：{ $state }
graph-kernel-state = 内核状态（{ $readings } 次读数{ $algorithm }）
graph-no-kernel = 该发送方没有内核读数（synack gen live 或 --netns 生成的抓包才有）。
graph-limited = 发送方受什么限制（{ $source }）：
graph-wire-caveat = （仅凭线上数据包无法区分发送缓冲区和窗口）
graph-kernel = { $what }（内核）
graph-kernel-algorithm = { $what }（内核，{ $algorithm }）
graph-ack-cwnd = ACK + 拥塞窗口
graph-ack-ssthresh = ACK + 慢启动门限
graph-panel-title = 内核状态随时间的变化；阴影表示拥塞状态：
graph-bytes = 字节
graph-ms = 毫秒
graph-cwnd = 拥塞窗口
graph-in-flight = 在途字节
graph-in-flight-wire = 在途字节（线上）
cause-application = 应用程序
cause-receiver-window = 接收窗口
cause-congestion-window = 拥塞窗口
cause-loss-recovery = 丢包恢复
cause-retransmission-timeout = 超时重传
cause-send-buffer = 发送缓冲区
ca-open = Open（正常）
ca-disorder = Disorder（乱序）
ca-cwr = CWR（拥塞窗口减小）
ca-recovery = Recovery（快速恢复）
ca-loss = Loss（超时丢包）
ca-unknown = 未知

## 字节流视图、详情中的章节、关闭方式

close-four-way = 四次挥手
close-three-way = 三次挥手（FIN+ACK 合并）
close-simultaneous = 同时关闭
close-half-close = 半关闭
close-reset = 复位（RST）
close-rejected = 连接被拒绝
close-open = 尚未关闭
close-incomplete = 不完整
details-close = 关闭方式：{ $close }（{ $name }）
details-wire-too-long = 在途字节与 ACK 往返时间：连接太长，选中时不做分析；请用 `synack read --json`
details-messages-too-large = 连接太大，选中时不做重组（{ $packets } 个数据包）；请用 `synack stream`
details-messages-skipped = 应用层消息：{ $why }
details-messages = 本报文段中的应用层消息（分帧方式：{ $framing }）
details-messages-any-framing = 本报文段中的应用层消息
details-no-boundary = 本报文段中没有消息边界
details-select-packet = 选择一个数据包以查看它的各层。
ribbon-summary = { $dir } { $from } -> { $to }：{ $bytes } 字节，{ $segments } 个报文段，{ $messages } 条消息，{ $coalesced } 个粘包报文段，{ $split } 条拆包消息，{ $gaps } 处缺口（{ $gapbytes } 字节）
ribbon-summary-calls = ；系统调用：{ $sends } 次 send()，{ $recvs } 次 recv()
ribbon-summary-udp = { $dir } { $from } -> { $to }：{ $datagrams } 个数据报共 { $bytes } 字节，每个数据报就是一条消息{ $gapbytes ->
    [0] {""}
   *[other] ，其中 { $gapbytes } 字节被快照长度截去
}
ribbon-segment = 报文段
ribbon-coalesced = 粘包报文段
ribbon-message = 消息
ribbon-split = 拆包消息
ribbon-incomplete = 不完整
ribbon-unparsed = 未解析
ribbon-gap = 缺口
ribbon-send = send()
ribbon-recv = recv()
ribbon-row-segments = 报文段
ribbon-row-bytes = 字节
ribbon-row-messages = 消息
ribbon-row-datagrams = 数据报
ribbon-frame = 第 { $frame } 帧
ribbon-frame-coalesced = 第 { $frame } 帧 ×{ $messages }
ribbon-incomplete-label = { $proto } 不完整（{ $cut }）
ribbon-unparsed-label = 未解析：{ $reason }
ribbon-gap-label = 缺口 { $bytes } 字节
ribbon-offset = 偏移
ribbon-open-first = 请先在一个 TCP 连接或 UDP 会话上打开“字节流”标签页
ribbon-its-streams = 它的字节流
ribbon-framing-label = TCP 流 { $stream } - 分帧方式：
ribbon-udp-label = UDP 流 { $stream }：每个数据报就是一条消息（UDP 保留了 TCP 字节流丢失的消息边界）
ribbon-fit = 适应窗口
ribbon-no-packets = 这个连接还没有数据包。
ribbon-framing-auto = 分帧方式：{ $framing }（自动）- { $inconsistent }{ $reason }
ribbon-inconsistent = （不一致）
ribbon-framing = 分帧方式：{ $framing }
ribbon-tip-segment = 第 { $frame } 帧：偏移 { $offset } 处 { $bytes } 字节{ $coalesced } - 单击选中该数据包
ribbon-tip-coalesced = ，粘包：{ $messages } 条消息
ribbon-tip-message =
    消息 #{ $index }（{ $proto }）：偏移 { $offset } 处 { $bytes } 字节，帧 { $frames }{ $split } - 单击查看它的字节
    文本（{ $encoding }）：{ $text }
ribbon-tip-split = （拆包）
ribbon-gap-not-captured = 抓包长度限制（snaplen）截断了负载
ribbon-gap-acked-unseen = 对端确认了抓包中从未出现的字节
ribbon-gap-buffer-limit = 重组缓冲区达到上限，不再等待
ribbon-gap-unfilled = 直到抓包结束也没有重传
ribbon-tip-gap = 缺口：偏移 { $offset } 处 { $bytes } 字节从未抓到（{ $name }）：{ $why }
ribbon-tip-call = { $actor } { $call }（{ $local }）：偏移 { $offset } 处 { $bytes } 字节{ $data }
ribbon-messages = 消息
ribbon-list-row = { $dir } #{ $index } { $proto } { $bytes } 字节 @{ $offset }{ $split }
ribbon-list-split = {" "}拆包
ribbon-message-title = { $dir } 消息 #{ $index }：偏移 { $offset } 处 { $bytes } 字节（{ $proto }）
ribbon-click-message = 单击一条消息（在字节流图或列表中）查看它的字节。

## 时序图（src/ladder、src/ui/ladder）

ladder-client = 客户端
ladder-server = 服务端
ladder-end-client = 客户端
ladder-end-server = 服务端
ladder-capture-point = 抓包点
ladder-time-column = 帧  时间（秒，自该连接的第一个数据包起）
ladder-replay-cut = 回放光标：之后的数据包已隐藏
ladder-run-expand = 单击逐个显示这一串报文段
ladder-run-collapse = 单击重新合并这一串报文段
ladder-resends = 重传 #{ $frame }
ladder-lost-after-capture = 在抓包点之后丢失
ladder-time-out-of-order = 抓包时间乱序：按相邻数据包的时间绘制
ladder-ghost-acked = { $bytes } 字节未抓到（seq { $seq }–{ $end }），之后被确认
ladder-ghost-lost = { $bytes } 字节未抓到（seq { $seq }–{ $end }），在抓包点之前丢失
ladder-run-data = { $count } 个数据段，每个 { $len } 字节（seq { $first }–{ $end }）
ladder-run-one-ack = 1 个 ACK（ack { $ack }）
ladder-run-acks = { $count } 个 ACK（ack { $first }–{ $last }）
ladder-minutes = { $min } 分 { $s } 秒
ladder-idle = 空闲 { $duration }
ladder-idle-timeout = 空闲 { $duration }，然后重传计时器超时
ladder-delay-known = { $name }到抓包点 { $delay }
ladder-delay-guess = { $name }到抓包点的时延未知（按 { $delay } 绘制，是估计值）
ladder-delays-guess = 没有抓到应答：箭头斜率是估计的，不是测量的
ladder-delays-tcp = 单向时延取自 { $exchanges } 次应答中最快的一次，保证任何报文都不会在它所应答的报文到达之前发出
ladder-delays-udp = 单向时延取自 { $exchanges } 次往来中最快的一次，假设每个数据报可能是对前一个的应答
ladder-delays-calls = { $basis }；另有 { $calls } 次程序调用进一步限定
ladder-delays-note = { $basis }：{ $client }，{ $server }
ladder-legend-data = 数据
ladder-legend-ack = ACK（确认）
ladder-legend-syn-fin = SYN / FIN
ladder-legend-rst = RST（复位）
ladder-legend-retransmission = 重传
ladder-legend-dup-ack = 重复 ACK
ladder-legend-after-gap = 抓包缺口之后
ladder-legend-zero-window = 零窗口
ladder-legend-other = 其他分析标记
ladder-legend-lost = 抓包后丢失
ladder-legend-not-captured = 未抓到
ladder-text-runs-note = 相同的报文段已合并显示；用 --expand 逐个列出
ladder-refused = 连接被拒绝（SYN, RST）
ladder-handshake = 三次握手
ladder-handshake-incomplete = 握手（不完整）
ladder-teardown = 断开连接：{ $close }
ladder-reset = 复位（RST）
ladder-close-four-way = 四次挥手（FIN, ACK, FIN, ACK）
ladder-close-three-way = 三次挥手（FIN, FIN+ACK, ACK）
ladder-close-fin = FIN 交换
ladder-in-progress = 进行中
ladder-title = 时序图
ladder-select = 请选择一个连接（“连接”标签页，右键单击一行：时序图），或在“数据包”标签页选择一个 TCP 或 UDP 数据包，然后回到这里。
ladder-of = { $proto } 流 { $stream } 的时序图
ladder-back = < 返回
ladder-back-hover = 重新选中之前选中的数据包
ladder-zoom-out = 缩小（Ctrl+滚轮）
ladder-zoom-in = 放大（Ctrl+滚轮）
ladder-zoom-reset = 恢复原始大小
ladder-replay = 回放这个连接
ladder-replay-hover = 逐个数据包地回放这个连接
ladder-help = 单击箭头或它的标签选中对应的数据包；单击合并的摘要逐个显示报文段。拖动或滚动来移动，Ctrl+滚轮缩放。
ladder-no-packets = 这个连接还没有可绘制的数据包。
ladder-at-start = 开始
ladder-at-frame = 第 { $frame } 帧
ladder-states-at = { $at }时的状态：客户端 { $client } · 服务端 { $server }
ladder-summarize-runs = 合并相同报文段
ladder-expand-runs = 全部展开
ladder-runs-hover = 连续相同的数据段合并为一个标签；单击某个摘要只展开那一串
ladder-replay-hidden = （回放：之后的数据包已隐藏）

## 流量生成面板、文件对话框

gen-scenarios = 场景
gen-scenarios-text = 每个场景都是一节套接字编程课。双击即可运行。
gen-scenario = 场景
gen-kernels-only = { $scenario } 只能用真实内核运行；已在网络命名空间之间运行
gen-modes = 模式
gen-lesson = 课程内容
gen-run-title = 运行 { $scenario }
gen-lesson-line = 课程内容：{ $lesson }
gen-mode = 模式：
gen-live = 本机回环实测
gen-live-hover = 在 127.0.0.1 上用真实套接字和内核的 TCP 运行，在 lo 上抓包。需要 root 或 CAP_NET_RAW 权限；没有权限时改为合成模式。
gen-synthetic = 合成
gen-synthetic-hover = 按两台 Linux 主机会发送的样子构造数据帧：不需要权限，同一个种子生成同样的字节。
gen-netns = 网络命名空间 + 丢包
gen-netns-hover = 在两个网络命名空间中运行真实内核，中间的路由器随机丢弃数据段（需要 root、ip 和 nft）。
gen-seed = 种子：
gen-animate = 动画
gen-animate-hover = 在 1.5 秒内逐个放出构造的数据帧，方便观察它们到达；取消勾选则一次性载入。
gen-loss = 丢包率：
gen-ports = 端口由内核分配；抓包过滤器会写明它们。
gen-follow = 运行开始时打开该连接的时序图
gen-run = 运行
gen-save = 保存抓包...
gen-save-hover = 保存这次运行的 pcap 及其系统调用记录（FILE.calls.json）。
gen-will-run-because = 将以 { $mode } 模式运行：{ $why }
gen-will-run = 将以 { $mode } 模式运行。
gen-running = 正在运行
gen-done = 完成
gen-failed = 失败
gen-status = { $what }：{ $run } — { $frames } 帧，{ $calls } 次调用
gen-mode-because = 模式：{ $mode }（{ $why }）
gen-mode-line = 模式：{ $mode }
gen-calls-appear = 运行时发生的套接字调用会显示在这里。
gen-calls = 套接字调用（{ $count }）
gen-calls-none-yet = 暂无。
gen-calls-none = 没有记录到套接字调用（`flood` 不记录）。
gen-col-time = 时间
gen-col-actor = 进程
gen-col-call = 调用
gen-col-bytes = 字节数
gen-col-result = 结果
gen-col-data = 数据
dialog-graph-svg = 将图表保存为 SVG
dialog-graph-png = 将图表保存为 PNG
dialog-ribbon-svg = 将字节流图保存为 SVG
dialog-ribbon-png = 将字节流图保存为 PNG
dialog-ladder-svg = 将时序图导出为 SVG
dialog-ladder-png = 将时序图导出为 PNG
dialog-flows-svg = 将流向图导出为 SVG
dialog-flows-png = 将流向图导出为 PNG
dialog-open-title = 打开抓包文件
dialog-save-pcap = 将{ $what }保存为 pcap
dialog-save-run = 保存流量生成结果（pcap + calls.json）
dialog-save-follow = 保存追踪的流
dialog-up = 上一级
dialog-home = 主目录
dialog-file = 文件：
dialog-open = 打开
dialog-save = 保存

## 窗口消息、欢迎窗口、数据包列表

msg-bad-filter = 不是有效的显示过滤器：{ $filter }
msg-no-frame = 没有第 { $frame } 帧（抓包共有 { $last } 帧）
msg-ladder-saved = 时序图已保存为 SVG：{ $path }
msg-saved-packets = 已把 { $count } 个数据包保存到 { $path }
msg-saved-packets-skipped = 已把 { $count } 个数据包保存到 { $path }（跳过了 { $skipped } 个链路类型不同的数据包）
msg-figure-saved = 图已保存到 { $path }
msg-saving = 正在保存 { $path } ...
msg-select-tcp = 请先选择一个 TCP 数据包
msg-wrote-bytes = 已把 { $count } 字节写入 { $path }
msg-nothing-to-save = 没有可保存的内容：这个流没有数据包
msg-drop-file = 把 pcap / pcapng 文件拖到这里即可打开
msg-no-match = 没有数据包匹配显示过滤器。
legend-title = 着色规则
welcome-title = 欢迎使用 synack
welcome-demo = 这是内置的演示抓包：几个简短的 TCP 连接。
welcome-tour = 刚开始学 TCP？导览会一步一步带你看。
welcome-later = （以后可以从：帮助 > 导览 打开。）
welcome-start = 开始导览
welcome-no = 不用了

## clap 自带的词和每个选项的帮助（src/cli/help.rs）

clap-usage = 用法：
clap-commands = 命令
clap-arguments = 参数
clap-options = 选项
clap-help-flag = 打印帮助
clap-version-flag = 打印版本
# clap 在帮助和错误信息中的用词（英文界面直接用 clap 自己的英文）
clap-help-subcommand = 打印本帮助，或给定子命令的帮助
clap-help-subcommand-arg = 要打印帮助的子命令
clap-default-value = [默认值：{ $value }]
clap-possible-values-inline = [可选值：{ $values }]
clap-possible-values = 可选值：
clap-error = 错误：{ $what }
clap-error-value-missing = '{ $arg }' 需要一个值，但没有给出
clap-error-invalid-value = '{ $arg }' 的值 '{ $value }' 无效
clap-error-unknown-argument = 无法识别的参数 '{ $arg }'
clap-error-unknown-subcommand = 无法识别的子命令 '{ $sub }'
clap-error-no-equals = 给 '{ $arg }' 赋值时需要等号
clap-error-too-many-values = '{ $arg }' 多出了值 '{ $value }'，它不再需要更多的值
clap-error-number-of-values = '{ $arg }' 需要 { $expected } 个值，但给出了 { $actual } 个
clap-error-used-twice = 参数 '{ $arg }' 不能使用多次
clap-error-conflict = 参数 '{ $arg }' 不能与 '{ $other }' 同时使用
clap-error-missing-argument = 缺少必需的参数：{ $arg }
clap-error-missing-subcommand = '{ $sub }' 需要一个子命令，但没有给出
clap-error-invalid-utf8 = 参数中有无效的 UTF-8
clap-error-valid-values = [可选值：{ $values }]
clap-error-valid-subcommands = [子命令：{ $values }]
clap-error-similar = 提示：有一个相近的：'{ $similar }'
clap-error-tip = 提示：{ $tip }
clap-error-tip-as-value = 提示：要把 '{ $arg }' 当作值传入，请写成 '{ $with }'
clap-error-tip-double-dash = 提示：子命令 '{ $sub }' 存在；要使用它，请去掉它前面的 '--'
clap-error-more = 更多信息请用 '--help'。
# cli-opt-ID：各子命令中同名选项共用的帮助（子命令没有自己的 cli-SUB-ID 时使用）；
# KEY--VALUE：选项某个取值的帮助；cli-SUB-example：子命令说明下的示例；cli-SUB-after-help：选项之后的说明。
cli-opt-read_file = 一个抓包文件，与 tshark -r 和 tcpdump -r 的用法相同：在所有 FILE 之前先读它
cli-opt-no_resolve = 不解析名字：接受 tcpdump 和 tshark 的 -n；synack 从不把地址或端口解析成名字
cli-read-bpf = BPF 过滤器（tcpdump 语法），由 libpcap 编译：只打印它接受的帧；与 -Y 一样，分析仍然看到每一帧
cli-opt-display_filter = 显示过滤器（Wireshark 语法）：只打印匹配的帧，例如 `-Y 'tcp.port == 80 && tcp.flags.syn == 1'`、`-Y 'tcp.payload contains "GET"'`、`-Y 'tcp.port in {"{"}80, 443{"}"}'`、`-Y 'tcp[13] == 12'`（`synack fields` 列出所有字段）
cli-opt-count = 通过过滤器（-f、-Y）的帧达到 N 个后停止，与 tcpdump -c 和 tshark -c 相同
cli-opt-format = 输出格式：text（默认）、json（同 --json）、fields（-e 指定的字段）
cli-opt-format--text = 每帧一行（默认）
cli-opt-format--json = JSON Lines，同 `--json`（synack 的对象，每行一个；不是 tshark 的 JSON 树）
cli-opt-format--fields = `-e` 指定的字段，以制表符分隔，每帧一行（即 tshark 的 `-T fields`）
cli-opt-fields = 用 -T fields 打印的字段（可重复），用显示过滤器中的字段名，例如 `-e frame.number -e tcp.stream -e tcp.analysis.flags`。隐含 -T fields
cli-opt-field_options = -T fields 的选项，与 tshark 相同：header=y、separator=/t|/s|C、aggregator=,|/s|C、occurrence=f|l|a|N、quote=d|s|n
cli-opt-link_header = 在每一帧的地址之前打印它的链路层头部（MAC 地址、EtherType、长度），同 tcpdump -e（这里的 -e 本身是 tshark 的字段选项）
cli-opt-hex = 为打印的每一帧输出十六进制转储（-X：带 ASCII）
cli-opt-hex_ascii = 为打印的每一帧输出十六进制和 ASCII 转储
cli-opt-time = 时间列的格式：r（自第一帧起，默认）、a、ad、adoy、u、ud、udoy、e、d、dd、none（即 tshark 的 -t）；tcpdump 的 -t、-tt、-ttt、-tttt、-ttttt 也可以用
cli-opt-quiet = 安静模式：不打印帧，只打印摘要和错误（tshark -q）
cli-opt-line_buffered = 每帧之后刷新输出，供管道另一端的读者使用（tcpdump -l 和 -U，tshark -l）
cli-opt-calls = 流量生成器的调用记录：没有任何分帧方式能解释的流，用其中的 send() 调用划分消息（默认：抓包文件旁边的 FILE.calls.json，如果存在）
cli-opt-table_format = 把表格写成列式数据而不是打印：parquet（Apache Parquet，供 Spark、DuckDB、Trino、pandas 使用）、csv（带表头行）或 json（JSON Lines，字段为表格的平铺列，与 Zeek 的 JSON 日志格式相同）。parquet 需要 -o。例如：`synack flows capture.pcap --format parquet -o flows.parquet`
cli-opt-table_format--parquet = Apache Parquet（Snappy 压缩）
cli-opt-table_format--csv = 逗号分隔值，带表头
cli-opt-table_format--json = JSON Lines，字段为表格的列
cli-opt-output = --format 写到哪里：一个文件（`-` 表示标准输出，只用于 csv 和 json），或者配合 --partition 写到一个目录
cli-opt-partition = 按行的时间（UTC）把表格拆成 Hive 分区的数据集：`OUT/date=2026-12-05/hour=17/part-0.parquet`，查询引擎可以按时间裁剪
cli-opt-partition--hour = 每小时一个目录，按行的时间划分
cli-read-after-help =
    示例：
      synack read capture.pcap -Y 'tcp.analysis.flags'
      synack read -r capture.pcap.gz -n -c 20 -t ad
      synack read capture.pcap tcp port 80            （tcpdump 风格、写在末尾的 BPF 过滤器）
      synack read capture.pcap -T fields -e frame.number -e tcp.stream -e tcp.analysis.flags
      cat capture.pcap | synack read - -X
cli-read-example = 示例：`synack read captures/handshake.pcap --json | head`
cli-stream-dump = 以十六进制/ASCII 转储每条消息（类似“追踪 TCP 流”）；需要 --stream N
cli-stream-raw = 写出重组后的字节（缺口略去）：`-` 表示标准输出（`--dir` 指定的方向，默认 c2s）；有 `--dir` 时写到一个文件（除非 PATH 是已存在的目录）；否则写到一个目录，其中生成 `stream-N-c2s.bin` 和 `stream-N-s2c.bin`。需要 --stream N
cli-stream-dir = 只看这个方向（c2s：从发起方出发，通常是发送 SYN 的一方）。需要 --stream N
cli-stream-dir--c2s = 客户端到服务端
cli-stream-dir--s2c = 服务端到客户端
cli-stream-example = 示例：`synack stream capture.pcap --stream 0 --framing auto`
cli-flows-example = 示例：`synack flows captures/demo.pcap --json`
cli-ladder-example = 示例：`synack ladder captures/demo.pcap --stream 0 --svg demo.svg`
cli-view-tab--packets = 数据包列表、详情和字节
cli-view-tab--connections = 连接表
cli-view-tab--ladder = 一个连接的时序图
cli-view-tab--live = 实时抓包面板
cli-view-tab--graphs = 时间-序号图、吞吐量图和 RTT 图
cli-view-tab--stream = 字节流视图（粘包）
cli-view-tab--generator = 流量生成面板
cli-view-tab--flows = 整个抓包的流图（每台主机、每一帧）
cli-view-tab--pair = 两个抓包点对照（配合 --second）
cli-view-second = 同一流量的第二份抓包，在路径上的另一个点抓取（服务端一侧，或防火墙的另一侧）：打开“两点对照”标签页，像 `synack pair FILE SECOND` 那样把两份抓包配对。例如：`synack view loss.pcap --second loss.pcap.server.pcap`
cli-view-example = 示例：`synack view captures/demo.pcap`；`synack view --live lo -f 'tcp port 80'`。
cli-gen-write = 把抓包保存到 FILE（pcap），把应用程序的调用保存到 FILE.calls.json；`-` 把 pcap 写到标准输出（没有调用记录），例如 `-w - | synack read -`。配合 `--netns` 还会把路由器服务端一侧的抓包保存到 FILE.server.pcap（用 `synack pair FILE FILE.server.pcap` 对照两者）。不给此选项时，在标准输出上列出各帧
cli-gen-connections = `flood`：连接数（至少 1）
cli-gen-loss = 丢包率，百分比（0-99）：路由器（`--netns`）丢弃的数据报文段，或合成的 `flood` 中丢包的轮次。纯 ACK、SYN、FIN 和 RST 从不丢弃；丢包率为 100 % 时数据永远到不了，课程就无法结束。`--netns` 运行若 30 秒内无法结束，就在那时停止并保存已抓到的内容
cli-gen-example = 示例：`synack gen sticky --synthetic --write sticky.pcap`；`synack gen --list`。
cli-capture-interface = 抓包的网卡（见 `synack ifaces` 或 -D）
cli-capture-list_interfaces = 列出网卡后退出（tcpdump -D；同 `synack ifaces`）
cli-capture-read = 读取抓包文件而不是网卡：像 `synack read FILE` 那样打印；配合 -w，把 BPF 过滤器接受的帧复制到新文件（tcpdump -r -w）
cli-capture-filter = tcpdump/BPF 语法的抓包过滤器，例如 'tcp port 80 and host 10.0.0.1'（仅 pcap 后端）；写在选项之后的词作用相同（tcpdump 的写法）
cli-capture-filter_words = tcpdump 风格、写在末尾的过滤器：`synack capture -i eth0 tcp port 80`
cli-capture-ring = 配合 -w：每 SIZE_MB 兆字节换一个新文件，只保留最新的 COUNT 个文件（名为 FILE_00001.ext、FILE_00002.ext……），例如 --ring 100:10（同 -C 100 -W 10）
cli-capture-file_size = 配合 -w：当前文件将超过 SIZE 兆字节（1,000,000 字节；tcpdump -C）时换一个新文件
cli-capture-rotate_seconds = 配合 -w：每 S 秒换一个新文件（tcpdump -G）
cli-capture-file_count = 配合 -C：只保留最新的 N 个文件；只有 -G 时：写满 N 个文件后停止（tcpdump -W）
cli-capture-no_promisc = 不把网卡置于混杂模式（这样只需要 cap_net_raw；tcpdump -p）
cli-capture-buffer_size = 内核抓包缓冲区大小，单位 MiB（tcpdump -B 的单位是 KiB；默认 8 MiB）；缓冲区越大，能吸收的突发越长
cli-capture-backend--pcap = libpcap（默认）：BPF 过滤器、内核时间戳（纳秒）、内核丢包计数
cli-capture-backend--pnet = pnet_datalink 原始套接字：没有 -f 过滤器；时间戳在 synack 收到数据包时才取（没有内核时间戳），所以比线路上的时间晚
cli-capture-after-help =
    示例：
      synack capture -i eth0 -f 'tcp port 443'
      synack capture -i eth0 tcp port 443                 （tcpdump 风格、写在末尾的过滤器）
      synack capture -i lo -w lo.pcap -c 1000
      synack capture -i eth0 -w ring.pcap -C 100 -W 10    （文件 ring_00001.pcap……只保留最新的 10 个）
      synack capture -i eth0 -w hour.pcap -G 3600 -W 24   （每小时一个文件，24 个后停止）
      synack capture -r in.pcap -w out.pcap tcp port 80   （复制 BPF 过滤器接受的帧）

    权限：抓包需要 root，或者给程序文件加上能力：
      sudo setcap cap_net_raw,cap_net_admin=eip $(command -v synack)
    （只有混杂模式才需要 cap_net_admin；见 `synack ifaces`）。
    Ctrl-C 或 SIGTERM 会干净地停止：文件完整，摘要打印到标准错误。
cli-capture-example = 示例：`synack capture -i eth0 -f 'tcp port 443' -w https.pcap --print`
cli-run-view = 在桌面窗口中显示这次运行而不是打印：窗口打开流量生成标签页的“运行程序”，带上这些 --server/--client 命令（在当前目录中运行）和网络选项，运行它们，并随时显示它们的数据包和调用。需要 root（或 --host-net 加 CAP_NET_RAW）
cli-run-after-help =
    示例：
      synack run -- python3 examples/course/echo_client.py        （一个程序）
      synack run --server 'python3 examples/course/echo_server.py' \
                 --client 'python3 examples/course/echo_client.py' -w echo.pcap
      synack run --json -- ./a.out | jq .                          （JSON Lines）

    程序运行在它们自己的网络命名空间中，其中只有一个回环网卡（127.0.0.1），
    所以抓包里恰好是它们的流量；--net pair 把服务端（10.77.2.2）和客户端（10.77.1.2）
    放在通过一台路由器相连的两台主机上（--loss、--delay、--rate；需要 root）；
    --host-net 则让它们在本机的网络中运行。
    客户端可以从 $SYNACK_SERVER 和命令行中的 {"{"}server{"}"} 得到服务端的地址。
    需要 root，或者非特权用户命名空间（此时 synack 成为它自己的用户命名空间的 root，
    与 `unshare -rn` 相同）。Ctrl-C、SIGTERM 和 --timeout 会停止程序（先 SIGTERM，
    1 秒后 SIGKILL）；不会留下任何东西。
cli-run-example = 示例：`synack run --server 'python3 server.py' --client 'python3 client.py' -w run.pcap`
cli-fields-about = 列出显示过滤器（-Y）和 -T fields -e 认识的每个字段及其类型
cli-fields-prefix = 只列出名字以此开头的字段，例如 `tcp.analysis`
cli-fields-example = 示例：`synack fields tcp.analysis`
cli-pair-svg = 另外把一个连接（`--stream N`，或丢包最多的那个）的时序图画到 FILE（SVG），两个抓包点画成虚线竖轴，与窗口的“两点对照”标签页相同。例如：`synack pair a.pcap b.pcap --svg ladder.svg`
cli-pair-example = 示例：`synack pair client.pcap server.pcap --problems`
cli-capture-write = 把数据包写入 pcap 文件（tcpdump/tshark/Wireshark 都能读）；`-` 表示写到标准输出（例如 `-w - | wireshark -k -i -`）。与 tcpdump -w 一样，此时不打印数据包，除非给出 --print。
cli-capture-print = 用 -w 写文件时也打印数据包。
cli-capture-duration = S 秒后停止（可以是小数）。
cli-capture-snaplen = 每个数据包保留的字节数（tcpdump -s；0 表示完整的数据包，这是默认值）。
cli-capture-backend = 抓包后端。pcap：libpcap，有内核时间戳和 BPF 过滤器。pnet：通过 pnet_datalink 的原始套接字；没有内核时间戳（时间取自 synack 收到数据包的时刻），也不支持 -f 过滤器。
cli-capture-absolute = 打印原始的 TCP 序号和确认号，而不是相对值。
cli-flows-json = 打印 JSON Lines：每个连接一个对象。
cli-flows-threads = 线程数：1 表示全部在一个线程中运行；2 或更多表示一个线程读取、解码和分析，另一个线程重组字节流并分帧（输出相同）。默认：两个或更多核的机器上为 2。
cli-flows-jobs = 同时分析 N 个文件，每个文件单独分析，而不是按时间顺序合并：用于彼此独立的抓包（一个目录的抓包），不要用于环形缓冲区的文件。
cli-gen-synthetic = 构造数据帧而不使用套接字：不需要权限，用 `--seed` 可复现；每个场景都有这种形式（包括 `close-simultaneous`、`loss`、`reorder`）。
cli-gen-netns = 在两个网络命名空间之间运行，中间用一个路由器命名空间相连（Linux，需要 root）；`--loss PCT` 让路由器丢弃这一比例的数据段。
cli-gen-ipv6 = 使用 IPv6（实测用 ::1，合成和 netns 用 fd00::/64）。
cli-gen-seed = 合成运行的种子：同一个种子生成同样的字节。
cli-gen-packets = `flood`：抓包中的帧数。
cli-gen-sample_ms = 实测和 `--netns` 运行：每隔这么多毫秒、以及每次套接字调用之后，读取本次运行的 TCP 套接字的内核状态（拥塞窗口、慢启动门限、RTT……，通过 NETLINK_SOCK_DIAG），写入调用记录的 `tcp_info`；0 表示关闭。
cli-gen-congestion = `--netns`：两台主机使用的拥塞控制算法（/proc/sys/net/ipv4/tcp_available_congestion_control 中的一个）。例如：`--cc cubic`。
cli-gen-rate = `--netns`：路由器向服务端转发数据的速率上限，单位 Mbit/s（令牌桶，50 毫秒队列）：一个瓶颈，这样拥塞窗口、排队时延和各算法的差别就显现出来。0：不限速。例如：`--rate 20`。
cli-gen-server_loss = `--netns`：在服务端的输入链中、服务端一侧的抓包（FILE.server.pcap）看到之后，丢弃到达服务端的这一比例的数据段：`synack pair` 必须从服务端的 ACK 证明的丢包。例如：`--server-loss 3`。
cli-ifaces-json = 打印 JSON Lines，每个网卡一个对象。
cli-ladder-stream = 流编号（tshark 的 `tcp.stream`，用 --udp 时为 `udp.stream`），从 0 开始。例如：`synack ladder captures/demo.pcap --stream 0 --svg demo.svg`
cli-ladder-udp = 这是一个 UDP 流（每个数据报一个箭头，没有状态）。例如：`synack ladder captures/udp-chat.pcap --udp --stream 0 --mermaid`
cli-ladder-svg = 把时序图写成 SVG 图（与桌面窗口的“时序图”标签页几何相同）。
cli-ladder-width = SVG 图的宽度，单位为点。
cli-ladder-mermaid = 打印 Mermaid 时序图（粘贴到 Markdown 的 ```mermaid 代码块中）。
cli-ladder-plantuml = 打印 PlantUML 时序图。
cli-ladder-json = JSON Lines：一个 `ladder` 对象（时延），然后每个数据包一个 `arrow` 对象（`frame`、`from`、`depart_s`、`arrive_s`（在抓包点之后丢失时为 null）、`label`、`states`……），然后是 `ghost`、`bracket`、`break` 和 `run` 对象。时间是自该连接的第一个数据包经过抓包点起的秒数。
cli-ladder-expand = 在 Mermaid 和 PlantUML 中逐个列出每个报文段，而不是把相同的数据段合并（“22 个数据段，每个 1448 字节”）。
cli-pair-json = JSON Lines：一个 `{"{"}"clock": ...{"}"}` 对象，然后每个连接的每个报文段一个对象（`stream`、`stream_b`、`frame_a`、`frame_b`、`dir`、`time`、`seq`、`ack`、`len`、`flags`、`one_way_ms`、`fate`）和一个 `{"{"}"connection": ...{"}"}` 摘要（时钟偏差、每个方向的单向时延百分位数和结局、各处的丢包），然后是某份抓包缺少的连接的 `{"{"}"only_in": ...{"}"}`。
cli-pair-stream = 只看这个连接（A 的 `tcp.stream` 编号）。
cli-pair-summary = 只输出每个连接的摘要，不输出报文段行。
cli-pair-problems = 只输出没有被正常送达的报文段（丢包、重复、乱序、任一抓包中的缺口）。
cli-pair-offset = 已知时的时钟偏差，单位毫秒（B 的时钟减 A 的时钟），代替估计值：同一台主机上的两份抓包用 `--offset 0`。例如：`synack pair client.pcap server.pcap --offset 0`
cli-pair-max_segments = 每份抓包保留的报文段数（每个约 150 字节）；之后的报文段不做配对，并在标准错误上计数。
cli-opt-json = 打印 JSON Lines：每帧一个对象（字段：frame、time、caplen、len、link、vlan、src、dst、proto、sport、dport、tcp{"{"}flags,seq,ack,seq_raw,ack_raw,win,win_calc,states, len,options{"}"}、stream、direction、tags[{"{"}name,reason{"}"}]、events[{"{"}name,detail{"}"}]、notes……）。
cli-opt-details = 打印每一帧的详情树（即窗口的详情面板：synack 的分析、帧、每一层及其字段）来代替该帧的一行，同 tshark -V；与 --json 一起用时，每个对象多一个 `details` 数组。
cli-opt-verbose = 先打印每一帧的一行，再打印它的详情树（tcpdump -v；-vv 和 -vvv 也可以）。
cli-read-absolute = 打印原始的 TCP 序号和确认号，而不是相对值。
cli-read-no_messages = 跳过粘包事件（`message_boundary`、`coalesced`、`split`），这些事件需要先遍历一遍，重组并分帧每个 TCP 流（分帧方式自动选择）。
cli-read-threads = 线程数：1 表示全部在一个线程中运行；2 或更多表示一个线程读取、解码和分析，另一个线程对字节流分帧，然后格式化并写出（输出相同）。默认：两个或更多核的机器上为 2。
cli-run-server = 服务端的命令，通过 `sh -c` 运行；它先启动，客户端在它有了监听套接字（或绑定的 UDP 套接字）之后启动，或在 --wait 之后启动。
cli-run-clients = 一个客户端的命令，通过 `sh -c` 运行（多个客户端就重复给出：client、client2……）。
cli-run-write = 把抓包写入 FILE（pcap），把调用写入 FILE.calls.json。
cli-run-json = 打印 JSON Lines：数据包同 `synack read --json`，调用同调用记录（带 "call" 键的对象）。此时程序的标准输出改到标准错误，让标准输出只有 JSON。
cli-run-quiet = 不打印数据包和调用（只打印程序的输出和摘要）。
cli-run-input = 用 FILE 作为（第一个）客户端的标准输入。
cli-run-host_net = 在主机的网络中运行并在它的 lo 上抓包，只保留这些程序的端口（需要 CAP_NET_RAW）；与 --net host 相同。
cli-run-net = 网络：`isolated`（它们自己的命名空间，只有 lo，默认）、`pair`（服务端和客户端在两台主机上，10.77.2.2 和 10.77.1.2，中间的路由器应用 --loss、--delay 和 --rate；需要 root）或 `host`。
cli-run-loss = `--net pair`：路由器随机丢弃的 TCP 数据段的百分比（从不丢弃 SYN、FIN 或 RST）。
cli-run-delay = `--net pair`：路由器对每个数据包在每个方向上延迟的毫秒数（需要内核的 netem 队列规则）。
cli-run-rate = `--net pair`：路由器向服务端转发的速率上限为 MBIT Mbit/s（tbf）。
cli-run-wait = 客户端等待服务端开始监听的最长时间，单位秒。
cli-run-linger = 最后一个客户端结束后，服务端还可以继续运行多久才被停止，单位秒。
cli-run-timeout = S 秒后停止一切（退出状态 124）。
cli-run-absolute = 打印原始的 TCP 序号和确认号，而不是相对值。
cli-run-sample_ms = 每隔 MS 毫秒、每次改变连接状态或失败的调用之后，以及 MS 毫秒内未读取过时的每次发送或接收之后，读取这些程序的 TCP 套接字的内核状态（拥塞窗口、慢启动门限、RTT、拥塞状态：通过 NETLINK_SOCK_DIAG 读取 TCP_INFO），写入调用记录的 `tcp_info`；0 表示不读取。
cli-run-ptrace_only = 每次 read、write、send 和 recv 也让程序停下（ptrace），而不是在内核中（系统调用跟踪点上的 eBPF 程序）在程序继续运行时记录它们（以 root 运行时的默认方式）：慢好几倍。
cli-stream-stream = TCP 流编号（tshark 的 `tcp.stream`，按首次出现的顺序）。不给出时，汇总每一个流。
cli-stream-framing = 如何把字节切分成消息：line、u8、u16be、u16le、u32be、u32le（用 `:off=N` 指定头部偏移，长度包含头部时加 `:incl`，例如 `u16be:off=2:incl`）、http、tls、dns、resp、mysql（在 SSL 请求之后切换为 TLS 记录）、fixed:N、none（不分消息），或 auto（最能解释这个流的分帧方式；会打印理由）。
cli-stream-json = JSON Lines：`stream`、`segment`、`message`、`gap`、`duplicate`、`conflict`、`unparsed`、`incomplete` 和 `summary` 对象，每个都有 `kind` 字段。
cli-stream-calls = 这份抓包对应的流量生成器调用记录：每次 `send()` 调用一条消息（`--framing calls`）。不给出时，如果抓包旁边有 `FILE.calls.json` 就读取它，当没有分帧方式能解释字节时，`auto` 使用其中的 send() 调用。
cli-view-file = 要打开的抓包文件（pcap 或 pcapng）；多个文件或目录按时间顺序合并为一份抓包打开。不给出时（且没有 --live）打开内置的演示。
cli-view-live = 改为在这个网卡上实时抓包（见 `synack ifaces`）。例如：`synack view --live lo -f 'tcp port 8080'`。
cli-view-gen = 打开流量生成面板并运行这个场景（见 `synack gen --list`）：有抓包权限时在本机回环上实测，否则用合成模式。例如：`synack view --gen close-client-first --synthetic`。
cli-view-synthetic = 与 --gen 一起用：即使可以实测，也用合成模式（构造的数据帧）运行场景。
cli-view-bpf = --live 的 BPF 抓包过滤器，例如 `-f 'tcp port 443'`。
cli-view-display_filter = 启动时应用的显示过滤器（Wireshark 的 `-Y`），例如 `-Y 'tcp.analysis.flags'`。
cli-view-goto = 载入后选中这个帧号（Wireshark 的 `-g`），例如 `-g 42`。
cli-view-tab = 打开这个标签页，例如 `--tab ladder -g 3` 显示第 3 帧所在连接的时序图，`--tab graphs -g 17` 显示它的时间-序号图，`--tab stream -g 4` 显示它的字节流图。
cli-view-replay = 以 --goto 指定的帧为光标开始回放（逐步回放它的连接），例如 `synack view FILE --tab ladder -g 8 --replay`。
cli-view-tour = 开始导览（没有给出文件时使用内置演示）。
cli-view-bench_frames = 基准测试：载入后在数据包列表中滚动 N 帧，把载入时间和帧时间（p50/p99）打印到标准错误，然后退出。
cli-gen-scenario = 要运行的场景（见 `--list`），例如 `sticky`、`half-close`、`loss`。
cli-pair-files = 两份抓包：先是 A，在第一个位置抓到（例如在客户端上），再是 B，在第二个位置抓到（例如在服务端上）。每份的读法与所有子命令读抓包相同：pcap 或 pcapng，gzip 压缩与否均可，一个环形缓冲文件的目录当作一份抓包，`-`（或 /dev/stdin、管道、FIFO）读标准输入，每份只读一遍。
cli-ladder-files = 抓包文件（pcap 或 pcapng，任意字节序，微秒或纳秒时间戳，可以是 gzip 压缩的）或包含它们的目录；`-`（或 /dev/stdin、管道、FIFO）表示读取标准输入。多个文件按时间顺序合并为一份抓包来读（像 mergecap），所以跨文件的连接是同一个连接。
cli-ladder-about = 一个连接的时序图：列表、SVG、Mermaid、PlantUML 或 JSON。
cli-run-about = 运行在自己的网络中被跟踪的程序：它们的套接字调用和数据包在同一条时间线上；写出 pcap 及其调用记录。
cli-read-files = 抓包文件（pcap 或 pcapng，任意字节序，微秒或纳秒时间戳，可以是 gzip 压缩的）或包含它们的目录；`-`（或 /dev/stdin、管道、FIFO）表示读取标准输入。多个文件按时间顺序合并为一份抓包来读（像 mergecap），所以跨文件的连接是同一个连接。
cli-flows-files = 抓包文件（pcap 或 pcapng，任意字节序，微秒或纳秒时间戳，可以是 gzip 压缩的）或包含它们的目录；`-`（或 /dev/stdin、管道、FIFO）表示读取标准输入。多个文件按时间顺序合并为一份抓包来读（像 mergecap），所以跨文件的连接是同一个连接。
cli-stream-files = 抓包文件（pcap 或 pcapng，任意字节序，微秒或纳秒时间戳，可以是 gzip 压缩的）或包含它们的目录；`-`（或 /dev/stdin、管道、FIFO）表示读取标准输入。多个文件按时间顺序合并为一份抓包来读（像 mergecap），所以跨文件的连接是同一个连接。
cli-run-command = 程序及其参数（写在 `--` 之后），用于没有 --server/--client 的情况
# Find Packet, Ctrl+F (src/ui/find.rs)
menu-find-packet = 查找分组…
find-by = 查找方式
find-by-filter = 显示过滤器
find-by-text = 字符串
find-by-hex = 十六进制值
find-in = 搜索范围
find-in-info = 分组列表（信息列）
find-in-bytes = 分组字节
find-case = 区分大小写
find-hint-filter = 例如 tcp.analysis.retransmission
find-hint-text = 例如 GET /index.html
find-hint-hex = 例如 48 54 54 50
find-next = 查找下一个
find-previous = 查找上一个
find-close = 关闭
find-empty = 请先输入要查找的内容。
find-wire-metric = 查找无法检验线路指标（bytes_in_flight、ack_rtt、acks_frame）；请改为将其作为显示过滤器应用。
find-bad-hex = 不是十六进制字节序列：请写成成对的十六进制数字，例如 48 54 54 50 或 48:54:54:50。
find-none = 没有显示中的分组匹配。
find-found = 找到第 { $frame } 帧。
find-wrapped-end = （搜索到达列表末尾，已从顶部继续。）
find-wrapped-start = （搜索到达列表顶部，已从末尾继续。）

# Follow UDP Stream (src/ui/follow)
menu-follow-udp-stream = 追踪 UDP 流
menu-follow-udp-disabled = 请先选择一个 UDP 分组
follow-title-udp = 追踪 UDP 流 (udp.stream eq { $stream })
follow-summary-udp = 客户端 { $client } 字节，服务端 { $server } 字节，{ $datagrams } 个数据报

## 运行程序（生成器面板的第二页，窗口里的 `synack run`）

gen-page-lessons = 课程
gen-page-program = 运行程序
run-title = 运行你自己的程序
run-hint = 服务端和客户端在独立的网络中被跟踪运行：每个套接字调用都显示在它产生的数据包旁边。命令在下面的文件夹中通过 sh -c 运行；服务端开始监听后客户端才启动，服务端地址在 $SYNACK_SERVER 和 {"{"}server{"}"} 中。
run-example = 用课程示例填写…
run-example-hint = examples/course 中的课程程序（Python 3）：填写服务端和客户端命令。
run-folder = 文件夹：
run-server = 服务端：
run-client = 客户端 { $n }：
run-client-add = + 添加客户端
run-client-remove = 删除这个客户端
run-network = 网络：
run-net-isolated = 独立命名空间
run-net-isolated-hint = 只有 lo（127.0.0.1）的独立网络命名空间：抓到的正是它们的流量。需要 root。
run-net-pair = 两台主机 + 路由器
run-net-pair-hint = 服务端（10.77.2.2）和客户端（10.77.1.2）在两台主机上，经过一个可以丢包、延迟和限速的路由器相连。需要 root、ip 和 nft。
run-net-host = 主机网络
run-net-host-hint = 使用主机自己的网络，在 lo 上抓包，只保留这些程序的端口。需要 CAP_NET_RAW。
run-loss = 丢包：
run-rate = 速率（0：不限）：
run-delay = 延迟：
run-timeout = 超时停止（0：不限）：
run-run = 运行
run-stop = 停止
run-save = 保存抓包…
run-save-hint = 写出这次运行的 pcap 和调用记录（FILE.calls.json）。
run-form-empty = 请填写服务端或客户端命令。
run-form-no-dir = 没有这个文件夹：{ $dir }
run-pair-needs-both = 两台主机需要一个服务端和至少一个客户端。
run-needs-root = 在网络命名空间中运行程序需要 root：请以 root 启动 synack，或选择主机网络（需要 CAP_NET_RAW）。
run-host-needs-capture = 在主机的 lo 上抓包需要 root 或 CAP_NET_RAW。
run-running = 运行中
run-done = 完成
run-failed = 失败
run-status = { $what }：{ $frames } 帧，{ $calls } 次调用
run-program-waiting = { $actor }：等待服务端开始监听
run-program-running = { $actor }（pid { $pid }）：运行中
run-program-exited = { $actor }（pid { $pid }）：退出，状态 { $code }
run-program-killed = { $actor }（pid { $pid }）：被 { $signal } 结束
run-program-failed = { $actor }：无法启动：{ $why }
run-output = 程序输出（{ $lines } 行）
run-stopped = 已在窗口中停止。
run-timed-out = 超时后已停止。
run-capture-dropped = 抓包丢失了 { $count } 个数据包：请重新运行以获得完整的抓包。

## 程序的调用：梯形图和详情中

call-who-pid = { $actor } pid { $pid }
ladder-call-send = { $call }({ $bytes }) → { $count } 帧：{ $frames }
ladder-call-send-unseen = { $call }({ $bytes }) → 未抓到帧
ladder-call-send-failed = { $call }({ $asked }) → { $error }
ladder-call-recv = { $call } → { $bytes } 字节
ladder-call-recv-eof = { $call } → 0（流结束）
ladder-call-failed = { $call } → { $error }
ladder-call-ready = { $call } → 就绪（{ $events }）
# 时序图的文字描述：图的无障碍标签，供屏幕阅读器朗读
ladder-summary-udp = UDP 时序图，{ $client } 与 { $server } 之间共 { $count } 个数据报。
ladder-summary = 时序图，共 { $count } 个报文段。客户端：{ $client }。服务端：{ $server }。{ $brackets }
ladder-summary-bracket = { $name }（第 { $first }–{ $last } 帧）
ladder-summary-separator = ；
ladder-summary-list-separator = 、
ladder-summary-lost = 。在抓包点之后丢失：第 { $frames } 帧
ladder-summary-ghosts = 。有 { $count } 处缺口从未被抓到
details-calls = 程序调用
details-call-written = 这些字节由 { $who } 的第 { $n } 次 { $call }() 写入（其 { $total } 字节中的第 { $first }–{ $last } 字节）
details-call-read = 由 { $who } 的第 { $n } 次 { $call }() 读取（其 { $total } 字节中的第 { $first }–{ $last } 字节）
details-call-caused = 由 { $who } 的 { $call }() 引起（{ $result }）
details-call-failed = 随后 { $who } 的第 { $n } 次 { $call }() 失败：{ $error }

# 状态栏和标题中数据来源的名字（src/ui/store.rs）
source-none = 没有抓包
source-demo = demo.pcap（内置演示）
source-live = 在 { $iface } 上实时抓包
source-demo-unreadable = 无法读取内置演示：{ $error }

# 窗口中的简称和角色名（连接表、流量生成面板、程序调用）
cause-short-application = 应用程序
cause-short-receiver-window = 接收窗口
cause-short-congestion-window = 拥塞窗口
cause-short-loss-recovery = 丢包恢复
cause-short-retransmission-timeout = 超时重传
cause-short-send-buffer = 发送缓冲区
gen-mode-name-live = 实测
gen-mode-name-netns = 网络命名空间
gen-mode-name-synthetic = 合成
call-actor-client = 客户端
call-actor-server = 服务端

## 命令行写给人看的文字（src/cli）：错误、提示、stream 的文本行。机器输出（JSON、字段、帧行）保持英文。
out-bad-filter = 显示过滤器有误：{ $error }
out-damaged = { $error }（出错前已读取 { $frames } 帧）
out-stream-title = TCP 流 { $stream }：{ $client } → { $server }{ $vlan }
out-framing-auto = 分帧方式：{ $framing }（自动）— { $reason }
out-framing-auto-inconsistent = 分帧方式：{ $framing }（自动）—（不一致）{ $reason }
out-framing = 分帧方式：{ $framing }
out-calls-trace = 调用记录：{ $path }
out-direction = { $dir } { $from } → { $to }：{ $bytes } 字节，{ $segments } 个报文段，{ $messages } 条消息，{ $coalesced } 个粘包报文段，{ $split } 条拆包消息，{ $gaps } 处缺口（{ $gap_bytes } 字节），{ $duplicate } 字节重复，{ $conflicts } 处冲突的重叠
out-text-auto = 文本，{ $encoding }（自动）：
out-text = 文本，{ $encoding }：
out-text-unparsed = 未解析
out-text-undecodable = ，{ $count } 字节无法解码
lib-writing-output = 写输出时
# 抓包文件无法读取或打开的原因（src/capture/file.rs 的 CaptureError）
cap-err-io = { $path }：无法读取：{ $error }
cap-err-empty = { $path }：文件是空的（不是 pcap 或 pcapng 抓包文件）
cap-err-not-capture = { $path }：不是 pcap 或 pcapng 文件（魔数 { $magic }）
cap-err-corrupt = { $path }：文件在第 { $offset } 字节处损坏：{ $what }
cap-err-read-failed = { $path }：读取失败：{ $error }，位于第 { $offset } 字节
cap-err-truncated = { $path }：文件被截断，最后一条记录不完整（第 { $frame } 帧之后，第 { $offset } 字节处只有 { $left } 字节）
cap-err-live = { $what }
cap-err-permission = { $interface }：没有抓包权限（{ $detail }）。请以 root 身份运行 synack，或者给程序授予一次能力：`sudo setcap cap_net_raw,cap_net_admin=eip $(command -v synack)`（抓包需要 cap_net_raw；cap_net_admin 只用于混杂模式，所以只有 cap_net_raw 时加 `--no-promisc` 也可以）
cap-err-no-interface = { $name }：没有这个网络接口。本机的接口：{ $available }（见 `synack ifaces`）
cap-err-interface-down = { $name }：接口已关闭；请先启用它（`ip link set { $name } up`）
cap-err-bad-filter = 抓包过滤器“{ $filter }”有误：{ $message }
cap-err-filter-unsupported = { $backend } 后端不能应用抓包过滤器（-f）：pnet 没有 BPF 编译器。要用 -f 请改用默认后端（`--backend pcap`），或者去掉 -f
# 操作系统的错误（与 glibc 的中文翻译一致）
os-error = { $words }（系统错误 { $number }）
os-error-1 = 不允许的操作
os-error-2 = 没有那个文件或目录
os-error-5 = 输入/输出错误
os-error-12 = 无法分配内存
os-error-13 = 权限不够
os-error-17 = 文件已存在
os-error-19 = 没有那个设备
os-error-20 = 不是目录
os-error-21 = 是一个目录
os-error-24 = 打开的文件过多
os-error-28 = 设备上没有空间
os-error-30 = 只读文件系统
os-error-32 = 断开的管道
os-error-98 = 地址已在使用
os-error-111 = 拒绝连接

## 库给出、显示给人看的话，在显示处翻译（src/i18n/mod.rs 的 Phrases、library_text）：
## 分帧方式的选择与理由、粘包事件、流量生成器改用的模式
framing-auto-explains = { $framing }：{ $messages } 条消息覆盖了 { $total } 字节中的 { $pct }，没有未解析的字节
framing-auto-start = 没有哪种分帧方式能解释整个流；{ $framing } 能解释开头：{ $messages } 条消息覆盖了 { $total } 字节中的 { $pct }，{ $unparsed } 字节未解析
framing-auto-nothing = 没有哪种分帧方式能解释这 { $total } 字节
framing-auto-resync = ；在 { $gaps } 处缺口之后从下一条消息的开头继续分帧（缺口截断的 { $skipped } 字节未计入）
framing-auto-next-unparsed = ；其次是 { $framing }：{ $messages } 条消息，{ $unparsed } 字节未解析
framing-auto-next-covering = ；其次是 { $framing }：{ $messages } 条消息，覆盖 { $pct }
framing-by-calls = ；消息边界来自调用记录中的 { $sends } 次 send() 调用
details-sticky-boundary = 消息边界：{ $starts } 条消息在此开始，{ $ends } 条在此结束
details-sticky-coalesced = 粘包：{ $count } 条消息（#{ $first }..#{ $last }）在这个报文段里
details-sticky-split = 拆包：消息 #{ $message } 跨越了帧 { $frames }
gen-fallback-not-live = `{ $scenario }` 无法在回环网卡上用真实套接字强制产生，因此改为合成
gen-fallback-no-permission = 实时抓包需要 root 或 CAP_NET_RAW，因此改为合成
gen-fallback-no-netns-form = `{ $scenario }` 没有网络命名空间形式
gen-fallback-netns-needs-root = 网络命名空间需要 root 以及 `ip` 和 `nft`
gen-fallback-and = ；
ribbon-gap-name-not-captured = 未抓到
ribbon-gap-name-acked-unseen = 已确认但未抓到
ribbon-gap-name-buffer-limit = 缓冲区上限
ribbon-gap-name-unfilled = 未补上
# 分帧器停下的原因（src/stream/framing、src/stream/calls.rs）：lib- 加英文句子的单词（i18n::library_key）
lib-datagram-framing-is-udp-s-not-a-byte-stream-s = 数据报分帧属于 UDP，不适用于字节流
lib-dns-message-shorter-than-its-12-byte-header = DNS 消息比它 12 字节的头部还短
lib-dns-message-with-more-than-one-question = DNS 消息中有不止一个问题
lib-fixed-n-takes-no-other-options = fixed:N 不接受其他选项
lib-http-content-length-is-not-a-number = HTTP 的 Content-Length 不是数字
lib-http-chunk-not-followed-by-crlf = HTTP 分块后面没有 CRLF
lib-http-chunk-size-is-not-hexadecimal = HTTP 分块大小不是十六进制数
lib-http-header-block-longer-than-64-kib = HTTP 头部超过 64 KiB
lib-http-header-line-without-a-colon = HTTP 头部行没有冒号
lib-http-header-name-is-not-a-token = HTTP 头部名称不是合法的 token
lib-http-method-too-long = HTTP 方法名太长
lib-http-request-line-is-not-method-target-http-x-y = HTTP 请求行不是“方法 目标 HTTP/x.y”的形式
lib-http-start-line-begins-with-a-space = HTTP 起始行以空格开头
lib-http-status-line-without-a-status-code = HTTP 状态行没有状态码
lib-resp-bulk-string-not-followed-by-crlf = RESP 批量字符串后面没有 CRLF
lib-resp-inline-command-with-binary-bytes = RESP 内联命令中有二进制字节
lib-resp-line-not-ended-by-crlf = RESP 行没有以 CRLF 结束
lib-resp-negative-aggregate-length = RESP 聚合类型的长度为负
lib-resp-negative-bulk-length = RESP 批量字符串的长度为负
lib-resp-nesting-too-deep = RESP 嵌套太深
lib-tls-record-longer-than-18432-bytes = TLS 记录超过 18432 字节
lib-after-http-101-switching-protocols-not-http = HTTP 101 Switching Protocols 之后：不再是 HTTP
lib-length-field-is-smaller-than-the-header-it-includes = 长度字段小于它所包含的头部
lib-no-framing-chosen = 没有选择分帧方式
lib-no-send-call-in-the-calls-trace-covers-these-bytes = 调用记录中没有哪次 send() 调用覆盖这些字节
lib-not-a-tls-record-header-type-20-24-version-3-x = 不是 TLS 记录头（类型 20-24，版本 3.x）
lib-not-an-http-request-or-status-line = 不是 HTTP 请求行或状态行
lib-rest-of-a-line-cut-by-a-gap = 被缺口截断的一行的剩余部分
lib-the-calls-framing-needs-the-calls-trace-file-calls-json = calls 分帧需要调用记录（FILE.calls.json）
lib-zero-length-message = 长度为零的消息
