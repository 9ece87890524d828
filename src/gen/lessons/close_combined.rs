//! `close-combined`: a peer that closes as soon as it reads end of stream, inside its
//! delayed-ACK time, piggy-backs its ACK on its FIN: a three-segment close. The client is
//! `close-client-first`'s; only the server's haste differs.

use super::close_client_first::{client, until_quit};
use super::shared::{close3, echo_server};
use super::Scripted;
use crate::gen::synth::{Sim, C};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "a peer that closes at once piggy-backs its ACK on its FIN: a three-segment close";

/// The peer's ACK piggy-backed on its FIN.
pub(super) static LESSON: Scripted = Scripted::tcp(TEACHES, synthetic, echo_server, client);

/// Synthetic: an echoed "quit", then the client's close answered by FIN+ACK.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = until_quit(sim);
    close3(sim, &mut c, C);
}
