//! The connections table (`synack flows --format parquet|csv|json`): one row per connection,
//! Zeek's conn.log columns first (dots flattened to `_`), the Community ID, then synack's own
//! TCP health columns.

use std::net::SocketAddr;
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int32Array, Int64Array, RecordBatch};
use arrow_array::{StringArray, TimestampMicrosecondArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use sha1::{Digest, Sha1};

use crate::analysis::{community_id_v1, Cause, Connection, Direction, Flag, FlowProto, LimitedBy};
use crate::calls::TcpInfoSample;
use crate::pipeline::MessageTable;

/// Columns whose meaning Zeek's conn.log defines, in its order.
pub const ZEEK_COLUMNS: [&str; 15] = [
    "ts",
    "uid",
    "id_orig_h",
    "id_orig_p",
    "id_resp_h",
    "id_resp_p",
    "proto",
    "duration",
    "orig_bytes",
    "resp_bytes",
    "conn_state",
    "history",
    "orig_pkts",
    "resp_pkts",
    "missed_bytes",
];

/// The two directions, in column-name order (`orig_`, `resp_`).
const SIDES: [(Direction, &str); 2] = [
    (Direction::ClientToServer, "orig"),
    (Direction::ServerToClient, "resp"),
];

/// The table's schema (every table of a dataset has this one).
pub fn flows_schema() -> SchemaRef {
    let mut fields = vec![
        Field::new("ts", super::packets::utc_micros(), true),
        Field::new("uid", DataType::Utf8, false),
        Field::new("id_orig_h", DataType::Utf8, false),
        Field::new("id_orig_p", DataType::Int32, false),
        Field::new("id_resp_h", DataType::Utf8, false),
        Field::new("id_resp_p", DataType::Int32, false),
        Field::new("proto", DataType::Utf8, false),
        Field::new("duration", DataType::Float64, false),
        Field::new("orig_bytes", DataType::Int64, false),
        Field::new("resp_bytes", DataType::Int64, false),
        Field::new("conn_state", DataType::Utf8, false),
        Field::new("history", DataType::Utf8, false),
        Field::new("orig_pkts", DataType::Int64, false),
        Field::new("resp_pkts", DataType::Int64, false),
        Field::new("missed_bytes", DataType::Int64, false),
        Field::new("community_id", DataType::Utf8, true),
        Field::new("stream", DataType::Int64, false),
        Field::new("vlan", DataType::Utf8, true),
        Field::new("close", DataType::Utf8, true),
        Field::new("handshake_rtt_ms", DataType::Float64, true),
        Field::new("sack_permitted", DataType::Boolean, false),
        Field::new("timestamps", DataType::Boolean, false),
    ];
    for (_, side) in SIDES {
        fields.push(Field::new(format!("{side}_mss"), DataType::Int32, true));
        fields.push(Field::new(format!("{side}_wscale"), DataType::Int32, true));
        fields.push(Field::new(
            format!("{side}_final_state"),
            DataType::Utf8,
            true,
        ));
    }
    for f in Flag::ALL {
        fields.push(Field::new(f.name(), DataType::Int64, false));
    }
    fields.push(Field::new("framing", DataType::Utf8, true));
    for what in MESSAGE_COLUMNS {
        for (_, side) in SIDES {
            fields.push(Field::new(format!("{side}_{what}"), DataType::Int64, true));
        }
    }
    for (_, side) in SIDES {
        fields.push(Field::new(
            format!("{side}_limited_by"),
            DataType::Utf8,
            true,
        ));
        fields.push(Field::new(
            format!("{side}_limited_source"),
            DataType::Utf8,
            true,
        ));
        for c in Cause::ALL {
            fields.push(Field::new(
                format!("{side}_{}_s", c.name()),
                DataType::Float64,
                true,
            ));
        }
    }
    Arc::new(Schema::new(fields))
}

/// The message counts' columns, each per side.
const MESSAGE_COLUMNS: [&str; 4] = ["messages", "coalesced_segments", "split_messages", "gaps"];

/// One sender's verdict: where it came from and its totals.
struct Limit {
    source: &'static str,
    totals: LimitedBy,
}

/// Each sender's verdict, the kernel's where `tcp_info` has readings of its socket, else the
/// wire's (what `synack flows` prints).
fn limits(c: &Connection, tcp_info: &[TcpInfoSample]) -> [Option<Limit>; 2] {
    let mut out: [Option<Limit>; 2] = [None, None];
    for (d, source, totals) in crate::kernel::limits::sender_verdicts(c, tcp_info) {
        out[d.index()] = Some(Limit { source, totals });
    }
    out
}

/// A stable Zeek-style connection id: `C` and 17 base-62 digits of a hash of the
/// connection's first time, protocol and endpoints, so the same connection has the same uid
/// in every run and on every machine (Zeek's own are random).
pub fn connection_uid(c: &Connection) -> String {
    let mut h = Sha1::new();
    h.update(c.first_ts.map_or(0, |t| t.as_nanos()).to_be_bytes());
    h.update([u8::from(c.proto == FlowProto::Tcp)]);
    h.update(c.originator.to_string().as_bytes());
    h.update(c.responder.to_string().as_bytes());
    let d = h.finalize();
    let mut n = u128::from_be_bytes(d[..16].try_into().expect("16 bytes")) >> 32;
    const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut uid = String::from("C");
    for _ in 0..17 {
        uid.push(char::from(DIGITS[(n % 62) as usize]));
        n /= 62;
    }
    uid
}

/// The Community ID of a connection (seed 0), from the originator's side.
pub fn connection_community_id(c: &Connection) -> Option<String> {
    let proto = match c.proto {
        FlowProto::Tcp => 6,
        FlowProto::Udp => 17,
    };
    let (o, r): (SocketAddr, SocketAddr) = (c.originator, c.responder);
    community_id_v1(0, proto, o.ip(), o.port(), r.ip(), r.port())
}

/// The connections table of `conns` (in their order), with their message counts and the
/// kernel's readings when the capture came with a calls trace that has them.
pub fn flows_batch(
    conns: &[&Connection],
    messages: &MessageTable,
    tcp_info: &[TcpInfoSample],
) -> RecordBatch {
    let mut cols: Vec<ArrayRef> = Vec::new();
    let each = |f: &dyn Fn(&Connection) -> i64| -> ArrayRef {
        Arc::new(Int64Array::from_iter_values(conns.iter().map(|c| f(c))))
    };
    let text = |f: &dyn Fn(&Connection) -> String| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(conns.iter().map(|c| f(c))))
    };
    cols.push(Arc::new(
        TimestampMicrosecondArray::from_iter(
            conns.iter().map(|c| super::packets::micros(c.first_ts)),
        )
        .with_timezone("+00:00"),
    ));
    cols.push(text(&connection_uid));
    cols.push(text(&|c| c.originator.ip().to_string()));
    cols.push(Arc::new(Int32Array::from_iter_values(
        conns.iter().map(|c| i32::from(c.originator.port())),
    )));
    cols.push(text(&|c| c.responder.ip().to_string()));
    cols.push(Arc::new(Int32Array::from_iter_values(
        conns.iter().map(|c| i32::from(c.responder.port())),
    )));
    cols.push(text(&|c| c.proto.name().to_string()));
    cols.push(Arc::new(Float64Array::from_iter_values(
        conns.iter().map(|c| c.duration_ns() as f64 / 1e9),
    )));
    cols.push(each(&|c| c.bytes[0] as i64));
    cols.push(each(&|c| c.bytes[1] as i64));
    cols.push(text(&|c| c.zeek_state().to_string()));
    cols.push(text(&Connection::history));
    cols.push(each(&|c| c.packets[0] as i64));
    cols.push(each(&|c| c.packets[1] as i64));
    let counts = |c: &Connection| messages.get(&c.stream).filter(|_| c.tcp.is_some());
    cols.push(each(&|c| {
        counts(c).map_or(0, |m| (m.missed_bytes[0] + m.missed_bytes[1]) as i64)
    }));
    cols.push(Arc::new(StringArray::from_iter(
        conns.iter().map(|c| connection_community_id(c)),
    )));
    cols.push(each(&|c| i64::from(c.stream)));
    cols.push(Arc::new(StringArray::from_iter(conns.iter().map(|c| {
        let v = c.vlan.as_slice();
        (!v.is_empty()).then(|| v.iter().map(u16::to_string).collect::<Vec<_>>().join("."))
    }))));
    cols.push(Arc::new(StringArray::from_iter(
        conns.iter().map(|c| c.close_pattern().map(|p| p.name())),
    )));
    cols.push(Arc::new(Float64Array::from_iter(
        conns.iter().map(|c| c.handshake_rtt_ms()),
    )));
    let negotiated = |c: &Connection| c.tcp.as_ref().map(|t| t.negotiated()).unwrap_or_default();
    cols.push(Arc::new(BooleanArray::from_iter(
        conns.iter().map(|c| Some(negotiated(c).sack_permitted)),
    )));
    cols.push(Arc::new(BooleanArray::from_iter(
        conns.iter().map(|c| Some(negotiated(c).timestamps)),
    )));
    for (d, _) in SIDES {
        let i = d.index();
        cols.push(Arc::new(Int32Array::from_iter(
            conns.iter().map(|c| negotiated(c).mss[i].map(i32::from)),
        )));
        cols.push(Arc::new(Int32Array::from_iter(
            conns
                .iter()
                .map(|c| negotiated(c).window_scale[i].map(i32::from)),
        )));
        cols.push(Arc::new(StringArray::from_iter(
            conns.iter().map(|c| c.states().map(|s| s[i].name())),
        )));
    }
    for f in Flag::ALL {
        cols.push(each(&|c| c.flag_count(f) as i64));
    }
    cols.push(Arc::new(StringArray::from_iter(
        conns.iter().map(|c| counts(c).map(|m| m.framing.clone())),
    )));
    for what in MESSAGE_COLUMNS {
        for (d, _) in SIDES {
            let i = d.index();
            cols.push(Arc::new(Int64Array::from_iter(conns.iter().map(|c| {
                counts(c).map(|m| {
                    (match what {
                        "messages" => m.messages[i],
                        "coalesced_segments" => m.coalesced_segments[i],
                        "split_messages" => m.split_messages[i],
                        _ => m.gaps[i],
                    }) as i64
                })
            }))));
        }
    }
    let verdicts: Vec<[Option<Limit>; 2]> = conns.iter().map(|c| limits(c, tcp_info)).collect();
    for (d, _) in SIDES {
        let i = d.index();
        cols.push(Arc::new(StringArray::from_iter(verdicts.iter().map(|v| {
            v[i].as_ref().and_then(|l| l.totals.main()).map(Cause::name)
        }))));
        cols.push(Arc::new(StringArray::from_iter(
            verdicts.iter().map(|v| v[i].as_ref().map(|l| l.source)),
        )));
        for cause in Cause::ALL {
            cols.push(Arc::new(Float64Array::from_iter(verdicts.iter().map(
                |v| {
                    v[i].as_ref()
                        .map(|l| (l.totals.seconds(cause) * 1e6).round() / 1e6)
                },
            ))));
        }
    }
    RecordBatch::try_new(flows_schema(), cols).expect("the columns match the schema")
}
