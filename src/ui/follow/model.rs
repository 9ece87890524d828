//! What Follow TCP Stream shows: a connection's bytes as the two sides sent them, in capture
//! order, one chunk per run of one side's segments, written as text (UTF-8, GBK or Latin-1, chosen from the bytes or by hand), ASCII, a
//! hex dump or raw hex (Wireshark's "Show data as").
//!
//! The bytes come from the stream ribbon's reassembly ([`RibbonModel`], the same code as
//! `synack stream`), so retransmitted copies are shown once and bytes missing from the
//! capture are named, never invented.

use crate::analysis::Direction;
use crate::i18n::tr;
use crate::stream::hexdump::hex_dump;
use crate::stream::text::{self, EncodingChoice, TextEncoding};
use crate::ui::stream_view::model::RibbonModel;

/// One side's consecutive bytes between two turns of the other side (or a gap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Who sent them.
    pub dir: Direction,
    /// Stream offset (bytes of that direction before them, gaps included).
    pub offset: u64,
    /// The bytes; empty for a gap.
    pub bytes: Vec<u8>,
    /// Bytes that are missing from the capture here (a gap), 0 for data.
    pub missing: u64,
    /// The frame that carried the chunk's first byte (the frame after a gap).
    pub first_frame: u64,
}

/// How the bytes are written (Wireshark's "Show data as").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowAs {
    /// Printable ASCII, line breaks and tabs kept, other bytes as `.`.
    Ascii,
    /// Text in an encoding (UTF-8, GBK, Latin-1) or the stream's own (auto), undecodable
    /// bytes as U+FFFD, control characters other than line breaks and tabs as `·`.
    Text(EncodingChoice),
    /// Offset, 16 bytes in hex, their ASCII; the server's lines indented.
    HexDump,
    /// Continuous hex, one line per chunk (what `xxd -r -p` reads back).
    Raw,
}

impl ShowAs {
    /// Every choice, in the combo box's order.
    pub const ALL: [ShowAs; 7] = [
        ShowAs::Text(EncodingChoice::Auto),
        ShowAs::Text(EncodingChoice::Use(TextEncoding::Utf8)),
        ShowAs::Text(EncodingChoice::Use(TextEncoding::Gbk)),
        ShowAs::Text(EncodingChoice::Use(TextEncoding::Latin1)),
        ShowAs::Ascii,
        ShowAs::HexDump,
        ShowAs::Raw,
    ];

    /// The combo box's words (Wireshark's, and the text encodings); `detected` is the
    /// stream's own encoding, named by the automatic choice.
    pub fn label(self, detected: TextEncoding) -> String {
        match self {
            ShowAs::Ascii => "ASCII".into(),
            ShowAs::Text(EncodingChoice::Auto) => {
                tr!("follow-text-auto", encoding = encoding_label(detected))
            }
            ShowAs::Text(EncodingChoice::Use(e)) => encoding_label(e).into(),
            ShowAs::HexDump => "Hex Dump".into(),
            ShowAs::Raw => "Raw".into(),
        }
    }
}

/// The name of an encoding in a selector.
pub fn encoding_label(e: TextEncoding) -> &'static str {
    match e {
        TextEncoding::Utf8 => "UTF-8",
        TextEncoding::Gbk => "GBK (GB18030)",
        TextEncoding::Latin1 => "Latin-1",
    }
}

/// The encoding of a conversation's text: its chunks' bytes, valid UTF-8 first, else GBK when
/// clean, else Latin-1 ([`text::detect`]).
pub fn detect_encoding(chunks: &[Chunk]) -> TextEncoding {
    text::detect(
        chunks
            .iter()
            .filter(|c| c.missing == 0)
            .map(|c| c.bytes.as_slice()),
    )
}

/// The chunks of a reassembled connection in the order they were captured: each side's
/// segments (first copies), consecutive ones of one side merged, gaps where bytes are missing.
pub fn chunks(model: &RibbonModel) -> Vec<Chunk> {
    // (capture time, frame, chunk) of every segment and gap of both sides.
    let mut pieces: Vec<(i64, u64, Chunk)> = Vec::new();
    for (d, side) in model.dirs.iter().enumerate() {
        let stream = &side.stream;
        let mut gaps = stream.gaps.iter().peekable();
        for seg in &stream.segments {
            while let Some(g) = gaps.next_if(|g| g.offset < seg.offset) {
                pieces.push((
                    seg.ts.as_nanos(),
                    seg.frame,
                    Chunk {
                        dir: side.dir,
                        offset: g.offset,
                        bytes: Vec::new(),
                        missing: g.len,
                        first_frame: seg.frame,
                    },
                ));
            }
            pieces.push((
                seg.ts.as_nanos(),
                seg.frame,
                Chunk {
                    dir: side.dir,
                    offset: seg.offset,
                    bytes: model.bytes(d, seg.offset, seg.len),
                    missing: 0,
                    first_frame: seg.frame,
                },
            ));
        }
        // Gaps after the last segment (bytes acknowledged but never captured).
        let last = stream
            .segments
            .last()
            .map_or((0, 0), |s| (s.ts.as_nanos(), s.frame));
        for g in gaps {
            pieces.push((
                last.0,
                last.1,
                Chunk {
                    dir: side.dir,
                    offset: g.offset,
                    bytes: Vec::new(),
                    missing: g.len,
                    first_frame: last.1,
                },
            ));
        }
    }
    // Stable: a segment's gap stays before it.
    pieces.sort_by_key(|(ts, frame, _)| (*frame, *ts));
    let mut out: Vec<Chunk> = Vec::new();
    for (_, _, c) in pieces {
        match out.last_mut() {
            Some(last)
                if last.dir == c.dir
                    && last.missing == 0
                    && c.missing == 0
                    && last.offset + last.bytes.len() as u64 == c.offset =>
            {
                last.bytes.extend_from_slice(&c.bytes);
            }
            _ => out.push(c),
        }
    }
    out
}

/// What a gap says, in Wireshark's words.
pub fn gap_text(missing: u64) -> String {
    format!("[{missing} bytes missing in capture file]\n")
}

/// One chunk written as `show`. Text forms end where the data ends (a chunk not ending in a
/// line break runs on into the next, as in Wireshark); hex forms end each chunk with a line
/// break.
pub fn chunk_text(chunk: &Chunk, show: ShowAs, detected: TextEncoding) -> String {
    if chunk.missing > 0 {
        return gap_text(chunk.missing);
    }
    match show {
        ShowAs::Ascii => chunk
            .bytes
            .iter()
            .map(|&b| match b {
                b'\n' | b'\r' | b'\t' => b as char,
                b if b.is_ascii_graphic() || b == b' ' => b as char,
                _ => '.',
            })
            .collect(),
        ShowAs::Text(choice) => {
            let e = match choice {
                EncodingChoice::Auto => detected,
                EncodingChoice::Use(e) => e,
            };
            text::printable(&text::decode(&chunk.bytes, e).text)
        }
        ShowAs::HexDump => {
            let dump = hex_dump(chunk.offset, &chunk.bytes);
            match chunk.dir {
                Direction::ClientToServer => dump,
                // Wireshark indents the second side's lines so the two columns stand apart.
                Direction::ServerToClient => dump.lines().map(|l| format!("    {l}\n")).collect(),
            }
        }
        ShowAs::Raw => {
            let mut s: String = chunk.bytes.iter().map(|b| format!("{b:02x}")).collect();
            s.push('\n');
            s
        }
    }
}

/// The bytes of one side, `None` for both, in the order they were sent (for saving raw).
pub fn side_bytes(chunks: &[Chunk], dir: Direction) -> Vec<u8> {
    chunks
        .iter()
        .filter(|c| c.dir == dir)
        .flat_map(|c| c.bytes.iter().copied())
        .collect()
}

/// The whole text of the chunks of `only` (both sides when `None`) written as `show`: what
/// the window shows and what Save as writes.
pub fn full_text(chunks: &[Chunk], show: ShowAs, only: Option<Direction>) -> String {
    let detected = detect_encoding(chunks);
    chunks
        .iter()
        .filter(|c| only.is_none_or(|d| c.dir == d))
        .map(|c| chunk_text(c, show, detected))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::follow::FramingChoice;
    use crate::ui::ingest::demo_store;
    use crate::ui::selection::ConnRef;
    use crate::ui::stream_view::model::build;

    fn follow(name: &str, bytes: &'static [u8]) -> Vec<Chunk> {
        let s = demo_store(name, bytes);
        let data = s.read();
        let conn = ConnRef::tcp(0);
        chunks(&build(&data, conn, FramingChoice::Auto, None).unwrap())
    }

    /// (side, bytes) of each chunk: `c` client, `s` server.
    fn turns(chunks: &[Chunk]) -> Vec<(char, u64)> {
        chunks
            .iter()
            .map(|c| {
                let side = match c.dir {
                    Direction::ClientToServer => 'c',
                    Direction::ServerToClient => 's',
                };
                (side, c.bytes.len() as u64 + c.missing)
            })
            .collect()
    }

    #[test]
    fn turns_are_those_tshark_follows() {
        // `tshark -q -z follow,tcp,raw,0`: http.pcap C75 S2487 C74 S686 C111 S300; echo.pcap
        // three 15-byte turns each way; loss.pcap twenty 1448-byte segments and one of 1040
        // from the client, the retransmission shown once, in stream order.
        let http = follow("http.pcap", include_bytes!("../../../captures/http.pcap"));
        assert_eq!(
            turns(&http),
            [
                ('c', 75),
                ('s', 2487),
                ('c', 74),
                ('s', 686),
                ('c', 111),
                ('s', 300)
            ]
        );
        assert!(full_text(&http, ShowAs::Ascii, None).starts_with(
            "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:33369\r\nUser-Agent: synack-gen\r\n\r\n"
        ));
        let echo = follow("echo.pcap", include_bytes!("../../../captures/echo.pcap"));
        assert_eq!(turns(&echo), [('c', 15), ('s', 15)].repeat(3));
        let loss = follow("loss.pcap", include_bytes!("../../../captures/loss.pcap"));
        assert_eq!(turns(&loss), [('c', 20 * 1448 + 1040)]);
        assert_eq!(loss[0].missing, 0);
    }

    #[test]
    fn each_form_writes_the_same_bytes() {
        let http = follow("http.pcap", include_bytes!("../../../captures/http.pcap"));
        let client = side_bytes(&http, Direction::ClientToServer);
        assert_eq!(client.len(), 75 + 74 + 111);
        // Raw hex reads back to the bytes.
        let raw = full_text(&http, ShowAs::Raw, Some(Direction::ClientToServer));
        let back: Vec<u8> = raw
            .lines()
            .flat_map(|l| {
                (0..l.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&l[i..i + 2], 16).unwrap())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(back, client);
        // The hex dump: offsets of each side's own stream, the server's lines indented.
        let dump = full_text(&http, ShowAs::HexDump, None);
        let first = dump.lines().next().unwrap();
        assert!(first.starts_with("00000000  47 45 54 20"), "{first}");
        assert!(dump
            .lines()
            .any(|l| l.starts_with("    00000000  48 54 54 50")));
        // UTF-8 and ASCII agree on ASCII text.
        assert_eq!(
            full_text(&http, ShowAs::Text(EncodingChoice::Auto), None),
            full_text(&http, ShowAs::Ascii, None)
        );
    }

    #[test]
    fn a_gap_is_named_not_invented() {
        let gap = Chunk {
            dir: Direction::ClientToServer,
            offset: 10,
            bytes: Vec::new(),
            missing: 8,
            first_frame: 3,
        };
        assert_eq!(
            chunk_text(&gap, ShowAs::Ascii, TextEncoding::Utf8),
            "[8 bytes missing in capture file]\n"
        );
        let bin = Chunk {
            dir: Direction::ServerToClient,
            offset: 0,
            bytes: vec![0x00, b'a', 0xff, b'\n'],
            missing: 0,
            first_frame: 1,
        };
        assert_eq!(chunk_text(&bin, ShowAs::Ascii, TextEncoding::Utf8), ".a.\n");
        // Text: undecodable bytes as U+FFFD, control characters as `·` (never drawn raw).
        let utf8 = ShowAs::Text(EncodingChoice::Use(TextEncoding::Utf8));
        assert_eq!(chunk_text(&bin, utf8, TextEncoding::Latin1), "·a\u{fffd}\n");
    }
}
