//! `fix-delimiter`: fix 2 for sticky messages. A newline after each message lets a buffered
//! reader split the byte stream into messages.
//! The script is `sticky`'s, with other parameters.

use super::sticky::{Framing, Sticky};

/// What the lesson teaches.
const TEACHES: &str =
    "fix 2: a delimiter (newline) after each message lets the reader split the stream";

/// `sticky`'s script with this technique.
pub(super) static LESSON: Sticky = Sticky::new(TEACHES).framed(Framing::Delimiter);
