//! The ladder of a connection held in the window's store: the store's packets turned into
//! the library's records ([`crate::ladder::Seen`]); everything else is
//! [`crate::ladder::LadderModel`], shared with `synack ladder`.

pub use crate::ladder::model::*;

use crate::analysis::FlowProto;
use crate::decode::Transport;
use crate::ladder::input::{seen, ConnInfo};

use super::super::selection::ConnRef;
use super::super::store::StoreData;

/// The ladder of every packet of `conn` stored so far (TCP or UDP).
pub fn full(data: &StoreData, conn: ConnRef) -> Option<LadderModel> {
    let record = data.connection(conn.proto, conn.stream)?;
    let frames = data.connection_frames(conn.proto, conn.stream);
    let mut records = Vec::with_capacity(frames.len());
    for &i in frames {
        let i = i as usize;
        let a = data.analysis(i);
        let Some(flow) = a.flow else { continue };
        let Some((owned, packet)) = data.packet(i) else {
            continue;
        };
        let frame = owned.as_frame();
        let ts = frame.ts.map(|t| t.as_nanos());
        let tcp = match (&packet.transport, a.tcp) {
            (Transport::Tcp(_), Some(t)) => Some(data.rich(i).unwrap_or_else(|| {
                // Packets without tags or events keep only the compact facts.
                crate::analysis::TcpAnnotation {
                    seq: t.seq,
                    ack: t.ack,
                    seq_raw: 0,
                    ack_raw: 0,
                    len: t.len,
                    next_seq: t.next_seq,
                    window: t.window,
                    window_scale: Default::default(),
                    tags: Default::default(),
                    events: Default::default(),
                    states: t.states,
                    initial_rtt_ns: None,
                    acked: Default::default(),
                }
            })),
            (Transport::Tcp(_), None) => continue,
            _ => None,
        };
        records.push(seen(
            i,
            frame.number,
            ts,
            &packet,
            packet.payload(frame.data),
            flow.direction,
            tcp.as_ref(),
        ));
    }
    if conn.proto == FlowProto::Tcp
        && records.iter().all(|r| r.tcp.is_none())
        && !records.is_empty()
    {
        return None;
    }
    let mut model = LadderModel::build(ConnInfo::of(record), &records);
    if let Some(trace) = &data.calls {
        crate::ladder::calls::add_call_notes(&mut model, trace);
        crate::ladder::kernel::add_kernel_notes(&mut model, trace);
    }
    Some(model)
}

/// The ladder of `conn`, leaving out packets after the replay cursor `until`.
pub fn build(data: &StoreData, conn: ConnRef, until: Option<usize>) -> Option<LadderModel> {
    let full = full(data, conn)?;
    Some(match until {
        Some(u) => full.prefix(full.rows.partition_point(|r| r.index <= u)),
        None => full,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::TcpState;

    use crate::ui::store::store_of_file as store;

    #[test]
    fn a_prefix_shows_only_what_had_happened() {
        // close-client-first (tshark): FIN 8 from the client, ACK 9, FIN 10, ACK 11.
        let data = store(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/captures/close-client-first.pcap"
        ));
        let conn = ConnRef::tcp(0);
        let full = build(&data, conn, None).unwrap();
        assert_eq!(full.rows.len(), 11);
        assert!(!full.cut);
        assert!(full.brackets[1].name.contains("four-way"));
        let at9 = build(&data, conn, data.index_of_number(9)).unwrap();
        assert_eq!(at9.rows.len(), 9);
        assert!(at9.cut);
        assert_eq!(
            at9.state_sequence(End::Server).last(),
            Some(&TcpState::CloseWait)
        );
        assert_eq!(
            at9.state_sequence(End::Client).last(),
            Some(&TcpState::FinWait2)
        );
        // The teardown has begun (rows 7-8 = frames 8-9) but its kind is not known yet.
        assert_eq!(at9.brackets[1].name, "Teardown: in progress");
        assert_eq!((at9.brackets[1].first, at9.brackets[1].last), (7, 8));
        // Before the first FIN there is no teardown bracket at all.
        let at7 = build(&data, conn, data.index_of_number(7)).unwrap();
        assert_eq!(at7.brackets.len(), 1);
        // The delays stay the whole connection's whatever the cursor.
        assert_eq!(at7.delays, full.delays);
    }

    #[test]
    fn the_store_and_the_file_give_the_same_ladder() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/loss.pcap");
        let data = store(path);
        let conn = ConnRef::tcp(0);
        let from_store = full(&data, conn).unwrap();
        let got = crate::ladder::collect(path.as_ref(), FlowProto::Tcp, 0).unwrap();
        let from_file = LadderModel::build(got.info.unwrap(), &got.seen);
        assert_eq!(from_store.rows.len(), from_file.rows.len());
        for (a, b) in from_store.rows.iter().zip(&from_file.rows) {
            assert_eq!(
                (a.number, &a.label, a.fate, a.depart_ns, a.arrive_ns),
                (b.number, &b.label, b.fate, b.depart_ns, b.arrive_ns)
            );
        }
        assert_eq!(from_store.delays, from_file.delays);
    }
}
