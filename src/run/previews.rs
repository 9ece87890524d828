//! The first bytes of the calls the kernel counted, taken from the capture.
//!
//! A call recorded from the kernel's tracepoints ([`crate::trace::kcount`]) has its length,
//! its result and (TCP) its stream offset, but not its bytes: the program ran on and its
//! buffer may already hold the next message. The capture has them. A TCP call's bytes are
//! the stream's bytes from its offset in the direction they went (reassembled as the
//! stream views reassemble them, [`Reassembler`]); a UDP call's are the datagram of its
//! length that went between its socket and its peer, taken in order.
//!
//! Memory is bounded: each direction keeps the last [`WINDOW`] bytes of its stream and the
//! last [`DATAGRAMS`] datagrams; at most [`DIRECTIONS`] directions are followed.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;

use crate::calls::{preview, Call};
use crate::capture::{OwnedFrame, Timestamp};
use crate::decode::{self, Transport};
use crate::stream::{GapReason, Limits, MemoryBudget, Reassembler, SegmentIn, StreamSink};

/// Stream bytes kept per direction: a receive may come long after its bytes arrived (a
/// full receive buffer on loopback holds several MiB).
pub const WINDOW: usize = 4 << 20;
/// Datagrams kept per direction, unclaimed.
pub const DATAGRAMS: usize = 1024;
/// Directions followed at once; the least recently fed is forgotten beyond this.
pub const DIRECTIONS: usize = 64;

/// How many bytes a preview shows (as [`preview`] cuts them).
const PREVIEW: usize = 64;

/// The last bytes of one direction of a TCP stream.
#[derive(Debug, Default)]
struct Window {
    /// Stream offset of `bytes[0]`.
    start: u64,
    bytes: VecDeque<u8>,
}

impl StreamSink for Window {
    fn data(&mut self, offset: u64, bytes: &[u8], _frame: u64, _ts: Timestamp) {
        if offset != self.start + self.bytes.len() as u64 {
            // After a gap: the window starts again here.
            self.bytes.clear();
            self.start = offset;
        }
        self.bytes.extend(bytes);
        let over = self.bytes.len().saturating_sub(WINDOW);
        if over > 0 {
            self.bytes.drain(..over);
            self.start += over as u64;
        }
    }

    fn gap(&mut self, _offset: u64, _len: u64, _reason: GapReason) {}
}

impl Window {
    /// Up to `len` bytes from stream `offset`, when all of them are here.
    fn read(&self, offset: u64, len: usize) -> Option<Vec<u8>> {
        let from = usize::try_from(offset.checked_sub(self.start)?).ok()?;
        let to = from.checked_add(len)?;
        (to <= self.bytes.len()).then(|| self.bytes.range(from..to).copied().collect())
    }
}

/// One direction of a TCP connection.
#[derive(Debug)]
struct TcpDirection {
    reassembler: Reassembler,
    window: Window,
    fed: u64,
}

/// One direction of UDP traffic.
#[derive(Debug, Default)]
struct UdpDirection {
    datagrams: VecDeque<Vec<u8>>,
    fed: u64,
}

/// The captured bytes of the traced programs' traffic, for the calls that lack theirs.
#[derive(Debug)]
pub struct Previews {
    tcp: HashMap<(SocketAddr, SocketAddr), TcpDirection>,
    udp: HashMap<(SocketAddr, SocketAddr), UdpDirection>,
    budget: MemoryBudget,
    frames: u64,
}

impl Default for Previews {
    fn default() -> Self {
        Previews {
            tcp: HashMap::new(),
            udp: HashMap::new(),
            budget: MemoryBudget::new(DIRECTIONS * Limits::default().max_buffered),
            frames: 0,
        }
    }
}

impl Previews {
    /// True when `c` moved bytes the trace has not got (a call the kernel counted).
    pub fn wants(c: &Call) -> bool {
        c.data.is_none()
            && c.bytes > 0
            && c.traced.is_some()
            && (c.call.sends_data() || c.call.receives_data())
    }

    /// True when `c` takes part in the matching: it wants its bytes, or it is a UDP call
    /// that moved a datagram (claimed, so the next call takes the next one).
    pub fn claims(c: &Call) -> bool {
        Self::wants(c)
            || (c.bytes > 0
                && (c.call.sends_data() || c.call.receives_data())
                && c.traced
                    .as_ref()
                    .is_some_and(|t| t.proto.as_deref() == Some("udp")))
    }

    /// True when `c`'s bytes are still to come in the capture (a send's segments follow it).
    pub fn may_come(c: &Call) -> bool {
        c.call.sends_data()
    }

    /// Learns a captured frame's payload.
    pub fn frame(&mut self, f: &OwnedFrame) {
        self.frames += 1;
        let frame = f.as_frame();
        let p = decode::decode(&frame);
        let (Some(ip), Some((sport, dport))) = (p.ip(), p.ports()) else {
            return;
        };
        let key = (
            SocketAddr::new(ip.src, sport),
            SocketAddr::new(ip.dst, dport),
        );
        let payload = p.payload(frame.data);
        let fed = self.frames;
        match &p.transport {
            Transport::Tcp(t) => {
                let syn = t.flags.has(decode::TcpFlags::SYN);
                if !self.tcp.contains_key(&key) {
                    if !syn {
                        // Only streams seen from their start have offsets to match.
                        return;
                    }
                    forget_oldest(&mut self.tcp, |d| d.fed);
                    self.tcp.insert(
                        key,
                        TcpDirection {
                            reassembler: Reassembler::new(Limits::default()),
                            window: Window::default(),
                            fed,
                        },
                    );
                }
                let Some(d) = self.tcp.get_mut(&key) else {
                    return;
                };
                d.fed = fed;
                let seg = SegmentIn {
                    seq: t.seq,
                    payload,
                    claimed_len: t.len,
                    frame: fed,
                    ts: f.ts.unwrap_or_default(),
                    syn,
                    fin: t.flags.has(decode::TcpFlags::FIN),
                };
                d.reassembler.push(seg, &mut self.budget, &mut d.window);
            }
            Transport::Udp(_) => {
                if !self.udp.contains_key(&key) {
                    forget_oldest(&mut self.udp, |d| d.fed);
                }
                let d = self.udp.entry(key).or_default();
                d.fed = fed;
                d.datagrams.push_back(payload.to_vec());
                if d.datagrams.len() > DATAGRAMS {
                    d.datagrams.pop_front();
                }
            }
            _ => {}
        }
    }

    /// Fills `c`'s data from the capture; false when its bytes are not (yet) there. A UDP
    /// call that moved bytes claims its datagram whether or not it needed it, so that the
    /// next call takes the next one.
    pub fn fill(&mut self, c: &mut Call) -> bool {
        let (Ok(local), remote) = (
            c.local.parse::<SocketAddr>(),
            c.remote.parse::<SocketAddr>().ok(),
        ) else {
            return false;
        };
        let sends = c.call.sends_data();
        let udp = c
            .traced
            .as_ref()
            .is_some_and(|t| t.proto.as_deref() == Some("udp"));
        let bytes = if udp {
            self.claim_datagram(local, remote, sends, c.bytes)
        } else {
            let Some(remote) = remote else {
                return false;
            };
            let key = if sends {
                (local, remote)
            } else {
                (remote, local)
            };
            let (Some(d), Some(offset)) = (self.tcp.get(&key), c.offset) else {
                return false;
            };
            d.window.read(offset, (c.bytes as usize).min(PREVIEW))
        };
        match bytes {
            Some(b) => {
                if c.data.is_none() {
                    let n = (c.bytes as usize).min(b.len());
                    c.data = preview(&b[..n]);
                }
                true
            }
            None => false,
        }
    }

    /// The first unclaimed datagram of `len` bytes between `local` and `remote` (any peer
    /// when the socket has none), in the call's direction; earlier ones of other lengths are
    /// passed over (never received, or not the program's).
    fn claim_datagram(
        &mut self,
        local: SocketAddr,
        remote: Option<SocketAddr>,
        sends: bool,
        len: u64,
    ) -> Option<Vec<u8>> {
        let keys: Vec<(SocketAddr, SocketAddr)> = self
            .udp
            .keys()
            .filter(|&&(src, dst)| {
                let (ours, theirs) = if sends { (src, dst) } else { (dst, src) };
                ours == local && remote.is_none_or(|r| r == theirs)
            })
            .copied()
            .collect();
        // The oldest matching datagram across the directions that fit (a socket without a
        // peer hears from several).
        let key = keys
            .into_iter()
            .filter(|k| self.udp[k].datagrams.iter().any(|d| d.len() as u64 == len))
            .min_by_key(|k| self.udp[k].fed)?;
        let d = self.udp.get_mut(&key)?;
        let at = d.datagrams.iter().position(|g| g.len() as u64 == len)?;
        d.datagrams.drain(..at);
        d.datagrams.pop_front()
    }
}

/// Makes room for one more direction by forgetting the least recently fed.
fn forget_oldest<V>(map: &mut HashMap<(SocketAddr, SocketAddr), V>, fed: impl Fn(&V) -> u64) {
    if map.len() < DIRECTIONS {
        return;
    }
    if let Some(k) = map.iter().min_by_key(|(_, v)| fed(v)).map(|(k, _)| *k) {
        map.remove(&k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::{CallKind, Traced};
    use crate::capture::LinkType;

    /// An IPv4 TCP or UDP frame on Linux's cooked-free raw link.
    fn ipv4(src: &str, dst: &str, tcp: Option<(u32, u8)>, payload: &[u8]) -> OwnedFrame {
        let (s, d): (SocketAddr, SocketAddr) = (src.parse().unwrap(), dst.parse().unwrap());
        let (std::net::IpAddr::V4(si), std::net::IpAddr::V4(di)) = (s.ip(), d.ip()) else {
            panic!("v4 only");
        };
        let builder = etherparse::PacketBuilder::ipv4(si.octets(), di.octets(), 64);
        let mut out = Vec::new();
        match tcp {
            Some((seq, flags)) => {
                let mut b = builder.tcp(s.port(), d.port(), seq, 1000);
                if flags & 2 != 0 {
                    b = b.syn();
                }
                b.write(&mut out, payload).unwrap();
            }
            None => builder
                .udp(s.port(), d.port())
                .write(&mut out, payload)
                .unwrap(),
        }
        OwnedFrame::packet(1, Timestamp::from_parts(0, 0), LinkType::Raw, out)
    }

    fn call(
        kind: CallKind,
        local: &str,
        remote: &str,
        bytes: u64,
        offset: Option<u64>,
        proto: &str,
    ) -> Call {
        let mut c = Call::new(0, "client", 1, kind);
        c.local = local.into();
        c.remote = remote.into();
        c.bytes = bytes;
        c.offset = offset;
        c.traced = Some(Box::new(Traced {
            pid: 1,
            tid: 1,
            comm: "c".into(),
            fd: Some(3),
            proto: Some(proto.into()),
            t_enter_ns: 0,
            asked: Some(bytes),
            ret: bytes as i64,
            addr: None,
            ready: Vec::new(),
        }));
        c
    }

    #[test]
    fn tcp_calls_get_the_stream_bytes_at_their_offsets_in_their_direction() {
        let (a, b) = ("10.0.0.1:40000", "10.0.0.2:7");
        let mut p = Previews::default();
        p.frame(&ipv4(a, b, Some((100, 2)), b""));
        p.frame(&ipv4(b, a, Some((900, 2)), b""));
        // Out of order: the second segment first, then the first.
        p.frame(&ipv4(a, b, Some((106, 0)), b"world\n"));
        let mut send2 = call(CallKind::Send, a, b, 6, Some(5), "tcp");
        let mut send1 = call(CallKind::Send, a, b, 5, Some(0), "tcp");
        assert!(Previews::wants(&send1));
        assert!(!p.fill(&mut send1), "offset 0 not captured yet");
        p.frame(&ipv4(a, b, Some((101, 0)), b"hello"));
        assert!(p.fill(&mut send1) && p.fill(&mut send2));
        assert_eq!(send1.data.as_deref(), Some("hello"));
        assert_eq!(send2.data.as_deref(), Some("world\n"));
        // The peer's recv of 8 bytes at offset 3, on the socket whose local is b.
        let mut recv = call(CallKind::Recv, b, a, 8, Some(3), "tcp");
        assert!(p.fill(&mut recv));
        assert_eq!(recv.data.as_deref(), Some("loworld\n"));
        // The other direction has no bytes.
        let mut back = call(CallKind::Send, b, a, 2, Some(0), "tcp");
        assert!(!p.fill(&mut back));
        assert!(!Previews::wants(&send1), "filled calls want nothing more");
    }

    #[test]
    fn udp_calls_claim_their_datagrams_in_order_by_length() {
        let (a, b) = ("10.0.0.1:5000", "10.0.0.2:6000");
        let mut p = Previews::default();
        p.frame(&ipv4(a, b, None, b"one"));
        p.frame(&ipv4(a, b, None, b"three"));
        p.frame(&ipv4(a, b, None, b"two"));
        // The receiver (unconnected: no remote) reads "three" first: "one" was never read.
        let mut r1 = call(CallKind::Recv, b, "", 5, None, "udp");
        let mut r2 = call(CallKind::Recv, b, "", 3, None, "udp");
        assert!(p.fill(&mut r1) && p.fill(&mut r2));
        assert_eq!(r1.data.as_deref(), Some("three"));
        assert_eq!(r2.data.as_deref(), Some("two"));
        let mut r3 = call(CallKind::Recv, b, "", 3, None, "udp");
        assert!(!p.fill(&mut r3), "\"one\" was passed over, nothing is left");
    }
}
