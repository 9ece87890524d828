//! `nodelay`: `TCP_NODELAY` turns Nagle's algorithm off, so every `send()` of the sticky
//! messages leaves at once as its own segment (the reader may still get them glued).
//! The script is `sticky`'s, with other parameters.

use super::sticky::Sticky;

/// What the lesson teaches.
const TEACHES: &str = "TCP_NODELAY turns Nagle off: every send() leaves at once as its own segment";

/// `sticky`'s script with this technique.
pub(super) static LESSON: Sticky = Sticky::new(TEACHES).without_nagle();
