//! The desktop view (egui/eframe): packet list, display filter, details and bytes,
//! connections, live capture, the traffic generator panel, exports.
//!
//! Layout follows rerun: [`store`] holds what ingestion ([`ingest`], on its own thread) has
//! read; each view module draws from the store every frame and keeps only its own state;
//! views share the [`selection::Selection`]. Nothing per frame scales with the capture: the
//! packet list decodes only the rows on screen, the filter scans new frames under a time
//! budget, and the connection rows are cached until the engine publishes new records.
//!
//! Text on screen comes from the catalogues of [`crate::i18n`]: `tr!("key", arg = value)`
//! with the key in both `src/i18n/en.ftl` and `src/i18n/zh.ftl` (the README's "Chinese
//! interface" says how to add one); [`fonts`] adds a system CJK font so it can be drawn.

pub mod app;
pub mod bench;
pub mod colors;
pub mod columns;
mod conn_messages;
pub mod connections;
pub mod details;
pub mod export;
pub mod figure;
pub mod file_dialog;
pub mod filter_bar;
pub mod filter_menu;
pub mod find;
pub mod flow_graph;
pub mod follow;
pub mod fonts;
pub mod frame_bytes;
pub mod gen_runner;
pub mod generator_panel;
pub mod goto;
pub mod graphs;
pub mod ingest;
pub mod ladder;
pub mod live_panel;
pub mod packet_list;
pub mod packet_sort;
pub mod pair_view;
pub mod palette;
pub mod program_panel;
pub mod program_runner;
pub mod replay;
pub mod rich_codec;
pub mod selection;
pub mod store;
pub mod stream_view;
pub mod text_view;
pub mod tour;
pub mod wire;

#[cfg(test)]
mod tests;

use std::process::ExitCode;

pub use app::{Command, StartSource, SynackApp, Tab, ViewOptions};

/// True when a graphical display is reachable (X11 or Wayland). eframe would otherwise fail
/// deep inside winit with a message that does not say what to do.
fn have_display() -> bool {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// Opens the window with `options` and runs it until it is closed (`synack view`).
///
/// Fails before any window opens when the file cannot be read at all or no display is
/// reachable, with a message that says what to do.
pub fn run(options: ViewOptions) -> anyhow::Result<ExitCode> {
    // Fail before opening a window when a file cannot be read at all.
    let named = match &options.source {
        StartSource::File(f) => std::slice::from_ref(f),
        StartSource::Files(f) => f.as_slice(),
        _ => &[],
    };
    for f in named {
        std::fs::metadata(f).map_err(|e| anyhow::anyhow!("{}: cannot open: {e}", f.display()))?;
    }
    // A file that is no capture at all (empty, random bytes) ends here as in `synack read`,
    // rather than opening a window with nothing in it. Only regular files are probed: a pipe
    // or FIFO would lose the bytes read.
    if !named.is_empty() {
        for f in crate::capture::capture_files(named)? {
            if std::fs::metadata(&f).is_ok_and(|m| m.is_file()) {
                crate::capture::FileReader::open(&f)?;
            }
        }
    }
    if !have_display() {
        anyhow::bail!(
            "no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set).\n\
             The desktop view needs one; for text output use `synack read FILE` \
             (or run the window under `xvfb-run synack view FILE`)."
        );
    }
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("synack")
            .with_inner_size([1400.0, 860.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "synack",
        native,
        Box::new(move |cc| Ok(Box::new(SynackApp::new(&cc.egui_ctx, options)))),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// `synack` with no arguments: the window on the built-in demo.
pub fn run_demo() -> anyhow::Result<ExitCode> {
    run(ViewOptions::new(StartSource::Demo))
}
