//! The closing report of `read`, `flows` and `stream` on stderr: limits reached (evictions,
//! untracked segments, streams not followed, reassembly cap cuts) and damage (where the file
//! broke and how many frames were salvaged before it).
//!
//! Printed only when there is something to report, so clean runs stay quiet. With `--json`
//! the report is one JSON object (`{"summary": {...}}`) so scripts can read it; the exit
//! status is [`EXIT_DAMAGED`] when the file was damaged.

use std::path::Path;

use serde::Serialize;

use crate::pipeline::FollowCounts;

use crate::analysis::EngineStats;
use crate::capture::CaptureError;
use crate::stream::follow::Follower;

/// Exit status when the capture file is damaged (cut short, or garbage where a record should
/// be): every frame before the damage was printed first.
pub const EXIT_DAMAGED: u8 = 1;

/// Where a file is damaged.
#[derive(Debug, Clone, Serialize)]
pub struct Damage {
    /// Byte offset of the damaged or incomplete record, when known.
    pub offset: Option<u64>,
    /// The reader's message (names the file and the offset).
    pub error: String,
    /// Frames read (and shown) before the damage.
    pub frames_salvaged: u64,
    /// The reader's message in the language of the output meant for people.
    #[serde(skip)]
    pub said: String,
}

/// What a run hit: limits and damage.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// The capture file.
    pub file: String,
    /// Frames read.
    pub frames: u64,
    /// Connections (TCP and UDP) the engine created.
    pub connections: u64,
    /// Connections evicted by the engine's connection cap (`analysis::Config`).
    pub connections_evicted: u64,
    /// Segments not remembered for analysis (`Config::max_unacked_per_direction`).
    pub segments_not_tracked: u64,
    /// TCP streams not reassembled (`FollowLimits::max_connections`).
    pub streams_not_followed: u64,
    /// Holes skipped because a reassembly buffer cap was hit (`buffer_limit` gaps).
    pub reassembly_cap_cuts: u64,
    /// Where the file is damaged, if it is.
    pub damaged: Option<Damage>,
}

impl Summary {
    /// A summary of `file` after `frames` frames with the engine's counters.
    pub fn new(file: &Path, frames: u64, stats: EngineStats) -> Summary {
        Summary {
            file: file.display().to_string(),
            frames,
            connections: stats.connections,
            connections_evicted: stats.connections_evicted,
            segments_not_tracked: stats.segments_not_tracked,
            ..Summary::default()
        }
    }

    /// Adds a follower's counters (streams not followed, cap cuts).
    pub fn with_follower(mut self, follower: &Follower) -> Summary {
        self.streams_not_followed = follower.not_followed();
        self.reassembly_cap_cuts = follower
            .connections()
            .iter()
            .flat_map(|c| c.dirs.iter())
            .map(|d| d.reasm.stats().cap_cuts)
            .sum();
        self
    }

    /// Adds the counters of a releasing follower ([`FollowCounts`]).
    pub fn with_follow_counts(mut self, counts: FollowCounts) -> Summary {
        self.streams_not_followed = counts.streams_not_followed;
        self.reassembly_cap_cuts = counts.reassembly_cap_cuts;
        self
    }

    /// Records the read error that ended the run.
    pub fn with_damage(mut self, err: Option<&CaptureError>) -> Summary {
        self.damaged = err.map(|e| Damage {
            offset: e.offset(),
            error: e.to_string(),
            frames_salvaged: self.frames,
            said: e.text(),
        });
        self
    }

    fn limits_hit(&self) -> bool {
        self.connections_evicted > 0
            || self.segments_not_tracked > 0
            || self.streams_not_followed > 0
            || self.reassembly_cap_cuts > 0
    }

    /// Prints the report to stderr (if there is anything to say) and returns the exit status.
    pub fn report(&self, json: bool) -> std::process::ExitCode {
        if json && (self.limits_hit() || self.damaged.is_some()) {
            #[derive(Serialize)]
            struct Wrapped<'a> {
                summary: &'a Summary,
            }
            if let Ok(line) = serde_json::to_string(&Wrapped { summary: self }) {
                note!("{line}");
            }
        } else {
            if self.limits_hit() {
                note!(
                    "synack: limits reached: {} connections evicted, {} segments not tracked, \
                     {} streams not reassembled, {} reassembly buffer cuts (see Limits in the README)",
                    self.connections_evicted,
                    self.segments_not_tracked,
                    self.streams_not_followed,
                    self.reassembly_cap_cuts
                );
            }
            if let Some(d) = &self.damaged {
                note!(
                    "synack: {}",
                    crate::i18n::Message::new("out-damaged")
                        .arg("error", &d.said)
                        .arg("frames", d.frames_salvaged.to_string())
                        .text()
                );
            }
        }
        if self.damaged.is_some() {
            std::process::ExitCode::from(EXIT_DAMAGED)
        } else {
            std::process::ExitCode::SUCCESS
        }
    }
}
