//! `rst-abort`: close() with SO_LINGER 0 aborts with RST: no FIN, no TIME_WAIT, and the
//! peer's next call fails with ECONNRESET.

use std::io;

use super::shared::{echo_round, opened, pause, HALF_RTT};
use super::Scripted;
use crate::calls::CallKind;
use crate::gen::socket::Sock;
use crate::gen::synth::{Sim, C, S};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "close() with SO_LINGER 0 aborts with RST: no FIN, no TIME_WAIT, the peer gets ECONNRESET";

/// `close()` with `SO_LINGER` 0: abort with RST.
pub(super) static LESSON: Scripted = Scripted::tcp(TEACHES, synthetic, server, client);

/// The message echoed before the abort.
const MESSAGE: &[u8] = b"about to abort\n";

/// Synthetic: an echo, `SO_LINGER {1, 0}`, close: one RST.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = opened(sim, 7070);
    echo_round(sim, &mut c, MESSAGE);
    sim.wait_ms(1);
    sim.call(&c, C, CallKind::Setsockopt, &[], None);
    sim.calls.note_last("SO_LINGER {l_onoff: 1, l_linger: 0}");
    sim.call(&c, C, CallKind::Close, &[], None);
    sim.rst(&mut c, C);
    sim.wait_us(HALF_RTT);
    sim.app_recv(&mut c, S, b"");
    sim.calls.fail_last("ECONNRESET");
    sim.call(&c, S, CallKind::Close, &[], None);
}

/// The real server echoes once, then reads again: the abort makes that fail.
fn server(mut s: Sock) -> io::Result<()> {
    let m = s.recv(1024)?;
    s.send(&m)?;
    // The client aborts: this recv fails with ECONNRESET.
    let _ = s.recv(1024);
    s.close();
    Ok(())
}

/// The real client reads its echo, sets `SO_LINGER {1, 0}` and closes.
fn client(mut c: Sock) -> io::Result<()> {
    c.send(MESSAGE)?;
    c.recv_exact(MESSAGE.len())?;
    pause(5);
    c.set_linger_zero()?;
    c.close();
    Ok(())
}
