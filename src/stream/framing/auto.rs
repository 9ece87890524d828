//! `auto`: the framing that explains a connection best, and why.
//!
//! Every candidate frames both directions. A candidate is *consistent* when it leaves no
//! unparseable bytes; among consistent candidates the one whose messages (whole, or still open
//! where the capture or a gap cuts them) cover the most bytes wins, ties going to the one with fewer, larger messages (a zero-length body must not
//! make `u16be` beat `u32be`), then to the more specific rule (the order of [`CANDIDATES`]: protocols
//! with checked headers before generic length prefixes). RESP must frame at least one typed
//! value (plain text lines are `line`), `line` needs text (no NUL, at least 95% printable
//! bytes), and generic length prefixes must find at least two messages and leave nothing
//! incomplete (one random length explains anything).
//!
//! When nothing is consistent, the protocol framing (TLS, MySQL, DNS, HTTP, typed RESP) that
//! covers most bytes is chosen if it covers at least a quarter of them (a stream that changes
//! protocol, such as an HTTP upgrade), else `none`: bytes are not forced into messages.

use std::ops::ControlFlow;

use super::{
    frame_stream, walk, FrameSink, Framed, Framer, Framing, Incomplete, LengthPrefix, Message,
    Unparsed,
};
use crate::i18n::Message as Sentence;
use crate::stream::store::DirectionStream;

const fn lp(width: u8, little_endian: bool) -> Framing {
    Framing::Length(LengthPrefix {
        width,
        little_endian,
        offset: 0,
        includes_header: false,
    })
}

/// Candidates, most specific first.
pub(super) const CANDIDATES: [Framing; 11] = [
    Framing::Tls,
    Framing::Mysql,
    Framing::Dns,
    Framing::Http,
    Framing::Resp,
    Framing::Line,
    lp(2, false),
    lp(4, false),
    lp(2, true),
    lp(4, true),
    lp(1, false),
];

/// The framing `auto` chose.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoChoice {
    /// The framing.
    pub framing: Framing,
    /// True when it explains every byte (no unparseable bytes).
    pub consistent: bool,
    /// One sentence for people: what it covers and what came next.
    pub reason: FramingReason,
}

/// Why a framing was chosen: one sentence in catalogue pieces (`framing-auto-*`), so that
/// each consumer writes it in its own language; `Display` writes it in English (the JSON
/// and the command line's words).
pub type FramingReason = crate::i18n::Phrases;

struct Score {
    framing: Framing,
    messages: usize,
    covered: u64,
    unparsed: u64,
    /// Bytes a gap left without their message's start, skipped to the next message start.
    skipped: u64,
    eligible: bool,
}

/// True when the bytes look like text: no NUL and at least 95% printable or whitespace.
fn is_text(dirs: &[&DirectionStream]) -> bool {
    let (mut text, mut all) = (0usize, 0usize);
    for d in dirs {
        for b in d.bytes() {
            all += b.len();
            // 64 bytes at a time without branches inside a block, so it vectorises.
            for c in b.chunks(64) {
                // Text: printable (0x21..=0x7e), whitespace (space, \t, \n, \x0c, \r) or
                // non-ASCII (>= 0x80): every byte but the other controls and DEL.
                let (mut nul, mut t) = (false, 0u8);
                for &c in c {
                    let ws = (c == b'\t') | (c == b'\n') | (c == 0x0c) | (c == b'\r');
                    nul |= c == 0;
                    t += u8::from(((c >= 0x20) & (c != 0x7f)) | ws);
                }
                if nul {
                    return false;
                }
                text += usize::from(t);
            }
        }
    }
    text * 100 >= all * 95
}

fn score(framing: Framing, dirs: &[&DirectionStream], text: bool) -> Score {
    let framed: Vec<Framed> = dirs.iter().map(|d| frame_stream(d, framing)).collect();
    let messages = framed.iter().map(|f| f.messages.len()).sum();
    // Bytes explained: whole messages, plus messages whose start parsed and that a gap or
    // the end of the capture cut (not a FIN: a sender that closes mid-message contradicts
    // the framing).
    let covered = framed
        .iter()
        .zip(dirs)
        .map(|(f, d)| {
            let open: u64 = f
                .incomplete
                .iter()
                .filter(|i| i.cut_by == "gap" || !d.closed)
                .map(|i| i.present)
                .sum();
            f.covered() + open
        })
        .sum();
    let (mut unparsed, mut skipped) = (0, 0);
    for u in framed.iter().flat_map(|f| &f.unparsed) {
        if u.cut_by_gap() {
            skipped += u.len;
        } else {
            unparsed += u.len;
        }
    }
    let incomplete: usize = framed.iter().map(|f| f.incomplete.len()).sum();
    let mut eligible = unparsed == 0 && messages > 0;
    match framing {
        Framing::Resp => eligible &= framed.iter().any(|f| f.typed),
        Framing::Line => eligible &= text,
        Framing::Length(lp) => {
            // Empty bodies (a zero length) fit any bytes: not evidence of this framing.
            let header = lp.header_len() as u64;
            let empty = framed
                .iter()
                .flat_map(|f| &f.messages)
                .any(|m| m.len <= header);
            eligible &= messages >= 2 && incomplete == 0 && !empty;
        }
        _ => {}
    }
    Score {
        framing,
        messages,
        covered,
        unparsed,
        skipped,
        eligible,
    }
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".into();
    }
    format!("{:.0}%", part as f64 * 100.0 / whole as f64)
}

/// Picks the framing that explains the directions `dirs` of one connection best.
pub fn auto(dirs: &[&DirectionStream]) -> AutoChoice {
    let total: u64 = dirs.iter().map(|d| d.kept_bytes() as u64).sum();
    let text = is_text(dirs);
    let scores: Vec<Score> = CANDIDATES.iter().map(|&f| score(f, dirs, text)).collect();
    // Best consistent candidate: most bytes covered, earlier candidate on ties.
    let best = scores
        .iter()
        .enumerate()
        .filter(|(_, s)| s.eligible)
        .max_by(|(ia, a), (ib, b)| {
            a.covered
                .cmp(&b.covered)
                .then(b.messages.cmp(&a.messages))
                .then(ib.cmp(ia))
        })
        .map(|(i, _)| i);
    let runner_up = |chosen: usize| {
        scores
            .iter()
            .enumerate()
            .filter(|&(i, s)| i != chosen && s.messages > 0)
            .max_by(|(ia, a), (ib, b)| {
                a.eligible
                    .cmp(&b.eligible)
                    .then(a.covered.cmp(&b.covered))
                    .then(ib.cmp(ia))
            })
            .map(|(_, s)| {
                let next = if s.unparsed > 0 {
                    Sentence::new("framing-auto-next-unparsed").arg("unparsed", s.unparsed)
                } else {
                    Sentence::new("framing-auto-next-covering").arg("pct", pct(s.covered, total))
                };
                next.arg("framing", s.framing.to_string())
                    .arg("messages", s.messages)
            })
    };
    // Gaps the framing resumed after: said, with the bytes they left without a start.
    let gaps: usize = dirs.iter().map(|d| d.runs.len().saturating_sub(1)).sum();
    let resumed = |s: &Score| {
        (gaps > 0 && s.messages > 0).then(|| {
            Sentence::new("framing-auto-resync")
                .arg("gaps", gaps)
                .arg("skipped", s.skipped)
        })
    };
    let reason = |first: Sentence, chosen: usize| {
        let after_gaps = scores.get(chosen).and_then(resumed);
        crate::i18n::Phrases(
            std::iter::once(first)
                .chain(after_gaps)
                .chain(runner_up(chosen))
                .collect(),
        )
    };
    // `key`'s sentence on how much of the stream `s`'s framing frames.
    let coverage = |key: &'static str, s: &Score| {
        Sentence::new(key)
            .arg("framing", s.framing.to_string())
            .arg("messages", s.messages)
            .arg("pct", pct(s.covered, total))
            .arg("total", total)
    };
    match best {
        Some(i) => {
            let s = &scores[i];
            AutoChoice {
                framing: s.framing,
                consistent: true,
                reason: reason(coverage("framing-auto-explains", s), i),
            }
        }
        None => {
            // Nothing is consistent: the protocol framing covering most, if it covers enough.
            let fallback = scores
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    s.messages > 0
                        && s.covered * 4 >= total
                        && matches!(
                            s.framing,
                            Framing::Tls | Framing::Mysql | Framing::Dns | Framing::Http
                        )
                })
                .max_by(|(ia, a), (ib, b)| a.covered.cmp(&b.covered).then(ib.cmp(ia)));
            match fallback {
                Some((i, s)) => AutoChoice {
                    framing: s.framing,
                    consistent: false,
                    reason: reason(
                        coverage("framing-auto-start", s).arg("unparsed", s.unparsed),
                        i,
                    ),
                },
                None => AutoChoice {
                    framing: Framing::None,
                    consistent: false,
                    reason: reason(
                        Sentence::new("framing-auto-nothing").arg("total", total),
                        usize::MAX,
                    ),
                },
            }
        }
    }
}

/// What [`choose`] needs to know of one candidate on one connection: counts only, no
/// message list. With `stop_early` it stops at the first thing that makes the candidate
/// ineligible (an unparseable byte; for length prefixes also an incomplete or empty
/// message), which on most streams is within the first bytes.
struct Tally {
    framing: Framing,
    stop_early: bool,
    /// The direction being framed ended with its FIN.
    closed: bool,
    messages: usize,
    covered: u64,
    unparsed: u64,
    incomplete: usize,
    empty: bool,
    typed: bool,
    stopped: bool,
}

impl Tally {
    fn new(framing: Framing, stop_early: bool, dirs: &[&DirectionStream]) -> Tally {
        let mut t = Tally {
            framing,
            stop_early,
            closed: false,
            messages: 0,
            covered: 0,
            unparsed: 0,
            incomplete: 0,
            empty: false,
            typed: false,
            stopped: false,
        };
        for d in dirs {
            t.closed = d.closed;
            t.typed |= walk(d, Framer::new(framing), &mut t);
            if t.stopped {
                break;
            }
        }
        t
    }

    fn stop(&mut self) -> ControlFlow<()> {
        if self.stop_early {
            self.stopped = true;
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    /// The same test as [`score`]'s, on counts (`text` asked only when it matters).
    fn eligible(&self, text: &mut impl FnMut() -> bool) -> bool {
        if self.stopped || self.unparsed > 0 || self.messages == 0 {
            return false;
        }
        match self.framing {
            Framing::Resp => self.typed,
            Framing::Line => text(),
            Framing::Length(_) => self.messages >= 2 && self.incomplete == 0 && !self.empty,
            _ => true,
        }
    }
}

impl FrameSink for Tally {
    const WANTS_UNTIL_CLOSE: bool = false;

    fn message(&mut self, m: Message) -> ControlFlow<()> {
        self.messages += 1;
        self.covered += m.len;
        if let Framing::Length(lp) = self.framing {
            if m.len <= lp.header_len() as u64 {
                self.empty = true;
                return self.stop();
            }
        }
        ControlFlow::Continue(())
    }

    fn incomplete(&mut self, i: Incomplete) -> ControlFlow<()> {
        self.incomplete += 1;
        if i.cut_by == "gap" || !self.closed {
            self.covered += i.present;
        }
        if matches!(self.framing, Framing::Length(_)) {
            return self.stop();
        }
        ControlFlow::Continue(())
    }

    fn unparsed(&mut self, u: Unparsed) -> ControlFlow<()> {
        if u.cut_by_gap() {
            // What a gap left without its start: not a contradiction of the framing.
            return ControlFlow::Continue(());
        }
        self.unparsed += u.len;
        self.stop()
    }
}

/// The framing [`auto`] picks and whether it is consistent, without the sentence saying
/// why: the same rules, but each candidate stops at its first contradiction and no message
/// list is built, so it costs a fraction of [`auto`] on a busy capture. For passes that only
/// count messages (`synack flows`, the sticky events of `synack read`).
pub fn choose(dirs: &[&DirectionStream]) -> (Framing, bool) {
    let mut text_cache: Option<bool> = None;
    let mut text = || *text_cache.get_or_insert_with(|| is_text(dirs));
    // Every line and every RESP value ends in `\n`: without one, neither frames a message
    // (the store noticed while keeping the bytes: no framing of a binary stream twice).
    let has_lf = dirs.iter().any(|d| d.has_line_feed());
    // Best consistent candidate: most bytes covered, then fewer messages, then the earlier.
    let mut best: Option<Tally> = None;
    for &f in &CANDIDATES {
        if !has_lf && matches!(f, Framing::Line | Framing::Resp) {
            continue;
        }
        let t = Tally::new(f, true, dirs);
        if !t.eligible(&mut text) {
            continue;
        }
        let better = best.as_ref().is_none_or(|b| {
            t.covered > b.covered || (t.covered == b.covered && t.messages < b.messages)
        });
        if better {
            best = Some(t);
        }
    }
    if let Some(b) = best {
        return (b.framing, true);
    }
    // Nothing is consistent: the protocol framing covering most, if it covers enough.
    let total: u64 = dirs.iter().map(|d| d.kept_bytes() as u64).sum();
    let mut fallback: Option<Tally> = None;
    for f in [Framing::Tls, Framing::Mysql, Framing::Dns, Framing::Http] {
        let t = Tally::new(f, false, dirs);
        if t.messages == 0 || t.covered * 4 < total {
            continue;
        }
        if fallback.as_ref().is_none_or(|b| t.covered > b.covered) {
            fallback = Some(t);
        }
    }
    match fallback {
        Some(t) => (t.framing, false),
        None => (Framing::None, false),
    }
}
