//! What every scenario says about itself: its lesson and the modes that can run it, read
//! from its file in `lessons/` (the enum and the names are declared by the list there).

use std::fmt;
use std::str::FromStr;

pub use super::lessons::Scenario;

impl Scenario {
    /// One line of what the scenario teaches (shown by `synack gen --list`).
    pub fn lesson(self) -> &'static str {
        self.script().teaches()
    }

    /// The lesson in this thread's language ([`crate::i18n`], key `lesson-NAME`).
    pub fn lesson_text(self) -> String {
        crate::i18n::text(&format!("lesson-{}", self.name()))
    }

    /// Whether real sockets can run it on loopback (the rest are synthetic or netns only:
    /// the kernel cannot be made to cross FINs, lose or reorder segments on `lo`).
    pub fn live_capable(self) -> bool {
        self.script().real().is_some_and(|r| r.on_loopback)
    }

    /// Whether `--netns` can run it (TCP lessons with real kernels through a router; `loss`
    /// with the router's random drops).
    pub fn netns_capable(self) -> bool {
        self.script().real().is_some_and(|r| r.between_namespaces)
    }

    /// Whether `--synthetic` can run it (all but the lessons about what real kernels do,
    /// such as `cc-compare`).
    pub fn synthetic_capable(self) -> bool {
        self.script().has_synthetic()
    }

    /// The modes that can run it, for `--list`.
    pub fn modes(self) -> &'static str {
        match (
            self.live_capable(),
            self.netns_capable(),
            self.synthetic_capable(),
        ) {
            (true, true, true) => "live netns synthetic",
            (true, false, true) => "live synthetic",
            (false, true, true) => "netns synthetic",
            (false, true, false) => "netns",
            (true, true, false) => "live netns",
            (true, false, false) => "live",
            (false, false, _) => "synthetic",
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scenario {
    type Err = String;

    fn from_str(s: &str) -> Result<Scenario, String> {
        Scenario::ALL
            .iter()
            .copied()
            .find(|sc| sc.name() == s)
            .ok_or_else(|| format!("unknown scenario `{s}` (see `synack gen --list`)"))
    }
}

#[cfg(test)]
mod tests {
    use super::Scenario;
    use crate::i18n::{lookup, Lang};

    #[test]
    fn every_lesson_is_in_the_catalogues_and_english_matches_the_lesson_file() {
        for sc in Scenario::ALL {
            let key = format!("lesson-{}", sc.name());
            assert_eq!(
                lookup(Lang::En, &key).as_deref(),
                Some(sc.lesson()),
                "{key}"
            );
            let zh = lookup(Lang::Zh, &key).unwrap_or_default();
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{key}: {zh}"
            );
        }
    }
}
