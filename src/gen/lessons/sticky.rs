//! `sticky`: TCP is a byte stream. With Nagle's algorithm and a slow reader, small messages
//! sent one `send()` each stick together into one segment and one `recv()`.
//!
//! This file also holds the script of the whole family, which sends the same
//! [`MESSAGES`] and differs only in technique: `nodelay` (Nagle off) and the fixes
//! `fix-length-prefix`, `fix-delimiter` and `fix-delay` (each a [`Sticky`] value in its own
//! file).

use super::shared::{close4, length_prefixed, pause, read_length_prefixed, HALF_RTT};
use super::{Lesson, Real, Stage};
use crate::calls::CallKind;
use crate::gen::socket::Sock;
use crate::gen::synth::{Conn, Sim, C, S, SEG};
use crate::gen::GenOptions;

/// The messages of `sticky`, `nodelay` and the four `fix-*` scenarios (the same words in
/// each, so the captures differ only by the technique).
pub const MESSAGES: [&str; 8] = [
    "hello",
    "how are you?",
    "fine, thanks",
    "what time is it?",
    "half past ten",
    "see you later",
    "bye",
    "ok",
];

/// Time between two `send()`s made back to back on the synthetic host, µs.
const BACK_TO_BACK_US: i64 = 45;

/// How the sticky-family lessons frame their messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Framing {
    /// Raw bytes: the receiver cannot tell where one message ends.
    Plain,
    /// A 4-byte big-endian length before each message.
    LengthPrefix,
    /// A newline after each message.
    Delimiter,
}

impl Framing {
    /// The bytes one message becomes on the wire.
    fn frame(self, m: &str) -> Vec<u8> {
        match self {
            Framing::Plain => m.as_bytes().to_vec(),
            Framing::LengthPrefix => length_prefixed(m.as_bytes()),
            Framing::Delimiter => format!("{m}\n").into_bytes(),
        }
    }
}

/// One lesson of the family: the client sends [`MESSAGES`] one `send()` each, framed,
/// with or without Nagle, with or without a pause between sends; the server reads after
/// 50 ms (a slow reader) and gets whatever has arrived.
pub(super) struct Sticky {
    teaches: &'static str,
    framing: Framing,
    /// Pause between sends, ms (0: back to back).
    pause_ms: u64,
    /// `TCP_NODELAY` on the client: Nagle off.
    nodelay: bool,
}

impl Sticky {
    /// Plain messages sent back to back with Nagle on: the problem itself.
    pub(super) const fn new(teaches: &'static str) -> Sticky {
        Sticky {
            teaches,
            framing: Framing::Plain,
            pause_ms: 0,
            nodelay: false,
        }
    }

    /// Each message framed with `framing`.
    pub(super) const fn framed(mut self, framing: Framing) -> Sticky {
        self.framing = framing;
        self
    }

    /// A pause of `ms` after each send.
    pub(super) const fn pausing(mut self, ms: u64) -> Sticky {
        self.pause_ms = ms;
        self
    }

    /// `TCP_NODELAY` on the client.
    pub(super) const fn without_nagle(mut self) -> Sticky {
        self.nodelay = true;
        self
    }
}

/// What the lesson teaches.
const TEACHES: &str =
    "TCP is a byte stream: with Nagle and a slow reader small messages stick together";

/// Many small sends with Nagle and a slow reader: messages coalesce.
pub(super) static LESSON: Sticky = Sticky::new(TEACHES);

impl Lesson for Sticky {
    fn teaches(&self) -> &'static str {
        self.teaches
    }

    /// With Nagle a small segment waits while an earlier one is unacknowledged, so the
    /// sends made meanwhile leave together when the ACK comes.
    fn synthetic(&self, sim: &mut Sim<'_>, _: &GenOptions) {
        let (framing, nodelay) = (self.framing, self.nodelay);
        let gap_us = if self.pause_ms == 0 {
            BACK_TO_BACK_US
        } else {
            self.pause_ms as i64 * 1000
        };
        let mut c = sim.conn(1, 2, 7070);
        sim.open(&mut c);
        if nodelay {
            sim.call(&c, C, CallKind::Setsockopt, &[], None);
            sim.calls.note_last("TCP_NODELAY 1");
        }
        sim.wait_ms(1);
        let mut nagle = Nagle {
            queue: Vec::new(),
            ack_due: None,
        };
        let start = sim.now;
        for (i, m) in MESSAGES.iter().enumerate() {
            let t = start + i as i64 * gap_us * 1000;
            nagle.acks_until(sim, &mut c, t);
            sim.now = sim.now.max(t);
            let bytes = framing.frame(m);
            sim.app_send(&mut c, C, &bytes);
            nagle.queue.extend_from_slice(&bytes);
            if nodelay || nagle.ack_due.is_none() {
                nagle.flush(sim, &mut c);
            }
        }
        nagle.acks_until(sim, &mut c, i64::MAX);
        // The slow reader wakes up.
        sim.now = sim.now.max(start + 50_000_000);
        let total: Vec<u8> = MESSAGES.iter().flat_map(|m| framing.frame(m)).collect();
        match framing {
            Framing::Plain => {
                if self.pause_ms > 0 {
                    // fix-delay: the reader keeps up, each recv() gets one message.
                    for m in MESSAGES {
                        sim.app_recv(&mut c, S, m.as_bytes());
                    }
                } else {
                    // One recv(1024) returns every message glued together.
                    sim.app_recv(&mut c, S, &total);
                }
            }
            Framing::LengthPrefix => {
                for m in MESSAGES {
                    sim.app_recv(&mut c, S, &(m.len() as u32).to_be_bytes());
                    sim.app_recv(&mut c, S, m.as_bytes());
                }
            }
            Framing::Delimiter => {
                // A buffered reader: one recv() fills the buffer, the lines are cut from it.
                sim.app_recv(&mut c, S, &total);
                sim.calls.note_last(&format!(
                    "split at newlines into {} messages",
                    MESSAGES.len()
                ));
            }
        }
        sim.wait_ms(1);
        close4(sim, &mut c, C);
    }

    fn real(&self) -> Option<Real> {
        Some(Real::EVERYWHERE)
    }

    fn run_real(&self, stage: &Stage) -> anyhow::Result<()> {
        stage.one_connection(|s| self.serve(s), |c| self.client(c))
    }
}

/// The synthetic client's Nagle algorithm: bytes sent while a segment is unacknowledged
/// wait in the queue and leave together when its ACK arrives.
struct Nagle {
    queue: Vec<u8>,
    /// When the ACK of the segment in flight arrives.
    ack_due: Option<i64>,
}

impl Nagle {
    /// Sends the queue (in full segments) and expects its ACK one round trip later.
    fn flush(&mut self, sim: &mut Sim<'_>, c: &mut Conn) {
        for chunk in self.queue.chunks(SEG) {
            sim.data(c, C, chunk);
        }
        self.queue.clear();
        self.ack_due = Some(sim.now + 2 * HALF_RTT * 1000);
    }

    /// Delivers the ACKs due by `until`, each releasing what waited behind it.
    fn acks_until(&mut self, sim: &mut Sim<'_>, c: &mut Conn, until: i64) {
        while let Some(due) = self.ack_due.filter(|&d| d <= until) {
            sim.now = sim.now.max(due);
            sim.pure_ack(c, S);
            self.ack_due = None;
            if !self.queue.is_empty() {
                sim.wait_us(5);
                self.flush(sim, c);
            }
        }
    }
}

impl Sticky {
    /// The real server: a slow reader (its ACKs delayed, 50 ms asleep) unless the client
    /// pauses between sends, in which case it reads each message as it comes.
    fn serve(&self, mut s: Sock) -> std::io::Result<()> {
        if self.pause_ms > 0 {
            for m in MESSAGES {
                s.recv_exact(m.len())?;
            }
        } else {
            delayed_acks(&s)?;
            pause(50);
            if self.framing == Framing::LengthPrefix {
                for _ in MESSAGES {
                    read_length_prefixed(&mut s)?;
                }
            } else {
                let total: usize = MESSAGES.iter().map(|m| self.framing.frame(m).len()).sum();
                let mut got = 0;
                while got < total {
                    let b = s.recv(1024)?;
                    if b.is_empty() {
                        break;
                    }
                    got += b.len();
                }
            }
        }
        s.recv(1024)?;
        s.close();
        Ok(())
    }

    /// The real client: one `send()` per framed message.
    fn client(&self, mut c: Sock) -> std::io::Result<()> {
        if self.nodelay {
            c.setsockopt(libc::IPPROTO_TCP, libc::TCP_NODELAY, 1, "TCP_NODELAY 1")?;
        }
        // Give the server time to accept and leave quick-ACK mode before the first message
        // arrives: an ACK returned at once would let Nagle send every message alone (seen
        // on a loaded 2-core machine with 1 ms here).
        pause(30);
        for m in MESSAGES {
            c.send(&self.framing.frame(m))?;
            if self.pause_ms > 0 {
                pause(self.pause_ms);
            }
        }
        pause(80);
        c.close();
        Ok(())
    }
}

/// Leaves quick-ACK mode: the server's kernel delays its ACKs (up to 40 ms) as on a busy
/// host, so the client's Nagle algorithm has unacknowledged data to wait behind. On
/// loopback the ACK would otherwise return within microseconds and nothing would coalesce.
fn delayed_acks(s: &Sock) -> std::io::Result<()> {
    s.setsockopt(
        libc::IPPROTO_TCP,
        libc::TCP_QUICKACK,
        0,
        "TCP_QUICKACK 0 (delayed ACKs)",
    )
}
