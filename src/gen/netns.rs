//! Netns mode (in progress).
use super::{GenOptions, Scenario};
use std::path::Path;
/// Runs a scenario with network namespaces.
pub fn run(_sc: Scenario, _o: &GenOptions, _w: Option<&Path>) -> anyhow::Result<String> {
    anyhow::bail!("live mode not built yet")
}
