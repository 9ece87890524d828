//! Payloads read as text: the bytes of a stream or a message decoded as UTF-8, GBK (decoded
//! as GB18030, its superset) or Latin-1, with `encoding_rs`.
//!
//! [`detect`] chooses per stream, as the course's programs send text: valid UTF-8 first
//! (plain ASCII is UTF-8), else GB18030 when every byte decodes cleanly
//! (`"您好".encode("gbk")`), else Latin-1, which decodes any byte. Each run of contiguous
//! bytes is checked on its own (a gap is not a character boundary) and a character cut by
//! the end of a run is not held against the encoding (a capture can stop anywhere).

use std::fmt;
use std::str::FromStr;

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_8};

/// A text encoding synack decodes payloads with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TextEncoding {
    /// UTF-8.
    #[default]
    Utf8,
    /// GBK, decoded as GB18030 (its superset; what Python's `encode("gbk")` writes decodes
    /// the same).
    Gbk,
    /// ISO-8859-1: each byte is the character of the same number.
    Latin1,
}

impl TextEncoding {
    /// Every encoding, in the order a selector lists them.
    pub const ALL: [TextEncoding; 3] =
        [TextEncoding::Utf8, TextEncoding::Gbk, TextEncoding::Latin1];

    /// The name on the command line and in JSON: `utf-8`, `gbk`, `latin1`.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Gbk => "gbk",
            TextEncoding::Latin1 => "latin1",
        }
    }

    fn decoder_encoding(self) -> Option<&'static Encoding> {
        match self {
            TextEncoding::Utf8 => Some(UTF_8),
            TextEncoding::Gbk => Some(GB18030),
            TextEncoding::Latin1 => None,
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TextEncoding {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Ok(TextEncoding::Utf8),
            "gbk" | "gb18030" | "gb2312" | "cp936" => Ok(TextEncoding::Gbk),
            "latin1" | "latin-1" | "iso-8859-1" | "iso8859-1" => Ok(TextEncoding::Latin1),
            _ => Err(format!(
                "unknown encoding `{s}` (expected auto, utf-8, gbk or latin1)"
            )),
        }
    }
}

/// An encoding asked for, or `Auto` ([`detect`] per stream).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EncodingChoice {
    /// Chosen from the stream's bytes.
    #[default]
    Auto,
    /// This one.
    Use(TextEncoding),
}

impl EncodingChoice {
    /// The encoding for a stream whose runs of bytes are `runs`.
    pub fn resolve<'a>(self, runs: impl IntoIterator<Item = &'a [u8]> + Clone) -> TextEncoding {
        match self {
            EncodingChoice::Auto => detect(runs),
            EncodingChoice::Use(e) => e,
        }
    }
}

impl FromStr for EncodingChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("auto") {
            Ok(EncodingChoice::Auto)
        } else {
            s.parse().map(EncodingChoice::Use)
        }
    }
}

/// True when every run decodes with `encoding` without an error (a character cut by the
/// end of a run is not an error).
fn decodes_cleanly<'a>(
    encoding: &'static Encoding,
    runs: impl IntoIterator<Item = &'a [u8]>,
) -> bool {
    let mut scratch = [0u8; 4096];
    for run in runs {
        let mut decoder = encoding.new_decoder_without_bom_handling();
        let mut rest = run;
        loop {
            let (result, read, _) =
                decoder.decode_to_utf8_without_replacement(rest, &mut scratch, false);
            rest = &rest[read..];
            match result {
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => continue,
                DecoderResult::Malformed(..) => return false,
            }
        }
    }
    true
}

/// The encoding of a stream whose contiguous runs of bytes are `runs`: UTF-8 when they are
/// valid UTF-8, else GBK when they decode cleanly as GB18030, else Latin-1.
pub fn detect<'a>(runs: impl IntoIterator<Item = &'a [u8]> + Clone) -> TextEncoding {
    if decodes_cleanly(UTF_8, runs.clone()) {
        TextEncoding::Utf8
    } else if decodes_cleanly(GB18030, runs) {
        TextEncoding::Gbk
    } else {
        TextEncoding::Latin1
    }
}

/// Bytes decoded as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text (undecodable bytes as U+FFFD).
    pub text: String,
    /// The encoding used.
    pub encoding: TextEncoding,
    /// Number of U+FFFD replacements made for bytes that did not decode.
    pub replaced: usize,
}

/// Decodes `bytes` with `encoding`. A character cut by the end of `bytes` becomes U+FFFD.
pub fn decode(bytes: &[u8], encoding: TextEncoding) -> Decoded {
    let Some(e) = encoding.decoder_encoding() else {
        return Decoded {
            text: encoding_rs::mem::decode_latin1(bytes).into_owned(),
            encoding,
            replaced: 0,
        };
    };
    let mut decoder = e.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2 + 4);
    let mut replaced = 0;
    let mut rest = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut text, true);
        rest = &rest[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => text.reserve(rest.len() * 3 + 16),
            DecoderResult::Malformed(..) => {
                text.push('\u{FFFD}');
                replaced += 1;
            }
        }
    }
    Decoded {
        text,
        encoding,
        replaced,
    }
}

/// One character of a byte string and the bytes it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharSpan {
    /// Index of its first byte.
    pub start: usize,
    /// Number of bytes (1 to 4).
    pub len: usize,
    /// The character; `None` for a byte that does not decode (or a character cut by the
    /// end of the bytes).
    pub ch: Option<char>,
}

/// The characters of `bytes` in `encoding`, each with its bytes, for views that draw text
/// over the bytes it came from (the stream ribbon's byte row). UTF-8 by its chunks;
/// GBK/GB18030 by its lead and trail bytes (two bytes, or four when the second is a digit),
/// each character decoded by `encoding_rs`; Latin-1 one byte each.
pub fn char_spans(bytes: &[u8], encoding: TextEncoding) -> Vec<CharSpan> {
    let mut out = Vec::with_capacity(bytes.len());
    let undecodable = |out: &mut Vec<CharSpan>, start: usize, len: usize| {
        out.extend((start..start + len).map(|i| CharSpan {
            start: i,
            len: 1,
            ch: None,
        }));
    };
    match encoding {
        TextEncoding::Latin1 => out.extend(bytes.iter().enumerate().map(|(i, &b)| CharSpan {
            start: i,
            len: 1,
            ch: Some(char::from(b)),
        })),
        TextEncoding::Utf8 => {
            let mut at = 0;
            for chunk in bytes.utf8_chunks() {
                for (i, c) in chunk.valid().char_indices() {
                    out.push(CharSpan {
                        start: at + i,
                        len: c.len_utf8(),
                        ch: Some(c),
                    });
                }
                at += chunk.valid().len();
                undecodable(&mut out, at, chunk.invalid().len());
                at += chunk.invalid().len();
            }
        }
        TextEncoding::Gbk => {
            let mut i = 0;
            while i < bytes.len() {
                let b = bytes[i];
                let len = match (b, bytes.get(i + 1)) {
                    (0..=0x7f, _) => 1,
                    (0x81..=0xfe, Some(0x30..=0x39)) => 4,
                    (0x81..=0xfe, Some(&t)) if (0x40..=0xfe).contains(&t) && t != 0x7f => 2,
                    _ => 0,
                };
                let ch = bytes.get(i..i + len).filter(|_| len > 0).and_then(|seq| {
                    GB18030
                        .decode_without_bom_handling_and_without_replacement(seq)
                        .and_then(|t| {
                            let mut chars = t.chars();
                            chars.next().filter(|_| chars.next().is_none())
                        })
                });
                match ch {
                    Some(c) => {
                        out.push(CharSpan {
                            start: i,
                            len,
                            ch: Some(c),
                        });
                        i += len;
                    }
                    None => {
                        undecodable(&mut out, i, 1);
                        i += 1;
                    }
                }
            }
        }
    }
    out
}

/// `text` made safe to show: line ends (`\n`, `\r\n`) and tabs kept, every other control
/// character shown as `·` (a terminal or a label would act on it or draw a box).
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('·'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_spans_name_each_character_and_its_bytes() {
        let chars = |bytes: &[u8], e| -> String {
            char_spans(bytes, e)
                .iter()
                .map(|c| c.ch.unwrap_or('?'))
                .collect()
        };
        let (gbk, _, bad) = GB18030.encode("你好, a？");
        assert!(!bad);
        let spans = char_spans(&gbk, TextEncoding::Gbk);
        assert_eq!(chars(&gbk, TextEncoding::Gbk), "你好, a？");
        assert_eq!(
            spans.iter().map(|c| (c.start, c.len)).collect::<Vec<_>>(),
            [(0, 2), (2, 2), (4, 1), (5, 1), (6, 1), (7, 2)]
        );
        // A four-byte GB18030 character, and a lead byte cut by the end.
        let (four, _, _) = GB18030.encode("€😀");
        assert_eq!(chars(&four, TextEncoding::Gbk), "€😀");
        assert_eq!(chars(&gbk[..3], TextEncoding::Gbk), "你?");
        let utf8 = "好a\u{e9}".as_bytes();
        let spans = char_spans(utf8, TextEncoding::Utf8);
        assert_eq!(
            spans
                .iter()
                .map(|c| (c.start, c.len, c.ch))
                .collect::<Vec<_>>(),
            [(0, 3, Some('好')), (3, 1, Some('a')), (4, 2, Some('é'))]
        );
        // A cut character: each of its bytes undecodable, the rest still read.
        let cut = [&utf8[..2], b"ok"].concat();
        assert_eq!(chars(&cut, TextEncoding::Utf8), "??ok");
        assert_eq!(chars(&[0x41, 0xe9], TextEncoding::Latin1), "Aé");
    }

    /// The course's GBK chat: `"您好，这里是服务端，收到你的信息".encode("gbk")`.
    pub(crate) const GBK_REPLY: &[u8] = &[
        0xc4, 0xfa, 0xba, 0xc3, 0xa3, 0xac, 0xd5, 0xe2, 0xc0, 0xef, 0xca, 0xc7, 0xb7, 0xfe, 0xce,
        0xf1, 0xb6, 0xcb, 0xa3, 0xac, 0xca, 0xd5, 0xb5, 0xbd, 0xc4, 0xe3, 0xb5, 0xc4, 0xd0, 0xc5,
        0xcf, 0xa2,
    ];

    #[test]
    fn gbk_bytes_python_wrote_decode_to_the_sentence() {
        // The bytes above are GB18030's (and GBK's) encoding of the sentence.
        let (enc, _, _) = GB18030.encode("您好，这里是服务端，收到你的信息");
        assert_eq!(&*enc, GBK_REPLY);
        assert_eq!(detect([GBK_REPLY]), TextEncoding::Gbk);
        let d = decode(GBK_REPLY, TextEncoding::Gbk);
        assert_eq!(d.text, "您好，这里是服务端，收到你的信息");
        assert_eq!(d.replaced, 0);
        // Read as UTF-8 the same bytes are garbage.
        assert!(decode(GBK_REPLY, TextEncoding::Utf8).replaced > 0);
    }

    #[test]
    fn detection_prefers_utf8_then_gbk_then_latin1() {
        let utf8 = "客户端发来的信息为：你好".as_bytes();
        assert_eq!(detect([utf8]), TextEncoding::Utf8);
        assert_eq!(
            detect([b"GET / HTTP/1.1\r\n".as_slice()]),
            TextEncoding::Utf8
        );
        // Invalid in both: 0x80 alone and 0xff are not GB18030.
        let binary: &[u8] = &[0x16, 0x03, 0x01, 0x80, 0xff, 0x00, 0x9c];
        assert_eq!(detect([binary]), TextEncoding::Latin1);
        assert_eq!(
            decode(binary, TextEncoding::Latin1).text.chars().count(),
            binary.len()
        );
        // One invalid run spoils the stream for UTF-8.
        assert_eq!(detect([utf8, GBK_REPLY]), TextEncoding::Gbk);
    }

    #[test]
    fn a_character_cut_by_the_end_of_a_run_does_not_change_the_encoding() {
        let utf8 = "您好".as_bytes();
        let cut = &utf8[..4]; // 您 and the first byte of 好
        assert_eq!(detect([cut]), TextEncoding::Utf8);
        assert_eq!(detect([&GBK_REPLY[..3]]), TextEncoding::Gbk);
        let d = decode(cut, TextEncoding::Utf8);
        assert_eq!(d.text, "您\u{FFFD}");
        assert_eq!(d.replaced, 1);
    }

    #[test]
    fn names_parse_and_print() {
        for e in TextEncoding::ALL {
            assert_eq!(e.name().parse::<TextEncoding>(), Ok(e));
        }
        assert_eq!("GB18030".parse(), Ok(TextEncoding::Gbk));
        assert_eq!("auto".parse(), Ok(EncodingChoice::Auto));
        assert_eq!("utf8".parse(), Ok(EncodingChoice::Use(TextEncoding::Utf8)));
        assert!("ebcdic".parse::<EncodingChoice>().is_err());
    }

    #[test]
    fn printable_keeps_lines_and_hides_controls() {
        assert_eq!(printable("a\r\nb\tc\u{0}d\u{1b}[2J\r"), "a\r\nb\tc·d·[2J·");
    }
}
