//! The central area: one function per tab; what a view asks for becomes a [`Command`].

use super::command::Command;
use super::{SynackApp, Tab};
use crate::i18n::tr;
use crate::ui::connections::ConnAction;
use crate::ui::export;
use crate::ui::file_dialog::{DialogPurpose, FigureKind};
use crate::ui::filter_menu::FilterAction;
use crate::ui::flow_graph::FlowAction;
use crate::ui::generator_panel::GenAction;
use crate::ui::graphs::GraphAction;
use crate::ui::ladder::LadderAction;
use crate::ui::live_panel::LiveAction;
use crate::ui::pair_view::PairAction;
use crate::ui::replay::ReplayScope;
use crate::ui::store::{PacketStore, StoreData};
use crate::ui::stream_view::StreamAction;

impl SynackApp {
    /// Draws the shown tab.
    pub(super) fn tab_ui(&mut self, ui: &mut egui::Ui) {
        match self.tab {
            Tab::Packets => self.packets_ui(ui),
            Tab::Connections => self.connections_ui(ui),
            Tab::Ladder => self.ladder_ui(ui),
            Tab::Graphs => self.graphs_ui(ui),
            Tab::Stream => self.stream_ui(ui),
            Tab::Live => self.live_ui(ui),
            Tab::Generator => self.generator_ui(ui),
            Tab::Flows => self.flows_ui(ui),
            Tab::Pair => self.pair_ui(ui),
        }
    }

    /// The Two points tab; a picked row selects its frame of the file on display.
    fn pair_ui(&mut self, ui: &mut egui::Ui) {
        let selected = {
            let data = self.store.read();
            self.selection
                .packet
                .and_then(|i| data.record(i).map(|r| r.number))
        };
        let action = egui::CentralPanel::default()
            .show(ui, |ui| self.pair.ui(ui, selected))
            .inner;
        match action {
            Some(PairAction::Select { frame, show }) => {
                self.message = None;
                self.queue(Command::GoTo {
                    number: frame,
                    replay: false,
                });
                if show {
                    self.tab = Tab::Packets;
                }
            }
            Some(PairAction::Explain(why)) => self.message = Some((why, false)),
            None => {}
        }
    }

    fn flows_ui(&mut self, ui: &mut egui::Ui) {
        let action = central_view(ui, &self.store, |ui, data| {
            self.flows.ui(ui, data, &self.filter, &self.selection)
        });
        match action {
            Some(FlowAction::Select(i)) => self.selection.select_packet(i, true),
            Some(FlowAction::ExportSvg) => self.queue(Command::AskFigurePath(FigureKind::FlowsSvg)),
            Some(FlowAction::ExportPng) => self.queue(Command::AskFigurePath(FigureKind::FlowsPng)),
            None => {}
        }
    }

    fn connections_ui(&mut self, ui: &mut egui::Ui) {
        let action = central_view(ui, &self.store, |ui, data| {
            self.connections.ui(ui, data, &self.selection)
        });
        match action {
            Some(ConnAction::Select(c)) => self.queue(Command::SelectConnection(c)),
            Some(ConnAction::Ladder(c)) => self.queue(Command::OpenLadder(c)),
            None => {}
        }
    }

    fn ladder_ui(&mut self, ui: &mut egui::Ui) {
        let action = central_view(ui, &self.store, |ui, data| {
            self.ladder.ui(ui, data, &mut self.selection)
        });
        match action {
            Some(LadderAction::ExportSvg) => {
                self.queue(Command::AskFigurePath(FigureKind::LadderSvg))
            }
            Some(LadderAction::ExportPng) => {
                self.queue(Command::AskFigurePath(FigureKind::LadderPng))
            }
            Some(LadderAction::Replay(c)) => {
                self.queue(Command::StartReplay(ReplayScope::Connection(c)))
            }
            None => {}
        }
    }

    fn graphs_ui(&mut self, ui: &mut egui::Ui) {
        let action = central_view(ui, &self.store, |ui, data| {
            self.graphs.ui(ui, data, &mut self.selection)
        });
        match action {
            Some(GraphAction::Export(kind)) => self.queue(Command::AskFigurePath(kind)),
            Some(GraphAction::OpenPackets) => self.queue(Command::ShowTab(Tab::Packets)),
            None => {}
        }
    }

    fn stream_ui(&mut self, ui: &mut egui::Ui) {
        let action = central_view(ui, &self.store, |ui, data| {
            self.stream_view.ui(ui, data, &mut self.selection)
        });
        match action {
            Some(StreamAction::Export(kind)) => self.queue(Command::AskFigurePath(kind)),
            None => {}
        }
    }

    fn live_ui(&mut self, ui: &mut egui::Ui) {
        let action = egui::CentralPanel::default()
            .show(ui, |ui| {
                let stored = self.store.read().len();
                let action = self.live.ui(ui, self.session.as_ref(), stored);
                ui.separator();
                ui.label(tr!("pane-generator-hint"));
                action
            })
            .inner;
        match action {
            Some(LiveAction::Start { interface, bpf }) => {
                self.queue(Command::StartLive { interface, bpf })
            }
            Some(LiveAction::Stop) => self.queue(Command::StopLive),
            Some(LiveAction::Save) => self.queue(Command::OpenDialog {
                purpose: DialogPurpose::Save(export::ExportScope::All),
                name: None,
            }),
            None => {}
        }
    }

    fn generator_ui(&mut self, ui: &mut egui::Ui) {
        let action = central_view(ui, &self.store, |ui, data| self.generator.ui(ui, data));
        match action {
            Some(GenAction::Run(req)) => self.queue(Command::RunGenerator(req)),
            Some(GenAction::RunProgram(req)) => self.queue(Command::RunProgram(req)),
            Some(GenAction::Save) => {
                let scenario = match (&self.generator.program, &self.generator.run) {
                    (Some(_), _) => "program".to_string(),
                    (None, Some(run)) => run.scenario.to_string(),
                    (None, None) => self.generator.selected.to_string(),
                };
                // Not the shipped capture's own name (`captures/SCENARIO.pcap`): a run saved
                // next to it must not look like it, and the dialog asks before replacing.
                self.queue(Command::OpenDialog {
                    purpose: DialogPurpose::SaveRun,
                    name: Some(format!("{scenario}-run.pcap")),
                });
            }
            None => {}
        }
    }

    /// The Packets tab: list, details tree and bytes.
    fn packets_ui(&mut self, ui: &mut egui::Ui) {
        let mut open_ladder = false;
        let mut filter_action = None;
        let data = self.store.read();
        self.details
            .sync(&data, self.selection.packet, self.selection.until);
        let mut field = self.selection.field.clone();
        egui::Panel::bottom("details_panel")
            .resizable(true)
            .default_size(ui.available_height() * 0.45)
            .show(ui, |ui| {
                egui::Panel::right("hex_panel")
                    .resizable(true)
                    .default_size(560.0)
                    .min_size(420.0)
                    .show(ui, |ui| {
                        ui.horizontal(|ui| {
                            ui.strong(tr!("pane-bytes"));
                            self.details.bytes_toolbar(ui);
                        });
                        self.details.hex_ui(ui, &mut field);
                    });
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.strong(tr!("pane-details"));
                        if self.selection.packet.is_some()
                            && ui
                                .small_button(tr!("pane-ladder-button"))
                                .on_hover_text(tr!("pane-ladder-hover"))
                                .clicked()
                        {
                            open_ladder = true;
                        }
                        if self.selection.packet.is_some()
                            && ui.small_button(tr!("pane-copy-summary")).clicked()
                        {
                            if let Some(s) = self
                                .selection
                                .packet
                                .and_then(|i| export::packet_summary(&data, i))
                            {
                                ui.ctx().copy_text(s);
                            }
                        }
                    });
                    filter_action = self.details.tree_ui(ui, &mut field, &self.filter.text);
                });
            });
        self.selection.field = field;
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(a) = self.list.ui(ui, &data, &self.filter, &mut self.selection) {
                filter_action = Some(a);
            }
        });
        drop(data);
        match filter_action {
            Some(FilterAction::Apply(text)) => self.queue(Command::ApplyFilter(text)),
            Some(FilterAction::Prepare(text)) => self.queue(Command::PrepareFilter(text)),
            None => {}
        }
        if open_ladder {
            self.queue(Command::OpenLadderOfPacket);
        }
    }
}

/// Draws a view of the capture in the central panel, `view` given the store's data (held
/// read while it draws); returns what the view asked for.
fn central_view<A>(
    ui: &mut egui::Ui,
    store: &PacketStore,
    view: impl FnOnce(&mut egui::Ui, &StoreData) -> A,
) -> A {
    egui::CentralPanel::default()
        .show(ui, |ui| view(ui, &store.read()))
        .inner
}
