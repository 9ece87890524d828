//! `fix-delay`: fix 3 for sticky messages, and a fragile one. Pausing 50 ms between sends
//! keeps the messages in separate segments only while the reader keeps up.
//! The script is `sticky`'s, with other parameters.

use super::sticky::Sticky;

/// What the lesson teaches.
const TEACHES: &str = "fix 3 (fragile): pausing between sends keeps messages in separate segments";

/// `sticky`'s script with this technique.
pub(super) static LESSON: Sticky = Sticky::new(TEACHES).pausing(50);
