//! The scenario lessons in the analysis engine's terms (flags and close patterns).

use synack::analysis::{ClosePattern, Config, Engine, Flag, Side};
use synack::capture::OwnedFrame;
use synack::decode::decode;
use synack::gen::Scenario;

/// Per-frame flags and the connections' close patterns.
pub struct Analyzed {
    pub flags: Vec<Vec<Flag>>,
    pub closes: Vec<Option<ClosePattern>>,
}

impl Analyzed {
    pub fn count(&self, f: Flag) -> usize {
        self.flags.iter().filter(|v| v.contains(&f)).count()
    }
}

pub fn analyze(frames: &[OwnedFrame]) -> Analyzed {
    let mut engine = Engine::new(Config::default());
    let mut flags = Vec::new();
    for f in frames {
        let fr = f.as_frame();
        let p = decode(&fr);
        let ann = engine.process(&fr, &p);
        flags.push(
            ann.tcp
                .map(|t| t.tags.as_slice().iter().map(|tag| tag.flag).collect())
                .unwrap_or_default(),
        );
    }
    let closes = engine
        .connections()
        .iter()
        .filter(|c| c.tcp.is_some())
        .map(|c| c.close_pattern())
        .collect();
    Analyzed { flags, closes }
}

/// The lesson, in the analysis engine's terms.
pub fn lesson(sc: Scenario, a: &Analyzed) -> Result<(), String> {
    let first = a.closes.first().copied().flatten();
    let want = |ok: bool, what: &str| {
        if ok {
            Ok(())
        } else {
            Err(format!("{what}: closes {:?}", a.closes))
        }
    };
    let clean = || {
        for f in [
            Flag::Retransmission,
            Flag::LostSegment,
            Flag::DuplicateAck,
            Flag::OutOfOrder,
        ] {
            if a.count(f) > 0 {
                return Err(format!("unexpected {}", f.name()));
            }
        }
        Ok(())
    };
    match sc {
        Scenario::Handshake | Scenario::Echo => {
            want(
                matches!(first, Some(ClosePattern::FourWay | ClosePattern::ThreeWay)),
                "orderly close",
            )?;
            clean()
        }
        Scenario::CloseClientFirst | Scenario::CloseServerFirst => {
            want(first == Some(ClosePattern::FourWay), "four-way close")?;
            clean()
        }
        Scenario::CloseCombined => {
            want(first == Some(ClosePattern::ThreeWay), "three-segment close")?;
            clean()
        }
        Scenario::CloseSimultaneous => want(
            first == Some(ClosePattern::SimultaneousClose),
            "simultaneous close",
        ),
        Scenario::HalfClose => want(first == Some(ClosePattern::HalfClose), "half-close"),
        Scenario::RstAbort => want(
            first
                == Some(ClosePattern::Reset {
                    by: Side::Originator,
                }),
            "reset by the client",
        ),
        Scenario::Refused => want(first == Some(ClosePattern::Rejected), "rejected"),
        Scenario::Loss => {
            want(a.count(Flag::Retransmission) >= 2, "retransmissions")?;
            want(
                a.count(Flag::FastRetransmission) >= 1,
                "a fast retransmission",
            )?;
            want(a.count(Flag::DuplicateAck) >= 3, "duplicate ACKs")
        }
        Scenario::Demo | Scenario::Flood => {
            want(a.count(Flag::Retransmission) >= 1, "retransmissions")?;
            want(a.count(Flag::DuplicateAck) >= 2, "duplicate ACKs")
        }
        Scenario::ZeroWindow => {
            want(a.count(Flag::ZeroWindow) >= 1, "zero window")?;
            want(a.count(Flag::WindowUpdate) >= 1, "window update")
        }
        Scenario::Reorder => {
            want(a.count(Flag::OutOfOrder) == 1, "one out-of-order segment")?;
            want(a.count(Flag::Retransmission) == 0, "no retransmission")
        }
        Scenario::KeepAlive => {
            want(a.count(Flag::KeepAlive) >= 2, "keep-alive probes")?;
            want(
                a.count(Flag::KeepAliveAck) == a.count(Flag::KeepAlive),
                "each probe answered",
            )
        }
        Scenario::SendBuffer => want(
            a.closes.len() == 2 && a.closes.iter().all(|c| c.is_some()),
            "two closed connections",
        ),
        Scenario::CcCompare => want(
            a.closes.len() >= 2 && a.closes.iter().all(|c| c.is_some()),
            "a closed connection per algorithm",
        ),
        Scenario::Concurrent | Scenario::Multiplex => {
            want(a.closes.len() == 3, "three connections")?;
            clean()
        }
        Scenario::UdpChat | Scenario::UdpBroadcast => Ok(()),
        Scenario::Sticky
        | Scenario::Split
        | Scenario::FixLengthPrefix
        | Scenario::FixDelimiter
        | Scenario::FixDelay
        | Scenario::FixAck
        | Scenario::FileTransfer
        | Scenario::Http => {
            want(
                first.is_some_and(|c| c != ClosePattern::Open && c != ClosePattern::Incomplete),
                "closed",
            )?;
            clean()
        }
        Scenario::Nodelay => want(first.is_some_and(|c| c != ClosePattern::Open), "closed"),
    }
}
