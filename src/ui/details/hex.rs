//! The hex + ASCII pane: the selected field's bytes highlighted; clicking a byte selects the
//! smallest field that covers it (Wireshark's two-way link with the tree).

use std::ops::Range;

use egui::{Color32, RichText};

use super::{field_at, Node};

/// Draws `bytes`; `nodes` is their tree, `field` the selected field's range.
pub(super) fn hex_ui(
    ui: &mut egui::Ui,
    bytes: &[u8],
    nodes: &[Node],
    field: &mut Option<Range<usize>>,
) {
    if bytes.is_empty() {
        return;
    }
    let hl = ui.visuals().selection.bg_fill;
    let hl_text = ui.visuals().selection.stroke.color;
    let mut clicked: Option<usize> = None;
    // One clickable cell of the hex or the ASCII column, highlighted when in the field.
    let mut cell = |ui: &mut egui::Ui, text: String, off: usize| {
        let mut t = RichText::new(text).monospace();
        if field.as_ref().is_some_and(|r| r.contains(&off)) {
            t = t.background_color(hl).color(hl_text);
        }
        let resp = ui.add(egui::Label::new(t).sense(egui::Sense::click()));
        if resp.clicked() && off < bytes.len() {
            clicked = Some(off);
        }
    };
    egui::ScrollArea::vertical()
        .id_salt("hex_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing = egui::vec2(0.0, 0.0);
            for (line, chunk) in bytes.chunks(16).enumerate() {
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(format!("{:04x}  ", line * 16))
                            .monospace()
                            .color(Color32::GRAY),
                    );
                    for i in 0..16 {
                        let text = chunk
                            .get(i)
                            .map_or("   ".to_string(), |b| format!("{b:02x} "));
                        cell(ui, text, line * 16 + i);
                        if i == 7 {
                            ui.label(RichText::new(" ").monospace());
                        }
                    }
                    ui.label(RichText::new("  ").monospace());
                    for (i, b) in chunk.iter().enumerate() {
                        let c = if b.is_ascii_graphic() || *b == b' ' {
                            *b as char
                        } else {
                            '.'
                        };
                        cell(ui, c.to_string(), line * 16 + i);
                    }
                });
            }
        });
    if let Some(off) = clicked {
        *field = field_at(nodes, off);
    }
}
