//! The window: menus, filter bar, tabs (packets, connections, ladder, graphs, stream, live,
//! generator), status bar, dialogs.
//!
//! [`SynackApp::show`] draws one frame from what the store holds; it is what both eframe and
//! the kittest harness call, so the tests drive the real window. What the user and the views
//! ask for goes through the [`Command`] queue (`command`), applied after the frame's views
//! are drawn. One file per concern: `sources` (demo, file, live, generator), `navigate`
//! (connections, ladder, replay, tour), `figures` (pcap and figure exports), `menu`,
//! `status` and `tabs`.

mod command;
mod figures;
mod follow;
mod menu;
mod navigate;
mod sources;
mod status;
mod tabs;

pub use command::Command;

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::bench::Bench;
use super::colors;
use super::connections::ConnectionsView;
use super::details::DetailsView;
use super::figure::PngResult;
use super::file_dialog::{self, DialogPurpose, FileDialog};
use super::filter_bar::FilterState;
use super::find::FindBar;
use super::flow_graph::FlowGraphView;
use super::follow::FollowView;
use super::gen_runner::Wanted;
use super::generator_panel::GeneratorPanel;
use super::goto::GoToBar;
use super::graphs::GraphsView;
use super::ingest::LiveSession;
use super::ladder::LadderView;
use super::live_panel::LivePanel;
use super::packet_list::PacketList;
use super::pair_view::PairView;
use super::replay::Replay;
use super::selection::Selection;
use super::store::{PacketStore, SourceInfo};
use super::stream_view::StreamView;
use super::tour::{self, Tour, TourAction};
use crate::i18n::{tr, Lang};

/// What the window opens with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartSource {
    /// The built-in demo capture.
    Demo,
    /// A capture file.
    File(PathBuf),
    /// Several capture files (or directories of them) merged in time order as one capture.
    Files(Vec<PathBuf>),
    /// A live capture.
    Live {
        /// Interface.
        interface: String,
        /// BPF filter (empty: none).
        bpf: String,
    },
    /// The generator panel, running a scenario (`synack view --gen SCENARIO`).
    Generator {
        /// The scenario to run.
        scenario: crate::gen::Scenario,
        /// Run it synthetic even when live capture is permitted.
        synthetic: bool,
    },
    /// The generator panel's *Run a program*, running the user's programs traced
    /// (`synack run --view`).
    Program(super::program_runner::ProgramRequest),
}

/// Start-up options of the window.
#[derive(Debug, Clone)]
pub struct ViewOptions {
    /// What to show first.
    pub source: StartSource,
    /// Benchmark mode: after loading, scroll through the list for this many frames, print
    /// load and frame times, and close.
    pub bench_frames: Option<u32>,
    /// Display filter applied at start.
    pub display_filter: Option<String>,
    /// Frame number selected once loaded.
    pub goto: Option<u64>,
    /// Read and update the recent-files list in the user's config folder (tests turn it
    /// off so they never touch the home directory).
    pub recent_files: bool,
    /// Tab shown first.
    pub tab: Option<Tab>,
    /// Start replaying at the `goto` frame (its connection), as if stepped there.
    pub replay: bool,
    /// Start the guided tour once loaded.
    pub tour: bool,
    /// Language of the interface; `None`: the process's ([`crate::i18n::lang`], which the
    /// command line sets from `--lang` or the locale).
    pub lang: Option<Lang>,
    /// A second capture of the same traffic, taken at another point of its path: paired
    /// with the file on display in the Two points tab.
    pub second: Option<PathBuf>,
}

impl ViewOptions {
    /// Options that open `source` with nothing else set.
    pub fn new(source: StartSource) -> ViewOptions {
        ViewOptions {
            source,
            bench_frames: None,
            display_filter: None,
            goto: None,
            recent_files: true,
            tab: None,
            replay: false,
            tour: false,
            lang: None,
            second: None,
        }
    }
}

/// The central area's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Packet list, details and bytes.
    Packets,
    /// Connection table.
    Connections,
    /// Live capture panel.
    Live,
    /// Ladder diagram of the selected connection.
    Ladder,
    /// Time-sequence, throughput and RTT graphs of the selected connection.
    Graphs,
    /// The byte stream ribbon (segments, messages, calls) of the selected connection.
    Stream,
    /// Traffic generator panel.
    Generator,
    /// The flow graph of the whole capture (every host, every frame).
    Flows,
    /// Two capture points of the same traffic, paired: the two-tap ladder and delays.
    Pair,
}

/// The application state.
pub struct SynackApp {
    /// The packets on display.
    pub store: PacketStore,
    /// Shared selection.
    pub selection: Selection,
    /// Display filter.
    pub filter: FilterState,
    /// Packet list view.
    pub list: PacketList,
    /// Details and bytes view.
    pub details: DetailsView,
    /// Connections view.
    pub connections: ConnectionsView,
    /// Live capture panel.
    pub live: LivePanel,
    /// Time-sequence graphs.
    pub graphs: GraphsView,
    /// Stream ribbon.
    pub stream_view: StreamView,
    /// A PNG export waiting for the renderer's screenshot.
    png_pending: Option<PngResult>,
    /// Traffic generator panel (and its current run).
    pub generator: GeneratorPanel,
    /// Running live capture.
    session: Option<LiveSession>,
    /// Ladder diagram view.
    pub ladder: LadderView,
    /// The Follow TCP Stream window.
    pub follow: FollowView,
    /// The flow graph tab.
    pub flows: FlowGraphView,
    /// The Go to packet bar (Ctrl+G).
    pub goto: GoToBar,
    /// The Two points tab (a second capture point paired with the file on display).
    pub pair: PairView,
    /// The Find Packet bar (Ctrl+F).
    pub find: FindBar,
    /// Replay controls (the cursor is `selection.until`).
    pub replay: Replay,
    /// The guided tour, while open.
    pub tour: Option<Tour>,
    /// What the tour changes, as it was before the tour started.
    before_tour: Option<navigate::BeforeTour>,
    /// Offer the tour (the demo was opened and the offer not answered yet).
    pub offer_tour: bool,
    /// Tab shown.
    pub tab: Tab,
    dialog: Option<FileDialog>,
    recent: Vec<PathBuf>,
    /// Language of the interface (View > Language), set on the drawing thread every frame.
    pub lang: Lang,
    /// Last message for the status bar (text, is_error).
    pub message: Option<(String, bool)>,
    show_legend: bool,
    title: String,
    bench: Option<Bench>,
    recent_files: bool,
    /// What the user and the views asked for this frame (and what waits for a later one).
    commands: Vec<Command>,
}

impl SynackApp {
    /// Creates the app and starts loading `options.source`.
    pub fn new(ctx: &egui::Context, options: ViewOptions) -> SynackApp {
        let lang = options.lang.unwrap_or_else(crate::i18n::lang);
        crate::i18n::set_thread_lang(Some(lang));
        let have_cjk_font = super::fonts::install_once(ctx);
        let mut app = SynackApp {
            store: PacketStore::new(),
            selection: Selection::default(),
            filter: FilterState::default(),
            list: PacketList::default(),
            details: DetailsView::default(),
            connections: ConnectionsView::default(),
            live: LivePanel::default(),
            graphs: GraphsView::default(),
            stream_view: StreamView::default(),
            png_pending: None,
            generator: GeneratorPanel::default(),
            session: None,
            ladder: LadderView::default(),
            follow: FollowView::default(),
            flows: FlowGraphView::default(),
            goto: GoToBar::default(),
            pair: PairView::default(),
            find: FindBar::default(),
            replay: Replay::default(),
            tour: None,
            before_tour: None,
            offer_tour: options.source == StartSource::Demo
                && !options.tour
                && !(options.recent_files && tour::already_offered()),
            tab: options.tab.unwrap_or(Tab::Packets),
            dialog: None,
            recent: if options.recent_files {
                file_dialog::load_recent()
            } else {
                Vec::new()
            },
            message: (!have_cjk_font).then(|| (tr!("font-missing"), true)),
            lang,
            show_legend: false,
            title: String::new(),
            bench: options.bench_frames.map(Bench::new),
            recent_files: options.recent_files,
            commands: Vec::new(),
        };
        if let Some(number) = options.goto {
            app.queue(Command::GoTo {
                number,
                replay: options.replay,
            });
        }
        if options.tour {
            app.queue(Command::StartTour);
        }
        if let Some(f) = &options.display_filter {
            app.filter.set(f);
        }
        match options.source {
            StartSource::Demo => app.open_demo(),
            StartSource::File(p) => {
                app.open_file(ctx, p.clone());
                if let Some(second) = options.second.clone() {
                    app.pair.open(ctx, p, second);
                    app.tab = Tab::Pair;
                }
            }
            StartSource::Files(p) => app.open_files(ctx, &p),
            StartSource::Live { interface, bpf } => {
                app.live.interface = interface.clone();
                app.live.bpf = bpf.clone();
                app.start_live(ctx, &interface, &bpf);
            }
            StartSource::Generator {
                scenario,
                synthetic,
            } => {
                app.generator.selected = scenario;
                if synthetic {
                    app.generator.wanted = Wanted::Synthetic;
                }
                let req = app.generator.request();
                app.run_generator(ctx, req);
            }
            StartSource::Program(req) => {
                app.generator.form = super::program_panel::ProgramForm::of(&req);
                app.run_program(ctx, req);
            }
        }
        if let Some(t) = options.tab {
            app.tab = t;
        }
        app
    }

    /// Draws one frame. Called by eframe and by the tests.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        crate::i18n::set_thread_lang(Some(self.lang));
        let ctx = ui.ctx().clone();
        // The context drawing us may not be the one we were made with (tests' harnesses).
        super::fonts::install_once(&ctx);
        if let Some(b) = &mut self.bench {
            b.frame_start();
        }
        self.handle_dropped_files(&ctx);
        self.housekeeping(&ctx);
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::O)) {
            self.queue(menu::open_dialog());
        }
        if ctx.input_mut(|i| i.consume_key(menu::FOLLOW_KEYS, egui::Key::T)) {
            self.queue(Command::FollowStream);
        }
        if ctx.input_mut(|i| i.consume_key(menu::FOLLOW_KEYS, egui::Key::U)) {
            self.queue(Command::FollowUdpStream);
        }
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::G)) {
            self.goto.open();
        }
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::F)) {
            self.find.open();
        }

        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::top("filter").show(ui, |ui| {
            ui.add_space(2.0);
            self.filter.ui(ui);
            ui.add_space(2.0);
        });
        if self.find.open {
            let asked = egui::Panel::top("find")
                .show(ui, |ui| {
                    ui.add_space(2.0);
                    let asked = self.find.ui(ui);
                    ui.add_space(2.0);
                    asked
                })
                .inner;
            if let Some(direction) = asked {
                self.find_packet(direction);
            }
        }
        if self.replay.active {
            egui::Panel::top("replay").show(ui, |ui| {
                ui.add_space(2.0);
                let data = self.store.read();
                self.replay.ui(ui, &data, &mut self.selection);
                ui.add_space(2.0);
            });
        }
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        let mut tour_action = None;
        if let Some(t) = &self.tour {
            egui::Panel::bottom("tour").show(ui, |ui| tour_action = t.ui(ui));
        }
        match tour_action {
            Some(TourAction::Go(n)) => self.queue(Command::GoTourStep(n)),
            Some(TourAction::Close) => self.queue(Command::CloseTour),
            None => {}
        }
        self.tab_ui(ui);
        self.windows_ui(&ctx);
        self.apply_queued(&ctx);
        self.poll_png();
        if let Some(b) = &mut self.bench {
            let data = self.store.read();
            if b.after_frame(
                &ctx,
                &data,
                self.filter.visible_len(&data),
                &mut self.selection,
                &mut self.list,
            ) {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// Work of every frame before drawing: the filter's scan, keyboard navigation, the
    /// window title, repaints while loading, the replay's clock, finished PNG exports and
    /// the generator's first connection.
    fn housekeeping(&mut self, ctx: &egui::Context) {
        // Filter newly stored frames (bounded time per frame).
        let scan_done = {
            let data = self.store.read();
            self.filter.advance(&data)
        };
        if !scan_done {
            ctx.request_repaint();
        }
        {
            let data = self.store.read();
            // The replay's Alt+keys first, so the list does not also act on Alt+Home/End.
            self.replay.keyboard(ctx, &data, &mut self.selection);
            self.list
                .keyboard(ctx, &data, &self.filter, &mut self.selection);
            let title = format!(
                "synack — {}",
                data.source
                    .as_ref()
                    .map_or(tr!("status-no-capture"), SourceInfo::label)
            );
            if title != self.title {
                ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
                self.title = title;
            }
            // Loading shows its progress ten times a second. A live capture repaints when
            // frames arrive (its ingest asks, at most every LIVE_FRAME_GAP) and once a second
            // for its counters; once stopped, it does not repaint at all.
            match &self.session {
                None if !data.finished => ctx.request_repaint_after(Duration::from_millis(100)),
                Some(s) if !s.is_stopping() => ctx.request_repaint_after(Duration::from_secs(1)),
                _ => {}
            }
            let now = ctx.input(|i| i.time);
            self.replay.tick(ctx, &data, &mut self.selection, now);
        }
        self.poll_png();
        let follow = {
            let data = self.store.read();
            self.generator.first_connection(&data)
        };
        if let Some(conn) = follow {
            self.open_ladder(conn);
        }
    }

    /// The floating windows: the colouring legend, the file dialog and the tour's welcome.
    fn windows_ui(&mut self, ctx: &egui::Context) {
        if self.show_legend {
            let mut open = true;
            egui::Window::new(tr!("legend-title"))
                .open(&mut open)
                .resizable(false)
                .show(ctx, colors::legend_ui);
            self.show_legend = open;
        }
        if let Some(d) = &mut self.dialog {
            if let Some(result) = d.ui(ctx) {
                let purpose = d.purpose;
                self.dialog = None;
                if let Some(path) = result {
                    self.queue(match purpose {
                        DialogPurpose::Open => Command::OpenFile(path),
                        DialogPurpose::OpenSecond => Command::OpenSecondPoint(path),
                        DialogPurpose::Save(scope) => Command::SavePcap(scope, path),
                        DialogPurpose::SaveFigure(kind) => Command::SaveFigure(kind, path),
                        DialogPurpose::SaveRun => Command::SaveRun(path),
                        DialogPurpose::SaveFollow => Command::SaveFollow(path),
                    });
                }
            }
        }
        self.follow_ui(ctx);
        if let Some(number) = self.goto.ui(ctx) {
            self.queue(Command::GoTo {
                number,
                replay: false,
            });
        }
        if self.offer_tour && self.tour.is_none() && self.loaded() {
            egui::Window::new(tr!("welcome-title"))
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-16.0, -40.0))
                .show(ctx, |ui| {
                    ui.label(tr!("welcome-demo"));
                    ui.label(tr!("welcome-tour"));
                    ui.weak(tr!("welcome-later"));
                    ui.horizontal(|ui| {
                        if ui.button(tr!("welcome-start")).clicked() {
                            self.queue(Command::StartTour);
                        }
                        if ui.button(tr!("welcome-no")).clicked() {
                            self.queue(Command::DeclineTour);
                        }
                    });
                });
        }
    }

    /// Whether loading is complete.
    pub fn loaded(&self) -> bool {
        self.store.read().finished
    }
}

impl eframe::App for SynackApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(s) = &self.session {
            s.stop();
        }
        self.store.progress.cancel.store(true, Ordering::Relaxed);
        if let Some(b) = &self.bench {
            b.report();
        }
    }
}
