//! Benchmark mode (`synack view FILE --bench-frames N`): measures the time until the packet
//! list first shows rows and until loading ends, then scrolls the list a page per frame for
//! N frames (phase 1, like dragging the scroll bar), then for N more frames also selects a
//! row each frame (phase 2: the details, bytes and the connection's messages are rebuilt
//! too), and reports frame times of each phase. Measured in the real window.

use std::time::{Duration, Instant};

use super::packet_list::PacketList;
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
    /// Time between successive frames (includes painting), per phase.
    intervals: [Vec<Duration>; 2],
    /// Time spent building the UI of a frame, per phase.
    build: [Vec<Duration>; 2],
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
            intervals: [Vec::new(), Vec::new()],
            build: [Vec::new(), Vec::new()],
            row: 0,
            reported: false,
        }
    }

    /// Marks the start of a frame.
    pub fn frame_start(&mut self) {
        let now = Instant::now();
        if self.loaded_at.is_some() {
            if let Some(prev) = self.last_begin {
                let phase = self.phase();
                self.intervals[phase].push(now - prev);
            }
            self.last_begin = Some(now);
        }
        self.frame_began = Some(now);
    }

    fn phase(&self) -> usize {
        usize::from(self.build[0].len() as u32 >= self.frames_wanted)
    }

    /// Called after the frame is built; scrolls (and in phase 2 selects). Returns true when
    /// the benchmark is over.
    pub fn after_frame(
        &mut self,
        ctx: &egui::Context,
        data: &StoreData,
        visible: usize,
        sel: &mut Selection,
        list: &mut PacketList,
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
        let phase = self.phase();
        if let Some(b) = self.frame_began {
            self.build[phase].push(b.elapsed());
        }
        if visible > 0 {
            self.row = (self.row + STEP_ROWS) % visible;
            if phase == 0 {
                list.scroll_to = Some(self.row);
            } else {
                sel.select_packet(self.row, true);
            }
        }
        if self.build[1].len() as u32 >= self.frames_wanted && !self.reported {
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
        let ms = |d: Option<Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1e3);
        eprintln!(
            "bench: {} packets; packet list shown after {:.0} ms; loading finished after {:.0} ms",
            self.packets,
            ms(self.list_at),
            ms(self.loaded_at)
        );
        for (phase, what) in ["scrolling", "scrolling + selecting"].iter().enumerate() {
            let mut iv = self.intervals[phase].clone();
            let mut bd = self.build[phase].clone();
            eprintln!(
                "bench: {} {what} frames ({} rows per frame): frame interval p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; UI build p50 {:.2} ms, p99 {:.2} ms",
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
}
