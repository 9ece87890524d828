//! `udp-chat`: UDP has no connection and keeps message boundaries: one `sendto()` is one
//! datagram, and two quick sends stay two datagrams.

use std::net::{IpAddr, SocketAddr, UdpSocket};

use super::shared::{pause, udp_call, HALF_RTT};
use super::{Scripted, Stage};
use crate::calls::CallKind;
use crate::gen::socket::Setup;
use crate::gen::synth::Sim;
use crate::gen::GenOptions;

/// The conversation, the same in every mode: (sent by alice, text).
const LINES: [(bool, &str); 6] = [
    (true, "alice: hi bob"),
    (false, "bob: hi alice"),
    (true, "alice: two messages"),
    (true, "alice: sent back to back"),
    (false, "bob: and I got two datagrams"),
    (true, "alice: bye"),
];

/// What the lesson teaches.
const TEACHES: &str =
    "UDP has no connection and keeps message boundaries: one sendto() = one datagram";

/// UDP chat: datagrams keep their boundaries.
pub(super) static LESSON: Scripted = Scripted::udp(TEACHES, synthetic, reserve, run);

/// Synthetic: the conversation between hosts 1 and 2.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let port = 4040;
    let alice = SocketAddr::new(sim.host(1), port);
    let bob = SocketAddr::new(sim.host(2), port + 1);
    for (from_alice, text) in LINES {
        let (src, dst, sa, ra) = if from_alice {
            (alice, bob, "alice", "bob")
        } else {
            (bob, alice, "bob", "alice")
        };
        udp_call(sim, sa, CallKind::Sendto, src, dst, text.as_bytes());
        sim.udp(src, dst, mac_of(dst), text.as_bytes());
        sim.wait_us(HALF_RTT);
        udp_call(sim, ra, CallKind::Recvfrom, dst, src, text.as_bytes());
        sim.wait_ms(if from_alice { 1 } else { 300 });
    }
}

/// The synthetic host's Ethernet address.
fn mac_of(a: SocketAddr) -> [u8; 6] {
    match a.ip() {
        IpAddr::V4(v) => [2, 0, 0, 0, 0, v.octets()[3]],
        IpAddr::V6(v) => [2, 0, 0, 0, 0, v.octets()[15]],
    }
}

/// The real sockets: alice's and bob's, on ports the kernel picks.
fn reserve(ip: IpAddr) -> anyhow::Result<Setup> {
    let a = UdpSocket::bind((ip, 0))?;
    let b = UdpSocket::bind((ip, 0))?;
    let port = a.local_addr()?.port();
    Ok(Setup::udp(vec![a, b], port)?)
}

/// The real run: back-to-back sends leave before the peer reads.
fn run(stage: &Stage) -> anyhow::Result<()> {
    let rec = &stage.rec;
    let (alice, bob) = (&stage.setup.udp[0], &stage.setup.udp[1]);
    let (a, b) = (alice.local_addr()?, bob.local_addr()?);
    let mut i = 0;
    while i < LINES.len() {
        // Back-to-back sends go out before the peer reads.
        let mut j = i;
        while j < LINES.len() && LINES[j].0 == LINES[i].0 {
            let (from, to, name) = if LINES[j].0 {
                (alice, b, "alice")
            } else {
                (bob, a, "bob")
            };
            rec.sendto(name, from, to, LINES[j].1.as_bytes())?;
            j += 1;
        }
        for line in &LINES[i..j] {
            let (sock, name) = if line.0 {
                (bob, "bob")
            } else {
                (alice, "alice")
            };
            rec.recvfrom(name, sock)?;
        }
        pause(20);
        i = j;
    }
    Ok(())
}
