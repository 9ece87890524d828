//! One reading of one socket's kernel state, as the calls trace stores it (its `tcp_info`
//! list; `crate::kernel` takes the readings).
//!
//! Field names are the kernel's: `struct tcp_info` without its `tcpi_` prefix (`snd_cwnd`,
//! `snd_ssthresh`, `rtt`, `rto`, ... in the kernel's units: segments, microseconds, bytes),
//! `inet_diag_msg`'s queue lengths without `idiag_` (`rqueue`, `wqueue`), the socket memory
//! of `SK_MEMINFO_*` (`sndbuf`, `wmem_queued`), and the congestion control algorithm
//! (`cong`). Values that are enumerations in the kernel are written by name: `state` as
//! synack and the RFC name them (`ESTABLISHED`, `TIME_WAIT`), `ca_state` as the kernel's
//! `TCP_CA_*` constants (`Open`, `Disorder`, `CWR`, `Recovery`, `Loss`).

use serde::{Deserialize, Serialize};

/// `snd_ssthresh` before the first loss: the kernel's `TCP_INFINITE_SSTHRESH`.
pub const INFINITE_SSTHRESH: u32 = 0x7fff_ffff;

/// One socket's state at one instant. `Default` is an empty reading (no address, no state,
/// no `tcp_info`), for building one field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TcpInfoSample {
    /// When it was read, ns since the Unix epoch (CLOCK_REALTIME, the capture's clock).
    pub t_ns: i64,
    /// Who owns the socket (`client`, `server`, ...), from the calls made on it; empty when
    /// no traced call names it.
    #[serde(default)]
    pub actor: String,
    /// Connection number of the calls trace (0 when unknown).
    #[serde(default)]
    pub conn: u32,
    /// The socket's own address (`ip:port`).
    pub local: String,
    /// The peer's address.
    pub remote: String,
    /// TCP state (`ESTABLISHED`, `FIN_WAIT1`, `TIME_WAIT`, ..., `CLOSED` once gone).
    pub state: String,
    /// The socket has left the kernel's table since the previous reading: it is `CLOSED`
    /// (no other field was read).
    #[serde(default, skip_serializing_if = "is_false")]
    pub gone: bool,
    /// The reading was taken right after a traced call (else by the timer).
    #[serde(default, skip_serializing_if = "is_false")]
    pub at_call: bool,
    /// Bytes in the receive queue not yet read by the application (`idiag_rqueue`).
    #[serde(default)]
    pub rqueue: u32,
    /// Bytes in the send queue: written by the application and not yet acknowledged
    /// (`idiag_wqueue`).
    #[serde(default)]
    pub wqueue: u32,
    /// Congestion control algorithm (`cubic`, `reno`, `bbr`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cong: Option<String>,
    /// The send buffer's size, `SO_SNDBUF` as the kernel holds it (`SK_MEMINFO_SNDBUF`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sndbuf: Option<u32>,
    /// Memory queued for sending (`SK_MEMINFO_WMEM_QUEUED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wmem_queued: Option<u32>,
    /// `struct tcp_info`; absent for sockets that have none (TIME_WAIT, SYN_RECV, gone).
    #[serde(default, flatten, skip_serializing_if = "Option::is_none")]
    pub info: Option<TcpInfo>,
}

impl TcpInfoSample {
    /// The same reading of the same socket but for what grows with the clock alone: the
    /// `last_*` ages, and `busy_time` while both readings have data unacknowledged or unsent
    /// (the kernel's busy chrono runs). `t_ns` and `at_call` say when and why it was read,
    /// not what.
    pub fn says_the_same(&self, other: &TcpInfoSample) -> bool {
        let info = match (&self.info, &other.info) {
            (Some(a), Some(b)) => {
                let busy = |i: &TcpInfo| i.unacked > 0 || i.notsent_bytes > 0;
                let b = if busy(a) && busy(b) {
                    TcpInfo {
                        busy_time: a.busy_time,
                        ..*b
                    }
                } else {
                    *b
                };
                a.same_state(&b)
            }
            (a, b) => a.is_none() && b.is_none(),
        };
        info && self.actor == other.actor
            && self.conn == other.conn
            && self.local == other.local
            && self.remote == other.remote
            && self.state == other.state
            && self.gone == other.gone
            && self.rqueue == other.rqueue
            && self.wqueue == other.wqueue
            && self.cong == other.cong
            && self.sndbuf == other.sndbuf
            && self.wmem_queued == other.wmem_queued
    }
}

/// The readings a calls trace file keeps: all but those inside a run of readings of one
/// socket that say the same ([`TcpInfoSample::says_the_same`]): a reading taken by the
/// timer, the socket not gone, the same as the reading of that socket before it and the one
/// after it. Each run keeps its first and last reading, so every figure drawn or derived
/// from the readings (steps, intervals, the time per limiting cause) is the same as from
/// all of them; at `--sample-ms 1`, a transfer stalled by a retransmission timeout writes
/// two readings instead of one per millisecond.
pub fn written_readings(samples: &[TcpInfoSample]) -> impl Iterator<Item = &TcpInfoSample> {
    // The reading of the same socket before and after each one.
    let mut neighbours: Vec<(Option<usize>, Option<usize>)> = vec![(None, None); samples.len()];
    let mut last_of: std::collections::HashMap<(&str, &str), usize> =
        std::collections::HashMap::new();
    for (i, s) in samples.iter().enumerate() {
        if let Some(p) = last_of.insert((s.local.as_str(), s.remote.as_str()), i) {
            neighbours[i].0 = Some(p);
            neighbours[p].1 = Some(i);
        }
    }
    samples.iter().zip(neighbours).filter_map(|(s, around)| {
        let inside = match around {
            (Some(p), Some(n)) => {
                !s.at_call && !s.gone && samples[p].says_the_same(s) && s.says_the_same(&samples[n])
            }
            _ => false,
        };
        (!inside).then_some(s)
    })
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The kernel's `struct tcp_info` (Linux 6.x), field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[allow(missing_docs)] // the kernel's names, documented in include/uapi/linux/tcp.h
pub struct TcpInfo {
    /// Congestion-avoidance state (`Open`, `Disorder`, `CWR`, `Recovery`, `Loss`).
    pub ca_state: CaState,
    pub retransmits: u8,
    pub probes: u8,
    pub backoff: u8,
    pub options: u8,
    pub wscale: u8,
    pub delivery_rate_app_limited: u8,
    /// Retransmission timeout, µs.
    pub rto: u32,
    pub ato: u32,
    /// Sender MSS, bytes (`snd_cwnd × snd_mss` is the window in bytes).
    pub snd_mss: u32,
    pub rcv_mss: u32,
    /// Segments sent and not yet acknowledged.
    pub unacked: u32,
    pub sacked: u32,
    pub lost: u32,
    pub retrans: u32,
    pub fackets: u32,
    pub last_data_sent: u32,
    pub last_ack_sent: u32,
    pub last_data_recv: u32,
    pub last_ack_recv: u32,
    pub pmtu: u32,
    pub rcv_ssthresh: u32,
    /// Smoothed RTT, µs.
    pub rtt: u32,
    /// RTT variation, µs.
    pub rttvar: u32,
    /// Slow-start threshold, segments ([`INFINITE_SSTHRESH`] before any loss).
    pub snd_ssthresh: u32,
    /// Congestion window, segments.
    pub snd_cwnd: u32,
    pub advmss: u32,
    pub reordering: u32,
    pub rcv_rtt: u32,
    pub rcv_space: u32,
    pub total_retrans: u32,
    pub pacing_rate: u64,
    pub max_pacing_rate: u64,
    pub bytes_acked: u64,
    pub bytes_received: u64,
    pub segs_out: u32,
    pub segs_in: u32,
    pub notsent_bytes: u32,
    pub min_rtt: u32,
    pub data_segs_in: u32,
    pub data_segs_out: u32,
    pub delivery_rate: u64,
    /// Time busy sending data, µs.
    pub busy_time: u64,
    /// Time limited by the receiver's window, µs.
    pub rwnd_limited: u64,
    /// Time limited by the send buffer, µs.
    pub sndbuf_limited: u64,
    pub delivered: u32,
    pub delivered_ce: u32,
    pub bytes_sent: u64,
    pub bytes_retrans: u64,
    pub dsack_dups: u32,
    pub reord_seen: u32,
    pub rcv_ooopack: u32,
    /// The peer's advertised window after scaling, bytes.
    pub snd_wnd: u32,
}

impl TcpInfo {
    /// The congestion window in bytes (`snd_cwnd × snd_mss`).
    pub fn cwnd_bytes(&self) -> u64 {
        u64::from(self.snd_cwnd) * u64::from(self.snd_mss)
    }

    /// The slow-start threshold in bytes, `None` while it is infinite.
    pub fn ssthresh_bytes(&self) -> Option<u64> {
        (self.snd_ssthresh < INFINITE_SSTHRESH)
            .then(|| u64::from(self.snd_ssthresh) * u64::from(self.snd_mss))
    }

    /// The same reading but for the ages (`last_*`), which change every millisecond while
    /// nothing else does: a sampler stores a reading only when this differs.
    pub fn same_state(&self, other: &TcpInfo) -> bool {
        let strip = |t: &TcpInfo| TcpInfo {
            last_data_sent: 0,
            last_ack_sent: 0,
            last_data_recv: 0,
            last_ack_recv: 0,
            ..*t
        };
        strip(self) == strip(other)
    }
}

/// The sender's congestion-avoidance state (`TCP_CA_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum CaState {
    /// Nothing bad seen.
    #[default]
    Open,
    /// Duplicate ACKs or SACKs: something may be lost or reordered.
    Disorder,
    /// The window was reduced after an ECN echo or a local congestion notice.
    #[serde(rename = "CWR")]
    Cwr,
    /// Fast recovery after a fast retransmission.
    Recovery,
    /// After a retransmission timeout: everything in flight is taken as lost.
    Loss,
    /// A value this version does not know.
    Unknown(u8),
}

impl CaState {
    /// From the kernel's number.
    pub fn from_kernel(v: u8) -> CaState {
        match v {
            0 => CaState::Open,
            1 => CaState::Disorder,
            2 => CaState::Cwr,
            3 => CaState::Recovery,
            4 => CaState::Loss,
            n => CaState::Unknown(n),
        }
    }

    /// The kernel's name (`Open`, `Recovery`, ...).
    pub fn name(self) -> &'static str {
        match self {
            CaState::Open => "Open",
            CaState::Disorder => "Disorder",
            CaState::Cwr => "CWR",
            CaState::Recovery => "Recovery",
            CaState::Loss => "Loss",
            CaState::Unknown(_) => "unknown",
        }
    }
}

/// The RFC 793 name of the kernel's `TCP_*` state number (`include/net/tcp_states.h`), as
/// synack's analysis names states.
pub fn state_name(v: u8) -> &'static str {
    match v {
        1 => "ESTABLISHED",
        2 => "SYN_SENT",
        3 => "SYN_RECEIVED",
        4 => "FIN_WAIT_1",
        5 => "FIN_WAIT_2",
        6 => "TIME_WAIT",
        7 => "CLOSED",
        8 => "CLOSE_WAIT",
        9 => "LAST_ACK",
        10 => "LISTEN",
        11 => "CLOSING",
        12 => "NEW_SYN_RECV",
        _ => "UNKNOWN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(info: Option<TcpInfo>) -> TcpInfoSample {
        TcpInfoSample {
            t_ns: 1_767_225_600_000_000_000,
            actor: "client".into(),
            conn: 1,
            local: "10.77.1.2:40000".into(),
            remote: "10.77.2.2:7070".into(),
            state: "ESTABLISHED".into(),
            gone: false,
            at_call: true,
            rqueue: 0,
            wqueue: 1448,
            cong: Some("cubic".into()),
            sndbuf: Some(87040),
            wmem_queued: Some(2304),
            info,
        }
    }

    #[test]
    fn serializes_kernel_names_flat_and_reads_back() {
        let info = TcpInfo {
            ca_state: CaState::Recovery,
            snd_cwnd: 10,
            snd_mss: 1448,
            snd_ssthresh: INFINITE_SSTHRESH,
            rtt: 250,
            ..TcpInfo::default()
        };
        let s = sample(Some(info));
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["snd_cwnd"], 10);
        assert_eq!(v["ca_state"], "Recovery");
        assert_eq!(v["rtt"], 250);
        assert_eq!(v["cong"], "cubic");
        assert_eq!(v["at_call"], true);
        assert!(v.get("gone").is_none(), "false flags are left out");
        let back: TcpInfoSample = serde_json::from_value(v).unwrap();
        assert_eq!(back, s);
        assert_eq!(info.cwnd_bytes(), 14_480);
        assert_eq!(info.ssthresh_bytes(), None);
    }

    #[test]
    fn a_sample_without_tcp_info_has_none() {
        let s = TcpInfoSample {
            state: "TIME_WAIT".into(),
            cong: None,
            sndbuf: None,
            wmem_queued: None,
            ..sample(None)
        };
        let v = serde_json::to_value(&s).unwrap();
        assert!(v.get("snd_cwnd").is_none());
        let back: TcpInfoSample = serde_json::from_value(v).unwrap();
        assert_eq!(back.info, None);
        assert_eq!(back.state, "TIME_WAIT");
    }

    #[test]
    fn ages_alone_do_not_make_a_new_state() {
        let a = TcpInfo {
            snd_cwnd: 10,
            last_data_sent: 3,
            ..TcpInfo::default()
        };
        let b = TcpInfo {
            last_data_sent: 9,
            last_ack_recv: 4,
            ..a
        };
        assert!(a.same_state(&b));
        assert!(!a.same_state(&TcpInfo { snd_cwnd: 7, ..a }));
    }

    #[test]
    fn state_names_follow_the_analysis() {
        use crate::analysis::TcpState;
        assert_eq!(state_name(1), TcpState::Established.name());
        assert_eq!(state_name(6), TcpState::TimeWait.name());
        assert_eq!(state_name(4), TcpState::FinWait1.name());
        assert_eq!(state_name(9), TcpState::LastAck.name());
        assert_eq!(state_name(7), TcpState::Closed.name());
        assert_eq!(CaState::from_kernel(3).name(), "Recovery");
    }
}
