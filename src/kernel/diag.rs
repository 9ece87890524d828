//! One NETLINK_SOCK_DIAG socket and the dump of the TCP sockets of its network namespace
//! (what `ss -tie` reads): per socket the addresses, the state, the queue lengths,
//! `struct tcp_info`, the congestion algorithm and the socket memory.
//!
//! A netlink socket belongs to the namespace of the thread that opened it, so open it on a
//! thread that has entered the namespace to read (see [`super::sampler`]).

use std::io;
use std::net::SocketAddr;

use netlink_packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_DUMP, NLM_F_REQUEST,
};
use netlink_packet_sock_diag::constants::{AF_INET, AF_INET6, IPPROTO_TCP};
use netlink_packet_sock_diag::inet::{
    nlas::Nla, ExtensionFlags, InetRequest, InetResponse, SocketId, StateFlags,
};
use netlink_packet_sock_diag::SockDiagMessage;
use netlink_sys::{protocols::NETLINK_SOCK_DIAG, Socket};

use crate::calls::tcp_info::{state_name, CaState, TcpInfo};

/// The kernel's `TCP_LISTEN`: listening sockets have no connection to describe.
const TCP_LISTEN: u8 = 10;

/// What the dump says about one TCP socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketReading {
    /// Local address.
    pub local: SocketAddr,
    /// Peer address.
    pub remote: SocketAddr,
    /// State name ([`state_name`]).
    pub state: &'static str,
    /// `idiag_rqueue`.
    pub rqueue: u32,
    /// `idiag_wqueue`.
    pub wqueue: u32,
    /// `INET_DIAG_CONG`.
    pub cong: Option<String>,
    /// `SK_MEMINFO_SNDBUF`.
    pub sndbuf: Option<u32>,
    /// `SK_MEMINFO_WMEM_QUEUED`.
    pub wmem_queued: Option<u32>,
    /// `INET_DIAG_INFO`, absent for TIME_WAIT and request sockets.
    pub info: Option<TcpInfo>,
}

/// An open NETLINK_SOCK_DIAG socket; closed when dropped.
pub struct DiagSocket {
    socket: Socket,
    buf: Vec<u8>,
    seq: u32,
}

impl DiagSocket {
    /// Opens a diag socket in the calling thread's network namespace.
    pub fn open() -> io::Result<DiagSocket> {
        let mut socket = Socket::new(NETLINK_SOCK_DIAG)?;
        socket.bind_auto()?;
        socket.connect(&netlink_sys::SocketAddr::new(0, 0))?;
        Ok(DiagSocket {
            socket,
            buf: vec![0; 64 * 1024],
            seq: 0,
        })
    }

    /// The socket's file descriptor (tests check it is closed after use).
    pub fn raw_fd(&self) -> i32 {
        use std::os::fd::AsRawFd;
        self.socket.as_raw_fd()
    }

    /// Every TCP socket of the namespace (IPv4 and IPv6) except listening ones, for which
    /// `keep` says yes. The kernel walks its whole connection table for this (milliseconds
    /// on a large machine, whatever the namespace holds): use [`DiagSocket::query`] for
    /// sockets already known.
    pub fn dump(
        &mut self,
        keep: &dyn Fn(SocketAddr, SocketAddr) -> bool,
    ) -> io::Result<Vec<SocketReading>> {
        let mut out = Vec::new();
        for family in [AF_INET, AF_INET6] {
            let id = if family == AF_INET {
                SocketId::new_v4()
            } else {
                SocketId::new_v6()
            };
            self.request(family, id, true, &mut |r| {
                if keep(r.local, r.remote) {
                    out.push(r);
                }
            })?;
        }
        Ok(out)
    }

    /// The socket with exactly these addresses (a hash lookup in the kernel: tens of µs);
    /// `None` when the kernel has no such socket any more.
    pub fn query(
        &mut self,
        local: SocketAddr,
        remote: SocketAddr,
    ) -> io::Result<Option<SocketReading>> {
        let family = if local.is_ipv4() { AF_INET } else { AF_INET6 };
        let id = SocketId {
            source_port: local.port(),
            destination_port: remote.port(),
            source_address: local.ip(),
            destination_address: remote.ip(),
            interface_id: 0,
            // INET_DIAG_NOCOOKIE: match by the addresses alone.
            cookie: [0xff; 8],
        };
        let mut found = None;
        match self.request(family, id, false, &mut |r| found = Some(r)) {
            Ok(()) => Ok(found),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Sends one request (a dump when `dump`) and hands each socket of the answer to `each`.
    fn request(
        &mut self,
        family: u8,
        socket_id: SocketId,
        dump: bool,
        each: &mut dyn FnMut(SocketReading),
    ) -> io::Result<()> {
        self.seq = self.seq.wrapping_add(1);
        let mut header = NetlinkHeader::default();
        header.flags = NLM_F_REQUEST | if dump { NLM_F_DUMP } else { 0 };
        header.sequence_number = self.seq;
        let mut request = NetlinkMessage::new(
            header,
            SockDiagMessage::InetRequest(InetRequest {
                family,
                protocol: IPPROTO_TCP,
                extensions: ExtensionFlags::INFO | ExtensionFlags::CONG | ExtensionFlags::SKMEMINFO,
                states: StateFlags::all(),
                socket_id,
            })
            .into(),
        );
        request.finalize();
        let mut bytes = vec![0; request.buffer_len()];
        request.serialize(&mut bytes);
        self.socket.send(&bytes, 0)?;
        loop {
            let size = self.socket.recv(&mut &mut self.buf[..], 0)?;
            let mut offset = 0;
            while offset < size {
                let msg = NetlinkMessage::<SockDiagMessage>::deserialize(&self.buf[offset..size])
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
                let len = msg.header.length as usize;
                match msg.payload {
                    NetlinkPayload::Done(_) => return Ok(()),
                    NetlinkPayload::Error(e) if e.code.is_some() => return Err(e.to_io()),
                    NetlinkPayload::Error(_) => return Ok(()),
                    NetlinkPayload::InnerMessage(SockDiagMessage::InetResponse(r)) => {
                        if let Some(reading) = reading(&r) {
                            each(reading);
                        }
                        // An exact query has one answer and no Done message.
                        if !dump {
                            return Ok(());
                        }
                    }
                    _ => {}
                }
                if len == 0 {
                    break;
                }
                offset += len;
            }
        }
    }
}

/// The reading of one response, `None` for listening sockets.
fn reading(r: &InetResponse) -> Option<SocketReading> {
    let h = &r.header;
    if h.state == TCP_LISTEN {
        return None;
    }
    let id = &h.socket_id;
    let mut out = SocketReading {
        local: SocketAddr::new(id.source_address, id.source_port),
        remote: SocketAddr::new(id.destination_address, id.destination_port),
        state: state_name(h.state),
        rqueue: h.recv_queue,
        wqueue: h.send_queue,
        cong: None,
        sndbuf: None,
        wmem_queued: None,
        info: None,
    };
    for nla in &r.nlas {
        match nla {
            Nla::TcpInfo(t) => out.info = Some(tcp_info(t)),
            Nla::Congestion(name) => out.cong = Some(name.clone()),
            Nla::MemInfo(m) => {
                out.sndbuf = Some(m.send_queue_max);
                out.wmem_queued = Some(m.send_queue);
            }
            _ => {}
        }
    }
    Some(out)
}

/// The crate's parse of `struct tcp_info`, in synack's type.
fn tcp_info(t: &netlink_packet_sock_diag::inet::nlas::TcpInfo) -> TcpInfo {
    TcpInfo {
        ca_state: CaState::from_kernel(t.ca_state),
        retransmits: t.retransmits,
        probes: t.probes,
        backoff: t.backoff,
        options: t.options,
        wscale: t.wscale,
        delivery_rate_app_limited: t.delivery_rate_app_limited,
        rto: t.rto,
        ato: t.ato,
        snd_mss: t.snd_mss,
        rcv_mss: t.rcv_mss,
        unacked: t.unacked,
        sacked: t.sacked,
        lost: t.lost,
        retrans: t.retrans,
        fackets: t.fackets,
        last_data_sent: t.last_data_sent,
        last_ack_sent: t.last_ack_sent,
        last_data_recv: t.last_data_recv,
        last_ack_recv: t.last_ack_recv,
        pmtu: t.pmtu,
        rcv_ssthresh: t.rcv_ssthresh,
        rtt: t.rtt,
        rttvar: t.rttvar,
        snd_ssthresh: t.snd_ssthresh,
        snd_cwnd: t.snd_cwnd,
        advmss: t.advmss,
        reordering: t.reordering,
        rcv_rtt: t.rcv_rtt,
        rcv_space: t.rcv_space,
        total_retrans: t.total_retrans,
        pacing_rate: t.pacing_rate,
        max_pacing_rate: t.max_pacing_rate,
        bytes_acked: t.bytes_acked,
        bytes_received: t.bytes_received,
        segs_out: t.segs_out,
        segs_in: t.segs_in,
        notsent_bytes: t.notsent_bytes,
        min_rtt: t.min_rtt,
        data_segs_in: t.data_segs_in,
        data_segs_out: t.data_segs_out,
        delivery_rate: t.delivery_rate,
        busy_time: t.busy_time,
        rwnd_limited: t.rwnd_limited,
        sndbuf_limited: t.sndbuf_limited,
        delivered: t.delivered,
        delivered_ce: t.delivered_ce,
        bytes_sent: t.bytes_sent,
        bytes_retrans: t.bytes_retrans,
        dsack_dups: t.dsack_dups,
        reord_seen: t.reord_seen,
        rcv_ooopack: t.rcv_ooopack,
        snd_wnd: t.snd_wnd,
    }
}
