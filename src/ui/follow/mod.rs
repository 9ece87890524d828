//! Follow TCP Stream and Follow UDP Stream (Wireshark's Analyze › Follow, Ctrl+Alt+Shift+T
//! and Ctrl+Alt+Shift+U): a conversation as text in a window of its own, the client's bytes
//! in red and the server's in blue (UDP: each datagram's payload, in capture order), shown as text (UTF-8, GBK or Latin-1: the stream's own, or chosen), ASCII, a hex dump or raw hex, one side or both,
//! saved as shown.

pub mod model;

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId};

use self::model::{chunks, full_text, side_bytes, Chunk, ShowAs};
use crate::analysis::{endpoint_string, Direction, FlowProto};
use crate::decode::Transport;
use crate::i18n::tr;
use crate::stream::follow::FramingChoice;
use crate::stream::text::{EncodingChoice, TextEncoding};
use crate::ui::palette;
use crate::ui::selection::ConnRef;
use crate::ui::store::StoreData;
use crate::ui::stream_view::model::build;

/// Text shown at most (the whole conversation is still saved): laying out megabytes of text
/// every frame would freeze the window.
const SHOWN_MAX: usize = 1 << 20;

/// What the window asks the app to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowAction {
    /// Open the save dialog for what is shown.
    SaveAs,
    /// Apply `tcp.stream eq N` as the display filter (Wireshark does it on Follow).
    Filter(u32),
    /// Hide this stream: `!(tcp.stream eq N)` (Wireshark's "Filter Out This Stream").
    FilterOut(u32),
}

/// The reassembled conversation of one stream, kept until the capture grows.
#[derive(Debug, Clone)]
struct Followed {
    key: (FlowProto, u32, usize, Option<usize>),
    chunks: Vec<Chunk>,
    /// `client ip:port`, `server ip:port`.
    ends: [String; 2],
    /// Bytes of each side.
    bytes: [u64; 2],
    /// The conversation's own text encoding (what "auto" shows).
    detected: TextEncoding,
}

/// The Follow TCP Stream window's state.
#[derive(Debug, Clone)]
pub struct FollowView {
    /// The stream followed; `None` when the window is closed.
    pub stream: Option<u32>,
    /// TCP or UDP.
    pub proto: FlowProto,
    /// How the bytes are written.
    pub show: ShowAs,
    /// One side only, or both (`None`).
    pub only: Option<Direction>,
    cache: Option<Followed>,
}

impl Default for FollowView {
    fn default() -> Self {
        FollowView {
            stream: None,
            proto: FlowProto::Tcp,
            show: ShowAs::Text(EncodingChoice::Auto),
            only: None,
            cache: None,
        }
    }
}

impl FollowView {
    /// Opens the window on TCP stream `stream`.
    pub fn open(&mut self, stream: u32) {
        self.open_conn(ConnRef::tcp(stream));
    }

    /// Opens the window on a TCP or UDP stream.
    pub fn open_conn(&mut self, conn: ConnRef) {
        self.proto = conn.proto;
        self.stream = Some(conn.stream);
    }

    /// The display filter of the followed stream (`tcp.stream eq 3`), negated with `out`.
    pub fn filter_text(&self, out: bool) -> Option<String> {
        let stream = self.stream?;
        let name = match self.proto {
            FlowProto::Tcp => "tcp",
            FlowProto::Udp => "udp",
        };
        let f = format!("{name}.stream eq {stream}");
        Some(if out { format!("!({f})") } else { f })
    }

    /// True while the window is open.
    pub fn is_open(&self) -> bool {
        self.stream.is_some()
    }

    /// The chunks of the followed stream as the capture stands (`until`: the replay cursor).
    fn followed(&mut self, data: &StoreData, until: Option<usize>) -> Option<&Followed> {
        let stream = self.stream?;
        let key = (self.proto, stream, data.len(), until);
        if self.proto == FlowProto::Udp && self.cache.as_ref().is_none_or(|c| c.key != key) {
            self.cache = followed_datagrams(data, stream, until).map(|mut f| {
                f.key = key;
                f
            });
        } else if self.cache.as_ref().is_none_or(|c| c.key != key) {
            let conn = ConnRef::tcp(stream);
            self.cache = build(data, conn, FramingChoice::Auto, until).map(|m| {
                let chunks = chunks(&m);
                let side = |d: Direction| side_bytes(&chunks, d).len() as u64;
                Followed {
                    key,
                    ends: [
                        endpoint_string(m.dirs[0].from),
                        endpoint_string(m.dirs[1].from),
                    ],
                    bytes: [
                        side(Direction::ClientToServer),
                        side(Direction::ServerToClient),
                    ],
                    detected: model::detect_encoding(&chunks),
                    chunks,
                }
            });
        }
        self.cache.as_ref()
    }

    /// What Save as writes: raw bytes for one side shown as Raw (the payload itself, as
    /// Wireshark saves it), otherwise the text as shown.
    pub fn saved_bytes(&mut self, data: &StoreData, until: Option<usize>) -> Option<Vec<u8>> {
        let (show, only) = (self.show, self.only);
        let f = self.followed(data, until)?;
        Some(match (show, only) {
            (ShowAs::Raw, Some(d)) => side_bytes(&f.chunks, d),
            _ => full_text(&f.chunks, show, only).into_bytes(),
        })
    }

    /// The text the window shows (for tests and the accessibility label).
    pub fn shown_text(&mut self, data: &StoreData, until: Option<usize>) -> Option<String> {
        let (show, only) = (self.show, self.only);
        let f = self.followed(data, until)?;
        Some(full_text(&f.chunks, show, only))
    }

    /// Draws the window while it is open; `streams` is the number of TCP streams (for the
    /// stream number spinner).
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        data: &StoreData,
        until: Option<usize>,
        streams: u32,
    ) -> Option<FollowAction> {
        let stream = self.stream?;
        let mut open = true;
        let mut action = None;
        let mut next_stream = stream;
        let (show, only) = (self.show, self.only);
        let followed = self.followed(data, until).cloned();
        let title = match self.proto {
            FlowProto::Tcp => tr!("follow-title", stream = stream),
            FlowProto::Udp => tr!("follow-title-udp", stream = stream),
        };
        egui::Window::new(title)
            .open(&mut open)
            .default_size([780.0, 560.0])
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .min_width(420.0)
            .show(ctx, |ui| {
                let Some(f) = &followed else {
                    ui.label(tr!("follow-no-packet", stream = stream));
                    return;
                };
                egui::Panel::bottom("follow_controls").show(ui, |ui| {
                    action = self.controls(ui, f, streams, &mut next_stream);
                });
                egui::CentralPanel::default().show(ui, |ui| {
                    conversation(ui, f, show, only);
                });
            });
        if !open {
            self.stream = None;
        } else if next_stream != stream {
            self.stream = Some(next_stream);
        }
        action
    }

    /// The controls under the text: sides, "Show data as", stream number, filter, save.
    fn controls(
        &mut self,
        ui: &mut egui::Ui,
        f: &Followed,
        streams: u32,
        next_stream: &mut u32,
    ) -> Option<FollowAction> {
        let mut action = None;
        let turns = f.chunks.iter().filter(|c| c.missing == 0).count();
        let gaps: u64 = f.chunks.iter().map(|c| c.missing).sum();
        let mut summary = match self.proto {
            FlowProto::Tcp => tr!(
                "follow-summary",
                client = f.bytes[0],
                server = f.bytes[1],
                turns = turns
            ),
            FlowProto::Udp => tr!(
                "follow-summary-udp",
                client = f.bytes[0],
                server = f.bytes[1],
                datagrams = turns
            ),
        };
        if gaps > 0 {
            summary.push_str(&tr!("follow-missing", bytes = gaps));
        }
        ui.label(summary);
        ui.horizontal_wrapped(|ui| {
            let side_label = |only: Option<Direction>| match only {
                None => tr!("follow-entire", bytes = f.bytes[0] + f.bytes[1]),
                Some(Direction::ClientToServer) => tr!(
                    "follow-one-side",
                    from = &f.ends[0],
                    to = &f.ends[1],
                    bytes = f.bytes[0]
                ),
                Some(Direction::ServerToClient) => tr!(
                    "follow-one-side",
                    from = &f.ends[1],
                    to = &f.ends[0],
                    bytes = f.bytes[1]
                ),
            };
            egui::ComboBox::from_id_salt("follow_sides")
                .selected_text(side_label(self.only))
                .show_ui(ui, |ui| {
                    for o in [
                        None,
                        Some(Direction::ClientToServer),
                        Some(Direction::ServerToClient),
                    ] {
                        ui.selectable_value(&mut self.only, o, side_label(o));
                    }
                });
            let label = ui.label(tr!("follow-show-as"));
            egui::ComboBox::from_id_salt("follow_show_as")
                .selected_text(self.show.label(f.detected))
                .show_ui(ui, |ui| {
                    for s in ShowAs::ALL {
                        ui.selectable_value(&mut self.show, s, s.label(f.detected));
                    }
                })
                .response
                .labelled_by(label.id);
            let label = ui.label(tr!("follow-stream"));
            ui.add(egui::DragValue::new(next_stream).range(0..=streams.saturating_sub(1)))
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let stream = self.stream.unwrap_or_default();
            if ui
                .button(tr!("follow-filter"))
                .on_hover_text(self.filter_text(false).unwrap_or_default())
                .clicked()
            {
                action = Some(FollowAction::Filter(stream));
            }
            if ui
                .button(tr!("follow-filter-out"))
                .on_hover_text(self.filter_text(true).unwrap_or_default())
                .clicked()
            {
                action = Some(FollowAction::FilterOut(stream));
            }
            if ui.button(tr!("follow-save-as")).clicked() {
                action = Some(FollowAction::SaveAs);
            }
        });
        action
    }
}

/// The coloured conversation, scrolled.
fn conversation(ui: &mut egui::Ui, f: &Followed, show: ShowAs, only: Option<Direction>) {
    let mut job = LayoutJob::default();
    let font = FontId::monospace(12.0);
    let mut shown = 0usize;
    let mut cut = false;
    for c in f.chunks.iter().filter(|c| only.is_none_or(|d| c.dir == d)) {
        let mut text = model::chunk_text(c, show, f.detected);
        if shown + text.len() > SHOWN_MAX {
            let mut end = SHOWN_MAX.saturating_sub(shown).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            cut = true;
        }
        shown += text.len();
        let (color, background) = match c.dir {
            Direction::ClientToServer => (palette::CLIENT_TEXT, palette::CLIENT_BG),
            Direction::ServerToClient => (palette::SERVER_TEXT, palette::SERVER_BG),
        };
        let color = if c.missing > 0 {
            Color32::DARK_GRAY
        } else {
            color
        };
        job.append(
            &text,
            0.0,
            TextFormat {
                font_id: font.clone(),
                color,
                background,
                ..TextFormat::default()
            },
        );
        if cut {
            break;
        }
    }
    if cut {
        job.append(
            &format!("\n{}\n", tr!("follow-first-shown", kib = SHOWN_MAX >> 10)),
            0.0,
            TextFormat {
                font_id: font,
                color: Color32::GRAY,
                ..TextFormat::default()
            },
        );
    }
    egui::Frame::new()
        .fill(Color32::WHITE)
        .inner_margin(6.0)
        .show(ui, |ui| {
            egui::ScrollArea::both()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    ui.add(egui::Label::new(job).selectable(true).extend());
                });
        });
}

/// One UDP datagram of a conversation.
#[derive(Debug, Clone)]
pub(crate) struct Datagram {
    /// Its direction.
    pub(crate) dir: Direction,
    /// Its frame number.
    pub(crate) number: u64,
    /// Its capture time.
    pub(crate) ts: Option<crate::capture::Timestamp>,
    /// The payload bytes captured.
    pub(crate) bytes: Vec<u8>,
    /// The payload's length on the wire (more than `bytes` when the snapshot length cut it).
    pub(crate) len: u64,
}

/// The datagrams of UDP stream `stream` up to the replay cursor `until` (store index), in
/// capture order: what Follow UDP Stream and the Stream tab show.
pub(crate) fn udp_datagrams(data: &StoreData, stream: u32, until: Option<usize>) -> Vec<Datagram> {
    let mut out = Vec::new();
    for &i in data.connection_frames(FlowProto::Udp, stream) {
        let i = i as usize;
        if until.is_some_and(|u| i > u) {
            break;
        }
        let Some((frame, packet)) = data.packet(i) else {
            continue;
        };
        let (Some(flow), Transport::Udp(u), Some(start)) = (
            data.analysis(i).flow,
            &packet.transport,
            packet.offsets.payload,
        ) else {
            continue;
        };
        let start = start as usize;
        let len = u.len as usize;
        let bytes = frame
            .data
            .get(start.min(frame.data.len())..(start + len).min(frame.data.len()))
            .unwrap_or_default()
            .to_vec();
        out.push(Datagram {
            dir: flow.direction,
            number: frame.number,
            ts: frame.ts,
            bytes,
            len: len as u64,
        });
    }
    out
}

/// The datagrams of UDP stream `stream` up to the replay cursor `until`, one chunk each in
/// capture order: Wireshark's Follow UDP Stream keeps datagram boundaries (two datagrams of
/// one side in a row are two chunks). A datagram cut by the snapshot length is followed by
/// a gap naming the bytes not captured.
fn followed_datagrams(data: &StoreData, stream: u32, until: Option<usize>) -> Option<Followed> {
    let conn = data.connection(FlowProto::Udp, stream)?;
    let mut offsets = [0u64; 2];
    let mut chunks = Vec::new();
    for g in udp_datagrams(data, stream, until) {
        let d = g.dir.index();
        let captured = g.bytes.len() as u64;
        chunks.push(Chunk {
            dir: g.dir,
            offset: offsets[d],
            bytes: g.bytes,
            missing: 0,
            first_frame: g.number,
        });
        if captured < g.len {
            chunks.push(Chunk {
                dir: g.dir,
                offset: offsets[d] + captured,
                bytes: Vec::new(),
                missing: g.len - captured,
                first_frame: g.number,
            });
        }
        offsets[d] += g.len;
    }
    if chunks.is_empty() {
        return None;
    }
    let side = |d: Direction| side_bytes(&chunks, d).len() as u64;
    Some(Followed {
        key: (FlowProto::Udp, stream, data.len(), until),
        ends: [
            endpoint_string(conn.originator),
            endpoint_string(conn.responder),
        ],
        bytes: [
            side(Direction::ClientToServer),
            side(Direction::ServerToClient),
        ],
        detected: model::detect_encoding(&chunks),
        chunks,
    })
}
