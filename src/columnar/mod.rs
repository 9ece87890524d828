//! Columnar output for engines beyond one machine: synack's tables as Apache Parquet (and
//! CSV and JSON Lines with the same columns), written with the Apache Arrow crates, so Spark,
//! DuckDB, Trino or pandas read them as they read Zeek's logs.
//!
//! - [`flows_batch`]: one row per connection, Zeek conn.log's columns (`ts, uid, id_orig_h,
//!   ...`, dots flattened to `_`), the Community ID v1 flow hash, then synack's TCP health
//!   (handshake RTT, every analysis flag's count, messages and sticky-packet counts, close
//!   pattern, what limited each sender);
//! - [`PacketsTable`]: one row per frame (`synack read --format parquet`);
//! - [`MessagesTable`]: one row per framed message (`synack stream --format parquet`);
//! - [`TableWriter`]: a table, batch by batch, to one file, or with [`Partition::Hour`] to a
//!   Hive-partitioned dataset (`OUT/date=2026-12-05/hour=17/part-0.parquet`) that engines
//!   prune by time.

mod flows;
mod messages;
mod packets;
mod write;

pub use flows::{connection_community_id, connection_uid, flows_batch, flows_schema, ZEEK_COLUMNS};
pub use messages::{messages_schema, MessagesTable};
pub use packets::{packets_schema, PacketsTable};
pub use write::{hour_of, write_table, Format, Partition, TableWriter, WriteError};

/// Rows per batch for the tables written while a capture is read (packets, messages): a
/// Parquet row group's worth or less, small next to a capture.
pub const BATCH_ROWS: usize = 1 << 16;
