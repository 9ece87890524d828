//! Go to packet (Wireshark's Ctrl+G): a small bar that takes a frame number and selects that
//! frame, scrolling the packet list to it.

use crate::i18n::tr;

/// The bar's state: `Some(text typed)` while it is open.
#[derive(Debug, Default, Clone)]
pub struct GoToBar {
    /// What is typed, while the bar is open.
    pub text: Option<String>,
}

impl GoToBar {
    /// Opens the bar (empty).
    pub fn open(&mut self) {
        self.text = Some(String::new());
    }

    /// Draws the bar while open. Returns the frame number asked for (Enter or Go).
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<u64> {
        let text = self.text.as_mut()?;
        let mut chosen = None;
        let mut close = false;
        egui::Window::new(tr!("goto-title"))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 80.0])
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    let label = ui.label(tr!("goto-label"));
                    let field = ui
                        .add(
                            egui::TextEdit::singleline(text)
                                .id_salt("goto_frame")
                                .desired_width(120.0),
                        )
                        .labelled_by(label.id);
                    if !field.has_focus() && !field.lost_focus() {
                        field.request_focus();
                    }
                    let number = text.trim().parse::<u64>().ok();
                    let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    let go =
                        ui.add_enabled(number.is_some(), egui::Button::new(tr!("goto-button")));
                    if go.clicked() || (enter && number.is_some()) {
                        chosen = number;
                    }
                    if ui.button(tr!("dialog-cancel")).clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        close = true;
                    }
                });
                if !text.trim().is_empty() && text.trim().parse::<u64>().is_err() {
                    ui.colored_label(egui::Color32::RED, tr!("goto-hint"));
                }
            });
        if chosen.is_some() || close {
            self.text = None;
        }
        chosen
    }
}
