//! The time column of `synack read` and `capture`, in tshark's (`-t ad`) and tcpdump's
//! (`-tttt`) formats.

use std::fmt::Write as _;

use crate::capture::Timestamp;

/// How the time column is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeFormat {
    /// Seconds since the first frame (tshark `-t r`, tcpdump `-ttttt`; the default).
    #[default]
    Relative,
    /// No time column (tcpdump `-t`).
    None,
    /// Seconds since 1970 (tshark `-t e`, tcpdump `-tt`).
    Epoch,
    /// Seconds since the previous frame (tshark `-t d`, tcpdump `-ttt`).
    Delta,
    /// Seconds since the previous displayed frame (tshark `-t dd`).
    DeltaDisplayed,
    /// Local time of day (tshark `-t a`).
    Absolute,
    /// Local date and time (tshark `-t ad`, tcpdump `-tttt`).
    AbsoluteDate,
    /// Local year, day of year and time (tshark `-t adoy`).
    AbsoluteDayOfYear,
    /// UTC time of day (tshark `-t u`).
    Utc,
    /// UTC date and time (tshark `-t ud`).
    UtcDate,
    /// UTC year, day of year and time (tshark `-t udoy`).
    UtcDayOfYear,
}

/// The `-t` values, for the help text and errors.
pub(super) const TIME_FORMATS: &str =
    "r (since the first frame, default), a, ad, adoy (local time, \
    date, day of year), u, ud, udoy (the same in UTC), e (epoch), d (since the previous frame), \
    dd (since the previous displayed frame), none; tcpdump's -t (none), -tt (epoch), -ttt \
    (delta), -tttt (date and time), -ttttt (since the first frame)";

impl TimeFormat {
    /// Parses `-t`'s value; tcpdump's `-tt`..`-ttttt` arrive as `t`..`tttt`.
    pub fn parse(text: &str) -> Option<TimeFormat> {
        Some(match text {
            "none" | "" => TimeFormat::None,
            "t" | "e" => TimeFormat::Epoch,
            "tt" | "d" => TimeFormat::Delta,
            "ttt" | "ad" => TimeFormat::AbsoluteDate,
            "tttt" | "r" => TimeFormat::Relative,
            "dd" => TimeFormat::DeltaDisplayed,
            "a" => TimeFormat::Absolute,
            "adoy" => TimeFormat::AbsoluteDayOfYear,
            "u" => TimeFormat::Utc,
            "ud" => TimeFormat::UtcDate,
            "udoy" => TimeFormat::UtcDayOfYear,
            _ => return None,
        })
    }
}

/// Formats each frame's time, remembering what the delta formats need.
#[derive(Debug, Default)]
pub(super) struct TimeColumn {
    format: TimeFormat,
    first: Option<Timestamp>,
    previous: Option<Timestamp>,
    previous_displayed: Option<Timestamp>,
}

impl TimeColumn {
    /// A column in `format`.
    pub(super) fn new(format: TimeFormat) -> TimeColumn {
        TimeColumn {
            format,
            ..TimeColumn::default()
        }
    }

    /// Notes a frame (displayed or not); call before [`TimeColumn::text`] for it.
    pub(super) fn saw(&mut self, ts: Option<Timestamp>) {
        if self.first.is_none() {
            self.first = ts;
        }
    }

    /// Counts relative times from `t0` instead of the first frame's.
    pub(super) fn start_at(&mut self, t0: Timestamp) {
        self.first = Some(t0);
    }

    /// The first frame's time.
    pub(super) fn first(&self) -> Option<Timestamp> {
        self.first
    }

    /// The column's text for a frame (`None` for no column); `displayed` says whether the
    /// frame is printed. Every frame must pass here, so deltas are to the previous frame.
    pub(super) fn text(&mut self, ts: Option<Timestamp>, displayed: bool) -> Option<String> {
        let since = |t0: Option<Timestamp>| match (ts, t0.or(ts)) {
            (Some(t), Some(t0)) => seconds(t.as_nanos() - t0.as_nanos()),
            _ => "-".into(),
        };
        let text = match self.format {
            TimeFormat::None => None,
            TimeFormat::Relative => Some(since(self.first)),
            TimeFormat::Delta => Some(since(self.previous)),
            TimeFormat::DeltaDisplayed => Some(since(self.previous_displayed)),
            TimeFormat::Epoch => Some(ts.map_or("-".into(), |t| epoch(t.as_nanos()))),
            f => Some(ts.map_or("-".into(), |t| calendar(t, f))),
        };
        if ts.is_some() {
            self.previous = ts;
            if displayed {
                self.previous_displayed = ts;
            }
        }
        text
    }
}

/// A time difference in nanoseconds as seconds with six decimals (as synack always printed
/// its relative column).
fn seconds(ns: i64) -> String {
    format!("{:.6}", ns as f64 / 1e9)
}

/// Nanoseconds since 1970 rounded to microseconds: whole seconds and microseconds (exact,
/// where an f64 would lose the last digits).
fn rounded_us(ns: i64) -> (i64, i64) {
    let us = ns.div_euclid(1000) + i64::from(ns.rem_euclid(1000) >= 500);
    (us.div_euclid(1_000_000), us.rem_euclid(1_000_000))
}

/// Seconds since 1970 with six decimals.
fn epoch(ns: i64) -> String {
    let (secs, us) = rounded_us(ns);
    format!("{secs}.{us:06}")
}

/// A calendar time in local time or UTC, with the date as the format asks.
fn calendar(t: Timestamp, format: TimeFormat) -> String {
    let (secs, us) = rounded_us(t.as_nanos());
    let time: libc::time_t = secs as libc::time_t;
    // SAFETY: tm is plain data; localtime_r/gmtime_r fill it from a valid time_t.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let utc = matches!(
        format,
        TimeFormat::Utc | TimeFormat::UtcDate | TimeFormat::UtcDayOfYear
    );
    let ok = unsafe {
        if utc {
            !libc::gmtime_r(&time, &mut tm).is_null()
        } else {
            !libc::localtime_r(&time, &mut tm).is_null()
        }
    };
    if !ok {
        return epoch(t.as_nanos());
    }
    let mut s = String::new();
    match format {
        TimeFormat::AbsoluteDate | TimeFormat::UtcDate => {
            let _ = write!(
                s,
                "{:04}-{:02}-{:02} ",
                tm.tm_year + 1900,
                tm.tm_mon + 1,
                tm.tm_mday
            );
        }
        TimeFormat::AbsoluteDayOfYear | TimeFormat::UtcDayOfYear => {
            let _ = write!(s, "{:04}/{:03} ", tm.tm_year + 1900, tm.tm_yday + 1);
        }
        _ => {}
    }
    let _ = write!(
        s,
        "{:02}:{:02}:{:02}.{us:06}",
        tm.tm_hour, tm.tm_min, tm.tm_sec
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_prints_as_tshark_and_tcpdump_do() {
        // 2013-03-07 21:42:06.869344 UTC.
        let t0 = Timestamp(1_362_692_526_869_344_000);
        let t1 = Timestamp(1_362_692_526_939_084_000);
        let t2 = Timestamp(1_362_692_527_000_000_000);
        let run = |f: &str| {
            let mut c = TimeColumn::new(TimeFormat::parse(f).expect("known format"));
            let mut out = Vec::new();
            for (t, shown) in [(t0, true), (t1, false), (t2, true)] {
                c.saw(Some(t));
                out.push(c.text(Some(t), shown).unwrap_or_default());
            }
            out
        };
        assert_eq!(run("r"), ["0.000000", "0.069740", "0.130656"]);
        assert_eq!(run("tttt"), run("r"));
        assert_eq!(run("d"), ["0.000000", "0.069740", "0.060916"]);
        assert_eq!(run("dd"), ["0.000000", "0.069740", "0.130656"]);
        assert_eq!(run("e")[0], "1362692526.869344");
        assert_eq!(run("ud")[0], "2013-03-07 21:42:06.869344");
        assert_eq!(run("u")[2], "21:42:07.000000");
        assert_eq!(run("udoy")[0], "2013/066 21:42:06.869344");
        assert_eq!(run("none"), ["", "", ""]);
        assert!(TimeFormat::parse("x").is_none());
    }
}
