//! `concurrent`: a threaded server serves several clients at once, one connection (one
//! 4-tuple) each; their segments interleave on the wire.

use std::io;
use std::thread;

use super::shared::{close4, echo_server, pause};
use super::{join, join_all, Scripted, Stage};
use crate::calls::CallKind;
use crate::gen::socket::Sock;
use crate::gen::synth::{Conn, Sim, C, S};
use crate::gen::GenOptions;

/// Clients (and server threads).
const CLIENTS: u32 = 3;

/// What client `i` says in `round`.
fn hello(i: u32, round: u32) -> String {
    format!("client {i} says hello #{round}\n")
}

/// What the lesson teaches.
const TEACHES: &str =
    "a threaded server serves several clients at once: one connection (4-tuple) each";

/// Threaded server, several clients at once.
pub(super) static LESSON: Scripted = Scripted::whole(TEACHES, synthetic, run);

/// Synthetic: the clients' handshakes, requests and echoes interleave.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut conns: Vec<Conn> = (1..=CLIENTS)
        .map(|i| {
            let mut c = sim.conn(1, 2, 7007);
            c.actors[C] = format!("client{i}");
            c.actors[S] = format!("server-thread{i}");
            c
        })
        .collect();
    for c in conns.iter_mut() {
        sim.syn(c);
        sim.wait_us(20);
    }
    for c in conns.iter_mut() {
        sim.syn_ack(c);
        sim.wait_us(20);
    }
    for c in conns.iter_mut() {
        sim.pure_ack(c, C);
        sim.call(c, C, CallKind::Connect, &[], None);
        sim.wait_us(20);
    }
    for c in conns.iter_mut() {
        sim.call(c, S, CallKind::Accept, &[], None);
        sim.wait_us(5);
    }
    for round in 1..=2 {
        for (i, c) in (1..).zip(conns.iter_mut()) {
            let m = hello(i, round);
            sim.app_send(c, C, m.as_bytes());
            sim.data(c, C, m.as_bytes());
            sim.wait_us(30);
        }
        for c in conns.iter_mut() {
            let m = last_sent(sim, c);
            sim.app_recv(c, S, &m);
            sim.app_send(c, S, &m);
            sim.data(c, S, &m);
            sim.wait_us(30);
        }
        for c in conns.iter_mut() {
            let m = last_sent(sim, c);
            sim.app_recv(c, C, &m);
        }
        sim.wait_ms(5);
    }
    for c in conns.iter_mut() {
        close4(sim, c, C);
        sim.wait_us(50);
    }
}

/// The data of the client's last recorded `send` on `c`.
fn last_sent(sim: &Sim<'_>, c: &Conn) -> Vec<u8> {
    sim.calls
        .calls
        .iter()
        .rev()
        .find(|k| k.conn == c.id && k.call == CallKind::Send && k.actor == c.actors[C])
        .and_then(|k| k.data.clone())
        .map(String::into_bytes)
        .unwrap_or_default()
}

/// The real run: a server thread per accepted client, three clients at once.
fn run(stage: &Stage) -> anyhow::Result<()> {
    let l = stage.listener()?;
    let rec = &stage.rec;
    thread::scope(|scope| -> anyhow::Result<()> {
        let server = scope.spawn(move || -> io::Result<()> {
            thread::scope(|inner| {
                let mut threads = Vec::new();
                for i in 1..=CLIENTS {
                    let s = Sock::accept(l, &format!("server-thread{i}"), i, rec)?;
                    threads.push(inner.spawn(move || echo_server(s)));
                }
                for t in threads {
                    join(t)?;
                }
                Ok(())
            })
        });
        let clients: Vec<_> = (1..=CLIENTS)
            .map(|i| {
                scope.spawn(move || -> io::Result<()> {
                    let mut c = Sock::connect(stage.server, &format!("client{i}"), i, rec)?;
                    for round in 1..=2 {
                        pause(5);
                        let m = hello(i, round);
                        c.exchange(m.as_bytes())?;
                    }
                    c.close();
                    Ok(())
                })
            })
            .collect();
        Ok(join_all(server, clients)?)
    })
}
