//! Payload bytes read as text, for the bytes pane and the stream ribbon's message panel: a
//! Hex / Text switch, an encoding selector (the stream's own encoding, detected by
//! [`text::detect`], or UTF-8, GBK, Latin-1 by hand) and the decoded text with what could
//! not be decoded named. Follow TCP Stream has its own "Show data as" selector with the same
//! encodings.

use crate::i18n::tr;
use crate::stream::text::{self, EncodingChoice, TextEncoding};

use super::follow::model::encoding_label;

/// Whether bytes are shown as a hex dump or as text, and in which encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextView {
    /// Text (true) or hex (false).
    pub text: bool,
    /// The encoding asked for (`Auto`: the stream's own).
    pub choice: EncodingChoice,
}

impl TextView {
    /// A view starting in text mode (`text`) or hex mode, with the stream's own encoding.
    pub fn new(text: bool) -> TextView {
        TextView {
            text,
            choice: EncodingChoice::Auto,
        }
    }

    /// The encoding the text is decoded with, for a stream whose own encoding is `detected`.
    pub fn encoding(&self, detected: TextEncoding) -> TextEncoding {
        match self.choice {
            EncodingChoice::Auto => detected,
            EncodingChoice::Use(e) => e,
        }
    }

    /// Draws the Hex / Text switch and, in text mode, the encoding selector (`id_salt` keeps
    /// two selectors on one screen apart).
    pub fn toolbar(&mut self, ui: &mut egui::Ui, id_salt: &str, detected: TextEncoding) {
        ui.selectable_value(&mut self.text, false, tr!("text-hex"));
        ui.selectable_value(&mut self.text, true, tr!("text-view"));
        if self.text {
            self.encoding_selector(ui, id_salt, detected);
        }
    }

    /// The "Encoding" label and selector alone (the stream tab's toolbar has one for the
    /// ribbon's byte row, the same choice as its message panel's).
    pub fn encoding_selector(&mut self, ui: &mut egui::Ui, id_salt: &str, detected: TextEncoding) {
        let label = ui.label(tr!("text-encoding"));
        egui::ComboBox::from_id_salt(("text_encoding", id_salt))
            .selected_text(choice_label(self.choice, detected))
            .show_ui(ui, |ui| {
                let choices = std::iter::once(EncodingChoice::Auto)
                    .chain(TextEncoding::ALL.map(EncodingChoice::Use));
                for c in choices {
                    ui.selectable_value(&mut self.choice, c, choice_label(c, detected));
                }
            })
            .response
            .labelled_by(label.id);
    }
}

/// A selector entry: `auto (GBK (GB18030))`, `UTF-8`, ...
pub fn choice_label(choice: EncodingChoice, detected: TextEncoding) -> String {
    match choice {
        EncodingChoice::Auto => tr!("text-encoding-auto", encoding = encoding_label(detected)),
        EncodingChoice::Use(e) => encoding_label(e).to_owned(),
    }
}

/// `bytes` decoded with `encoding`, made safe to show ([`text::printable`]), and the number
/// of bytes that did not decode.
pub fn shown_text(bytes: &[u8], encoding: TextEncoding) -> (String, usize) {
    let decoded = text::decode(bytes, encoding);
    (text::printable(&decoded.text), decoded.replaced)
}

/// Draws `bytes` as text in `encoding`, wrapped, with a note naming the encoding and any
/// bytes that did not decode.
pub fn text_ui(ui: &mut egui::Ui, bytes: &[u8], encoding: TextEncoding) {
    if bytes.is_empty() {
        ui.weak(tr!("text-no-payload"));
        return;
    }
    let (shown, replaced) = shown_text(bytes, encoding);
    ui.weak(tr!(
        "text-decoded-with",
        encoding = encoding_label(encoding)
    ));
    if replaced > 0 {
        ui.colored_label(
            egui::Color32::from_rgb(0xa0, 0x50, 0x00),
            tr!("text-replacements", count = replaced),
        );
    }
    ui.add(egui::Label::new(egui::RichText::new(shown).monospace()).wrap());
}

/// The first `max_chars` characters of `bytes` as text, on one line (line breaks as `\n`),
/// `…` when cut: a preview for tooltips.
pub fn preview(bytes: &[u8], encoding: TextEncoding, max_chars: usize) -> String {
    let (shown, _) = shown_text(bytes, encoding);
    let mut out = String::new();
    for (n, c) in shown.chars().enumerate() {
        if n == max_chars {
            out.push('…');
            break;
        }
        match c {
            '\r' => {}
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Python's `"您好，这里是服务端".encode("gbk")` writes.
    const GBK: &[u8] = b"\xc4\xfa\xba\xc3\xa3\xac\xd5\xe2\xc0\xef\xca\xc7\xb7\xfe\xce\xf1\xb6\xcb";

    #[test]
    fn preview_decodes_cuts_and_joins_lines() {
        assert_eq!(preview(GBK, TextEncoding::Gbk, 40), "您好，这里是服务端");
        assert_eq!(preview(GBK, TextEncoding::Gbk, 2), "您好…");
        assert_eq!(
            preview("第一行\r\n第二行".as_bytes(), TextEncoding::Utf8, 40),
            "第一行\\n第二行"
        );
        // GBK bytes read as UTF-8 do not decode: replacement characters, counted.
        let (shown, replaced) = shown_text(GBK, TextEncoding::Utf8);
        assert!(shown.contains('\u{FFFD}'), "{shown}");
        assert!(replaced > 0);
    }

    #[test]
    fn auto_uses_the_detected_encoding_and_an_override_wins() {
        let mut v = TextView::new(true);
        assert_eq!(v.encoding(TextEncoding::Gbk), TextEncoding::Gbk);
        v.choice = EncodingChoice::Use(TextEncoding::Latin1);
        assert_eq!(v.encoding(TextEncoding::Gbk), TextEncoding::Latin1);
        assert_eq!(
            crate::i18n::text_in(
                crate::i18n::Lang::En,
                "text-encoding-auto",
                &[("encoding", "GBK (GB18030)".into())]
            ),
            "auto (GBK (GB18030))"
        );
    }
}
