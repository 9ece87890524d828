//! The messages table (`synack stream --format parquet`): one row per message that the
//! framing cut from a reassembled TCP direction, with the connection it belongs to, the
//! frames that carried it and the time from its first byte to its completion (what `synack
//! stream --json` prints as `message` objects).

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Int32Builder, Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::packets::{micros, utc_micros};
use crate::analysis::{community_id_v1, Direction};
use crate::stream::follow::{ConnMessages, FollowedConn};

/// The messages table's schema.
pub fn messages_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("ts", utc_micros(), true),
        Field::new("stream", DataType::Int64, false),
        Field::new("community_id", DataType::Utf8, true),
        Field::new("client_h", DataType::Utf8, false),
        Field::new("client_p", DataType::Int32, false),
        Field::new("server_h", DataType::Utf8, false),
        Field::new("server_p", DataType::Int32, false),
        Field::new("framing", DataType::Utf8, false),
        Field::new("dir", DataType::Utf8, false),
        Field::new("index", DataType::Int64, false),
        Field::new("proto", DataType::Utf8, false),
        Field::new("offset", DataType::Int64, false),
        Field::new("len", DataType::Int64, false),
        Field::new("first_frame", DataType::Int64, true),
        Field::new("complete_frame", DataType::Int64, true),
        Field::new("frames", DataType::Int64, false),
        Field::new("split", DataType::Boolean, false),
        Field::new("until_close", DataType::Boolean, false),
        Field::new("complete_ts", utc_micros(), true),
        Field::new("span_ns", DataType::Int64, true),
    ]))
}

/// Rows gathered until [`MessagesTable::take_batch`].
#[derive(Debug)]
pub struct MessagesTable {
    ts: TimestampMicrosecondBuilder,
    stream: Int64Builder,
    community_id: StringBuilder,
    client_h: StringBuilder,
    client_p: Int32Builder,
    server_h: StringBuilder,
    server_p: Int32Builder,
    framing: StringBuilder,
    dir: StringBuilder,
    index: Int64Builder,
    proto: StringBuilder,
    offset: Int64Builder,
    len: Int64Builder,
    first_frame: Int64Builder,
    complete_frame: Int64Builder,
    frames: Int64Builder,
    split: BooleanBuilder,
    until_close: BooleanBuilder,
    complete_ts: TimestampMicrosecondBuilder,
    span_ns: Int64Builder,
    rows: usize,
}

impl Default for MessagesTable {
    fn default() -> Self {
        MessagesTable::new()
    }
}

impl MessagesTable {
    /// An empty table.
    pub fn new() -> MessagesTable {
        MessagesTable {
            ts: TimestampMicrosecondBuilder::new().with_data_type(utc_micros()),
            stream: Int64Builder::new(),
            community_id: StringBuilder::new(),
            client_h: StringBuilder::new(),
            client_p: Int32Builder::new(),
            server_h: StringBuilder::new(),
            server_p: Int32Builder::new(),
            framing: StringBuilder::new(),
            dir: StringBuilder::new(),
            index: Int64Builder::new(),
            proto: StringBuilder::new(),
            offset: Int64Builder::new(),
            len: Int64Builder::new(),
            first_frame: Int64Builder::new(),
            complete_frame: Int64Builder::new(),
            frames: Int64Builder::new(),
            split: BooleanBuilder::new(),
            until_close: BooleanBuilder::new(),
            complete_ts: TimestampMicrosecondBuilder::new().with_data_type(utc_micros()),
            span_ns: Int64Builder::new(),
            rows: 0,
        }
    }

    /// Rows gathered since the last batch.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Adds the messages of one connection, direction by direction (`c2s` first), in stream
    /// order. `complete_frame` is the frame that completed the message: its last frame, or
    /// the FIN for a message that ends only with the connection (`until_close`).
    pub fn push_connection(&mut self, conn: &FollowedConn, msgs: &ConnMessages) {
        let cid = community_id_v1(
            0,
            6,
            conn.client.ip(),
            conn.client.port(),
            conn.server.ip(),
            conn.server.port(),
        );
        let framing = msgs.framing.to_string();
        for dir in [Direction::ClientToServer, Direction::ServerToClient] {
            let d = &msgs.dirs[dir.index()];
            let store = &conn.dirs[dir.index()].store;
            for (i, (msg, m)) in d.framed.messages.iter().zip(&d.marks.messages).enumerate() {
                self.rows += 1;
                self.ts.append_option(micros(m.first_ts));
                self.stream.append_value(i64::from(conn.stream));
                self.community_id.append_option(cid.as_deref());
                self.client_h.append_value(conn.client.ip().to_string());
                self.client_p.append_value(i32::from(conn.client.port()));
                self.server_h.append_value(conn.server.ip().to_string());
                self.server_p.append_value(i32::from(conn.server.port()));
                self.framing.append_value(&framing);
                self.dir.append_value(dir.short());
                self.index.append_value(i as i64);
                self.proto.append_value(msg.proto);
                self.offset.append_value(msg.offset as i64);
                self.len.append_value(msg.len as i64);
                self.first_frame
                    .append_option(m.frames.first().map(|&f| f as i64));
                let complete = if msg.until_close {
                    store.fin_frame.or(m.frames.last().copied())
                } else {
                    m.frames.last().copied()
                };
                self.complete_frame
                    .append_option(complete.map(|f| f as i64));
                self.frames.append_value(m.frames.len() as i64);
                self.split.append_value(m.split);
                self.until_close.append_value(msg.until_close);
                self.complete_ts.append_option(micros(m.complete_ts));
                self.span_ns.append_option(m.span_ns());
            }
        }
    }

    /// The rows gathered so far as a batch; the table starts empty again.
    pub fn take_batch(&mut self) -> RecordBatch {
        self.rows = 0;
        let cols: Vec<ArrayRef> = vec![
            Arc::new(self.ts.finish()),
            Arc::new(self.stream.finish()),
            Arc::new(self.community_id.finish()),
            Arc::new(self.client_h.finish()),
            Arc::new(self.client_p.finish()),
            Arc::new(self.server_h.finish()),
            Arc::new(self.server_p.finish()),
            Arc::new(self.framing.finish()),
            Arc::new(self.dir.finish()),
            Arc::new(self.index.finish()),
            Arc::new(self.proto.finish()),
            Arc::new(self.offset.finish()),
            Arc::new(self.len.finish()),
            Arc::new(self.first_frame.finish()),
            Arc::new(self.complete_frame.finish()),
            Arc::new(self.frames.finish()),
            Arc::new(self.split.finish()),
            Arc::new(self.until_close.finish()),
            Arc::new(self.complete_ts.finish()),
            Arc::new(self.span_ns.finish()),
        ];
        RecordBatch::try_new(messages_schema(), cols).expect("the columns match the schema")
    }
}
