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
use crate::i18n::tr;

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
        Side::Originator => "tour-client",
        Side::Responder => "tour-server",
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
            title: tr!("tour-handshake-title"),
            text: tr!(
                "tour-handshake-text",
                syn = number(data, syn),
                synack = number(data, sa),
                ack = number(data, ack),
                rtt = rtt.map_or(String::new(), |r| tr!(
                    "tour-handshake-rtt",
                    ms = format!("{r:.3}")
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
        Direction::ClientToServer => (tr!("tour-client"), tr!("tour-server")),
        Direction::ServerToClient => (tr!("tour-server"), tr!("tour-client")),
    };
    Some(TourStep {
        title: tr!("tour-data-title"),
        text: tr!(
            "tour-data-text",
            frame = number(data, seg),
            len = tcp.len,
            from = from,
            to = to,
            first = tcp.seq,
            last = tcp.next_seq.wrapping_sub(1),
            ackframe = number(data, ack),
            ack = ack_tcp.ack,
            piggyback = if ack_tcp.len > 0 {
                tr!("tour-data-piggyback", len = ack_tcp.len)
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
        title: tr!("tour-sticky-title"),
        text: tr!(
            "tour-sticky-text",
            sends = sends,
            what = what,
            frame = number(data, seg)
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
    let text = tr!(
        "tour-loss-text",
        lost = match original {
            Some(o) => tr!(
                "tour-loss-lost-frame",
                frame = number(data, o),
                seq = tcp.seq
            ),
            None => tr!("tour-loss-lost", seq = tcp.seq),
        },
        dups = if dup_list.is_empty() {
            String::new()
        } else {
            tr!("tour-loss-dups", frames = dup_list.join(", "))
        },
        resend = tr!(
            if fast {
                "tour-loss-fast"
            } else {
                "tour-loss-timeout"
            },
            frame = number(data, retrans)
        ),
        recovered = recovery.map_or(String::new(), |r| tr!(
            "tour-loss-recovered",
            frame = number(data, r),
            ack = data.analysis(r).tcp.map_or(0, |t| t.ack)
        ))
    );
    Some(TourStep {
        title: tr!("tour-loss-title"),
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
        let closer = tr!(who(first_side));
        let other = tr!(who(match first_side {
            Side::Originator => Side::Responder,
            Side::Responder => Side::Originator,
        }));
        let list: Vec<String> = td.iter().map(|&i| number(data, i).to_string()).collect();
        return Some(TourStep {
            title: tr!("tour-teardown-title"),
            text: tr!(
                "tour-teardown-text",
                frames = list.join(", "),
                closer = closer,
                other = other
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
        title: tr!("tour-reset-title"),
        text: tr!(
            "tour-reset-text",
            frame = number(data, i),
            who = tr!(who(side))
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
        title: tr!("tour-refused-title"),
        text: tr!(
            "tour-refused-text",
            syn = syn.map_or(String::new(), |s| tr!(
                "tour-refused-syn",
                frame = number(data, s)
            )),
            rst = number(data, rst)
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
            ui.label(tr!("tour-nothing"));
            return None;
        };
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.strong(tr!("tour-title"));
            ui.label(tr!(
                "tour-step",
                n = self.current + 1,
                total = self.steps.len()
            ));
            ui.heading(&step.title);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(tr!("tour-close")).clicked() {
                    action = Some(TourAction::Close);
                }
                if self.current + 1 < self.steps.len() {
                    if ui.button(tr!("tour-next")).clicked() {
                        action = Some(TourAction::Go(self.current + 1));
                    }
                } else if ui.button(tr!("tour-finish")).clicked() {
                    action = Some(TourAction::Close);
                }
                if ui
                    .add_enabled(self.current > 0, egui::Button::new(tr!("tour-back")))
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
