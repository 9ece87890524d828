//! A small in-window file chooser (open and save), and the recent-files list.
//!
//! A native dialog (rfd) needs GTK or an XDG portal at build or run time; this one works
//! everywhere the window does, including Xvfb and minimal desktops: a path field, a folder
//! listing filtered to capture files, Up and Home.

use std::path::{Path, PathBuf};

use crate::i18n::tr;

/// Most recent files kept.
const RECENT_MAX: usize = 10;

/// What the dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogPurpose {
    /// Open a capture.
    Open,
    /// Open a second capture of the same traffic, taken at another point of its path.
    OpenSecond,
    /// Save packets; the scope says which.
    Save(super::export::ExportScope),
    /// Save a figure of a study view (ladder, graphs, stream ribbon).
    SaveFigure(FigureKind),
    /// Save a generator run: its pcap and its calls trace (`FILE.calls.json`).
    SaveRun,
    /// Save what Follow TCP Stream shows (text, or one side's raw bytes).
    SaveFollow,
}

/// Which figure a save dialog is for, and in which format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureKind {
    /// The graph on display, as SVG.
    GraphSvg,
    /// The graph on display, as PNG.
    GraphPng,
    /// The stream ribbon, as SVG.
    RibbonSvg,
    /// The stream ribbon, as PNG.
    RibbonPng,
    /// The ladder diagram (whole connection), as SVG.
    LadderSvg,
    /// The ladder diagram as shown, as PNG.
    LadderPng,
    /// The flow graph (every row), as SVG.
    FlowsSvg,
    /// The flow graph as shown, as PNG.
    FlowsPng,
}

impl FigureKind {
    /// File name extension, with its dot.
    pub fn extension(self) -> &'static str {
        match self {
            FigureKind::GraphSvg
            | FigureKind::RibbonSvg
            | FigureKind::LadderSvg
            | FigureKind::FlowsSvg => ".svg",
            FigureKind::GraphPng
            | FigureKind::RibbonPng
            | FigureKind::LadderPng
            | FigureKind::FlowsPng => ".png",
        }
    }

    /// What the dialog title says.
    fn title(self) -> String {
        crate::i18n::text(match self {
            FigureKind::GraphSvg => "dialog-graph-svg",
            FigureKind::GraphPng => "dialog-graph-png",
            FigureKind::RibbonSvg => "dialog-ribbon-svg",
            FigureKind::RibbonPng => "dialog-ribbon-png",
            FigureKind::LadderSvg => "dialog-ladder-svg",
            FigureKind::LadderPng => "dialog-ladder-png",
            FigureKind::FlowsSvg => "dialog-flows-svg",
            FigureKind::FlowsPng => "dialog-flows-png",
        })
    }
}

/// The dialog's state while it is open.
#[derive(Debug)]
pub struct FileDialog {
    /// Why it is open.
    pub purpose: DialogPurpose,
    /// Folder listed.
    pub dir: PathBuf,
    /// File name / path typed.
    pub name: String,
    entries: Option<Result<Vec<(String, bool)>, String>>,
    /// A save to a file that exists, waiting for the user to say Replace (Wireshark and
    /// every desktop save dialog ask before overwriting).
    replacing: Option<PathBuf>,
}

impl FileDialog {
    /// Opens the dialog in `dir`.
    pub fn new(purpose: DialogPurpose, dir: PathBuf) -> FileDialog {
        FileDialog {
            purpose,
            dir,
            name: match purpose {
                DialogPurpose::Open | DialogPurpose::OpenSecond => String::new(),
                DialogPurpose::Save(_) | DialogPurpose::SaveRun => "export.pcap".into(),
                DialogPurpose::SaveFigure(kind) => format!("figure{}", kind.extension()),
                DialogPurpose::SaveFollow => "stream.txt".into(),
            },
            entries: None,
            replacing: None,
        }
    }

    /// True when the dialog writes a file (and so asks before replacing one).
    fn saves(&self) -> bool {
        self.purpose != DialogPurpose::Open
    }

    /// The file waiting for a Replace answer, if any.
    pub fn replacing(&self) -> Option<&Path> {
        self.replacing.as_deref()
    }

    /// File name endings listed: captures, or figures when saving one.
    fn listed(&self) -> &'static [&'static str] {
        match self.purpose {
            DialogPurpose::SaveFigure(_) => &[".svg", ".png"],
            DialogPurpose::SaveFollow => &[".txt", ".bin", ".raw"],
            _ => &[".pcap", ".pcapng", ".cap", ".dmp"],
        }
    }

    fn list(dir: &Path, listed: &[&str]) -> Result<Vec<(String, bool)>, String> {
        let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut v: Vec<(String, bool)> = rd
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let is_dir = e.file_type().ok()?.is_dir();
                let capture = listed.iter().any(|x| name.to_lowercase().ends_with(x));
                (!name.starts_with('.') && (is_dir || capture)).then_some((name, is_dir))
            })
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(v)
    }

    /// Draws the dialog window. Returns `Some(Some(path))` when confirmed, `Some(None)` when
    /// cancelled, `None` while still open.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<Option<PathBuf>> {
        if let Some(path) = self.replacing.clone() {
            return self.replace_ui(ctx, path);
        }
        let mut result = None;
        let title = match self.purpose {
            DialogPurpose::Open => crate::i18n::text("dialog-open-title"),
            DialogPurpose::OpenSecond => tr!("pair-dialog-title"),
            DialogPurpose::Save(scope) => crate::i18n::text_in(
                crate::i18n::lang(),
                "dialog-save-pcap",
                &[("what", scope.label().to_lowercase().into())],
            ),
            DialogPurpose::SaveFigure(kind) => kind.title(),
            DialogPurpose::SaveRun => crate::i18n::text("dialog-save-run"),
            DialogPurpose::SaveFollow => crate::i18n::text("dialog-save-follow"),
        };
        if self.entries.is_none() {
            self.entries = Some(FileDialog::list(&self.dir, self.listed()));
        }
        egui::Window::new(title)
            .collapsible(false)
            .default_size([520.0, 420.0])
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    if ui.button(crate::i18n::text("dialog-up")).clicked() {
                        if let Some(p) = self.dir.parent() {
                            self.dir = p.to_path_buf();
                            self.entries = None;
                        }
                    }
                    if ui.button(crate::i18n::text("dialog-home")).clicked() {
                        if let Some(h) = std::env::var_os("HOME") {
                            self.dir = PathBuf::from(h);
                            self.entries = None;
                        }
                    }
                    ui.monospace(self.dir.display().to_string());
                });
                ui.separator();
                egui::ScrollArea::vertical()
                    .max_height(280.0)
                    .auto_shrink([false, true])
                    .show(ui, |ui| match &self.entries {
                        Some(Ok(list)) => {
                            let mut enter: Option<PathBuf> = None;
                            for (name, is_dir) in list {
                                let label = if *is_dir {
                                    format!("[dir] {name}")
                                } else {
                                    format!("      {name}")
                                };
                                let r = ui.selectable_label(self.name == *name, label);
                                if r.clicked() {
                                    if *is_dir {
                                        enter = Some(self.dir.join(name));
                                    } else {
                                        self.name = name.clone();
                                    }
                                }
                                if r.double_clicked() && !*is_dir {
                                    let p = self.dir.join(name);
                                    if self.saves() {
                                        self.replacing = Some(p);
                                    } else {
                                        result = Some(Some(p));
                                    }
                                }
                            }
                            if let Some(d) = enter {
                                self.dir = d;
                                self.entries = None;
                            }
                        }
                        Some(Err(e)) => {
                            ui.colored_label(egui::Color32::RED, e);
                        }
                        None => {}
                    });
                ui.separator();
                ui.horizontal(|ui| {
                    let file = ui.label(crate::i18n::text("dialog-file"));
                    let r = ui
                        .add(
                            egui::TextEdit::singleline(&mut self.name)
                                .id_salt("file_dialog_name")
                                .desired_width(320.0),
                        )
                        .labelled_by(file.id);
                    let ok_label = crate::i18n::text(match self.purpose {
                        DialogPurpose::Open | DialogPurpose::OpenSecond => "dialog-open",
                        DialogPurpose::Save(_)
                        | DialogPurpose::SaveFigure(_)
                        | DialogPurpose::SaveRun
                        | DialogPurpose::SaveFollow => "dialog-save",
                    });
                    let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if (ui.button(ok_label).clicked() || enter) && !self.name.trim().is_empty() {
                        let p = PathBuf::from(self.name.trim());
                        let p = if p.is_absolute() { p } else { self.dir.join(p) };
                        if self.saves() && p.exists() {
                            self.replacing = Some(p);
                        } else {
                            result = Some(Some(p));
                        }
                    }
                    if ui.button(crate::i18n::text("dialog-cancel")).clicked() {
                        result = Some(None);
                    }
                });
            });
        result
    }

    /// The question asked before a save replaces `path`: Replace confirms, Cancel goes back
    /// to the file list.
    fn replace_ui(&mut self, ctx: &egui::Context, path: PathBuf) -> Option<Option<PathBuf>> {
        let mut result = None;
        egui::Window::new(tr!("dialog-replace-title"))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label(tr!(
                    "dialog-replace-text",
                    path = path.display().to_string()
                ));
                ui.horizontal(|ui| {
                    if ui.button(tr!("dialog-replace")).clicked() {
                        result = Some(Some(path.clone()));
                    }
                    if ui.button(tr!("dialog-cancel")).clicked() {
                        self.replacing = None;
                    }
                });
            });
        result
    }
}

/// synack's folder in the user's config: `$XDG_CONFIG_HOME/synack` or `~/.config/synack`.
pub fn config_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("synack"))
}

/// Where the recent-files list is kept: `$XDG_CONFIG_HOME/synack/recent` or
/// `~/.config/synack/recent`.
fn recent_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join("recent"))
}

/// The recent files, newest first (missing or unreadable list: empty).
pub fn load_recent() -> Vec<PathBuf> {
    recent_path()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|s| {
            s.lines()
                .filter(|l| !l.is_empty())
                .map(PathBuf::from)
                .collect()
        })
        .unwrap_or_default()
}

/// Puts `path` first in `recent` and saves the list (best effort: a read-only home must not
/// stop anyone from opening files).
pub fn remember(recent: &mut Vec<PathBuf>, path: &Path) {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    recent.retain(|p| p != &abs);
    recent.insert(0, abs);
    recent.truncate(RECENT_MAX);
    if let Some(p) = recent_path() {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let text: Vec<String> = recent.iter().map(|p| p.display().to_string()).collect();
        let _ = std::fs::write(p, text.join("\n") + "\n");
    }
}
