//! Which connection a packet belongs to when VLAN stacks differ.
//!
//! Connections are keyed by protocol, both endpoints and the VLAN stack of their first packet
//! ([`ConnKey`]), so the common case (untagged, or both directions tagged alike) is one table
//! lookup. A packet whose key misses may still belong to a connection seen under another
//! stack: a trunk where replies come back untagged, or each direction on its own VLAN. The
//! rule (README, "Connections"):
//!
//! - each connection learns one VLAN stack per direction, from the first packet that goes
//!   that way;
//! - a packet belongs to a connection with the same endpoints when its direction has not been
//!   seen yet, or was seen with the same stack;
//! - otherwise it starts a connection of its own: the same endpoints on two VLANs, each
//!   direction tagged consistently, are two connections (tshark merges them).
//!
//! The other stack of a connection is remembered as an alias of its key, so its later
//! packets cost two lookups. Tagged connections are indexed by their endpoints; both indexes
//! shrink with the connection table (eviction and port reuse remove their entries).

use std::collections::HashMap;
use std::net::SocketAddr;

use foldhash::fast::RandomState;

use super::conn::Connection;
use super::key::ConnKey;
use crate::decode::Vlans;

/// The indexes for connections seen under more than one VLAN stack.
#[derive(Debug, Default)]
pub(crate) struct StackIndex {
    /// A packet key → the key of the connection it belongs to (its other direction's stack).
    aliases: HashMap<ConnKey, ConnKey, RandomState>,
    /// Endpoints (key without VLANs) → keys of live connections first seen tagged.
    tagged: HashMap<ConnKey, Vec<ConnKey>, RandomState>,
}

fn untagged(key: ConnKey) -> ConnKey {
    ConnKey {
        vlan: Vlans::default(),
        ..key
    }
}

/// True when a packet from `src` with this VLAN stack may belong to `c`: its direction has
/// not been seen, or was seen with the same stack.
fn fits(c: &Connection, vlan: Vlans, src: SocketAddr) -> bool {
    match c.vlan_seen[c.direction_of(src).index()] {
        None => true,
        Some(v) => v == vlan,
    }
}

impl StackIndex {
    /// The live connection that a packet from `src`, whose own key `key` is not in `live`,
    /// belongs to under the rule above; it learns the packet's stack for that direction.
    /// `None`: the packet starts a new connection.
    pub(crate) fn resolve(
        &mut self,
        live: &mut HashMap<ConnKey, Connection, RandomState>,
        key: ConnKey,
        src: SocketAddr,
    ) -> Option<ConnKey> {
        if let Some(&target) = self.aliases.get(&key) {
            if live.get(&target).is_some_and(|c| fits(c, key.vlan, src)) {
                return Some(target);
            }
            self.aliases.remove(&key);
            return None;
        }
        let plain = untagged(key);
        let mut found = None;
        if !key.vlan.is_empty() && live.get(&plain).is_some_and(|c| fits(c, key.vlan, src)) {
            found = Some(plain);
        }
        if found.is_none() {
            if let Some(keys) = self.tagged.get(&plain) {
                found = keys
                    .iter()
                    .copied()
                    .find(|k| *k != key && live.get(k).is_some_and(|c| fits(c, key.vlan, src)));
            }
        }
        let target = found?;
        let c = live.get_mut(&target).expect("checked above");
        let d = c.direction_of(src).index();
        c.vlan_seen[d] = Some(key.vlan);
        if let Some(old) = c.alias.replace(key) {
            self.aliases.remove(&old);
        }
        self.aliases.insert(key, target);
        Some(target)
    }

    /// A connection was added to the live table under `key`.
    pub(crate) fn inserted(&mut self, key: ConnKey) {
        if !key.vlan.is_empty() {
            self.tagged.entry(untagged(key)).or_default().push(key);
        }
    }

    /// The connection under `key` left the live table (evicted or replaced).
    pub(crate) fn removed(&mut self, key: ConnKey, c: &Connection) {
        if let Some(alias) = c.alias {
            if self.aliases.get(&alias) == Some(&key) {
                self.aliases.remove(&alias);
            }
        }
        if key.vlan.is_empty() {
            return;
        }
        let plain = untagged(key);
        if let Some(keys) = self.tagged.get_mut(&plain) {
            keys.retain(|k| *k != key);
            if keys.is_empty() {
                self.tagged.remove(&plain);
            }
        }
    }
}
