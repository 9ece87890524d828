//! The flow graph's model: every frame's two hosts (Wireshark's Source and Destination
//! columns), learnt once per frame as the capture grows, and the host columns of the rows
//! shown (all frames, or those the display filter keeps), in order of first appearance.

use std::collections::HashMap;

use crate::decode::decode;
use crate::ui::store::StoreData;

/// Frames whose hosts are learnt per window frame (decoding is ~1 µs a frame, so a large
/// capture fills in over a few frames instead of freezing one).
const LEARN_PER_FRAME: usize = 50_000;

/// Every frame's source and destination, as indices into `names`.
#[derive(Debug, Default, Clone)]
pub struct Hosts {
    /// Host names (addresses) in order of first appearance in the capture.
    pub names: Vec<String>,
    ids: HashMap<String, u32>,
    /// `[source, destination]` of store index `i`.
    ends: Vec<[u32; 2]>,
}

impl Hosts {
    /// Learns the hosts of frames not seen yet (at most `LEARN_PER_FRAME`); true when
    /// every stored frame is known.
    pub fn learn(&mut self, data: &StoreData) -> bool {
        if self.ends.len() > data.len() {
            // Another capture was loaded.
            *self = Hosts::default();
        }
        let end = data.len().min(self.ends.len() + LEARN_PER_FRAME);
        for i in self.ends.len()..end {
            let (src, dst) = match data.frame(i) {
                Some(frame) => decode(&frame.as_frame()).address_columns(),
                None => ("-".into(), "-".into()),
            };
            let ends = [self.id(src), self.id(dst)];
            self.ends.push(ends);
        }
        self.ends.len() == data.len()
    }

    fn id(&mut self, name: String) -> u32 {
        if let Some(&id) = self.ids.get(&name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.clone());
        self.ids.insert(name, id);
        id
    }

    /// Frames whose hosts are known.
    pub fn known(&self) -> usize {
        self.ends.len()
    }

    /// `[source, destination]` host ids of store index `i`, when learnt.
    pub fn ends(&self, i: usize) -> Option<[u32; 2]> {
        self.ends.get(i).copied()
    }
}

/// One arrow: a frame from one host column to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowRow {
    /// Store index of the frame.
    pub index: usize,
    /// Column of the sender.
    pub from: usize,
    /// Column of the receiver.
    pub to: usize,
}

/// The columns and rows shown.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FlowGraph {
    /// Host names, one column each, in order of first appearance among the rows.
    pub columns: Vec<String>,
    /// One row per frame shown, in capture order.
    pub rows: Vec<FlowRow>,
}

impl FlowGraph {
    /// The graph of the frames `indices` (in capture order) whose hosts are known.
    pub fn of(hosts: &Hosts, indices: impl Iterator<Item = usize>) -> FlowGraph {
        let mut column_of: HashMap<u32, usize> = HashMap::new();
        let mut g = FlowGraph::default();
        for index in indices {
            let Some(ends) = hosts.ends(index) else { break };
            let [from, to] = ends.map(|h| {
                let next = column_of.len();
                *column_of.entry(h).or_insert_with(|| {
                    g.columns.push(hosts.names[h as usize].clone());
                    next
                })
            });
            g.rows.push(FlowRow { index, from, to });
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::ingest::demo_store;

    #[test]
    fn hosts_are_columns_in_order_of_first_appearance() {
        // `tshark -r captures/concurrent.pcap -T fields -e ip.src -e ip.dst`: every frame
        // between 127.0.0.1 and itself; demo.pcap: 10.0.0.1 first (it sends the first SYN),
        // then 10.0.0.2.
        let s = demo_store("demo.pcap", include_bytes!("../../../captures/demo.pcap"));
        let data = s.read();
        let mut hosts = Hosts::default();
        assert!(hosts.learn(&data));
        let g = FlowGraph::of(&hosts, 0..data.len());
        assert_eq!(g.rows.len(), data.len());
        assert_eq!(g.columns[0], "10.0.0.1");
        assert_eq!(g.columns[1], "10.0.0.2");
        // Frame 1 (SYN) goes right, frame 2 (SYN-ACK) comes back.
        assert_eq!((g.rows[0].from, g.rows[0].to), (0, 1));
        assert_eq!((g.rows[1].from, g.rows[1].to), (1, 0));
        // Only the frames given, and only their hosts.
        let some = FlowGraph::of(&hosts, [1usize, 2].into_iter());
        assert_eq!(
            some.rows.iter().map(|r| r.index).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(some.columns, ["10.0.0.2", "10.0.0.1"]);
    }
}
