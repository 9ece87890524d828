//! The window for the course's students, driven headless with egui_kittest: the Chinese
//! interface (`--lang zh`: tabs, the tour's first step, an analysis reason), and payloads
//! read as text in Follow TCP Stream, the course's chat captured here as GBK and as UTF-8
//! (the decoded text compared with what the programs sent).

mod support;
mod ui_common;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use support::{gbk, write_chat_capture, CHAT_CLIENT, CHAT_SERVER};
use synack::analysis::Flag;
use synack::i18n::Lang;
use synack::stream::text::TextEncoding;
use synack::ui::stream_view::layout::Hit;
use synack::ui::text_view;
use synack::ui::{Command, StartSource, SynackApp, Tab, ViewOptions};

const SIZE: egui::Vec2 = egui::vec2(1400.0, 900.0);

fn demo(lang: Lang) -> Harness<'static, SynackApp> {
    let mut options = ViewOptions::new(StartSource::Demo);
    options.lang = Some(lang);
    ui_common::loaded(options, SIZE)
}

#[test]
fn chinese_tabs_tour_and_analysis_reason() {
    let mut h = demo(Lang::Zh);
    for tab in [
        "数据包",
        "连接",
        "时序图",
        "实时抓包",
        "图表",
        "字节流",
        "流量生成",
    ] {
        h.get_by_label(tab);
    }
    assert!(
        h.query_by_label("Packets").is_none(),
        "an English tab is left"
    );
    h.get_by_label("文件");
    h.get_by_label("视图");
    // A retransmission's reason in the details, in Chinese with its numbers.
    let (index, number) = {
        let data = h.state().store.read();
        let i = (0..data.len())
            .find(|&i| {
                data.analysis(i)
                    .tcp
                    .is_some_and(|t| t.flags.has(Flag::Retransmission))
            })
            .expect("the demo has a retransmission");
        (i, data.record(i).map(|r| r.number).unwrap())
    };
    h.state_mut().queue(Command::GoTo {
        number,
        replay: false,
    });
    h.run_steps(4);
    assert_eq!(h.state().selection.packet, Some(index));
    let reason = h.get_by_label_contains("帧发送过");
    let text = format!("{reason:?}");
    assert!(text.contains("重传") || text.contains("快速重传"), "{text}");
    // The TCP states after the packet, named in both languages.
    h.get_by_label_contains("ESTABLISHED（已建立连接）");
    // The guided tour starts on the three-way handshake.
    h.state_mut().queue(Command::StartTour);
    h.run_steps(4);
    h.get_by_label("导览");
    h.get_by_label("三次握手");
    h.get_by_label_contains("客户端发送 SYN");
    h.get_by_label("下一步 >");
}

#[test]
fn english_stays_english_and_the_view_menu_switches_language() {
    let mut h = demo(Lang::En);
    h.get_by_label("Packets");
    h.state_mut().queue(Command::SetLang(Lang::Zh));
    h.run_steps(3);
    h.get_by_label("数据包");
    assert_eq!(h.state().lang, Lang::Zh);
    h.state_mut().queue(Command::SetLang(Lang::En));
    h.run_steps(3);
    h.get_by_label("Connections");
}

/// The course's chat in `encoding`, opened, its stream followed; returns the shown text.
fn follow_chat(
    name: &str,
    encode: impl Fn(&str) -> Vec<u8>,
) -> (Harness<'static, SynackApp>, String) {
    let mut h = open_chat(name, encode);
    h.state_mut().queue(Command::FollowStream);
    h.run_steps(4);
    let shown = ui_common::followed_text(&mut h).expect("the stream is followed");
    (h, shown)
}

#[test]
fn follow_stream_shows_the_gbk_chat_decoded() {
    let (h, shown) = follow_chat("gbk", gbk);
    assert_eq!(shown, format!("{CHAT_CLIENT}{CHAT_SERVER}"));
    // On screen: the conversation and the encoding chosen for it.
    h.get_by_label_contains(CHAT_SERVER);
    h.get_by_value("Text (GBK (GB18030), auto)");
}

#[test]
fn follow_stream_shows_the_utf8_chat_decoded() {
    let (h, shown) = follow_chat("utf8", |s| s.as_bytes().to_vec());
    assert_eq!(shown, format!("{CHAT_CLIENT}{CHAT_SERVER}"));
    h.get_by_label_contains(CHAT_CLIENT);
    h.get_by_value("Text (UTF-8, auto)");
}

#[test]
fn the_encoding_selector_overrides_the_automatic_choice() {
    let (mut h, _) = follow_chat("gbk-override", gbk);
    // GBK read as UTF-8 is garbage, some of it in scripts no font here has: draw boxes
    // (the window's default) instead of the harness's panic on a missing glyph. Every other
    // test here keeps the panic, which proves the CJK font draws all the Chinese shown.
    h.ctx
        .set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    let shown = ui_common::follow_shown_as(&mut h, "UTF-8");
    assert!(
        !shown.contains(CHAT_SERVER) && shown.contains('\u{FFFD}'),
        "{shown}"
    );
}

/// The course's chat in `encoding` opened in a window (frame 4 selected), with the missing
/// glyph policy left at the harness's panic: every character shown has a glyph.
fn open_chat(name: &str, encode: impl Fn(&str) -> Vec<u8>) -> Harness<'static, SynackApp> {
    let dir = std::env::temp_dir().join(format!("synack-ui-text-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.pcap"));
    write_chat_capture(&path, encode);
    let mut options = ViewOptions::new(StartSource::File(path));
    options.goto = Some(4);
    let h = ui_common::loaded(options, SIZE);
    let _ = std::fs::remove_dir_all(&dir);
    h
}

/// Selects each frame of the chat with the bytes pane in text mode and returns the payload
/// texts shown (frames with a payload only), checking each is on screen with a note naming
/// `encoding`.
fn bytes_pane_texts(h: &mut Harness<'static, SynackApp>, named: &str) -> Vec<String> {
    h.get_by_label("Text").click();
    h.run_steps(2);
    assert!(
        h.state().details.text_view.text,
        "the Text switch did not switch"
    );
    let count = h.state().store.read().len() as u64;
    let mut texts = Vec::new();
    for number in 1..=count {
        h.state_mut().queue(Command::GoTo {
            number,
            replay: false,
        });
        h.run_steps(3);
        let details = &h.state().details;
        if details.payload_bytes().is_empty() {
            continue;
        }
        let encoding = details.text_view.encoding(details.detected_encoding());
        let (shown, replaced) = text_view::shown_text(details.payload_bytes(), encoding);
        assert_eq!(replaced, 0, "frame {number}: {shown}");
        h.get_by_label(&shown);
        h.get_by_label(&format!("decoded as {named}"));
        texts.push(shown);
    }
    texts
}

#[test]
fn bytes_pane_text_view_shows_the_gbk_chat() {
    let mut h = open_chat("bytes-gbk", gbk);
    let texts = bytes_pane_texts(&mut h, "GBK (GB18030)");
    assert_eq!(texts, [CHAT_CLIENT, CHAT_SERVER]);
    assert_eq!(h.state().details.detected_encoding(), TextEncoding::Gbk);
    h.get_by_value("auto (GBK (GB18030))");
}

#[test]
fn bytes_pane_text_view_shows_the_utf8_chat() {
    let mut h = open_chat("bytes-utf8", |s| s.as_bytes().to_vec());
    let texts = bytes_pane_texts(&mut h, "UTF-8");
    assert_eq!(texts, [CHAT_CLIENT, CHAT_SERVER]);
    assert_eq!(h.state().details.detected_encoding(), TextEncoding::Utf8);
}

#[test]
fn ribbon_message_panel_and_tooltip_show_the_gbk_chat() {
    // Each message a line, as the course's line-based chat sends them: the ribbon frames
    // them by line.
    let mut h = open_chat("ribbon-gbk", |s| gbk(&format!("{s}\n")));
    h.state_mut().tab = Tab::Stream;
    h.run_steps(3);
    for (d, sent) in [(0, CHAT_CLIENT), (1, CHAT_SERVER)] {
        let r = h
            .state()
            .stream_view
            .hit_rect(Hit::Message(d, 0))
            .expect("the message is drawn");
        // The tooltip: the message's text in the stream's encoding.
        h.hover_at(r.center());
        h.run_steps(3);
        h.get_by_label_contains(&format!("Text, auto (GBK (GB18030)): {sent}\\n"));
        // Clicked: the panel shows the whole message as text.
        h.drag_at(r.center());
        h.run_steps(1);
        h.drop_at(r.center());
        h.run_steps(3);
        assert_eq!(h.state().stream_view.selected, Some((d, 0)));
        h.get_by_label(&format!("{sent}\n"));
        h.get_by_label("decoded as GBK (GB18030)");
    }
}

#[test]
fn chinese_interface_names_the_text_view_and_the_ribbon() {
    let mut options = ViewOptions::new(StartSource::Demo);
    options.lang = Some(Lang::Zh);
    options.goto = Some(4);
    let mut h = ui_common::loaded(options, SIZE);
    h.get_by_label("显示过滤器：");
    h.get_by_label("十六进制");
    h.get_by_label("文本");
    h.state_mut().tab = Tab::Stream;
    h.run_steps(3);
    h.get_by_label("消息");
    h.get_by_label_contains("（自动）");
    h.state_mut().tab = Tab::Graphs;
    h.run_steps(3);
    h.get_by_label("时间-序号图（Stevens）");
    h.get_by_label("重置视图");
    h.state_mut().tab = Tab::Connections;
    h.run_steps(3);
    h.get_by_label_contains("受限于");
    h.get_by_label("将表格复制为文本");
    assert!(h.query_by_label("Copy table as text").is_none());
    h.state_mut().tab = Tab::Ladder;
    h.run_steps(3);
    h.get_by_label("回放这个连接");
    // The drawing in words, for screen readers: Chinese around the RFC state names.
    let summary = format!("{:?}", h.get_by_label_contains("时序图，共"));
    assert!(
        summary.contains("客户端：CLOSED → SYN_SENT → ESTABLISHED"),
        "{summary}"
    );
    assert!(summary.contains("三次握手（第 "), "{summary}");
    assert!(
        summary.contains("在抓包点之后丢失：第 13、29 帧"),
        "{summary}"
    );
    assert!(h.query_by_label_contains("Ladder diagram").is_none());
}

/// The characters the Stream tab's byte row draws for direction `d` of the chat, all of
/// its bytes in view.
fn byte_row_text(h: &mut Harness<'static, SynackApp>, d: usize) -> String {
    use synack::ui::stream_view::layout::Prim;
    h.state_mut().tab = Tab::Stream;
    h.run_steps(3);
    let lay = h
        .state()
        .stream_view
        .drawn()
        .expect("the chat's ribbon is drawn");
    let mut texts: Vec<(f32, f32, String)> = lay
        .prims
        .iter()
        .filter_map(|p| match p {
            Prim::Text(pos, egui::Align2::CENTER_CENTER, t, size, c)
                if *size == 11.0 && *c == egui::Color32::BLACK && t.chars().count() == 1 =>
            {
                Some((pos.y, pos.x, t.clone()))
            }
            _ => None,
        })
        .collect();
    texts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    // Direction d's byte row: the d-th line of one-character texts from the top (segment
    // and message labels are longer).
    let mut rows: Vec<f32> = texts.iter().map(|t| t.0).collect();
    rows.dedup();
    let y = rows[d];
    texts
        .into_iter()
        .filter(|t| t.0 == y)
        .map(|t| t.2)
        .collect()
}

#[test]
fn ribbon_byte_row_draws_the_gbk_and_utf8_characters() {
    for (name, encode) in [
        (
            "row-gbk",
            (|s: &str| gbk(&format!("{s}\n"))) as fn(&str) -> Vec<u8>,
        ),
        ("row-utf8", |s: &str| format!("{s}\n").into_bytes()),
    ] {
        let mut h = open_chat(name, encode);
        for (d, sent) in [(0, CHAT_CLIENT), (1, CHAT_SERVER)] {
            let row = byte_row_text(&mut h, d);
            // The sentence as sent (its spaces drawn as `_`), then the line feed as `.`.
            let expected = format!("{}.", sent.replace(' ', "_"));
            assert_eq!(row, expected, "{name} direction {d}");
        }
    }
}

#[test]
fn the_stream_tabs_encoding_selector_rereads_the_byte_row() {
    // The UTF-8 chat read as Latin-1 by hand: every byte is its own character, and the
    // bytes outside printable ASCII are dots (the row's way of showing binary).
    let mut h = open_chat("row-override", |s: &str| format!("{s}\n").into_bytes());
    let auto = byte_row_text(&mut h, 0);
    assert_eq!(auto, format!("{}.", CHAT_CLIENT.replace(' ', "_")));
    h.get_by_role_and_label(Role::ComboBox, "Encoding").click();
    h.run_steps(2);
    h.get_by_label("Latin-1").click();
    h.run_steps(3);
    let latin1: String = format!("{CHAT_CLIENT}\n")
        .bytes()
        .map(|b| match b {
            b' ' => '_',
            b if b.is_ascii_graphic() => char::from(b),
            _ => '.',
        })
        .collect();
    assert_eq!(byte_row_text(&mut h, 0), latin1);
    // The message panel reads the message with the same choice.
    assert_eq!(
        h.state()
            .stream_view
            .text_view
            .encoding(synack::stream::text::TextEncoding::Utf8),
        synack::stream::text::TextEncoding::Latin1
    );
}

/// The English words left in the labels of `h`'s window: each word of ASCII letters that is
/// not a protocol term, a TCP state or flag (all capitals), a field or file name (with a
/// dot or an underscore), a unit, or a name the interface keeps on purpose. Wireshark's
/// own words stay English as in its Chinese interface: the Info column's markers and the
/// details' protocol tree (all-ASCII lines of the form "Name: value").
fn english_words(h: &Harness<'static, SynackApp>) -> Vec<(String, String)> {
    english_words_in(h, false)
}

/// [`english_words`]; with `widgets_only`, only in buttons, boxes and labels with some
/// non-ASCII text (a window showing payload text: the payload is data, not interface).
fn english_words_in(h: &Harness<'static, SynackApp>, widgets_only: bool) -> Vec<(String, String)> {
    const KEPT: &[&str] = &[
        // Protocol words, as Wireshark's Chinese interface keeps them.
        "seq",
        "ack",
        "len",
        "win",
        "Seq",
        "Ack",
        "Win",
        "Len",
        "TSval",
        "TSecr",
        "rtt",
        "send",
        "recv",
        "sendto",
        "recvfrom",
        "write",
        "read",
        "connect",
        "accept",
        "close",
        "shutdown",
        "listen",
        "bind",
        "socket",
        "epoll",
        "select",
        "poll",
        // Framing and encoding names (the values of --framing and --encoding).
        "line",
        "auto",
        "http",
        "tls",
        "dns",
        "resp",
        "mysql",
        "fixed",
        "none",
        "calls",
        "utf",
        "gbk",
        "latin",
        // Directions, units, names.
        "c2s",
        "s2c",
        "ms",
        "s",
        "B",
        "KiB",
        "MiB",
        "Stevens",
        "Wireshark",
        "tcpdump",
        "synack",
        "demo",
        "pcap",
        "pcapng",
        "svg",
        "png",
        "Ctrl",
        "Alt",
        "Shift",
        "Esc",
        "eq",
        "Linux",
        "Python",
        "Nagle",
        "loopback",
        "lo",
        "eth",
        "x",
        "tcp",
        "udp",
        "tcptrace",
        "Home",
        "End",
        "Space",
        "sh",
        // Command lines quoted in the text (`synack gen live`, `--netns`).
        "gen",
        "live",
        "netns",
    ];
    // The lessons' names are the command line's (`synack gen sticky`).
    let lessons: Vec<&str> = synack::gen::Scenario::ALL
        .iter()
        .map(|s| s.name())
        .collect();
    let is_hex_byte = |t: &str| t.len() == 2 && t.chars().all(|c| c.is_ascii_hexdigit());
    // Zeek's history letters (`ShADadFf`), a vocabulary users grep for.
    let is_history = |t: &str| t.chars().all(|c| "ShADadFfRrCcGgTtWwIiQq^".contains(c));
    let mut out = Vec::new();
    for node in h.query_all(egui_kittest::kittest::By::new().predicate(|_| true)) {
        let n = node.accesskit_node();
        let widget = matches!(
            n.role(),
            Role::Button | Role::ComboBox | Role::CheckBox | Role::RadioButton | Role::MenuItem
        );
        // A text box holds the user's input, its hint an example of it (a command line).
        if matches!(n.role(), Role::TextInput | Role::MultilineTextInput) {
            continue;
        }
        for text in [n.label(), n.value()].into_iter().flatten() {
            if widgets_only && !widget && text.is_ascii() {
                continue;
            }
            // Example command lines are commands, not sentences.
            if text.starts_with("python3 ") {
                continue;
            }
            // Placeholders the user types as they are (`{server}`).
            let text = text.replace("{server}", "");
            let protocol_tree = text.is_ascii() && (text.contains(": ") || text.contains(", Src"));
            // A payload's lines (Follow Stream's text) are the data, not the interface.
            let payload = text.is_ascii() && text.ends_with('\n');
            // egui's own names for window and panel handles are not drawn.
            let egui_chrome =
                text.starts_with("Resize ") || text == "Close window" || text == "Hide";
            if text.contains('«') || text.contains(" → ") || protocol_tree || payload || egui_chrome
            {
                continue;
            }
            for token in text.split(|c: char| {
                !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':'))
            }) {
                let token = token.trim_matches(|c: char| matches!(c, '.' | '-' | '/' | ':'));
                let word = token.chars().all(|c| c.is_ascii_alphabetic()) && token.len() > 1;
                if !word
                    || token.chars().all(|c| c.is_ascii_uppercase())
                    || KEPT.contains(&token)
                    || lessons.contains(&token)
                    || is_hex_byte(token)
                    || is_history(token)
                {
                    continue;
                }
                out.push((token.to_owned(), text.to_owned()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn chinese_window_has_no_english_words_in_any_tab_or_menu() {
    let mut h = demo(Lang::Zh);
    h.state_mut().queue(Command::GoTo {
        number: 10,
        replay: false,
    });
    h.run_steps(3);
    let mut found = Vec::new();
    for tab in [
        Tab::Packets,
        Tab::Connections,
        Tab::Ladder,
        Tab::Live,
        Tab::Graphs,
        Tab::Stream,
        Tab::Generator,
        Tab::Flows,
        Tab::Pair,
    ] {
        h.state_mut().tab = tab;
        h.run_steps(4);
        found.extend(
            english_words(&h)
                .into_iter()
                .map(|(w, t)| format!("{tab:?}: {w} in {t:?}")),
        );
    }
    // The Generator tab's second page, the Find bar, Follow TCP and UDP Stream.
    let mut check = |h: &mut Harness<'static, SynackApp>, what: &str, widgets_only| {
        h.run_steps(4);
        found.extend(
            english_words_in(h, widgets_only)
                .into_iter()
                .map(|(w, t)| format!("{what}: {w} in {t:?}")),
        );
    };
    h.state_mut().tab = Tab::Generator;
    h.state_mut().generator.page = synack::ui::generator_panel::GenPage::Program;
    check(&mut h, "Run a program", false);
    h.state_mut().tab = Tab::Packets;
    h.state_mut().find.open();
    check(&mut h, "Find bar", false);
    h.state_mut().queue(Command::FollowStream);
    check(&mut h, "Follow TCP Stream", true);
    h.state_mut().follow.stream = None;
    for menu in ["文件", "编辑", "视图", "跳转", "分析", "帮助"] {
        h.get_by_label(menu).click();
        h.run_steps(3);
        found.extend(
            english_words(&h)
                .into_iter()
                .map(|(w, t)| format!("menu {menu}: {w} in {t:?}")),
        );
        h.key_press(egui::Key::Escape);
        h.run_steps(2);
    }
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "{} English words:\n{}",
        found.len(),
        found.join("\n")
    );
}
