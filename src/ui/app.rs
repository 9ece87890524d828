//! The window: menus, filter bar, tabs (packets, connections, live, generator), status bar,
//! dialogs.
//!
//! [`SynackApp::show`] draws one frame from what the store holds; it is what both eframe and
//! the kittest harness call, so the tests drive the real window.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

use egui::Color32;

use super::bench::Bench;
use super::colors;
use super::columns::TimeMode;
use super::connections::{ConnAction, ConnectionsView};
use super::details::DetailsView;
use super::export::{self, ExportScope};
use super::figure::PngResult;
use super::file_dialog::{self, DialogPurpose, FigureKind, FileDialog};
use super::filter_bar::FilterState;
use super::gen_runner::{self, GenRun, RunRequest, Wanted};
use super::generator_panel::{GenAction, GeneratorPanel};
use super::graphs::{GraphAction, GraphsView};
use super::ingest::{self, LiveSession};
use super::ladder::{self, LadderAction, LadderView};
use super::live_panel::{LiveAction, LivePanel};
use super::packet_list::PacketList;
use super::replay::{Replay, ReplayScope};
use super::selection::{ConnRef, Selection};
use super::store::{PacketStore, SourceInfo};
use super::stream_view::{StreamAction, StreamView};
use super::tour::{self, Tour, TourAction, TourStep, TourView};

/// What the window opens with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartSource {
    /// The built-in demo capture.
    Demo,
    /// A capture file.
    File(PathBuf),
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
    /// A PNG export to request once the frame no longer shows the save dialog.
    png_request: Option<(FigureKind, PathBuf)>,
    /// A PNG export waiting for the renderer's screenshot.
    png_pending: Option<PngResult>,
    /// Traffic generator panel (and its current run).
    pub generator: GeneratorPanel,
    /// Running live capture.
    session: Option<LiveSession>,
    /// Ladder diagram view.
    pub ladder: LadderView,
    /// Replay controls (the cursor is `selection.until`).
    pub replay: Replay,
    /// The guided tour, while open.
    pub tour: Option<Tour>,
    /// Offer the tour (the demo was opened and the offer not answered yet).
    pub offer_tour: bool,
    /// Tab shown.
    pub tab: Tab,
    dialog: Option<FileDialog>,
    recent: Vec<PathBuf>,
    /// Last message for the status bar (text, is_error).
    pub message: Option<(String, bool)>,
    show_legend: bool,
    title: String,
    bench: Option<Bench>,
    goto: Option<u64>,
    recent_files: bool,
    start_replay: bool,
    pending_tour: bool,
}

impl SynackApp {
    /// Creates the app and starts loading `options.source`.
    pub fn new(ctx: &egui::Context, options: ViewOptions) -> SynackApp {
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
            png_request: None,
            png_pending: None,
            generator: GeneratorPanel::default(),
            session: None,
            ladder: LadderView::default(),
            replay: Replay::default(),
            tour: None,
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
            message: None,
            show_legend: false,
            title: String::new(),
            bench: options.bench_frames.map(Bench::new),
            goto: options.goto,
            recent_files: options.recent_files,
            start_replay: options.replay,
            pending_tour: options.tour,
        };
        if let Some(f) = &options.display_filter {
            app.filter.set(f);
        }
        match options.source {
            StartSource::Demo => app.open_demo(),
            StartSource::File(p) => app.open_file(ctx, p),
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
        }
        if let Some(t) = options.tab {
            app.tab = t;
        }
        app
    }

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
        self.png_request = None;
        self.png_pending = None;
        self.graphs = GraphsView::default();
        self.stream_view = StreamView::default();
        self.message = None;
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
            self.message = Some((format!("cannot read the built-in demo: {e}"), true));
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

    fn start_live(&mut self, ctx: &egui::Context, interface: &str, bpf: &str) {
        self.reset();
        let repaint = ctx.clone();
        let config = LivePanel::config(interface, bpf);
        match LiveSession::start(&config, &self.store, move || repaint.request_repaint()) {
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
        // The connection filter a previous run set by itself would hide this run's packets
        // (stream numbers start again, UDP lessons have none): drop it; a user's own stays.
        let followed = self
            .generator
            .run
            .as_ref()
            .and(self.selection.connection)
            .map(|c| c.filter());
        if followed.is_some() && followed.as_deref() == self.filter.applied_text() {
            self.filter.set("");
        }
        self.reset();
        let repaint = ctx.clone();
        let run = GenRun::start(req, &self.store, move || repaint.request_repaint());
        self.generator.attach(run);
        self.list.auto_scroll = true;
        self.tab = Tab::Generator;
    }

    /// Writes the generator run's capture and its calls trace beside it.
    pub fn save_run(&mut self, path: PathBuf) {
        let result = gen_runner::save(&self.store.read(), &path);
        self.message = Some(match result {
            Ok(m) => (m, false),
            Err(e) => (format!("{e:#}"), true),
        });
    }

    fn start_dir(&self) -> PathBuf {
        self.recent
            .first()
            .and_then(|p| p.parent().map(PathBuf::from))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("/"))
    }

    /// Selects a connection: the packet list shows only its packets.
    pub fn select_connection(&mut self, conn: super::selection::ConnRef) {
        self.selection.connection = Some(conn);
        self.filter.set(&conn.filter());
        self.tab = Tab::Packets;
    }

    /// Opens the ladder diagram of a connection: the one place where views jump to a connection's
    /// ladder (the connections table, the details, and the generator panel when its run's first connection appears).
    pub fn open_ladder(&mut self, conn: ConnRef) {
        self.selection.connection = Some(conn);
        self.tab = Tab::Ladder;
    }

    /// Opens the ladder of the selected packet's connection (the details' "Ladder" button).
    pub fn open_ladder_of_packet(&mut self) {
        let conn = {
            let data = self.store.read();
            let sel = Selection {
                connection: None,
                ..self.selection.clone()
            };
            ladder::connection_of(&data, &sel)
        };
        match conn {
            Some(c) => self.open_ladder(c),
            None => self.message = Some(("Select a TCP packet first".into(), true)),
        }
    }

    /// Starts the replay over `scope` from its first packet.
    pub fn start_replay(&mut self, scope: ReplayScope) {
        let data = self.store.read();
        self.replay.start(&data, &mut self.selection, scope);
    }

    /// Leaves the replay (every packet shown again).
    pub fn stop_replay(&mut self) {
        self.replay.stop(&mut self.selection);
    }

    /// Writes the ladder of the shown connection as SVG; the outcome goes to the status bar.
    pub fn export_ladder_svg(&mut self, path: PathBuf) {
        {
            let data = self.store.read();
            self.ladder.sync(&data, &self.selection);
        }
        let result = match self.ladder.svg(&self.selection) {
            Some(svg) => svg.save(&path),
            None => Err(anyhow::anyhow!(
                "no ladder to export: select a TCP connection first"
            )),
        };
        self.message = Some(match result {
            Ok(()) => (format!("Ladder saved as SVG to {}", path.display()), false),
            Err(e) => (format!("{e:#}"), true),
        });
    }

    /// Opens the guided tour on what is loaded (steps computed from its analysis).
    pub fn start_tour(&mut self) {
        self.answer_offer();
        let steps = tour::plan(&self.store.read());
        if steps.is_empty() {
            self.message = Some((
                "The guided tour needs the demo capture (File > Open the demo capture)".into(),
                true,
            ));
            return;
        }
        self.tour = Some(Tour { steps, current: 0 });
        self.go_tour_step(0);
    }

    /// Shows tour step `n`: selects its connection and packet, sets the replay cursor,
    /// highlights its packets and opens its view.
    pub fn go_tour_step(&mut self, n: usize) {
        let Some(step) = self.tour.as_mut().and_then(|t| {
            t.current = n.min(t.steps.len().saturating_sub(1));
            t.steps.get(t.current).cloned()
        }) else {
            return;
        };
        self.selection.connection = Some(step.conn);
        self.replay.start_at(
            &mut self.selection,
            ReplayScope::Connection(step.conn),
            step.until,
        );
        self.selection.select_packet(step.focus, true);
        self.ladder.highlight = step.highlight.clone();
        if let Some(&first) = step.highlight.iter().min() {
            self.ladder.reveal(first);
        }
        match step.view {
            TourView::Ladder => self.tab = Tab::Ladder,
            TourView::Stream => self.open_sticky_view(&step),
        }
    }

    /// The tour's sticky step: the connection's byte stream, where the burst shows as one
    /// segment carrying several messages.
    fn open_sticky_view(&mut self, step: &TourStep) {
        self.filter.set(&step.conn.filter());
        self.selection.connection = Some(step.conn);
        self.tab = Tab::Stream;
    }

    /// The welcome's offer was answered: not shown again (here, nor on later starts when the
    /// config folder is in use).
    fn answer_offer(&mut self) {
        if self.offer_tour && self.recent_files {
            tour::remember_offered();
        }
        self.offer_tour = false;
    }

    /// Closes the tour and leaves its replay, so the whole capture shows again.
    fn close_tour(&mut self) {
        self.tour = None;
        self.ladder.highlight.clear();
        self.stop_replay();
    }

    /// Writes the packets of `scope` to a pcap file at `path` (File > Export); the outcome
    /// goes to the status bar.
    pub fn save(&mut self, scope: ExportScope, path: PathBuf) {
        let data = self.store.read();
        let result = match scope {
            ExportScope::All => export::write_pcap(&path, &data, 0..data.len()),
            ExportScope::Filtered => {
                export::write_pcap(&path, &data, self.filter.visible_indices(&data))
            }
            ExportScope::Connection => match self.selection.connection {
                Some(c) => export::write_pcap(
                    &path,
                    &data,
                    data.connection_frames(c.proto, c.stream)
                        .iter()
                        .map(|&i| i as usize),
                ),
                None => Err(anyhow::anyhow!(
                    "select a connection first (Connections tab)"
                )),
            },
        };
        drop(data);
        self.message = Some(match result {
            Ok((n, 0)) => (format!("Saved {n} packets to {}", path.display()), false),
            Ok((n, skipped)) => (
                format!(
                    "Saved {n} packets to {} ({skipped} with another link type skipped)",
                    path.display()
                ),
                false,
            ),
            Err(e) => (format!("{e:#}"), true),
        });
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open...").clicked() {
                    self.dialog = Some(FileDialog::new(DialogPurpose::Open, self.start_dir()));
                }
                ui.menu_button("Open recent", |ui| {
                    if self.recent.is_empty() {
                        ui.weak("(none yet)");
                    }
                    let mut chosen = None;
                    for p in &self.recent {
                        if ui.button(p.display().to_string()).clicked() {
                            chosen = Some(p.clone());
                        }
                    }
                    if let Some(p) = chosen {
                        self.open_file(&ctx, p);
                    }
                });
                if ui.button("Open the demo capture").clicked() {
                    self.open_demo();
                }
                ui.separator();
                for scope in [
                    ExportScope::All,
                    ExportScope::Filtered,
                    ExportScope::Connection,
                ] {
                    if ui
                        .button(format!(
                            "Export {} as pcap...",
                            scope.label().to_lowercase()
                        ))
                        .clicked()
                    {
                        self.dialog = Some(FileDialog::new(
                            DialogPurpose::Save(scope),
                            self.start_dir(),
                        ));
                    }
                }
                ui.separator();
                for (kind, label) in [
                    (FigureKind::LadderSvg, "Export ladder as SVG..."),
                    (FigureKind::LadderPng, "Export ladder as PNG..."),
                ] {
                    if ui.button(label).clicked() {
                        self.ask_figure_path(kind);
                    }
                }
                ui.separator();
                if ui.button("Quit").clicked() {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("Edit", |ui| {
                if ui.button("Copy packet summary").clicked() {
                    self.copy_summary(&ctx);
                }
                if ui.button("Copy connection table").clicked() {
                    let data = self.store.read();
                    let rows = self.connections.rows(&data);
                    ctx.copy_text(super::connections::table_text(&rows));
                }
            });
            ui.menu_button("View", |ui| {
                ui.label("Time display format:");
                for m in [TimeMode::Relative, TimeMode::Absolute, TimeMode::Delta] {
                    ui.radio_value(&mut self.list.time_mode, m, m.label());
                }
                ui.separator();
                ui.checkbox(&mut self.list.auto_scroll, "Auto-scroll to newest packet");
                ui.checkbox(&mut self.show_legend, "Colouring rules legend");
                ui.separator();
                if self.replay.active {
                    if ui.button("Leave the replay").clicked() {
                        self.stop_replay();
                    }
                } else {
                    if ui
                        .button("Replay the capture")
                        .on_hover_text(super::replay::SHORTCUTS)
                        .clicked()
                    {
                        self.start_replay(ReplayScope::Capture);
                    }
                    if let Some(c) = self.selection.connection {
                        if ui
                            .button(format!("Replay TCP stream {}", c.stream))
                            .clicked()
                        {
                            self.start_replay(ReplayScope::Connection(c));
                        }
                    }
                }
            });
            ui.menu_button("Help", |ui| {
                if ui
                    .button("Guided tour")
                    .on_hover_text("A few steps through the demo capture: handshake, data, sticky packets, loss, teardown")
                    .clicked()
                {
                    if !matches!(self.store.read().source, Some(SourceInfo::Demo)) {
                        self.open_demo();
                    }
                    self.pending_tour = true;
                }
                ui.label(format!("Replay keys:\n{}", super::replay::SHORTCUTS));
            });
            ui.separator();
            for (tab, label) in [
                (Tab::Packets, "Packets"),
                (Tab::Connections, "Connections"),
                (Tab::Ladder, "Ladder"),
                (Tab::Live, "Live capture"),
                (Tab::Graphs, "Graphs"),
                (Tab::Stream, "Stream"),
                (Tab::Generator, "Generator"),
            ] {
                ui.selectable_value(&mut self.tab, tab, label);
            }
        });
    }

    fn copy_summary(&mut self, ctx: &egui::Context) {
        if let Some(i) = self.selection.packet {
            if let Some(s) = export::packet_summary(&self.store.read(), i) {
                ctx.copy_text(s);
                self.message = Some(("Packet summary copied".into(), false));
            }
        }
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        let data = self.store.read();
        ui.horizontal(|ui| {
            let source = data
                .source
                .as_ref()
                .map_or("no capture".into(), SourceInfo::label);
            ui.label(source);
            ui.separator();
            ui.label(format!("Packets: {}", data.len()));
            let shown = self.filter.visible_len(&data);
            if self.filter.applied_text().is_some() {
                let pct = if data.is_empty() {
                    0.0
                } else {
                    100.0 * shown as f64 / data.len() as f64
                };
                ui.label(format!("Displayed: {shown} ({pct:.1}%)"));
            }
            ui.label(format!("Connections: {}", data.connections.len()));
            if let Some(u) = self.selection.until {
                ui.colored_label(
                    Color32::from_rgb(0xe0, 0x90, 0x30),
                    format!(
                        "Replay: packets after frame {} hidden",
                        data.record(u).map_or(0, |r| r.number)
                    ),
                );
            }
            if !data.finished {
                if let Some(f) = self.store.progress.fraction() {
                    ui.add(
                        egui::ProgressBar::new(f)
                            .desired_width(200.0)
                            .show_percentage()
                            .text(format!("Loading {:.0}%", f * 100.0)),
                    );
                } else if self.session.is_some()
                    || self.generator.run.as_ref().is_some_and(GenRun::running)
                {
                    ui.spinner();
                }
            }
            let sf = self.filter.scan_fraction(&data);
            if sf < 1.0 {
                ui.add(
                    egui::ProgressBar::new(sf)
                        .desired_width(120.0)
                        .text("filtering"),
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

    fn packets_ui(&mut self, ui: &mut egui::Ui) {
        let mut open_ladder = false;
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
                        ui.strong("Bytes");
                        self.details.hex_ui(ui, &mut field);
                    });
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.strong("Packet details");
                        if self.selection.packet.is_some()
                            && ui
                                .small_button("Ladder")
                                .on_hover_text(
                                    "Open the ladder diagram of this packet's connection",
                                )
                                .clicked()
                        {
                            open_ladder = true;
                        }
                        if self.selection.packet.is_some()
                            && ui.small_button("Copy summary").clicked()
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
                    self.details.tree_ui(ui, &mut field);
                });
            });
        self.selection.field = field;
        egui::CentralPanel::default().show(ui, |ui| {
            self.list.ui(ui, &data, &self.filter, &mut self.selection);
        });
        drop(data);
        if open_ladder {
            self.open_ladder_of_packet();
        }
    }

    /// Draws one frame. Called by eframe and by the tests.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if let Some(b) = &mut self.bench {
            b.frame_start();
        }
        self.handle_dropped_files(&ctx);
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
            self.replay.keyboard(&ctx, &data, &mut self.selection);
            self.list
                .keyboard(&ctx, &data, &self.filter, &mut self.selection);
            let title = format!(
                "synack — {}",
                data.source
                    .as_ref()
                    .map_or("no capture".into(), SourceInfo::label)
            );
            if title != self.title {
                ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
                self.title = title;
            }
            if !data.finished || self.session.is_some() {
                ctx.request_repaint_after(Duration::from_millis(100));
            }
        }
        if let Some(number) = self.goto {
            let data = self.store.read();
            if let Some(i) = data.index_of_number(number) {
                self.selection.select_packet(i, true);
                self.goto = None;
                if self.start_replay && data.finished {
                    // `--replay`: the cursor on this packet, stepping through its connection.
                    let scope = data.analysis(i).flow.map_or(ReplayScope::Capture, |f| {
                        ReplayScope::Connection(ConnRef {
                            proto: f.proto,
                            stream: f.stream,
                        })
                    });
                    self.replay.start_at(&mut self.selection, scope, i);
                    self.start_replay = false;
                } else if self.start_replay {
                    // Wait for the whole file so the connection's frames are all known.
                    self.goto = Some(number);
                }
            } else if data.finished {
                self.goto = None;
            }
        }
        if self.pending_tour && self.loaded() {
            self.pending_tour = false;
            self.start_tour();
        }
        {
            let data = self.store.read();
            let now = ctx.input(|i| i.time);
            self.replay.tick(&ctx, &data, &mut self.selection, now);
        }
        self.poll_png();
        let follow = {
            let data = self.store.read();
            self.generator.first_connection(&data)
        };
        if let Some(conn) = follow {
            self.open_ladder(conn);
        }
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::O)) {
            self.dialog = Some(FileDialog::new(DialogPurpose::Open, self.start_dir()));
        }

        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::top("filter").show(ui, |ui| {
            ui.add_space(2.0);
            self.filter.ui(ui);
            ui.add_space(2.0);
        });
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
            Some(TourAction::Go(n)) => self.go_tour_step(n),
            Some(TourAction::Close) => self.close_tour(),
            None => {}
        }
        match self.tab {
            Tab::Packets => self.packets_ui(ui),
            Tab::Connections => {
                egui::CentralPanel::default().show(ui, |ui| {
                    let data = self.store.read();
                    let clicked = self.connections.ui(ui, &data, &self.selection);
                    drop(data);
                    match clicked {
                        Some(ConnAction::Select(c)) => self.select_connection(c),
                        Some(ConnAction::Ladder(c)) => self.open_ladder(c),
                        None => {}
                    }
                });
            }
            Tab::Ladder => {
                egui::CentralPanel::default().show(ui, |ui| {
                    let data = self.store.read();
                    let action = self.ladder.ui(ui, &data, &mut self.selection);
                    drop(data);
                    match action {
                        Some(LadderAction::ExportSvg) => {
                            self.ask_figure_path(FigureKind::LadderSvg)
                        }
                        Some(LadderAction::ExportPng) => {
                            self.ask_figure_path(FigureKind::LadderPng)
                        }
                        Some(LadderAction::Replay(c)) => {
                            self.start_replay(ReplayScope::Connection(c));
                        }
                        None => {}
                    }
                });
            }
            Tab::Graphs => {
                let action = egui::CentralPanel::default()
                    .show(ui, |ui| {
                        let data = self.store.read();
                        self.graphs.ui(ui, &data, &mut self.selection)
                    })
                    .inner;
                match action {
                    Some(GraphAction::Export(kind)) => self.ask_figure_path(kind),
                    Some(GraphAction::OpenPackets) => self.tab = Tab::Packets,
                    None => {}
                }
            }
            Tab::Stream => {
                let action = egui::CentralPanel::default()
                    .show(ui, |ui| {
                        let data = self.store.read();
                        self.stream_view.ui(ui, &data, &mut self.selection)
                    })
                    .inner;
                match action {
                    Some(StreamAction::Export(kind)) => self.ask_figure_path(kind),
                    None => {}
                }
            }
            Tab::Live => {
                egui::CentralPanel::default().show(ui, |ui| {
                    let stored = self.store.read().len();
                    match self.live.ui(ui, self.session.as_ref(), stored) {
                        Some(LiveAction::Start { interface, bpf }) => self.start_live(&ctx, &interface, &bpf),
                        Some(LiveAction::Stop) => {
                            if let Some(s) = &self.session {
                                s.stop();
                            }
                        }
                        Some(LiveAction::Save) => {
                            self.dialog = Some(FileDialog::new(DialogPurpose::Save(ExportScope::All), self.start_dir()));
                        }
                        None => {}
                    }
                    ui.separator();
                    ui.label("Packets arrive in the Packets tab with their analysis; the display filter applies as they come.");
                });
            }
            Tab::Generator => {
                egui::CentralPanel::default().show(ui, |ui| {
                    let action = {
                        let data = self.store.read();
                        self.generator.ui(ui, &data)
                    };
                    match action {
                        Some(GenAction::Run(req)) => self.run_generator(&ctx, req),
                        Some(GenAction::Save) => {
                            let mut d = FileDialog::new(DialogPurpose::SaveRun, self.start_dir());
                            d.name = format!("{}.pcap", self.generator.selected);
                            if let Some(run) = &self.generator.run {
                                d.name = format!("{}.pcap", run.scenario);
                            }
                            self.dialog = Some(d);
                        }
                        None => {}
                    }
                });
            }
        }
        self.request_png(&ctx);
        self.poll_png();
        if self.show_legend {
            let mut open = true;
            egui::Window::new("Colouring rules")
                .open(&mut open)
                .resizable(false)
                .show(&ctx, colors::legend_ui);
            self.show_legend = open;
        }
        if let Some(d) = &mut self.dialog {
            if let Some(result) = d.ui(&ctx) {
                let purpose = d.purpose;
                self.dialog = None;
                if let Some(path) = result {
                    match purpose {
                        DialogPurpose::Open => self.open_file(&ctx, path),
                        DialogPurpose::Save(scope) => self.save(scope, path),
                        DialogPurpose::SaveFigure(kind) => self.save_figure(&ctx, kind, path),
                        DialogPurpose::SaveRun => self.save_run(path),
                    }
                }
            }
        }
        if self.offer_tour && self.tour.is_none() && self.loaded() {
            egui::Window::new("Welcome to synack")
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-16.0, -40.0))
                .show(&ctx, |ui| {
                    ui.label("This is the built-in demo capture: a few short TCP connections.");
                    ui.label("New to TCP? The guided tour walks you through it step by step.");
                    ui.weak("(Later: Help > Guided tour.)");
                    ui.horizontal(|ui| {
                        if ui.button("Start the guided tour").clicked() {
                            self.start_tour();
                        }
                        if ui.button("No thanks").clicked() {
                            self.answer_offer();
                        }
                    });
                });
        }
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

    /// Opens the save dialog for a figure, with a file name saying what it shows.
    fn ask_figure_path(&mut self, kind: FigureKind) {
        let mut d = FileDialog::new(DialogPurpose::SaveFigure(kind), self.start_dir());
        d.name = match kind {
            FigureKind::GraphSvg | FigureKind::GraphPng => self.graphs.file_stem(),
            FigureKind::RibbonSvg | FigureKind::RibbonPng => self.stream_view.file_stem(),
            FigureKind::LadderSvg | FigureKind::LadderPng => "ladder".to_string(),
        } + kind.extension();
        self.dialog = Some(d);
    }

    /// Writes a figure of the graphs or the stream ribbon to `path`: SVG at once from the
    /// view's model, PNG from the next rendered frame (the outcome lands in the status bar).
    pub fn save_figure(&mut self, ctx: &egui::Context, kind: FigureKind, path: PathBuf) {
        match kind {
            FigureKind::LadderSvg => return self.export_ladder_svg(path),
            // The PNG is a picture of the ladder as shown.
            FigureKind::LadderPng => self.tab = Tab::Ladder,
            _ => {}
        }
        let svg = {
            let data = self.store.read();
            match kind {
                FigureKind::GraphSvg => Some(self.graphs.svg(&data, &self.selection)),
                FigureKind::RibbonSvg => Some(self.stream_view.svg()),
                // PNGs come from the next frame; the ladder's SVG was written above.
                FigureKind::GraphPng
                | FigureKind::RibbonPng
                | FigureKind::LadderPng
                | FigureKind::LadderSvg => None,
            }
        };
        if let Some(svg) = svg {
            self.message = Some(match svg.and_then(|s| s.save(&path)) {
                Ok(()) => (format!("Saved the figure to {}", path.display()), false),
                Err(e) => (format!("{e:#}"), true),
            });
            return;
        }
        // The screenshot is taken next frame: this one still shows the save dialog.
        self.png_request = Some((kind, path.clone()));
        self.message = Some((format!("Saving {} ...", path.display()), false));
        ctx.request_repaint();
    }

    /// Asks the renderer for the PNG of a figure requested last frame (the views have just
    /// been drawn, so their rectangles are current).
    fn request_png(&mut self, ctx: &egui::Context) {
        let Some((kind, path)) = self.png_request.take() else {
            return;
        };
        let rect = match kind {
            FigureKind::GraphPng => self.graphs.last_rect(),
            FigureKind::LadderPng => self.ladder.last_rect,
            _ => self.stream_view.last_rect(),
        };
        match rect {
            Some(r) => self.png_pending = Some(super::figure::request_png(ctx, r, path)),
            None => {
                self.message = Some((
                    "nothing drawn yet to save as PNG: open the view first".into(),
                    true,
                ))
            }
        }
    }

    /// Reports a finished PNG export in the status bar.
    fn poll_png(&mut self) {
        let done = self
            .png_pending
            .as_ref()
            .and_then(|slot| slot.lock().ok().and_then(|mut s| s.take()));
        if let Some(result) = done {
            self.png_pending = None;
            self.message = Some(match result {
                Ok(p) => (format!("Saved the figure to {}", p.display()), false),
                Err(e) => (e, true),
            });
        }
    }

    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(p) = dropped.into_iter().next() {
            self.open_file(ctx, p);
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
                "Drop a pcap / pcapng file to open it",
                egui::FontId::proportional(24.0),
                Color32::WHITE,
            );
        }
    }

    /// The legend's visibility (tests, menus).
    pub fn set_legend(&mut self, on: bool) {
        self.show_legend = on;
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
