//! The ladder as text: JSON Lines for programs and tests, Mermaid and PlantUML sequence
//! diagrams a teacher can paste into a handout, and a plain listing for the terminal.
//!
//! Times are seconds on the diagram's time axis: 0 is the moment the connection's first
//! packet passed the capture point (so the first segment's departure is slightly negative).

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::analysis::TcpState;

use super::model::{secs, Break, End, Fate, LadderModel, Row, SideNote};
use super::words;

/// Seconds of a nanosecond time as a JSON number (exact to the nanosecond).
fn s(ns: i64) -> Value {
    json!(secs(ns))
}

fn states_json(st: [TcpState; 2]) -> Value {
    json!({ "client": st[0].name(), "server": st[1].name() })
}

/// The ladder as JSON Lines: one `ladder` object (the connection and the delays), then one
/// `arrow` object per captured packet in capture order, one `ghost` per gap never
/// captured, and the `bracket`, `break` and `run` objects.
pub fn json_lines(m: &LadderModel) -> Vec<Value> {
    let d = &m.delays;
    let mut out = vec![json!({
        "kind": "ladder",
        "proto": if m.is_tcp() { "tcp" } else { "udp" },
        "stream": m.info.stream,
        "client": m.info.client,
        "server": m.info.server,
        "delay_client_s": s(d.client_ns),
        "delay_server_s": s(d.server_ns),
        "delays_measured": { "client": d.measured[0], "server": d.measured[1] },
        "exchanges": d.exchanges,
        "delays_from_calls": d.calls,
        "note": words::delays_note(d, !m.is_tcp()),
        "initial_states": if m.is_tcp() { states_json(m.initial) } else { Value::Null },
    })];
    for (i, r) in m.rows.iter().enumerate() {
        let changes: Vec<Value> = m
            .marks
            .iter()
            .filter(|k| k.row == i)
            .map(|k| {
                json!({
                    "end": k.end.name(),
                    "state": k.state.name(),
                    "at": if k.at_departure { "departure" } else { "arrival" },
                })
            })
            .collect();
        let mut o = json!({
            "kind": "arrow",
            "frame": r.number,
            "from": r.from.name(),
            "capture_s": s(r.t_ns),
            "depart_s": s(r.depart_ns),
            "arrive_s": r.arrive_ns.map_or(Value::Null, s),
            "fate": match r.fate {
                Fate::Delivered => "delivered",
                Fate::LostAfterCapture => "lost_after_capture",
            },
            "label": r.label,
            "notes": r.notes,
            "resends": r.resends.map(|o| m.rows[o].number),
            "run": m.run_of(i),
        });
        if m.is_tcp() {
            o["states"] = states_json(r.states);
            o["state_changes"] = Value::Array(changes);
        }
        out.push(o);
    }
    for g in &m.ghosts {
        out.push(json!({
            "kind": "ghost",
            "before_frame": m.rows[g.before].number,
            "from": g.from.name(),
            "seq": g.seq,
            "end": g.end,
            "capture_s": s(g.t_ns),
            "depart_s": s(g.depart_ns),
            "arrive_s": g.arrive_ns.map_or(Value::Null, s),
            "label": g.label,
        }));
    }
    for b in &m.brackets {
        out.push(json!({
            "kind": "bracket",
            "name": b.name,
            "first_frame": m.rows[b.first].number,
            "last_frame": m.rows[b.last].number,
        }));
    }
    for b in &m.breaks {
        out.push(json!({
            "kind": "break",
            "after_frame": m.rows[b.after].number,
            "seconds": s(b.ns),
            "timeout": b.timeout,
            "label": b.label(),
        }));
    }
    for (k, r) in m.runs.iter().enumerate() {
        out.push(json!({
            "kind": "run",
            "run": k,
            "first_frame": m.rows[r.first].number,
            "last_frame": m.rows[r.last].number,
            "from": r.from.name(),
            "label": r.data_label(),
            "acks": r.ack_label(),
        }));
    }
    for n in &m.side_notes {
        out.push(json!({
            "kind": "note",
            "end": n.end.name(),
            "t_s": s(n.t_ns),
            "text": n.text,
        }));
    }
    out
}

/// The notes on the time lines (the programs' calls) made from row `i`'s capture until the
/// next row's, in time order (before the first row for `None`: a connect() before its SYN).
fn notes_after(m: &LadderModel, i: Option<usize>) -> impl Iterator<Item = &SideNote> {
    let start = i.map_or(i64::MIN, |i| m.rows[i].t_ns);
    let next = m.rows.get(i.map_or(0, |i| i + 1)).map(|r| r.t_ns);
    m.side_notes
        .iter()
        .filter(move |n| n.t_ns >= start && next.is_none_or(|x| n.t_ns < x))
}

/// What follows a row in time: a call, or the break of an idle time.
enum After<'a> {
    Note(&'a SideNote),
    Pause(&'a Break),
}

/// What follows row `i` until the next row: its calls, and the break after it (if any) at
/// the middle of its idle time, as the figure draws it (the calls made before the middle
/// above it, the others below).
fn after_row(m: &LadderModel, i: usize) -> Vec<After<'_>> {
    let brk = m.breaks.iter().find(|b| b.after == i);
    let middle = brk
        .and_then(|b| m.rows.get(b.after + 1))
        .map(|next| m.rows[i].t_ns / 2 + next.t_ns / 2);
    let mut pending = brk;
    let mut out = Vec::new();
    for n in notes_after(m, Some(i)) {
        if let (Some(b), Some(mid)) = (pending, middle) {
            if n.t_ns >= mid {
                out.push(After::Pause(b));
                pending = None;
            }
        }
        out.push(After::Note(n));
    }
    out.extend(pending.map(After::Pause));
    out
}

/// A text diagram's arrow styles: delivered, lost after capture, never captured.
struct Arrows {
    delivered: &'static str,
    lost: &'static str,
    ghost: &'static str,
    ghost_lost: &'static str,
}

/// What tells one text diagram language from another: the lines around the diagram, how a
/// participant and a comment are written, the arrows, and how notes on a time line,
/// groups (brackets) and pauses (breaks) read. The diagram's content is the same in each.
struct Dialect {
    /// The diagram's first line.
    begin: &'static str,
    /// Its last line, when the language has one.
    end: Option<&'static str>,
    /// The line declaring a participant, from its alias and its (cleaned) name.
    participant: fn(&str, &str) -> String,
    /// What starts a comment line.
    comment: &'static str,
    /// The arrows.
    arrows: Arrows,
    /// A note beside an end's time line.
    note: fn(End, &str) -> String,
    /// A group's title over both lines.
    group: fn(&str) -> String,
    /// A pause across both lines.
    pause: fn(&str) -> String,
}

/// Mermaid's `sequenceDiagram`.
const MERMAID: Dialect = Dialect {
    begin: "sequenceDiagram",
    end: None,
    participant: |alias, name| format!("    participant {alias} as {name}"),
    comment: "    %% ",
    arrows: Arrows {
        delivered: "->>",
        lost: "-x",
        ghost: "-->>",
        ghost_lost: "--x",
    },
    note: |e, t| match e {
        End::Client => format!("    Note left of C: {t}"),
        End::Server => format!("    Note right of S: {t}"),
    },
    group: |name| format!("    Note over C,S: {name}"),
    pause: |text| format!("    Note over C,S: … {text} …"),
};

/// PlantUML's sequence diagram.
const PLANTUML: Dialect = Dialect {
    begin: "@startuml",
    end: Some("@enduml"),
    participant: |alias, name| format!("participant \"{}\" as {alias}", name.replace('"', "'")),
    comment: "' ",
    arrows: Arrows {
        delivered: " -> ",
        lost: " ->x ",
        ghost: " --> ",
        ghost_lost: " -->x ",
    },
    note: |e, t| match e {
        End::Client => format!("note left of C : {t}"),
        End::Server => format!("note right of S : {t}"),
    },
    group: |name| format!("== {name} =="),
    pause: |text| format!("...{text}..."),
};

/// One arrow of a text diagram.
enum Item<'a> {
    Row(usize, &'a Row),
    Run(usize),
}

/// What a text diagram lists, in order: rows, or one item per collapsed run.
fn items(m: &LadderModel, expand: bool) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < m.rows.len() {
        match m.run_of(i) {
            Some(k) if !expand => {
                out.push(Item::Run(k));
                i = m.runs[k].last + 1;
            }
            _ => {
                out.push(Item::Row(i, &m.rows[i]));
                i += 1;
            }
        }
    }
    out
}

/// Removes what would end a text diagram's line or start its markup.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ';' | '#' | '\n' | '\r' => ' ',
            c => c,
        })
        .collect()
}

fn alias(e: End) -> &'static str {
    match e {
        End::Client => "C",
        End::Server => "S",
    }
}

/// The ladder as a sequence diagram in `dialect` (`expand`: every segment of a run).
fn sequence(m: &LadderModel, expand: bool, dialect: &Dialect) -> String {
    let Dialect {
        arrows,
        note,
        group,
        pause,
        ..
    } = dialect;
    let mut out = String::new();
    let _ = writeln!(out, "{}", dialect.begin);
    let [c, s] = m.end_titles();
    let _ = writeln!(out, "{}", (dialect.participant)("C", &clean(&c)));
    let _ = writeln!(out, "{}", (dialect.participant)("S", &clean(&s)));
    if !expand && !m.runs.is_empty() {
        let _ = writeln!(out, "{}{}", dialect.comment, words::text_runs_note());
    }
    if m.is_tcp() {
        let _ = writeln!(out, "{}", note(End::Client, m.initial[0].name()));
        let _ = writeln!(out, "{}", note(End::Server, m.initial[1].name()));
    }
    let ghost_before = |i: usize| m.ghosts.iter().filter(move |g| g.before == i);
    let notes_from = |i: Option<usize>, out: &mut String| {
        for n in notes_after(m, i) {
            let _ = writeln!(out, "{}", note(n.end, &clean(&n.text)));
        }
    };
    // The calls after row `i`, and its break.
    let after = |i: usize, out: &mut String| {
        for a in after_row(m, i) {
            let line = match a {
                After::Note(n) => note(n.end, &clean(&n.text)),
                After::Pause(b) => pause(&clean(&b.label())),
            };
            let _ = writeln!(out, "{line}");
        }
    };
    if !m.rows.is_empty() {
        notes_from(None, &mut out);
    }
    for item in items(m, expand) {
        let first = match item {
            Item::Row(i, _) => i,
            Item::Run(k) => m.runs[k].first,
        };
        if let Some(b) = m.brackets.iter().find(|b| b.first == first) {
            let _ = writeln!(out, "{}", group(&clean(&b.name)));
        }
        match item {
            Item::Row(i, r) => {
                for g in ghost_before(i) {
                    let style = if g.arrive_ns.is_some() {
                        arrows.ghost
                    } else {
                        arrows.ghost_lost
                    };
                    let _ = writeln!(
                        out,
                        "    {}{style}{}: {}",
                        alias(g.from),
                        alias(g.from.other()),
                        clean(&g.label)
                    );
                }
                let style = match r.fate {
                    Fate::Delivered => arrows.delivered,
                    Fate::LostAfterCapture => arrows.lost,
                };
                let mut text = format!("[{}] {}", r.number, r.label);
                if !r.notes.is_empty() {
                    text.push(' ');
                    text.push_str(&r.notes.join(" "));
                }
                let _ = writeln!(
                    out,
                    "    {}{style}{}: {}",
                    alias(r.from),
                    alias(r.from.other()),
                    clean(&text)
                );
                for k in m.marks.iter().filter(|k| k.row == i) {
                    let _ = writeln!(out, "{}", note(k.end, k.state.name()));
                }
                after(i, &mut out);
            }
            Item::Run(k) => {
                let run = &m.runs[k];
                let frames = format!("[{}–{}]", m.rows[run.first].number, m.rows[run.last].number);
                let _ = writeln!(
                    out,
                    "    {}{}{}: {}",
                    alias(run.from),
                    arrows.delivered,
                    alias(run.from.other()),
                    clean(&format!("{frames} {}", run.data_label()))
                );
                if let Some(acks) = run.ack_label() {
                    let _ = writeln!(
                        out,
                        "    {}{}{}: {}",
                        alias(run.from.other()),
                        arrows.delivered,
                        alias(run.from),
                        clean(&acks)
                    );
                }
                // The calls made during the run (its sends), after its summary.
                for j in run.first..run.last {
                    notes_from(Some(j), &mut out);
                }
                after(run.last, &mut out);
            }
        }
    }
    if let Some(end) = dialect.end {
        let _ = writeln!(out, "{end}");
    }
    out
}

/// The ladder as a Mermaid sequence diagram (`--expand` lists every segment of a run).
pub fn mermaid(m: &LadderModel, expand: bool) -> String {
    sequence(m, expand, &MERMAID)
}

/// The ladder as a PlantUML sequence diagram.
pub fn plantuml(m: &LadderModel, expand: bool) -> String {
    sequence(m, expand, &PLANTUML)
}

/// The ladder as a plain listing, one line per arrow: frame, capture time, direction,
/// label, notes, and the states after it.
pub fn listing(m: &LadderModel) -> String {
    let mut out = String::new();
    let [c, s] = m.end_titles();
    let _ = writeln!(out, "{c}  ⇄  {s}");
    let _ = writeln!(out, "{}", words::delays_note(&m.delays, !m.is_tcp()));
    // A note (a program's call) on its side's line, at its time.
    let note_line = |n: &SideNote, out: &mut String| {
        let side = match n.end {
            End::Client => "C      ",
            End::Server => "      S",
        };
        let _ = writeln!(out, "{:>7} {:>12.6}  {side}  {}", "", secs(n.t_ns), n.text);
    };
    if !m.rows.is_empty() {
        notes_after(m, None).for_each(|n| note_line(n, &mut out));
    }
    for (i, r) in m.rows.iter().enumerate() {
        for g in m.ghosts.iter().filter(|g| g.before == i) {
            let _ = writeln!(
                out,
                "{:>7} {:>12}  {}  {}",
                "-",
                "",
                dir(g.from, true),
                g.label
            );
        }
        let mut line = format!(
            "{:>7} {:>12.6}  {}  {}",
            r.number,
            r.t(),
            dir(r.from, r.fate == Fate::Delivered),
            r.label
        );
        if !r.notes.is_empty() {
            line.push_str("  ");
            line.push_str(&r.notes.join(" "));
        }
        if m.is_tcp() {
            let _ = write!(line, "  [{} | {}]", r.states[0].name(), r.states[1].name());
        }
        let _ = writeln!(out, "{line}");
        for a in after_row(m, i) {
            match a {
                After::Note(n) => note_line(n, &mut out),
                After::Pause(b) => {
                    let _ = writeln!(out, "{:>7} {:>12}  ⋮ {}", "", "", b.label());
                }
            }
        }
    }
    out
}

/// The direction column of the listing: `──▶`, `◀──`, or crossed for a lost segment.
fn dir(from: End, delivered: bool) -> &'static str {
    match (from, delivered) {
        (End::Client, true) => "C ──▶ S",
        (End::Server, true) => "C ◀── S",
        (End::Client, false) => "C ──✕ S",
        (End::Server, false) => "C ✕── S",
    }
}
