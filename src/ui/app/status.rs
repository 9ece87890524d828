//! The status bar.

use crate::i18n::tr;
use egui::Color32;

use super::SynackApp;
use crate::ui::store::SourceInfo;

impl SynackApp {
    /// The status bar: source, counts, replay cursor, progress, errors and the last message.
    pub(super) fn status_ui(&mut self, ui: &mut egui::Ui) {
        let data = self.store.read();
        ui.horizontal(|ui| {
            let source = data
                .source
                .as_ref()
                .map_or(tr!("status-no-capture"), SourceInfo::label);
            ui.label(source);
            ui.separator();
            ui.label(tr!("status-packets", count = data.len()));
            let shown = self.filter.visible_len(&data);
            if self.filter.applied_text().is_some() {
                let pct = if data.is_empty() {
                    0.0
                } else {
                    100.0 * shown as f64 / data.len() as f64
                };
                ui.label(tr!(
                    "status-displayed",
                    shown = shown,
                    pct = format!("{pct:.1}")
                ));
            }
            ui.label(tr!("status-connections", count = data.connections.len()));
            if let Some(u) = self.selection.until {
                ui.colored_label(
                    Color32::from_rgb(0xe0, 0x90, 0x30),
                    tr!(
                        "status-replay-hidden",
                        frame = data.record(u).map_or(0, |r| r.number)
                    ),
                );
            }
            if !data.finished {
                if let Some(f) = self.store.progress.fraction() {
                    ui.add(
                        egui::ProgressBar::new(f)
                            .desired_width(200.0)
                            .show_percentage()
                            .text(tr!("status-loading", pct = format!("{:.0}", f * 100.0))),
                    );
                } else if self.session.is_some() {
                    // Not a spinner: it would redraw the window without pause while idle.
                    ui.label(tr!("status-capturing"));
                } else if self.generator.running() {
                    ui.spinner();
                }
            }
            let sf = self.filter.scan_fraction(&data);
            if sf < 1.0 {
                ui.add(
                    egui::ProgressBar::new(sf)
                        .desired_width(120.0)
                        .text(tr!("status-filtering")),
                );
            }
            if let Some(e) = &data.error {
                ui.colored_label(Color32::RED, e);
            }
            if let Some((m, err)) = &self.message {
                ui.separator();
                if *err {
                    ui.colored_label(Color32::RED, m);
                } else {
                    ui.label(m);
                }
            }
        });
    }
}
