//! Every colour a desktop view gives a meaning to, in one place: a retransmission is the same
//! red wherever it is drawn, a colour two views share says they show the same thing, and a
//! reader finds what a colour means without hunting through the views. (The ladder's colours
//! live with its painter in `ladder::paint`, since its SVG export runs without the GUI; the
//! packet list's are its colouring rules, in `ui::colors`.)

use egui::Color32;

// The stream graphs (time-sequence, throughput, round-trip time).

/// Data segments.
pub const SEGMENT: Color32 = Color32::from_rgb(40, 90, 200);
/// Retransmissions.
pub const RETRANSMISSION: Color32 = Color32::from_rgb(220, 30, 30);
/// Out-of-order segments.
pub const OUT_OF_ORDER: Color32 = Color32::from_rgb(230, 140, 0);
/// "Previous segment not captured" marks.
pub const LOST: Color32 = Color32::from_rgb(200, 0, 160);
/// The ACK line.
pub const ACK: Color32 = Color32::from_rgb(20, 150, 60);
/// The receive-window line.
pub const WINDOW: Color32 = Color32::from_rgb(170, 140, 0);
/// SACK blocks.
pub const SACK: Color32 = Color32::from_rgb(140, 60, 210);
/// Goodput: the bytes the receiver acknowledged, in the ACK line's green.
pub const GOODPUT: Color32 = ACK;

// The kernel's lines over the graphs and in the panel under them.

/// The kernel's congestion window.
pub const CWND: Color32 = Color32::from_rgb(0, 160, 170);
/// The kernel's slow-start threshold.
pub const SSTHRESH: Color32 = Color32::from_rgb(120, 120, 120);
/// Bytes in flight as the kernel counts them.
pub const IN_FLIGHT_KERNEL: Color32 = Color32::from_rgb(230, 120, 20);
/// Bytes in flight as the wire shows them (`tcp.analysis.bytes_in_flight`): the data
/// segments' blue, since both come from the capture.
pub const IN_FLIGHT_WIRE: Color32 = SEGMENT;
/// Smoothed RTT, in the ACK line's green: it is measured from the ACKs.
pub const SRTT: Color32 = ACK;
/// Retransmission timeout, in the magenta of lost segments: the timer fires when one is lost.
pub const RTO: Color32 = LOST;

// The byte-stream ribbon (segments against messages).

/// Segments.
pub const RIBBON_SEGMENT: Color32 = Color32::from_rgb(150, 180, 225);
/// Coalesced segments (several messages in one segment).
pub const COALESCED: Color32 = Color32::from_rgb(245, 150, 40);
/// Messages.
pub const MESSAGE: Color32 = Color32::from_rgb(130, 195, 130);
/// Split messages (one message over several segments).
pub const SPLIT: Color32 = Color32::from_rgb(180, 110, 220);
/// Messages cut by a gap or the end.
pub const INCOMPLETE: Color32 = Color32::from_rgb(235, 215, 100);
/// Bytes the framing cannot explain.
pub const UNPARSED: Color32 = Color32::from_rgb(235, 140, 140);
/// Gaps (bytes never captured).
pub const GAP: Color32 = Color32::from_gray(170);
/// `send()` calls.
pub const SEND_CALL: Color32 = Color32::from_rgb(80, 170, 180);
/// `recv()` calls.
pub const RECV_CALL: Color32 = Color32::from_rgb(175, 165, 80);

// Follow TCP/UDP stream, in Wireshark's colours.

/// Client text (Wireshark's dark red).
pub const CLIENT_TEXT: Color32 = Color32::from_rgb(0x9e, 0x1c, 0x1c);
/// Client text background (Wireshark's pink).
pub const CLIENT_BG: Color32 = Color32::from_rgb(0xfb, 0xed, 0xed);
/// Server text (Wireshark's dark blue).
pub const SERVER_TEXT: Color32 = Color32::from_rgb(0x1c, 0x1c, 0x9e);
/// Server text background (Wireshark's light blue).
pub const SERVER_BG: Color32 = Color32::from_rgb(0xed, 0xed, 0xfb);
