# synack's English catalogue. Every key here must exist in zh.ftl too (unit test).
# Keys: area-what. Arguments: { $name }. See src/i18n/mod.rs.

## Languages and the course's terms

lang-menu = Language
term-handshake = three-way handshake
term-teardown = four-way teardown
term-sticky = sticky packets
term-half-close = half-close
term-retransmission = retransmission
term-fast-retransmission = fast retransmission
term-zero-window = zero window

## Fonts

font-missing = No CJK font found: Chinese text would show as boxes. Install one with `apt-get install fonts-noto-cjk` (or fonts-wqy-microhei) and restart synack.

## Tabs

tab-packets = Packets
tab-connections = Connections
tab-ladder = Ladder
tab-live = Live capture
tab-graphs = Graphs
tab-stream = Stream
tab-generator = Generator
tab-flows = Flow graph
tab-pair = Two points
tab-stream-n = TCP stream { $stream }

## Menus

menu-file = File
menu-open = Open...
menu-open-recent = Open recent
menu-none-yet = (none yet)
menu-open-demo = Open the demo capture
menu-open-second = Open second capture point...
menu-open-second-hover = Another capture of the same traffic, taken elsewhere on its path: where each segment was lost, and how long each direction took
menu-export-all = Export all packets as pcap...
menu-export-filtered = Export displayed (filtered) packets as pcap...
menu-export-connection = Export selected connection as pcap...
menu-export-ladder-svg = Export ladder as SVG...
menu-export-ladder-png = Export ladder as PNG...
menu-export-flows-svg = Export flow graph as SVG...
menu-export-flows-png = Export flow graph as PNG...
menu-quit = Quit
menu-edit = Edit
menu-copy-summary = Copy packet summary
menu-copy-connections = Copy connection table
menu-view = View
menu-time-format = Time display format:
menu-auto-scroll = Auto-scroll to newest packet
menu-legend = Colouring rules legend
menu-leave-replay = Leave the replay
menu-replay-capture = Replay the capture
menu-replay-stream = Replay TCP stream { $stream }
menu-go = Go
menu-goto-packet = Go to packet…
menu-analyze = Analyze
menu-follow-stream = Follow TCP Stream
menu-follow-disabled = Select a TCP packet first
menu-help = Help
menu-tour = Guided tour
menu-tour-hover = A few steps through the demo capture: handshake, data, sticky packets, loss, teardown
menu-replay-keys = Replay keys:
msg-summary-copied = Packet summary copied

time-relative = Seconds since first packet
time-absolute = Date and time of day (UTC)
time-delta = Seconds since previous displayed packet

export-all = All packets
export-filtered = Displayed (filtered) packets
export-connection = Selected connection

## Status bar

status-no-capture = no capture
status-packets = Packets: { $count }
status-displayed = Displayed: { $shown } ({ $pct }%)
status-connections = Connections: { $count }
status-replay-hidden = Replay: packets after frame { $frame } hidden
status-loading = Loading { $pct }%
status-filtering = filtering
status-capturing = Capturing live…

## Panes

pane-bytes = Bytes
pane-details = Packet details
pane-ladder-button = Ladder
pane-ladder-hover = Open the ladder diagram of this packet's connection
pane-copy-summary = Copy summary
pane-generator-hint = Packets arrive in the Packets tab with their analysis; the display filter applies as they come.

## Payload as text

text-view = Text
text-hex = Hex
text-encoding = Encoding
text-encoding-auto = auto ({ $encoding })
text-no-payload = No payload.
text-decoded-with = decoded as { $encoding }
text-replacements = { $count } { $count ->
    [one] byte
   *[other] bytes
} could not be decoded (shown as �)

follow-text-auto = Text ({ $encoding }, auto)

## Details: synack's analysis section

details-analysis = Analysis (synack)
details-no-flags = No analysis flags
details-event = Event: { $name } ({ $detail })
details-states = State after this packet: client { $client } · server { $server }
details-connection = Connection { $stream }: { $client } <-> { $server } ({ $zeek }), this packet { $direction }
details-client-to-server = client to server
details-server-to-client = server to client
details-history = History: { $history }
details-handshake-rtt = Handshake RTT: { $ms } ms

## TCP states (the RFC's names; the course keeps them too)

state-closed = CLOSED
state-listen = LISTEN
state-syn-sent = SYN_SENT
state-syn-received = SYN_RECEIVED
state-established = ESTABLISHED
state-fin-wait-1 = FIN_WAIT_1
state-fin-wait-2 = FIN_WAIT_2
state-close-wait = CLOSE_WAIT
state-closing = CLOSING
state-last-ack = LAST_ACK
state-time-wait = TIME_WAIT

## Analysis flags: names (Wireshark's Info-column labels) and reasons

details-flag = [{ $label }]: { $reason }  (tcp.analysis.{ $name })

flag-retransmission = TCP Retransmission
flag-fast-retransmission = TCP Fast Retransmission
flag-spurious-retransmission = TCP Spurious Retransmission
flag-out-of-order = TCP Out-Of-Order
flag-lost-segment = TCP Previous segment not captured
flag-duplicate-ack = TCP Dup ACK { $frame }#{ $num }
flag-ack-lost-segment = TCP ACKed unseen segment
flag-zero-window = TCP ZeroWindow
flag-zero-window-probe = TCP ZeroWindowProbe
flag-zero-window-probe-ack = TCP ZeroWindowProbeAck
flag-window-full = TCP Window Full
flag-window-update = TCP Window Update
flag-keep-alive = TCP Keep-Alive
flag-keep-alive-ack = TCP Keep-Alive ACK
flag-reused-ports = TCP Port numbers reused

reason-retransmission-of = seq { $seq }–{ $end } already sent in frame { $frame }, { $delta } earlier
reason-retransmission-below = seq { $seq }–{ $end } is below the highest sequence number already sent ({ $highest })
reason-fast-retransmission = resends seq { $seq } after { $dups } { $dups ->
    [one] duplicate ACK
   *[other] duplicate ACKs
} for it, { $delta } after the last one
reason-spurious-retransmission = seq { $seq }–{ $end } was already acknowledged by the peer (ACK { $ack })
reason-out-of-order = seq { $seq }–{ $end } arrives { $delta } after higher data (frame { $frame }), within the reordering threshold
reason-lost-segment = seq { $seq } jumps past the next expected seq { $expected }: { $missing } { $missing ->
    [one] byte
   *[other] bytes
} not captured
reason-duplicate-ack = ACK { $ack } repeated (duplicate #{ $count } of frame { $frame }) with no data and the same window
reason-ack-lost-segment = acknowledges { $ack } but the peer's data was only seen up to { $seen }
reason-zero-window = receive window is 0: the sender must stop
reason-zero-window-probe = 1 byte at seq { $seq } while the peer advertises a zero window
reason-zero-window-probe-ack = answers a zero-window probe, window still 0
reason-window-full = segment ends at seq { $end }, the edge of the peer's advertised window
reason-window-update = no data, same seq/ack, window changed from { $from } to { $to }
reason-keep-alive-zero-window = seq { $seq } is one below the next expected seq, { $bytes } byte(s), while the peer's window is 0: a zero-window probe sent the way Linux does
reason-keep-alive = seq { $seq } is one below the next expected seq, { $bytes } byte(s): a probe that the peer is alive
reason-keep-alive-ack = repeats the previous ACK in answer to a keep-alive
reason-reused-ports = new SYN with another initial sequence number on ports of stream { $stream }

## The guided tour

tour-title = Guided tour
tour-step = Step { $n }/{ $total }
tour-close = Close
tour-next = Next >
tour-back = < Back
tour-finish = Finish
tour-needs-demo = The guided tour needs the demo capture (File > Open the demo capture)
tour-nothing = This capture has nothing the tour can show.
tour-client = client
tour-server = server
tour-handshake-title = The three-way handshake
tour-handshake-text = Before any data, the two sides agree to talk. The client sends a SYN (frame { $syn }): "I want to connect, my numbers start here" and goes to SYN_SENT. The server answers SYN-ACK (frame { $synack }): "OK, and here are mine". The client's ACK (frame { $ack }) completes it: both sides are now ESTABLISHED.{ $rtt }{ "\u000A" }{ "\u000A" }In the ladder, each arrow is one segment; the green names on the lines are each side's state.
tour-handshake-rtt = { " " }The whole exchange took one round trip: { $ms } ms.
tour-data-title = Data and its acknowledgment
tour-data-text = Frame { $frame } carries { $len } { $len ->
    [one] byte
   *[other] bytes
} from the { $from } to the { $to }: bytes { $first } to { $last } of the { $from }'s stream (seq={ $first }). The { $to } answers in frame { $ackframe } with ack={ $ack }: "I have everything before byte { $ack }, send that one next". Sequence numbers count bytes, not packets.{ $piggyback }
tour-data-piggyback = { " " }That segment also carries { $len } { $len ->
    [one] byte
   *[other] bytes
} of its own: the ACK rides along with the reply (piggybacking).
tour-sticky-title = A sticky burst
tour-sticky-text = The application called send() { $sends } { $sends ->
    [one] time
   *[other] times
}{ $what }, yet frame { $frame } carries all of those messages in one segment. The Stream tab is framed here by those send() calls (framing "calls"), so its messages row shows where each one lies inside frame { $frame }; the bytes alone carry no boundaries (with "line" or "auto" they run together). TCP delivers a stream of bytes and keeps no message boundaries. Small writes made close together are glued into one segment (the "sticky packet" problem); a large one is cut into several. The receiving program must find the messages again itself: by a delimiter, a length prefix or a fixed size.
tour-loss-title = Loss and recovery
tour-loss-text = { $lost } The receiver can only acknowledge bytes that arrive in order, so it keeps repeating the same ack{ $dups }. { $resend }{ $recovered }
tour-loss-lost-frame = Frame { $frame } (seq={ $seq }) left the sender but never arrived.
tour-loss-lost = The segment with seq={ $seq } was lost.
tour-loss-dups = { " " }(duplicate ACKs, orange: frames { $frames })
tour-loss-fast = After three duplicate ACKs the sender resends it at once in frame { $frame } (fast retransmission, red) instead of waiting for its timer.
tour-loss-timeout = The sender's timer runs out and it resends the segment in frame { $frame } (retransmission, red).
tour-loss-recovered = { " " }Frame { $frame } acknowledges everything up to byte { $ack }: the hole is filled.
tour-teardown-title = The teardown
tour-teardown-text = Each direction is closed on its own (frames { $frames }). The { $closer } sends FIN: "I have nothing more to send" (FIN_WAIT_1); the { $other } acknowledges it (CLOSE_WAIT: it may still send). When the { $other } is done it sends its own FIN (LAST_ACK), the { $closer } acknowledges it and waits in TIME_WAIT in case that last ACK is lost, while the { $other } is CLOSED.
tour-reset-title = A reset
tour-reset-text = Frame { $frame } is a RST from the { $who }: the connection is abandoned at once, without the FIN exchange. Data still in flight is lost and the other side gets an error ("connection reset by peer"). Programs do this on errors, or when they close a socket that still has unread data.
tour-refused-title = A refused connection
tour-refused-text = { $syn }The server answers with RST (frame { $rst }): no program listens on that port, so the connection is refused before it exists. The client's connect() fails with "connection refused".
tour-refused-syn = The client sends a SYN (frame { $frame }).{ " " }

## Lessons (synack gen --list, the Generator tab)

gen-list-modes = [{ $modes }]
lesson-handshake = connect() is the three-way handshake SYN, SYN-ACK, ACK; close() the FIN/ACK pairs
lesson-sticky = TCP is a byte stream: with Nagle and a slow reader small messages stick together
lesson-nodelay = TCP_NODELAY turns Nagle off: every send() leaves at once as its own segment
lesson-fix-length-prefix = fix 1: a 4-byte length before each message lets the reader cut the stream exactly
lesson-fix-delimiter = fix 2: a delimiter (newline) after each message lets the reader split the stream
lesson-fix-delay = fix 3 (fragile): pausing between sends keeps messages in separate segments
lesson-fix-ack = fix 4: wait for the peer's application reply before sending the next message
lesson-split = one large send() leaves as many MSS-sized segments, and recv() gets it in pieces
lesson-close-client-first = the side that closes first sends the first FIN and ends in TIME_WAIT
lesson-close-server-first = the server may close first (HTTP/1.0 style): the server then holds TIME_WAIT
lesson-close-simultaneous = both FINs cross on the wire; both sides pass through CLOSING to TIME_WAIT
lesson-close-combined = a peer that closes at once piggy-backs its ACK on its FIN: a three-segment close
lesson-half-close = shutdown(SHUT_WR) sends a FIN but the peer can keep sending data after it
lesson-rst-abort = close() with SO_LINGER 0 aborts with RST: no FIN, no TIME_WAIT, the peer gets ECONNRESET
lesson-refused = a SYN to a port nobody listens on is answered by RST: connect() fails with ECONNREFUSED
lesson-loss = a lost segment brings duplicate ACKs (with SACK), a fast retransmission and a timeout
lesson-cc-compare = the same transfer with each congestion control algorithm (TCP_CONGESTION): their windows, recoveries and queueing delays differ
lesson-send-buffer = a small send buffer (SO_SNDBUF 4 KiB): send() waits for room in it, so the sender is held back by its buffer, not by the network
lesson-reorder = a segment that arrives late is out of order, not lost: SACK, then one cumulative ACK
lesson-zero-window = a slow reader fills its receive buffer: window 0, probes, then a window update
lesson-keep-alive = SO_KEEPALIVE probes an idle connection with empty segments that the peer ACKs
lesson-echo = each request and reply is a segment; replies carry the ACK of the request (piggy-backing)
lesson-http = HTTP/1.1 keep-alive reuses one connection; pipelined requests share segments
lesson-file-transfer = a list/get/put file server: a length-prefixed protocol over one connection
lesson-concurrent = a threaded server serves several clients at once: one connection (4-tuple) each
lesson-multiplex = one thread serves several clients with epoll: epoll_wait reports the ready sockets and the server reads only those
lesson-udp-chat = UDP has no connection and keeps message boundaries: one sendto() = one datagram
lesson-udp-broadcast = one UDP broadcast datagram reaches every host on the LAN (SO_BROADCAST)
lesson-demo = the built-in demo: handshake, data, a sticky burst, loss and a teardown in one capture
lesson-flood = N connections x M segments with loss: a big capture for benchmarks

## The command line's help (the same words as the doc comments in src/cli; a unit test checks)

cli-about = Packet-level network inspector and TCP handshake visualizer
cli-lang = Language of the output meant for people and of the window: `en` or `zh` (简体中文). Default: from the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, e.g. `LANG=zh_CN.UTF-8`).
cli-read-about = List the frames of a capture file, one line (or one JSON object) each.
cli-stream-about = Reassembled TCP streams: messages, and the segments that glued or split them.
cli-flows-about = List the connections of a capture file: state, history, close pattern, counters.
cli-view-about = Open the desktop view on a capture file, a live interface, or the built-in demo.
cli-gen-about = Run a socket lesson (echo, sticky packets, half-close, loss, ...) and capture it.
cli-capture-about = Capture live on an interface; print like `read`, write pcap like tcpdump -w.
cli-ifaces-about = List interfaces: addresses, up/down, loopback, and whether synack may capture there.
cli-pair-about = Two captures of the same traffic (e.g. at the client and at the server): where each segment was lost, and how long each direction took.
cli-gen-list = List the scenarios with the lesson each one teaches.
cli-stream-text = Print each message's bytes as text in the chosen encoding (with `--stream`).
cli-stream-encoding = Encoding of `--text` and of the messages' `text` in JSON: auto (UTF-8 when the stream's bytes are valid UTF-8, else GBK/GB18030 when they decode cleanly, else Latin-1), utf-8, gbk (GB18030) or latin1.

# Follow TCP Stream (src/ui/follow)
follow-title = Follow TCP Stream (tcp.stream eq { $stream })
follow-no-packet = TCP stream { $stream } has no packet yet.
follow-summary = { $client } { $client ->
    [one] byte
   *[other] bytes
} from the client, { $server } from the server, { $turns } { $turns ->
    [one] turn
   *[other] turns
}
follow-missing = , { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
} missing from the capture
follow-entire = Entire conversation ({ $bytes } { $bytes ->
    [one] byte
   *[other] bytes
})
follow-one-side = { $from } -> { $to } ({ $bytes } { $bytes ->
    [one] byte
   *[other] bytes
})
follow-show-as = Show data as
follow-stream = Stream
follow-filter = Filter this stream
follow-filter-out = Filter out this stream
follow-save-as = Save as…
follow-first-shown = [the first { $kib } KiB shown; Save as writes all of it]

# Asked before a save replaces a file (src/ui/file_dialog.rs)
dialog-replace-title = Replace the file?
dialog-replace-text = "{ $path }" already exists. Replacing it overwrites its contents.
dialog-cancel = Cancel
dialog-replace = Replace

# Flow graph (src/ui/flow_graph)
flows-limit = Limit to display filter
flows-count = { $frames } { $frames ->
    [one] frame
   *[other] frames
} between { $hosts } { $hosts ->
    [one] host
   *[other] hosts
}
flows-empty = No frame to show.
flows-comment = Comment
flows-svg-too-many = { $frames } frames are too many for one SVG (at most { $max }): tick "Limit to display filter" and filter fewer frames, or export a PNG of what is shown.
flows-summary = Flow graph: { $frames } { $frames ->
    [one] frame
   *[other] frames
} between { $hosts }

# Go to packet (src/ui/goto.rs)
goto-title = Go to packet number
goto-label = Packet number:
goto-button = Go to packet
goto-hint = A frame number, e.g. 42

# Right-click menu of a packet cell or a details line (src/ui/filter_menu.rs)
filter-menu-apply = Apply as Filter
filter-menu-prepare = Prepare as Filter
filter-menu-selected = Selected
filter-menu-not-selected = Not Selected
filter-menu-and-selected = …and Selected
filter-menu-or-selected = …or Selected
filter-menu-copy = Copy
filter-menu-copy-value = Value
filter-menu-copy-name = Field Name
filter-menu-copy-filter = As Filter
filter-menu-no-field = No filter field for this item

# Packet list columns (src/ui/packet_list.rs); a click on a header sorts
list-col-number = No.
list-col-time = Time
list-col-source = Source
list-col-destination = Destination
list-col-protocol = Protocol
list-col-length = Length
list-col-info = Info
list-sort-hover = Sort by this column: ascending, descending, then capture order

## Two points: two captures of one connection paired (src/ui/pair_view.rs, src/pair)
pair-pairing = Pairing the two captures...
pair-intro = Two captures of the same traffic, taken at two points of its path (the client and the server, or both sides of a firewall): open the first as usual, then File > Open second capture point... to see where each segment was lost and how long each direction took.
pair-clock = clock: B is { $offset } ms ahead of A (from { $ab } { $ab ->
    [one] segment
   *[other] segments
} A -> B and { $ba } B -> A)
pair-damaged = { $file } was read only up to damage: { $error }
pair-read-failed = { $file }: reading failed
pair-no-connection = No connection was seen at both points ({ $only_a } only in A, { $only_b } only in B).
pair-connection = connection
pair-connection-name = stream { $stream }: { $client } -> { $server } ({ $lost } lost)
pair-zoom-out = Zoom out (time)
pair-zoom-in = Zoom in (time)
pair-zoom-reset = Default scale
pair-next-loss = Next loss
pair-next-loss-hover = Scroll the ladder to the next lost segment
pair-client-to-server = client -> server
pair-server-to-client = server -> client
pair-direction-line = { $name } ({ $arrow }): { $fates }
pair-fate-count = { $count } { $fate }
pair-delays = ; one-way ms p50 { $p50 }, p90 { $p90 }, max { $max }
pair-summary = Two-tap ladder of stream { $stream }: { $segments } { $segments ->
    [one] segment
   *[other] segments
}, { $lost } lost; rails client, { $near }, { $far }, server
pair-graph-time = time since the first segment (s)
pair-graph-delay = one-way delay (ms)
pair-rail-client = client
pair-rail-server = server
pair-rail-tap = capture point { $tap }
pair-column-time = time (s)
pair-column-frames = frame A/B
pair-column-seq = seq
pair-column-len = len
pair-column-one-way = one-way
pair-column-fate = fate
pair-fate-delivered = delivered
pair-fate-duplicated = duplicated
pair-fate-reordered = reordered between the taps
pair-fate-lost-between = lost between A and B
pair-fate-lost-before = lost before { $up }
pair-fate-lost-after = lost after { $down }
pair-fate-not-captured = not captured at { $tap }
pair-fate-outside-capture = outside { $down }'s capture
pair-dialog-title = Open the second capture point's file
pair-needs-first = Open the first capture point's file first (File > Open...), then its second capture point
pair-not-in-a = This segment is not in the file on display (A): { $fate }; B has it as frame { $frame_b }.
pair-in-neither = This segment is in neither capture: { $fate }.
pair-idle = { $ms } ms with nothing on its way (squeezed)


## Display filter, replay, connections, live capture

filter-label = Display filter:
filter-hint = e.g. tcp.port == 80 && tcp.flags.syn == 1
filter-apply = Apply
filter-clear = Clear
filter-error = Filter error: { $message }
# Display filter errors (src/filter/parse.rs): the window shows them after "Filter error:",
# the command line after "bad display filter:"
filter-err-at = { $message } (at column { $column })
filter-err-unexpected = unexpected "{ $found }"
filter-err-single-equals = use == to compare
filter-err-character = unexpected character '{ $char }'
filter-err-escape = unknown escape in a string (use \" \\ \n \r \t \xHH)
filter-err-unterminated = unterminated string (a closing " expected)
filter-err-end-field = a field or protocol expected at the end of the filter
filter-err-end-value = a value expected at the end of the filter
filter-err-end-regex = a regular expression in quotes expected at the end of the filter
filter-err-end-slice = a slice like [13], [0:2] or [4-7] expected at the end of the filter
filter-err-end-token = "{ $token }" expected at the end of the filter
filter-err-close-paren = ")" expected, found "{ $found }"
filter-err-unclosed = unclosed "("
filter-err-unknown-field = "{ $name }" is neither a field nor a protocol (`synack fields` lists them)
filter-err-unknown-field-close = "{ $name }" is neither a field nor a protocol (did you mean { $close }?)
filter-err-contains-value = contains needs a string ("GET") or bytes (47:45:54), found "{ $found }"
filter-err-matches-quotes = matches needs a regular expression in quotes
filter-err-regex = bad regular expression: { $error }
filter-err-field-expected = a field or protocol expected, found "{ $found }"
filter-err-slice-number = { $field } is a number: only protocols, byte strings and addresses can be sliced
filter-err-slice = "{ $found }" is not a slice: use [i], [i:n], [i-j], [i:] or [:n]
filter-err-close-bracket = "]" expected, found "{ $found }"
filter-err-bytes-only = { $op } works on protocols and byte fields (e.g. tcp.payload, frame), not on { $field }
filter-err-value-after = a value expected after { $op }
filter-err-address-op = { $field } can only be compared with == or !=
filter-err-set-open = "{"{"}" expected after in, found "{ $found }"
filter-err-set-member = a value or "{"}"}" expected, found "{ $found }"
filter-err-not-number = "{ $found }" is not a number
filter-err-not-bytes = "{ $found }" is not a byte string (like 00:1b:21 or "text")
filter-err-not-string-field = "{ $found }" is not a value for this field: strings compare with byte fields
filter-err-not-network = "{ $found }" is not an IP address or network
filter-err-not-prefix = "{ $found }" is not a valid prefix
filter-err-not-address = "{ $found }" is not an IP address
filter-err-not-time = "{ $found }" is not a time in seconds
filter-err-too-big = "{ $found }" too big for this field, maximum { $max }
replay-shortcuts =
    Space: play / pause
    Alt+Right: next packet
    Alt+Left: previous packet
    Alt+Home: first packet
    Alt+End: last packet
    Esc: leave the replay
replay-not-started = not started
replay-position = frame { $frame } ({ $index } of { $total })
replay-position-stream = frame { $frame } ({ $index } of { $total } in stream { $stream })
replay-title = Replay
replay-first = |< First
replay-first-hover = First packet (Alt+Home)
replay-back = < Step
replay-back-hover = Previous packet (Alt+Left)
replay-play = Play
replay-pause = Pause
replay-play-hover = Play / pause (Space)
replay-step = Step >
replay-step-hover = Next packet (Alt+Right)
replay-last = Last >|
replay-last-hover = Last packet (Alt+End)
replay-speed = speed
replay-constant-rate = constant rate
replay-constant-rate-hover =
    Off: the capture's own timing, scaled by the speed (waits over { $wait } s are shortened).
    On: { $rate } packets per second × the speed.
replay-whole = whole capture
replay-selected-connection = selected connection
replay-stream = stream { $stream }
replay-at = At { $position }
replay-exit = Exit replay
replay-exit-hover = Show every packet again (Esc)
conn-stream = Stream
conn-proto = Proto
conn-client = Client
conn-server = Server
conn-state = State
conn-history = History
conn-close = Close
conn-pkts-c2s = Pkts C>S
conn-pkts-s2c = Pkts S>C
conn-bytes-c2s = Bytes C>S
conn-bytes-s2c = Bytes S>C
conn-duration = Duration s
conn-rtt = RTT ms
conn-framing = Framing
conn-messages = Msgs C>S/S>C
conn-limited-by = Limited by
conn-problems = Problems
conn-kernel = {" "}(kernel)
conn-search = Search:
conn-search-hint = address, port, state...
conn-copy = Copy table as text
conn-count = { $count } { $count ->
    [one] connection
   *[other] connections
}
conn-ladder-of = Ladder of stream { $stream }
conn-ladder-hover = Open the ladder diagram of the selected connection (also: right-click a row)
conn-replay = Replay at frame { $frame }: connections started later are hidden; the columns describe each connection over the whole capture.
conn-ladder = Ladder diagram
conn-show-packets = Show its packets
live-title = Live capture
live-no-promisc = Capturing without promiscuous mode (cap_net_raw only).
live-denied = Capturing needs root or cap_net_raw: run `sudo setcap cap_net_raw,cap_net_admin=eip $(which synack)`.
live-interface = Interface:
live-choose = (choose)
live-down = {" "}(down)
live-refresh = Refresh
live-bpf = Capture filter (BPF):
live-bpf-hint = e.g. tcp port 80
live-stop = Stop
live-start = Start
live-save = Save as pcap...
live-stopped = Stopped
live-capturing = Capturing
live-counters = { $state } on { $interface }: captured { $captured }, stored { $stored }, dropped { $dropped } (kernel { $kernel }, interface { $ifdropped }, synack queue { $queue })

## Graphs (src/ui/graphs)

graph-stevens = Time-sequence (Stevens)
graph-tcptrace = Time-sequence (tcptrace)
graph-throughput = Throughput
graph-rtt = Round-trip time
graph-y-seq = relative sequence number
graph-y-bits = throughput (bit/s)
graph-y-rtt = RTT (ms)
graph-x = time since the first packet (s)
graph-no-connection = No TCP connection selected
graph-no-connection-text = Select a connection in the Connections tab, or a TCP packet in the Packets tab; { $what } appear here.
graph-its-graphs = its graphs
graph-select-first = select a TCP connection or one of its packets first
graph-title = { $graph } - TCP stream { $stream } { $dir }{ $ends }
graph-stream = TCP stream { $stream }:
graph-c2s = client -> server
graph-s2c = server -> client
graph-reset = Reset view
graph-export-svg = Export SVG...
graph-export-png = Export PNG...
graph-show-packet = Show packet
graph-counts = { $title }: { $segments } { $segments ->
    [one] data segment
   *[other] data segments
}, { $retransmissions } { $retransmissions ->
    [one] retransmission
   *[other] retransmissions
}, { $acks } { $acks ->
    [one] ACK
   *[other] ACKs
}, { $samples } { $samples ->
    [one] RTT sample
   *[other] RTT samples
}{ $window }
graph-window = , window { $seconds } s
graph-hover-help = Hover a point to see its frame; click to select it. Drag to pan, scroll to zoom, right-drag to zoom to a box, double-click to reset.
graph-hover-segment = Frame { $frame }: seq { $seq } len { $len } flags { $flags }{ $notes } at { $time } s
graph-hover-rtt = Frame { $frame }: ACK { $ack } of frame { $acked }, RTT { $rtt } ms at { $time } s
graph-hover-throughput = Frame { $frame }: { $rate } over the last { $window } s (seq { $seq } len { $len })
graph-data-segment = data segment
graph-retransmission = retransmission
graph-out-of-order = out of order
graph-not-captured = previous segment not captured
graph-segment-lost = previous segment lost
graph-ack = ACK
graph-receive-window = receive window
graph-sack = SACK block
graph-throughput-line = throughput
graph-goodput = goodput (no retransmissions)
graph-rtt-sample = RTT sample
graph-from-kernel = from the kernel's readings
graph-from-wire = from the wire
graph-side-by-side = Side by side (every connection)
graph-compare-header = Stream { $stream } { $dir } · { $algorithm } · { $limited }
graph-compare-no-algorithm = algorithm not read
graph-compare-x = seconds since the connection's first packet
graph-compare-kernel = Kernel lines (cwnd, ssthresh)
graph-compare-verdict = What limited each sender
graph-compare-hint = Same scales in every graph; click one to see it alone.
ladder-kernel-state = kernel: { $state }
graph-kernel-state = Kernel state ({ $readings } readings{ $algorithm })
graph-no-kernel = No kernel readings for this sender (captures made by synack gen live or --netns have them).
graph-limited = What limited the sender ({ $source }):
graph-wire-caveat = (the wire cannot tell the send buffer from the window)
graph-kernel = { $what } (kernel)
graph-kernel-algorithm = { $what } (kernel, { $algorithm })
graph-ack-cwnd = ACK + cwnd
graph-ack-ssthresh = ACK + ssthresh
graph-panel-title = Kernel state over time; congestion state shaded:
graph-bytes = bytes
graph-ms = ms
graph-cwnd = cwnd
graph-in-flight = in flight
graph-in-flight-wire = in flight (wire)
cause-application = application
cause-receiver-window = receiver window
cause-congestion-window = congestion window
cause-loss-recovery = loss recovery
cause-retransmission-timeout = retransmission timeout
cause-send-buffer = send buffer
ca-open = Open
ca-disorder = Disorder
ca-cwr = CWR
ca-recovery = Recovery
ca-loss = Loss
ca-unknown = unknown

## Byte stream ribbon, details sections, close patterns

close-four-way = four-way close
close-three-way = three-way close (FIN+ACK)
close-simultaneous = simultaneous close
close-half-close = half-close
close-reset = reset (RST)
close-rejected = rejected
close-open = still open
close-incomplete = incomplete
details-close = Close: { $close } ({ $name })
details-wire-too-long = Bytes in flight and ACK RTT: connection too long to analyse on selection; use `synack read --json`
details-messages-too-large = connection too large to reassemble on selection ({ $packets } { $packets ->
    [one] packet
   *[other] packets
}); use `synack stream`
details-messages-skipped = Messages: { $why }
details-messages = Messages in this segment (framing: { $framing })
details-messages-any-framing = Messages in this segment
details-no-boundary = no message boundary in this segment
details-select-packet = Select a packet to see its layers.
ribbon-summary = { $dir } { $from } -> { $to }: { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
} in { $segments } { $segments ->
    [one] segment
   *[other] segments
}, { $messages } { $messages ->
    [one] message
   *[other] messages
}, { $coalesced } { $coalesced ->
    [one] coalesced segment
   *[other] coalesced segments
}, { $split } { $split ->
    [one] split message
   *[other] split messages
}, { $gaps } { $gaps ->
    [one] gap
   *[other] gaps
} ({ $gapbytes } { $gapbytes ->
    [one] byte
   *[other] bytes
})
ribbon-summary-calls = ; calls: { $sends } send(), { $recvs } recv()
ribbon-summary-udp = { $dir } { $from } -> { $to }: { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
} in { $datagrams } { $datagrams ->
    [one] datagram
   *[other] datagrams
}, each its own message{ $gapbytes ->
    [0] {""}
   *[other] , { $gapbytes } bytes cut by the snapshot length
}
ribbon-segment = segment
ribbon-coalesced = coalesced segment
ribbon-message = message
ribbon-split = split message
ribbon-incomplete = incomplete
ribbon-unparsed = unparsed
ribbon-gap = gap
ribbon-send = send()
ribbon-recv = recv()
ribbon-row-segments = segments
ribbon-row-bytes = bytes
ribbon-row-messages = messages
ribbon-row-datagrams = datagrams
ribbon-frame = frame { $frame }
ribbon-frame-coalesced = frame { $frame } x{ $messages }
ribbon-incomplete-label = { $proto } incomplete ({ $cut })
ribbon-unparsed-label = unparsed: { $reason }
ribbon-gap-label = gap { $bytes } B
ribbon-offset = offset
ribbon-open-first = open the Stream tab on a TCP or UDP conversation first
ribbon-its-streams = its byte streams
ribbon-framing-label = TCP stream { $stream } - framing:
ribbon-udp-label = UDP stream { $stream }: each datagram is one message (UDP keeps the boundaries a TCP byte stream loses)
ribbon-fit = Fit
ribbon-no-packets = No packets of this connection yet.
ribbon-framing-auto = framing: { $framing } (auto) - { $inconsistent }{ $reason }
ribbon-inconsistent = (inconsistent){" "}
ribbon-framing = framing: { $framing }
ribbon-tip-segment = Frame { $frame }: { $bytes } B at offset { $offset }{ $coalesced } - click to select the packet
ribbon-tip-coalesced = , coalesced: { $messages } { $messages ->
    [one] message
   *[other] messages
}
ribbon-tip-message =
    Message #{ $index } ({ $proto }): { $bytes } B at offset { $offset }, frames { $frames }{ $split } - click to see its bytes
    Text, { $encoding }: { $text }
ribbon-tip-split = {" "}(split)
ribbon-gap-not-captured = the snapshot length cut the payload
ribbon-gap-acked-unseen = the peer acknowledged bytes the capture never saw
ribbon-gap-buffer-limit = a reassembly buffer cap gave up waiting
ribbon-gap-unfilled = never retransmitted before the capture ended
ribbon-tip-gap = Gap: { $bytes } B at offset { $offset } never captured ({ $name }): { $why }
ribbon-tip-call = { $actor } { $call } by { $local }: { $bytes } B at offset { $offset }{ $data }
ribbon-messages = Messages
ribbon-list-row = { $dir } #{ $index } { $proto } { $bytes } B @{ $offset }{ $split }
ribbon-list-split = {" "}split
ribbon-message-title = { $dir } message #{ $index }: { $bytes } B at offset { $offset } ({ $proto })
ribbon-click-message = Click a message (in the ribbon or the list) to see its bytes.

## Ladder diagram (src/ladder, src/ui/ladder)

ladder-client = Client
ladder-server = Server
ladder-end-client = client
ladder-end-server = server
ladder-capture-point = capture point
ladder-time-column = frame  time (s, from the connection's first packet)
ladder-replay-cut = replay cursor: later packets are hidden
ladder-run-expand = Click to show each segment of this run
ladder-run-collapse = Click to summarize this run again
ladder-resends = resends #{ $frame }
ladder-lost-after-capture = lost after the capture point
ladder-time-out-of-order = capture time out of order: drawn at its neighbours' time
ladder-ghost-acked = { $bytes } B not captured (seq { $seq }–{ $end }), acknowledged later
ladder-ghost-lost = { $bytes } B not captured (seq { $seq }–{ $end }), lost before the capture point
ladder-run-data = { $count } { $count ->
    [one] data segment
   *[other] data segments
}, { $len } B each (seq { $first }–{ $end })
ladder-run-one-ack = 1 ACK (ack { $ack })
ladder-run-acks = { $count } { $count ->
    [one] ACK
   *[other] ACKs
} (ack { $first }–{ $last })
ladder-minutes = { $min } min { $s } s
ladder-idle = { $duration } idle
ladder-idle-timeout = { $duration } idle, then the retransmission timer fires
ladder-delay-known = { $name } to capture point { $delay }
ladder-delay-guess = { $name } to capture point unknown (drawn as { $delay }, a guess)
ladder-delays-guess = No answer captured: arrow slopes are a guess, not measured
ladder-delays-tcp = One-way delays from the quickest of { $exchanges } { $exchanges ->
    [one] answer
   *[other] answers
}, so that nothing is sent before what it answers arrives
ladder-delays-udp = One-way delays from the quickest of { $exchanges } { $exchanges ->
    [one] turn
   *[other] turns
}, assuming each datagram may answer the one before it
ladder-delays-calls = { $basis }; { $calls } of the programs' { $calls ->
    [one] calls bounds
   *[other] calls bound
} them further
ladder-delays-note = { $basis }: { $client }, { $server }
ladder-legend-data = data
ladder-legend-ack = ACK
ladder-legend-syn-fin = SYN / FIN
ladder-legend-rst = RST
ladder-legend-retransmission = retransmission
ladder-legend-dup-ack = duplicate ACK
ladder-legend-after-gap = after a capture gap
ladder-legend-zero-window = zero window
ladder-legend-other = other analysis flag
ladder-legend-lost = lost after capture
ladder-legend-not-captured = not captured
ladder-text-runs-note = runs of equal segments are summarized; --expand lists each
ladder-refused = Connection refused (SYN, RST)
ladder-handshake = Three-way handshake
ladder-handshake-incomplete = Handshake (incomplete)
ladder-teardown = Teardown: { $close }
ladder-reset = Reset (RST)
ladder-close-four-way = four-way (FIN, ACK, FIN, ACK)
ladder-close-three-way = three-way (FIN, FIN+ACK, ACK)
ladder-close-fin = FIN exchange
ladder-in-progress = in progress
ladder-title = Ladder diagram
ladder-select = Select a connection (Connections tab, right-click a row: Ladder) or a TCP or UDP packet in the Packets tab, then come back here.
ladder-of = Ladder of { $proto } stream { $stream }
ladder-back = < Back
ladder-back-hover = Select the previously selected packet again
ladder-zoom-out = Zoom out (Ctrl+wheel)
ladder-zoom-in = Zoom in (Ctrl+wheel)
ladder-zoom-reset = Reset the zoom
ladder-replay = Replay this connection
ladder-replay-hover = Step through this connection packet by packet
ladder-help = Click an arrow or its label to select its packet; click a run's summary to show each segment. Drag or scroll to move, Ctrl+wheel to zoom.
ladder-no-packets = This connection has no packets to draw yet.
ladder-at-start = start
ladder-at-frame = frame { $frame }
ladder-states-at = States at { $at }: client { $client } · server { $server }
ladder-summarize-runs = Summarize runs
ladder-expand-runs = Expand all runs
ladder-runs-hover = Runs of equal data segments are summarized in one label; click a summary to expand just that run
ladder-replay-hidden = (replay: later packets hidden)

## Traffic generator panel, file dialog

gen-scenarios = Scenarios
gen-scenarios-text = Each one is a socket-programming lesson. Double-click to run it.
gen-scenario = Scenario
gen-kernels-only = { $scenario } runs only with real kernels; ran it between network namespaces
gen-modes = Modes
gen-lesson = Lesson
gen-run-title = Run { $scenario }
gen-lesson-line = Lesson: { $lesson }
gen-mode = Mode:
gen-live = Live on loopback
gen-live-hover = Real sockets and the kernel's TCP on 127.0.0.1, captured on lo. Needs root or CAP_NET_RAW; without it the run is synthetic.
gen-synthetic = Synthetic
gen-synthetic-hover = Frames crafted as two Linux hosts would send them: no privileges, the same bytes for the same seed.
gen-netns = Namespaces + loss
gen-netns-hover = Real kernels in two network namespaces joined by a router that drops data segments at random (root, ip and nft).
gen-seed = Seed:
gen-animate = Animate
gen-animate-hover = Release the crafted frames over 1.5 s so you can watch them arrive; untick to load them at once.
gen-loss = Loss:
gen-ports = Ports are picked by the kernel; the capture filter names them.
gen-follow = Open the ladder of its connection when it starts
gen-run = Run
gen-save = Save capture...
gen-save-hover = Writes the run's pcap and its calls trace (FILE.calls.json).
gen-will-run-because = Will run { $mode }: { $why }
gen-will-run = Will run { $mode }.
gen-running = Running
gen-done = Done
gen-failed = Failed
gen-status = { $what }: { $run } — { $frames } { $frames ->
    [one] frame
   *[other] frames
}, { $calls } { $calls ->
    [one] call
   *[other] calls
}
gen-mode-because = Mode: { $mode } ({ $why })
gen-mode-line = Mode: { $mode }
gen-calls-appear = Socket calls appear here as the run makes them.
gen-calls = Socket calls ({ $count })
gen-calls-none-yet = None yet.
gen-calls-none = No socket calls were recorded (`flood` records none).
gen-col-time = Time
gen-col-actor = Actor
gen-col-call = Call
gen-col-bytes = Bytes
gen-col-result = Result
gen-col-data = Data
dialog-graph-svg = Save the graph as SVG
dialog-graph-png = Save the graph as PNG
dialog-ribbon-svg = Save the stream ribbon as SVG
dialog-ribbon-png = Save the stream ribbon as PNG
dialog-ladder-svg = Export the ladder diagram as SVG
dialog-ladder-png = Export the ladder diagram as PNG
dialog-flows-svg = Export the flow graph as SVG
dialog-flows-png = Export the flow graph as PNG
dialog-open-title = Open capture file
dialog-save-pcap = Save { $what } as pcap
dialog-save-run = Save the generator run (pcap + calls.json)
dialog-save-follow = Save the followed stream
dialog-up = Up
dialog-home = Home
dialog-file = File:
dialog-open = Open
dialog-save = Save

## Window messages, welcome, packet list

msg-bad-filter = Not a valid display filter: { $filter }
msg-no-frame = There is no frame { $frame } (the capture has { $last })
msg-ladder-saved = Ladder saved as SVG to { $path }
msg-saved-packets = Saved { $count } { $count ->
    [one] packet
   *[other] packets
} to { $path }
msg-saved-packets-skipped = Saved { $count } { $count ->
    [one] packet
   *[other] packets
} to { $path } ({ $skipped } with another link type skipped)
msg-figure-saved = Saved the figure to { $path }
msg-saving = Saving { $path } ...
msg-select-tcp = Select a TCP packet first
msg-wrote-bytes = Wrote { $count } { $count ->
    [one] byte
   *[other] bytes
} to { $path }
msg-nothing-to-save = Nothing to save: the stream has no packet
msg-drop-file = Drop a pcap / pcapng file to open it
msg-no-match = No packets match the display filter.
legend-title = Colouring rules
welcome-title = Welcome to synack
welcome-demo = This is the built-in demo capture: a few short TCP connections.
welcome-tour = New to TCP? The guided tour walks you through it step by step.
welcome-later = (Later: Help > Guided tour.)
welcome-start = Start the guided tour
welcome-no = No thanks

## clap's own words and every option's help (src/cli/help.rs)

clap-usage = Usage:
clap-commands = Commands
clap-arguments = Arguments
clap-options = Options
clap-help-flag = Print help
clap-version-flag = Print version
# clap's words in help and errors, shown in other languages only (English keeps clap's own)
clap-help-subcommand = Print this message or the help of the given subcommand(s)
clap-help-subcommand-arg = Print help for the subcommand(s)
clap-default-value = [default: { $value }]
clap-possible-values-inline = [possible values: { $values }]
clap-possible-values = Possible values:
clap-error = error: { $what }
clap-error-value-missing = a value is required for '{ $arg }' but none was supplied
clap-error-invalid-value = invalid value '{ $value }' for '{ $arg }'
clap-error-unknown-argument = unexpected argument '{ $arg }' found
clap-error-unknown-subcommand = unrecognized subcommand '{ $sub }'
clap-error-no-equals = equal sign is needed when assigning values to '{ $arg }'
clap-error-too-many-values = unexpected value '{ $value }' for '{ $arg }' found; no more were expected
clap-error-number-of-values = { $expected } values required for '{ $arg }' but { $actual } were provided
clap-error-used-twice = the argument '{ $arg }' cannot be used multiple times
clap-error-conflict = the argument '{ $arg }' cannot be used with '{ $other }'
clap-error-missing-argument = the following required arguments were not provided: { $arg }
clap-error-missing-subcommand = '{ $sub }' requires a subcommand but one was not provided
clap-error-invalid-utf8 = invalid UTF-8 was detected in one or more arguments
clap-error-valid-values = [possible values: { $values }]
clap-error-valid-subcommands = [subcommands: { $values }]
clap-error-similar = tip: a similar one exists: '{ $similar }'
clap-error-tip = tip: { $tip }
clap-error-tip-as-value = tip: to pass '{ $arg }' as a value, use '{ $with }'
clap-error-tip-double-dash = tip: subcommand '{ $sub }' exists; to use it, remove the '--' before it
clap-error-more = For more information, try '--help'.
# cli-opt-ID: the help shared by option ID of every subcommand without its own cli-SUB-ID;
# KEY--VALUE: the help of one of the option's values; cli-SUB-example: the example under a
# subcommand's description; cli-SUB-after-help: the notes after its options.
cli-opt-read_file = A capture file, as tshark -r and tcpdump -r take it: read first, before any FILE
cli-opt-no_resolve = No name resolution: accepted for tcpdump's and tshark's -n; synack never resolves addresses or ports to names
cli-read-bpf = BPF filter (tcpdump syntax), compiled by libpcap: print only the frames it accepts; like -Y, the analysis still sees every frame
cli-opt-display_filter = Display filter (Wireshark syntax): print only matching frames, e.g. `-Y 'tcp.port == 80 && tcp.flags.syn == 1'`, `-Y 'tcp.payload contains "GET"'`, `-Y 'tcp.port in {"{"}80, 443{"}"}'`, `-Y 'tcp[13] == 12'` (`synack fields` lists the fields)
cli-opt-count = Stop after N frames have passed the filters (-f, -Y), as tcpdump -c and tshark -c
cli-opt-format = Output format: text (default), json (as --json), fields (the -e fields)
cli-opt-format--text = One line per frame (the default)
cli-opt-format--json = JSON Lines, as `--json` (synack's objects, one per line; not tshark's JSON tree)
cli-opt-format--fields = The `-e` fields, tab-separated, one line per frame (tshark's `-T fields`)
cli-opt-fields = A field to print with -T fields (repeat for more), by its display-filter name, e.g. `-e frame.number -e tcp.stream -e tcp.analysis.flags`. Implies -T fields
cli-opt-field_options = A -T fields option, as tshark's: header=y, separator=/t|/s|C, aggregator=,|/s|C, occurrence=f|l|a|N, quote=d|s|n
cli-opt-link_header = Print each frame's link-level header (MAC addresses, EtherType, length) before its addresses, as tcpdump -e does (-e itself is tshark's field option here)
cli-opt-hex = A hex dump of each printed frame (-X: with ASCII)
cli-opt-hex_ascii = A hex and ASCII dump of each printed frame
cli-opt-time = Time column format: r (since the first frame, default), a, ad, adoy, u, ud, udoy, e, d, dd, none (tshark's -t); tcpdump's -t, -tt, -ttt, -tttt, -ttttt work too
cli-opt-quiet = Quiet: print no frames, only the summary and errors (tshark -q)
cli-opt-line_buffered = Flush the output after every frame, for a reader at the other end of a pipe (tcpdump -l and -U, tshark -l)
cli-opt-calls = The generator's calls trace: its send() calls give the messages of streams no framing explains (default: FILE.calls.json beside the capture, when it exists)
cli-opt-table_format = Write the table as columns instead of printing it: parquet (Apache Parquet, for Spark, DuckDB, Trino, pandas), csv (with a header line) or json (JSON Lines with the table's flat columns, Zeek's JSON log shape). Needs -o for parquet. Example: `synack flows capture.pcap --format parquet -o flows.parquet`
cli-opt-table_format--parquet = Apache Parquet (Snappy)
cli-opt-table_format--csv = Comma-separated values with a header
cli-opt-table_format--json = JSON Lines with the table's columns
cli-opt-output = Where --format writes: a file (`-` for standard output, csv and json only), or with --partition a directory
cli-opt-partition = Split the table into a Hive-partitioned dataset by the rows' time (UTC): `OUT/date=2026-12-05/hour=17/part-0.parquet`, which engines prune by time
cli-opt-partition--hour = One directory per hour of the rows' time
cli-read-after-help =
    Examples:
      synack read capture.pcap -Y 'tcp.analysis.flags'
      synack read -r capture.pcap.gz -n -c 20 -t ad
      synack read capture.pcap tcp port 80            (tcpdump's trailing BPF filter)
      synack read capture.pcap -T fields -e frame.number -e tcp.stream -e tcp.analysis.flags
      cat capture.pcap | synack read - -X
cli-read-example = Example: `synack read captures/handshake.pcap --json | head`
cli-stream-dump = Hex/ASCII dump of every message (Follow TCP Stream style); needs --stream N
cli-stream-raw = Write the reassembled bytes (gaps left out): `-` for stdout (the `--dir` direction, c2s by default); with `--dir`, a file (unless PATH is an existing directory); otherwise a directory that receives `stream-N-c2s.bin` and `stream-N-s2c.bin`. Needs --stream N
cli-stream-dir = Only this direction (c2s: from the originator, normally the side that sent the SYN). Needs --stream N
cli-stream-dir--c2s = Client to server
cli-stream-dir--s2c = Server to client
cli-stream-example = Example: `synack stream capture.pcap --stream 0 --framing auto`
cli-flows-example = Example: `synack flows captures/demo.pcap --json`
cli-ladder-example = Example: `synack ladder captures/demo.pcap --stream 0 --svg demo.svg`
cli-view-tab--packets = Packet list, details and bytes
cli-view-tab--connections = Connection table
cli-view-tab--ladder = Ladder diagram of a connection
cli-view-tab--live = Live capture panel
cli-view-tab--graphs = Time-sequence, throughput and RTT graphs
cli-view-tab--stream = Byte-stream ribbon (sticky packets)
cli-view-tab--generator = Traffic generator panel
cli-view-tab--flows = Flow graph of the whole capture (every host, every frame)
cli-view-tab--pair = Two capture points paired (with --second)
cli-view-second = A second capture of the same traffic, taken at another point of its path (the server's side, or the far side of a firewall): opens the Two points tab, where the two are paired as `synack pair FILE SECOND` pairs them. Example: `synack view loss.pcap --second loss.pcap.server.pcap`
cli-view-example = Example: `synack view captures/demo.pcap`; `synack view --live lo -f 'tcp port 80'`.
cli-gen-write = Save the capture to FILE (pcap) and the application calls to FILE.calls.json; `-` writes the pcap to standard output (no calls trace), e.g. `-w - | synack read -`. `--netns` also saves the capture at the server's side of the router to FILE.server.pcap (compare the two with `synack pair FILE FILE.server.pcap`). Without it, the frames are listed on standard output
cli-gen-connections = `flood`: number of connections (at least 1)
cli-gen-loss = Loss in percent (0-99): data segments dropped by the router (`--netns`) or lossy rounds in a synthetic `flood`. Pure ACKs, SYN, FIN and RST are never dropped; at 100 % no data would ever arrive, so the lesson could not end. A `--netns` run that cannot end within 30 s stops there and saves what it captured
cli-gen-example = Example: `synack gen sticky --synthetic --write sticky.pcap`; `synack gen --list`.
cli-capture-interface = Interface to capture on (see `synack ifaces` or -D)
cli-capture-list_interfaces = List the interfaces and exit (tcpdump -D; same as `synack ifaces`)
cli-capture-read = Read a capture file instead of an interface: printed like `synack read FILE`; with -w, the frames the BPF filter accepts are copied to the new file (tcpdump -r -w)
cli-capture-filter = Capture filter in tcpdump/BPF syntax, e.g. 'tcp port 80 and host 10.0.0.1' (pcap backend only); the words after the options do the same (tcpdump's way)
cli-capture-filter_words = tcpdump's trailing filter: `synack capture -i eth0 tcp port 80`
cli-capture-ring = With -w: rotate to a new file every SIZE_MB megabytes, keeping the newest COUNT files (named FILE_00001.ext, FILE_00002.ext, ...), e.g. --ring 100:10 (same as -C 100 -W 10)
cli-capture-file_size = With -w: start a new file when this one would exceed SIZE megabytes (1,000,000 bytes; tcpdump -C)
cli-capture-rotate_seconds = With -w: start a new file every S seconds (tcpdump -G)
cli-capture-file_count = With -C: keep only the newest N files; with -G alone: stop after N files (tcpdump -W)
cli-capture-no_promisc = Do not put the interface in promiscuous mode (then only cap_net_raw is needed; tcpdump -p)
cli-capture-buffer_size = Kernel capture buffer in MiB (tcpdump -B takes KiB; default 8 MiB); larger buffers absorb longer bursts
cli-capture-backend--pcap = libpcap (default): BPF filters, kernel timestamps (ns), kernel drop counters
cli-capture-backend--pnet = pnet_datalink raw socket: no -f filters; timestamps are taken when synack receives the packet (no kernel timestamps), so they are later than the wire time
cli-capture-after-help =
    Examples:
      synack capture -i eth0 -f 'tcp port 443'
      synack capture -i eth0 tcp port 443                 (tcpdump's trailing filter)
      synack capture -i lo -w lo.pcap -c 1000
      synack capture -i eth0 -w ring.pcap -C 100 -W 10    (files ring_00001.pcap, ... newest 10 kept)
      synack capture -i eth0 -w hour.pcap -G 3600 -W 24   (one file per hour, stop after 24)
      synack capture -r in.pcap -w out.pcap tcp port 80   (copy the frames a BPF filter accepts)

    Permissions: capturing needs root or the capabilities on the binary:
      sudo setcap cap_net_raw,cap_net_admin=eip $(command -v synack)
    (cap_net_admin is only needed for promiscuous mode; see `synack ifaces`).
    Ctrl-C or SIGTERM stops cleanly: the file is complete and a summary is printed on stderr.
cli-capture-example = Example: `synack capture -i eth0 -f 'tcp port 443' -w https.pcap --print`
cli-run-view = Show the run in the desktop view instead of printing it: the window opens on the Generator tab's *Run a program* with these --server/--client commands (run in the current folder) and the network options, runs them, and shows their packets and calls as they come. Needs root (or --host-net with CAP_NET_RAW)
cli-run-after-help =
    Examples:
      synack run -- python3 examples/course/echo_client.py        (one program)
      synack run --server 'python3 examples/course/echo_server.py' \
                 --client 'python3 examples/course/echo_client.py' -w echo.pcap
      synack run --json -- ./a.out | jq .                          (JSON Lines)

    The programs run in a network namespace of their own with only a loopback interface (127.0.0.1),
    so the capture holds exactly their traffic; --net pair puts the server (10.77.2.2) and the clients
    (10.77.1.2) on two hosts joined through a router (--loss, --delay, --rate; needs root);
    --host-net runs them in the host's network instead.
    Clients find the server's address in $SYNACK_SERVER and in {"{"}server{"}"} on their command line.
    Needs root, or unprivileged user namespaces (then synack becomes root of its own user namespace,
    as `unshare -rn` does). Ctrl-C, SIGTERM and --timeout stop the programs (SIGTERM, then SIGKILL
    after 1 s); nothing is left behind.
cli-run-example = Example: `synack run --server 'python3 server.py' --client 'python3 client.py' -w run.pcap`
cli-fields-about = List every field display filters (-Y) and -T fields -e know, with its type
cli-fields-prefix = Only fields whose name starts with this, e.g. `tcp.analysis`
cli-fields-example = Example: `synack fields tcp.analysis`
cli-pair-svg = Also draw the ladder of one connection (`--stream N`, or the one with the most losses) with both capture points as dashed rails into FILE (SVG), as the window's Two points tab draws it. Example: `synack pair a.pcap b.pcap --svg ladder.svg`
cli-pair-example = Example: `synack pair client.pcap server.pcap --problems`
cli-capture-write = Write packets to a pcap file (tcpdump/tshark/Wireshark read it); `-` writes to stdout (e.g. `-w - | wireshark -k -i -`). Like tcpdump -w, packets are then not printed unless --print is given.
cli-capture-print = Print packets even when writing with -w.
cli-capture-duration = Stop after S seconds (fractions allowed).
cli-capture-snaplen = Bytes kept of each packet (tcpdump -s; 0 means whole packets, the default).
cli-capture-backend = Capture backend. pcap: libpcap with kernel timestamps and BPF filters. pnet: raw socket through pnet_datalink; it has no kernel timestamps (the time is taken when synack receives the packet) and no -f filters.
cli-capture-absolute = Print raw TCP sequence and acknowledgment numbers instead of relative ones.
cli-flows-json = Print JSON Lines: one object per connection.
cli-flows-threads = Threads: 1 runs everything on one thread; 2 or more reads, decodes and analyses on one thread while another reassembles and frames the streams (same output). Default: 2 on a machine with two or more cores.
cli-flows-jobs = Analyse several files N at a time, each on its own, instead of merging them in time order: for separate captures (a directory of them), not for a ring buffer's files. A connection that runs from one file into another is then one row per file (a warning names it); stream and frame numbers continue from file to file. Example: `synack flows -j 2 captures/ --json`
cli-gen-synthetic = Craft the frames instead of using sockets: no privileges, deterministic with `--seed`; every scenario has this form (also `close-simultaneous`, `loss`, `reorder`).
cli-gen-netns = Run between two network namespaces joined by a router namespace (Linux, root); `--loss PCT` drops that share of data segments in the router.
cli-gen-ipv6 = Use IPv6 (::1 live, fd00::/64 synthetic and netns).
cli-gen-seed = Seed of a synthetic run: the same seed gives the same bytes.
cli-gen-packets = `flood`: number of frames in the capture.
cli-gen-sample_ms = Live and `--netns` runs: read the kernel's state of the run's TCP sockets (congestion window, ssthresh, RTT, ... through NETLINK_SOCK_DIAG) every this many ms and after every socket call, into the calls trace's `tcp_info`; 0 turns it off. Example: `synack gen loss --netns --loss 2 --sample-ms 5 --write loss.pcap`.
cli-gen-congestion = `--netns`: the congestion control both hosts use (one of /proc/sys/net/ipv4/tcp_available_congestion_control). Example: `--cc cubic`.
cli-gen-rate = `--netns`: the router forwards data towards the server at most this many Mbit/s (a token bucket with a 50 ms queue): a bottleneck, so the congestion window, the queueing delay and the algorithms' differences show. 0: no limit. Example: `--rate 20`.
cli-gen-server_loss = `--netns`: drop this share of the data segments reaching the server in its input chain, after the server-side capture (FILE.server.pcap) saw them: losses that `synack pair` must prove from the server's ACKs. Example: `--server-loss 3`.
cli-ifaces-json = Print JSON Lines, one object per interface.
cli-ladder-stream = Stream number (tshark's `tcp.stream`, or `udp.stream` with --udp), from 0. Example: `synack ladder captures/demo.pcap --stream 0 --svg demo.svg`
cli-ladder-udp = The stream is a UDP stream (one arrow per datagram, no states). Example: `synack ladder captures/udp-chat.pcap --udp --stream 0 --mermaid`
cli-ladder-svg = Write the diagram as an SVG figure (the desktop view's Ladder tab, same geometry).
cli-ladder-width = Width of the SVG figure in points.
cli-ladder-mermaid = Print a Mermaid sequence diagram (paste into Markdown between ```mermaid fences).
cli-ladder-plantuml = Print a PlantUML sequence diagram.
cli-ladder-json = JSON Lines: a `ladder` object (delays), then one `arrow` object per packet (`frame`, `from`, `depart_s`, `arrive_s` (null when lost after the capture point), `label`, `states`, ...), then `ghost`, `bracket`, `break` and `run` objects. Times are seconds after the connection's first packet passed the capture point.
cli-ladder-expand = In Mermaid and PlantUML, list every segment instead of summarizing runs of equal data segments ("22 data segments, 1448 B each").
cli-pair-json = JSON Lines: a `{"{"}"clock": ...{"}"}` object, then per connection one object per segment (`stream`, `stream_b`, `frame_a`, `frame_b`, `dir`, `time`, `seq`, `ack`, `len`, `flags`, `one_way_ms`, `fate`) and a `{"{"}"connection": ...{"}"}` summary (offset, one-way delay percentiles and fates per direction, losses per place), then `{"{"}"only_in": ...{"}"}` for connections one capture missed.
cli-pair-stream = Only this connection (A's `tcp.stream` number).
cli-pair-summary = Only the per-connection summaries, no segment rows.
cli-pair-problems = Only segments that were not simply delivered (losses, duplicates, reordering, gaps in either capture).
cli-pair-offset = The clock offset in ms (B's clock minus A's) when it is known, instead of estimating it: `--offset 0` for two captures taken on one host. Example: `synack pair client.pcap server.pcap --offset 0`
cli-pair-max_segments = Segments kept per capture (about 150 bytes each); later ones are not paired and are counted on stderr.
cli-opt-json = Print JSON Lines: one object per frame (fields: frame, time, caplen, len, link, vlan, src, dst, proto, sport, dport, tcp{"{"}flags,seq,ack,seq_raw,ack_raw,win,win_calc,states, len,options{"}"}, stream, direction, tags[{"{"}name,reason{"}"}], events[{"{"}name,detail{"}"}], notes, ...).
cli-opt-details = Print each frame's details tree (the window's details pane: synack's analysis, the frame, every layer with its fields) instead of its line, as tshark -V; with --json, each object gains a `details` array.
cli-opt-verbose = Print each frame's line followed by its details tree (tcpdump -v; -vv and -vvv too).
cli-read-absolute = Print raw TCP sequence and acknowledgment numbers instead of relative ones.
cli-read-no_messages = Skip the sticky-packet events (`message_boundary`, `coalesced`, `split`), which need a first pass that reassembles and frames every TCP stream (framing chosen by auto).
cli-read-threads = Threads: 1 runs everything on one thread; 2 or more reads, decodes and analyses on one thread while another frames the streams, then formats and writes (same output). Default: 2 on a machine with two or more cores.
cli-run-server = The server's command, run through `sh -c`; it starts first, the clients when it has a listening socket (or a bound UDP socket), or after --wait.
cli-run-clients = A client's command, run through `sh -c` (repeat for several clients: client, client2, ...).
cli-run-write = Write the capture to FILE (pcap) and the calls to FILE.calls.json.
cli-run-json = Print JSON Lines: packets as `synack read --json`, calls as in the calls trace (the objects with a "call" key). The programs' standard output then goes to standard error, so standard output stays JSON.
cli-run-quiet = Print no packets or calls (the programs' output and the summary only).
cli-run-input = Feed the (first) client's standard input from FILE.
cli-run-host_net = Run in the host's network and capture on its lo, keeping only the programs' ports (needs CAP_NET_RAW); the same as --net host.
cli-run-net = The network: `isolated` (a namespace of their own with only lo, the default), `pair` (the server and the clients on two hosts, 10.77.2.2 and 10.77.1.2, joined through a router that applies --loss, --delay and --rate; needs root) or `host`.
cli-run-loss = `--net pair`: percent of TCP data segments the router drops at random (never SYN, FIN or RST).
cli-run-delay = `--net pair`: milliseconds the router delays each packet, each way (needs the kernel's netem qdisc).
cli-run-rate = `--net pair`: the router forwards towards the server at most MBIT Mbit/s (tbf).
cli-run-wait = The longest the clients wait for the server to listen, in seconds.
cli-run-linger = How long the server may go on after the last client ended before it is stopped, in seconds.
cli-run-timeout = Stop everything after S seconds (exit status 124).
cli-run-absolute = Print raw TCP sequence and acknowledgment numbers instead of relative ones.
cli-run-sample_ms = Read the kernel's state of the programs' TCP sockets (cwnd, ssthresh, RTT, congestion state: TCP_INFO through NETLINK_SOCK_DIAG) every MS milliseconds, after every call that changes a connection or fails, and after a send or receive when none was read within MS, into the calls trace's `tcp_info`; 0 reads nothing.
cli-run-ptrace_only = Stop the programs on every read, write, send and recv too, instead of recording them in the kernel (eBPF at the system-call tracepoints) while the programs run on (the default as root): several times slower.
cli-stream-stream = TCP stream number (tshark's `tcp.stream`, in order of first appearance). Without it, every stream is summarised.
cli-stream-framing = How to cut the bytes into messages: line, u8, u16be, u16le, u32be, u32le (with `:off=N` for a header offset and `:incl` when the length includes the header, e.g. `u16be:off=2:incl`), http, tls, dns, resp, mysql (switches to TLS records after an SSL request), fixed:N, none (no messages), or auto (the framing that explains the stream best; the reason is printed). Example: `synack stream dns.pcap --stream 0 --framing dns --json`
cli-stream-json = JSON Lines: `stream`, `segment`, `message`, `gap`, `duplicate`, `conflict`, `unparsed`, `incomplete` and `summary` objects, each with a `kind` field.
cli-stream-calls = The generator's calls trace for this capture: one message per `send()` call (`--framing calls`). Without it, `FILE.calls.json` beside the capture is read when it exists, and `auto` uses its send() calls when no framing explains the bytes. Example: `synack stream sticky.pcap --calls sticky.pcap.calls.json --stream 0`
cli-view-file = Capture file to open (pcap or pcapng); several files or directories of them open as one capture merged in time order. Without it (and without --live) the built-in demo opens. Example: `synack view captures/demo.pcap`; `synack view captures/ring/`.
cli-view-live = Capture live on this interface instead (see `synack ifaces`). Example: `synack view --live lo -f 'tcp port 8080'`.
cli-view-gen = Open on the generator panel running this scenario (see `synack gen --list`): live on loopback when capture is permitted, otherwise synthetic. Example: `synack view --gen close-client-first --synthetic`.
cli-view-synthetic = With --gen: run the scenario synthetic (crafted frames) even when live is possible.
cli-view-bpf = BPF capture filter for --live, e.g. `-f 'tcp port 443'`.
cli-view-display_filter = Display filter to apply at start (Wireshark's `-Y`), e.g. `-Y 'tcp.analysis.flags'`.
cli-view-goto = Select this frame number once it is loaded (Wireshark's `-g`), e.g. `-g 42`.
cli-view-tab = Open on this tab, e.g. `--tab ladder -g 3` shows the ladder of frame 3's connection, `--tab graphs -g 17` its time-sequence graph, `--tab stream -g 4` its byte-stream ribbon.
cli-view-replay = Start a replay with the cursor on the --goto frame (stepping through its connection), e.g. `synack view FILE --tab ladder -g 8 --replay`.
cli-view-tour = Start the guided tour (on the built-in demo when no file is given).
cli-view-bench_frames = Benchmark: after loading, scroll through the packet list for N frames, print the load time and frame times (p50/p99) to stderr, and quit.
cli-gen-scenario = Scenario to run (see `--list`), e.g. `sticky`, `half-close`, `loss`.
cli-pair-files = The two captures: A, taken at the first point (e.g. on the client), then B, taken at the second (e.g. on the server). Each is read as every subcommand reads a capture: pcap or pcapng, gzip-compressed or not, a directory of ring files as one capture, `-` (or /dev/stdin, a pipe, a FIFO) for standard input, each in one pass.
cli-ladder-files = Capture files (pcap or pcapng, any byte order, µs or ns timestamps, gzip-compressed or not) or directories of them; `-` (or /dev/stdin, a pipe, a FIFO) reads standard input. Several are read as one capture, merged in time order like mergecap (a ring buffer's files: `synack flows captures/ring/`), so a connection that spans files is one connection.
cli-ladder-about = The ladder diagram of one connection: listing, SVG, Mermaid, PlantUML or JSON.
cli-run-about = Run programs traced in a network of their own: their socket calls and their packets on one time line; writes the pcap and its calls trace.
cli-read-files = Capture files (pcap or pcapng, any byte order, µs or ns timestamps, gzip-compressed or not) or directories of them; `-` (or /dev/stdin, a pipe, a FIFO) reads standard input. Several are read as one capture, merged in time order like mergecap (a ring buffer's files: `synack flows captures/ring/`), so a connection that spans files is one connection.
cli-flows-files = Capture files (pcap or pcapng, any byte order, µs or ns timestamps, gzip-compressed or not) or directories of them; `-` (or /dev/stdin, a pipe, a FIFO) reads standard input. Several are read as one capture, merged in time order like mergecap (a ring buffer's files: `synack flows captures/ring/`), so a connection that spans files is one connection.
cli-stream-files = Capture files (pcap or pcapng, any byte order, µs or ns timestamps, gzip-compressed or not) or directories of them; `-` (or /dev/stdin, a pipe, a FIFO) reads standard input. Several are read as one capture, merged in time order like mergecap (a ring buffer's files: `synack flows captures/ring/`), so a connection that spans files is one connection.
cli-run-command = The program and its arguments (after `--`), when there is no --server/--client
# Find Packet, Ctrl+F (src/ui/find.rs)
menu-find-packet = Find packet…
find-by = Find by
find-by-filter = Display filter
find-by-text = String
find-by-hex = Hex value
find-in = Search in
find-in-info = Packet list (Info)
find-in-bytes = Packet bytes
find-case = Case sensitive
find-hint-filter = e.g. tcp.analysis.retransmission
find-hint-text = e.g. GET /index.html
find-hint-hex = e.g. 48 54 54 50
find-next = Find next
find-previous = Find previous
find-close = Close
find-empty = Type what to find first.
find-wire-metric = Find cannot test wire metrics (bytes_in_flight, ack_rtt, acks_frame); apply it as the display filter instead.
find-bad-hex = Not a hex byte sequence: write pairs of hex digits, e.g. 48 54 54 50 or 48:54:54:50.
find-none = No shown packet matches.
find-found = Found frame { $frame }.
find-wrapped-end = (The search reached the end of the list and continued at the top.)
find-wrapped-start = (The search reached the top of the list and continued at the end.)

# Follow UDP Stream (src/ui/follow)
menu-follow-udp-stream = Follow UDP Stream
menu-follow-udp-disabled = Select a UDP packet first
follow-title-udp = Follow UDP Stream (udp.stream eq { $stream })
follow-summary-udp = { $client } { $client ->
    [one] byte
   *[other] bytes
} from the client, { $server } from the server, { $datagrams } { $datagrams ->
    [one] datagram
   *[other] datagrams
}

## Run a program (the generator panel's second page, `synack run` in the window)

gen-page-lessons = Lessons
gen-page-program = Run a program
run-title = Run your own programs
run-hint = Your server and clients run traced in a network of their own: every socket call appears beside the packets it made. Commands run through sh -c in the folder below; clients start once the server listens and find its address in $SYNACK_SERVER and {"{"}server{"}"}.
run-example = Fill with a course example…
run-example-hint = The course's programs in examples/course (Python 3): fills the server and client commands.
run-folder = Folder:
run-server = Server:
run-client = Client { $n }:
run-client-add = + Add a client
run-client-remove = Remove this client
run-network = Network:
run-net-isolated = Own namespace
run-net-isolated-hint = A network namespace of their own with only lo (127.0.0.1): the capture holds exactly their traffic. Needs root.
run-net-pair = Two hosts + router
run-net-pair-hint = The server (10.77.2.2) and the clients (10.77.1.2) on two hosts joined by a router that can drop, delay and limit their traffic. Needs root, ip and nft.
run-net-host = Host network
run-net-host-hint = The host's own network, captured on lo keeping only the programs' ports. Needs CAP_NET_RAW.
run-loss = Loss:
run-rate = Rate (0: unlimited):
run-delay = Delay:
run-timeout = Stop after (0: never):
run-run = Run
run-stop = Stop
run-save = Save capture…
run-save-hint = Writes the run's pcap and its calls trace (FILE.calls.json).
run-form-empty = Give a server or a client command.
run-form-no-dir = No such folder: { $dir }
run-pair-needs-both = Two hosts need a server and at least one client.
run-needs-root = Running programs in a network namespace needs root: start synack as root, or choose Host network (needs CAP_NET_RAW).
run-host-needs-capture = Capturing on the host's lo needs root or CAP_NET_RAW.
run-running = Running
run-done = Done
run-failed = Failed
run-status = { $what }: { $frames } { $frames ->
    [one] frame
   *[other] frames
}, { $calls } { $calls ->
    [one] call
   *[other] calls
}
run-program-waiting = { $actor }: waiting for the server to listen
run-program-running = { $actor } (pid { $pid }): running
run-program-exited = { $actor } (pid { $pid }): exited with status { $code }
run-program-killed = { $actor } (pid { $pid }): ended by { $signal }
run-program-failed = { $actor }: cannot start: { $why }
run-output = The programs' output ({ $lines } { $lines ->
    [one] line
   *[other] lines
})
run-stopped = Stopped from the window.
run-timed-out = Stopped after the time limit.
run-capture-dropped = The capture dropped { $count } { $count ->
    [one] packet
   *[other] packets
}: run again for a complete one.

## A program's calls on the ladder and in the details

call-who-pid = { $actor } pid { $pid }
ladder-call-send = { $call }({ $bytes }) → { $count ->
    [one] frame
   *[other] frames
} { $frames }
ladder-call-send-unseen = { $call }({ $bytes }) → no frame captured
ladder-call-send-failed = { $call }({ $asked }) → { $error }
ladder-call-recv = { $call } → { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
}
ladder-call-recv-eof = { $call } → 0 (end of stream)
ladder-call-failed = { $call } → { $error }
ladder-call-ready = { $call } → ready ({ $events })
# The ladder in words: the drawing's accessibility label, which screen readers read
ladder-summary-udp = UDP ladder, { $count } datagrams between { $client } and { $server }.
ladder-summary = Ladder diagram, { $count } segments. client: { $client }. server: { $server }. { $brackets }
ladder-summary-bracket = { $name } (frames { $first }–{ $last })
ladder-summary-separator = {"; "}
ladder-summary-list-separator = {", "}
ladder-summary-lost = . Lost after the capture point: frames { $frames }
ladder-summary-ghosts = . { $count } gaps never captured
details-calls = Program calls
details-call-written = These bytes were written by { $call }() #{ $n } of { $who } (bytes { $first }–{ $last } of its { $total })
details-call-read = Read by { $call }() #{ $n } of { $who } (bytes { $first }–{ $last } of its { $total })
details-call-caused = Sent because of { $call }() of { $who } ({ $result })
details-call-failed = Then { $call }() #{ $n } of { $who } failed: { $error }

# What the status bar and titles call the source (src/ui/store.rs)
source-none = no capture
source-demo = demo.pcap (built-in)
source-live = live on { $iface }
source-demo-unreadable = cannot read the built-in demo: { $error }

# Short names and roles the window writes (connections table, generator panel, calls)
cause-short-application = app
cause-short-receiver-window = rwnd
cause-short-congestion-window = cwnd
cause-short-loss-recovery = recovery
cause-short-retransmission-timeout = rto
cause-short-send-buffer = sndbuf
gen-mode-name-live = live
gen-mode-name-netns = netns
gen-mode-name-synthetic = synthetic
call-actor-client = client
call-actor-server = server

## What the command line writes for people (src/cli): errors, notes, stream's text lines.
## Machine output (JSON, fields, frame lines) stays English.
out-bad-filter = bad display filter: { $error }
out-damaged = { $error } ({ $frames } frames read before the error)
out-stream-title = TCP stream { $stream }: { $client } → { $server }{ $vlan }
out-framing-auto = framing: { $framing } (auto) — { $reason }
out-framing-auto-inconsistent = framing: { $framing } (auto) — (inconsistent) { $reason }
out-framing = framing: { $framing }
out-calls-trace = calls trace: { $path }
out-direction = { $dir } { $from } → { $to }: { $bytes } bytes in { $segments } segments, { $messages } messages, { $coalesced } coalesced segments, { $split } split messages, { $gaps } gaps ({ $gap_bytes } bytes), { $duplicate } duplicate bytes, { $conflicts } conflicting overlaps
out-text-auto = text, { $encoding } (auto):
out-text = text, { $encoding }:
out-text-unparsed = unparsed
out-text-undecodable = , { $count } undecodable
lib-writing-output = writing output
# Why a capture could not be read or opened (src/capture/file.rs CaptureError); English
# exactly as the error's Display (unit test)
cap-err-io = { $path }: cannot read: { $error }
cap-err-empty = { $path }: the file is empty (not a pcap or pcapng capture)
cap-err-not-capture = { $path }: not a pcap or pcapng file (magic number { $magic })
cap-err-corrupt = { $path }: the file is damaged or corrupt at byte { $offset }: { $what }
cap-err-read-failed = { $path }: read failed: { $error }, at byte { $offset }
cap-err-truncated = { $path }: the file is cut short: the last record is incomplete ({ $left } bytes after frame { $frame } at byte { $offset })
cap-err-live = { $what }
cap-err-permission = { $interface }: no permission to capture ({ $detail }). Run synack as root, or grant the binary the capabilities once: `sudo setcap cap_net_raw,cap_net_admin=eip $(command -v synack)` (cap_net_raw is needed to capture; cap_net_admin only for promiscuous mode, so `--no-promisc` with cap_net_raw alone also works)
cap-err-no-interface = { $name }: no such interface. Interfaces here: { $available } (see `synack ifaces`)
cap-err-interface-down = { $name }: the interface is down; bring it up first (`ip link set { $name } up`)
cap-err-bad-filter = bad capture filter "{ $filter }": { $message }
cap-err-filter-unsupported = the { $backend } backend cannot apply capture filters (-f): pnet has no BPF compiler. Use the default backend (`--backend pcap`) for -f, or drop -f
# The OS's errors (English keeps the OS's own words; these are the same words, for the
# catalogues' parity)
os-error = { $words } (os error { $number })
os-error-1 = Operation not permitted
os-error-2 = No such file or directory
os-error-5 = Input/output error
os-error-12 = Cannot allocate memory
os-error-13 = Permission denied
os-error-17 = File exists
os-error-19 = No such device
os-error-20 = Not a directory
os-error-21 = Is a directory
os-error-24 = Too many open files
os-error-28 = No space left on device
os-error-30 = Read-only file system
os-error-32 = Broken pipe
os-error-98 = Address already in use
os-error-111 = Connection refused

## Library words shown to people, translated where they are shown (src/i18n/mod.rs Phrases,
## library_text): framing choice and reasons, sticky-packet events, generator fallbacks
framing-auto-explains = { $framing }: { $messages } messages cover { $pct } of { $total } bytes with nothing unparseable
framing-auto-start = no framing explains the whole stream; { $framing } explains the start: { $messages } messages cover { $pct } of { $total } bytes, { $unparsed } bytes unparseable
framing-auto-nothing = no framing explains these { $total } bytes
framing-auto-resync = ; it resumes after { $gaps } { $gaps ->
    [one] gap
   *[other] gaps
}, at the next message start ({ $skipped } { $skipped ->
    [one] byte
   *[other] bytes
} cut by { $gaps ->
    [one] it
   *[other] them
} left out)
framing-auto-next-unparsed = ; next: { $framing } { $messages } messages, { $unparsed } bytes unparseable
framing-auto-next-covering = ; next: { $framing } { $messages } messages covering { $pct }
framing-by-calls = ; message boundaries from the { $sends } send() calls of the calls trace
details-sticky-boundary = message_boundary: { $starts } start, { $ends } end
details-sticky-coalesced = coalesced: { $count } messages (#{ $first }..#{ $last })
details-sticky-split = split: message #{ $message } over frames { $frames }
gen-fallback-not-live = `{ $scenario }` cannot be forced with real sockets on loopback; ran synthetic
gen-fallback-no-permission = live capture needs root or CAP_NET_RAW; ran synthetic
gen-fallback-no-netns-form = `{ $scenario }` has no network-namespace form
gen-fallback-netns-needs-root = network namespaces need root with `ip` and `nft`
gen-fallback-and = {"; "}
ribbon-gap-name-not-captured = not_captured
ribbon-gap-name-acked-unseen = acked_unseen
ribbon-gap-name-buffer-limit = buffer_limit
ribbon-gap-name-unfilled = unfilled
# Why a framer stopped (src/stream/framing, src/stream/calls.rs): lib- and the words of the
# English sentence (i18n::library_key); a unit test finds every such sentence in the sources.
lib-datagram-framing-is-udp-s-not-a-byte-stream-s = datagram framing is UDP's, not a byte stream's
lib-dns-message-shorter-than-its-12-byte-header = DNS message shorter than its 12-byte header
lib-dns-message-with-more-than-one-question = DNS message with more than one question
lib-fixed-n-takes-no-other-options = fixed:N takes no other options
lib-http-content-length-is-not-a-number = HTTP Content-Length is not a number
lib-http-chunk-not-followed-by-crlf = HTTP chunk not followed by CRLF
lib-http-chunk-size-is-not-hexadecimal = HTTP chunk size is not hexadecimal
lib-http-header-block-longer-than-64-kib = HTTP header block longer than 64 KiB
lib-http-header-line-without-a-colon = HTTP header line without a colon
lib-http-header-name-is-not-a-token = HTTP header name is not a token
lib-http-method-too-long = HTTP method too long
lib-http-request-line-is-not-method-target-http-x-y = HTTP request line is not METHOD target HTTP/x.y
lib-http-start-line-begins-with-a-space = HTTP start line begins with a space
lib-http-status-line-without-a-status-code = HTTP status line without a status code
lib-resp-bulk-string-not-followed-by-crlf = RESP bulk string not followed by CRLF
lib-resp-inline-command-with-binary-bytes = RESP inline command with binary bytes
lib-resp-line-not-ended-by-crlf = RESP line not ended by CRLF
lib-resp-negative-aggregate-length = RESP negative aggregate length
lib-resp-negative-bulk-length = RESP negative bulk length
lib-resp-nesting-too-deep = RESP nesting too deep
lib-tls-record-longer-than-18432-bytes = TLS record longer than 18432 bytes
lib-after-http-101-switching-protocols-not-http = after HTTP 101 Switching Protocols: not HTTP
lib-length-field-is-smaller-than-the-header-it-includes = length field is smaller than the header it includes
lib-no-framing-chosen = no framing chosen
lib-no-send-call-in-the-calls-trace-covers-these-bytes = no send() call in the calls trace covers these bytes
lib-not-a-tls-record-header-type-20-24-version-3-x = not a TLS record header (type 20-24, version 3.x)
lib-not-an-http-request-or-status-line = not an HTTP request or status line
lib-rest-of-a-line-cut-by-a-gap = rest of a line cut by a gap
lib-the-calls-framing-needs-the-calls-trace-file-calls-json = the calls framing needs the calls trace (FILE.calls.json)
lib-zero-length-message = zero-length message
