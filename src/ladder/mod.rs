//! The ladder diagram of one connection, without a window: client and server as two time
//! lines, one arrow per segment placed where it physically travelled, each side's TCP state
//! where it changes, the handshake and the teardown bracketed, losses, ghosts of segments
//! never captured, idle gaps, and runs of similar segments summarized.
//!
//! A consumer of the analysis: [`input`] turns the engine's annotations into records,
//! [`timing`] finds when each segment left and arrived (so that no answer leaves before its
//! question arrived), [`model`] holds the content, [`layout`] places it (labels included),
//! [`paint`] draws it on any [`crate::figure::Canvas`] (the desktop view's screen, or SVG),
//! and [`export`] writes JSON, Mermaid and PlantUML. `synack ladder` and the desktop view's
//! Ladder tab both draw from here, so the two show the same thing.

pub mod calls;
pub mod export;
pub mod input;
pub mod kernel;
pub mod layout;
pub mod model;
pub mod paint;
pub mod timing;
pub mod words;

pub use input::{collect, collect_from, Collected, ConnInfo, Seen, TcpSeen};
pub use layout::Geometry;
pub use model::{ArrowKind, End, Fate, LadderModel};
pub use timing::Delays;

/// A capture's ladder (its first TCP connection, else its first UDP one) with the calls of
/// the trace beside it marked; `None` without either. For the tests that hold every lesson's
/// ladder to an invariant.
#[cfg(test)]
pub(crate) fn ladder_with_calls(path: &std::path::Path) -> Option<model::LadderModel> {
    use crate::analysis::FlowProto;
    let got = [FlowProto::Tcp, FlowProto::Udp]
        .into_iter()
        .filter_map(|proto| collect(path, proto, 0).ok())
        .find(|got| got.info.is_some())?;
    let mut model = model::LadderModel::build(got.info?, &got.seen);
    let trace = crate::calls::read_beside(path).ok()??;
    calls::add_call_notes(&mut model, &trace);
    Some(model)
}

/// The shipped lesson captures (`captures/*.pcap`) whose ladder has calls: path and ladder.
#[cfg(test)]
pub(crate) fn lesson_ladders() -> Vec<(std::path::PathBuf, model::LadderModel)> {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/captures"));
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .expect("captures/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pcap"))
        .filter_map(|p| ladder_with_calls(&p).map(|m| (p, m)))
        .filter(|(_, m)| !m.side_notes.is_empty())
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
