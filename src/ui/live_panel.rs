//! The live capture panel: interface, BPF filter, start/stop, counters, save.

use crate::capture::live::{self, capture_permission, InterfaceInfo, LiveConfig, Permission};

use super::ingest::LiveSession;
use crate::i18n::tr;

/// What the panel asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveAction {
    /// Start capturing with this configuration (the app clears the store first).
    Start {
        /// Interface name.
        interface: String,
        /// BPF capture filter (empty = none).
        bpf: String,
    },
    /// Stop the running capture.
    Stop,
    /// Open the save dialog for what was captured.
    Save,
}

/// State of the live panel.
#[derive(Debug, Default)]
pub struct LivePanel {
    /// Interfaces as last listed.
    interfaces: Option<Result<Vec<InterfaceInfo>, String>>,
    /// Chosen interface.
    pub interface: String,
    /// BPF filter text.
    pub bpf: String,
}

impl LivePanel {
    /// Builds the configuration of a capture.
    pub fn config(interface: &str, bpf: &str) -> LiveConfig {
        let mut c = LiveConfig::new(interface);
        c.filter = (!bpf.trim().is_empty()).then(|| bpf.trim().to_string());
        c
    }

    /// Draws the panel; `session` is the running capture, if any.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        session: Option<&LiveSession>,
        stored: usize,
    ) -> Option<LiveAction> {
        let mut action = None;
        if self.interfaces.is_none() {
            self.interfaces = Some(live::interfaces().map_err(|e| e.to_string()));
            if self.interface.is_empty() {
                if let Some(Ok(list)) = &self.interfaces {
                    if let Some(first) = list.iter().find(|i| i.up && !i.loopback).or(list.first())
                    {
                        self.interface = first.name.clone();
                    }
                }
            }
        }
        ui.heading(tr!("live-title"));
        match capture_permission() {
            Permission::Full => {}
            Permission::NoPromisc => {
                ui.label(tr!("live-no-promisc"));
            }
            Permission::Denied => {
                ui.colored_label(egui::Color32::RED, tr!("live-denied"));
            }
        }
        let running = session.is_some_and(|s| !s.is_stopping());
        egui::Grid::new("live_grid").num_columns(2).show(ui, |ui| {
            ui.label(tr!("live-interface"));
            ui.horizontal(|ui| {
                ui.add_enabled_ui(!running, |ui| {
                    egui::ComboBox::from_id_salt("iface")
                        .selected_text(if self.interface.is_empty() {
                            tr!("live-choose")
                        } else {
                            self.interface.clone()
                        })
                        .show_ui(ui, |ui| {
                            if let Some(Ok(list)) = &self.interfaces {
                                for i in list {
                                    let addrs: Vec<String> =
                                        i.addresses.iter().map(|(a, _)| a.to_string()).collect();
                                    let label = format!(
                                        "{}{}  {}",
                                        i.name,
                                        if i.up {
                                            String::new()
                                        } else {
                                            tr!("live-down")
                                        },
                                        addrs.join(", ")
                                    );
                                    ui.selectable_value(&mut self.interface, i.name.clone(), label);
                                }
                            }
                        });
                });
                if ui.button(tr!("live-refresh")).clicked() {
                    self.interfaces = None;
                }
            });
            ui.end_row();
            ui.label(tr!("live-bpf"));
            ui.add_enabled(
                !running,
                egui::TextEdit::singleline(&mut self.bpf)
                    .id_salt("bpf")
                    .hint_text(tr!("live-bpf-hint"))
                    .desired_width(300.0),
            );
            ui.end_row();
        });
        if let Some(Err(e)) = &self.interfaces {
            ui.colored_label(egui::Color32::RED, e);
        }
        ui.horizontal(|ui| {
            if running {
                if ui.button(tr!("live-stop")).clicked() {
                    action = Some(LiveAction::Stop);
                }
            } else if ui
                .add_enabled(
                    !self.interface.is_empty(),
                    egui::Button::new(tr!("live-start")),
                )
                .clicked()
            {
                action = Some(LiveAction::Start {
                    interface: self.interface.clone(),
                    bpf: self.bpf.clone(),
                });
            }
            if ui
                .add_enabled(stored > 0, egui::Button::new(tr!("live-save")))
                .clicked()
            {
                action = Some(LiveAction::Save);
            }
        });
        if let Some(s) = session {
            let st = s.stats();
            let k = st.kernel.unwrap_or_default();
            ui.label(tr!(
                "live-counters",
                state = tr!(if s.is_stopping() {
                    "live-stopped"
                } else {
                    "live-capturing"
                }),
                interface = s.interface.clone(),
                captured = st.captured,
                stored = stored,
                dropped = st.total_dropped(),
                kernel = k.dropped,
                ifdropped = k.if_dropped,
                queue = st.queue_dropped
            ));
        }
        action
    }
}
