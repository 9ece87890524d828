//! TCP header view: fixed fields by named offset, lax on truncation, every option kept.
//!
//! Written here rather than with etherparse's `TcpSlice` because a capture cut by the snapshot
//! length often ends inside the TCP header (SYN options cut mid-way), and because etherparse's
//! option iterator stops at the first unknown kind; synack must show both cases.

use std::fmt::Write as _;

/// Byte ranges of the fixed TCP header fields (RFC 9293 §3.1).
pub mod field {
    use crate::decode::Field;

    /// Source port.
    pub const SRC_PORT: Field = 0..2;
    /// Destination port.
    pub const DST_PORT: Field = 2..4;
    /// Sequence number.
    pub const SEQ: Field = 4..8;
    /// Acknowledgment number.
    pub const ACK: Field = 8..12;
    /// Data offset (high nibble, the header length in 32-bit words), reserved bits and the
    /// AE (formerly NS) flag in the lowest bit.
    pub const DATA_OFFSET: Field = 12..13;
    /// The eight classic flags, CWR to FIN.
    pub const FLAGS: Field = 13..14;
    /// Every flag bit: AE in [`DATA_OFFSET`]'s low bit and the byte of [`FLAGS`].
    pub const ALL_FLAGS: Field = 12..14;
    /// Receive window, unscaled.
    pub const WINDOW: Field = 14..16;
    /// Checksum.
    pub const CHECKSUM: Field = 16..18;
    /// Urgent pointer.
    pub const URGENT: Field = 18..20;
    /// Where the options start: the length of a header without options.
    pub const OPTIONS: usize = 20;
}

/// TCP flag bits: the eight classic ones, AE (accurate ECN, RFC 9768; formerly the ECN
/// nonce, NS) and the three reserved bits, as the 12 low bits of header bytes 12-13.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TcpFlags(pub u16);

impl TcpFlags {
    /// No more data from sender.
    pub const FIN: u16 = 0x001;
    /// Synchronize sequence numbers.
    pub const SYN: u16 = 0x002;
    /// Reset the connection.
    pub const RST: u16 = 0x004;
    /// Push function.
    pub const PSH: u16 = 0x008;
    /// Acknowledgment field significant.
    pub const ACK: u16 = 0x010;
    /// Urgent pointer significant.
    pub const URG: u16 = 0x020;
    /// ECN echo.
    pub const ECE: u16 = 0x040;
    /// Congestion window reduced.
    pub const CWR: u16 = 0x080;
    /// Accurate ECN (AE), the former ECN nonce (NS).
    pub const AE: u16 = 0x100;
    /// The same bit under its former name.
    pub const NS: u16 = Self::AE;
    /// The three reserved bits (0x200, 0x400, 0x800).
    pub const RESERVED: u16 = 0xe00;

    /// True when every bit of `mask` is set.
    pub fn has(self, mask: u16) -> bool {
        self.0 & mask == mask
    }

    /// The reserved bits' value (0-7).
    pub fn reserved(self) -> u8 {
        ((self.0 & Self::RESERVED) >> 9) as u8
    }

    /// Appends `e` for AE and one `r` per reserved bit set (synack's letters for the bits
    /// beyond the eight; tcpdump prints `e` for AE and nothing for the reserved bits).
    fn push_extra(self, s: &mut String) {
        if self.has(Self::AE) {
            s.push('e');
        }
        for _ in 0..self.reserved().count_ones() {
            s.push('r');
        }
    }

    /// The eight classic flag bits in the order every text form lists them: FIN first, CWR
    /// last (the letter strings below follow it).
    const CLASSIC: [u16; 8] = [
        Self::FIN,
        Self::SYN,
        Self::RST,
        Self::PSH,
        Self::ACK,
        Self::URG,
        Self::ECE,
        Self::CWR,
    ];

    /// Appends the letter of each classic bit set, `letters` naming them in [`Self::CLASSIC`]
    /// order, then the letters of AE and the reserved bits.
    fn push_letters(self, s: &mut String, letters: &str) {
        for (bit, c) in Self::CLASSIC.into_iter().zip(letters.chars()) {
            if self.has(bit) {
                s.push(c);
            }
        }
        self.push_extra(s);
    }

    /// Flags as letters in `FSRPAUEC` order (synack's JSON form), e.g. `SA` for SYN+ACK, then
    /// `e` for AE and `r` for each reserved bit set.
    pub fn letters(self) -> String {
        let mut s = String::with_capacity(8);
        self.push_letters(&mut s, "FSRPAUEC");
        s
    }

    /// tcpdump's bracketed form: `[S.]`, `[P.]`, `[F.]`, `[R]`, `[S.e]` (AE), `[none]`; one
    /// `r` per reserved bit set follows.
    pub fn tcpdump(self) -> String {
        let mut s = String::from("[");
        self.push_letters(&mut s, "FSRP.UEW");
        if s.len() == 1 {
            s.push_str("none");
        }
        s.push(']');
        s
    }

    /// Wireshark's comma form: `SYN, ACK`, `ACK, AE, Reserved`.
    pub fn names(self) -> String {
        const NAMES: [&str; 8] = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"];
        let mut names: Vec<&str> = Self::CLASSIC
            .into_iter()
            .zip(NAMES)
            .filter(|&(bit, _)| self.has(bit))
            .map(|(_, name)| name)
            .collect();
        if self.has(Self::AE) {
            names.push("AE");
        }
        if self.reserved() != 0 {
            names.push("Reserved");
        }
        names.join(", ")
    }
}

/// The options the analysis needs, decoded once per packet (no allocation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpOptions {
    /// Maximum segment size.
    pub mss: Option<u16>,
    /// Window scale shift count.
    pub window_scale: Option<u8>,
    /// SACK permitted.
    pub sack_permitted: bool,
    /// Timestamps (TSval, TSecr).
    pub timestamp: Option<(u32, u32)>,
    /// SACK blocks (left, right), at most four fit in 40 bytes of options.
    pub sack: [(u32, u32); 4],
    /// Number of valid SACK blocks.
    pub sack_count: u8,
    /// Offset of the option bytes in the frame.
    pub start: u32,
    /// Option bytes present in the frame.
    pub len: u8,
    /// The options were cut by the snapshot length.
    pub cut: bool,
    /// An option's length byte was invalid (< 2 or past the header).
    pub malformed: bool,
}

impl TcpOptions {
    /// The SACK blocks present.
    pub fn sack_blocks(&self) -> &[(u32, u32)] {
        &self.sack[..self.sack_count as usize]
    }

    /// All options in order, read again from the frame's bytes (for display).
    pub fn iter<'a>(&self, frame: &'a [u8]) -> TcpOptionIter<'a> {
        let start = (self.start as usize).min(frame.len());
        let end = (start + self.len as usize).min(frame.len());
        TcpOptionIter {
            bytes: &frame[start..end],
            pos: 0,
            cut: self.cut,
        }
    }

    /// All options in order with the bytes of the frame each one covers (kind, length and
    /// data; an end-of-list option, a malformed or a cut one runs to the end of the options).
    pub fn spans<'a>(
        &self,
        frame: &'a [u8],
    ) -> impl Iterator<Item = (TcpOption<'a>, super::Field)> + 'a {
        let start = (self.start as usize).min(frame.len());
        let mut iter = self.iter(frame);
        std::iter::from_fn(move || {
            let from = iter.pos;
            let option = iter.next()?;
            Some((option, start + from..start + iter.pos))
        })
    }
}

/// One TCP option, as listed in packet details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpOption<'a> {
    /// End of option list (kind 0).
    EndOfList,
    /// No-operation padding (kind 1).
    Nop,
    /// Maximum segment size (kind 2).
    Mss(u16),
    /// Window scale (kind 3).
    WindowScale(u8),
    /// SACK permitted (kind 4).
    SackPermitted,
    /// SACK blocks (kind 5).
    Sack(SackBlocks<'a>),
    /// Timestamps (kind 8).
    Timestamp {
        /// TSval.
        value: u32,
        /// TSecr.
        echo: u32,
    },
    /// Any other kind, with its data.
    Unknown {
        /// Option kind.
        kind: u8,
        /// Option data (after kind and length).
        data: &'a [u8],
    },
    /// A known option with the wrong length for its kind (Wireshark: an expert warning, not a
    /// malformed packet); its bytes are kept.
    BadLength {
        /// Option kind.
        kind: u8,
        /// Option data (after kind and length).
        data: &'a [u8],
    },
    /// An option whose length byte is invalid (< 2 or past the header); parsing stops here.
    Malformed {
        /// Option kind.
        kind: u8,
        /// The length byte found.
        len: u8,
    },
    /// The capture ends inside this option.
    Cut {
        /// Option kind.
        kind: u8,
    },
}

/// The blocks of a SACK option, read from its bytes (8 per block: left edge, right edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SackBlocks<'a>(&'a [u8]);

impl<'a> SackBlocks<'a> {
    /// The blocks in the option's data (`data.len()` a multiple of 8; a remainder is ignored).
    pub fn new(data: &'a [u8]) -> SackBlocks<'a> {
        SackBlocks(data)
    }

    /// Number of blocks.
    pub fn len(&self) -> usize {
        self.0.len() / 8
    }

    /// True when the option carries no block.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The blocks as (left edge, right edge), raw sequence numbers.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + 'a {
        self.0.chunks_exact(8).map(|b| {
            (
                u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
                u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            )
        })
    }
}

impl TcpOption<'_> {
    /// A short name and value as tcpdump prints them (`mss 1460`, `wscale 7`, `sackOK`, ...),
    /// SACK edges as sent.
    pub fn describe(&self) -> String {
        self.describe_relative(0)
    }

    /// [`TcpOption::describe`] with SACK edges shown minus `sack_base` (the peer's initial
    /// sequence number: relative, as tcpdump and tshark print them beside relative seq/ack).
    pub fn describe_relative(&self, sack_base: u32) -> String {
        match self {
            TcpOption::EndOfList => "eol".into(),
            TcpOption::Nop => "nop".into(),
            TcpOption::Mss(v) => format!("mss {v}"),
            TcpOption::WindowScale(v) => format!("wscale {v}"),
            TcpOption::SackPermitted => "sackOK".into(),
            TcpOption::Sack(blocks) => {
                let mut s = format!("sack {}", blocks.len());
                for (l, r) in blocks.iter() {
                    let _ = write!(
                        s,
                        " {{{}:{}}}",
                        l.wrapping_sub(sack_base),
                        r.wrapping_sub(sack_base)
                    );
                }
                s
            }
            TcpOption::Timestamp { value, echo } => format!("TS val {value} ecr {echo}"),
            TcpOption::Unknown { kind, data } => format!("opt-{kind}:{}", super::hex_text(data)),
            TcpOption::BadLength { kind, data } => format!(
                "opt-{kind} wrong length {}:{}",
                data.len() + 2,
                super::hex_text(data)
            ),
            TcpOption::Malformed { kind, len } => format!("opt-{kind} bad length {len}"),
            TcpOption::Cut { kind } => format!("opt-{kind} [cut by snaplen]"),
        }
    }

    /// Appends the option as Wireshark's Info column shows it (` MSS=1460`, ` WS=128`,
    /// ` SACK_PERM`, ` TSval=1 TSecr=0`, ` SLE=1 SRE=2`); the options it leaves out add
    /// nothing. SACK edges are shown minus `sack_base` (the ACK's base: relative like it).
    pub fn write_info(&self, out: &mut String, sack_base: u32) {
        match self {
            TcpOption::Mss(v) => {
                let _ = write!(out, " MSS={v}");
            }
            TcpOption::WindowScale(v) => {
                let _ = write!(out, " WS={}", window_multiplier(*v));
            }
            TcpOption::SackPermitted => out.push_str(" SACK_PERM"),
            TcpOption::Timestamp { value, echo } => {
                let _ = write!(out, " TSval={value} TSecr={echo}");
            }
            TcpOption::Sack(blocks) => {
                for (l, r) in blocks.iter() {
                    let _ = write!(
                        out,
                        " SLE={} SRE={}",
                        l.wrapping_sub(sack_base),
                        r.wrapping_sub(sack_base)
                    );
                }
            }
            _ => {}
        }
    }

    /// The option as a line of the packet details: `Maximum segment size: 1460 bytes`,
    /// `Window scale: 7 (multiply by 128)`, `SACK: 1-2`, ...
    pub fn detail(&self) -> String {
        match self {
            TcpOption::Mss(v) => format!("Maximum segment size: {v} bytes"),
            TcpOption::WindowScale(v) => {
                format!("Window scale: {v} (multiply by {})", window_multiplier(*v))
            }
            TcpOption::SackPermitted => "SACK permitted".into(),
            TcpOption::Timestamp { value, echo } => {
                format!("Timestamps: TSval {value}, TSecr {echo}")
            }
            TcpOption::Nop => "No-Operation (NOP)".into(),
            TcpOption::EndOfList => "End of Option List (EOL)".into(),
            TcpOption::Sack(blocks) => {
                let mut s = String::from("SACK:");
                for (l, r) in blocks.iter() {
                    let _ = write!(s, " {l}-{r}");
                }
                s
            }
            other => other.describe(),
        }
    }
}

/// The factor a window-scale shift multiplies windows by (shifts above 14 count as 14,
/// RFC 7323 §2.3).
pub fn window_multiplier(shift: u8) -> u32 {
    1u32 << shift.min(14)
}

/// Iterator over the options in a TCP header's option bytes.
#[derive(Debug, Clone)]
pub struct TcpOptionIter<'a> {
    bytes: &'a [u8],
    pos: usize,
    cut: bool,
}

impl<'a> TcpOptionIter<'a> {
    /// Iterates over raw option bytes (`cut`: the capture ended inside the options).
    pub fn new(bytes: &'a [u8], cut: bool) -> Self {
        TcpOptionIter { bytes, pos: 0, cut }
    }
}

impl<'a> Iterator for TcpOptionIter<'a> {
    type Item = TcpOption<'a>;

    fn next(&mut self) -> Option<TcpOption<'a>> {
        let rest = self.bytes.get(self.pos..)?;
        let &kind = rest.first()?;
        match kind {
            0 => {
                self.pos = self.bytes.len();
                Some(TcpOption::EndOfList)
            }
            1 => {
                self.pos += 1;
                Some(TcpOption::Nop)
            }
            _ => {
                let Some(&len) = rest.get(1) else {
                    self.pos = self.bytes.len();
                    return Some(if self.cut {
                        TcpOption::Cut { kind }
                    } else {
                        TcpOption::Malformed { kind, len: 0 }
                    });
                };
                if len < 2 {
                    self.pos = self.bytes.len();
                    return Some(TcpOption::Malformed { kind, len });
                }
                let Some(body) = rest.get(2..len as usize) else {
                    self.pos = self.bytes.len();
                    return Some(if self.cut {
                        TcpOption::Cut { kind }
                    } else {
                        TcpOption::Malformed { kind, len }
                    });
                };
                self.pos += len as usize;
                let be32 = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
                Some(match (kind, body.len()) {
                    (2, 2) => TcpOption::Mss(u16::from_be_bytes([body[0], body[1]])),
                    (3, 1) => TcpOption::WindowScale(body[0]),
                    (4, 0) => TcpOption::SackPermitted,
                    (5, n) if n % 8 == 0 => TcpOption::Sack(SackBlocks(body)),
                    (8, 8) => TcpOption::Timestamp {
                        value: be32(&body[0..4]),
                        echo: be32(&body[4..8]),
                    },
                    (2 | 3 | 4 | 5 | 8, _) => TcpOption::BadLength { kind, data: body },
                    _ => TcpOption::Unknown { kind, data: body },
                })
            }
        }
    }
}

/// TCP header fields of one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpInfo {
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Raw sequence number.
    pub seq: u32,
    /// Raw acknowledgment number.
    pub ack: u32,
    /// Flags.
    pub flags: TcpFlags,
    /// Window field as sent (unscaled).
    pub window: u16,
    /// Checksum as sent.
    pub checksum: u16,
    /// Urgent pointer.
    pub urgent: u16,
    /// Header length in bytes (data offset × 4).
    pub header_len: u8,
    /// Segment payload length, from the IP length (not the frame: padding and snaplen
    /// cuts do not change it).
    pub len: u32,
    /// Decoded options.
    pub options: TcpOptions,
    /// The 20 fixed header bytes were all captured; when false, missing fields read as 0.
    pub header_complete: bool,
    /// The IP payload is shorter than the header length says (Wireshark's "short segment"):
    /// the segment's length is unknown and it is not analysed.
    pub short_segment: bool,
}

/// Decodes a TCP header from the captured bytes `b` (starting at `offset` in the frame) of a
/// segment whose IP payload is `seg_len` bytes. Returns the info and any malformation.
pub(super) fn decode_tcp(
    b: &[u8],
    offset: u32,
    seg_len: u32,
    truncated: bool,
) -> (TcpInfo, Option<String>) {
    let get16 = |f| super::read_u16(b, f).unwrap_or(0);
    let get32 = |f| super::read_u32(b, f).unwrap_or(0);
    let off_byte = b.get(field::DATA_OFFSET.start).copied().unwrap_or(0x50);
    let flag_byte = b.get(field::FLAGS.start).copied().unwrap_or(0);
    let header_len = (off_byte >> 4) * 4;
    let mut info = TcpInfo {
        sport: get16(field::SRC_PORT),
        dport: get16(field::DST_PORT),
        seq: get32(field::SEQ),
        ack: get32(field::ACK),
        flags: TcpFlags(u16::from(flag_byte) | (u16::from(off_byte & 0x0f) << 8)),
        window: get16(field::WINDOW),
        checksum: get16(field::CHECKSUM),
        urgent: get16(field::URGENT),
        header_len,
        len: 0,
        options: TcpOptions::default(),
        header_complete: b.len() >= field::OPTIONS,
        short_segment: false,
    };
    let mut malformed = None;
    if !info.header_complete && !truncated {
        malformed = Some(format!(
            "TCP header needs 20 bytes, segment has {}",
            b.len()
        ));
    }
    if u32::from(header_len) > seg_len {
        malformed.get_or_insert(format!(
            "TCP header length {header_len} exceeds the segment length {seg_len}"
        ));
        info.short_segment = true;
        return (info, malformed);
    }
    if header_len < 20 {
        // Wireshark stops reading the header here but still counts the segment's length
        // from this header length (and analyses it).
        malformed.get_or_insert(format!(
            "bogus TCP header length {header_len} (less than 20)"
        ));
        info.len = seg_len - u32::from(header_len);
        return (info, malformed);
    }
    info.len = seg_len - u32::from(header_len);
    let opt_end = (header_len as usize).min(b.len());
    let opt_bytes = b.get(field::OPTIONS..opt_end).unwrap_or(&[]);
    let cut = b.len() < header_len as usize;
    let mut opts = TcpOptions {
        start: offset + field::OPTIONS as u32,
        len: opt_bytes.len() as u8,
        cut,
        ..TcpOptions::default()
    };
    for opt in TcpOptionIter::new(opt_bytes, cut) {
        match opt {
            TcpOption::Mss(v) => opts.mss = Some(v),
            TcpOption::WindowScale(v) => opts.window_scale = Some(v),
            TcpOption::SackPermitted => opts.sack_permitted = true,
            TcpOption::Timestamp { value, echo } => opts.timestamp = Some((value, echo)),
            TcpOption::Sack(blocks) => {
                for block in blocks.iter() {
                    if (opts.sack_count as usize) < opts.sack.len() {
                        opts.sack[opts.sack_count as usize] = block;
                        opts.sack_count += 1;
                    }
                }
            }
            TcpOption::Malformed { kind, len } => {
                opts.malformed = true;
                malformed.get_or_insert(format!("TCP option {kind} has invalid length {len}"));
            }
            _ => {}
        }
    }
    info.options = opts;
    (info, malformed)
}
