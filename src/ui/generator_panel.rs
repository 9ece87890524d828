//! The generator panel: pick a socket lesson, run it, watch its packets and calls appear.
//!
//! Left, every scenario of [`crate::gen`] with the modes it has and its one-line lesson
//! (taken from [`Scenario::lesson`], never copied). Right, the chosen scenario's options
//! (mode, seed, loss, animation), the Run and Save buttons, the run's status with the
//! reason when it could not run the mode asked for, and the calls list, which grows as the
//! run records calls. The panel only asks the app to act ([`GenAction`]); the run itself is
//! [`super::gen_runner`].
//!
//! Its second page, *Run a program* ([`super::program_panel`]), runs the user's own server
//! and clients traced, as `synack run` does, into the same views.

use egui::{Color32, RichText};

use crate::analysis::FlowProto;
use crate::capture::live::{capture_permission, Permission};
use crate::gen::{self, Mode, Scenario};
use crate::i18n::{tr, Phrases};

use super::gen_runner::{decide, Decision, GenRun, Phase, RunRequest, Wanted};
use super::program_panel::{self, ProgramForm};
use super::program_runner::{ProgramRequest, ProgramRun};
use super::selection::ConnRef;
use super::store::StoreData;

/// Colour of the "ran another mode than asked" remark.
const FALLBACK: Color32 = Color32::from_rgb(0xc0, 0x70, 0x00);

/// Characters of a call's data shown in the list.
const DATA_PREVIEW: usize = 28;

/// What the panel asks the app to do.
#[derive(Debug, Clone)]
pub enum GenAction {
    /// Start a run (the app replaces the store first).
    Run(RunRequest),
    /// Run the user's programs (the app replaces the store first).
    RunProgram(ProgramRequest),
    /// Open the save dialog for the run's capture and calls.
    Save,
}

/// The generator panel's two pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenPage {
    /// The built-in lessons.
    Lessons,
    /// The user's own programs, traced.
    Program,
}

/// State of the generator panel.
#[derive(Debug)]
pub struct GeneratorPanel {
    /// The page shown.
    pub page: GenPage,
    /// The *Run a program* form.
    pub form: ProgramForm,
    /// The current run of the user's programs, if one was started since the store was
    /// last replaced.
    pub program: Option<ProgramRun>,
    /// The scenario chosen in the list.
    pub selected: Scenario,
    /// The mode asked for.
    pub wanted: Wanted,
    /// Seed of synthetic runs.
    pub seed: u64,
    /// Loss of netns runs, in percent.
    pub loss_pct: u32,
    /// Spread synthetic runs over a second and a half.
    pub animate: bool,
    /// Open the ladder of the run's first TCP connection as soon as it exists.
    pub follow: bool,
    /// The current run, if one was started since the store was last replaced.
    pub run: Option<GenRun>,
    /// Next store index to look at for the run's first TCP packet.
    scan_at: usize,
    /// The run's connection was opened already (only once per run).
    followed: bool,
    /// Capture permission and namespace availability, checked once.
    env: Option<(Permission, bool)>,
}

impl Default for GeneratorPanel {
    fn default() -> Self {
        GeneratorPanel {
            page: GenPage::Lessons,
            form: ProgramForm::default(),
            program: None,
            selected: Scenario::Handshake,
            wanted: Wanted::Live,
            seed: 1,
            loss_pct: 5,
            animate: true,
            follow: true,
            run: None,
            scan_at: 0,
            followed: false,
            env: None,
        }
    }
}

impl GeneratorPanel {
    /// Takes a freshly started run.
    pub fn attach(&mut self, run: GenRun) {
        self.run = Some(run);
        self.scan_at = 0;
        self.followed = false;
    }

    /// Takes a freshly started run of the user's programs and shows its page.
    pub fn attach_program(&mut self, run: ProgramRun) {
        self.program = Some(run);
        self.page = GenPage::Program;
        self.scan_at = 0;
        self.followed = false;
    }

    /// Forgets the runs (the store they fed was replaced); the user's programs, if still
    /// running, are stopped.
    pub fn detach(&mut self) {
        self.run = None;
        if let Some(p) = self.program.take() {
            p.stop();
        }
    }

    /// True while a lesson or the user's programs run.
    pub fn running(&self) -> bool {
        self.run.as_ref().is_some_and(GenRun::running)
            || self.program.as_ref().is_some_and(ProgramRun::running)
    }

    /// The request the Run button makes with the current options.
    pub fn request(&self) -> RunRequest {
        RunRequest {
            scenario: self.selected,
            wanted: self.wanted,
            seed: self.seed,
            loss_pct: self.loss_pct,
            animate: self.animate,
        }
    }

    /// The run's first TCP connection, returned once, as soon as its first packet is stored
    /// (when following is on): the app then opens its ladder.
    pub fn first_connection(&mut self, data: &StoreData) -> Option<ConnRef> {
        if (self.run.is_none() && self.program.is_none()) || self.followed || !self.follow {
            return None;
        }
        while self.scan_at < data.len() {
            let flow = data.analysis(self.scan_at).flow;
            self.scan_at += 1;
            if let Some(f) = flow.filter(|f| f.proto == FlowProto::Tcp) {
                self.followed = true;
                return Some(ConnRef {
                    proto: f.proto,
                    stream: f.stream,
                });
            }
        }
        None
    }

    fn env(&mut self) -> (Permission, bool) {
        *self
            .env
            .get_or_insert_with(|| (capture_permission(), gen::netns::available()))
    }

    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, data: &StoreData) -> Option<GenAction> {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.page, GenPage::Lessons, tr!("gen-page-lessons"));
            ui.selectable_value(&mut self.page, GenPage::Program, tr!("gen-page-program"));
        });
        ui.separator();
        match self.page {
            GenPage::Lessons => self.lessons_ui(ui, data),
            GenPage::Program => self.program_ui(ui, data),
        }
    }

    /// *Run a program*: the form on the left; the run's status, its programs' output and
    /// its calls on the right.
    fn program_ui(&mut self, ui: &mut egui::Ui, data: &StoreData) -> Option<GenAction> {
        let mut action = None;
        let running = self.running();
        egui::Panel::left("run_program_form")
            .resizable(true)
            .default_size(ui.available_width() * 0.5)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("run_form_scroll")
                    .show(ui, |ui| {
                        if let Some(req) = self.form.ui(ui, running) {
                            action = Some(GenAction::RunProgram(req));
                        }
                    });
            });
        egui::CentralPanel::default().show(ui, |ui| {
            ui.horizontal(|ui| {
                let program_running = self.program.as_ref().is_some_and(ProgramRun::running);
                if ui
                    .add_enabled(program_running, egui::Button::new(tr!("run-stop")))
                    .clicked()
                {
                    if let Some(p) = &self.program {
                        p.stop();
                    }
                }
                let ended = self.program.is_some() && !program_running;
                if save_run_button(ui, ended, data, "run-save", "run-save-hint") {
                    action = Some(GenAction::Save);
                }
            });
            if let Some(run) = &self.program {
                program_panel::status_ui(ui, run);
            }
            ui.separator();
            let program_running = self.program.as_ref().is_some_and(ProgramRun::running);
            calls_ui(ui, data, self.program.is_some(), program_running);
        });
        action
    }

    /// The lessons: the scenario list on the left, the chosen one's options, status and
    /// calls on the right.
    fn lessons_ui(&mut self, ui: &mut egui::Ui, data: &StoreData) -> Option<GenAction> {
        let mut action = None;
        egui::Panel::left("gen_scenarios")
            .resizable(true)
            .default_size(ui.available_width() * 0.62)
            .show(ui, |ui| {
                ui.heading(tr!("gen-scenarios"));
                ui.label(tr!("gen-scenarios-text"));
                ui.separator();
                let running = self.running();
                if let Some(sc) = self.scenario_list(ui) {
                    self.selected = sc;
                    // One run at a time: the Run button is disabled meanwhile, too.
                    if !running {
                        action = Some(GenAction::Run(self.request()));
                    }
                }
            });
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(a) = self.run_ui(ui, data) {
                action = Some(a);
            }
            ui.separator();
            let running = self.run.as_ref().is_some_and(GenRun::running);
            calls_ui(ui, data, self.run.is_some(), running);
        });
        action
    }

    /// The scenario table; returns a scenario double-clicked (run it).
    fn scenario_list(&mut self, ui: &mut egui::Ui) -> Option<Scenario> {
        let mut run = None;
        egui::ScrollArea::both()
            .id_salt("gen_scenario_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let titles = ["gen-scenario", "gen-modes", "gen-lesson"];
                titled_grid(ui, "gen_scenario_grid", &titles, [12.0, 4.0], |ui| {
                    for sc in Scenario::ALL {
                        let r = ui.selectable_label(
                            self.selected == sc,
                            RichText::new(sc.name()).monospace(),
                        );
                        if r.clicked() {
                            self.selected = sc;
                        }
                        if r.double_clicked() {
                            run = Some(sc);
                        }
                        ui.label(RichText::new(modes_text(sc)).weak().small());
                        ui.label(sc.lesson_text());
                        ui.end_row();
                    }
                });
            });
        run
    }

    /// Options, Run / Save, and the run's status.
    fn run_ui(&mut self, ui: &mut egui::Ui, data: &StoreData) -> Option<GenAction> {
        let mut action = None;
        let sc = self.selected;
        let (perm, netns_ok) = self.env();
        ui.heading(tr!("gen-run-title", scenario = sc.name()));
        ui.label(tr!("gen-lesson-line", lesson = sc.lesson_text()));
        ui.add_space(4.0);
        program_panel::choice_row(
            ui,
            "gen-mode",
            &mut self.wanted,
            [
                (Wanted::Live, "gen-live", "gen-live-hover"),
                (Wanted::Synthetic, "gen-synthetic", "gen-synthetic-hover"),
                (Wanted::Netns, "gen-netns", "gen-netns-hover"),
            ],
        );
        let decision = decide(sc, self.wanted, perm, netns_ok);
        ui.horizontal(|ui| match decision.mode {
            Mode::Synthetic => {
                ui.label(tr!("gen-seed"));
                ui.add(egui::DragValue::new(&mut self.seed).range(0..=u64::MAX));
                ui.checkbox(&mut self.animate, tr!("gen-animate"))
                    .on_hover_text(tr!("gen-animate-hover"));
            }
            Mode::Netns => {
                ui.label(tr!("gen-loss"));
                ui.add(
                    egui::DragValue::new(&mut self.loss_pct)
                        .range(0..=50)
                        .suffix(" %"),
                );
            }
            Mode::Live => {
                ui.label(tr!("gen-ports"));
            }
        });
        ui.checkbox(&mut self.follow, tr!("gen-follow"));
        show_decision(ui, &decision);
        let running = self.running();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    !running,
                    egui::Button::new(RichText::new(tr!("gen-run")).strong()),
                )
                .clicked()
            {
                action = Some(GenAction::Run(self.request()));
            }
            let ended = self.run.is_some() && !running;
            if save_run_button(ui, ended, data, "gen-save", "gen-save-hover") {
                action = Some(GenAction::Save);
            }
        });
        if let Some(run) = &self.run {
            run_status_ui(ui, run);
        }
        action
    }
}

/// What will run, and why it is not what was asked for.
fn show_decision(ui: &mut egui::Ui, d: &Decision) {
    let keys = ["gen-will-run", "gen-will-run-because"];
    mode_line(ui, d.mode, d.fallback.as_ref(), keys);
}

/// A run's mode (`keys[0]`), or in orange the mode and why it is not the one asked for
/// (`keys[1]`).
fn mode_line(ui: &mut egui::Ui, mode: Mode, fallback: Option<&Phrases>, keys: [&str; 2]) {
    match fallback {
        Some(why) => {
            let text = tr!(keys[1], mode = mode_text(mode), why = why.text());
            ui.colored_label(FALLBACK, text);
        }
        None => {
            ui.label(tr!(keys[0], mode = mode_text(mode)));
        }
    }
}

/// The button saving a run's packets, enabled once a run has `ended` and left packets in
/// `data` (`label` and `hint`: its catalogue keys on the page); true when clicked.
fn save_run_button(
    ui: &mut egui::Ui,
    ended: bool,
    data: &StoreData,
    label: &str,
    hint: &str,
) -> bool {
    ui.add_enabled(ended && !data.is_empty(), egui::Button::new(tr!(label)))
        .on_hover_text(tr!(hint))
        .clicked()
}

/// The status of the current run.
fn run_status_ui(ui: &mut egui::Ui, run: &GenRun) {
    let st = run.status();
    ui.add_space(4.0);
    let words = ["gen-running", "gen-done", "gen-failed"];
    program_panel::phase_line(ui, &st.phase, words, |what| {
        tr!(
            "gen-status",
            what = what,
            run = run.describe(),
            frames = st.frames,
            calls = st.calls
        )
    });
    let keys = ["gen-mode-line", "gen-mode-because"];
    mode_line(ui, run.mode, run.fallback.as_ref(), keys);
    if let Phase::Failed(e) = &st.phase {
        ui.colored_label(Color32::RED, e);
    }
    if let Some(n) = &st.note {
        ui.colored_label(FALLBACK, n);
    }
}

/// The calls list: time (from the first packet), actor, call, bytes, result, data.
fn calls_ui(ui: &mut egui::Ui, data: &StoreData, have_run: bool, running: bool) {
    let Some(trace) = data.calls.as_ref().filter(|_| have_run) else {
        ui.weak(tr!("gen-calls-appear"));
        return;
    };
    ui.strong(tr!("gen-calls", count = trace.calls.len()));
    if trace.calls.is_empty() {
        ui.weak(tr!(if running {
            "gen-calls-none-yet"
        } else {
            "gen-calls-none"
        }));
        return;
    }
    let t0 = data
        .first_ts
        .map(|t| t.as_nanos())
        .or_else(|| trace.calls.first().map(|c| c.t_ns))
        .unwrap_or(0);
    egui::ScrollArea::vertical()
        .id_salt("gen_calls_scroll")
        .auto_shrink([false, false])
        .stick_to_bottom(true)
        .show(ui, |ui| {
            let titles = [
                "gen-col-time",
                "gen-col-actor",
                "gen-col-call",
                "gen-col-bytes",
                "gen-col-result",
                "gen-col-data",
            ];
            titled_grid(ui, "gen_calls_grid", &titles, [10.0, 2.0], |ui| {
                for c in &trace.calls {
                    ui.monospace(format!("{:.6}", (c.t_ns - t0) as f64 / 1e9));
                    ui.label(&c.actor);
                    ui.monospace(call_name(c.call));
                    ui.monospace(c.bytes.to_string());
                    let result = match &c.note {
                        Some(n) => format!("{} ({n})", c.result),
                        None => c.result.clone(),
                    };
                    if c.result == "ok" {
                        ui.label(result);
                    } else {
                        ui.colored_label(Color32::RED, result);
                    }
                    // Data moved, or the descriptors a readiness call reported.
                    let ready: Vec<String> = c
                        .traced
                        .iter()
                        .flat_map(|t| &t.ready)
                        .map(|r| format!("fd {} {}", r.fd, r.events))
                        .collect();
                    if ready.is_empty() {
                        ui.monospace(preview(c.data.as_deref().unwrap_or("")));
                    } else {
                        ui.monospace(ready.join(", "));
                    }
                    ui.end_row();
                }
            });
        });
}

/// A striped grid under a row of bold titles (message ids): the panel's two tables, its
/// lessons and a run's calls, look alike.
fn titled_grid(
    ui: &mut egui::Ui,
    id: &str,
    titles: &[&str],
    spacing: [f32; 2],
    rows: impl FnOnce(&mut egui::Ui),
) {
    egui::Grid::new(id)
        .num_columns(titles.len())
        .striped(true)
        .spacing(spacing)
        .show(ui, |ui| {
            for t in titles {
                ui.strong(tr!(t));
            }
            ui.end_row();
            rows(ui);
        });
}

/// A run mode's name in the interface's language (English: the CLI's `live`, `netns`,
/// `synthetic`).
fn mode_text(mode: Mode) -> String {
    tr!(match mode {
        Mode::Live => "gen-mode-name-live",
        Mode::Netns => "gen-mode-name-netns",
        Mode::Synthetic => "gen-mode-name-synthetic",
    })
}

/// The modes a lesson can run in, in the interface's language (as `synack gen --list`
/// names them in English).
fn modes_text(sc: Scenario) -> String {
    let mut modes = Vec::new();
    if sc.live_capable() {
        modes.push(mode_text(Mode::Live));
    }
    if sc.netns_capable() {
        modes.push(mode_text(Mode::Netns));
    }
    modes.push(mode_text(Mode::Synthetic));
    modes.join(" ")
}

/// The call's name as in C and in the calls trace (`send`, `recvfrom`, `epoll_wait`, ...).
pub fn call_name(kind: crate::calls::CallKind) -> String {
    kind.name().to_owned()
}

/// A short, escaped preview of a call's data (newlines shown as `\n`).
fn preview(data: &str) -> String {
    let escaped: String = data.escape_debug().collect();
    if escaped.chars().count() > DATA_PREVIEW {
        let cut: String = escaped.chars().take(DATA_PREVIEW - 1).collect();
        format!("{cut}…")
    } else {
        escaped
    }
}
