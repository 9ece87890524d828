//! The menu bar: File, Edit, View, Help and the tabs. Every item queues a [`Command`].

use super::command::Command;
use super::{SynackApp, Tab};
use crate::analysis::FlowProto;
use crate::i18n::{tr, Lang};
use crate::ui::columns::TimeMode;
use crate::ui::export::{self, ExportScope};
use crate::ui::file_dialog::{DialogPurpose, FigureKind};
use crate::ui::replay::{self, ReplayScope};
use crate::ui::store::SourceInfo;

/// Follow TCP Stream's keys with T (Wireshark's Ctrl+Alt+Shift+T).
pub(super) const FOLLOW_KEYS: egui::Modifiers = egui::Modifiers {
    alt: true,
    shift: true,
    ..egui::Modifiers::COMMAND
};

/// The command that opens the file dialog to open a capture (menu and Ctrl+O).
pub(super) fn open_dialog() -> Command {
    Command::OpenDialog {
        purpose: DialogPurpose::Open,
        name: None,
    }
}

impl SynackApp {
    /// The menu bar and the tab switcher.
    pub(super) fn menu_ui(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(tr!("menu-file"), |ui| {
                if ui.button(tr!("menu-open")).clicked() {
                    self.queue(open_dialog());
                }
                ui.menu_button(tr!("menu-open-recent"), |ui| {
                    if self.recent.is_empty() {
                        ui.weak(tr!("menu-none-yet"));
                    }
                    let mut chosen = None;
                    for p in &self.recent {
                        if ui.button(p.display().to_string()).clicked() {
                            chosen = Some(p.clone());
                        }
                    }
                    if let Some(p) = chosen {
                        self.queue(Command::OpenFile(p));
                    }
                });
                if ui.button(tr!("menu-open-demo")).clicked() {
                    self.queue(Command::OpenDemo);
                }
                if ui
                    .button(tr!("menu-open-second"))
                    .on_hover_text(tr!("menu-open-second-hover"))
                    .clicked()
                {
                    self.queue(Command::OpenDialog {
                        purpose: DialogPurpose::OpenSecond,
                        name: None,
                    });
                }
                ui.separator();
                for scope in [
                    ExportScope::All,
                    ExportScope::Filtered,
                    ExportScope::Connection,
                ] {
                    let label = match scope {
                        ExportScope::All => tr!("menu-export-all"),
                        ExportScope::Filtered => tr!("menu-export-filtered"),
                        ExportScope::Connection => tr!("menu-export-connection"),
                    };
                    if ui.button(label).clicked() {
                        self.queue(Command::OpenDialog {
                            purpose: DialogPurpose::Save(scope),
                            name: None,
                        });
                    }
                }
                ui.separator();
                for (kind, label) in [
                    (FigureKind::LadderSvg, tr!("menu-export-ladder-svg")),
                    (FigureKind::LadderPng, tr!("menu-export-ladder-png")),
                    (FigureKind::FlowsSvg, tr!("menu-export-flows-svg")),
                    (FigureKind::FlowsPng, tr!("menu-export-flows-png")),
                ] {
                    if ui.button(label).clicked() {
                        self.queue(Command::AskFigurePath(kind));
                    }
                }
                ui.separator();
                if ui.button(tr!("menu-quit")).clicked() {
                    self.queue(Command::Quit);
                }
            });
            ui.menu_button(tr!("menu-edit"), |ui| {
                if ui
                    .add(egui::Button::new(tr!("menu-find-packet")).shortcut_text("Ctrl+F"))
                    .clicked()
                {
                    self.find.open();
                }
                if ui.button(tr!("menu-copy-summary")).clicked() {
                    self.queue(Command::CopySummary);
                }
                if ui.button(tr!("menu-copy-connections")).clicked() {
                    self.queue(Command::CopyConnectionTable);
                }
            });
            ui.menu_button(tr!("menu-view"), |ui| {
                ui.label(tr!("menu-time-format"));
                for m in [TimeMode::Relative, TimeMode::Absolute, TimeMode::Delta] {
                    ui.radio_value(&mut self.list.time_mode, m, m.label());
                }
                ui.separator();
                ui.checkbox(&mut self.list.auto_scroll, tr!("menu-auto-scroll"));
                ui.checkbox(&mut self.show_legend, tr!("menu-legend"));
                ui.separator();
                ui.menu_button(tr!("lang-menu"), |ui| {
                    for lang in Lang::ALL {
                        if ui.radio(self.lang == lang, lang.native_name()).clicked() {
                            self.queue(Command::SetLang(lang));
                        }
                    }
                });
                ui.separator();
                if self.replay.active {
                    if ui.button(tr!("menu-leave-replay")).clicked() {
                        self.queue(Command::StopReplay);
                    }
                } else {
                    if ui
                        .button(tr!("menu-replay-capture"))
                        .on_hover_text(replay::shortcuts())
                        .clicked()
                    {
                        self.queue(Command::StartReplay(ReplayScope::Capture));
                    }
                    if let Some(c) = self.selection.connection {
                        if ui
                            .button(tr!("menu-replay-stream", stream = c.stream))
                            .clicked()
                        {
                            self.queue(Command::StartReplay(ReplayScope::Connection(c)));
                        }
                    }
                }
            });
            ui.menu_button(tr!("menu-go"), |ui| {
                if ui
                    .add(egui::Button::new(tr!("menu-goto-packet")).shortcut_text("Ctrl+G"))
                    .clicked()
                {
                    self.goto.open();
                }
            });
            ui.menu_button(tr!("menu-analyze"), |ui| {
                // Follow TCP Stream and Follow UDP Stream: (protocol, label, keys, why
                // disabled, command); each enabled when a stream of its protocol is selected.
                for (proto, label, keys, disabled, command) in [
                    (
                        FlowProto::Tcp,
                        "menu-follow-stream",
                        "Ctrl+Alt+Shift+T",
                        "menu-follow-disabled",
                        Command::FollowStream,
                    ),
                    (
                        FlowProto::Udp,
                        "menu-follow-udp-stream",
                        "Ctrl+Alt+Shift+U",
                        "menu-follow-udp-disabled",
                        Command::FollowUdpStream,
                    ),
                ] {
                    let selected = self.selected_stream(proto).is_some();
                    if ui
                        .add_enabled(selected, egui::Button::new(tr!(label)).shortcut_text(keys))
                        .on_disabled_hover_text(tr!(disabled))
                        .clicked()
                    {
                        self.queue(command);
                    }
                }
            });
            ui.menu_button(tr!("menu-help"), |ui| {
                if ui
                    .button(tr!("menu-tour"))
                    .on_hover_text(tr!("menu-tour-hover"))
                    .clicked()
                {
                    if !matches!(self.store.read().source, Some(SourceInfo::Demo)) {
                        self.queue(Command::OpenDemo);
                    }
                    self.queue(Command::StartTour);
                }
                ui.label(format!(
                    "{}\n{}",
                    tr!("menu-replay-keys"),
                    replay::shortcuts()
                ));
            });
            ui.separator();
            for (tab, label) in [
                (Tab::Packets, "tab-packets"),
                (Tab::Connections, "tab-connections"),
                (Tab::Ladder, "tab-ladder"),
                (Tab::Live, "tab-live"),
                (Tab::Graphs, "tab-graphs"),
                (Tab::Stream, "tab-stream"),
                (Tab::Flows, "tab-flows"),
                (Tab::Generator, "tab-generator"),
                (Tab::Pair, "tab-pair"),
            ] {
                let label = tr!(label);
                ui.selectable_value(&mut self.tab, tab, label);
            }
        });
    }

    /// Copies the selected packet's one-line summary.
    pub(super) fn copy_summary(&mut self, ctx: &egui::Context) {
        if let Some(i) = self.selection.packet {
            if let Some(s) = export::packet_summary(&self.store.read(), i) {
                ctx.copy_text(s);
                self.message = Some((tr!("msg-summary-copied"), false));
            }
        }
    }
}
