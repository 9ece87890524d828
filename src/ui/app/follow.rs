//! Follow TCP Stream from the app: which stream (the selected packet's), the window, and
//! what its buttons ask for (a filter, a save).

use std::path::Path;

use super::command::{Command, Outcome};
use super::SynackApp;
use crate::analysis::FlowProto;
use crate::i18n::tr;
use crate::ui::file_dialog::DialogPurpose;
use crate::ui::follow::FollowAction;
use crate::ui::selection::ConnRef;

impl SynackApp {
    /// The `proto` stream of the selected packet, else of the selected connection.
    pub(super) fn selected_stream(&self, proto: FlowProto) -> Option<u32> {
        let data = self.store.read();
        let of_packet = self
            .selection
            .packet
            .and_then(|i| data.analysis(i).flow)
            .filter(|f| f.proto == proto)
            .map(|f| f.stream);
        of_packet.or_else(|| {
            self.selection
                .connection
                .filter(|c| c.proto == proto)
                .map(|c| c.stream)
        })
    }

    /// Opens Follow TCP (UDP) Stream on the selected packet's connection (waits for the
    /// capture when it is still loading and nothing is selected yet).
    pub(super) fn follow_stream(&mut self, proto: FlowProto) -> Outcome {
        match self.selected_stream(proto) {
            Some(stream) => self.follow.open_conn(ConnRef { proto, stream }),
            None if !self.loaded() => {
                return Outcome::Wait(match proto {
                    FlowProto::Tcp => Command::FollowStream,
                    FlowProto::Udp => Command::FollowUdpStream,
                })
            }
            None => {
                let need = match proto {
                    FlowProto::Tcp => tr!("menu-follow-disabled"),
                    FlowProto::Udp => tr!("menu-follow-udp-disabled"),
                };
                self.message = Some((need, true));
            }
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
            Some((Ok(()), n)) => (format!("Wrote {n} bytes to {}", path.display()), false),
            Some((Err(e), _)) => (format!("{}: {e}", path.display()), true),
            None => ("Nothing to save: the stream has no packet".into(), true),
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
                .filter(|c| c.proto == self.follow.proto)
                .map(|c| c.stream + 1)
                .max()
                .unwrap_or(0);
            self.follow.ui(ctx, &data, self.selection.until, streams)
        };
        match action {
            Some(FollowAction::SaveAs) => self.queue(Command::OpenDialog {
                purpose: DialogPurpose::SaveFollow,
                name: self.follow.stream.map(|s| {
                    let proto = match self.follow.proto {
                        FlowProto::Tcp => "tcp",
                        FlowProto::Udp => "udp",
                    };
                    format!("{proto}-stream-{s}.txt")
                }),
            }),
            Some(FollowAction::Filter(_)) => {
                if let Some(f) = self.follow.filter_text(false) {
                    self.queue(Command::ApplyFilter(f));
                }
            }
            Some(FollowAction::FilterOut(_)) => {
                if let Some(f) = self.follow.filter_text(true) {
                    self.queue(Command::ApplyFilter(f));
                }
            }
            None => {}
        }
    }
}
