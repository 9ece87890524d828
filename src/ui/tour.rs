//! The guided tour: a few highlighted steps through a capture (the built-in demo) for a
//! first-time user: the handshake, data and its ACK, a sticky burst, a loss and its
//! recovery, the teardown, a reset and a refused connection.
//!
//! Every step's packets are found from the analysis (handshake and teardown events,
//! retransmission and duplicate-ACK flags, the generator's `send()` calls or the stream
//! framing for the sticky burst), never from fixed frame numbers, so the tour follows the
//! demo when the generator remakes it. Steps whose packets are not in the capture are left
//! out.

use crate::analysis::{Direction, Event, Events, Flag, FlowProto, Side};
use crate::calls::{CallKind, CallTrace};

use super::selection::ConnRef;
use super::store::StoreData;

/// The marker file saying the tour was offered once (so the welcome shows only on the
/// first start of the demo).
fn offered_marker() -> Option<std::path::PathBuf> {
    super::file_dialog::config_dir().map(|d| d.join("tour-offered"))
}

/// True when the welcome offering the tour was already answered on this machine.
pub fn already_offered() -> bool {
    offered_marker().is_some_and(|p| p.exists())
}

/// Remembers that the welcome was answered (best effort: a read-only home only means the
/// offer comes again).
pub fn remember_offered() {
    if let Some(p) = offered_marker() {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(p, "");
    }
}

/// Height of the tour panel's text area (the longest step fits on a 1400-point window).
const TEXT_HEIGHT: f32 = 84.0;

/// Which view a step opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TourView {
    /// The ladder diagram.
    Ladder,
    /// The byte stream (sticky packets); see `SynackApp::open_sticky_view`.
    Stream,
}

/// One step of the tour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TourStep {
    /// Short title.
    pub title: String,
    /// What to look at, in plain words for a student.
    pub text: String,
    /// The connection concerned.
    pub conn: ConnRef,
    /// The packet selected (store index).
    pub focus: usize,
    /// The replay cursor (store index): the view shows the capture up to here.
    pub until: usize,
    /// Packets highlighted (store indices).
    pub highlight: Vec<usize>,
    /// The view opened.
    pub view: TourView,
}

/// The tour's state while its window is open.
#[derive(Debug, Clone, Default)]
pub struct Tour {
    /// The steps.
    pub steps: Vec<TourStep>,
    /// Step shown.
    pub current: usize,
}

/// What the tour window asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TourAction {
    /// Show step `n`.
    Go(usize),
    /// Close the tour.
    Close,
}

fn number(data: &StoreData, i: usize) -> u64 {
    data.record(i).map_or(0, |r| r.number)
}

fn tcp_conns(data: &StoreData) -> impl Iterator<Item = ConnRef> + '_ {
    data.connections
        .iter()
        .filter(|c| c.proto == FlowProto::Tcp)
        .map(|c| ConnRef {
            proto: c.proto,
            stream: c.stream,
        })
}

fn frames(data: &StoreData, c: ConnRef) -> Vec<usize> {
    data.connection_frames(c.proto, c.stream)
        .iter()
        .map(|&i| i as usize)
        .collect()
}

fn events(data: &StoreData, i: usize) -> Events {
    data.rich(i).map_or_else(Events::default, |r| r.events)
}

fn who(side: Side) -> &'static str {
    match side {
        Side::Originator => "client",
        Side::Responder => "server",
    }
}

fn handshake_step(data: &StoreData) -> Option<TourStep> {
    for c in tcp_conns(data) {
        let fr = frames(data, c);
        let find = |p: &dyn Fn(&Event) -> bool| {
            fr.iter()
                .copied()
                .find(|&i| events(data, i).as_slice().iter().any(p))
        };
        let (Some(syn), Some(sa), Some(ack)) = (
            find(&|e| matches!(e, Event::Syn)),
            find(&|e| matches!(e, Event::SynAck)),
            find(&|e| matches!(e, Event::HandshakeAck { .. })),
        ) else {
            continue;
        };
        let rtt = events(data, ack).as_slice().iter().find_map(|e| match e {
            Event::HandshakeAck { rtt_ns } => Some(*rtt_ns as f64 / 1e6),
            _ => None,
        });
        return Some(TourStep {
            title: "The three-way handshake".into(),
            text: format!(
                "Before any data, the two sides agree to talk. The client sends a SYN \
                 (frame {}): \"I want to connect, my numbers start here\" and goes to SYN_SENT. \
                 The server answers SYN-ACK (frame {}): \"OK, and here are mine\". The client's \
                 ACK (frame {}) completes it: both sides are now ESTABLISHED.{}\n\nIn the ladder, \
                 each arrow is one segment; the green names on the lines are each side's state.",
                number(data, syn),
                number(data, sa),
                number(data, ack),
                rtt.map_or(String::new(), |r| format!(
                    " The whole exchange took one round trip: {r:.3} ms."
                ))
            ),
            conn: c,
            focus: ack,
            until: ack,
            highlight: vec![syn, sa, ack],
            view: TourView::Ladder,
        });
    }
    None
}

fn data_step(data: &StoreData, c: ConnRef) -> Option<TourStep> {
    let fr = frames(data, c);
    let (pos, seg, t) = fr.iter().enumerate().find_map(|(p, &i)| {
        let a = data.analysis(i);
        let t = a.tcp?;
        (t.len > 0 && t.flags.0 == 0).then_some((p, i, (a.flow?.direction, t)))
    })?;
    let (dir, tcp) = t;
    let ack = fr[pos + 1..].iter().copied().find(|&j| {
        let a = data.analysis(j);
        a.flow.is_some_and(|f| f.direction != dir) && a.tcp.is_some_and(|t| t.ack >= tcp.next_seq)
    })?;
    let ack_tcp = data.analysis(ack).tcp?;
    let (from, to) = match dir {
        Direction::ClientToServer => ("client", "server"),
        Direction::ServerToClient => ("server", "client"),
    };
    Some(TourStep {
        title: "Data and its acknowledgment".into(),
        text: format!(
            "Frame {} carries {} bytes from the {from} to the {to}: bytes {} to {} of the \
             {from}'s stream (seq={}). The {to} answers in frame {} with ack={}: \"I have \
             everything before byte {}, send that one next\". Sequence numbers count bytes, not \
             packets.{}",
            number(data, seg),
            tcp.len,
            tcp.seq,
            tcp.next_seq.wrapping_sub(1),
            tcp.seq,
            number(data, ack),
            ack_tcp.ack,
            ack_tcp.ack,
            if ack_tcp.len > 0 {
                format!(
                    " That segment also carries {} bytes of its own: the ACK rides along with the \
                     reply (piggybacking).",
                    ack_tcp.len
                )
            } else {
                String::new()
            }
        ),
        conn: c,
        focus: seg,
        until: ack,
        highlight: vec![seg, ack],
        view: TourView::Ladder,
    })
}

/// The first segment carrying bytes of two or more `send()` calls, per the calls trace.
fn coalesced_by_calls(
    data: &StoreData,
    trace: &CallTrace,
) -> Option<(ConnRef, usize, usize, String)> {
    for conn in &data.connections {
        if conn.proto != FlowProto::Tcp {
            continue;
        }
        let c = ConnRef {
            proto: conn.proto,
            stream: conn.stream,
        };
        let ends = [
            crate::analysis::endpoint_string(conn.originator),
            crate::analysis::endpoint_string(conn.responder),
        ];
        for &i in data.connection_frames(c.proto, c.stream) {
            let i = i as usize;
            let a = data.analysis(i);
            let (Some(f), Some(t)) = (a.flow, a.tcp) else {
                continue;
            };
            if t.len == 0 || t.flags.has(Flag::Retransmission) {
                continue;
            }
            let sender = &ends[f.direction.index()];
            let receiver = &ends[1 - f.direction.index()];
            let (s, e) = (
                u64::from(t.seq.wrapping_sub(1)),
                u64::from(t.seq.wrapping_sub(1)) + u64::from(t.len),
            );
            let sends: Vec<Option<&str>> = trace
                .calls
                .iter()
                .filter(|call| {
                    call.call == CallKind::Send && &call.local == sender && &call.remote == receiver
                })
                .filter(|call| call.offset.is_some_and(|o| o < e && o + call.bytes > s))
                .map(|call| call.data.as_deref())
                .collect();
            if sends.len() >= 2 {
                // What the program wrote, when the trace kept it and it is short.
                let shown: Vec<String> = sends
                    .iter()
                    .flatten()
                    .filter(|d| d.len() <= 24)
                    .take(4)
                    .map(|d| format!("\"{}\"", d.escape_debug()))
                    .collect();
                let what = if shown.len() == sends.len() {
                    format!(" ({})", shown.join(", "))
                } else {
                    String::new()
                };
                return Some((c, i, sends.len(), what));
            }
        }
    }
    None
}

fn sticky_step(data: &StoreData) -> Option<TourStep> {
    let demo;
    let trace = match (&data.calls, &data.source) {
        (Some(t), _) => Some(t),
        (None, Some(super::store::SourceInfo::Demo)) => {
            demo = crate::capture::demo::calls();
            Some(&demo)
        }
        _ => None,
    }?;
    let (conn, seg, sends, what) = coalesced_by_calls(data, trace)?;
    Some(TourStep {
        title: "A sticky burst".into(),
        text: format!(
            "The application called send() {sends} times{what}, yet frame {} carries all of \
             those messages in one segment (look at its bytes): TCP delivers a stream of bytes and keeps no message \
             boundaries. Small writes made close together are glued into one segment (the \
             \"sticky packet\" problem); a large one is cut into several. The receiving program \
             must find the messages again itself: by a delimiter, a length prefix or a fixed \
             size.",
            number(data, seg)
        ),
        conn,
        focus: seg,
        until: seg,
        highlight: vec![seg],
        view: TourView::Stream,
    })
}

fn loss_step(data: &StoreData) -> Option<TourStep> {
    let retrans = (0..data.len())
        .find(|&i| {
            data.analysis(i)
                .tcp
                .is_some_and(|t| t.flags.has(Flag::FastRetransmission))
        })
        .or_else(|| {
            (0..data.len()).find(|&i| {
                data.analysis(i)
                    .tcp
                    .is_some_and(|t| t.flags.has(Flag::Retransmission))
            })
        })?;
    let a = data.analysis(retrans);
    let (flow, tcp) = (a.flow?, a.tcp?);
    let c = ConnRef {
        proto: flow.proto,
        stream: flow.stream,
    };
    let fr = frames(data, c);
    let original = data
        .rich(retrans)
        .and_then(|r| r.tags.get(Flag::Retransmission).map(|t| t.info.frame))
        .and_then(|f| data.index_of_number(f));
    let dup_acks: Vec<usize> = fr
        .iter()
        .copied()
        .filter(|&j| j < retrans && original.is_none_or(|o| j > o))
        .filter(|&j| {
            data.analysis(j)
                .tcp
                .is_some_and(|t| t.flags.has(Flag::DuplicateAck))
        })
        .collect();
    let recovery = fr.iter().copied().find(|&j| {
        let b = data.analysis(j);
        j > retrans
            && b.flow.is_some_and(|f| f.direction != flow.direction)
            && b.tcp.is_some_and(|t| t.ack >= tcp.next_seq)
    });
    let fast = tcp.flags.has(Flag::FastRetransmission);
    let mut highlight: Vec<usize> = original.into_iter().collect();
    highlight.extend(&dup_acks);
    highlight.push(retrans);
    highlight.extend(recovery);
    let dup_list: Vec<String> = dup_acks
        .iter()
        .map(|&j| number(data, j).to_string())
        .collect();
    let text = format!(
        "{} The receiver can only acknowledge bytes that arrive in order, so it keeps repeating \
         the same ack{}. {}{}",
        match original {
            Some(o) => format!(
                "Frame {} (seq={}) left the sender but never arrived.",
                number(data, o),
                tcp.seq
            ),
            None => format!("The segment with seq={} was lost.", tcp.seq),
        },
        if dup_list.is_empty() {
            String::new()
        } else {
            format!(" (duplicate ACKs, orange: frames {})", dup_list.join(", "))
        },
        if fast {
            format!(
                "After three duplicate ACKs the sender resends it at once in frame {} (fast \
                 retransmission, red) instead of waiting for its timer.",
                number(data, retrans)
            )
        } else {
            format!(
                "The sender's timer runs out and it resends the segment in frame {} \
                 (retransmission, red).",
                number(data, retrans)
            )
        },
        recovery.map_or(String::new(), |r| format!(
            " Frame {} acknowledges everything up to byte {}: the hole is filled.",
            number(data, r),
            data.analysis(r).tcp.map_or(0, |t| t.ack)
        ))
    );
    Some(TourStep {
        title: "Loss and recovery".into(),
        text,
        conn: c,
        focus: retrans,
        until: recovery.unwrap_or(retrans),
        highlight,
        view: TourView::Ladder,
    })
}

fn teardown_step(data: &StoreData) -> Option<TourStep> {
    for c in tcp_conns(data) {
        let fr = frames(data, c);
        let td: Vec<usize> = fr
            .iter()
            .copied()
            .filter(|&i| {
                events(data, i).as_slice().iter().any(|e| {
                    matches!(
                        e,
                        Event::Fin { .. } | Event::FinAck { .. } | Event::CloseComplete
                    )
                })
            })
            .collect();
        let Some(&last) = td.last() else {
            continue;
        };
        if !events(data, last)
            .as_slice()
            .iter()
            .any(|e| matches!(e, Event::CloseComplete))
        {
            continue;
        }
        let first_side = td.iter().find_map(|&i| {
            events(data, i).as_slice().iter().find_map(|e| match e {
                Event::Fin {
                    side,
                    second: false,
                } => Some(*side),
                _ => None,
            })
        })?;
        let closer = who(first_side);
        let other = who(match first_side {
            Side::Originator => Side::Responder,
            Side::Responder => Side::Originator,
        });
        let list: Vec<String> = td.iter().map(|&i| number(data, i).to_string()).collect();
        return Some(TourStep {
            title: "The teardown".into(),
            text: format!(
                "Each direction is closed on its own (frames {}). The {closer} sends FIN: \"I have \
                 nothing more to send\" (FIN_WAIT_1); the {other} acknowledges it (CLOSE_WAIT: it \
                 may still send). When the {other} is done it sends its own FIN (LAST_ACK), the \
                 {closer} acknowledges it and waits in TIME_WAIT in case that last ACK is lost, \
                 while the {other} is CLOSED.",
                list.join(", ")
            ),
            conn: c,
            focus: last,
            until: last,
            highlight: td,
            view: TourView::Ladder,
        });
    }
    None
}

fn reset_step(data: &StoreData) -> Option<TourStep> {
    let (c, i, side) = tcp_conns(data).find_map(|c| {
        frames(data, c).into_iter().find_map(|i| {
            events(data, i).as_slice().iter().find_map(|e| match e {
                Event::Rst { side } => Some((c, i, *side)),
                _ => None,
            })
        })
    })?;
    Some(TourStep {
        title: "A reset".into(),
        text: format!(
            "Frame {} is a RST from the {}: the connection is abandoned at once, without the \
             FIN exchange. Data still in flight is lost and the other side gets an error \
             (\"connection reset by peer\"). Programs do this on errors, or when they close a \
             socket that still has unread data.",
            number(data, i),
            who(side)
        ),
        conn: c,
        focus: i,
        until: i,
        highlight: vec![i],
        view: TourView::Ladder,
    })
}

fn refused_step(data: &StoreData) -> Option<TourStep> {
    let (c, rst) = tcp_conns(data).find_map(|c| {
        frames(data, c)
            .into_iter()
            .find(|&i| {
                events(data, i)
                    .as_slice()
                    .iter()
                    .any(|e| matches!(e, Event::Reject))
            })
            .map(|i| (c, i))
    })?;
    let syn = frames(data, c).into_iter().find(|&i| {
        events(data, i)
            .as_slice()
            .iter()
            .any(|e| matches!(e, Event::Syn))
    });
    let mut highlight: Vec<usize> = syn.into_iter().collect();
    highlight.push(rst);
    Some(TourStep {
        title: "A refused connection".into(),
        text: format!(
            "{}The server answers with RST (frame {}): no program listens on that port, so the \
             connection is refused before it exists. The client's connect() fails with \
             \"connection refused\".",
            syn.map_or(String::new(), |s| format!(
                "The client sends a SYN (frame {}). ",
                number(data, s)
            )),
            number(data, rst)
        ),
        conn: c,
        focus: rst,
        until: rst,
        highlight,
        view: TourView::Ladder,
    })
}

/// The tour's steps for what the store holds (steps it cannot find are left out).
pub fn plan(data: &StoreData) -> Vec<TourStep> {
    let mut steps = Vec::new();
    let hs = handshake_step(data);
    let conn = hs.as_ref().map(|s| s.conn);
    steps.extend(hs);
    steps.extend(conn.and_then(|c| data_step(data, c)));
    steps.extend(sticky_step(data));
    steps.extend(loss_step(data));
    steps.extend(teardown_step(data));
    steps.extend(reset_step(data));
    steps.extend(refused_step(data));
    steps
}

impl Tour {
    /// The tour's panel (under the views, so it never covers the arrows it talks about).
    /// Returns what the user clicked.
    pub fn ui(&self, ui: &mut egui::Ui) -> Option<TourAction> {
        let mut action = None;
        let Some(step) = self.steps.get(self.current) else {
            ui.label("This capture has nothing the tour can show.");
            return None;
        };
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.strong("Guided tour");
            ui.label(format!("Step {}/{}", self.current + 1, self.steps.len()));
            ui.heading(&step.title);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Close").clicked() {
                    action = Some(TourAction::Close);
                }
                if self.current + 1 < self.steps.len() {
                    if ui.button("Next >").clicked() {
                        action = Some(TourAction::Go(self.current + 1));
                    }
                } else if ui.button("Finish").clicked() {
                    action = Some(TourAction::Close);
                }
                if ui
                    .add_enabled(self.current > 0, egui::Button::new("< Back"))
                    .clicked()
                {
                    action = Some(TourAction::Go(self.current - 1));
                }
            });
        });
        // A fixed text area: the panel keeps its height from step to step, so the views
        // and the buttons stay put while clicking through.
        egui::ScrollArea::vertical()
            .id_salt("tour_text")
            .max_height(TEXT_HEIGHT)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.label(&step.text);
            });
        action
    }
}
