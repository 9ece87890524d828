//! What a run with real sockets reports while it runs, so a viewer (the desktop's generator
//! panel) can show packets and calls as they happen rather than after the run.

use crate::calls::Call;
use crate::capture::OwnedFrame;

/// One thing a run reports as it happens.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// A frame the capture kept (numbered in capture order from 1).
    Frame(OwnedFrame),
    /// A socket call that returned.
    Call(Call),
}

/// Where a run sends its [`LiveEvent`]s; a closed receiver is ignored (the run goes on).
pub type Tap = std::sync::mpsc::Sender<LiveEvent>;
