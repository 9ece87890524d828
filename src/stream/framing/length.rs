//! Length-prefixed framings: generic `u8`…`u32le`, `fixed:N`, and the protocols whose
//! records are length-prefixed: TLS (record layer), DNS over TCP, MySQL.

use super::Step;

/// A generic length prefix: `width` bytes at `offset`, counting the body or the whole message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LengthPrefix {
    /// Width of the length field in bytes: 1, 2 or 4.
    pub width: u8,
    /// Little-endian length field (big-endian, network order, otherwise).
    pub little_endian: bool,
    /// Bytes before the length field (a type byte, a magic, ...), part of the header.
    pub offset: u16,
    /// The length counts the whole message, header included (otherwise only the body after
    /// the length field).
    pub includes_header: bool,
}

impl LengthPrefix {
    /// Header bytes: everything up to and including the length field.
    pub fn header_len(&self) -> usize {
        usize::from(self.offset) + usize::from(self.width)
    }

    /// Frames one message at the start of `buf`.
    #[inline]
    pub fn step(&self, buf: &[u8]) -> Step {
        let header = self.header_len();
        let Some(field) = buf.get(usize::from(self.offset)..header) else {
            return Step::NeedMore { total: None };
        };
        let value = read_uint(field, self.little_endian);
        let total = if self.includes_header {
            if value < header as u64 {
                return Step::Invalid("length field is smaller than the header it includes");
            }
            value
        } else {
            header as u64 + value
        };
        complete_or_more(buf, total)
    }
}

fn read_uint(field: &[u8], little_endian: bool) -> u64 {
    let mut v = 0u64;
    if little_endian {
        for &b in field.iter().rev() {
            v = (v << 8) | u64::from(b);
        }
    } else {
        for &b in field {
            v = (v << 8) | u64::from(b);
        }
    }
    v
}

/// `Message(total)` when `buf` holds `total` bytes, else `NeedMore`.
pub(super) fn complete_or_more(buf: &[u8], total: u64) -> Step {
    if total == 0 {
        return Step::Invalid("zero-length message");
    }
    if buf.len() as u64 >= total {
        Step::Message(total as usize)
    } else {
        Step::NeedMore { total: Some(total) }
    }
}

/// Largest TLS record: 2¹⁴ bytes of plaintext plus 2048 of expansion (RFC 5246 §6.2.3).
const TLS_MAX_RECORD: u64 = (1 << 14) + 2048;

/// True when `buf` starts like a TLS record header (as far as it goes).
pub(super) fn looks_like_tls(buf: &[u8]) -> bool {
    matches!(buf.first(), None | Some(20..=24))
        && matches!(buf.get(1), None | Some(3))
        && matches!(buf.get(2), None | Some(0..=4))
}

/// TLS record layer: type, version, 2-byte length, body.
pub(super) fn tls(buf: &[u8]) -> Step {
    if !looks_like_tls(buf) {
        return Step::Invalid("not a TLS record header (type 20-24, version 3.x)");
    }
    let Some(len) = buf.get(3..5) else {
        return Step::NeedMore { total: None };
    };
    let len = read_uint(len, false);
    if len > TLS_MAX_RECORD {
        return Step::Invalid("TLS record longer than 18432 bytes");
    }
    complete_or_more(buf, 5 + len)
}

/// DNS over TCP (RFC 7766): 2-byte length, then a DNS message of at least 12 bytes.
pub(super) fn dns(buf: &[u8]) -> Step {
    let Some(len) = buf.get(0..2) else {
        return Step::NeedMore { total: None };
    };
    let len = read_uint(len, false);
    if len < 12 {
        return Step::Invalid("DNS message shorter than its 12-byte header");
    }
    if let Some(qd) = buf.get(6..8) {
        if read_uint(qd, false) > 1 {
            return Step::Invalid("DNS message with more than one question");
        }
    }
    complete_or_more(buf, 2 + len)
}

/// MySQL packet: 3-byte little-endian length, sequence id, body.
pub(super) fn mysql(buf: &[u8]) -> Step {
    let Some(len) = buf.get(0..3) else {
        return Step::NeedMore { total: None };
    };
    complete_or_more(buf, 4 + read_uint(len, true))
}

/// Fixed-size messages.
pub(super) fn fixed(buf: &[u8], size: u32) -> Step {
    complete_or_more(buf, u64::from(size))
}
