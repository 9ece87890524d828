//! Find Packet (Wireshark's Ctrl+F): a bar under the display filter that searches the shown
//! rows, in the order shown, for a display filter, a string (in the Info column or in the
//! packet bytes, case-sensitive or not) or a hex byte sequence. *Find next* / *Find previous*
//! start after (before) the selected packet and wrap around the ends, saying so; the match is
//! selected and the packet list scrolls to it.

use crate::filter::Filter;
use crate::i18n::tr;

use super::columns;
use super::filter_bar;
use super::store::StoreData;

/// What the bar searches for (Wireshark's first drop-down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FindBy {
    /// Packets a display filter matches.
    #[default]
    DisplayFilter,
    /// A string.
    Text,
    /// A byte sequence written in hex.
    Hex,
}

/// Where a string is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextIn {
    /// The packet list's Info column.
    #[default]
    Info,
    /// The packet's bytes.
    Bytes,
}

/// Which way to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Down the list.
    Next,
    /// Up the list.
    Previous,
}

/// The find bar's state.
#[derive(Debug, Default)]
pub struct FindBar {
    /// Shown (Ctrl+F opens it, Escape or Close hides it).
    pub open: bool,
    /// What is searched for.
    pub by: FindBy,
    /// Where a string is searched.
    pub text_in: TextIn,
    /// Strings match with their case.
    pub case_sensitive: bool,
    /// What is typed.
    pub text: String,
    /// The last search's outcome (text, is an error).
    pub status: Option<(String, bool)>,
    focus: bool,
}

/// A search made from the bar's settings, ready to test packets.
#[derive(Debug)]
pub enum Needle {
    /// A display filter.
    Filter(Filter),
    /// A string in the Info column.
    Info {
        /// The string (lowercase unless case-sensitive).
        text: String,
        /// Compare with case.
        case_sensitive: bool,
    },
    /// Bytes in the packet (a string's bytes or hex bytes).
    Bytes {
        /// The bytes.
        bytes: Vec<u8>,
        /// Compare ASCII letters with case.
        case_sensitive: bool,
    },
}

impl FindBar {
    /// Shows the bar with the keyboard in its text field.
    pub fn open(&mut self) {
        self.open = true;
        self.focus = true;
    }

    /// The search the bar describes, or why there is none.
    pub fn needle(&self) -> Result<Needle, String> {
        let text = self.text.trim();
        if text.is_empty() {
            return Err(tr!("find-empty"));
        }
        match (self.by, self.text_in) {
            (FindBy::DisplayFilter, _) => {
                let f = Filter::parse(text).map_err(|e| e.text())?;
                if f.uses_wire_metrics() {
                    return Err(tr!("find-wire-metric"));
                }
                Ok(Needle::Filter(f))
            }
            (FindBy::Text, TextIn::Info) => Ok(Needle::Info {
                text: if self.case_sensitive {
                    self.text.clone()
                } else {
                    self.text.to_lowercase()
                },
                case_sensitive: self.case_sensitive,
            }),
            (FindBy::Text, TextIn::Bytes) => Ok(Needle::Bytes {
                bytes: self.text.as_bytes().to_vec(),
                case_sensitive: self.case_sensitive,
            }),
            (FindBy::Hex, _) => parse_hex(text)
                .map(|bytes| Needle::Bytes {
                    bytes,
                    case_sensitive: true,
                })
                .ok_or_else(|| tr!("find-bad-hex")),
        }
    }

    /// Draws the bar. Returns the direction asked for (the buttons, Enter: next,
    /// Shift+Enter: previous).
    pub fn ui(&mut self, ui: &mut egui::Ui) -> Option<Direction> {
        let mut asked = None;
        ui.horizontal(|ui| {
            let by = ui.label(tr!("find-by"));
            egui::ComboBox::from_id_salt("find_by")
                .selected_text(by_label(self.by))
                .show_ui(ui, |ui| {
                    for b in [FindBy::DisplayFilter, FindBy::Text, FindBy::Hex] {
                        ui.selectable_value(&mut self.by, b, by_label(b));
                    }
                })
                .response
                .labelled_by(by.id);
            if self.by == FindBy::Text {
                let within = ui.label(tr!("find-in"));
                egui::ComboBox::from_id_salt("find_in")
                    .selected_text(in_label(self.text_in))
                    .show_ui(ui, |ui| {
                        for t in [TextIn::Info, TextIn::Bytes] {
                            ui.selectable_value(&mut self.text_in, t, in_label(t));
                        }
                    })
                    .response
                    .labelled_by(within.id);
                ui.checkbox(&mut self.case_sensitive, tr!("find-case"));
            }
            let hint = tr!(match self.by {
                FindBy::DisplayFilter => "find-hint-filter",
                FindBy::Text => "find-hint-text",
                FindBy::Hex => "find-hint-hex",
            });
            let field = ui.add(
                egui::TextEdit::singleline(&mut self.text)
                    .id_salt("find_text")
                    .hint_text(hint)
                    .font(egui::TextStyle::Monospace)
                    .desired_width((ui.available_width() - 330.0).max(120.0)),
            );
            if std::mem::take(&mut self.focus) {
                field.request_focus();
            }
            if field.changed() {
                self.status = None;
            }
            if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                asked = Some(if ui.input(|i| i.modifiers.shift) {
                    Direction::Previous
                } else {
                    Direction::Next
                });
                // Keep typing and pressing Enter, as in Wireshark.
                field.request_focus();
            }
            if ui.button(tr!("find-next")).clicked() {
                asked = Some(Direction::Next);
            }
            if ui.button(tr!("find-previous")).clicked() {
                asked = Some(Direction::Previous);
            }
            if ui.button(tr!("find-close")).clicked()
                || ((field.has_focus() || field.lost_focus())
                    && ui.input(|i| i.key_pressed(egui::Key::Escape)))
            {
                self.open = false;
            }
        });
        if let Some((text, error)) = &self.status {
            let color = if *error {
                egui::Color32::RED
            } else {
                ui.visuals().weak_text_color()
            };
            ui.colored_label(color, text);
        }
        asked
    }
}

impl Needle {
    /// Whether the packet at store index `index` matches.
    pub fn matches(&self, data: &StoreData, index: usize) -> bool {
        match self {
            Needle::Filter(f) => filter_bar::row_matches(f, data, index, None),
            Needle::Info {
                text,
                case_sensitive,
            } => {
                let Some((frame, packet)) = data.packet(index) else {
                    return false;
                };
                let a = data.analysis(index);
                let info = columns::info(&frame.as_frame(), &packet, &a, data.rich(index).as_ref());
                if *case_sensitive {
                    info.contains(text.as_str())
                } else {
                    info.to_lowercase().contains(text.as_str())
                }
            }
            Needle::Bytes {
                bytes,
                case_sensitive,
            } => data
                .frame(index)
                .is_some_and(|f| contains(&f.data, bytes, *case_sensitive)),
        }
    }
}

/// Searches `n` shown rows (`index_of(row)` gives a row's store index) from the row after
/// (`Next`) or before (`Previous`) `current`, wrapping around. Returns the row found and
/// whether the search passed an end of the list to find it.
pub fn search(
    needle: &Needle,
    data: &StoreData,
    n: usize,
    current: Option<usize>,
    direction: Direction,
    index_of: impl Fn(usize) -> Option<usize>,
) -> Option<(usize, bool)> {
    if n == 0 {
        return None;
    }
    // The first row looked at, counted from where the search starts.
    let start = match (current.filter(|&c| c < n), direction) {
        (Some(c), Direction::Next) => c + 1,
        (Some(c), Direction::Previous) => c + n - 1,
        (None, Direction::Next) => 0,
        (None, Direction::Previous) => n - 1,
    };
    (0..n).find_map(|k| {
        let row = match direction {
            Direction::Next => (start + k) % n,
            Direction::Previous => (start + n - k) % n,
        };
        let wrapped = match (current, direction) {
            (Some(c), Direction::Next) => row <= c,
            (Some(c), Direction::Previous) => row >= c,
            (None, _) => false,
        };
        index_of(row)
            .filter(|&i| needle.matches(data, i))
            .map(|_| (row, wrapped))
    })
}

/// `de ad be ef`, `de:ad:be:ef`, `0xdeadbeef` or `deadbeef` as bytes; `None` when not hex or
/// an odd number of digits.
pub fn parse_hex(text: &str) -> Option<Vec<u8>> {
    let digits: String = text
        .trim()
        .trim_start_matches("0x")
        .chars()
        .filter(|c| !matches!(c, ' ' | ':' | '-' | '.'))
        .collect();
    if digits.is_empty() || !digits.len().is_multiple_of(2) {
        return None;
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(digits.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Whether `hay` contains `needle` (ASCII letters compared without case unless
/// `case_sensitive`).
fn contains(hay: &[u8], needle: &[u8], case_sensitive: bool) -> bool {
    if needle.is_empty() || needle.len() > hay.len() {
        return false;
    }
    if case_sensitive {
        memchr::memmem::find(hay, needle).is_some()
    } else {
        hay.windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    }
}

fn by_label(by: FindBy) -> String {
    tr!(match by {
        FindBy::DisplayFilter => "find-by-filter",
        FindBy::Text => "find-by-text",
        FindBy::Hex => "find-by-hex",
    })
}

fn in_label(t: TextIn) -> String {
    tr!(match t {
        TextIn::Info => "find-in-info",
        TextIn::Bytes => "find-in-bytes",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_read_in_the_usual_spellings() {
        let want = Some(vec![0xde, 0xad, 0xbe, 0xef]);
        for text in [
            "de ad be ef",
            "de:ad:be:ef",
            "0xdeadbeef",
            "DEADBEEF",
            "de-ad-be-ef",
        ] {
            assert_eq!(parse_hex(text), want, "{text}");
        }
        for bad in ["dea", "zz", "", "0x"] {
            assert_eq!(parse_hex(bad), None, "{bad}");
        }
    }

    #[test]
    fn bytes_match_with_or_without_case() {
        assert!(contains(b"GET / HTTP/1.1", b"http/1.1", false));
        assert!(!contains(b"GET / HTTP/1.1", b"http/1.1", true));
        assert!(contains(b"GET / HTTP/1.1", b"HTTP/1.1", true));
        assert!(!contains(b"GET", b"GET /", false));
    }
}
