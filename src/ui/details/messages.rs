//! The application messages a TCP segment carries, for the details' analysis section:
//! the selected packet's connection is reassembled and framed once, then kept.

use std::collections::HashMap;

use crate::stream::follow::{frame_connection, frame_events, FramingChoice, StickyEvent};
use crate::ui::store::StoreData;

use crate::pipeline::details::{messages_node, messages_skipped, Node};

/// The application messages of one TCP connection, per frame: reassembled and framed when
/// the connection is first selected, then kept until another connection is.
#[derive(Debug, Default)]
pub(super) struct MessagesCache {
    /// The TCP stream the cache holds.
    pub stream: Option<u32>,
    framing: String,
    events: HashMap<u64, Vec<StickyEvent>>,
    skipped: Option<String>,
}

impl MessagesCache {
    /// Reassembles and frames TCP stream `stream` from the store: the connection's frames go
    /// through a fresh engine (where it is stream 0) and the stream module's follower.
    pub(super) fn compute(data: &StoreData, stream: u32) -> MessagesCache {
        let mut cache = MessagesCache {
            stream: Some(stream),
            ..MessagesCache::default()
        };
        let follower = match crate::ui::conn_messages::follow_tcp(data, stream) {
            Ok(f) => f,
            Err(packets) => {
                cache.skipped = Some(crate::i18n::text_in(
                    crate::i18n::lang(),
                    "details-messages-too-large",
                    &[("packets", packets.into())],
                ));
                return cache;
            }
        };
        if let Some(conn) = follower.as_ref().and_then(|f| f.get(0)) {
            let msgs = frame_connection(conn, FramingChoice::Auto);
            cache.framing = msgs.framing.to_string();
            frame_events(conn, &msgs, &mut cache.events);
        }
        cache
    }

    /// The "Messages" node of frame number `frame`.
    pub(super) fn node(&self, frame: u64) -> Node {
        match &self.skipped {
            Some(why) => messages_skipped(why),
            None => messages_node(
                Some(&self.framing),
                self.events.get(&frame).map_or(&[][..], Vec::as_slice),
            ),
        }
    }
}
