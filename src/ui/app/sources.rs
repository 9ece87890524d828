//! Where the packets come from: the demo, a file (opened, dropped on the window), a live
//! capture or a generator run. Each starts from an empty store.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use egui::Color32;

use super::command::Command;
use super::{SynackApp, Tab};

/// The shortest time between two frames drawn because a live capture stored new frames
/// (20 a second: a busy interface must not spin the CPU redrawing).
const LIVE_FRAME_GAP: std::time::Duration = std::time::Duration::from_millis(50);
use crate::ui::details::DetailsView;
use crate::ui::file_dialog;
use crate::ui::gen_runner::{self, GenRun, RunRequest};
use crate::ui::graphs::GraphsView;
use crate::ui::ingest::{self, LiveSession};
use crate::ui::ladder::LadderView;
use crate::ui::live_panel::LivePanel;
use crate::ui::pair_view::PairView;
use crate::ui::program_runner::{ProgramRequest, ProgramRun};
use crate::ui::replay::Replay;
use crate::ui::store::{PacketStore, SourceInfo};
use crate::ui::stream_view::StreamView;

impl SynackApp {
    /// Replaces the store with an empty one (a new source is about to fill it).
    fn reset(&mut self) {
        if let Some(s) = self.session.take() {
            s.stop();
        }
        self.store.progress.cancel.store(true, Ordering::Relaxed);
        self.store = PacketStore::new();
        self.generator.detach();
        self.selection.clear();
        self.filter.reset_scan();
        self.details = DetailsView::default();
        self.ladder = LadderView::default();
        self.replay = Replay::default();
        self.tour = None;
        self.before_tour = None;
        self.connections.clear();
        self.png_pending = None;
        self.graphs = GraphsView::default();
        self.stream_view = StreamView::default();
        self.pair = PairView::default();
        self.message = None;
    }

    /// Pairs the capture file on display with `second`, another capture point's file, and
    /// shows the Two points tab.
    pub fn open_second_point(&mut self, ctx: &egui::Context, second: PathBuf) {
        let first = match &self.store.read().source {
            Some(SourceInfo::File(p)) => Some(p.clone()),
            _ => None,
        };
        match first {
            Some(first) => {
                self.pair.open(ctx, first, second);
                self.tab = Tab::Pair;
            }
            None => {
                self.message = Some((crate::i18n::tr!("pair-needs-first"), true));
            }
        }
    }

    /// Shows the built-in demo.
    pub fn open_demo(&mut self) {
        self.reset();
        if let Err(e) = ingest::load_bytes(
            crate::capture::demo::NAME,
            crate::capture::demo::PCAP,
            &self.store,
            SourceInfo::Demo,
        ) {
            self.message = Some((
                crate::i18n::tr!("source-demo-unreadable", error = e.to_string()),
                true,
            ));
        }
        self.store.write().calls = Some(crate::capture::demo::calls());
    }

    /// Starts loading a file (progress in the status bar).
    pub fn open_file(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.reset();
        let repaint = ctx.clone();
        // A missing trace is normal (most captures come with none); an unreadable one is
        // reported in the status bar and otherwise ignored.
        match crate::calls::read_beside(&path) {
            Ok(calls) => self.store.write().calls = calls,
            Err(e) => self.message = Some((format!("{e}; ignored"), true)),
        }
        match ingest::load_file(&path, &self.store, move || repaint.request_repaint()) {
            Ok(()) => {
                if self.recent_files {
                    file_dialog::remember(&mut self.recent, &path);
                }
                if self.tab != Tab::Ladder {
                    self.tab = Tab::Packets;
                }
            }
            Err(e) => self.message = Some((e.to_string(), true)),
        }
    }

    /// Starts loading several files (or directories of them) merged in time order.
    pub fn open_files(&mut self, ctx: &egui::Context, paths: &[PathBuf]) {
        self.reset();
        let repaint = ctx.clone();
        match ingest::load_files(paths, &self.store, move || repaint.request_repaint()) {
            Ok(()) => {
                if self.tab != Tab::Ladder {
                    self.tab = Tab::Packets;
                }
            }
            Err(e) => self.message = Some((e.to_string(), true)),
        }
    }

    pub(super) fn start_live(&mut self, ctx: &egui::Context, interface: &str, bpf: &str) {
        self.reset();
        let repaint = ctx.clone();
        let config = LivePanel::config(interface, bpf);
        // New frames ask for a frame, no sooner than LIVE_FRAME_GAP after the last one:
        // heavy traffic does not make the window redraw faster than that.
        let notify = move || repaint.request_repaint_after(LIVE_FRAME_GAP);
        match LiveSession::start(&config, &self.store, notify) {
            Ok(s) => {
                self.session = Some(s);
                self.list.auto_scroll = true;
            }
            Err(e) => self.message = Some((e.to_string(), true)),
        }
    }

    /// Runs a generator scenario into a fresh store and shows the generator panel; its
    /// packets and calls appear as the run makes them.
    pub fn run_generator(&mut self, ctx: &egui::Context, req: RunRequest) {
        let repaint = self.prepare_run(ctx);
        self.generator
            .attach(GenRun::start(req, &self.store, repaint));
        self.show_run();
    }

    /// Runs the user's programs traced into a fresh store and shows *Run a program*; their
    /// packets and calls appear as they make them.
    pub fn run_program(&mut self, ctx: &egui::Context, req: ProgramRequest) {
        let repaint = self.prepare_run(ctx);
        self.generator
            .attach_program(ProgramRun::start(req, &self.store, repaint));
        self.show_run();
    }

    /// Clears the window for a run of the generator panel (its packets go into a fresh
    /// store); returns what the run calls to have a frame drawn as its packets arrive.
    fn prepare_run(&mut self, ctx: &egui::Context) -> impl Fn() + Send + Sync + 'static {
        self.forget_followed_filter();
        self.reset();
        let repaint = ctx.clone();
        move || repaint.request_repaint()
    }

    /// Shows the generator panel, the packet list following the run's packets.
    fn show_run(&mut self) {
        self.list.auto_scroll = true;
        self.tab = Tab::Generator;
    }

    /// The connection filter a previous run set by itself would hide the next run's
    /// packets (stream numbers start again, UDP lessons have none): drop it; a user's own
    /// stays.
    fn forget_followed_filter(&mut self) {
        let had_run = self.generator.run.is_some() || self.generator.program.is_some();
        let followed = self
            .selection
            .connection
            .filter(|_| had_run)
            .map(|c| c.filter());
        if followed.is_some() && followed.as_deref() == self.filter.applied_text() {
            self.filter.set("");
        }
    }

    /// Writes the generator run's capture and its calls trace beside it.
    pub fn save_run(&mut self, path: PathBuf) {
        let result = gen_runner::save(&self.store.read(), &path);
        self.message = Some(match result {
            Ok(m) => (m, false),
            Err(e) => (format!("{e:#}"), true),
        });
    }

    /// Where file dialogs start: the folder of the most recent file, else the working one.
    pub(super) fn start_dir(&self) -> PathBuf {
        self.recent
            .first()
            .and_then(|p| p.parent().map(PathBuf::from))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("/"))
    }

    /// Opens a file dropped on the window, and darkens the window while one hovers.
    pub(super) fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(p) = dropped.into_iter().next() {
            self.queue(Command::OpenFile(p));
        }
        let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
        if hovering {
            let painter = ctx.layer_painter(egui::LayerId::new(
                egui::Order::Foreground,
                egui::Id::unique("drop_overlay"),
            ));
            let rect = ctx.content_rect();
            painter.rect_filled(rect, 0.0, Color32::from_black_alpha(160));
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                crate::i18n::text("msg-drop-file"),
                egui::FontId::proportional(24.0),
                Color32::WHITE,
            );
        }
    }
}
