//! Message framing: splitting a direction's reassembled bytes into application messages.
//!
//! A [`Framing`] names the rule (`line`, `u16be`, `http`, `tls`, ...; parsed from the CLI's
//! `--framing` text by [`Framing::from_str`](std::str::FromStr)). A [`Framer`] applies it to
//! one direction, one message at a time ([`Framer::step`]), keeping the little state some
//! protocols need (MySQL's switch to TLS, HTTP's `101 Switching Protocols`). [`frame_stream`]
//! frames a whole [`DirectionStream`], run by run: bytes a rule cannot explain are reported as
//! [`Unparsed`], never forced into messages, and a message cut by a gap is [`Incomplete`].
//! [`auto`] picks the framing that explains a connection best and says why.
//!
//! Every decoder is total: any bytes give a [`Step`], never a panic.

mod auto;
mod length;
mod text;

use std::fmt;
use std::ops::ControlFlow;
use std::str::FromStr;

pub use auto::{auto, choose, AutoChoice, FramingReason};
pub use length::LengthPrefix;

use super::store::DirectionStream;

/// The result of framing one message at the start of a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A whole message of this many bytes (always at least 1).
    Message(usize),
    /// The buffer ends inside a message; `total` is its full length when the header says so
    /// (`u64::MAX`: it runs until the connection closes).
    NeedMore {
        /// Full message length, if known.
        total: Option<u64>,
    },
    /// These bytes cannot start a message of this framing.
    Invalid(&'static str),
}

/// A framing rule (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Framing {
    /// Lines ending in `\n` (so `\r\n` too).
    Line,
    /// A generic length prefix.
    Length(LengthPrefix),
    /// HTTP/1.x requests and responses.
    Http,
    /// TLS record layer.
    Tls,
    /// DNS over TCP (2-byte length).
    Dns,
    /// Redis RESP2/RESP3 values and inline commands.
    Resp,
    /// MySQL packets (3-byte length + sequence id), switching to TLS records after an SSL
    /// request.
    Mysql,
    /// Messages of a fixed size.
    Fixed(u32),
    /// No framing: every byte is reported as unparsed (what `auto` says when nothing
    /// explains a stream).
    None,
    /// One message per `send()` call of the generator's calls trace
    /// ([`crate::stream::calls`]): the bytes alone cannot say where these messages are, so
    /// a [`Framer`] cannot apply it; [`crate::stream::calls::frame_by_sends`] does.
    Calls,
    /// One message per UDP datagram: datagrams keep their boundaries, so nothing is to be
    /// found in the bytes (the window's Stream tab on a UDP conversation). Not a choice for
    /// a TCP stream.
    Datagram,
}

impl Framing {
    /// Protocol label of messages framed by this rule.
    pub fn label(&self) -> &'static str {
        match self {
            Framing::Line => "line",
            Framing::Length(lp) => match (lp.width, lp.little_endian) {
                (1, _) => "u8",
                (2, false) => "u16be",
                (2, true) => "u16le",
                (4, false) => "u32be",
                _ => "u32le",
            },
            Framing::Http => "http",
            Framing::Tls => "tls",
            Framing::Dns => "dns",
            Framing::Resp => "resp",
            Framing::Mysql => "mysql",
            Framing::Fixed(_) => "fixed",
            Framing::None => "none",
            Framing::Calls => "calls",
            Framing::Datagram => "datagram",
        }
    }
}

impl fmt::Display for Framing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Framing::Length(lp) => {
                let end = if lp.width == 1 {
                    ""
                } else if lp.little_endian {
                    "le"
                } else {
                    "be"
                };
                write!(f, "u{}{end}", u32::from(lp.width) * 8)?;
                if lp.offset > 0 {
                    write!(f, ":off={}", lp.offset)?;
                }
                if lp.includes_header {
                    write!(f, ":incl")?;
                }
                Ok(())
            }
            Framing::Fixed(n) => write!(f, "fixed:{n}"),
            other => f.write_str(other.label()),
        }
    }
}

/// Help text for the framing names.
pub const FRAMING_HELP: &str = "line, u8, u16be, u16le, u32be, u32le (options :off=N for a \
header offset, :incl when the length includes the header, e.g. u16be:off=2:incl), http, tls, \
dns, resp, mysql, fixed:N, none, calls (the send() calls of FILE.calls.json), auto";

impl FromStr for Framing {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let mut parts = s.split(':');
        let name = parts.next().unwrap_or("").to_ascii_lowercase();
        let simple = match name.as_str() {
            "line" => Some(Framing::Line),
            "http" => Some(Framing::Http),
            "tls" => Some(Framing::Tls),
            "dns" => Some(Framing::Dns),
            "resp" => Some(Framing::Resp),
            "mysql" => Some(Framing::Mysql),
            "none" => Some(Framing::None),
            "calls" => Some(Framing::Calls),
            _ => None,
        };
        if let Some(f) = simple {
            return match parts.next() {
                None => Ok(f),
                Some(_) => Err(format!("framing `{name}` takes no options")),
            };
        }
        if name == "fixed" {
            let n = parts
                .next()
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|&n| n > 0)
                .ok_or_else(|| "fixed needs a size: fixed:N with N ≥ 1".to_string())?;
            if parts.next().is_some() {
                return Err("fixed:N takes no other options".into());
            }
            return Ok(Framing::Fixed(n));
        }
        let (width, little_endian) = match name.as_str() {
            "u8" => (1, false),
            "u16be" => (2, false),
            "u16le" => (2, true),
            "u32be" => (4, false),
            "u32le" => (4, true),
            _ => return Err(format!("unknown framing `{s}`; known: {FRAMING_HELP}")),
        };
        let mut lp = LengthPrefix {
            width,
            little_endian,
            offset: 0,
            includes_header: false,
        };
        for opt in parts {
            if opt == "incl" {
                lp.includes_header = true;
            } else if let Some(n) = opt.strip_prefix("off=") {
                lp.offset = n
                    .parse()
                    .map_err(|_| format!("bad header offset `{n}` (a number up to 65535)"))?;
            } else {
                return Err(format!(
                    "unknown length-prefix option `{opt}` (off=N, incl)"
                ));
            }
        }
        Ok(Framing::Length(lp))
    }
}

/// Applies a [`Framing`] to one direction, message after message.
#[derive(Debug, Clone)]
pub struct Framer {
    framing: Framing,
    /// MySQL: the connection switched to TLS.
    tls: bool,
    /// HTTP: a `101 Switching Protocols` was seen; the rest is not HTTP.
    switched: bool,
    /// RESP: some value was typed (not an inline command).
    typed: bool,
    /// HTTP responses: for each request not yet answered, whether it was a HEAD request.
    head_requests: std::collections::VecDeque<bool>,
}

impl Framer {
    /// A framer at the start of a direction.
    pub fn new(framing: Framing) -> Self {
        Framer {
            framing,
            tls: false,
            switched: false,
            typed: false,
            head_requests: std::collections::VecDeque::new(),
        }
    }

    /// HTTP: the requests of the other direction, in order, as "was it HEAD": responses to
    /// HEAD have no body whatever their headers say (Wireshark pairs them the same way).
    pub fn expect_responses_to(&mut self, head_requests: impl IntoIterator<Item = bool>) {
        self.head_requests = head_requests.into_iter().collect();
    }

    /// The framing applied.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// The protocol of the next message (`tls` once MySQL switched to TLS).
    pub fn label(&self) -> &'static str {
        if self.tls {
            "tls"
        } else {
            self.framing.label()
        }
    }

    /// RESP only: true once a typed value (not an inline command) was framed.
    pub fn saw_typed(&self) -> bool {
        self.typed
    }

    /// Frames the message at the start of `buf`; `at_end`: the direction ends with `buf`.
    pub fn step(&mut self, buf: &[u8], at_end: bool) -> Step {
        if buf.is_empty() {
            return Step::NeedMore { total: None };
        }
        match self.framing {
            Framing::Line => text::line(buf),
            Framing::Length(lp) => lp.step(buf),
            Framing::Http => {
                if self.switched {
                    return Step::Invalid("after HTTP 101 Switching Protocols: not HTTP");
                }
                let head = self.head_requests.front().copied().unwrap_or(false);
                let (step, kind) = text::http(buf, at_end, head);
                if let Step::Message(_) = step {
                    match kind {
                        text::HttpKind::Switched => self.switched = true,
                        text::HttpKind::Final => {
                            self.head_requests.pop_front();
                        }
                        text::HttpKind::Request | text::HttpKind::Interim => {}
                    }
                }
                step
            }
            Framing::Tls => length::tls(buf),
            Framing::Dns => length::dns(buf),
            Framing::Resp => {
                let (step, typed) = text::resp(buf);
                if let Step::Message(_) = step {
                    self.typed |= typed;
                }
                step
            }
            Framing::Mysql => {
                // A TLS handshake record where a MySQL packet should start: SSL was negotiated
                // (client SSL request, then both sides speak TLS).
                if !self.tls && buf.len() >= 3 && buf[0] == 22 && length::looks_like_tls(buf) {
                    self.tls = true;
                }
                if self.tls {
                    length::tls(buf)
                } else {
                    length::mysql(buf)
                }
            }
            Framing::Fixed(n) => length::fixed(buf, n),
            Framing::None => Step::Invalid("no framing chosen"),
            Framing::Calls => {
                Step::Invalid("the calls framing needs the calls trace (FILE.calls.json)")
            }
            Framing::Datagram => Step::Invalid("datagram framing is UDP's, not a byte stream's"),
        }
    }
}

/// One message found in a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// Stream offset of the first byte.
    pub offset: u64,
    /// Length, header included.
    pub len: u64,
    /// Protocol label (`tls`, `mysql`, `http`, `line`, ...).
    pub proto: &'static str,
    /// The message ends only because the direction closed (an HTTP body read until close):
    /// it is complete with the FIN, not with its last byte.
    pub until_close: bool,
}

/// Bytes the framing could not explain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unparsed {
    /// Stream offset.
    pub offset: u64,
    /// Length.
    pub len: u64,
    /// Why the framing stopped there.
    pub reason: &'static str,
}

/// A message whose bytes are not all there: cut by a gap, or still open when the capture
/// ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Incomplete {
    /// Stream offset of the message start.
    pub offset: u64,
    /// Bytes of it present in the capture.
    pub present: u64,
    /// Its full length, when its header said so.
    pub total: Option<u64>,
    /// Protocol label.
    pub proto: &'static str,
    /// `gap` (cut by missing data) or `end` (the capture ends inside it).
    pub cut_by: &'static str,
}

/// A direction split into messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Framed {
    /// Whole messages, in order.
    pub messages: Vec<Message>,
    /// Messages with missing bytes.
    pub incomplete: Vec<Incomplete>,
    /// Bytes no message explains.
    pub unparsed: Vec<Unparsed>,
    /// RESP: a typed value was seen (auto uses it to tell RESP from plain text lines).
    pub typed: bool,
}

impl Framed {
    /// Bytes covered by whole messages.
    pub fn covered(&self) -> u64 {
        self.messages.iter().map(|m| m.len).sum()
    }

    /// Bytes no message explains.
    pub fn unparsed_bytes(&self) -> u64 {
        self.unparsed.iter().map(|u| u.len).sum()
    }

    /// Messages with a given protocol label.
    pub fn count(&self, proto: &str) -> usize {
        self.messages.iter().filter(|m| m.proto == proto).count()
    }
}

/// Frames a whole direction with `framing`.
///
/// Runs between gaps are framed in order. A message cut by a gap whose length is known is
/// skipped over the gap (framing resumes where it ends); otherwise framing restarts at the
/// start of the next run, except for `line`, which resumes after the next line end.
pub fn frame_stream(stream: &DirectionStream, framing: Framing) -> Framed {
    frame_stream_with(stream, Framer::new(framing))
}

/// [`frame_stream`] with a prepared framer (HTTP responses paired with their requests).
pub fn frame_stream_with(stream: &DirectionStream, framer: Framer) -> Framed {
    let mut out = Framed::default();
    out.typed = walk(stream, framer, &mut out);
    out
}

/// Receives what [`walk`] finds in a direction, in stream order. [`Framed`] keeps it all;
/// `auto`'s tally only counts, and stops a candidate at its first contradiction.
pub(crate) trait FrameSink {
    /// True when [`Message::until_close`] must be computed (it costs a second parse of the
    /// direction's last message).
    const WANTS_UNTIL_CLOSE: bool;
    /// A whole message.
    fn message(&mut self, m: Message) -> ControlFlow<()>;
    /// A message with missing bytes.
    fn incomplete(&mut self, i: Incomplete) -> ControlFlow<()>;
    /// Bytes the framing cannot explain.
    fn unparsed(&mut self, u: Unparsed) -> ControlFlow<()>;
}

impl FrameSink for Framed {
    const WANTS_UNTIL_CLOSE: bool = true;
    fn message(&mut self, m: Message) -> ControlFlow<()> {
        self.messages.push(m);
        ControlFlow::Continue(())
    }
    fn incomplete(&mut self, i: Incomplete) -> ControlFlow<()> {
        self.incomplete.push(i);
        ControlFlow::Continue(())
    }
    fn unparsed(&mut self, u: Unparsed) -> ControlFlow<()> {
        self.unparsed.push(u);
        ControlFlow::Continue(())
    }
}

/// Why bytes right after a gap are unparsed: the rest of a line the gap cut.
pub const REST_OF_LINE_CUT_BY_GAP: &str = "rest of a line cut by a gap";
/// Why a whole run after a gap is unparsed by `line`: it holds no line end.
pub const NO_LINE_END_AFTER_GAP: &str = "no line end after a gap";
/// Why bytes right after a gap are unparsed: the rest of a message the gap cut, up to the
/// next place where a message of the framing starts.
pub const BEFORE_NEXT_MESSAGE_AFTER_GAP: &str = "rest of a message cut by a gap";

impl Unparsed {
    /// True for the bytes a gap left without their message's start (the framing resumed
    /// after them): a consequence of the missing bytes, not a contradiction of the framing.
    pub fn cut_by_gap(&self) -> bool {
        self.reason == REST_OF_LINE_CUT_BY_GAP || self.reason == BEFORE_NEXT_MESSAGE_AFTER_GAP
    }
}

/// Where framing resumes in the run after a gap (when the cut message's length was unknown).
enum Resync {
    /// At this byte of the run (0: a message starts right there).
    At(usize),
    /// `line`: the run holds no line end (all of it may belong to the line the gap cut, but
    /// nothing shows it is text in lines).
    WholeRunIsRestOfLine,
}

/// How many places after a gap are tried as the next message start before giving up.
const RESYNC_TRIES: usize = 256;

/// Finds the next message start in `data`, the bytes after a gap: `line` resumes after the
/// next line end; protocols whose messages start with a checked header (HTTP and RESP at a
/// line start, TLS at a record header) at the first such place where a whole message (or
/// one cut only by the run's end) parses. Other framings (length prefixes, which any bytes
/// satisfy) restart at the run's first byte, as without a gap.
fn resync(framer: &Framer, data: &[u8], at_end: bool) -> Resync {
    let framing = framer.framing();
    if framing == Framing::Line {
        return match memchr::memchr(b'\n', data) {
            Some(lf) => Resync::At(lf + 1),
            None => Resync::WholeRunIsRestOfLine,
        };
    }
    let parses_at = |p: usize| !matches!(framer.clone().step(&data[p..], at_end), Step::Invalid(_));
    let at_line_starts = matches!(framing, Framing::Http | Framing::Resp);
    let at_record_headers = framing == Framing::Tls || (framing == Framing::Mysql && framer.tls);
    if !(at_line_starts || at_record_headers) || parses_at(0) {
        return Resync::At(0);
    }
    let candidates: Box<dyn Iterator<Item = usize>> = if at_line_starts {
        Box::new(memchr::memchr_iter(b'\n', data).map(|lf| lf + 1))
    } else {
        Box::new(
            (1..data.len()).filter(|&p| length::looks_like_tls(&data[p..]) && data.len() - p >= 5),
        )
    };
    candidates
        .filter(|&p| p < data.len())
        .take(RESYNC_TRIES)
        .find(|&p| parses_at(p))
        .map_or(Resync::At(0), Resync::At)
}

/// Frames a whole direction into `sink` (see [`frame_stream`] for the rules), until the end
/// or until the sink breaks. Returns whether a typed RESP value was seen.
pub(crate) fn walk<S: FrameSink>(
    stream: &DirectionStream,
    mut framer: Framer,
    sink: &mut S,
) -> bool {
    let framing = framer.framing();
    let length_label = framing.label();
    // Where the next message starts, when a message cut by a gap ends inside a later run.
    let mut resume: Option<u64> = None;
    let last = stream.runs.len().saturating_sub(1);
    for (i, run) in stream.runs.iter().enumerate() {
        let at_end = i == last && stream.closed && stream.cut_at().is_none();
        let mut pos = 0usize;
        if let Some(r) = resume.take() {
            if r >= run.end() {
                // The cut message also spans this run entirely.
                resume = Some(r);
                continue;
            }
            pos = r.saturating_sub(run.offset) as usize;
        } else if i > 0 {
            // After a gap that cut a message of unknown length: find the next message start.
            match resync(&framer, &run.data, at_end) {
                Resync::At(0) => {}
                Resync::At(skip) => {
                    let u = Unparsed {
                        offset: run.offset,
                        len: skip as u64,
                        reason: if framing == Framing::Line {
                            REST_OF_LINE_CUT_BY_GAP
                        } else {
                            BEFORE_NEXT_MESSAGE_AFTER_GAP
                        },
                    };
                    if sink.unparsed(u).is_break() {
                        return framer.saw_typed();
                    }
                    pos = skip;
                }
                Resync::WholeRunIsRestOfLine => {
                    // No line end between two gaps (or a gap and the end): nothing shows
                    // these bytes are lines at all, so they count against `line`.
                    let u = Unparsed {
                        offset: run.offset,
                        len: run.data.len() as u64,
                        reason: NO_LINE_END_AFTER_GAP,
                    };
                    if sink.unparsed(u).is_break() {
                        return framer.saw_typed();
                    }
                    continue;
                }
            }
        }
        while pos < run.data.len() {
            // Generic length prefixes keep no state: framed here directly (inlined), as
            // `auto` runs `u8` over every binary stream, a message every few bytes.
            let (step, proto) = match framing {
                Framing::Length(lp) => (lp.step(&run.data[pos..]), length_label),
                _ => (framer.step(&run.data[pos..], at_end), framer.label()),
            };
            let flow = match step {
                Step::Message(n) => {
                    let n = n.clamp(1, run.data.len() - pos);
                    // Would it have been complete without the close? (Framer state is cloned:
                    // the probe must not change it.)
                    let until_close = S::WANTS_UNTIL_CLOSE
                        && at_end
                        && pos + n == run.data.len()
                        && !matches!(
                            framer.clone().step(&run.data[pos..], false),
                            Step::Message(_)
                        );
                    let m = Message {
                        offset: run.offset + pos as u64,
                        len: n as u64,
                        proto,
                        until_close,
                    };
                    pos += n;
                    sink.message(m)
                }
                Step::NeedMore { total } => {
                    let start = run.offset + pos as u64;
                    let is_last = i == last;
                    resume = total.map(|t| start.saturating_add(t));
                    pos = run.data.len();
                    sink.incomplete(Incomplete {
                        offset: start,
                        present: (run.data.len() - (start - run.offset) as usize) as u64,
                        total: total.filter(|&t| t != u64::MAX),
                        proto,
                        cut_by: if is_last { "end" } else { "gap" },
                    })
                }
                Step::Invalid(reason) => {
                    let u = Unparsed {
                        offset: run.offset + pos as u64,
                        len: (run.data.len() - pos) as u64,
                        reason,
                    };
                    pos = run.data.len();
                    sink.unparsed(u)
                }
            };
            if flow.is_break() {
                return framer.saw_typed();
            }
        }
    }
    framer.saw_typed()
}
