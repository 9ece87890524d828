//! `fix-length-prefix`: fix 1 for sticky messages. A 4-byte length before each message lets
//! the reader cut the byte stream exactly, however the segments fall.
//! The script is `sticky`'s, with other parameters.

use super::sticky::{Framing, Sticky};

/// What the lesson teaches.
const TEACHES: &str =
    "fix 1: a 4-byte length before each message lets the reader cut the stream exactly";

/// `sticky`'s script with this technique.
pub(super) static LESSON: Sticky = Sticky::new(TEACHES).framed(Framing::LengthPrefix);
