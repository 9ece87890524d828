//! Zeek's `conn.log` summary: `conn_state` and `history`, with Zeek's rules.
//!
//! Endpoint states follow Zeek's TCP analyzer (inactive, SYN sent, SYN+ACK sent, partial,
//! established, closed, reset); `conn_state` is a port of Zeek's `conn_state()` function in
//! `base/protocols/conn/main.zeek`.

use crate::decode::TcpFlags;

/// Zeek's endpoint state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ZeekEndpoint {
    /// Nothing seen from this side.
    #[default]
    Inactive,
    /// Sent a SYN.
    SynSent,
    /// Sent a SYN+ACK.
    SynAckSent,
    /// Seen only mid-stream.
    Partial,
    /// Handshake completed.
    Established,
    /// Sent a FIN.
    Closed,
    /// Sent a RST.
    Reset,
}

/// Cap on the history string (Zeek's repeat rule lets S/H/F/R repeat).
pub const MAX_HISTORY: usize = 64;

#[derive(Debug, Clone, Default)]
struct DirHistory {
    last_seq: [Option<u32>; 4], // S, H, F, R
    seen_a: bool,
    seen_d: bool,
    seen_q: bool,
    seen_i: bool,
    counts: [u64; 3], // T, W, G
}

/// Zeek summary of one TCP connection, built packet by packet.
#[derive(Debug, Clone, Default)]
pub struct Zeek {
    /// Endpoint states (originator, responder).
    pub endpoints: [ZeekEndpoint; 2],
    /// History letters so far.
    pub history: String,
    dirs: [DirHistory; 2],
    bytes: [u64; 2],
}

/// Per-packet facts the Zeek summary needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ZeekFacts {
    pub side: usize,
    pub flags: TcpFlags,
    pub seq: u32,
    pub len: u32,
    pub retransmission: bool,
    pub zero_window: bool,
    pub gap: bool,
    pub handshake_done_now: bool,
}

impl Zeek {
    fn letter(&mut self, side: usize, c: char) {
        if self.history.len() < MAX_HISTORY {
            self.history
                .push(if side == 0 { c.to_ascii_uppercase() } else { c });
        }
    }

    fn repeatable(&mut self, side: usize, idx: usize, c: char, seq: u32) {
        if self.dirs[side].last_seq[idx] != Some(seq) {
            self.dirs[side].last_seq[idx] = Some(seq);
            self.letter(side, c);
        }
    }

    fn logarithmic(&mut self, side: usize, idx: usize, c: char) {
        let n = &mut self.dirs[side].counts[idx];
        *n += 1;
        let v = *n;
        // Recorded at 1, 10, 100, 1000, ...
        let mut t = 1u64;
        while t < v {
            t = t.saturating_mul(10);
        }
        if t == v {
            self.letter(side, c);
        }
    }

    /// Updates with one packet.
    pub(crate) fn on_packet(&mut self, p: &ZeekFacts) {
        let s = p.side;
        let f = p.flags;
        let (syn, ack, fin, rst) = (
            f.has(TcpFlags::SYN),
            f.has(TcpFlags::ACK),
            f.has(TcpFlags::FIN),
            f.has(TcpFlags::RST),
        );
        self.bytes[s] += u64::from(p.len);
        if fin && rst && !syn && !self.dirs[s].seen_i {
            self.dirs[s].seen_i = true;
            self.letter(s, 'i');
        }
        if syn && (fin || rst) {
            if !self.dirs[s].seen_q {
                self.dirs[s].seen_q = true;
                self.letter(s, 'q');
            }
        } else if syn {
            if ack {
                self.repeatable(s, 1, 'h', p.seq);
            } else {
                self.repeatable(s, 0, 's', p.seq);
            }
        }
        if ack && !syn && !fin && !rst && p.len == 0 && !self.dirs[s].seen_a {
            self.dirs[s].seen_a = true;
            self.letter(s, 'a');
        }
        if p.len > 0 && !self.dirs[s].seen_d {
            self.dirs[s].seen_d = true;
            self.letter(s, 'd');
        }
        if fin {
            self.repeatable(s, 2, 'f', p.seq.wrapping_add(p.len));
        }
        if rst {
            self.repeatable(s, 3, 'r', p.seq);
        }
        if p.retransmission && p.len > 0 {
            self.logarithmic(s, 0, 't');
        }
        if p.zero_window {
            self.logarithmic(s, 1, 'w');
        }
        if p.gap {
            self.logarithmic(s, 2, 'g');
        }

        // Endpoint states.
        let e = &mut self.endpoints[s];
        if rst {
            *e = ZeekEndpoint::Reset;
        } else if fin {
            if *e != ZeekEndpoint::Reset {
                *e = ZeekEndpoint::Closed;
            }
        } else if syn {
            if *e == ZeekEndpoint::Inactive {
                *e = if ack {
                    ZeekEndpoint::SynAckSent
                } else {
                    ZeekEndpoint::SynSent
                };
            }
        } else if *e == ZeekEndpoint::Inactive {
            *e = ZeekEndpoint::Partial;
        }
        if p.handshake_done_now {
            for e in &mut self.endpoints {
                if matches!(e, ZeekEndpoint::SynSent | ZeekEndpoint::SynAckSent) {
                    *e = ZeekEndpoint::Established;
                }
            }
        }
    }

    /// Zeek's `conn_state`: S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH.
    pub fn conn_state(&self) -> &'static str {
        use ZeekEndpoint as E;
        let (os, rs) = (self.endpoints[0], self.endpoints[1]);
        let o_inactive = matches!(os, E::Inactive | E::Partial);
        let r_inactive = matches!(rs, E::Inactive | E::Partial);
        if rs == E::Reset {
            if matches!(os, E::SynSent | E::SynAckSent)
                || (os == E::Reset && self.bytes[0] == 0 && self.bytes[1] == 0)
            {
                "REJ"
            } else if o_inactive {
                "RSTRH"
            } else {
                "RSTR"
            }
        } else if os == E::Reset {
            if r_inactive {
                if history_is_rstos0(&self.history) {
                    "RSTOS0"
                } else {
                    "OTH"
                }
            } else {
                "RSTO"
            }
        } else if rs == E::Closed && os == E::Closed {
            "SF"
        } else if os == E::Closed {
            if r_inactive {
                "SH"
            } else {
                "S2"
            }
        } else if rs == E::Closed {
            if o_inactive {
                "SHR"
            } else {
                "S3"
            }
        } else if os == E::SynSent && rs == E::Inactive {
            "S0"
        } else if os == E::Established && rs == E::Established {
            "S1"
        } else {
            "OTH"
        }
    }
}

/// Zeek's `/^?S[^HAFGIQ]*R.*/` test on the history.
fn history_is_rstos0(h: &str) -> bool {
    let h = h.strip_prefix('^').unwrap_or(h);
    let Some(rest) = h.strip_prefix('S') else {
        return false;
    };
    for c in rest.chars() {
        if c == 'R' {
            return true;
        }
        if "HAFGIQ".contains(c) {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rstos0_pattern() {
        assert!(history_is_rstos0("SR"));
        assert!(history_is_rstos0("SsR"));
        assert!(!history_is_rstos0("SAR"));
        assert!(!history_is_rstos0("hR"));
    }
}
