//! `cc-compare`: the same bulk transfer once per congestion control algorithm the kernel
//! offers (cubic and reno first, then bbr and the others), one connection after the other;
//! each sender sets its algorithm with `setsockopt(TCP_CONGESTION)` before it sends.
//! Through the router's loss (`--netns --loss 1`) and its bottleneck (20 Mbit/s unless
//! `--rate` says otherwise; a token bucket with a 50 ms queue), their windows, their
//! recoveries and the queueing delay they cause differ; the Graphs tab puts the
//! connections' graphs side by side. Real kernels only: the synthetic wire has no
//! congestion control to compare.

use super::shared::transfers_in_turn;
use super::{Scripted, Stage};

/// What the lesson teaches.
const TEACHES: &str = "the same transfer with each congestion control algorithm (TCP_CONGESTION): \
     their windows, recoveries and queueing delays differ";

/// Bytes each connection sends.
pub(crate) const BYTES: usize = 300_000;

/// The router's rate towards the server when `--rate` gives none, Mbit/s.
const RATE_MBIT: u32 = 20;

/// The same transfer once per algorithm.
pub(super) static LESSON: Scripted = Scripted::kernels_only(TEACHES, RATE_MBIT, run);

/// The algorithms compared, in this order: cubic and reno (every Linux has them), then the
/// others `offered` (bbr, ...) as the kernel lists them.
pub(crate) fn algorithms(offered: &[String]) -> Vec<String> {
    let first = ["cubic", "reno"];
    let mut out: Vec<String> = first
        .into_iter()
        .filter(|a| offered.iter().any(|o| o == a))
        .map(str::to_owned)
        .collect();
    out.extend(
        offered
            .iter()
            .filter(|o| !first.contains(&o.as_str()))
            .cloned(),
    );
    out
}

/// Connection `n` (1-based) sends [`BYTES`] with the `n`-th algorithm, one after the other.
fn run(stage: &Stage) -> anyhow::Result<()> {
    let algorithms = algorithms(&crate::gen::available_congestion_control());
    if algorithms.is_empty() {
        anyhow::bail!("this kernel lists no congestion control algorithm");
    }
    transfers_in_turn(stage, algorithms.len() as u32, BYTES, &|conn, c| {
        c.set_congestion(&algorithms[conn as usize - 1])
    })
}

#[cfg(test)]
mod tests {
    use super::algorithms;

    #[test]
    fn cubic_and_reno_come_first_then_the_others_as_offered() {
        let offered: Vec<String> = ["reno", "bbr", "cubic", "vegas"].map(String::from).to_vec();
        assert_eq!(algorithms(&offered), ["cubic", "reno", "bbr", "vegas"]);
        assert_eq!(algorithms(&["bbr".to_string()]), ["bbr"]);
        assert!(algorithms(&[]).is_empty());
    }
}
