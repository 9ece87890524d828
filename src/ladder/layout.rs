//! Where everything of the ladder goes, in figure coordinates: the same numbers for the
//! screen and the SVG export.
//!
//! Time runs down. Rows (the moments packets passed the capture point) are spaced evenly
//! by capture order, so an idle minute does not push the rest off the page; between two
//! rows time is linear, and every arrow's ends (when it left its sender, when it reached its
//! receiver) are placed on that warped axis. The warp never reverses time, so an answer
//! that leaves after its question arrived is drawn below it. Rows a summary stands for are
//! packed closer; a long idle gap gets extra room and a break mark. Where the state names
//! and the programs' call marks beside a line do not fit between the arrows around them, the
//! axis gets room just above the point that needs it (everything later moves down), so each
//! text stays between the arrow before it and the arrow after it on its line.
//!
//! Labels are laid out here too: each one sits on its own arrow, centred on a point along
//! it, inside the corridor between the two time lines (so never on a line, a state name or
//! the time column), and never on another label: the first free point along the arrow is
//! taken, and where none is free the row gets more room.

use std::ops::Range;

use crate::figure::{text_height, text_width, Point, Rect};

use super::model::{ArrowKind, Break, End, Fate, LadderModel};
use super::words;

/// Height of the fixed header (addresses, initial states, how the delays were found).
pub const HEADER: f32 = 90.0;
/// Row spacing at zoom 1.
pub const BASE_ROW: f32 = 40.0;
/// Width of the time column.
pub const TIME_COL: f32 = 100.0;
/// Width of each side's state column.
pub const STATE_COL: f32 = 118.0;
/// Width of the bracket column (bracket and its name).
pub const BRACKET_COL: f32 = 250.0;
/// Narrowest corridor between the two time lines.
pub const MIN_CORRIDOR: f32 = 300.0;
/// Font size of labels and notes.
pub const FONT: f32 = 11.5;
/// Room between a label and the time lines.
const PAD: f32 = 14.0;
/// Extra room of an idle gap drawn as a break.
const BREAK_H: f32 = 34.0;
/// Rows closer than this show no labels (zoomed far out).
const MIN_LABEL_ROW: f32 = 22.0;
/// Rows closer than this show labels without their notes.
const MIN_NOTE_ROW: f32 = 34.0;
/// Points along an arrow tried for its label, as fractions of its length, best first.
const SPOTS: [f32; 11] = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85, 0.08, 0.92];
/// Rounds of "give a crowded row more room" before labels are placed anyway.
const ROUNDS: usize = 6;
/// Gap between an arrow and a label above or below it (clear of a lost segment's cross).
const LIFT: f32 = 8.0;
/// Height of the buckets of the label index.
const BUCKET: f32 = 32.0;

/// Who a label belongs to (what clicking it selects or toggles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A row's own label.
    Row(usize),
    /// The data summary of a collapsed run.
    Run(usize),
    /// The ACK summary of a collapsed run.
    RunAcks(usize),
    /// A ghost's label.
    Ghost(usize),
}

/// A placed label.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// Whose.
    pub owner: Owner,
    /// Its box (background included).
    pub rect: Rect,
    /// Its lines, top first (already shortened to fit the corridor).
    pub lines: Vec<String>,
    /// The colour class of its arrow.
    pub kind: ArrowKind,
    /// Its arrow carries data (data and ACK arrows differ in colour).
    pub data: bool,
    /// The point of its arrow it is centred on.
    pub anchor: Point,
}

/// One row's arrow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arrow {
    /// Where it leaves the sender's line.
    pub from: Point,
    /// Where it ends: the receiver's line, or the cross of a lost segment.
    pub to: Point,
    /// Where it crosses the capture point's line.
    pub capture: Point,
    /// It never arrived: `to` is a cross short of the receiver.
    pub lost: bool,
    /// Hidden behind a run's summary (drawn, unlabelled).
    pub summarized: bool,
}

/// A state name (or another tool's note) beside a time line.
#[derive(Debug, Clone, PartialEq)]
pub struct SideText {
    /// Whose line.
    pub end: End,
    /// Where the change touches the line.
    pub y_touch: f32,
    /// Where the text sits (moved down past the previous one).
    pub y_text: f32,
    /// The words.
    pub text: String,
    /// A state name (else a note).
    pub state: bool,
}

/// A break mark across the time lines.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakMark {
    /// Middle of the break.
    pub y: f32,
    /// Its text, one entry per line.
    pub lines: Vec<String>,
}

/// A bracket beside the server's states.
#[derive(Debug, Clone, PartialEq)]
pub struct BracketMark {
    /// Top and bottom.
    pub top: f32,
    /// See `top`.
    pub bottom: f32,
    /// Its name, one entry per line.
    pub lines: Vec<String>,
}

/// A retransmission's link to the copy it resends, along the sender's line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    /// The copy's departure.
    pub from: Point,
    /// The retransmission's departure.
    pub to: Point,
}

/// Where everything goes, in figure coordinates (origin at the top left of the whole
/// diagram, header included).
#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    /// Row spacing.
    pub row_h: f32,
    /// Figure width.
    pub width: f32,
    /// Figure height (all rows).
    pub height: f32,
    /// The client's line.
    pub x_client: f32,
    /// The server's line.
    pub x_server: f32,
    /// The capture point's line (between the two, by the delays).
    pub x_capture: f32,
    /// Per row: y of the moment it passed the capture point.
    pub knots: Vec<f32>,
    /// Per row: its arrow.
    pub arrows: Vec<Arrow>,
    /// Per ghost: its dashed arrow (`lost` when it ends in a cross before the capture).
    pub ghosts: Vec<Arrow>,
    /// Every label.
    pub labels: Vec<Label>,
    /// Per row: its label in `labels`, when it has one of its own.
    pub row_label: Vec<Option<usize>>,
    /// Rows whose capture time is written in the time column, with the y.
    pub times: Vec<(usize, f32)>,
    /// State names and notes beside the lines.
    pub side: Vec<SideText>,
    /// Breaks.
    pub breaks: Vec<BreakMark>,
    /// Brackets.
    pub brackets: Vec<BracketMark>,
    /// Retransmission links.
    pub links: Vec<Link>,
    /// Labels that found no free place (drawn anyway; the tests hold this at zero).
    pub crowded: usize,
    /// Labels that had to lie over another arrow (no place clear of them was free).
    pub over_arrows: usize,
    /// The runs shown expanded.
    pub expanded: Vec<usize>,
    /// Culling index: the lowest point drawn by rows 0..=i (a running maximum, so it can
    /// be binary-searched even though one long arrow may reach past later rows).
    reach_down: Vec<f32>,
    /// The highest point drawn by rows i.. (a running minimum from the end).
    reach_up: Vec<f32>,
}

/// y of the moment `dt` ns after row `i`'s capture on the warped axis: linear between two
/// rows, extrapolated past the ends with the nearest gap (or half a row). `times` must not
/// decrease; the search starts from row `i`, so rows with equal times keep their order.
fn walk(times: &[i64], knots: &[f32], i: usize, dt: i64, row_h: f32) -> f32 {
    if dt == 0 {
        return knots[i];
    }
    let n = times.len();
    let target = times[i].saturating_add(dt);
    let lerp = |j: usize, k: usize| {
        let gap = times[k] - times[j];
        let frac = if gap > 0 {
            ((target - times[j]) as f64 / gap as f64).clamp(0.0, 1.0) as f32
        } else {
            0.0
        };
        knots[j] + frac * (knots[k] - knots[j])
    };
    if dt >= 0 {
        let k = i + 1 + times[i + 1..].partition_point(|&t| t <= target);
        if k < n {
            return lerp(k - 1, k);
        }
        let last = n - 1;
        let over = (target - times[last]) as f64;
        let frac = match last.checked_sub(1).map(|p| times[last] - times[p]) {
            Some(g) if g > 0 => (over / g as f64).min(1.0),
            _ if over > 0.0 => 0.5,
            _ => 0.0,
        } as f32;
        knots[last] + frac * row_h
    } else {
        let j = times[..=i].partition_point(|&t| t < target);
        if j > 0 {
            return lerp(j - 1, j);
        }
        let under = (times[0] - target) as f64;
        let frac = match times.get(1).map(|t1| t1 - times[0]) {
            Some(g) if g > 0 => (under / g as f64).min(1.0),
            _ if under > 0.0 => 0.5,
            _ => 0.0,
        } as f32;
        knots[0] - frac * row_h
    }
}

/// Shortens `text` with an ellipsis until it fits `width` points.
fn fit(text: &str, width: f32) -> String {
    if text_width(text, FONT) <= width {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let s: String = chars.iter().collect::<String>() + "…";
        if text_width(&s, FONT) <= width {
            return s;
        }
    }
    String::new()
}

/// A call's mark beside its time line: broken after its arrow when it does not fit
/// (`send(14) →` / `frames 4-5`), its result on at most three more lines broken at spaces
/// (`recv →` / `0 (end of` / `stream)`); without an arrow, on at most four lines
/// (`setsockopt(` / `TCP_QUICKACK` / `0 (delayed` / `ACKs))`). The ladder makes room
/// for them, so nothing is cut but a very long list of frames.
fn note_lines(text: &str) -> Vec<String> {
    let width = STATE_COL - 12.0;
    match text.split_once(" → ") {
        Some((call, what)) if text_width(text, FONT) > width => {
            let mut lines = vec![fit(&format!("{call} →"), width)];
            lines.extend(wrap(what, width, 3));
            lines
        }
        _ => wrap(text, width, 4),
    }
}

/// Breaks `text` into lines of at most `width` points at spaces, and a word too wide for a
/// line after an opening bracket, a comma or an equals sign (`setsockopt(` /
/// `SO_LINGER={` / `onoff=1,` / `linger=0})`); at most `max` lines, the last one shortened
/// with an ellipsis when the text does not fit.
fn wrap(text: &str, width: f32, max: usize) -> Vec<String> {
    // The pieces, each with "a space goes before it".
    let pieces = text.split(' ').flat_map(|word| {
        let mut parts = Vec::new();
        let mut rest = word;
        while text_width(rest, FONT) > width {
            // The longest head that fits and ends where the word may break.
            let head = rest
                .char_indices()
                .filter(|&(i, c)| "({,=".contains(c) && i + 1 < rest.len())
                .map(|(i, _)| &rest[..=i])
                .take_while(|h| text_width(h, FONT) <= width)
                .last();
            let Some(head) = head else { break };
            parts.push((head, parts.is_empty()));
            rest = &rest[head.len()..];
        }
        parts.push((rest, parts.is_empty()));
        parts
    });
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (piece, spaced) in pieces {
        let candidate = match (cur.is_empty(), spaced) {
            (true, _) => piece.to_string(),
            (false, true) => format!("{cur} {piece}"),
            (false, false) => format!("{cur}{piece}"),
        };
        if text_width(&candidate, FONT) <= width || cur.is_empty() {
            cur = candidate;
        } else {
            lines.push(std::mem::replace(&mut cur, piece.to_string()));
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max {
        let rest = lines[max - 1..].join(" ");
        lines.truncate(max - 1);
        lines.push(rest);
    }
    lines.iter().map(|l| fit(l, width)).collect()
}

/// Placed label boxes and the arrows, indexed by height for the overlap tests.
#[derive(Default)]
struct Placed {
    buckets: Vec<Vec<Rect>>,
    /// Arrows: ends and the id of their owner (row index, or rows + ghost index).
    arrows: Vec<Vec<(Point, Point, usize)>>,
}

impl Placed {
    fn range(top: f32, bottom: f32) -> Range<usize> {
        let a = (top / BUCKET).floor().max(0.0) as usize;
        let b = (bottom / BUCKET).floor().max(0.0) as usize;
        a..b + 1
    }

    /// No placed label overlaps `r`; with `own`, no arrow but those with an id in `own`
    /// crosses it either.
    fn free(&self, r: &Rect, own: Option<&Range<usize>>) -> bool {
        let range = Self::range(r.min.y, r.max.y);
        let labels = range.clone().all(|k| {
            self.buckets
                .get(k)
                .is_none_or(|v| v.iter().all(|o| !o.overlaps(r)))
        });
        labels
            && own.is_none_or(|own| {
                range.clone().all(|k| {
                    self.arrows.get(k).is_none_or(|v| {
                        v.iter()
                            .all(|&(a, b, id)| own.contains(&id) || r.clip_segment(a, b).is_none())
                    })
                })
            })
    }

    fn add(&mut self, r: Rect) {
        let range = Self::range(r.min.y, r.max.y);
        if self.buckets.len() < range.end {
            self.buckets.resize_with(range.end, Vec::new);
        }
        for k in range {
            self.buckets[k].push(r);
        }
    }

    fn add_arrow(&mut self, a: Point, b: Point, id: usize) {
        let range = Self::range(a.y.min(b.y), a.y.max(b.y));
        if self.arrows.len() < range.end {
            self.arrows.resize_with(range.end, Vec::new);
        }
        for k in range {
            self.arrows[k].push((a, b, id));
        }
    }
}

/// What one label needs before it is placed.
struct Pending {
    owner: Owner,
    row: usize,
    segment: (Point, Point),
    lines: Vec<String>,
    kind: ArrowKind,
    data: bool,
}

/// Room between a text beside a time line and the next arrow touching that line below it.
const TEXT_GAP: f32 = 2.0;

/// Where the arrows touch each side's line (client, server): where they leave their sender
/// and where they reach their receiver (a segment lost on its way reaches nobody).
fn touches(model: &LadderModel, arrows: &[Arrow], ghosts: &[Arrow]) -> [Vec<f32>; 2] {
    let mut out = [Vec::new(), Vec::new()];
    let froms = model.rows.iter().map(|r| r.from);
    let ghost_froms = model.ghosts.iter().map(|g| g.from);
    for (from, a) in froms.zip(arrows).chain(ghost_froms.zip(ghosts)) {
        out[from.index()].push(a.from.y);
        if !a.lost {
            out[from.other().index()].push(a.to.y);
        }
    }
    out
}

/// Room made on the time axis for the texts beside the lines: every point below a place
/// moves down by the room made there. Order is kept (room is only ever added), so a state
/// name stays between the arrow that caused it and the next one on its line, and a call's
/// mark between the arrows before and after it in time.
#[derive(Debug, Default)]
struct Stretch {
    /// Places, as heights before any room was made, ascending; room applies below them.
    at: Vec<f32>,
    /// Room made at or above each place, in total.
    total: Vec<f32>,
}

/// What stands on the time lines at one height, for [`Stretch::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnLine {
    /// An arrow's end on one line.
    Touch(End),
    /// A break's zigzag across both lines.
    Break,
    /// A text beside one line (its index).
    Text(End, usize),
}

impl OnLine {
    /// The order at one height: arrows, then breaks, then the texts in their order.
    fn rank(self) -> (u8, usize) {
        match self {
            OnLine::Touch(_) => (0, 0),
            OnLine::Break => (1, 0),
            OnLine::Text(_, i) => (2, i),
        }
    }
}

/// How far a break's zigzag reaches above and below its middle (see `paint::zigzag`).
const ZIGZAG: (f32, f32) = (9.0, 1.0);

/// What [`Stretch::new`] works on: the texts beside the lines (sorted by where they touch
/// their line, each with "is a mark's first line"), where the arrows touch each line
/// (client, server), each arrow's top and bottom, and the breaks' middles.
struct OnLines<'a> {
    side: &'a [(SideText, bool)],
    touches: [Vec<f32>; 2],
    arrows: Vec<(f32, f32)>,
    breaks: Vec<f32>,
}

impl Stretch {
    /// Finds the room the texts need: each text clear of the next arrow end or zigzag on
    /// its line (always), and each mark's first line where it touches its line rather than
    /// pushed down by the text above it (when room for it can go where no arrow is in
    /// flight). Room goes between the point that needs it and the text above it on its
    /// line, where the fewest arrows are in flight (so that it lengthens none, if it can),
    /// nearest the point among equals.
    fn new(on: &OnLines<'_>, line_h: f32) -> Stretch {
        let mut items: Vec<(f32, OnLine)> = on
            .side
            .iter()
            .enumerate()
            .map(|(i, (s, _))| (s.y_touch, OnLine::Text(s.end, i)))
            .collect();
        for (end, ys) in [End::Client, End::Server].into_iter().zip(&on.touches) {
            items.extend(ys.iter().map(|&y| (y, OnLine::Touch(end))));
        }
        items.extend(on.breaks.iter().map(|&y| (y, OnLine::Break)));
        items.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.rank().cmp(&b.1.rank())));
        // The distinct heights, and how many arrows are in flight just below each.
        let mut heights: Vec<f32> = items.iter().map(|i| i.0).collect();
        heights.dedup();
        let mut tops: Vec<f32> = on.arrows.iter().map(|a| a.0).collect();
        let mut bottoms: Vec<f32> = on.arrows.iter().map(|a| a.1).collect();
        tops.sort_by(f32::total_cmp);
        bottoms.sort_by(f32::total_cmp);
        let in_flight: Vec<usize> = heights
            .iter()
            .map(|&h| tops.partition_point(|&t| t <= h) - bottoms.partition_point(|&b| b <= h))
            .collect();
        let mut room: Vec<(f32, f32)> = Vec::new();
        let mut shift = 0.0;
        // Per line: the last text's height (index into `heights`) and where it is drawn.
        let mut last: [Option<(usize, f32)>; 2] = [None, None];
        let top = HEADER - line_h * 0.5 + 2.0;
        let clear = line_h * 0.5 + TEXT_GAP;
        let mut h = 0;
        for (y, what) in items {
            while heights[h] < y {
                h += 1;
            }
            let here = y + shift;
            // Room `need` below the text above this point on line `k`: from where it can go
            // (it can only go between the two), and how much.
            let wanted = |k: usize, need: f32| match last[k] {
                Some((j, t)) if j < h => Some((j, t + need - here)),
                _ => None,
            };
            let (want, always) = match what {
                OnLine::Touch(end) => (wanted(end.index(), clear), true),
                OnLine::Break => {
                    let both = [0, 1].map(|k| wanted(k, clear + ZIGZAG.0));
                    let needed = both.into_iter().flatten().filter(|w| w.1 > 0.0);
                    (needed.reduce(|a, b| (a.0.max(b.0), a.1.max(b.1))), true)
                }
                OnLine::Text(end, i) if on.side[i].1 => (wanted(end.index(), line_h), false),
                OnLine::Text(..) => (None, false),
            };
            if let Some((from, need)) = want.filter(|w| w.1 > 0.0) {
                let best = (from..h).rev().min_by_key(|&j| in_flight[j]);
                if let Some(j) = best.filter(|&j| always || in_flight[j] == 0) {
                    room.push((heights[j], need));
                    shift += need;
                    for l in last.iter_mut().flatten() {
                        if l.0 > j {
                            l.1 += need;
                        }
                    }
                }
            }
            let here = y + shift;
            match what {
                OnLine::Text(end, _) => {
                    let k = end.index();
                    let above = last[k].map_or(top, |(_, t)| t);
                    last[k] = Some((h, here.max(above + line_h)));
                }
                // A text below the zigzag starts clear of it.
                OnLine::Break => {
                    for l in &mut last {
                        let below = here + ZIGZAG.1 + clear - line_h;
                        *l = Some((h, l.map_or(below, |(_, t)| t.max(below))));
                    }
                }
                OnLine::Touch(_) => {}
            }
        }
        room.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut stretch = Stretch::default();
        for (at, more) in room {
            let total = stretch.total.last().copied().unwrap_or(0.0) + more;
            if stretch.at.last() == Some(&at) {
                *stretch.total.last_mut().expect("a place") = total;
            } else {
                stretch.at.push(at);
                stretch.total.push(total);
            }
        }
        stretch
    }

    /// Where the height `y` (before any room was made) goes.
    fn map(&self, y: f32) -> f32 {
        let k = self.at.partition_point(|&p| p < y);
        y + k.checked_sub(1).map_or(0.0, |k| self.total[k])
    }
}

impl Geometry {
    /// Lays out `model` for a view `width` points wide with rows `row_h` apart, with the
    /// runs listed in `expanded` (indices into `model.runs`) shown row by row.
    pub fn new(model: &LadderModel, width: f32, row_h: f32, expanded: &[usize]) -> Geometry {
        let mut extra = vec![0.0f32; model.rows.len()];
        let mut geo = Geometry::once(model, width, row_h, expanded, &extra);
        for _ in 0..ROUNDS {
            if geo.crowded == 0 {
                break;
            }
            for row in geo.crowded_rows(model) {
                extra[row] += text_height(FONT) + 6.0;
            }
            geo = Geometry::once(model, width, row_h, expanded, &extra);
        }
        geo
    }

    /// Rows whose labels found no place (the pending pass marks them by a missing entry).
    fn crowded_rows(&self, model: &LadderModel) -> Vec<usize> {
        let mut rows: Vec<usize> = self
            .labels
            .iter()
            .filter(|l| l.rect.width() < 0.0)
            .map(|l| match l.owner {
                Owner::Row(i) => i,
                Owner::Run(r) | Owner::RunAcks(r) => model.runs[r].first,
                Owner::Ghost(g) => model.ghosts[g].before,
            })
            .collect();
        rows.sort_unstable();
        rows.dedup();
        rows
    }

    /// One layout pass, with `extra` room above each row (what earlier passes found the
    /// row's label needed). The phases run in order: the lines, the time axis, the arrows,
    /// the texts beside the lines (with the room they need), the labels, then what the
    /// painter and the culling need.
    fn once(
        model: &LadderModel,
        width: f32,
        row_h: f32,
        expanded: &[usize],
        extra: &[f32],
    ) -> Geometry {
        let cols = Columns::new(model, width);
        let n = model.rows.len();
        let hidden = hidden_rows(model, expanded);
        let line_h = text_height(FONT);
        let axis = TimeAxis::new(model, row_h, &hidden, extra, lead_room(model, line_h));
        let mut arrows = row_arrows(model, &cols, &axis, &hidden);
        let mut ghosts = ghost_arrows(model, &cols, &axis);
        let side = side_texts(model, &arrows, &axis, line_h);
        let mut knots = axis.knots;
        // The time axis gets room wherever the texts would not fit between the arrows
        // around them, so that none is pushed past a later arrow.
        // Each break sits at the middle of its idle time, below the calls made before it.
        let breaks_at: Vec<(&Break, f32)> = model
            .breaks
            .iter()
            .filter(|b| b.after + 1 < n)
            .map(|b| (b, (knots[b.after] + knots[b.after + 1]) / 2.0))
            .collect();
        let on_lines = OnLines {
            side: &side,
            touches: touches(model, &arrows, &ghosts),
            arrows: arrows
                .iter()
                .chain(&ghosts)
                .map(|a| (a.from.y.min(a.to.y), a.from.y.max(a.to.y)))
                .collect(),
            breaks: breaks_at.iter().map(|b| b.1).collect(),
        };
        let stretch = Stretch::new(&on_lines, line_h);
        for y in &mut knots {
            *y = stretch.map(*y);
        }
        for a in arrows.iter_mut().chain(&mut ghosts) {
            for p in [&mut a.from, &mut a.to, &mut a.capture] {
                p.y = stretch.map(p.y);
            }
        }
        let side = stack_side_texts(side, &stretch, line_h);
        let links = resend_links(model, &cols, &arrows);
        let corridor = (cols.x_client + PAD, cols.x_server - PAD);
        let pending = pending_labels(model, &arrows, &ghosts, &hidden, expanded, corridor, row_h);
        let placed = place_labels(model, pending, &arrows, &ghosts, corridor);
        let breaks: Vec<BreakMark> = breaks_at
            .into_iter()
            .map(|(b, y)| BreakMark {
                y: stretch.map(y),
                lines: wrap(&b.label(), cols.x_client - 16.0, 3),
            })
            .collect();
        let (reach_down, reach_up) =
            reaches(model, &arrows, &ghosts, &knots, &placed.labels, row_h);
        let lowest = reach_down
            .last()
            .copied()
            .unwrap_or(HEADER)
            .max(side.iter().map(|s| s.y_text).fold(HEADER, f32::max));
        Geometry {
            row_h,
            width: cols.width,
            height: lowest + row_h,
            x_client: cols.x_client,
            x_server: cols.x_server,
            x_capture: cols.x_capture,
            times: shown_times(&knots, &hidden, line_h),
            knots,
            brackets: bracket_marks(model, &arrows),
            arrows,
            ghosts,
            labels: placed.labels,
            row_label: placed.row_label,
            side,
            breaks,
            links,
            crowded: placed.crowded,
            over_arrows: placed.over_arrows,
            expanded: expanded.to_vec(),
            reach_down,
            reach_up,
        }
    }

    /// x of an end's line.
    pub fn x_of(&self, end: End) -> f32 {
        match end {
            End::Client => self.x_client,
            End::Server => self.x_server,
        }
    }

    /// Rows whose drawing may touch the band `top..bottom` (figure y).
    pub fn rows_in(&self, top: f32, bottom: f32) -> Range<usize> {
        // Rows before `start` all end above the band; rows from `end` all start below it.
        let start = self.reach_down.partition_point(|&y| y < top);
        let end = self.reach_up.partition_point(|&y| y <= bottom);
        start..end.max(start)
    }

    /// Each side's state at figure height `y`: after the last row captured above it.
    pub fn states_at(&self, model: &LadderModel, y: f32) -> [crate::analysis::TcpState; 2] {
        let above = self.knots.partition_point(|&k| k < y);
        above
            .checked_sub(1)
            .and_then(|i| model.rows.get(i))
            .map_or(model.initial, |r| r.states)
    }

    /// What is at `p`: a label (rows, run summaries) or the nearest arrow within a few
    /// points, among the rows `rows`.
    pub fn hit(&self, p: Point, rows: Range<usize>) -> Option<Owner> {
        if let Some(l) = self
            .labels
            .iter()
            .find(|l| l.rect.width() > 0.0 && l.rect.contains(p))
        {
            return Some(l.owner);
        }
        let mut best: Option<(f32, usize)> = None;
        for i in rows {
            let Some(a) = self.arrows.get(i) else {
                continue;
            };
            let d = p.distance_to_segment(a.from, a.to);
            if d <= 6.0 && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, i));
            }
        }
        best.map(|(_, i)| Owner::Row(i))
    }

    /// The header's lines: addresses, then how the delays were found.
    pub fn header_note(&self, model: &LadderModel) -> Vec<String> {
        let note = words::delays_note(&model.delays, !model.is_tcp());
        let room = self.width - 16.0;
        match note.split_once(": ") {
            Some((a, b)) if text_width(&note, FONT) > room => {
                vec![fit(&(a.to_string() + ":"), room), fit(b, room)]
            }
            _ => vec![fit(&note, room)],
        }
    }
}

/// The figure's width and its three vertical lines.
#[derive(Debug, Clone, Copy)]
struct Columns {
    width: f32,
    x_client: f32,
    x_server: f32,
    /// Between the two, where the one-way delays put the capture point.
    x_capture: f32,
}

impl Columns {
    fn new(model: &LadderModel, width: f32) -> Columns {
        let width = width.max(TIME_COL + 2.0 * STATE_COL + BRACKET_COL + MIN_CORRIDOR);
        let x_client = TIME_COL + STATE_COL;
        let x_server = width - BRACKET_COL - STATE_COL;
        let x_capture = x_client + (x_server - x_client) * model.delays.capture_fraction() as f32;
        Columns {
            width,
            x_client,
            x_server,
            x_capture,
        }
    }

    fn x_of(&self, e: End) -> f32 {
        match e {
            End::Client => self.x_client,
            End::Server => self.x_server,
        }
    }

    /// Where a lost segment's cross goes: past the capture point, short of the receiver.
    fn cross_x(&self, to: End) -> f32 {
        let x_to = self.x_of(to);
        let target = self.x_capture + (x_to - self.x_capture) * 0.6;
        let margin = 18.0;
        match to {
            End::Server => target.min(x_to - margin).max(self.x_client + margin),
            End::Client => target.max(x_to + margin).min(self.x_server - margin),
        }
    }
}

/// Which rows a collapsed run hides (the runs not listed in `expanded`).
fn hidden_rows(model: &LadderModel, expanded: &[usize]) -> Vec<bool> {
    let mut hidden = vec![false; model.rows.len()];
    for (k, run) in model.runs.iter().enumerate() {
        if !expanded.contains(&k) {
            for h in hidden.iter_mut().take(run.last + 1).skip(run.first) {
                *h = true;
            }
        }
    }
    hidden
}

/// Room between the header and the first row for calls made before the first packet (a
/// `connect()` before its SYN), as many lines as the busier side has.
fn lead_room(model: &LadderModel, line_h: f32) -> f32 {
    let first_t = model.rows.first().map_or(i64::MIN, |r| r.t_ns);
    let early_lines = [End::Client, End::Server].map(|end| {
        model
            .side_notes
            .iter()
            .filter(|s| s.end == end && s.t_ns < first_t)
            .map(|s| note_lines(&s.text).len())
            .sum::<usize>()
    });
    early_lines.into_iter().max().unwrap_or(0) as f32 * line_h
}

/// The warped time axis before room is made for the texts: each row's height, and the
/// capture times made non-decreasing (a capture's clock may step back).
struct TimeAxis {
    times: Vec<i64>,
    knots: Vec<f32>,
    row_h: f32,
}

impl TimeAxis {
    /// Rows `row_h` apart (closer where a summary hides both), more where an idle gap
    /// breaks the axis, plus each row's `extra` room, starting `lead` below the header.
    fn new(model: &LadderModel, row_h: f32, hidden: &[bool], extra: &[f32], lead: f32) -> TimeAxis {
        let collapsed_gap = (row_h * 0.35).max(6.0);
        let breaks_after: Vec<usize> = model.breaks.iter().map(|b| b.after).collect();
        let times: Vec<i64> = model
            .rows
            .iter()
            .scan(i64::MIN, |m, r| {
                *m = (*m).max(r.t_ns);
                Some(*m)
            })
            .collect();
        let mut knots = Vec::with_capacity(model.rows.len());
        let mut y = HEADER + row_h + lead;
        for i in 0..model.rows.len() {
            if i > 0 {
                let both_hidden = hidden[i] && hidden[i - 1];
                y += if both_hidden { collapsed_gap } else { row_h };
                if breaks_after.contains(&(i - 1)) {
                    y += BREAK_H;
                }
            }
            y += extra[i];
            knots.push(y);
        }
        TimeAxis {
            times,
            knots,
            row_h,
        }
    }

    /// y of the moment `t_ns`, found from row `i`.
    fn at(&self, model: &LadderModel, i: usize, t_ns: i64) -> f32 {
        walk(
            &self.times,
            &self.knots,
            i,
            t_ns - model.rows[i].t_ns,
            self.row_h,
        )
    }
}

/// Each row's arrow: from its sender's line when it left to its receiver's when it arrived,
/// or to a cross short of the receiver when it was lost after the capture point.
fn row_arrows(model: &LadderModel, cols: &Columns, axis: &TimeAxis, hidden: &[bool]) -> Vec<Arrow> {
    model
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let to = r.from.other();
            let from = Point::new(cols.x_of(r.from), axis.at(model, i, r.depart_ns));
            let end = Point::new(cols.x_of(to), axis.at(model, i, r.reach_ns));
            let lost = r.fate == Fate::LostAfterCapture;
            let to_p = if lost {
                let f = (cols.cross_x(to) - from.x) / (end.x - from.x);
                from.lerp(end, f.clamp(0.0, 1.0))
            } else {
                end
            };
            Arrow {
                from,
                to: to_p,
                capture: Point::new(cols.x_capture, axis.knots[i]),
                lost,
                summarized: hidden[i],
            }
        })
        .collect()
}

/// The dashed arrows of segments the capture missed: to the receiver when it answered
/// them, else to a cross just before the capture point.
fn ghost_arrows(model: &LadderModel, cols: &Columns, axis: &TimeAxis) -> Vec<Arrow> {
    model
        .ghosts
        .iter()
        .map(|g| {
            let i = g.before;
            let to = g.from.other();
            let from = Point::new(cols.x_of(g.from), axis.at(model, i, g.depart_ns));
            let capture = Point::new(cols.x_capture, axis.at(model, i, g.t_ns));
            match g.arrive_ns {
                Some(a) => Arrow {
                    from,
                    to: Point::new(cols.x_of(to), axis.at(model, i, a)),
                    capture,
                    lost: false,
                    summarized: false,
                },
                None => {
                    // Lost before the capture point: the cross sits just before it.
                    let before = from.lerp(capture, 0.75);
                    Arrow {
                        from,
                        to: if (capture.x - from.x).abs() < 24.0 {
                            from.lerp(capture, 0.5)
                        } else {
                            before
                        },
                        capture,
                        lost: true,
                        summarized: false,
                    }
                }
            }
        })
        .collect()
}

/// State names and calls' marks beside each line (a mark's further lines flagged false),
/// in the order they touch it.
fn side_texts(
    model: &LadderModel,
    arrows: &[Arrow],
    axis: &TimeAxis,
    line_h: f32,
) -> Vec<(SideText, bool)> {
    let n = model.rows.len();
    let mut side: Vec<(SideText, bool)> = Vec::new();
    for m in &model.marks {
        let a = &arrows[m.row];
        let y_touch = if m.at_departure { a.from.y } else { a.to.y };
        let text = SideText {
            end: m.end,
            y_touch,
            y_text: y_touch,
            text: m.state.name().to_string(),
            state: true,
        };
        side.push((text, true));
    }
    for note in &model.side_notes {
        let row = model
            .rows
            .partition_point(|r| r.t_ns <= note.t_ns)
            .saturating_sub(1);
        if row >= n {
            continue;
        }
        // Before the first row the line is extended upwards into the room left for
        // such calls, never under the header.
        let mut y_touch = axis.at(model, row, note.t_ns).max(HEADER + line_h);
        // A call made a moment before an arrow leaves or reaches its line (a lesson's
        // send placed just before its segment) touches the line a hair above that end,
        // so that room can be made between them.
        let next_end = (row.saturating_sub(1)..(row + 3).min(n))
            .filter_map(|i| {
                let (r, a) = (&model.rows[i], &arrows[i]);
                if r.from == note.end {
                    Some((r.depart_ns, a.from.y))
                } else {
                    (!a.lost).then_some((r.reach_ns, a.to.y))
                }
            })
            .filter(|&(t, _)| t > note.t_ns)
            .map(|(_, y)| y)
            .fold(f32::INFINITY, f32::min);
        if y_touch >= next_end {
            y_touch = next_end - 0.01;
        }
        for (k, text) in note_lines(&note.text).into_iter().enumerate() {
            let text = SideText {
                end: note.end,
                y_touch,
                y_text: y_touch,
                text,
                state: false,
            };
            side.push((text, k == 0));
        }
    }
    side.sort_by(|a, b| a.0.y_touch.total_cmp(&b.0.y_touch));
    side
}

/// The texts beside the lines on the stretched axis, each below the previous one on its
/// line and none reaching into the header.
fn stack_side_texts(side: Vec<(SideText, bool)>, stretch: &Stretch, line_h: f32) -> Vec<SideText> {
    let mut side: Vec<SideText> = side
        .into_iter()
        .map(|(s, _)| SideText {
            y_touch: stretch.map(s.y_touch),
            ..s
        })
        .collect();
    let mut last = [HEADER - line_h * 0.5 + 2.0; 2];
    for s in &mut side {
        let k = s.end.index();
        s.y_text = s.y_touch.max(last[k] + line_h);
        last[k] = s.y_text;
    }
    side
}

/// A short line beside the sender's time line from each segment to its retransmission.
fn resend_links(model: &LadderModel, cols: &Columns, arrows: &[Arrow]) -> Vec<Link> {
    model
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let o = r.resends?;
            let side = match r.from {
                End::Client => 7.0,
                End::Server => -7.0,
            };
            let x = cols.x_of(r.from) + side;
            Some(Link {
                from: Point::new(x, arrows.get(o)?.from.y),
                to: Point::new(x, arrows[i].from.y),
            })
        })
        .collect()
}

/// The labels to place, top to bottom: each shown row's (with its notes when rows are far
/// enough apart), each collapsed run's two summaries, each missed segment's. None when the
/// rows are too close for labels.
fn pending_labels(
    model: &LadderModel,
    arrows: &[Arrow],
    ghosts: &[Arrow],
    hidden: &[bool],
    expanded: &[usize],
    corridor: (f32, f32),
    row_h: f32,
) -> Vec<Pending> {
    let room = corridor.1 - corridor.0;
    let show_notes = row_h >= MIN_NOTE_ROW;
    let mut pending: Vec<Pending> = Vec::new();
    if row_h < MIN_LABEL_ROW {
        return pending;
    }
    for (i, r) in model.rows.iter().enumerate() {
        if hidden[i] {
            continue;
        }
        let mut lines = vec![fit(&r.label, room)];
        if show_notes && !r.notes.is_empty() {
            lines.extend(wrap(&r.notes.join(" "), room, 2));
        }
        let a = &arrows[i];
        pending.push(Pending {
            owner: Owner::Row(i),
            row: i,
            segment: (a.from, a.to),
            lines,
            kind: r.kind,
            data: r.len > 0,
        });
    }
    for (k, run) in model.runs.iter().enumerate() {
        if expanded.contains(&k) {
            continue;
        }
        let data: Vec<usize> = (run.first..=run.last)
            .filter(|&i| model.rows[i].from == run.from)
            .collect();
        let acks: Vec<usize> = (run.first..=run.last)
            .filter(|&i| model.rows[i].from != run.from)
            .collect();
        // Labelled at the top of the run, where a reader scrolling down meets it
        // (the middle of a long run is screens away from where it starts).
        let top = data[0];
        pending.push(Pending {
            owner: Owner::Run(k),
            row: top,
            segment: (arrows[top].from, arrows[top].to),
            lines: vec![fit(&format!("[+] {}", run.data_label()), room)],
            kind: ArrowKind::Normal,
            data: true,
        });
        if let (Some(text), Some(&m)) = (run.ack_label(), acks.first()) {
            pending.push(Pending {
                owner: Owner::RunAcks(k),
                row: m,
                segment: (arrows[m].from, arrows[m].to),
                lines: vec![fit(&text, room)],
                kind: ArrowKind::Normal,
                data: false,
            });
        }
    }
    for (k, g) in model.ghosts.iter().enumerate() {
        let a = &ghosts[k];
        pending.push(Pending {
            owner: Owner::Ghost(k),
            row: g.before,
            segment: (a.from, a.to),
            lines: wrap(&g.label, room, 2),
            kind: ArrowKind::Lost,
            data: true,
        });
    }
    pending.sort_by(|a, b| {
        let ya = (a.segment.0.y + a.segment.1.y) / 2.0;
        let yb = (b.segment.0.y + b.segment.1.y) / 2.0;
        ya.total_cmp(&yb).then(a.row.cmp(&b.row))
    });
    pending
}

/// The labels where they went, and how many found no place or had to lie over an arrow.
struct Placement {
    labels: Vec<Label>,
    /// Each row's label (index into `labels`).
    row_label: Vec<Option<usize>>,
    crowded: usize,
    over_arrows: usize,
}

/// Places each pending label, in order, at the first free point along its arrow inside the
/// corridor: just above it (as in the textbook), else on it, else just below it; clear of
/// other arrows when it can be. A label with no free place is marked by a negative width
/// for [`Geometry::new`]'s next round.
fn place_labels(
    model: &LadderModel,
    pending: Vec<Pending>,
    arrows: &[Arrow],
    ghosts: &[Arrow],
    corridor: (f32, f32),
) -> Placement {
    let n = model.rows.len();
    let line_h = text_height(FONT);
    let mut placed = Placed::default();
    // Crosses of lost segments stay visible.
    for a in arrows.iter().chain(ghosts).filter(|a| a.lost) {
        placed.add(Rect::from_min_max(a.to, a.to).expand(5.5));
    }
    for (id, a) in arrows.iter().chain(ghosts).enumerate() {
        placed.add_arrow(a.from, a.to, id);
    }
    let mut labels = Vec::with_capacity(pending.len());
    let mut row_label = vec![None; n];
    let mut crowded = 0;
    let mut over_arrows = 0;
    for p in pending {
        let w = p
            .lines
            .iter()
            .map(|l| text_width(l, FONT))
            .fold(0.0, f32::max)
            + 4.0;
        let h = line_h * p.lines.len() as f32 + 2.0;
        let candidate = |f: f32, shift: f32| {
            let c = p.segment.0.lerp(p.segment.1, f);
            let cx = c.x.clamp(
                corridor.0 + w / 2.0,
                (corridor.1 - w / 2.0).max(corridor.0 + w / 2.0),
            );
            let top = c.y - h / 2.0 + shift * (h / 2.0 + LIFT);
            (c, Rect::from_min_size(Point::new(cx - w / 2.0, top), w, h))
        };
        // Its own arrows may run under it; first try places no other arrow crosses.
        let own = match p.owner {
            Owner::Row(i) => i..i + 1,
            Owner::Run(k) | Owner::RunAcks(k) => model.runs[k].first..model.runs[k].last + 1,
            Owner::Ghost(g) => n + g..n + g + 1,
        };
        let spots = || {
            [-1.0, 0.0, 1.0]
                .iter()
                .flat_map(|&shift| SPOTS.iter().map(move |&f| (f, shift)))
                .map(|(f, shift)| candidate(f, shift))
        };
        let spot = spots()
            .find(|(_, r)| r.min.y >= HEADER && placed.free(&r.expand(1.0), Some(&own)))
            .or_else(|| {
                over_arrows += 1;
                spots().find(|(_, r)| r.min.y >= HEADER && placed.free(&r.expand(1.0), None))
            });
        let (anchor, rect) = match spot {
            Some(s) => s,
            None => {
                crowded += 1;
                let (c, r) = candidate(0.5, -1.0);
                // Marked by a negative width until a later round gives it room.
                (c, Rect::from_min_max(r.max, r.min))
            }
        };
        if rect.width() > 0.0 {
            placed.add(rect);
        }
        if let Owner::Row(i) = p.owner {
            row_label[i] = Some(labels.len());
        }
        labels.push(Label {
            owner: p.owner,
            rect,
            lines: p.lines,
            kind: p.kind,
            data: p.data,
            anchor,
        });
    }
    Placement {
        labels,
        row_label,
        crowded,
        over_arrows,
    }
}

/// Capture times in the time column, as long as they do not touch each other (inside a
/// collapsed run, only at its edges).
fn shown_times(knots: &[f32], hidden: &[bool], line_h: f32) -> Vec<(usize, f32)> {
    let n = knots.len();
    let mut times_shown = Vec::new();
    let mut last_y = f32::NEG_INFINITY;
    for (i, &y) in knots.iter().enumerate() {
        let edge = i == 0 || i + 1 == n || !hidden[i] || !hidden[i - 1] || !hidden[i + 1];
        if edge && y - last_y >= line_h {
            times_shown.push((i, y));
            last_y = y;
        }
    }
    times_shown
}

/// The handshake's and teardown's brackets, from the top of their first arrow to the
/// bottom of their last, their names split after a colon.
fn bracket_marks(model: &LadderModel, arrows: &[Arrow]) -> Vec<BracketMark> {
    let n = model.rows.len();
    model
        .brackets
        .iter()
        .filter(|b| b.first < n && b.last < n)
        .map(|b| {
            let span = |i: usize| {
                let a = &arrows[i];
                (a.from.y.min(a.to.y), a.from.y.max(a.to.y))
            };
            let lines = match b.name.split_once(": ") {
                Some((h, r)) => vec![h.to_string(), r.to_string()],
                None => vec![b.name.clone()],
            };
            BracketMark {
                top: span(b.first).0 - 4.0,
                bottom: span(b.last).1 + 4.0,
                lines: lines.iter().map(|l| fit(l, BRACKET_COL - 16.0)).collect(),
            }
        })
        .collect()
}

/// The culling index: how far down rows 0..=i and how far up rows i.. draw (arrow, label,
/// time, missed segments), as a running maximum and minimum.
fn reaches(
    model: &LadderModel,
    arrows: &[Arrow],
    ghosts: &[Arrow],
    knots: &[f32],
    labels: &[Label],
    row_h: f32,
) -> (Vec<f32>, Vec<f32>) {
    let n = model.rows.len();
    let half = row_h * 0.5;
    let mut reach_down: Vec<f32> = (0..n)
        .map(|i| {
            let a = &arrows[i];
            a.from.y.max(a.to.y).max(knots[i] + half)
        })
        .collect();
    let mut reach_up: Vec<f32> = (0..n)
        .map(|i| {
            let a = &arrows[i];
            a.from.y.min(a.to.y).min(knots[i] - half)
        })
        .collect();
    for l in labels {
        let row = match l.owner {
            Owner::Row(i) => i,
            Owner::Run(r) | Owner::RunAcks(r) => model.runs[r].first,
            Owner::Ghost(g) => model.ghosts[g].before,
        };
        let (top, bottom) = (
            l.rect.min.y.min(l.rect.max.y),
            l.rect.max.y.max(l.rect.min.y),
        );
        reach_down[row] = reach_down[row].max(bottom);
        reach_up[row] = reach_up[row].min(top);
    }
    for (g, a) in model.ghosts.iter().zip(ghosts) {
        reach_down[g.before] = reach_down[g.before].max(a.from.y.max(a.to.y));
        reach_up[g.before] = reach_up[g.before].min(a.from.y.min(a.to.y));
    }
    for i in 1..n {
        reach_down[i] = reach_down[i].max(reach_down[i - 1]);
    }
    for i in (0..n.saturating_sub(1)).rev() {
        reach_up[i] = reach_up[i].min(reach_up[i + 1]);
    }
    (reach_down, reach_up)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{FlowProto, TcpState};
    use crate::decode::TcpFlags;
    use crate::ladder::input::{ConnInfo, Seen, TcpSeen};
    use crate::ladder::timing::Delays;

    #[test]
    fn a_long_call_mark_breaks_after_its_arrow() {
        let long = "send(65536) → frames 4-9, 11, 13-20, 22";
        assert!(text_width(long, FONT) > STATE_COL - 12.0);
        let lines = note_lines(long);
        assert_eq!(lines[0], "send(65536) →");
        assert!(lines[1].starts_with("frames 4-9"), "{lines:?}");
        assert_eq!(note_lines("close()"), ["close()"]);
        // A result too wide for one line goes on two, whole.
        let eof = "recv → 0 (end of stream)";
        let lines = note_lines(eof);
        assert_eq!(lines[0], "recv →");
        assert!(lines.len() <= 3, "{lines:?}");
        assert_eq!(lines[1..].join(" "), "0 (end of stream)", "{lines:?}");
        assert!(lines
            .iter()
            .all(|l| text_width(l, FONT) <= STATE_COL - 12.0));
        // An option too wide for the column is broken after the call's parenthesis, whole
        // (it showed `setsockopt(TC…` / `1)`).
        for option in [
            "setsockopt(TCP_NODELAY 1)",
            "setsockopt(TCP_QUICKACK 0 (delayed ACKs))",
            "setsockopt(SO_LINGER={onoff=1, linger=0})",
        ] {
            let lines = note_lines(option);
            assert_eq!(lines[0], "setsockopt(", "{lines:?}");
            // Whole, nothing cut: the same characters but the spaces.
            let squeezed = |s: &str| s.replace(' ', "");
            assert_eq!(squeezed(&lines.concat()), squeezed(option), "{lines:?}");
            assert!(lines
                .iter()
                .all(|l| text_width(l, FONT) <= STATE_COL - 12.0));
        }
    }

    /// A connection of `n` segments alternating sides, 1 ms apart; each answers the one
    /// before it after 1 ms, so the delays come out at 0.5 ms each way.
    fn model(n: usize) -> LadderModel {
        let seen: Vec<Seen> = (0..n)
            .map(|i| {
                let from = if i % 2 == 0 { End::Client } else { End::Server };
                let k = (i / 2) as u32;
                let (seq, ack) = match from {
                    End::Client => (1 + 10 * k, 1 + 10 * k),
                    End::Server => (1 + 10 * k, 1 + 10 * (k + 1)),
                };
                Seen {
                    index: i,
                    number: i as u64 + 1,
                    ts_ns: Some(i as i64 * 1_000_000),
                    from,
                    len: 10,
                    tcp: Some(TcpSeen {
                        flags: TcpFlags(TcpFlags::ACK | TcpFlags::PSH),
                        seq,
                        ack,
                        next_seq: seq + 10,
                        window: 1000,
                        tags: Default::default(),
                        events: Default::default(),
                        states: [TcpState::Established; 2],
                    }),
                    preview: None,
                }
            })
            .collect();
        LadderModel::build(
            ConnInfo {
                proto: FlowProto::Tcp,
                stream: 0,
                client: "c".into(),
                server: "s".into(),
                close: None,
            },
            &seen,
        )
    }

    #[test]
    fn arrows_slope_down_by_the_travel_time() {
        let m = model(5);
        assert_eq!(m.delays.server_ns, 500_000);
        let g = Geometry::new(&m, 1200.0, 40.0, &[]);
        // Rows 1 ms apart, 0.5 ms each way: an arrow leaves half a row above its capture y
        // and lands half a row below it, exactly where the answer leaves.
        let a = g.arrows[2];
        assert!((a.capture.y - a.from.y - 20.0).abs() < 0.01, "{a:?}");
        assert!((a.to.y - a.capture.y - 20.0).abs() < 0.01, "{a:?}");
        assert!((g.arrows[3].from.y - a.to.y).abs() < 0.01);
        assert_eq!(
            (g.arrows[1].from.x, g.arrows[1].to.x),
            (g.x_server, g.x_client)
        );
        assert!((g.x_capture - (g.x_client + g.x_server) / 2.0).abs() < 0.01);
    }

    #[test]
    fn labels_sit_on_their_arrows_inside_the_corridor_and_apart() {
        let m = model(40);
        for width in [900.0, 1600.0] {
            let g = Geometry::new(&m, width, 40.0, &[]);
            assert_eq!(g.crowded, 0);
            for (i, l) in g.labels.iter().enumerate() {
                let Owner::Row(r) = l.owner else { continue };
                let a = g.arrows[r];
                assert!(l.anchor.distance_to_segment(a.from, a.to) < 0.01);
                assert!(l.anchor.y >= l.rect.min.y - 9.0 && l.anchor.y <= l.rect.max.y + 9.0);
                assert!(l.rect.min.x > g.x_client && l.rect.max.x < g.x_server);
                for o in &g.labels[i + 1..] {
                    assert!(!l.rect.overlaps(&o.rect), "{l:?} {o:?}");
                }
            }
        }
    }

    #[test]
    fn a_collapsed_run_is_labelled_where_it_starts() {
        let mut m = model(60);
        m.runs = vec![crate::ladder::model::Run {
            first: 2,
            last: 57,
            from: End::Client,
            data: 28,
            len: 10,
            seq: (11, 291),
            acks: 28,
            ack: (21, 291),
        }];
        let g = Geometry::new(&m, 1200.0, 40.0, &[]);
        let on = |owner: Owner| {
            let l = g.labels.iter().find(|l| l.owner == owner).expect("label");
            (0..m.rows.len())
                .find(|&r| {
                    let a = g.arrows[r];
                    l.anchor.distance_to_segment(a.from, a.to) < 0.01
                })
                .expect("on an arrow")
        };
        // The data summary sits on the run's first segment and the ACK summary on its first
        // ACK, not 28 rows further down where the middle of the run is.
        assert_eq!(on(Owner::Run(0)), 2);
        assert_eq!(on(Owner::RunAcks(0)), 3);
    }

    #[test]
    fn equal_and_backward_timestamps_give_finite_ordered_arrows() {
        let mut m = model(6);
        for (r, t) in
            m.rows
                .iter_mut()
                .zip([0, 1_000_000, 1_000_000, 500_000, 2_000_000, 50_000_000_000])
        {
            r.t_ns = t;
            (r.depart_ns, r.reach_ns) = m.delays.travel(r.from, t);
            r.arrive_ns = Some(r.reach_ns);
        }
        m.delays = Delays {
            client_ns: 200_000,
            server_ns: 200_000,
            ..m.delays
        };
        let g = Geometry::new(&m, 1200.0, 40.0, &[]);
        for (i, a) in g.arrows.iter().enumerate() {
            assert!(a.from.y.is_finite() && a.to.y.is_finite(), "row {i}");
            assert!(
                a.from.y <= a.capture.y && a.capture.y <= a.to.y,
                "row {i}: {a:?}"
            );
        }
    }

    /// Holds every text beside a time line to the order of time on that line: a state name
    /// lies between the arrow end that caused it and the next arrow end on its line, and
    /// each line of a call's mark between the last arrow end on its line at or before the
    /// call and the first one after it (the text's middle not above the one, its bottom not
    /// below the other); a text made before the middle of a break's idle time is above its
    /// zigzag, one made after it below. "Before" and "after" come from the model's times,
    /// not from heights.
    fn assert_texts_between_their_frames(m: &LadderModel, g: &Geometry, what: &str) {
        let half = text_height(FONT) * 0.5;
        // Per line: (time, height) of every arrow end touching it.
        let mut ends: [Vec<(i64, f32)>; 2] = [Vec::new(), Vec::new()];
        for (r, a) in m.rows.iter().zip(&g.arrows) {
            ends[r.from.index()].push((r.depart_ns, a.from.y));
            if r.fate != Fate::LostAfterCapture {
                ends[r.from.other().index()].push((r.reach_ns, a.to.y));
            }
        }
        for (gh, a) in m.ghosts.iter().zip(&g.ghosts) {
            ends[gh.from.index()].push((gh.depart_ns, a.from.y));
            if let Some(t) = gh.arrive_ns {
                ends[gh.from.other().index()].push((t, a.to.y));
            }
        }
        // Each break: the middle of its idle time, and its height.
        let breaks: Vec<(i64, f32)> = m
            .breaks
            .iter()
            .filter(|b| b.after + 1 < m.rows.len())
            .map(|b| m.rows[b.after].t_ns / 2 + m.rows[b.after + 1].t_ns / 2)
            .zip(g.breaks.iter().map(|b| b.y))
            .collect();
        let between = |end: End, t: i64, y_text: f32, text: &str| {
            // Clear of the zigzag of a break, on the side of it its time is.
            for &(mid, y) in &breaks {
                assert!(
                    (t < mid && y_text + half <= y - ZIGZAG.0 + 0.01)
                        || (t > mid && y_text - half >= y + ZIGZAG.1 - 0.01)
                        || t == mid,
                    "{what}: {text:?} ({end:?}, t {t}) drawn at {y_text}, on the wrong side \
                     of the break at {y} (middle of its idle time {mid})"
                );
            }
            let on = &ends[end.index()];
            let before = on.iter().filter(|e| e.0 <= t).max_by_key(|e| e.0);
            let after = on.iter().filter(|e| e.0 > t).min_by_key(|e| e.0);
            if let Some(b) = before {
                assert!(
                    y_text >= b.1 - 0.01,
                    "{what}: {text:?} ({end:?}, t {t}) drawn at {y_text} above the arrow end \
                     before it at {}",
                    b.1
                );
            }
            if let Some(a) = after {
                assert!(
                    y_text + half <= a.1 + 0.01,
                    "{what}: {text:?} ({end:?}, t {t}) drawn at {y_text} past the arrow end \
                     after it at {}",
                    a.1
                );
            }
        };
        for mark in &m.marks {
            let (row, a) = (&m.rows[mark.row], &g.arrows[mark.row]);
            let (t, y) = if mark.at_departure {
                (row.depart_ns, a.from.y)
            } else {
                (row.reach_ns, a.to.y)
            };
            let text = g
                .side
                .iter()
                .find(|s| s.state && s.end == mark.end && (s.y_touch - y).abs() < 0.01)
                .unwrap_or_else(|| panic!("{what}: no state name for {mark:?}"));
            assert_eq!(text.text, mark.state.name(), "{what}");
            between(mark.end, t, text.y_text, &text.text);
        }
        for end in [End::Client, End::Server] {
            let lines: Vec<(i64, String)> = m
                .side_notes
                .iter()
                .filter(|n| n.end == end)
                .flat_map(|n| note_lines(&n.text).into_iter().map(|l| (n.t_ns, l)))
                .collect();
            let drawn: Vec<&SideText> =
                g.side.iter().filter(|s| !s.state && s.end == end).collect();
            assert_eq!(lines.len(), drawn.len(), "{what}: {end:?}");
            for ((t, line), s) in lines.iter().zip(drawn) {
                assert_eq!(line, &s.text, "{what}: {end:?}");
                between(end, *t, s.y_text, line);
            }
        }
    }

    #[test]
    fn a_runs_call_marks_make_room_instead_of_pushing_states_past_later_frames() {
        // `synack run` of the course's epoll server and echo client: between the client's
        // FIN (frame 10) and the server's (11) the server's line holds CLOSE_WAIT and four
        // calls (epoll_wait, recv → 0 (end of stream), epoll_ctl(DEL), close()) on eight
        // lines; LAST_ACK comes with frame 11 and CLOSED with the client's last ACK (12).
        let path = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/captures/run/epoll-echo.pcap"
        ));
        let m = crate::ladder::ladder_with_calls(path).expect("the run's ladder and calls");
        let server: Vec<&str> = m
            .side_notes
            .iter()
            .filter(|n| n.end == End::Server)
            .map(|n| n.text.as_str())
            .collect();
        assert_eq!(
            server[server.len() - 4..],
            [
                "epoll_wait → ready (in)",
                "recv → 0 (end of stream)",
                "epoll_ctl(DEL)",
                "close()"
            ]
        );
        let frame = |n: u64| m.rows.iter().position(|r| r.number == n).unwrap();
        for (width, row_h) in [(1024.0, BASE_ROW), (1600.0, BASE_ROW), (1024.0, 28.0)] {
            let g = Geometry::new(&m, width, row_h, &[]);
            let what = format!("epoll-echo at {width}x{row_h}");
            assert_texts_between_their_frames(&m, &g, &what);
            let state = |name: &str| {
                let s = g.side.iter().find(|s| s.state && s.text == name);
                s.unwrap_or_else(|| panic!("{name}")).y_text
            };
            // Read off the picture: LAST_ACK after the server's FIN left and before the
            // client's last ACK arrived; CLOSED where that ACK arrives.
            let (fin, last_ack) = (g.arrows[frame(11)], g.arrows[frame(12)]);
            assert!(state("LAST_ACK") >= fin.from.y, "{what}");
            assert!(state("LAST_ACK") < last_ack.to.y, "{what}");
            assert!((state("CLOSED") - last_ack.to.y).abs() < 0.01, "{what}");
            // The server's close() is drawn above its FIN.
            let close = g.side.iter().rfind(|s| s.text == "close()").unwrap();
            assert!(close.y_text < fin.from.y, "{what}: {close:?}");
        }
    }

    #[test]
    fn room_for_the_calls_lengthens_no_arrow_it_can_avoid() {
        // An arrow's height is its travel time on the rows' scale: room made for the calls
        // goes where no segment is in flight. The epoll run's arrows keep their heights;
        // in the nodelay lesson the server's FIN (frame 15) keeps its height although the
        // lesson recorded the recv → 0 and close() that sent it after it left (their marks
        // are drawn under LAST_ACK instead of stretching the arrow to their ticks).
        let root = env!("CARGO_MANIFEST_DIR");
        for (name, frames) in [
            ("tests/captures/run/epoll-echo.pcap", &[][..]),
            ("captures/nodelay.pcap", &[15][..]),
        ] {
            let with =
                crate::ladder::ladder_with_calls(&std::path::Path::new(root).join(name)).unwrap();
            let without = LadderModel {
                side_notes: Vec::new(),
                ..with.clone()
            };
            let (g, g0) = (
                Geometry::new(&with, 1024.0, BASE_ROW, &[]),
                Geometry::new(&without, 1024.0, BASE_ROW, &[]),
            );
            let height = |g: &Geometry, i: usize| g.arrows[i].to.y - g.arrows[i].from.y;
            for (i, r) in with.rows.iter().enumerate() {
                if frames.is_empty() || frames.contains(&r.number) {
                    assert!(
                        (height(&g, i) - height(&g0, i)).abs() < 0.5,
                        "{name} frame {}: {} with the calls, {} without",
                        r.number,
                        height(&g, i),
                        height(&g0, i)
                    );
                }
            }
        }
    }

    #[test]
    fn every_lessons_calls_sit_between_the_frames_around_them() {
        let lessons = crate::ladder::lesson_ladders();
        for (path, m) in &lessons {
            for expanded in [vec![], (0..m.runs.len()).collect()] {
                let g = Geometry::new(m, 1024.0, BASE_ROW, &expanded);
                assert_texts_between_their_frames(m, &g, &path.display().to_string());
            }
        }
        assert!(lessons.len() >= 20, "{} lessons with calls", lessons.len());
    }

    #[test]
    fn only_rows_near_the_visible_band_are_drawn() {
        let m = model(100_000);
        let g = Geometry::new(&m, 1200.0, 40.0, &[]);
        let top = g.knots[50_000];
        let rows = g.rows_in(top, top + 800.0);
        assert!(rows.contains(&50_000) && rows.contains(&50_019));
        assert!(rows.len() < 30, "{rows:?}");
        // Clicking on an arrow finds it; empty space finds nothing.
        let a = g.arrows[50_010];
        let on = a.from.lerp(a.to, 0.9);
        assert_eq!(g.hit(on, rows.clone()), Some(Owner::Row(50_010)));
        assert_eq!(g.hit(Point::new(2.0, on.y), rows), None);
    }
}
