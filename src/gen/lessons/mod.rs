//! The lessons: one file each, holding what the lesson teaches and its script for every mode.
//!
//! A lesson is a [`Lesson`]: its one-line lesson, its **synthetic** script, which drives
//! both hosts of the synthetic wire ([`Sim`]: every segment a Linux stack would send,
//! deterministic with a seed), and, when real sockets can show it, its real client and
//! server ([`Sock`]s that record every call), run on loopback (**live**) and between network
//! namespaces through a router (**netns**) by [`super::live`]. Most lessons are plain
//! functions gathered by [`Scripted`].
//!
//! Adding a lesson: write `lessons/FILE.rs` with a `static LESSON` (usually a
//! [`Scripted`]), add its line to the list at the end of this file (and its `mod` line
//! above the list); the [`Scenario`] variant, `synack gen NAME`, `--list` and every mode
//! follow from it. Pieces several lessons share (an echo round, the closes, a bulk
//! transfer with loss, payload text) are in `shared.rs`.

use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::thread;

use super::socket::{Recorder, Setup, Sock};
use super::synth::Sim;
use super::GenOptions;

mod shared;

pub use sticky::MESSAGES;

/// One lesson: what it teaches and its script for every mode.
pub(crate) trait Lesson: Sync {
    /// One line of what the lesson teaches (shown by `synack gen --list`).
    fn teaches(&self) -> &'static str;

    /// Writes the lesson on the synthetic wire: both hosts' segments and calls (called
    /// only when [`Lesson::has_synthetic`]).
    fn synthetic(&self, sim: &mut Sim<'_>, opts: &GenOptions);

    /// Whether the lesson has a synthetic form: a lesson about what real kernels do (their
    /// congestion control algorithms) has none.
    fn has_synthetic(&self) -> bool {
        true
    }

    /// Where the lesson runs with real sockets, when a real stack can be made to show it
    /// (`None`: synthetic only, e.g. crossing FINs, which no stack can be forced into).
    fn real(&self) -> Option<Real>;

    /// Runs the real client and server (called only when [`Lesson::real`] is `Some`).
    /// Every socket call must end within the socket timeouts and the data moved must be
    /// small and fixed, so a run ends by itself.
    fn run_real(&self, stage: &Stage) -> anyhow::Result<()>;
}

/// Where a lesson runs with real sockets, and what its server reserves.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Real {
    /// Runs on loopback (`live`); `loss`, for one, needs the router of `netns`.
    pub on_loopback: bool,
    /// Runs between namespaces (`netns`); the UDP lessons run on loopback only.
    pub between_namespaces: bool,
    /// Reserves the server's sockets on an address before the capture starts (in the
    /// server's namespace, for netns).
    pub reserve: fn(IpAddr) -> anyhow::Result<Setup>,
    /// Between namespaces, the router's rate towards the server when `--rate` gives none
    /// (Mbit/s; 0: no limit): a bottleneck the lesson needs to show anything.
    pub default_rate_mbit: u32,
    /// Between namespaces, an outage of the router the lesson needs (a burst loss that
    /// only a retransmission timeout repairs), besides `--loss`'s random drops.
    pub outage: Option<Outage>,
}

/// A one-time outage of the router towards the server ([`super::netns::Topology::black_out_once`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outage {
    /// Data bytes that cross the router before the outage begins.
    pub after_bytes: u64,
    /// How long every data segment is dropped, ms.
    pub ms: u32,
}

impl Real {
    /// On loopback and between namespaces, with a TCP listener.
    pub(crate) const EVERYWHERE: Real = Real {
        on_loopback: true,
        between_namespaces: true,
        reserve: |ip| Ok(Setup::listener(ip)?),
        default_rate_mbit: 0,
        outage: None,
    };
}

/// The real script of a [`Scripted`] lesson.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Script {
    /// One connection: [`Stage::one_connection`] with these server and client.
    OneConnection(fn(Sock) -> io::Result<()>, fn(Sock) -> io::Result<()>),
    /// Anything else (several connections, UDP, a refused connect): the whole run.
    Whole(fn(&Stage) -> anyhow::Result<()>),
}

/// A lesson written as plain functions (most are; a family of lessons sharing one
/// parameterized script implements [`Lesson`] itself, as `sticky` does).
pub(crate) struct Scripted {
    teaches: &'static str,
    synthetic: Option<fn(&mut Sim<'_>, &GenOptions)>,
    real: Option<(Real, Script)>,
}

impl Scripted {
    /// A lesson that exists only synthetic.
    pub(crate) const fn synthetic_only(
        teaches: &'static str,
        synthetic: fn(&mut Sim<'_>, &GenOptions),
    ) -> Scripted {
        Scripted {
            teaches,
            synthetic: Some(synthetic),
            real: None,
        }
    }

    /// A TCP lesson on one connection, run everywhere: the server thread accepts it and
    /// runs `server`, the client connects and runs `client` ([`Stage::one_connection`]).
    pub(crate) const fn tcp(
        teaches: &'static str,
        synthetic: fn(&mut Sim<'_>, &GenOptions),
        server: fn(Sock) -> io::Result<()>,
        client: fn(Sock) -> io::Result<()>,
    ) -> Scripted {
        Scripted {
            teaches,
            synthetic: Some(synthetic),
            real: Some((Real::EVERYWHERE, Script::OneConnection(server, client))),
        }
    }

    /// A lesson whose real form `run` is the whole run (several connections, a refused
    /// connect), run everywhere with a TCP listener.
    pub(crate) const fn whole(
        teaches: &'static str,
        synthetic: fn(&mut Sim<'_>, &GenOptions),
        run: fn(&Stage) -> anyhow::Result<()>,
    ) -> Scripted {
        Scripted {
            teaches,
            synthetic: Some(synthetic),
            real: Some((Real::EVERYWHERE, Script::Whole(run))),
        }
    }

    /// A UDP lesson: its sockets made by `reserve`, its run `run`, live on loopback only
    /// (the namespace hosts carry the TCP lessons; broadcast needs loopback's).
    pub(crate) const fn udp(
        teaches: &'static str,
        synthetic: fn(&mut Sim<'_>, &GenOptions),
        reserve: fn(IpAddr) -> anyhow::Result<Setup>,
        run: fn(&Stage) -> anyhow::Result<()>,
    ) -> Scripted {
        let real = Real {
            on_loopback: true,
            between_namespaces: false,
            reserve,
            default_rate_mbit: 0,
            outage: None,
        };
        Scripted {
            teaches,
            synthetic: Some(synthetic),
            real: Some((real, Script::Whole(run))),
        }
    }

    /// A lesson about what real kernels do, with no synthetic form: `run` is the whole
    /// run, between namespaces only, through a router limited to `rate_mbit` Mbit/s unless
    /// `--rate` says otherwise.
    pub(crate) const fn kernels_only(
        teaches: &'static str,
        rate_mbit: u32,
        run: fn(&Stage) -> anyhow::Result<()>,
    ) -> Scripted {
        let real = Real {
            on_loopback: false,
            between_namespaces: true,
            reserve: |ip| Ok(Setup::listener(ip)?),
            default_rate_mbit: rate_mbit,
            outage: None,
        };
        Scripted {
            teaches,
            synthetic: None,
            real: Some((real, Script::Whole(run))),
        }
    }

    /// The real form runs only between namespaces (`netns`).
    pub(crate) const fn only_between_namespaces(mut self) -> Scripted {
        if let Some((real, _)) = &mut self.real {
            real.on_loopback = false;
        }
        self
    }

    /// Between namespaces the router has `outage` once, besides `--loss`'s random drops.
    pub(crate) const fn with_outage(mut self, outage: Outage) -> Scripted {
        if let Some((real, _)) = &mut self.real {
            real.outage = Some(outage);
        }
        self
    }

    /// The server reserves its sockets with `reserve` instead of a TCP listener.
    pub(crate) const fn reserving(
        mut self,
        reserve: fn(IpAddr) -> anyhow::Result<Setup>,
    ) -> Scripted {
        if let Some((real, _)) = &mut self.real {
            real.reserve = reserve;
        }
        self
    }
}

impl Lesson for Scripted {
    fn teaches(&self) -> &'static str {
        self.teaches
    }

    fn synthetic(&self, sim: &mut Sim<'_>, opts: &GenOptions) {
        if let Some(f) = self.synthetic {
            f(sim, opts);
        }
    }

    fn has_synthetic(&self) -> bool {
        self.synthetic.is_some()
    }

    fn real(&self) -> Option<Real> {
        self.real.map(|(real, _)| real)
    }

    fn run_real(&self, stage: &Stage) -> anyhow::Result<()> {
        match self.real {
            Some((_, Script::OneConnection(server, client))) => {
                stage.one_connection(server, client)
            }
            Some((_, Script::Whole(run))) => run(stage),
            None => anyhow::bail!("this lesson has no form with real sockets"),
        }
    }
}

/// What a real run hands a lesson: the server's reserved sockets, the server's address and
/// the recorder of the calls trace.
pub(crate) struct Stage {
    /// The sockets [`Real::reserve`] made.
    pub setup: Setup,
    /// The address clients connect or send to.
    pub server: SocketAddr,
    /// The calls trace of the run.
    pub rec: Recorder,
    /// The share of TCP segments the router drops at random, percent (0 on loopback).
    pub loss_pct: u32,
}

impl Stage {
    /// The reserved TCP listener, in blocking mode.
    pub(crate) fn listener(&self) -> anyhow::Result<&TcpListener> {
        let Some(l) = &self.setup.listener else {
            anyhow::bail!("no listener");
        };
        l.set_nonblocking(false)?;
        Ok(l)
    }

    /// One connection: a server thread accepts it (actor `server`) and runs `server`,
    /// while this thread connects (actor `client`) and runs `client`.
    pub(crate) fn one_connection<S, C>(&self, server: S, client: C) -> anyhow::Result<()>
    where
        S: FnOnce(Sock) -> io::Result<()> + Send,
        C: FnOnce(Sock) -> io::Result<()>,
    {
        let l = self.listener()?;
        let rec = &self.rec;
        thread::scope(|scope| -> anyhow::Result<()> {
            let server = scope.spawn(move || server(Sock::accept(l, "server", 1, rec)?));
            let client = Sock::connect(self.server, "client", 1, rec).and_then(client);
            let s = join(server);
            client?;
            s?;
            Ok(())
        })
    }
}

/// Joins a server thread, turning its panic or error into an error.
pub(crate) fn join(h: thread::ScopedJoinHandle<'_, io::Result<()>>) -> io::Result<()> {
    h.join()
        .unwrap_or_else(|_| Err(io::Error::other("server thread panicked")))
}

/// Joins every client thread, then the server's: the first error is the lesson's.
pub(crate) fn join_all<'s>(
    server: thread::ScopedJoinHandle<'s, io::Result<()>>,
    clients: Vec<thread::ScopedJoinHandle<'s, io::Result<()>>>,
) -> io::Result<()> {
    for c in clients {
        join(c)?;
    }
    join(server)
}

// The lesson files (declared here rather than by the macro below so that `cargo fmt`
// sees them).
mod cc_compare;
mod close_client_first;
mod close_combined;
mod close_server_first;
mod close_simultaneous;
mod concurrent;
mod demo;
mod echo;
mod file_transfer;
mod fix_ack;
mod fix_delay;
mod fix_delimiter;
mod fix_length_prefix;
mod flood;
mod half_close;
mod handshake;
mod http;
mod keep_alive;
mod loss;
mod multiplex;
mod nodelay;
mod refused;
mod reorder;
mod rst_abort;
mod send_buffer;
mod split;
mod sticky;
mod udp_broadcast;
mod udp_chat;
mod zero_window;

/// Declares the lessons: for each, its doc line, its [`Scenario`] variant, its name and
/// its file (which holds `static LESSON`, a [`Lesson`]).
macro_rules! lessons {
    ($($(#[doc = $doc:literal])* $variant:ident($name:literal) => $file:ident,)*) => {
        /// A runnable lesson (one file each in `src/gen/lessons/`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Scenario {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Scenario {
            /// Every scenario, in `--list` order.
            pub const ALL: [Scenario; [$(stringify!($variant)),*].len()] =
                [$(Scenario::$variant),*];

            /// The name used on the command line and in file names.
            pub fn name(self) -> &'static str {
                match self {
                    $(Scenario::$variant => $name,)*
                }
            }

            /// The lesson's description and scripts.
            pub(crate) fn script(self) -> &'static dyn Lesson {
                match self {
                    $(Scenario::$variant => &$file::LESSON,)*
                }
            }
        }
    };
}

lessons! {
    /// Connect, then close.
    Handshake("handshake") => handshake,
    /// TCP echo: several request/replies.
    Echo("echo") => echo,
    /// Four-way teardown started by the client.
    CloseClientFirst("close-client-first") => close_client_first,
    /// Four-way teardown started by the server.
    CloseServerFirst("close-server-first") => close_server_first,
    /// The peer's ACK piggy-backed on its FIN: a three-segment close.
    CloseCombined("close-combined") => close_combined,
    /// Both sides close at once: FINs cross.
    CloseSimultaneous("close-simultaneous") => close_simultaneous,
    /// `shutdown(SHUT_WR)`, the peer keeps sending.
    HalfClose("half-close") => half_close,
    /// `close()` with `SO_LINGER` 0: abort with RST.
    RstAbort("rst-abort") => rst_abort,
    /// SYN to a closed port.
    Refused("refused") => refused,
    /// Many small sends with Nagle and a slow reader: messages coalesce.
    Sticky("sticky") => sticky,
    /// One large message across many segments.
    Split("split") => split,
    /// Fix 1: a length prefix before each message.
    FixLengthPrefix("fix-length-prefix") => fix_length_prefix,
    /// Fix 2: a delimiter after each message.
    FixDelimiter("fix-delimiter") => fix_delimiter,
    /// Fix 3: a pause between sends.
    FixDelay("fix-delay") => fix_delay,
    /// Fix 4: wait for an application-level acknowledgement.
    FixAck("fix-ack") => fix_ack,
    /// `TCP_NODELAY`: no Nagle.
    Nodelay("nodelay") => nodelay,
    /// list/get/put file server with length-prefixed framing.
    FileTransfer("file-transfer") => file_transfer,
    /// HTTP/1.1 keep-alive and pipelining.
    Http("http") => http,
    /// Threaded server, several clients at once.
    Concurrent("concurrent") => concurrent,
    /// One thread, several clients, epoll: readiness calls.
    Multiplex("multiplex") => multiplex,
    /// UDP chat: datagrams keep their boundaries.
    UdpChat("udp-chat") => udp_chat,
    /// UDP broadcast to every host on the LAN.
    UdpBroadcast("udp-broadcast") => udp_broadcast,
    /// Small receive buffer, paused reader: zero window.
    ZeroWindow("zero-window") => zero_window,
    /// `SO_KEEPALIVE` with a short idle time.
    KeepAlive("keep-alive") => keep_alive,
    /// Loss: retransmissions, fast retransmission, dup ACKs.
    Loss("loss") => loss,
    /// The same bulk transfer with each congestion control algorithm the kernel offers.
    CcCompare("cc-compare") => cc_compare,
    /// A small `SO_SNDBUF`: send() waits for room in the send buffer.
    SendBuffer("send-buffer") => send_buffer,
    /// Out-of-order arrival.
    Reorder("reorder") => reorder,
    /// N connections × M segments with loss, for benchmarks.
    Flood("flood") => flood,
    /// The built-in demo: handshake, data, a sticky burst, loss and a teardown.
    Demo("demo") => demo,
}
