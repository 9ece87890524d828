//! Sorting the packet list by a column, as a click on Wireshark's column header does:
//! ascending, then descending, then back to capture order. The sort is stable (packets with
//! equal keys stay in capture order, in both directions) and works on the rows the display
//! filter and the replay cursor let through; the selection is a packet, so it survives.

use std::net::IpAddr;

use super::columns::{self, TimeMode};
use super::filter_bar::FilterState;
use super::store::StoreData;

/// A column of the packet list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    /// No.
    Number,
    /// Time (as the Time column shows it).
    Time,
    /// Source address.
    Source,
    /// Destination address.
    Destination,
    /// Protocol.
    Protocol,
    /// Length on the wire.
    Length,
    /// Info.
    Info,
}

impl SortColumn {
    /// The columns, left to right.
    pub const ALL: [SortColumn; 7] = [
        SortColumn::Number,
        SortColumn::Time,
        SortColumn::Source,
        SortColumn::Destination,
        SortColumn::Protocol,
        SortColumn::Length,
        SortColumn::Info,
    ];
}

/// The packet list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortOrder {
    /// The column sorted by.
    pub column: SortColumn,
    /// Largest first.
    pub descending: bool,
}

impl SortOrder {
    /// The order after a click on `column`'s header, from `current`: ascending, descending,
    /// then capture order again; another column starts ascending.
    pub fn after_click(current: Option<SortOrder>, column: SortColumn) -> Option<SortOrder> {
        match current {
            Some(o) if o.column == column && !o.descending => Some(SortOrder {
                column,
                descending: true,
            }),
            Some(o) if o.column == column => None,
            _ => Some(SortOrder {
                column,
                descending: false,
            }),
        }
    }
}

/// What one row sorts by: numbers as numbers, addresses as addresses (IPv4 before IPv6,
/// then anything that is not an IP address, as text).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Number(i128),
    Address(IpAddr),
    Text(String),
}

/// The shown rows in sorted order, kept until the order, the filter or the row count changes.
#[derive(Debug, Default)]
pub struct SortedRows {
    /// For what it was computed: order, filter generation, rows, time format.
    made_for: Option<(SortOrder, u64, usize, TimeMode)>,
    /// Store indices, in the order shown.
    rows: Vec<u32>,
    /// Shown position of each store index (`u32::MAX`: not shown).
    position: Vec<u32>,
}

impl SortedRows {
    /// Sorts the `n` rows `filter` shows by `order` unless that is already done.
    pub fn update(
        &mut self,
        order: SortOrder,
        data: &StoreData,
        filter: &FilterState,
        n: usize,
        time_mode: TimeMode,
    ) {
        let wanted = (order, filter.generation, n, time_mode);
        if self.made_for == Some(wanted) {
            return;
        }
        self.made_for = Some(wanted);
        let mut keyed: Vec<(Key, u32)> = (0..n)
            .filter_map(|r| filter.visible(r))
            .map(|i| (key(data, filter, i, order.column, time_mode), i as u32))
            .collect();
        // `sort_by` is stable: equal keys keep capture order whichever the direction.
        if order.descending {
            keyed.sort_by(|a, b| b.0.cmp(&a.0));
        } else {
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
        }
        self.rows = keyed.into_iter().map(|(_, i)| i).collect();
        self.position = vec![u32::MAX; data.len()];
        for (pos, &i) in self.rows.iter().enumerate() {
            if let Some(p) = self.position.get_mut(i as usize) {
                *p = pos as u32;
            }
        }
    }

    /// Store index of the `row`-th shown row.
    pub fn index(&self, row: usize) -> Option<usize> {
        self.rows.get(row).map(|&i| i as usize)
    }

    /// Shown position of store index `index`.
    pub fn row_of(&self, index: usize) -> Option<usize> {
        self.position
            .get(index)
            .filter(|&&p| p != u32::MAX)
            .map(|&p| p as usize)
    }

    /// Forgets the order (the list went back to capture order).
    pub fn clear(&mut self) {
        *self = SortedRows::default();
    }
}

/// The sort key of store index `i` in `column`.
fn key(
    data: &StoreData,
    filter: &FilterState,
    i: usize,
    column: SortColumn,
    time: TimeMode,
) -> Key {
    // Number, time and length come from the stored fields; the other columns need the
    // packet's bytes, read from the capture file.
    let Some(record) = data.record(i) else {
        return Key::Text(String::new());
    };
    let decoded = || data.packet(i);
    match column {
        SortColumn::Number => Key::Number(i128::from(record.number)),
        SortColumn::Time => {
            let ns = record.ts.map_or(0, |t| i128::from(t.as_nanos()));
            match time {
                TimeMode::Relative | TimeMode::Absolute => Key::Number(ns),
                // The delta to the packet before it in capture order, as the column shows.
                TimeMode::Delta => {
                    let prev = filter
                        .row_of(i)
                        .and_then(|r| r.checked_sub(1))
                        .and_then(|r| filter.visible(r))
                        .and_then(|p| data.record(p))
                        .and_then(|p| p.ts)
                        .map_or(ns, |t| i128::from(t.as_nanos()));
                    Key::Number(ns - prev)
                }
            }
        }
        SortColumn::Source | SortColumn::Destination => {
            let Some((_, packet)) = decoded() else {
                return Key::Text(String::new());
            };
            let (src, dst) = packet.address_columns();
            let text = if column == SortColumn::Source {
                src
            } else {
                dst
            };
            text.parse::<IpAddr>().map_or(Key::Text(text), Key::Address)
        }
        SortColumn::Protocol => {
            Key::Text(decoded().map_or_else(String::new, |(_, p)| p.protocol_column()))
        }
        SortColumn::Length => Key::Number(i128::from(record.len)),
        SortColumn::Info => {
            let Some((owned, packet)) = decoded() else {
                return Key::Text(String::new());
            };
            let a = data.analysis(i);
            let rich = data.rich(i);
            Key::Text(columns::info(&owned.as_frame(), &packet, &a, rich.as_ref()))
        }
    }
}
