//! The application messages a TCP segment carries, for the details' analysis section:
//! the selected packet's connection is reassembled and framed once, then kept.

use std::collections::HashMap;

use crate::analysis::{Config, FlowProto};
use crate::pipeline::Pipeline;
use crate::stream::follow::{
    frame_connection, frame_events, FollowLimits, Follower, FramingChoice, StickyEvent,
};
use crate::ui::store::StoreData;

use crate::pipeline::details::{messages_node, messages_skipped, Node};

/// Connections larger than this are not reassembled on selection (it would stall a frame).
const MAX_FOLLOW_PACKETS: usize = 200_000;

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
        let indices = data.connection_frames(FlowProto::Tcp, stream);
        if indices.len() > MAX_FOLLOW_PACKETS {
            cache.skipped = Some(crate::i18n::text_in(
                crate::i18n::lang(),
                "details-messages-too-large",
                &[("packets", indices.len().into())],
            ));
            return cache;
        }
        let mut pipeline = Pipeline::new(Config::default())
            .following(Follower::new(Some(0), FollowLimits::default()));
        for &i in indices {
            if let Some((owned, packet)) = data.packet(i as usize) {
                let frame = owned.as_frame();
                pipeline.decoded(&frame, &packet);
            }
        }
        let (_, follower) = pipeline.finish();
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
