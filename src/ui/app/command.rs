//! The app's command queue (rerun's way): menus, views, the tour and start-up options say
//! what they want as a [`Command`]; [`SynackApp::apply_queued`] carries the commands out once
//! the frame's views are drawn. A view therefore never borrows the whole app, and intents
//! that must wait (a frame number not loaded yet, a PNG of a view not drawn yet) wait in the
//! queue instead of in one-shot flags.

use std::path::PathBuf;

use super::{SynackApp, Tab};
use crate::analysis::FlowProto;
use crate::ui::export::ExportScope;
use crate::ui::file_dialog::{DialogPurpose, FigureKind, FileDialog};
use crate::ui::gen_runner::RunRequest;
use crate::ui::replay::ReplayScope;
use crate::ui::selection::ConnRef;

/// Something the user or a view asked the app to do.
#[derive(Debug, Clone)]
pub enum Command {
    /// Show the built-in demo capture.
    OpenDemo,
    /// Load a capture file.
    OpenFile(PathBuf),
    /// Pair the capture file on display with a second capture point's file.
    OpenSecondPoint(PathBuf),
    /// Start a live capture.
    StartLive {
        /// Interface name.
        interface: String,
        /// BPF capture filter (empty: none).
        bpf: String,
    },
    /// Stop the running live capture.
    StopLive,
    /// Run a generator lesson into a fresh store.
    RunGenerator(RunRequest),
    /// Run the user's programs traced into a fresh store.
    RunProgram(crate::ui::program_runner::ProgramRequest),
    /// Open the file dialog, with a suggested file name for saves.
    OpenDialog {
        /// What the chosen path is for.
        purpose: DialogPurpose,
        /// File name filled in (`None`: the dialog's default).
        name: Option<String>,
    },
    /// Ask where to save a figure (the dialog suggests a name saying what it shows).
    AskFigurePath(FigureKind),
    /// Write a figure to a path.
    SaveFigure(FigureKind, PathBuf),
    /// Take the PNG of a figure from the view drawn this frame (queued by `SaveFigure`).
    RequestPng(FigureKind, PathBuf),
    /// Write packets to a pcap file.
    SavePcap(ExportScope, PathBuf),
    /// Write the generator run's capture and calls trace.
    SaveRun(PathBuf),
    /// Open Follow TCP Stream on the selected packet's TCP connection.
    FollowStream,
    /// Open Follow UDP Stream on the selected packet's UDP conversation.
    FollowUdpStream,
    /// Write what Follow TCP Stream shows.
    SaveFollow(PathBuf),
    /// Set and apply a display filter.
    ApplyFilter(String),
    /// Put a display filter in the bar without applying it (Prepare as filter).
    PrepareFilter(String),
    /// Show only a connection's packets.
    SelectConnection(ConnRef),
    /// Open a connection's ladder.
    OpenLadder(ConnRef),
    /// Open the ladder of the selected packet's connection.
    OpenLadderOfPacket,
    /// Switch tabs.
    ShowTab(Tab),
    /// Start replaying.
    StartReplay(ReplayScope),
    /// Leave the replay.
    StopReplay,
    /// Start the guided tour once the capture is loaded.
    StartTour,
    /// Switch the interface's language (the tour's text follows).
    SetLang(crate::i18n::Lang),
    /// Show a tour step.
    GoTourStep(usize),
    /// Close the tour.
    CloseTour,
    /// The welcome's offer of a tour was declined.
    DeclineTour,
    /// Copy the selected packet's summary to the clipboard.
    CopySummary,
    /// Copy the connection table to the clipboard.
    CopyConnectionTable,
    /// Select frame `number` once it is loaded; with `replay`, start replaying its
    /// connection at it once the whole capture is loaded.
    GoTo {
        /// The frame number.
        number: u64,
        /// Replay from it.
        replay: bool,
    },
    /// Close the window.
    Quit,
}

/// Whether a command was carried out or must wait for a later frame.
pub(super) enum Outcome {
    /// Carried out (or dropped).
    Done,
    /// To be tried again next frame.
    Wait(Command),
}

impl SynackApp {
    /// Queues `command` for the end of this frame.
    pub fn queue(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Carries out the queued commands, in order; those that must wait stay queued for the
    /// next frame (and ask for one).
    pub(super) fn apply_queued(&mut self, ctx: &egui::Context) {
        let mut waiting = Vec::new();
        // Commands may queue commands (a figure's PNG); those run next frame.
        for command in std::mem::take(&mut self.commands) {
            if let Outcome::Wait(c) = self.apply(ctx, command) {
                waiting.push(c);
            }
        }
        if !waiting.is_empty() || !self.commands.is_empty() {
            ctx.request_repaint();
        }
        waiting.append(&mut self.commands);
        self.commands = waiting;
    }

    fn apply(&mut self, ctx: &egui::Context, command: Command) -> Outcome {
        match command {
            Command::OpenDemo => self.open_demo(),
            Command::OpenFile(path) => self.open_file(ctx, path),
            Command::OpenSecondPoint(path) => self.open_second_point(ctx, path),
            Command::StartLive { interface, bpf } => self.start_live(ctx, &interface, &bpf),
            Command::StopLive => {
                if let Some(s) = &self.session {
                    s.stop();
                }
            }
            Command::RunGenerator(req) => self.run_generator(ctx, req),
            Command::RunProgram(req) => self.run_program(ctx, req),
            Command::OpenDialog { purpose, name } => {
                let mut dialog = FileDialog::new(purpose, self.start_dir());
                if let Some(name) = name {
                    dialog.name = name;
                }
                self.dialog = Some(dialog);
            }
            Command::AskFigurePath(kind) => self.ask_figure_path(kind),
            Command::SaveFigure(kind, path) => self.save_figure(ctx, kind, path),
            Command::RequestPng(kind, path) => self.request_png(ctx, kind, path),
            Command::SavePcap(scope, path) => self.save(scope, path),
            Command::SaveRun(path) => self.save_run(path),
            Command::FollowStream => return self.follow_stream(FlowProto::Tcp),
            Command::FollowUdpStream => return self.follow_stream(FlowProto::Udp),
            Command::SaveFollow(path) => self.save_follow(&path),
            Command::ApplyFilter(text) => {
                if !self.filter.set(&text) {
                    self.message = Some((
                        crate::i18n::text_in(
                            crate::i18n::lang(),
                            "msg-bad-filter",
                            &[("filter", text.clone().into())],
                        ),
                        true,
                    ));
                }
            }
            Command::PrepareFilter(text) => self.filter.prepare(ctx, &text),
            Command::SelectConnection(c) => self.select_connection(c),
            Command::OpenLadder(c) => self.open_ladder(c),
            Command::OpenLadderOfPacket => self.open_ladder_of_packet(),
            Command::ShowTab(tab) => self.tab = tab,
            Command::StartReplay(scope) => self.start_replay(scope),
            Command::StopReplay => self.stop_replay(),
            Command::StartTour => {
                if !self.loaded() {
                    return Outcome::Wait(Command::StartTour);
                }
                self.start_tour();
            }
            Command::SetLang(lang) => {
                self.lang = lang;
                crate::i18n::set_thread_lang(Some(lang));
                if let Some(t) = &mut self.tour {
                    t.steps = crate::ui::tour::plan(&self.store.read());
                }
            }
            Command::GoTourStep(n) => self.go_tour_step(n),
            Command::CloseTour => self.close_tour(),
            Command::DeclineTour => self.answer_offer(),
            Command::CopySummary => self.copy_summary(ctx),
            Command::CopyConnectionTable => {
                let data = self.store.read();
                ctx.copy_text(self.connections.table_text(&data));
            }
            Command::GoTo { number, replay } => return self.go_to(number, replay),
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
        Outcome::Done
    }

    /// Selects frame `number` when it is loaded; with `replay` (`synack view --replay`), puts
    /// the replay cursor on it, stepping through its connection, once every frame of that
    /// connection is known (the whole file).
    fn go_to(&mut self, number: u64, replay: bool) -> Outcome {
        let data = self.store.read();
        let Some(i) = data.index_of_number(number) else {
            if !data.finished {
                return Outcome::Wait(Command::GoTo { number, replay });
            }
            let last = data.len();
            drop(data);
            self.message = Some((
                crate::i18n::text_in(
                    crate::i18n::lang(),
                    "msg-no-frame",
                    &[("frame", number.into()), ("last", last.into())],
                ),
                true,
            ));
            return Outcome::Done;
        };
        self.selection.select_packet(i, true);
        if !replay {
            return Outcome::Done;
        }
        if !data.finished {
            return Outcome::Wait(Command::GoTo { number, replay });
        }
        let scope = data.analysis(i).flow.map_or(ReplayScope::Capture, |f| {
            ReplayScope::Connection(ConnRef {
                proto: f.proto,
                stream: f.stream,
            })
        });
        self.replay.start_at(&mut self.selection, scope, i);
        Outcome::Done
    }
}
