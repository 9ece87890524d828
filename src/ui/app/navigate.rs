//! Moving between views: a connection's packets, its ladder, the replay, the guided tour.

use super::{SynackApp, Tab};
use crate::i18n::tr;
use crate::ui::find;
use crate::ui::ladder;
use crate::ui::replay::ReplayScope;
use crate::ui::selection::{ConnRef, Selection};
use crate::ui::tour::{self, Tour, TourStep, TourView};

/// What the window showed when the tour started, put back when it closes.
#[derive(Debug, Clone)]
pub(super) struct BeforeTour {
    filter: String,
    connection: Option<ConnRef>,
    packet: Option<usize>,
    tab: Tab,
    framing: &'static str,
}

impl SynackApp {
    /// Finds the next (previous) shown packet the find bar describes, from the selected one,
    /// and selects it: the packet list scrolls to it. The bar says what happened.
    pub fn find_packet(&mut self, direction: find::Direction) {
        let needle = match self.find.needle() {
            Ok(n) => n,
            Err(e) => {
                self.find.status = Some((e, true));
                return;
            }
        };
        let data = self.store.read();
        let n = self.filter.visible_len_until(&data, self.selection.until);
        let current = self
            .selection
            .packet
            .and_then(|i| self.list.row_of(&self.filter, i));
        let found = find::search(&needle, &data, n, current, direction, |r| {
            self.list.index(&self.filter, r)
        });
        let Some((row, wrapped)) = found else {
            self.find.status = Some((tr!("find-none"), true));
            return;
        };
        let Some(index) = self.list.index(&self.filter, row) else {
            return;
        };
        let number = data.record(index).map_or(0, |r| r.number);
        drop(data);
        self.selection.select_packet(index, true);
        self.tab = Tab::Packets;
        let found = tr!("find-found", frame = number);
        self.find.status = Some(if wrapped {
            let end = tr!(match direction {
                find::Direction::Next => "find-wrapped-end",
                find::Direction::Previous => "find-wrapped-start",
            });
            (format!("{found} {end}"), false)
        } else {
            (found, false)
        });
    }

    /// Selects a connection: the packet list shows only its packets.
    pub fn select_connection(&mut self, conn: ConnRef) {
        self.selection.connection = Some(conn);
        self.filter.set(&conn.filter());
        self.tab = Tab::Packets;
    }

    /// Opens the ladder diagram of a connection: the one place where views jump to a connection's
    /// ladder (the connections table, the details, and the generator panel when its run's first connection appears).
    pub fn open_ladder(&mut self, conn: ConnRef) {
        self.selection.connection = Some(conn);
        self.tab = Tab::Ladder;
    }

    /// Opens the ladder of the selected packet's connection (the details' "Ladder" button).
    pub fn open_ladder_of_packet(&mut self) {
        let conn = {
            let data = self.store.read();
            let sel = Selection {
                connection: None,
                ..self.selection.clone()
            };
            ladder::connection_of(&data, &sel)
        };
        match conn {
            Some(c) => self.open_ladder(c),
            None => self.message = Some((tr!("msg-select-tcp"), true)),
        }
    }

    /// Starts the replay over `scope` from its first packet.
    pub fn start_replay(&mut self, scope: ReplayScope) {
        let data = self.store.read();
        self.replay.start(&data, &mut self.selection, scope);
    }

    /// Leaves the replay (every packet shown again).
    pub fn stop_replay(&mut self) {
        self.replay.stop(&mut self.selection);
    }

    /// Opens the guided tour on what is loaded (steps computed from its analysis).
    pub fn start_tour(&mut self) {
        self.answer_offer();
        let steps = tour::plan(&self.store.read());
        if steps.is_empty() {
            self.message = Some((tr!("tour-needs-demo"), true));
            return;
        }
        if self.tour.is_none() {
            self.before_tour = Some(BeforeTour {
                filter: self.filter.applied_text().unwrap_or_default().to_string(),
                connection: self.selection.connection,
                packet: self.selection.packet,
                tab: self.tab,
                framing: self.stream_view.framing,
            });
        }
        self.tour = Some(Tour { steps, current: 0 });
        self.go_tour_step(0);
    }

    /// Shows tour step `n`: selects its connection and packet, sets the replay cursor,
    /// highlights its packets and opens its view.
    pub fn go_tour_step(&mut self, n: usize) {
        let Some(step) = self.tour.as_mut().and_then(|t| {
            t.current = n.min(t.steps.len().saturating_sub(1));
            t.steps.get(t.current).cloned()
        }) else {
            return;
        };
        self.selection.connection = Some(step.conn);
        self.replay.start_at(
            &mut self.selection,
            ReplayScope::Connection(step.conn),
            step.until,
        );
        self.selection.select_packet(step.focus, true);
        self.ladder.highlight = step.highlight.clone();
        if let Some(&first) = step.highlight.iter().min() {
            self.ladder.reveal(first);
        }
        match step.view {
            TourView::Ladder => self.tab = Tab::Ladder,
            TourView::Stream => self.open_sticky_view(&step),
        }
    }

    /// The tour's sticky step: the connection's byte stream, where the burst shows as one
    /// segment carrying several messages.
    fn open_sticky_view(&mut self, step: &TourStep) {
        self.filter.set(&step.conn.filter());
        self.selection.connection = Some(step.conn);
        // Framed by the program's send() calls, the ribbon shows the messages the step
        // talks about inside the one segment (the bytes alone carry no boundaries).
        self.stream_view.framing = "calls";
        self.tab = Tab::Stream;
    }

    /// The welcome's offer was answered: not shown again (here, nor on later starts when the
    /// config folder is in use).
    pub(super) fn answer_offer(&mut self) {
        if self.offer_tour && self.recent_files {
            tour::remember_offered();
        }
        self.offer_tour = false;
    }

    /// Closes the tour and leaves its replay, so the whole capture shows again, and puts
    /// back what the tour changed: the display filter, the connection the ladder follows,
    /// the selected packet, the tab and the ribbon's framing.
    pub(super) fn close_tour(&mut self) {
        self.tour = None;
        self.ladder.highlight.clear();
        self.stop_replay();
        if let Some(before) = self.before_tour.take() {
            self.filter.set(&before.filter);
            self.selection.connection = before.connection;
            match before.packet {
                Some(p) => self.selection.select_packet(p, true),
                None => self.selection.packet = None,
            }
            self.tab = before.tab;
            self.stream_view.framing = before.framing;
        }
    }
}
