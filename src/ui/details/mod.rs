//! Packet details pane: paints the tree of the selected packet and the hex + ASCII pane.
//!
//! Selecting a field highlights its bytes; clicking a byte selects the smallest field that
//! covers it (Wireshark's two-way link). The tree itself is built by the library
//! ([`crate::pipeline::details`], shared with `synack read -V`), once per selected packet;
//! this module gathers its inputs from the store (the connection's wire metrics and messages,
//! computed again on selection) and draws it.

mod calls;
mod hex;
mod messages;

use std::ops::Range;

use crate::analysis::FlowProto;
use crate::capture::Frame;
use crate::decode::Packet;
use crate::i18n::tr;
pub use crate::pipeline::details::{build_tree, field_at, Node, NodeKind, TreeInput};
use crate::pipeline::details::{wire_lines, wire_too_long_line, RowAnalysis};
use crate::stream::text::{self, TextEncoding};

use super::filter_menu::{self, FilterAction};
use super::store::StoreData;
use super::text_view::{self, TextView};
use super::wire::WireCache;
use messages::MessagesCache;

/// The "Program calls" section of a TCP segment when the store has a calls trace.
fn calls_of_segment(
    data: &StoreData,
    a: &RowAnalysis,
    frame: &Frame<'_>,
    packet: &Packet,
) -> Option<Node> {
    let trace = data.calls.as_ref()?;
    let flow = a.flow.filter(|f| f.proto == FlowProto::Tcp)?;
    let tcp = a.tcp?;
    let conn = data.connection(flow.proto, flow.stream)?;
    let flags = packet.tcp()?.flags;
    let seg = calls::Segment {
        client: conn.originator,
        server: conn.responder,
        direction: flow.direction,
        seq: tcp.seq,
        len: tcp.len,
        syn: flags.has(crate::decode::TcpFlags::SYN),
        fin: flags.has(crate::decode::TcpFlags::FIN),
        rst: flags.has(crate::decode::TcpFlags::RST),
        ts: frame.ts,
    };
    calls::calls_node(trace, &seg)
}

/// The details view: caches the tree of the selected packet.
#[derive(Debug, Default)]
pub struct DetailsView {
    /// Store index the cached tree belongs to, and whether a replay cursor cut it.
    cached: Option<usize>,
    cached_replay: bool,
    /// Tree of the selected packet.
    pub nodes: Vec<Node>,
    /// Bytes of the selected packet (copied: small, and the hex pane needs them each frame).
    pub bytes: Vec<u8>,
    messages: MessagesCache,
    wire: WireCache,
    /// Where the transport payload is in [`DetailsView::bytes`] (empty when none).
    payload: Range<usize>,
    /// The selected packet's flow, and the text encoding detected over its payloads.
    encoding: Option<((FlowProto, u32), TextEncoding)>,
    /// The encoding of the selected packet's payload when it belongs to no flow.
    own_encoding: TextEncoding,
    /// Hex or text, and the encoding asked for.
    pub text_view: TextView,
}

/// Payload bytes read to choose a flow's text encoding (enough to tell UTF-8 from GBK; a
/// bigger flow is judged by its beginning rather than stalling a frame).
const DETECT_BYTES: usize = 1 << 20;

/// The text encoding of a flow's payloads ([`text::detect`] over each packet's payload, so a
/// character cut by a segment's end is not held against an encoding).
pub fn flow_encoding(data: &StoreData, proto: FlowProto, stream: u32) -> TextEncoding {
    let mut payloads: Vec<Vec<u8>> = Vec::new();
    let mut total = 0;
    for &i in data.connection_frames(proto, stream) {
        if total >= DETECT_BYTES {
            break;
        }
        if let Some((frame, packet)) = data.packet(i as usize) {
            let p = packet.payload(&frame.data);
            if !p.is_empty() {
                total += p.len();
                payloads.push(p.to_vec());
            }
        }
    }
    text::detect(payloads.iter().map(Vec::as_slice))
}

impl DetailsView {
    /// Rebuilds the tree when the selected packet changed.
    /// During a replay (`until` set) the connection summary, which describes the whole
    /// capture, is left out so the details show nothing from after the cursor.
    pub fn sync(&mut self, data: &StoreData, selected: Option<usize>, until: Option<usize>) {
        let replay = until.is_some();
        if self.cached == selected
            && self.cached_replay == replay
            && (selected.is_none() || !self.nodes.is_empty())
        {
            return;
        }
        self.cached = selected;
        self.cached_replay = replay;
        self.nodes.clear();
        self.bytes.clear();
        self.payload = 0..0;
        let Some(idx) = selected else {
            return;
        };
        let Some((owned, packet)) = data.packet(idx) else {
            return;
        };
        let frame = owned.as_frame();
        let a = data.analysis(idx);
        let tcp_stream = a
            .flow
            .filter(|f| f.proto == FlowProto::Tcp)
            .map(|f| f.stream);
        let mut wire = Vec::new();
        if let Some(stream) = tcp_stream {
            self.wire.sync(data, stream);
            wire = if self.wire.too_long() {
                vec![wire_too_long_line()]
            } else {
                wire_lines(&self.wire.get(idx))
            };
        }
        // Messages need the whole connection; only when its capture is complete.
        let mut messages = None;
        if let Some(stream) = tcp_stream.filter(|_| data.finished) {
            if self.messages.stream != Some(stream) {
                self.messages = MessagesCache::compute(data, stream);
            }
            messages = Some(self.messages.node(frame.number));
        }
        let rich = data.rich(idx);
        self.nodes = build_tree(TreeInput {
            frame: &frame,
            packet: &packet,
            analysis: &a,
            rich: rich.as_ref(),
            connection: a
                .flow
                .and_then(|f| data.connection(f.proto, f.stream))
                .filter(|_| !replay),
            first_ts: data.first_ts,
            wire,
            messages,
        });
        if let Some(node) = calls_of_segment(data, &a, &frame, &packet) {
            // After synack's analysis, before the layers.
            self.nodes.insert(self.nodes.len().min(1), node);
        }
        self.bytes = frame.data.to_vec();
        let payload = packet.payload(frame.data);
        // `payload` is a slice of `frame.data` (or empty): its place is its distance.
        let start = (payload.as_ptr() as usize).wrapping_sub(frame.data.as_ptr() as usize);
        self.payload = if payload.is_empty() || start > frame.data.len() {
            0..0
        } else {
            start..start + payload.len()
        };
        self.own_encoding = text::detect([payload]);
        if let Some(key) = a.flow.map(|f| (f.proto, f.stream)) {
            if self.encoding.map(|(k, _)| k) != Some(key) {
                self.encoding = Some((key, flow_encoding(data, key.0, key.1)));
            }
        } else {
            self.encoding = None;
        }
    }

    /// The selected packet's flow's text encoding (its own payload's when it has no flow).
    pub fn detected_encoding(&self) -> TextEncoding {
        self.encoding.map_or(self.own_encoding, |(_, e)| e)
    }

    /// The Hex / Text switch and the encoding selector of the bytes pane.
    pub fn bytes_toolbar(&mut self, ui: &mut egui::Ui) {
        let detected = self.detected_encoding();
        self.text_view.toolbar(ui, "bytes_pane", detected);
    }

    /// Draws the tree; clicking a line selects its bytes, right-clicking opens the "Apply as
    /// filter" menu ([`filter_menu`]) joined to `current_filter`, the bar's text.
    pub fn tree_ui(
        &self,
        ui: &mut egui::Ui,
        field: &mut Option<Range<usize>>,
        current_filter: &str,
    ) -> Option<FilterAction> {
        if self.nodes.is_empty() {
            ui.weak(tr!("details-select-packet"));
            return None;
        }
        let mut action = None;
        egui::ScrollArea::both()
            .id_salt("details_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let mut line = LineUi {
                    field,
                    current_filter,
                    action: &mut action,
                };
                for (i, n) in self.nodes.iter().enumerate() {
                    node_ui(ui, n, &mut line, i, 0);
                }
            });
        action
    }

    /// Draws the hex + ASCII pane (clicking a byte selects the field that covers it), or in
    /// text mode the payload decoded as text.
    pub fn hex_ui(&self, ui: &mut egui::Ui, field: &mut Option<Range<usize>>) {
        if !self.text_view.text {
            hex::hex_ui(ui, &self.bytes, &self.nodes, field);
            return;
        }
        if self.bytes.is_empty() {
            return;
        }
        let encoding = self.text_view.encoding(self.detected_encoding());
        egui::ScrollArea::vertical()
            .id_salt("bytes_text_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                text_view::text_ui(ui, self.payload_bytes(), encoding);
            });
    }

    /// The selected packet's transport payload.
    pub fn payload_bytes(&self) -> &[u8] {
        self.bytes.get(self.payload.clone()).unwrap_or_default()
    }
}

/// What drawing a line may change: the selected bytes and the menu's action.
struct LineUi<'a> {
    field: &'a mut Option<Range<usize>>,
    current_filter: &'a str,
    action: &'a mut Option<FilterAction>,
}

impl LineUi<'_> {
    /// The line's label: a click selects its bytes, a right-click opens its filter menu.
    fn label(&mut self, ui: &mut egui::Ui, n: &Node) {
        let selected = n.range.is_some() && *self.field == n.range;
        let response = ui.selectable_label(selected, &n.text);
        if response.clicked() {
            *self.field = n.range.clone();
        }
        response.context_menu(|ui| {
            if let Some(a) =
                filter_menu::menu_ui(ui, n.filter.as_ref(), &n.text, self.current_filter)
            {
                *self.action = Some(a);
            }
        });
    }
}

fn node_ui(ui: &mut egui::Ui, n: &Node, line: &mut LineUi<'_>, key: usize, depth: usize) {
    if n.children.is_empty() {
        line.label(ui, n);
        return;
    }
    // Keyed by the section's kind, so open/closed survives packet changes.
    let id = ui.make_persistent_id(("details_node", depth, key, n.kind));
    let open = n.kind.opens_by_default();
    egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), id, open)
        .show_header(ui, |ui| line.label(ui, n))
        .body(|ui| {
            for (i, c) in n.children.iter().enumerate() {
                node_ui(ui, c, line, i, depth + 1);
            }
        });
}
