//! The engine's per-packet annotation as the display filter sees it (`tcp.stream`,
//! `tcp.analysis.*` flags and wire metrics, relative seq/ack), so `synack read -Y` and the
//! GUI filter alike.

use super::AnalysisFields;
use crate::analysis::{Annotation, Flag, FlowProto};

impl AnalysisFields for Annotation {
    fn tcp_stream(&self) -> Option<u64> {
        self.flow
            .filter(|f| f.proto == FlowProto::Tcp)
            .map(|f| u64::from(f.stream))
    }

    fn udp_stream(&self) -> Option<u64> {
        self.flow
            .filter(|f| f.proto == FlowProto::Udp)
            .map(|f| u64::from(f.stream))
    }

    fn rel_seq(&self) -> Option<u32> {
        self.tcp.map(|t| t.seq)
    }

    fn rel_ack(&self) -> Option<u32> {
        self.tcp.map(|t| t.ack)
    }

    fn window_size(&self) -> Option<u64> {
        self.tcp.map(|t| u64::from(t.window))
    }

    fn has_flag(&self, flag: Flag) -> bool {
        self.tcp.is_some_and(|t| t.tags.has(flag))
    }

    fn any_flag(&self) -> bool {
        self.tcp.is_some_and(|t| !t.tags.is_empty())
    }

    fn bytes_in_flight(&self) -> Option<u32> {
        self.tcp.and_then(|t| t.acked.bytes_in_flight)
    }

    fn ack_rtt_ns(&self) -> Option<i64> {
        self.tcp.and_then(|t| t.acked.ack_rtt())
    }

    fn acks_frame(&self) -> Option<u64> {
        self.tcp.and_then(|t| t.acked.acks_frame)
    }
}
