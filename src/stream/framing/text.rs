//! Text framings: lines, HTTP/1.x, RESP (Redis).

use super::length::complete_or_more;
use super::Step;

/// Position of the first `\n` in `buf`.
fn find_lf(buf: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', buf)
}

/// True when some byte of `buf` is not RESP inline-command text (printable, space, tab or
/// CR). Checks 64 bytes at a time
/// without branching inside a block, so the compiler vectorises it (framing `auto` runs this
/// over whole streams).
fn has_binary(buf: &[u8]) -> bool {
    buf.chunks(64).any(|c| {
        c.iter().fold(false, |acc, &b| {
            acc | !((0x20..0x7f).contains(&b) | (b == b'\t') | (b == b'\r'))
        })
    })
}

/// One line ending in `\n` (so `\r\n` too), terminator included.
pub(super) fn line(buf: &[u8]) -> Step {
    match find_lf(buf) {
        Some(i) => Step::Message(i + 1),
        None => Step::NeedMore { total: None },
    }
}

/// Longest HTTP header block accepted before the framing gives up (Apache's default limit
/// for the whole head is about this size).
const HTTP_MAX_HEAD: usize = 64 << 10;

/// What an HTTP message head says about the body.
struct Head {
    /// Bytes of the head, blank line included.
    len: usize,
    content_length: Option<u64>,
    chunked: bool,
    /// Status code for responses.
    status: Option<u16>,
}

fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Checks the start line as far as it goes; `Err` when it cannot be HTTP.
fn check_start(buf: &[u8]) -> Result<(), &'static str> {
    const PROTO: &[u8] = b"HTTP/";
    let n = buf.len().min(PROTO.len());
    if buf[..n] == PROTO[..n] {
        return Ok(());
    }
    // A request: METHOD SP target SP HTTP/x.y; the method is an upper-case token. A space
    // past byte 24 means "too long" as much as no space at all: look no further (on a
    // binary stream this is the difference between 25 bytes and the whole stream).
    let method_end = memchr::memchr(b' ', &buf[..buf.len().min(25)]);
    let method = &buf[..method_end.unwrap_or(buf.len()).min(24)];
    if method.is_empty() && method_end.is_some() {
        return Err("HTTP start line begins with a space");
    }
    if !method
        .iter()
        .all(|&b| b.is_ascii_uppercase() || b == b'-' || b == b'_')
    {
        return Err("not an HTTP request or status line");
    }
    if method_end.map_or(buf.len(), |e| e) > 24 {
        return Err("HTTP method too long");
    }
    Ok(())
}

fn parse_head(buf: &[u8]) -> Result<Option<Head>, &'static str> {
    check_start(buf)?;
    let mut pos = 0;
    let mut head = Head {
        len: 0,
        content_length: None,
        chunked: false,
        status: None,
    };
    let mut first = true;
    loop {
        let Some(lf) = find_lf(&buf[pos..]) else {
            if buf.len() > HTTP_MAX_HEAD {
                return Err("HTTP header block longer than 64 KiB");
            }
            return Ok(None);
        };
        let raw = &buf[pos..pos + lf];
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        pos += lf + 1;
        if first {
            first = false;
            if let Some(rest) = line.strip_prefix(b"HTTP/") {
                let code = rest
                    .split(|&b| b == b' ')
                    .nth(1)
                    .and_then(|c| std::str::from_utf8(c).ok())
                    .and_then(|c| c.parse::<u16>().ok());
                let Some(code) = code else {
                    return Err("HTTP status line without a status code");
                };
                head.status = Some(code);
            } else {
                // METHOD SP request-target SP HTTP-version (RFC 9112 §3).
                let mut parts = line.split(|&b| b == b' ');
                let (_, target, version) = (parts.next(), parts.next(), parts.next());
                let ok = target.is_some_and(|t| !t.is_empty())
                    && version.is_some_and(|v| v.starts_with(b"HTTP/"))
                    && parts.next().is_none();
                if !ok {
                    return Err("HTTP request line is not METHOD target HTTP/x.y");
                }
            }
            continue;
        }
        if line.is_empty() {
            head.len = pos;
            return Ok(Some(head));
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Err("HTTP header line without a colon");
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if name.is_empty() || !name.iter().all(|&b| is_token(b)) {
            return Err("HTTP header name is not a token");
        }
        if name.eq_ignore_ascii_case(b"content-length") {
            let v = std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.parse::<u64>().ok());
            match v {
                Some(v) => head.content_length = Some(v),
                None => return Err("HTTP Content-Length is not a number"),
            }
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            let last = value
                .rsplit(|&b| b == b',')
                .next()
                .unwrap_or(b"")
                .trim_ascii();
            head.chunked = last.eq_ignore_ascii_case(b"chunked");
        }
    }
}

/// Length of a chunked body starting at `buf[0]`, or why not.
fn chunked_body(buf: &[u8]) -> Step {
    let mut pos = 0usize;
    loop {
        let Some(lf) = find_lf(&buf[pos..]) else {
            return Step::NeedMore { total: None };
        };
        let line = &buf[pos..pos + lf];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let digits = line
            .split(|&b| b == b';')
            .next()
            .unwrap_or(b"")
            .trim_ascii();
        let size = std::str::from_utf8(digits)
            .ok()
            .and_then(|d| u64::from_str_radix(d, 16).ok());
        let Some(size) = size else {
            return Step::Invalid("HTTP chunk size is not hexadecimal");
        };
        pos += lf + 1;
        if size == 0 {
            // Trailer section up to an empty line.
            loop {
                let Some(lf) = find_lf(&buf[pos..]) else {
                    return Step::NeedMore { total: None };
                };
                let line = &buf[pos..pos + lf];
                pos += lf + 1;
                if line.is_empty() || line == b"\r" {
                    return Step::Message(pos);
                }
            }
        }
        let data_end = (pos as u64).saturating_add(size);
        if (buf.len() as u64) < data_end.saturating_add(2) {
            return Step::NeedMore { total: None };
        }
        pos = data_end as usize;
        if buf[pos..].starts_with(b"\r\n") {
            pos += 2;
        } else if buf[pos] == b'\n' {
            pos += 1;
        } else {
            return Step::Invalid("HTTP chunk not followed by CRLF");
        }
    }
}

/// What kind of HTTP message was framed, for the framer's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HttpKind {
    /// A request (or nothing framed yet).
    Request,
    /// An interim `1xx` response (not `101`): the final response is still to come.
    Interim,
    /// A final response.
    Final,
    /// A `101 Switching Protocols` response: the rest is another protocol.
    Switched,
}

/// One HTTP/1.x request or response: head plus body (Content-Length, chunked, or, for a
/// response without either, until the connection closes: `at_end`). `head_request`: a
/// response answers a HEAD request, so it has no body whatever its headers say.
pub(super) fn http(buf: &[u8], at_end: bool, head_request: bool) -> (Step, HttpKind) {
    let head = match parse_head(buf) {
        Ok(Some(h)) => h,
        Ok(None) => return (Step::NeedMore { total: None }, HttpKind::Request),
        Err(why) => return (Step::Invalid(why), HttpKind::Request),
    };
    let kind = match head.status {
        None => HttpKind::Request,
        Some(101) => HttpKind::Switched,
        Some(100..=199) => HttpKind::Interim,
        Some(_) => HttpKind::Final,
    };
    let no_body = matches!(head.status, Some(100..=199 | 204 | 304))
        || (head.status.is_some() && head_request);
    if no_body {
        return (Step::Message(head.len), kind);
    }
    if head.chunked {
        return match chunked_body(&buf[head.len..]) {
            Step::Message(n) => (Step::Message(head.len + n), kind),
            other => (other, kind),
        };
    }
    if let Some(cl) = head.content_length {
        if cl == 0 {
            return (Step::Message(head.len), kind);
        }
        return (complete_or_more(buf, head.len as u64 + cl), kind);
    }
    if head.status.is_none() {
        // A request without Content-Length or chunking has no body (RFC 9112 §6.3).
        return (Step::Message(head.len), kind);
    }
    if at_end {
        (Step::Message(buf.len()), kind)
    } else {
        (
            Step::NeedMore {
                total: Some(u64::MAX),
            },
            kind,
        )
    }
}

/// Deepest RESP nesting followed (Wireshark's dissector stops at a similar depth).
const RESP_MAX_DEPTH: u32 = 64;

/// A CRLF-terminated line at `buf[pos..]`: its content and the position after it.
fn crlf_line(buf: &[u8], pos: usize) -> Result<Option<(&[u8], usize)>, &'static str> {
    match find_lf(&buf[pos..]) {
        None => Ok(None),
        Some(lf) => {
            let line = &buf[pos..pos + lf];
            match line.strip_suffix(b"\r") {
                Some(l) => Ok(Some((l, pos + lf + 1))),
                None => Err("RESP line not ended by CRLF"),
            }
        }
    }
}

fn resp_int(line: &[u8]) -> Result<i64, &'static str> {
    std::str::from_utf8(line)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or("RESP length is not a number")
}

/// The length line of a bulk string or an aggregate whose type byte is at `pos`: `Ok(None)`
/// when more bytes are needed, else the length (`None` for -1, the null value) and the
/// position after the line. Any other negative length is the error `negative`.
fn resp_length(
    buf: &[u8],
    pos: usize,
    negative: &'static str,
) -> Result<Option<(Option<u64>, usize)>, &'static str> {
    let Some((line, next)) = crlf_line(buf, pos + 1)? else {
        return Ok(None);
    };
    match resp_int(line)? {
        -1 => Ok(Some((None, next))),
        n if n < 0 => Err(negative),
        n => Ok(Some((Some(n as u64), next))),
    }
}

/// Parses one RESP value at `pos`; `Ok(None)` when more bytes are needed. `typed` is set when
/// the value is a typed one (not an inline command).
fn resp_value(
    buf: &[u8],
    pos: usize,
    depth: u32,
    typed: &mut bool,
) -> Result<Option<usize>, &'static str> {
    if depth > RESP_MAX_DEPTH {
        return Err("RESP nesting too deep");
    }
    let Some(&t) = buf.get(pos) else {
        return Ok(None);
    };
    match t {
        b'+' | b'-' | b':' | b'_' | b',' | b'#' | b'(' => {
            *typed = true;
            Ok(crlf_line(buf, pos + 1)?.map(|(_, next)| next))
        }
        b'$' | b'!' | b'=' => {
            *typed = true;
            let Some((len, next)) = resp_length(buf, pos, "RESP negative bulk length")? else {
                return Ok(None);
            };
            let Some(n) = len else {
                return Ok(Some(next));
            };
            let end = (next as u64).saturating_add(n);
            if (buf.len() as u64) < end.saturating_add(2) {
                return Ok(None);
            }
            let end = end as usize;
            if &buf[end..end + 2] != b"\r\n" {
                return Err("RESP bulk string not followed by CRLF");
            }
            Ok(Some(end + 2))
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            *typed = true;
            let Some((len, mut next)) = resp_length(buf, pos, "RESP negative aggregate length")?
            else {
                return Ok(None);
            };
            let Some(n) = len else {
                return Ok(Some(next));
            };
            let items = if matches!(t, b'%' | b'|') {
                n.saturating_mul(2)
            } else {
                n
            };
            for _ in 0..items {
                match resp_value(buf, next, depth + 1, typed)? {
                    Some(p) => next = p,
                    None => return Ok(None),
                }
            }
            if t == b'|' {
                // An attribute map is followed by the value it describes.
                return resp_value(buf, next, depth + 1, typed);
            }
            Ok(Some(next))
        }
        _ => {
            // Inline command: a line of printable text.
            let Some(lf) = find_lf(&buf[pos..]) else {
                if has_binary(&buf[pos..]) {
                    return Err("RESP inline command with binary bytes");
                }
                return Ok(None);
            };
            if has_binary(&buf[pos..pos + lf]) {
                return Err("RESP inline command with binary bytes");
            }
            Ok(Some(pos + lf + 1))
        }
    }
}

/// One top-level RESP value (or inline command). The flag says whether it was typed.
pub(super) fn resp(buf: &[u8]) -> (Step, bool) {
    let mut typed = false;
    let step = match resp_value(buf, 0, 0, &mut typed) {
        Ok(Some(n)) => Step::Message(n),
        Ok(None) => Step::NeedMore { total: None },
        Err(why) => Step::Invalid(why),
    };
    (step, typed)
}
