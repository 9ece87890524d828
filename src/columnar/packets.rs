//! The packets table (`synack read --format parquet`): one row per frame with what `synack
//! read --json` says of it, flattened: time, addresses, ports, TCP flags, relative and raw
//! sequence numbers, lengths, the connection's stream and direction, one boolean column per
//! analysis flag, the handshake/teardown events and both sides' states after the packet.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int32Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

use crate::analysis::{Annotation, Flag};
use crate::capture::{Frame, Timestamp};
use crate::decode::{Packet, Transport};

/// The time columns' type: microseconds, UTC (Spark reads no finer unit).
pub(super) fn utc_micros() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("+00:00".into()))
}

/// Microseconds since the epoch (cut to the microsecond, as the time columns hold them).
pub(super) fn micros(t: Option<Timestamp>) -> Option<i64> {
    t.map(|t| t.as_nanos().div_euclid(1000))
}

/// The packets table's schema.
pub fn packets_schema() -> SchemaRef {
    let int = |name: &str| Field::new(name, DataType::Int64, true);
    let small = |name: &str| Field::new(name, DataType::Int32, true);
    let text = |name: &str| Field::new(name, DataType::Utf8, true);
    let mut fields = vec![
        Field::new("frame", DataType::Int64, false),
        Field::new("ts", utc_micros(), true),
        Field::new("caplen", DataType::Int64, false),
        Field::new("len", DataType::Int64, false),
        Field::new("link", DataType::Utf8, false),
        text("vlan"),
        text("src"),
        text("dst"),
        Field::new("proto", DataType::Utf8, false),
        small("sport"),
        small("dport"),
        small("ip_version"),
        text("tcp_flags"),
        int("seq"),
        int("ack"),
        int("seq_raw"),
        int("ack_raw"),
        small("win"),
        int("win_calc"),
        int("tcp_len"),
        small("tcp_hdr_len"),
        int("udp_len"),
        small("icmp_type"),
        small("icmp_code"),
        int("stream"),
        text("direction"),
        text("orig_state"),
        text("resp_state"),
        int("bytes_in_flight"),
        int("acks_frame"),
        Field::new("ack_rtt", DataType::Float64, true),
        text("events"),
    ];
    for f in Flag::ALL {
        fields.push(Field::new(f.name(), DataType::Boolean, false));
    }
    Arc::new(Schema::new(fields))
}

/// Rows gathered until [`PacketsTable::take_batch`] turns them into a batch.
#[derive(Debug)]
pub struct PacketsTable {
    frame: Int64Builder,
    ts: TimestampMicrosecondBuilder,
    caplen: Int64Builder,
    len: Int64Builder,
    link: StringBuilder,
    vlan: StringBuilder,
    src: StringBuilder,
    dst: StringBuilder,
    proto: StringBuilder,
    sport: Int32Builder,
    dport: Int32Builder,
    ip_version: Int32Builder,
    tcp_flags: StringBuilder,
    seq: Int64Builder,
    ack: Int64Builder,
    seq_raw: Int64Builder,
    ack_raw: Int64Builder,
    win: Int32Builder,
    win_calc: Int64Builder,
    tcp_len: Int64Builder,
    tcp_hdr_len: Int32Builder,
    udp_len: Int64Builder,
    icmp_type: Int32Builder,
    icmp_code: Int32Builder,
    stream: Int64Builder,
    direction: StringBuilder,
    orig_state: StringBuilder,
    resp_state: StringBuilder,
    bytes_in_flight: Int64Builder,
    acks_frame: Int64Builder,
    ack_rtt: Float64Builder,
    events: StringBuilder,
    flags: Vec<BooleanBuilder>,
    rows: usize,
}

impl Default for PacketsTable {
    fn default() -> Self {
        PacketsTable::new()
    }
}

impl PacketsTable {
    /// An empty table.
    pub fn new() -> PacketsTable {
        PacketsTable {
            frame: Int64Builder::new(),
            ts: TimestampMicrosecondBuilder::new().with_data_type(utc_micros()),
            caplen: Int64Builder::new(),
            len: Int64Builder::new(),
            link: StringBuilder::new(),
            vlan: StringBuilder::new(),
            src: StringBuilder::new(),
            dst: StringBuilder::new(),
            proto: StringBuilder::new(),
            sport: Int32Builder::new(),
            dport: Int32Builder::new(),
            ip_version: Int32Builder::new(),
            tcp_flags: StringBuilder::new(),
            seq: Int64Builder::new(),
            ack: Int64Builder::new(),
            seq_raw: Int64Builder::new(),
            ack_raw: Int64Builder::new(),
            win: Int32Builder::new(),
            win_calc: Int64Builder::new(),
            tcp_len: Int64Builder::new(),
            tcp_hdr_len: Int32Builder::new(),
            udp_len: Int64Builder::new(),
            icmp_type: Int32Builder::new(),
            icmp_code: Int32Builder::new(),
            stream: Int64Builder::new(),
            direction: StringBuilder::new(),
            orig_state: StringBuilder::new(),
            resp_state: StringBuilder::new(),
            bytes_in_flight: Int64Builder::new(),
            acks_frame: Int64Builder::new(),
            ack_rtt: Float64Builder::new(),
            events: StringBuilder::new(),
            flags: Flag::ALL.iter().map(|_| BooleanBuilder::new()).collect(),
            rows: 0,
        }
    }

    /// Rows gathered since the last batch.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Adds one frame's row: its decoded packet and the engine's annotation. Sequence and
    /// acknowledgment numbers are relative (Wireshark's) where the engine gives them, as in
    /// `synack read`; `seq_raw`/`ack_raw` are the fields as sent.
    pub fn push(&mut self, frame: &Frame<'_>, packet: &Packet, ann: &Annotation) {
        self.rows += 1;
        self.frame.append_value(frame.number as i64);
        self.ts.append_option(micros(frame.ts));
        self.caplen.append_value(i64::from(frame.caplen()));
        self.len.append_value(i64::from(frame.len));
        self.link.append_value(frame.link.to_string());
        let vlan = packet.vlan.as_slice();
        self.vlan.append_option((!vlan.is_empty()).then(|| {
            vlan.iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(".")
        }));
        let (src, dst) = packet.addresses();
        self.src.append_option(src);
        self.dst.append_option(dst);
        self.proto.append_value(packet.proto_name());
        let ports = packet.ports();
        self.sport.append_option(ports.map(|p| i32::from(p.0)));
        self.dport.append_option(ports.map(|p| i32::from(p.1)));
        self.ip_version
            .append_option(packet.ip().map(|i| i32::from(i.version)));
        let tcp = packet.tcp();
        let a = ann.tcp.as_ref();
        self.tcp_flags.append_option(tcp.map(|t| t.flags.letters()));
        self.seq
            .append_option(tcp.map(|t| i64::from(a.map_or(t.seq, |a| a.seq))));
        self.ack
            .append_option(tcp.map(|t| i64::from(a.map_or(t.ack, |a| a.ack))));
        self.seq_raw.append_option(tcp.map(|t| i64::from(t.seq)));
        self.ack_raw.append_option(tcp.map(|t| i64::from(t.ack)));
        self.win.append_option(tcp.map(|t| i32::from(t.window)));
        self.win_calc
            .append_option(tcp.and(a).map(|a| i64::from(a.window)));
        self.tcp_len.append_option(tcp.map(|t| i64::from(t.len)));
        self.tcp_hdr_len
            .append_option(tcp.map(|t| i32::from(t.header_len)));
        let (udp_len, icmp) = match &packet.transport {
            Transport::Udp(u) => (Some(i64::from(u.len)), None),
            Transport::Icmp(i) | Transport::Icmpv6(i) => (None, Some((i.icmp_type, i.code))),
            _ => (None, None),
        };
        self.udp_len.append_option(udp_len);
        self.icmp_type.append_option(icmp.map(|i| i32::from(i.0)));
        self.icmp_code.append_option(icmp.map(|i| i32::from(i.1)));
        self.stream
            .append_option(ann.flow.map(|f| i64::from(f.stream)));
        self.direction
            .append_option(ann.flow.map(|f| f.direction.short()));
        self.orig_state
            .append_option(tcp.and(a).map(|a| a.states[0].name()));
        self.resp_state
            .append_option(tcp.and(a).map(|a| a.states[1].name()));
        self.bytes_in_flight
            .append_option(a.and_then(|a| a.acked.bytes_in_flight).map(i64::from));
        self.acks_frame
            .append_option(a.and_then(|a| a.acked.acks_frame).map(|f| f as i64));
        self.ack_rtt
            .append_option(a.and_then(|a| a.acked.ack_rtt()).map(|ns| ns as f64 / 1e9));
        self.events
            .append_option(a.filter(|a| !a.events.as_slice().is_empty()).map(|a| {
                a.events
                    .as_slice()
                    .iter()
                    .map(|e| e.name())
                    .collect::<Vec<_>>()
                    .join(",")
            }));
        for (f, column) in Flag::ALL.into_iter().zip(&mut self.flags) {
            column.append_value(a.is_some_and(|a| a.tags.has(f)));
        }
    }

    /// The rows gathered so far as a batch; the table starts empty again.
    pub fn take_batch(&mut self) -> RecordBatch {
        self.rows = 0;
        let mut cols: Vec<ArrayRef> = vec![
            Arc::new(self.frame.finish()),
            Arc::new(self.ts.finish()),
            Arc::new(self.caplen.finish()),
            Arc::new(self.len.finish()),
            Arc::new(self.link.finish()),
            Arc::new(self.vlan.finish()),
            Arc::new(self.src.finish()),
            Arc::new(self.dst.finish()),
            Arc::new(self.proto.finish()),
            Arc::new(self.sport.finish()),
            Arc::new(self.dport.finish()),
            Arc::new(self.ip_version.finish()),
            Arc::new(self.tcp_flags.finish()),
            Arc::new(self.seq.finish()),
            Arc::new(self.ack.finish()),
            Arc::new(self.seq_raw.finish()),
            Arc::new(self.ack_raw.finish()),
            Arc::new(self.win.finish()),
            Arc::new(self.win_calc.finish()),
            Arc::new(self.tcp_len.finish()),
            Arc::new(self.tcp_hdr_len.finish()),
            Arc::new(self.udp_len.finish()),
            Arc::new(self.icmp_type.finish()),
            Arc::new(self.icmp_code.finish()),
            Arc::new(self.stream.finish()),
            Arc::new(self.direction.finish()),
            Arc::new(self.orig_state.finish()),
            Arc::new(self.resp_state.finish()),
            Arc::new(self.bytes_in_flight.finish()),
            Arc::new(self.acks_frame.finish()),
            Arc::new(self.ack_rtt.finish()),
            Arc::new(self.events.finish()),
        ];
        cols.extend(
            self.flags
                .iter_mut()
                .map(|b| Arc::new(b.finish()) as ArrayRef),
        );
        RecordBatch::try_new(packets_schema(), cols).expect("the columns match the schema")
    }
}
