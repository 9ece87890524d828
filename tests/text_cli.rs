//! Payloads read as text on the command line: `synack stream --text [--encoding]` on the
//! course's chat captured as GBK and as UTF-8 (captures made here with the generator's
//! segment builder), and the messages' `text`/`encoding` in JSON; the Chinese `gen --list`.

mod support;

use support::{gbk, json_lines, synack, write_chat_capture, Scratch, CHAT_CLIENT, CHAT_SERVER};

/// The course's chat written with `encode` into a scratch folder of its own; the folder (kept
/// while the test needs it) and the capture's path.
fn chat(name: &str, encode: impl Fn(&str) -> Vec<u8>) -> (Scratch, String) {
    let dir = Scratch::new(&format!("text-{name}"));
    let path = dir.file(&format!("{name}.pcap"));
    write_chat_capture(&path, encode);
    (dir, path.to_str().expect("utf-8 path").to_owned())
}

/// `synack stream CAP --stream 0 --text --encoding ENCODING`.
fn stream_text(cap: &str, encoding: &str) -> support::Run {
    synack(&[
        "stream",
        cap,
        "--stream",
        "0",
        "--text",
        "--encoding",
        encoding,
    ])
}

#[test]
fn stream_text_prints_the_gbk_chat_exactly() {
    let (_dir, cap) = chat("gbk", gbk);
    // The bytes on the wire are GBK, not UTF-8.
    assert!(std::str::from_utf8(&gbk(CHAT_SERVER)).is_err());
    let out = synack(&["stream", &cap, "--stream", "0", "--text"]);
    let text = out.ok();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.contains(&CHAT_CLIENT), "{text}");
    assert!(lines.contains(&CHAT_SERVER), "{text}");
    assert!(text.contains("text, gbk (auto):"), "{text}");
    // Forced to UTF-8 the same bytes do not decode, and the output says so.
    let out = stream_text(&cap, "utf-8");
    let text = out.ok();
    assert!(!text.contains(CHAT_SERVER), "{text}");
    assert!(
        text.contains("undecodable") && text.contains('\u{FFFD}'),
        "{text}"
    );
}

#[test]
fn stream_text_prints_the_utf8_chat_and_json_carries_text_and_encoding() {
    let (_dir, cap) = chat("utf8", |s| s.as_bytes().to_vec());
    let out = synack(&["stream", &cap, "--stream", "0", "--text"]);
    let text = out.ok();
    assert!(text.lines().any(|l| l == CHAT_SERVER), "{text}");
    assert!(text.contains("text, utf-8 (auto):"), "{text}");
    let out = synack(&["stream", &cap, "--stream", "0", "--json", "--text"]);
    let msgs: Vec<_> = json_lines(out.ok())
        .into_iter()
        .filter(|v| v["kind"] == "unparsed")
        .collect();
    let texts: Vec<(&str, &str)> = msgs
        .iter()
        .map(|m| {
            (
                m["text"].as_str().unwrap_or(""),
                m["encoding"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(texts, [(CHAT_CLIENT, "utf-8"), (CHAT_SERVER, "utf-8")]);
    // A line framing makes messages of newline-ended sends; they carry the text too.
    let (_d2, lines) = chat("utf8-lines", |s| format!("{s}\n").into_bytes());
    let out = synack(&["stream", &lines, "--stream", "0", "--json", "--text"]);
    let msgs: Vec<_> = json_lines(out.ok())
        .into_iter()
        .filter(|v| v["kind"] == "message")
        .collect();
    assert_eq!(msgs.len(), 2, "{}", out.text());
    assert_eq!(msgs[0]["text"], format!("{CHAT_CLIENT}\n"));
    assert_eq!(msgs[0]["encoding"], "utf-8");
    // Without --text the JSON is what it was (no text fields).
    let out = synack(&["stream", &cap, "--stream", "0", "--json"]);
    assert!(json_lines(out.ok()).iter().all(|v| v.get("text").is_none()));
}

#[test]
fn json_text_of_the_gbk_chat_and_latin1_on_request() {
    let (_dir, cap) = chat("gbk-json", gbk);
    let out = synack(&[
        "stream",
        &cap,
        "--stream",
        "0",
        "--json",
        "--text",
        "--encoding",
        "gbk",
    ]);
    let msgs: Vec<_> = json_lines(out.ok())
        .into_iter()
        .filter(|v| v["kind"] == "unparsed")
        .collect();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[1]["text"], CHAT_SERVER);
    assert_eq!(msgs[1]["encoding"], "gbk");
    let out = stream_text(&cap, "latin1");
    let text = out.ok();
    // Latin-1 maps each byte to one character: 32 GBK bytes, 32 characters.
    let line = text
        .lines()
        .find(|l| l.chars().count() == gbk(CHAT_SERVER).len())
        .unwrap_or_else(|| panic!("no 32-character line: {text}"));
    assert!(line.starts_with('Ä'), "{line}");
    let bad = stream_text(&cap, "ebcdic");
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
}

#[test]
fn gen_list_and_help_speak_chinese_on_request() {
    let out = synack(&["gen", "--list", "--lang", "zh"]);
    let text = out.ok();
    let sticky = text
        .lines()
        .find(|l| l.starts_with("sticky "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(sticky.contains("粘包"), "{sticky}");
    assert!(text
        .lines()
        .any(|l| l.starts_with("handshake ") && l.contains("三次握手")));
    let en = synack(&["gen", "--list", "--lang", "en"]);
    assert!(en.ok().contains("TCP is a byte stream"));
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .arg("--help")
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("synack runs");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("重组后的 TCP 字节流"), "{help}");
}

#[test]
fn a_bad_display_filter_is_explained_in_chinese_with_the_caret_under_it() {
    let (_dir, cap) = chat("filter-zh", gbk);
    let filter = r#"tcp.payload contains "您好" )"#;
    let out = synack(&["--lang", "zh", "read", &cap, "-Y", filter]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    // The ")" is byte 30 of the filter, its 27th character and terminal column 28: each CJK
    // character is three bytes long and two columns wide.
    assert_eq!(
        out.stderr,
        format!(
            "synack: 显示过滤器有误：意外的“)”（第 27 列）\n  {filter}\n  {}^\n",
            " ".repeat(28)
        )
    );
    // English keeps its words.
    let out = synack(&["--lang", "en", "read", &cap, "-Y", "tcp.port == 99999"]);
    assert_eq!(
        out.stderr,
        "synack: bad display filter: \"99999\" too big for this field, maximum 65535 \
         (at column 13)\n  tcp.port == 99999\n              ^\n"
    );
}

#[test]
fn stream_lines_and_runtime_errors_follow_the_language() {
    let (_dir, cap) = chat("notes-zh", gbk);
    let args = ["stream", &cap, "--stream", "0", "--text"];
    let zh = synack(&[&["--lang", "zh"], &args[..]].concat());
    let text = zh.ok();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("TCP 流 0："), "{text}");
    assert!(
        lines[1].starts_with("分帧方式：none（自动）—（不一致）没有哪种分帧方式能解释这"),
        "{text}"
    );
    assert!(lines.contains(&"  文本，gbk（自动）："), "{text}");
    assert!(lines.contains(&CHAT_SERVER), "{text}");
    // English keeps its words (scripts and the golden files read them).
    let en = synack(&[&["--lang", "en"], &args[..]].concat());
    let text = en.ok();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("TCP stream 0: "), "{text}");
    assert!(
        lines[1].starts_with("framing: none (auto) — (inconsistent) no framing explains these"),
        "{text}"
    );
    assert!(lines.contains(&"  text, gbk (auto):"), "{text}");
    // A file that is not there, in the locale's language without --lang.
    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["read", "/nonexistent/chat.pcap"])
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("synack runs");
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr),
        "synack: /nonexistent/chat.pcap：无法读取：没有那个文件或目录（系统错误 2）\n"
    );
    let missing = synack(&["--lang", "en", "read", "/nonexistent/chat.pcap"]);
    assert_eq!(
        missing.stderr,
        "synack: /nonexistent/chat.pcap: cannot read: No such file or directory (os error 2)\n"
    );
}
