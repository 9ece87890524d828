//! Unit tests of the engine with crafted packets.
