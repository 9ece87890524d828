//! Follow TCP Stream from the app: which stream (the selected packet's), the window, and
//! what its buttons ask for (a filter, a save).

use std::path::Path;

use super::command::{Command, Outcome};
use super::SynackApp;
use crate::analysis::FlowProto;
use crate::ui::file_dialog::DialogPurpose;
use crate::ui::follow::FollowAction;

impl SynackApp {
    /// The TCP stream of the selected packet, else of the selected connection.
    pub(super) fn selected_tcp_stream(&self) -> Option<u32> {
        let data = self.store.read();
        let of_packet = self
            .selection
            .packet
            .and_then(|i| data.analysis(i).flow)
            .filter(|f| f.proto == FlowProto::Tcp)
            .map(|f| f.stream);
        of_packet.or_else(|| {
            self.selection
                .connection
                .filter(|c| c.proto == FlowProto::Tcp)
                .map(|c| c.stream)
        })
    }

    /// Opens Follow TCP Stream on the selected packet's connection (waits for the capture
    /// when it is still loading and nothing is selected yet).
    pub(super) fn follow_stream(&mut self) -> Outcome {
        match self.selected_tcp_stream() {
            Some(stream) => self.follow.open(stream),
            None if !self.loaded() => return Outcome::Wait(Command::FollowStream),
            None => self.message = Some((crate::i18n::text("msg-select-tcp"), true)),
        }
        Outcome::Done
    }

    /// Writes what the Follow window shows to `path`.
    pub(super) fn save_follow(&mut self, path: &Path) {
        let bytes = {
            let data = self.store.read();
            self.follow.saved_bytes(&data, self.selection.until)
        };
        self.message = Some(match bytes.map(|b| (std::fs::write(path, &b), b.len())) {
            Some((Ok(()), n)) => (
                crate::i18n::text_in(
                    crate::i18n::lang(),
                    "msg-wrote-bytes",
                    &[
                        ("count", n.into()),
                        ("path", path.display().to_string().into()),
                    ],
                ),
                false,
            ),
            Some((Err(e), _)) => (format!("{}: {e}", path.display()), true),
            None => (crate::i18n::text("msg-nothing-to-save"), true),
        });
    }

    /// Draws the Follow window while open and queues what it asks for.
    pub(super) fn follow_ui(&mut self, ctx: &egui::Context) {
        if !self.follow.is_open() {
            return;
        }
        let action = {
            let data = self.store.read();
            let streams = data
                .connections
                .iter()
                .filter(|c| c.proto == FlowProto::Tcp)
                .map(|c| c.stream + 1)
                .max()
                .unwrap_or(0);
            self.follow.ui(ctx, &data, self.selection.until, streams)
        };
        match action {
            Some(FollowAction::SaveAs) => self.queue(Command::OpenDialog {
                purpose: DialogPurpose::SaveFollow,
                name: self.follow.stream.map(|s| format!("tcp-stream-{s}.txt")),
            }),
            Some(FollowAction::Filter(s)) => {
                self.queue(Command::ApplyFilter(format!("tcp.stream eq {s}")))
            }
            Some(FollowAction::FilterOut(s)) => {
                self.queue(Command::ApplyFilter(format!("!(tcp.stream eq {s})")))
            }
            None => {}
        }
    }
}
