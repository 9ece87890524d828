//! *Run a program*, the generator panel's second page: the user's own server and clients
//! run traced (as `synack run` runs them) while their packets and socket calls stream into
//! the window. The form holds the commands, the folder they run in and the network; the
//! status shows each program's pid and end and the programs' output. The run itself is
//! [`super::program_runner`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::{Color32, RichText};

use crate::i18n::tr;
use crate::run::{NetMode, PairNet};
use crate::trace::ProgramExit;

use super::gen_runner::Phase;
use super::program_runner::{cannot_run, ProgramRequest, ProgramRun};

/// Colour of remarks that are not errors.
const REMARK: Color32 = Color32::from_rgb(0xc0, 0x70, 0x00);

/// The network chosen in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetChoice {
    /// A namespace of their own, only `lo`.
    Isolated,
    /// Two hosts through a router.
    Pair,
    /// The host's network.
    Host,
}

/// A command's edit field: one line, or as many lines (up to eight) as a command given with
/// line breaks has (a `python3 -c` script from `synack run --view`), shown as written.
fn command_edit(text: &mut String) -> egui::TextEdit<'_> {
    let lines = text.lines().count();
    if lines > 1 {
        egui::TextEdit::multiline(text).desired_rows(lines.min(8))
    } else {
        egui::TextEdit::singleline(text)
    }
}

/// A course example the form can be filled with (`examples/course`).
struct Example {
    name: &'static str,
    server: &'static str,
    clients: &'static [&'static str],
}

/// The course's client/server pairs, as the README runs them.
const EXAMPLES: &[Example] = &[
    Example {
        name: "echo",
        server: "python3 echo_server.py --clients 1",
        clients: &["python3 echo_client.py hello '你好' 'a third message'"],
    },
    Example {
        name: "sticky packets",
        server: "python3 sticky_server.py --fix none",
        clients: &["python3 sticky_client.py --fix none"],
    },
    Example {
        name: "sticky: length prefix",
        server: "python3 sticky_server.py --fix length",
        clients: &["python3 sticky_client.py --fix length"],
    },
    Example {
        name: "epoll, two clients",
        server: "python3 epoll_server.py",
        clients: &[
            "python3 echo_client.py one two",
            "python3 echo_client.py three",
        ],
    },
    Example {
        name: "select, two clients",
        server: "python3 select_server.py",
        clients: &[
            "python3 echo_client.py one two",
            "python3 echo_client.py three",
        ],
    },
    Example {
        name: "UDP chat (GBK)",
        server: "python3 udp_chat_server.py --encoding gbk --count 2",
        clients: &["python3 udp_chat_client.py --encoding gbk 你好 再见"],
    },
    Example {
        name: "reset (SO_LINGER 0)",
        server: "python3 reset_server.py",
        clients: &["python3 echo_client.py hello"],
    },
];

/// The *Run a program* form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramForm {
    /// The server's command (empty: clients only).
    pub server: String,
    /// The clients' commands.
    pub clients: Vec<String>,
    /// The folder the commands run in.
    pub dir: String,
    /// The network.
    pub net: NetChoice,
    /// Pair: percent of data segments the router drops.
    pub loss_pct: u32,
    /// Pair: the rate towards the server, Mbit/s (0: unlimited).
    pub rate_mbit: u32,
    /// Pair: delay each way, ms (needs netem).
    pub delay_ms: u32,
    /// Stop everything after this many seconds (0: never).
    pub timeout_s: u32,
    /// Why the chosen network cannot run in this process, checked once per choice.
    checked: Option<(NetChoice, Option<String>)>,
}

impl Default for ProgramForm {
    fn default() -> Self {
        let course = Path::new("examples/course");
        let dir = if course.is_dir() {
            course.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
        };
        let echo = &EXAMPLES[0];
        ProgramForm {
            server: echo.server.to_owned(),
            clients: echo.clients.iter().map(|c| (*c).to_owned()).collect(),
            dir: dir.display().to_string(),
            net: NetChoice::Isolated,
            loss_pct: 0,
            rate_mbit: 0,
            delay_ms: 0,
            timeout_s: 60,
            checked: None,
        }
    }
}

impl ProgramForm {
    /// The form of a request (the command line's `synack run --view`).
    pub fn of(req: &ProgramRequest) -> ProgramForm {
        let (net, pair) = match &req.net {
            NetMode::Isolated => (NetChoice::Isolated, PairNet::default()),
            NetMode::Host => (NetChoice::Host, PairNet::default()),
            NetMode::Pair(p) => (NetChoice::Pair, p.clone()),
        };
        ProgramForm {
            server: req.server.clone().unwrap_or_default(),
            clients: req.clients.clone(),
            dir: req.dir.display().to_string(),
            net,
            loss_pct: pair.loss_pct,
            rate_mbit: pair.rate_mbit,
            delay_ms: pair.delay_ms,
            timeout_s: req.timeout.map_or(0, |t| t.as_secs() as u32),
            checked: None,
        }
    }

    /// The network the form describes.
    pub fn net_mode(&self) -> NetMode {
        match self.net {
            NetChoice::Isolated => NetMode::Isolated,
            NetChoice::Host => NetMode::Host,
            NetChoice::Pair => NetMode::Pair(PairNet {
                loss_pct: self.loss_pct.min(100),
                delay_ms: self.delay_ms,
                rate_mbit: self.rate_mbit,
            }),
        }
    }

    /// The run the form asks for; `None` (and why) when it cannot be asked yet.
    pub fn request(&self) -> Result<ProgramRequest, String> {
        let server = Some(self.server.trim().to_owned()).filter(|s| !s.is_empty());
        let clients: Vec<String> = self
            .clients
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        if server.is_none() && clients.is_empty() {
            return Err(tr!("run-form-empty"));
        }
        let dir = PathBuf::from(self.dir.trim());
        if !dir.is_dir() {
            return Err(tr!("run-form-no-dir", dir = self.dir.trim().to_owned()));
        }
        let net = self.net_mode();
        if matches!(net, NetMode::Pair(_)) && (server.is_none() || clients.is_empty()) {
            return Err(tr!("run-pair-needs-both"));
        }
        Ok(ProgramRequest {
            server,
            clients,
            dir,
            net,
            timeout: (self.timeout_s > 0).then(|| Duration::from_secs(u64::from(self.timeout_s))),
        })
    }

    /// Draws the form; returns the request when Run was pressed. `running` disables it.
    pub fn ui(&mut self, ui: &mut egui::Ui, running: bool) -> Option<ProgramRequest> {
        let mut run = None;
        ui.heading(tr!("run-title"));
        ui.label(tr!("run-hint"));
        ui.add_space(4.0);
        ui.add_enabled_ui(!running, |ui| {
            egui::ComboBox::from_id_salt("run_example")
                .selected_text(tr!("run-example"))
                .show_ui(ui, |ui| {
                    for ex in EXAMPLES {
                        if ui.selectable_label(false, ex.name).clicked() {
                            self.server = ex.server.to_owned();
                            self.clients = ex.clients.iter().map(|c| (*c).to_owned()).collect();
                        }
                    }
                })
                .response
                .on_hover_text(tr!("run-example-hint"));
            egui::Grid::new("run_form")
                .num_columns(2)
                .spacing([8.0, 4.0])
                .show(ui, |ui| {
                    ui.label(tr!("run-folder"));
                    ui.add(
                        egui::TextEdit::singleline(&mut self.dir)
                            .id_salt("run_dir")
                            .desired_width(f32::INFINITY),
                    );
                    ui.end_row();
                    ui.label(tr!("run-server"));
                    ui.add(
                        command_edit(&mut self.server)
                            .id_salt("run_server")
                            .hint_text("python3 echo_server.py")
                            .code_editor()
                            .desired_width(f32::INFINITY),
                    );
                    ui.end_row();
                    let mut remove = None;
                    for (i, c) in self.clients.iter_mut().enumerate() {
                        ui.label(tr!("run-client", n = i + 1));
                        ui.horizontal_top(|ui| {
                            if ui
                                .small_button("−")
                                .on_hover_text(tr!("run-client-remove"))
                                .clicked()
                            {
                                remove = Some(i);
                            }
                            ui.add(
                                command_edit(c)
                                    .id_salt(("run_client", i))
                                    .code_editor()
                                    .desired_width(f32::INFINITY),
                            );
                        });
                        ui.end_row();
                    }
                    if let Some(i) = remove {
                        self.clients.remove(i);
                    }
                    ui.label("");
                    if ui.button(tr!("run-client-add")).clicked() {
                        self.clients.push(String::new());
                    }
                    ui.end_row();
                });
            choice_row(
                ui,
                "run-network",
                &mut self.net,
                [
                    (
                        NetChoice::Isolated,
                        "run-net-isolated",
                        "run-net-isolated-hint",
                    ),
                    (NetChoice::Pair, "run-net-pair", "run-net-pair-hint"),
                    (NetChoice::Host, "run-net-host", "run-net-host-hint"),
                ],
            );
            if self.net == NetChoice::Pair {
                ui.horizontal(|ui| {
                    ui.label(tr!("run-loss"));
                    ui.add(
                        egui::DragValue::new(&mut self.loss_pct)
                            .range(0..=50)
                            .suffix(" %"),
                    );
                    ui.label(tr!("run-rate"));
                    ui.add(
                        egui::DragValue::new(&mut self.rate_mbit)
                            .range(0..=10_000)
                            .suffix(" Mbit/s"),
                    );
                    ui.label(tr!("run-delay"));
                    ui.add(
                        egui::DragValue::new(&mut self.delay_ms)
                            .range(0..=5_000)
                            .suffix(" ms"),
                    );
                });
            }
            ui.horizontal(|ui| {
                ui.label(tr!("run-timeout"));
                ui.add(
                    egui::DragValue::new(&mut self.timeout_s)
                        .range(0..=3600)
                        .suffix(" s"),
                );
            });
        });
        let blocked = match &self.checked {
            Some((net, why)) if *net == self.net => why.clone(),
            _ => {
                let why = cannot_run(&self.net_mode());
                self.checked = Some((self.net, why.clone()));
                why
            }
        };
        let request = self.request();
        if let Some(why) = &blocked {
            ui.colored_label(REMARK, why);
        } else if let Err(why) = &request {
            ui.colored_label(REMARK, why);
        }
        let ready = !running && blocked.is_none();
        if ui
            .add_enabled(
                ready && request.is_ok(),
                egui::Button::new(RichText::new(tr!("run-run")).strong()),
            )
            .clicked()
        {
            run = request.ok();
        }
        run
    }
}

/// A labelled row of choices for `value` (the generator's modes, the programs' networks):
/// `label` and each choice's word and hover hint are catalogue keys.
pub(super) fn choice_row<T: PartialEq, const N: usize>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut T,
    choices: [(T, &str, &str); N],
) {
    ui.horizontal(|ui| {
        ui.label(tr!(label));
        for (choice, word, hint) in choices {
            ui.radio_value(value, choice, tr!(word))
                .on_hover_text(tr!(hint));
        }
    });
}

/// A run's status line (the generator's and the programs'): a spinner while it runs, then
/// `line` of the word for its phase, from the catalogue keys `words` (running, done,
/// failed).
pub(super) fn phase_line(
    ui: &mut egui::Ui,
    phase: &Phase,
    words: [&str; 3],
    line: impl FnOnce(String) -> String,
) {
    ui.horizontal(|ui| {
        let word = match phase {
            Phase::Running => {
                ui.spinner();
                words[0]
            }
            Phase::Done => words[1],
            Phase::Failed(_) => words[2],
        };
        ui.strong(line(tr!(word)));
    });
}

/// The run's status: each program, the note, the error; and the programs' output.
pub fn status_ui(ui: &mut egui::Ui, run: &ProgramRun) {
    let st = run.status();
    let words = ["run-running", "run-done", "run-failed"];
    phase_line(ui, &st.phase, words, |what| {
        tr!(
            "run-status",
            what = what,
            frames = st.frames,
            calls = st.calls
        )
    });
    for p in &st.programs {
        let (text, colour) = match (&p.failed, &p.exit, p.pid) {
            (Some(why), _, _) => (
                tr!("run-program-failed", actor = &p.actor, why = why),
                Some(Color32::RED),
            ),
            (None, Some(ProgramExit::Code(c)), pid) => (
                tr!(
                    "run-program-exited",
                    actor = &p.actor,
                    pid = pid.unwrap_or(0),
                    code = *c
                ),
                (*c != 0).then_some(REMARK),
            ),
            (None, Some(ProgramExit::Signal(s)), pid) => (
                tr!(
                    "run-program-killed",
                    actor = &p.actor,
                    pid = pid.unwrap_or(0),
                    signal = signal_name(*s)
                ),
                None,
            ),
            (None, None, Some(pid)) => (
                tr!("run-program-running", actor = &p.actor, pid = pid),
                None,
            ),
            (None, None, None) => (tr!("run-program-waiting", actor = &p.actor), None),
        };
        match colour {
            Some(c) => ui.colored_label(c, text),
            None => ui.label(text),
        };
    }
    if let Phase::Failed(e) = &st.phase {
        ui.colored_label(Color32::RED, e);
    }
    if let Some(n) = &st.note {
        ui.colored_label(REMARK, n);
    }
    egui::CollapsingHeader::new(tr!("run-output", lines = st.output.len()))
        .id_salt("run_output")
        .default_open(true)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("run_output_scroll")
                .max_height(160.0)
                .auto_shrink([false, true])
                .stick_to_bottom(true)
                .show(ui, |ui| {
                    for (actor, line) in &st.output {
                        ui.horizontal(|ui| {
                            ui.weak(RichText::new(actor).monospace());
                            ui.monospace(line);
                        });
                    }
                });
        });
}

/// `SIGTERM`, or `signal 42`.
fn signal_name(s: i32) -> String {
    nix::sys::signal::Signal::try_from(s).map_or_else(|_| format!("signal {s}"), |s| s.to_string())
}
