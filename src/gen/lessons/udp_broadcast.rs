//! `udp-broadcast`: one UDP broadcast datagram (`SO_BROADCAST`) reaches every host on the
//! LAN. Live on loopback (`127.255.255.255`, IPv4 only) or synthetic (IPv6: the all-nodes
//! multicast group `ff02::1` plays the part).

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};

use super::shared::{pause, udp_call, HALF_RTT};
use super::{Scripted, Stage};
use crate::calls::CallKind;
use crate::gen::socket::{now_ns, Caller, Made, Setup};
use crate::gen::synth::Sim;
use crate::gen::GenOptions;

/// Announcements sent.
const ANNOUNCEMENTS: u32 = 3;

/// What the lesson teaches.
const TEACHES: &str = "one UDP broadcast datagram reaches every host on the LAN (SO_BROADCAST)";

/// UDP broadcast to every host on the LAN.
pub(super) static LESSON: Scripted = Scripted::udp(TEACHES, synthetic, reserve, run);

/// Synthetic: one sender announces itself three times; two hosts receive each.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let port = 9876;
    let src = SocketAddr::new(sim.host(1), 40000);
    let (dst, mac) = if sim.ipv6 {
        // IPv6 has no broadcast: the all-nodes multicast group plays its role.
        (
            SocketAddr::new("ff02::1".parse().unwrap_or(sim.host(255)), port),
            [0x33, 0x33, 0, 0, 0, 1],
        )
    } else {
        (SocketAddr::new([10, 0, 0, 255].into(), port), [0xff; 6])
    };
    if sim.record_calls {
        udp_call(sim, "announcer", CallKind::Setsockopt, src, dst, &[]);
        sim.calls.note_last("SO_BROADCAST 1");
    }
    for i in 1..=ANNOUNCEMENTS {
        let text = format!("announce #{i}: file server at 10.0.0.1:9090");
        udp_call(
            sim,
            "announcer",
            CallKind::Sendto,
            src,
            dst,
            text.as_bytes(),
        );
        sim.udp(src, dst, mac, text.as_bytes());
        sim.wait_us(HALF_RTT);
        for host in [2u8, 3] {
            let local = SocketAddr::new(sim.host(host), port);
            let actor = format!("listener{}", host - 1);
            udp_call(sim, &actor, CallKind::Recvfrom, local, src, text.as_bytes());
        }
        sim.wait_ms(500);
    }
}

/// The real sockets: the sender, and a listener on the wildcard address (IPv4 only).
fn reserve(ip: IpAddr) -> anyhow::Result<Setup> {
    if ip.is_ipv6() {
        anyhow::bail!(
            "IPv6 has no broadcast: drop --ipv6, or use --synthetic --ipv6 (all-nodes multicast ff02::1)"
        );
    }
    // Listeners on the wildcard address receive broadcasts to 127.255.255.255.
    let listener = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?;
    let port = listener.local_addr()?.port();
    let sender = UdpSocket::bind((ip, 0))?;
    Ok(Setup::udp(vec![sender, listener], port)?)
}

/// The real run: three broadcasts to `127.255.255.255`, each received by the listener.
fn run(stage: &Stage) -> anyhow::Result<()> {
    let (sender, listener) = (&stage.setup.udp[0], &stage.setup.udp[1]);
    let entered = now_ns();
    sender.set_broadcast(true)?;
    let local = sender.local_addr()?;
    let by = Caller {
        actor: "announcer",
        conn: 0,
        local,
        remote: local,
    };
    let made = Made::entered(CallKind::Setsockopt, entered).noted("SO_BROADCAST 1");
    stage.rec.push(by, made);
    // Broadcast on loopback: 127.255.255.255 is lo's broadcast address.
    let dst = SocketAddr::new(
        IpAddr::V4(Ipv4Addr::new(127, 255, 255, 255)),
        stage.setup.port,
    );
    for i in 1..=ANNOUNCEMENTS {
        let text = format!("announce #{i}: file server here");
        stage
            .rec
            .sendto("announcer", sender, dst, text.as_bytes())?;
        stage.rec.recvfrom("listener1", listener)?;
        pause(100);
    }
    Ok(())
}
