//! A build without the desktop view (`cargo test --no-default-features --features cli`, as the fuzz crate
//! and servers build synack): `synack view` says what is missing, and `synack` without
//! arguments lists the built-in demo in the terminal. With the `gui` feature on, this file
//! holds no test (the window is covered by tests/ui_kittest.rs).

#![cfg(not(feature = "gui"))]

use std::process::Command;

fn synack(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("synack runs")
}

#[test]
fn view_says_the_build_has_no_desktop_view() {
    let out = synack(&["view", "captures/demo.pcap", "-Y", "tcp"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("built without the desktop view"), "{err}");
    assert!(err.contains("gui"), "{err}");
}

#[test]
fn no_arguments_lists_the_demo_frames_then_its_connections() {
    let out = synack(&[]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    // The demo's frames (numbered from 1), then the flows table of its three connections.
    let first = text.lines().next().unwrap_or("");
    assert!(first.trim_start().starts_with("1 "), "{first}");
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("stream"))
        .collect();
    assert_eq!(table.len(), 4, "{text}");
    assert!(
        table[1].contains("four_way") && table[3].contains("rejected"),
        "{text}"
    );
}
