//! Benchmark mode (`synack view FILE --bench-frames N`): measures the time until the packet
//! list first shows rows and until loading ends, then scrolls the list a page per frame
//! (selecting a row each time, so the details and bytes are rebuilt too) and reports
//! frame times. Measured in the real window, since that is what users feel.

use std::time::{Duration, Instant};

use super::selection::Selection;
use super::store::StoreData;

/// Rows moved per frame while scrolling (about one screen).
const STEP_ROWS: usize = 41;

/// Benchmark state.
#[derive(Debug)]
pub struct Bench {
    start: Instant,
    frames_wanted: u32,
    list_at: Option<Duration>,
    loaded_at: Option<Duration>,
    packets: usize,
    frame_began: Option<Instant>,
    last_begin: Option<Instant>,
    /// Time between successive frames (includes painting).
    intervals: Vec<Duration>,
    /// Time spent building the UI of a frame.
    build: Vec<Duration>,
    row: usize,
    reported: bool,
}

impl Bench {
    /// Starts the clock (call when the window is created).
    pub fn new(frames: u32) -> Bench {
        Bench {
            start: Instant::now(),
            frames_wanted: frames.max(1),
            list_at: None,
            loaded_at: None,
            packets: 0,
            frame_began: None,
            last_begin: None,
            intervals: Vec::new(),
            build: Vec::new(),
            row: 0,
            reported: false,
        }
    }

    /// Marks the start of a frame.
    pub fn frame_start(&mut self) {
        let now = Instant::now();
        if self.loaded_at.is_some() {
            if let Some(prev) = self.last_begin {
                self.intervals.push(now - prev);
            }
            self.last_begin = Some(now);
        }
        self.frame_began = Some(now);
    }

    /// Called after the frame is built; moves the selection while scrolling. Returns true
    /// when the benchmark is over.
    pub fn after_frame(
        &mut self,
        ctx: &egui::Context,
        data: &StoreData,
        visible: usize,
        sel: &mut Selection,
    ) -> bool {
        ctx.request_repaint();
        if self.list_at.is_none() && visible > 0 {
            self.list_at = Some(self.start.elapsed());
        }
        if self.loaded_at.is_none() {
            if data.finished {
                self.loaded_at = Some(self.start.elapsed());
                self.packets = data.len();
            }
            return false;
        }
        if let Some(b) = self.frame_began {
            self.build.push(b.elapsed());
        }
        if visible > 0 {
            self.row = (self.row + STEP_ROWS) % visible;
            sel.select_packet(self.row, true);
        }
        if self.build.len() as u32 >= self.frames_wanted && !self.reported {
            self.report();
            self.reported = true;
            return true;
        }
        false
    }

    fn pct(v: &mut [Duration], p: f64) -> f64 {
        if v.is_empty() {
            return f64::NAN;
        }
        v.sort();
        let i = ((v.len() as f64 - 1.0) * p).round() as usize;
        v[i.min(v.len() - 1)].as_secs_f64() * 1e3
    }

    /// Prints the results to stderr.
    pub fn report(&self) {
        if self.reported {
            return;
        }
        let mut iv = self.intervals.clone();
        let mut bd = self.build.clone();
        let ms = |d: Option<Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1e3);
        eprintln!(
            "bench: {} packets; packet list shown after {:.0} ms; loading finished after {:.0} ms",
            self.packets,
            ms(self.list_at),
            ms(self.loaded_at)
        );
        eprintln!(
            "bench: {} scrolling frames ({} rows per frame): frame interval p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; UI build p50 {:.2} ms, p99 {:.2} ms",
            bd.len(),
            STEP_ROWS,
            Bench::pct(&mut iv, 0.5),
            Bench::pct(&mut iv, 0.99),
            Bench::pct(&mut iv, 1.0),
            Bench::pct(&mut bd, 0.5),
            Bench::pct(&mut bd, 0.99),
        );
    }
}
