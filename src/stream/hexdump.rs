//! Hex and ASCII lines of stream bytes, as Wireshark's Follow Stream hex view shows them:
//! shared by `synack stream --dump` and the desktop view's message pane, so both read alike.

use std::fmt::Write as _;

/// Lines of 16 bytes: the offset from `base` (8 hex digits), the bytes in hex (a gap after
/// the eighth), then the printable ASCII (`.` for the rest); each line ends with `\n`.
pub fn hex_dump(base: u64, bytes: &[u8]) -> String {
    hex_lines(base, bytes, true)
}

/// [`hex_dump`] with or without the ASCII column (`synack read -x` prints hex only, `-X`
/// both, as tcpdump does).
pub fn hex_lines(base: u64, bytes: &[u8], ascii: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(16) * 80);
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{:08x}  ", base + i as u64 * 16);
        for j in 0..16 {
            match chunk.get(j) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
            if j == 7 {
                out.push(' ');
            }
        }
        if !ascii {
            out.truncate(out.trim_end().len());
            out.push('\n');
            continue;
        }
        out.push(' ');
        out.extend(chunk.iter().map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        }));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::hex_dump;

    /// Lines of sixteen with their offsets, the gap after the eighth byte and the ASCII
    /// column; a short last line padded so its ASCII column stays in place. Each case:
    /// base, bytes, the first line, how the last line starts and how it ends.
    #[test]
    fn lines_of_sixteen_with_offsets_gap_and_ascii() {
        let cases: [(u64, &[u8], &str, &str, &str); 2] = [
            (
                0x10,
                b"GET / HTTP/1.1\r\nHost",
                "00000010  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  GET / HTTP/1.1..",
                "00000020  48 6f 73 74 ",
                "  Host",
            ),
            (
                16,
                b"hello, world!\x00\x01\x02\x03",
                "00000010  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 00 01 02  hello, world!...",
                "00000020  03 ",
                " .",
            ),
        ];
        for (base, bytes, first, last_start, last_end) in cases {
            let text = hex_dump(base, bytes);
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines.len(), 2, "{text}");
            assert_eq!(lines[0], first);
            assert!(lines[1].starts_with(last_start), "{}", lines[1]);
            assert!(lines[1].ends_with(last_end), "{}", lines[1]);
        }
    }
}
