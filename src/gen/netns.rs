//! Netns mode (in progress).
use super::{live::LiveRun, GenOptions, Scenario};
/// Runs a scenario between namespaces.
pub fn run(_sc: Scenario, _o: &GenOptions) -> anyhow::Result<LiveRun> {
    anyhow::bail!("netns mode not built yet")
}
