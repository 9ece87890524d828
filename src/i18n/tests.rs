use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast;
use fluent_syntax::parser;

use super::*;

/// Each message's key → the variables its value uses (sorted).
fn messages(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
    let resource = parser::parse(lang.catalogue()).unwrap_or_else(|(_, errors)| {
        panic!("{}.ftl does not parse: {errors:?}", lang.code());
    });
    let mut out = BTreeMap::new();
    for entry in resource.body {
        if let ast::Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            if let Some(p) = &m.value {
                pattern_vars(p, &mut vars);
            } else {
                panic!("{}.ftl: {} has no value", lang.code(), m.id.name);
            }
            let prev = out.insert(m.id.name.to_owned(), vars);
            assert!(
                prev.is_none(),
                "{}.ftl: {} defined twice",
                lang.code(),
                m.id.name
            );
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => inline_vars(i, vars),
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

#[test]
fn every_key_exists_in_every_language_with_the_same_variables() {
    let en = messages(Lang::En);
    let zh = messages(Lang::Zh);
    let only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
    let only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only_en.is_empty(), "keys missing from zh.ftl: {only_en:?}");
    assert!(only_zh.is_empty(), "keys missing from en.ftl: {only_zh:?}");
    let differ: Vec<_> = en
        .iter()
        .filter(|(k, v)| zh.get(*k) != Some(*v))
        .map(|(k, v)| format!("{k}: en {v:?}, zh {:?}", zh.get(k)))
        .collect();
    assert!(differ.is_empty(), "variables differ: {differ:#?}");
    assert!(en.len() > 50, "only {} messages", en.len());
}

#[test]
fn both_catalogues_parse_into_bundles_without_errors() {
    for lang in Lang::ALL {
        let resource = FluentResource::try_new(lang.catalogue().to_owned())
            .unwrap_or_else(|(_, e)| panic!("{}: {e:?}", lang.code()));
        let mut bundle =
            FluentBundle::new_concurrent(vec![unic_langid::LanguageIdentifier::default()]);
        bundle
            .add_resource(resource)
            .unwrap_or_else(|e| panic!("{}: {e:?}", lang.code()));
    }
}

#[test]
fn arguments_are_inserted_without_isolation_marks_or_grouping() {
    let s = text_in(Lang::En, "tab-stream-n", &[("stream", Arg::from(12345u64))]);
    assert!(s.contains("12345"), "{s}");
    assert!(!s.contains('\u{2068}') && !s.contains('\u{2069}'), "{s:?}");
}

#[test]
fn chinese_uses_the_course_terms_and_missing_keys_fall_back() {
    assert_eq!(text_in(Lang::Zh, "term-handshake", &[]), "三次握手");
    assert_eq!(text_in(Lang::Zh, "term-teardown", &[]), "四次挥手");
    assert_eq!(text_in(Lang::Zh, "term-sticky", &[]), "粘包");
    assert_eq!(
        text_in(Lang::En, "term-handshake", &[]),
        "three-way handshake"
    );
    assert_eq!(text_in(Lang::Zh, "no-such-key", &[]), "no-such-key");
}

#[test]
fn locale_names_choose_the_language() {
    assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
    assert_eq!(Lang::parse("zh-TW"), Some(Lang::Zh));
    assert_eq!(Lang::parse("en"), Some(Lang::En));
    assert_eq!(Lang::parse("C.UTF-8"), Some(Lang::En));
    assert_eq!(Lang::parse("fr_FR.UTF-8"), None);
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(
        Lang::from_locale_vars(env(&[("LANG", "zh_CN.UTF-8")])),
        Lang::Zh
    );
    assert_eq!(
        Lang::from_locale_vars(env(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "C")])),
        Lang::En
    );
    assert_eq!(
        Lang::from_locale_vars(env(&[("LC_MESSAGES", "zh_CN")])),
        Lang::Zh
    );
    assert_eq!(Lang::from_locale_vars(env(&[])), Lang::En);
}

#[test]
fn a_thread_language_wins_over_the_process_language_on_that_thread_only() {
    std::thread::spawn(|| {
        set_thread_lang(Some(Lang::Zh));
        assert_eq!(lang(), Lang::Zh);
        assert_eq!(tr!("term-handshake"), "三次握手");
        std::thread::spawn(|| assert_eq!(lang(), Lang::En))
            .join()
            .unwrap();
        set_thread_lang(None);
        assert_eq!(lang(), Lang::En);
    })
    .join()
    .unwrap();
}

#[test]
fn analysis_states_flags_and_reasons_render_in_both_languages() {
    use crate::analysis::{Flag, Tag, TagInfo, TcpState};
    for s in TcpState::ALL {
        // English is the RFC name the command line prints; Chinese keeps it and explains it.
        assert_eq!(text_in(Lang::En, s.text_key(), &[]), s.name());
        let zh = text_in(Lang::Zh, s.text_key(), &[]);
        assert!(
            zh.starts_with(s.name()) && zh.len() > s.name().len(),
            "{zh}"
        );
    }
    let info = TagInfo {
        frame: 12,
        delta_ns: 203_000_000,
        num: 3,
        seq: 1449,
        end: 2897,
    };
    for flag in Flag::ALL {
        let tag = Tag { flag, info };
        let m = tag.reason_message();
        let en = m.text_in(Lang::En);
        let zh = m.text_in(Lang::Zh);
        assert_ne!(en, m.key, "{flag}: no English text");
        assert_ne!(zh, en, "{flag}: Chinese reason is the English one");
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{zh}"
        );
        for part in [&en, &zh] {
            assert!(!part.contains('{') && !part.contains('$'), "{flag}: {part}");
        }
        let label = text_in(
            Lang::En,
            flag.text_key(),
            &[("frame", 7u64.into()), ("num", 2u64.into())],
        );
        assert_eq!(label, flag.marker(7, 2).trim_matches(['[', ']']));
    }
    // The reason's numbers reach the text.
    let r = Tag {
        flag: Flag::Retransmission,
        info,
    };
    assert_eq!(
        r.reason(),
        "seq 1449–2897 already sent in frame 12, 203 ms earlier"
    );
    assert_eq!(
        r.reason_message().text_in(Lang::Zh),
        "seq 1449–2897 已在第 12 帧发送过，203 ms 之前"
    );
}

#[test]
fn english_counts_of_one_are_singular() {
    let n = |v: u64| Arg::from(v);
    let one = text_in(
        Lang::En,
        "ribbon-summary",
        &[
            ("dir", Arg::from("c2s")),
            ("from", Arg::from("a")),
            ("to", Arg::from("b")),
            ("bytes", n(1)),
            ("segments", n(1)),
            ("messages", n(1)),
            ("coalesced", n(1)),
            ("split", n(1)),
            ("gaps", n(1)),
            ("gapbytes", n(1)),
        ],
    );
    assert_eq!(
        one,
        "c2s a -> b: 1 byte in 1 segment, 1 message, 1 coalesced segment, 1 split message, \
         1 gap (1 byte)"
    );
    let two = text_in(Lang::En, "conn-count", &[("count", n(2))]);
    assert_eq!(two, "2 connections");
    assert_eq!(
        text_in(Lang::En, "conn-count", &[("count", n(1))]),
        "1 connection"
    );
    assert_eq!(
        text_in(Lang::En, "conn-count", &[("count", n(0))]),
        "0 connections"
    );
}

/// The fixed sentences the framers write as a reason (`Err("...")`, `Invalid("...")`,
/// `reason: "..."`), found in their sources.
fn framer_sentences() -> Vec<&'static str> {
    let sources = [
        include_str!("../stream/framing/mod.rs"),
        include_str!("../stream/framing/text.rs"),
        include_str!("../stream/framing/length.rs"),
        include_str!("../stream/framing/auto.rs"),
        include_str!("../stream/calls.rs"),
    ];
    let mut out = Vec::new();
    for src in sources {
        for opener in ["Err(\"", "Invalid(\"", "reason: \""] {
            for (at, _) in src.match_indices(opener) {
                let rest = &src[at + opener.len()..];
                if let Some(end) = rest.find('"') {
                    out.push(&rest[..end]);
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[test]
fn every_framer_reason_has_a_library_key_in_both_catalogues() {
    let sentences = framer_sentences();
    assert!(sentences.len() >= 20, "{sentences:?}");
    assert!(sentences.contains(&"HTTP method too long"), "{sentences:?}");
    for s in sentences {
        let key = library_key(s);
        assert_eq!(
            lookup(Lang::En, &key).as_deref(),
            Some(s),
            "en.ftl needs `{key} = {s}`"
        );
        assert!(lookup(Lang::Zh, &key).is_some(), "zh.ftl needs {key}");
        assert_ne!(library_text_in(Lang::Zh, s), s, "{key}");
    }
    assert_eq!(
        library_key("HTTP method too long"),
        "lib-http-method-too-long"
    );
    // A sentence the catalogue does not know stays as it is.
    assert_eq!(
        library_text_in(Lang::Zh, "no such sentence"),
        "no such sentence"
    );
}

#[test]
fn framing_reasons_are_written_in_each_language() {
    use crate::stream::framing::FramingReason;
    let why = FramingReason::of(
        Message::new("framing-auto-explains")
            .arg("framing", "line")
            .arg("messages", 4u32)
            .arg("pct", "100%")
            .arg("total", 120u32),
    )
    .then(
        Message::new("framing-auto-next-covering")
            .arg("framing", "u8")
            .arg("messages", 3u32)
            .arg("pct", "50%"),
    );
    assert_eq!(
        why.to_string(),
        "line: 4 messages cover 100% of 120 bytes with nothing unparseable; next: u8 3 messages covering 50%"
    );
    assert_eq!(
        why.text_in(Lang::Zh),
        "line：4 条消息覆盖了 120 字节中的 100%，没有未解析的字节；其次是 u8：3 条消息，覆盖 50%"
    );
}
