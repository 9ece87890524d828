//! The right-click menu of a packet row or a details line: "Apply as filter", "Prepare as
//! filter" and "Copy", as Wireshark users expect them.
//!
//! A line or a cell names one [`FieldValue`] (`ip.src == 10.0.0.1`, or a protocol alone:
//! `tcp`). Apply and Prepare each offer Wireshark's four forms (selected, not selected,
//! … and selected, … or selected), combined with the text already in the filter bar; Apply
//! applies the result, Prepare only puts it in the bar to be edited. Copy copies the shown
//! value, the field name or the filter.

pub use crate::filter::FieldValue;
use crate::i18n::tr;

/// How the selected field joins the filter already in the bar (Wireshark's four forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// The field alone.
    Selected,
    /// Everything but the field.
    NotSelected,
    /// The bar's filter and the field.
    AndSelected,
    /// The bar's filter or the field.
    OrSelected,
}

impl Combine {
    /// The four forms in menu order.
    pub const ALL: [Combine; 4] = [
        Combine::Selected,
        Combine::NotSelected,
        Combine::AndSelected,
        Combine::OrSelected,
    ];

    fn label(self) -> String {
        tr!(match self {
            Combine::Selected => "filter-menu-selected",
            Combine::NotSelected => "filter-menu-not-selected",
            Combine::AndSelected => "filter-menu-and-selected",
            Combine::OrSelected => "filter-menu-or-selected",
        })
    }

    /// The filter made of `field` joined this way to `current` (the bar's text). With an
    /// empty bar, "… and" and "… or" give the field alone, as in Wireshark.
    pub fn join(self, current: &str, field: &str) -> String {
        let current = current.trim();
        match self {
            Combine::Selected => field.to_string(),
            Combine::NotSelected => format!("!({field})"),
            Combine::AndSelected | Combine::OrSelected if current.is_empty() => field.to_string(),
            Combine::AndSelected => format!("({current}) && ({field})"),
            Combine::OrSelected => format!("({current}) || ({field})"),
        }
    }
}

/// What the menu asks the window to do with the filter bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterAction {
    /// Put this text in the bar and apply it.
    Apply(String),
    /// Put this text in the bar, unapplied, for editing.
    Prepare(String),
}

/// The menu's entries, drawn inside a context menu. `field` is what the line or cell names
/// (`None`: nothing a filter can test; only Copy value is offered), `shown` the text the
/// user sees there, `current` the filter bar's text.
pub fn menu_ui(
    ui: &mut egui::Ui,
    field: Option<&FieldValue>,
    shown: &str,
    current: &str,
) -> Option<FilterAction> {
    let mut action = None;
    match field {
        Some(f) => {
            let filter = f.filter();
            ui.label(egui::RichText::new(&filter).monospace().weak());
            ui.separator();
            ui.menu_button(tr!("filter-menu-apply"), |ui| {
                for c in Combine::ALL {
                    if ui.button(c.label()).clicked() {
                        action = Some(FilterAction::Apply(c.join(current, &filter)));
                        ui.close();
                    }
                }
            });
            ui.menu_button(tr!("filter-menu-prepare"), |ui| {
                for c in Combine::ALL {
                    if ui.button(c.label()).clicked() {
                        action = Some(FilterAction::Prepare(c.join(current, &filter)));
                        ui.close();
                    }
                }
            });
            ui.menu_button(tr!("filter-menu-copy"), |ui| {
                copy_button(ui, tr!("filter-menu-copy-value"), shown);
                copy_button(ui, tr!("filter-menu-copy-name"), &f.name);
                copy_button(ui, tr!("filter-menu-copy-filter"), &filter);
            });
        }
        None => {
            ui.label(egui::RichText::new(tr!("filter-menu-no-field")).weak());
            ui.separator();
            copy_button(ui, tr!("filter-menu-copy-value"), shown);
        }
    }
    action
}

fn copy_button(ui: &mut egui::Ui, label: String, text: &str) {
    if ui.button(label).clicked() {
        ui.ctx().copy_text(text.to_string());
        ui.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Filter;

    #[test]
    fn every_form_is_a_valid_filter_joined_to_the_bar() {
        let f = FieldValue::new("ip.src", "10.0.0.1").filter();
        assert_eq!(f, "ip.src == 10.0.0.1");
        assert_eq!(Combine::Selected.join("tcp", &f), f);
        assert_eq!(Combine::NotSelected.join("", &f), "!(ip.src == 10.0.0.1)");
        assert_eq!(
            Combine::AndSelected.join("tcp || udp", &f),
            "(tcp || udp) && (ip.src == 10.0.0.1)"
        );
        assert_eq!(Combine::OrSelected.join("  ", &f), f);
        for c in Combine::ALL {
            for current in ["", "tcp.port == 80 || udp"] {
                let text = c.join(current, &FieldValue::protocol("tcp").filter());
                assert!(Filter::parse(&text).is_ok(), "{text}");
            }
        }
    }
}
