//! The stream / sticky-packet view: per direction, the byte stream as a ribbon with the
//! segments that carried it above and the application's messages below (coalesced segments
//! and split messages in their own colours), gaps hatched with their cause, and, when the
//! capture has a calls trace, the program's `send()` and `recv()` calls.
//!
//! [`model`] reassembles and frames with [`crate::stream`] (what `synack stream` runs);
//! [`layout`] turns it into shapes for both the screen and the SVG export. Scroll zooms
//! around the pointer, dragging pans, double-click fits; clicking a segment selects its
//! packet, clicking a message shows its bytes in the side panel.

pub mod layout;
pub mod model;

use egui::{Color32, Rect, Sense};

use self::layout::{Hit, Layout};
use self::model::{RibbonModel, FRAMING_NAMES};
use super::file_dialog::FigureKind;
use super::graphs::no_connection_notice;
use super::selection::{ConnRef, Selection};
use super::store::StoreData;
use super::text_view::{self, TextView};
use crate::analysis::FlowProto;
use crate::i18n::tr;
use crate::stream::follow::FramingChoice;
use crate::stream::GapReason;

/// What the stream view asks the window to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamAction {
    /// Save the ribbon (the window asks for a path).
    Export(FigureKind),
}

/// Characters of a message's text in its tooltip.
const TIP_CHARS: usize = 120;

type CacheKey = (ConnRef, FramingChoice, Option<usize>, usize, bool);

/// The stream tab.
#[derive(Debug)]
pub struct StreamView {
    /// Framing chosen in the combo box (a name of [`FRAMING_NAMES`]).
    pub framing: &'static str,
    /// Size for the `fixed` framing.
    pub fixed_size: u32,
    /// The message shown in the side panel: (direction index, message index).
    pub selected: Option<(usize, usize)>,
    /// Visible byte range per direction; `None`: the whole direction.
    pub range: [Option<(f64, f64)>; 2],
    /// The message panel's bytes: text (the default) or a hex dump, and the encoding.
    pub text_view: TextView,
    cache: Option<(CacheKey, std::sync::Arc<RibbonModel>)>,
    last_rect: Option<Rect>,
    last_layout: Option<(Layout, f32)>,
}

impl Default for StreamView {
    fn default() -> Self {
        StreamView {
            framing: "auto",
            fixed_size: 4,
            selected: None,
            range: [None; 2],
            text_view: TextView::new(true),
            cache: None,
            last_rect: None,
            last_layout: None,
        }
    }
}

pub use crate::stream::hexdump::hex_dump;

/// The line saying how a TCP stream was framed (and why, when `auto` chose).
fn framing_line(m: &RibbonModel) -> String {
    match &m.msgs.reason {
        Some(r) => tr!(
            "ribbon-framing-auto",
            framing = m.msgs.framing.to_string(),
            inconsistent = if m.msgs.consistent {
                String::new()
            } else {
                tr!("ribbon-inconsistent")
            },
            reason = r.text()
        ),
        None => tr!("ribbon-framing", framing = m.msgs.framing.to_string()),
    }
}

impl StreamView {
    /// The framing choice of the combo box.
    pub fn choice(&self) -> FramingChoice {
        model::choice_of(self.framing, self.fixed_size)
    }

    /// The ribbon model of the selected connection at the replay cursor (recomputed when the
    /// connection, framing, cursor or store changes).
    pub fn model(&mut self, data: &StoreData, selection: &Selection) -> Option<&RibbonModel> {
        let conn = crate::ui::ladder::connection_of(data, selection)?;
        let key = (
            conn,
            self.choice(),
            selection.until,
            data.len(),
            data.calls.is_some(),
        );
        if self.cache.as_ref().is_none_or(|(k, _)| *k != key) {
            let m = match conn.proto {
                FlowProto::Tcp => model::build(data, conn, key.1, selection.until)?,
                FlowProto::Udp => model::build_udp(data, conn, selection.until)?,
            };
            if self.cache.as_ref().is_none_or(|(k, _)| k.0 != conn) {
                self.range = [None; 2];
                self.selected = None;
            }
            self.cache = Some((key, std::sync::Arc::new(m)));
        }
        self.cache.as_ref().map(|(_, m)| &**m)
    }

    /// Where the ribbon was last drawn (for PNG export).
    pub fn last_rect(&self) -> Option<Rect> {
        self.last_rect
    }

    /// Where a click target was on screen in the last frame (tests aim clicks with it).
    pub fn hit_rect(&self, want: Hit) -> Option<Rect> {
        let (lay, _) = self.last_layout.as_ref()?;
        let origin = self.last_rect?.min.to_vec2();
        lay.hits
            .iter()
            .find(|(_, h)| *h == want)
            .map(|(r, _)| r.translate(origin))
    }

    /// The ribbon as last drawn (tests read the characters and shapes it shows).
    pub fn drawn(&self) -> Option<&Layout> {
        self.last_layout.as_ref().map(|(lay, _)| lay)
    }

    /// A file name for an export (without extension).
    pub fn file_stem(&self) -> String {
        match &self.cache {
            Some((k, _)) => format!("stream{}-ribbon", k.0.stream),
            None => "stream-ribbon".into(),
        }
    }

    /// The ribbon as last drawn, as an SVG figure.
    pub fn svg(&self) -> anyhow::Result<super::figure::Svg> {
        let (layout, width) = self
            .last_layout
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!(tr!("ribbon-open-first")))?;
        Ok(layout.svg(*width))
    }

    /// The visible byte ranges, per direction.
    fn visible(&self, m: &RibbonModel) -> [(f64, f64); 2] {
        [0, 1].map(|d| self.range[d].unwrap_or((0.0, m.dirs[d].stream.len.max(1) as f64)))
    }

    /// Draws the tab.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &StoreData,
        selection: &mut Selection,
    ) -> Option<StreamAction> {
        let mut action = None;
        let Some(conn) = crate::ui::ladder::connection_of(data, selection) else {
            no_connection_notice(ui, &tr!("ribbon-its-streams"));
            return None;
        };
        // The encoding selector needs the stream's own encoding (the model is cached).
        let detected = self.model(data, selection).map(|m| m.encoding);
        let udp = conn.proto == FlowProto::Udp;
        ui.horizontal(|ui| {
            if udp {
                // Datagrams keep their boundaries: there is no framing to choose.
                ui.label(tr!("ribbon-udp-label", stream = conn.stream));
            } else {
                self.framing_ui(ui, data, conn.stream);
            }
            if let Some(detected) = detected {
                ui.separator();
                self.text_view
                    .encoding_selector(ui, "stream_ribbon", detected);
            }
            ui.separator();
            if ui.button(tr!("ribbon-fit")).clicked() {
                self.range = [None; 2];
            }
            if ui.button(tr!("graph-export-svg")).clicked() {
                action = Some(StreamAction::Export(FigureKind::RibbonSvg));
            }
            if ui.button(tr!("graph-export-png")).clicked() {
                action = Some(StreamAction::Export(FigureKind::RibbonPng));
            }
        });
        if self.model(data, selection).is_none() {
            ui.label(tr!("ribbon-no-packets"));
            return action;
        }
        // Shared, not copied: a big stream's bytes are in the model.
        let Some(m) = self.cache.as_ref().map(|(_, m)| m.clone()) else {
            return action;
        };
        if !udp {
            ui.label(framing_line(&m));
        }
        for d in 0..2 {
            ui.label(m.summary(d));
        }
        // The messages panel leaves the ribbon most of a narrow window.
        let panel = (ui.available_width() * 0.4).clamp(240.0, 580.0);
        egui::Panel::right("stream_message_panel")
            .resizable(true)
            .default_size(panel)
            .show(ui, |ui| self.side_panel(ui, &m));
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::both()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    self.ribbon_ui(ui, data, &m, selection);
                });
        });
        action
    }

    /// The framing choice of a TCP stream: the combo box, and the size of `fixed`.
    fn framing_ui(&mut self, ui: &mut egui::Ui, data: &StoreData, stream: u32) {
        ui.label(tr!("ribbon-framing-label", stream = stream));
        egui::ComboBox::from_id_salt("stream_framing")
            .selected_text(self.framing)
            .show_ui(ui, |ui| {
                for name in FRAMING_NAMES {
                    let enabled = name != "calls" || data.calls.is_some();
                    ui.add_enabled_ui(enabled, |ui| {
                        ui.selectable_value(&mut self.framing, name, name);
                    });
                }
            });
        if self.framing == "fixed" {
            ui.add(
                egui::DragValue::new(&mut self.fixed_size)
                    .range(1..=65535)
                    .suffix(" B"),
            );
        }
    }

    fn ribbon_ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &StoreData,
        m: &RibbonModel,
        selection: &mut Selection,
    ) {
        let width = ui.available_width().max(400.0);
        let ranges = self.visible(m);
        let encoding = self.text_view.encoding(m.encoding);
        let lay = layout::layout(m, ranges, width, self.selected, encoding);
        let (rect, resp) =
            ui.allocate_exact_size(egui::vec2(width, lay.height), Sense::click_and_drag());
        ui.painter_at(rect).rect_filled(rect, 0.0, Color32::WHITE);
        lay.paint(&ui.painter_at(rect), rect.min);
        let plot_w = f64::from((width - layout::MARGIN - 10.0).max(50.0));
        // Zoom around the pointer and pan by dragging, in the direction under the pointer.
        let block = resp
            .hover_pos()
            .or(resp.interact_pointer_pos())
            .and_then(|p| lay.block_at(p.y - rect.min.y));
        if let Some(d) = block {
            let (mut x0, mut x1) = ranges[d];
            let per_point = (x1 - x0) / plot_w;
            if resp.hovered() {
                let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
                let factor = zoom * (scroll.y / 200.0).exp();
                if let Some(p) = resp.hover_pos() {
                    if (factor - 1.0).abs() > 1e-4 {
                        let at = x0 + f64::from(p.x - rect.min.x - layout::MARGIN) * per_point;
                        let f = 1.0 / f64::from(factor);
                        x0 = at - (at - x0) * f;
                        x1 = at + (x1 - at) * f;
                        if x1 - x0 > 0.5 {
                            self.range[d] = Some((x0, x1));
                        }
                    }
                }
            }
            if resp.dragged() {
                let dx = f64::from(resp.drag_delta().x) * per_point;
                self.range[d] = Some((x0 - dx, x1 - dx));
            }
            if resp.double_clicked() {
                self.range[d] = None;
            }
        }
        if let Some(p) = resp.hover_pos() {
            if let Some(h) = lay.hit(p - rect.min.to_vec2()) {
                let text = self.describe(m, data, h);
                resp.clone().on_hover_text_at_pointer(text);
            }
        }
        if resp.clicked() {
            if let Some(p) = resp.interact_pointer_pos() {
                match lay.hit(p - rect.min.to_vec2()) {
                    Some(Hit::Segment(_, frame)) => {
                        if let Some(i) = data.index_of_number(frame) {
                            selection.select_packet(i, true);
                        }
                    }
                    Some(Hit::Message(d, i)) => self.selected = Some((d, i)),
                    _ => {}
                }
            }
        }
        self.last_rect = Some(rect);
        self.last_layout = Some((lay, width));
    }

    /// Tooltip text of a click target.
    fn describe(&self, m: &RibbonModel, data: &StoreData, h: Hit) -> String {
        match h {
            Hit::Segment(d, frame) => {
                let seg = m.dirs[d].stream.segments.iter().find(|s| s.frame == frame);
                let mark = seg.and_then(|s| {
                    let k = m.dirs[d].stream.segments.iter().position(|x| x == s)?;
                    m.msgs.dirs[d].marks.segments.get(k)
                });
                tr!(
                    "ribbon-tip-segment",
                    frame = frame,
                    bytes = seg.map_or(0, |s| s.len),
                    offset = seg.map_or(0, |s| s.offset),
                    coalesced = mark.filter(|k| k.coalesced).map_or(String::new(), |k| tr!(
                        "ribbon-tip-coalesced",
                        messages = k.messages.len()
                    ))
                )
            }
            Hit::Message(d, i) => {
                let msg = &m.msgs.dirs[d].framed.messages[i];
                let mm = &m.msgs.dirs[d].marks.messages[i];
                let frames: Vec<String> = mm.frames.iter().map(u64::to_string).collect();
                let encoding = self.text_view.encoding(m.encoding);
                let preview =
                    text_view::preview(&m.bytes(d, msg.offset, msg.len), encoding, TIP_CHARS);
                tr!(
                    "ribbon-tip-message",
                    index = i,
                    proto = msg.proto.to_string(),
                    bytes = msg.len,
                    offset = msg.offset,
                    frames = frames.join(","),
                    split = if mm.split {
                        tr!("ribbon-tip-split")
                    } else {
                        String::new()
                    },
                    encoding = text_view::choice_label(self.text_view.choice, m.encoding),
                    text = preview
                )
            }
            Hit::Gap(d, k) => m.dirs[d].stream.gaps.get(k).map_or(String::new(), |g| {
                let why = tr!(match g.reason {
                    GapReason::NotCaptured => "ribbon-gap-not-captured",
                    GapReason::AckedUnseen => "ribbon-gap-acked-unseen",
                    GapReason::BufferLimit => "ribbon-gap-buffer-limit",
                    GapReason::Unfilled => "ribbon-gap-unfilled",
                });
                tr!(
                    "ribbon-tip-gap",
                    bytes = g.len,
                    offset = g.offset,
                    name = layout::gap_name(g.reason),
                    why = why
                )
            }),
            Hit::Call(_, k) => {
                data.calls
                    .as_ref()
                    .and_then(|t| t.calls.get(k))
                    .map_or(String::new(), |c| {
                        tr!(
                            "ribbon-tip-call",
                            actor = c.actor.to_string(),
                            call = format!("{:?}", c.call),
                            local = c.local.to_string(),
                            bytes = c.bytes,
                            offset = c.offset.unwrap_or(0),
                            data = c
                                .data
                                .as_ref()
                                .map_or(String::new(), |d| format!(": {d:?}"))
                        )
                    })
            }
        }
    }

    fn side_panel(&mut self, ui: &mut egui::Ui, m: &RibbonModel) {
        ui.strong(tr!("ribbon-messages"));
        // Only the rows on screen are laid out: a stream can hold a million messages.
        let n0 = m.msgs.dirs[0].framed.messages.len();
        let total = n0 + m.msgs.dirs[1].framed.messages.len();
        let row_h = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical()
            .id_salt("stream_message_list")
            .max_height(ui.available_height() * 0.45)
            .auto_shrink([false, true])
            .show_rows(ui, row_h, total, |ui, rows| {
                for k in rows {
                    let (d, i) = if k < n0 { (0, k) } else { (1, k - n0) };
                    let marks = &m.msgs.dirs[d];
                    let (Some(msg), Some(mm)) =
                        (marks.framed.messages.get(i), marks.marks.messages.get(i))
                    else {
                        continue;
                    };
                    let text = tr!(
                        "ribbon-list-row",
                        dir = m.dirs[d].dir.short(),
                        index = i,
                        proto = msg.proto.to_string(),
                        bytes = msg.len,
                        offset = msg.offset,
                        split = if mm.split {
                            tr!("ribbon-list-split")
                        } else {
                            String::new()
                        }
                    );
                    if ui
                        .selectable_label(self.selected == Some((d, i)), text)
                        .clicked()
                    {
                        self.selected = Some((d, i));
                    }
                }
            });
        ui.separator();
        match self
            .selected
            .and_then(|(d, i)| Some((d, i, m.msgs.dirs[d].framed.messages.get(i)?)))
        {
            Some((d, i, msg)) => {
                ui.strong(tr!(
                    "ribbon-message-title",
                    dir = m.dirs[d].dir.short(),
                    index = i,
                    bytes = msg.len,
                    offset = msg.offset,
                    proto = msg.proto.to_string()
                ));
                ui.horizontal(|ui| self.text_view.toolbar(ui, "stream_message", m.encoding));
                let bytes = m.bytes(d, msg.offset, msg.len);
                if self.text_view.text {
                    let encoding = self.text_view.encoding(m.encoding);
                    egui::ScrollArea::vertical()
                        .id_salt("stream_message_text")
                        .show(ui, |ui| text_view::text_ui(ui, &bytes, encoding));
                    return;
                }
                egui::ScrollArea::both()
                    .id_salt("stream_message_bytes")
                    .show(ui, |ui| {
                        // One dump line per screen line: wrapping would break the columns.
                        ui.add(
                            egui::Label::new(
                                egui::RichText::new(hex_dump(msg.offset, &bytes))
                                    .monospace()
                                    .size(11.0),
                            )
                            .wrap_mode(egui::TextWrapMode::Extend),
                        );
                    });
            }
            None => {
                ui.weak(tr!("ribbon-click-message"));
            }
        }
    }
}
