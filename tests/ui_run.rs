//! The generator panel's *Run a program* driven headless with egui_kittest: the course's
//! echo pair runs traced in a namespace of its own while the test steps frames; its packets
//! and calls must reach the store while it runs, the first connection's ladder must open by
//! itself with the calls marked on it, and the details must name the send() behind the
//! data. Checked against the programs' own output (what they printed they sent) and the
//! capture's bytes, not the panel's code. Needs root (namespaces, ptrace, capture) and
//! python3; skipped with a printed reason otherwise.

mod ui_common;

use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use synack::analysis::{Direction, FlowProto};
use synack::ladder::model::End;
use synack::ui::gen_runner::Phase;
use synack::ui::{StartSource, SynackApp, Tab, ViewOptions};

fn cannot_run() -> Option<&'static str> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Some("needs root (network namespaces, ptrace, capture)");
    }
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        return Some("needs python3");
    }
    None
}

/// The window on the *Run a program* page.
fn run_page() -> Harness<'static, SynackApp> {
    let mut h = ui_common::harness(
        ViewOptions::new(StartSource::Demo),
        egui::vec2(1500.0, 1100.0),
    );
    h.get_by_label("Generator").click();
    h.run_steps(2);
    h.get_by_label("Run a program").click();
    h.run_steps(2);
    assert_eq!(h.state().tab, Tab::Generator);
    h
}

#[test]
fn the_echo_pair_streams_its_packets_and_calls_and_opens_its_ladder_with_them() {
    if let Some(why) = cannot_run() {
        eprintln!("SKIPPED run page: {why}");
        return;
    }
    let mut h = run_page();
    {
        let form = &mut h.state_mut().generator.form;
        form.dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/course").to_owned();
        form.server = "python3 echo_server.py --clients 1".to_owned();
        // The client's shell stays a while after the exchange: the run is still going when
        // its packets and calls must already be in the window.
        form.clients = vec!["python3 echo_client.py hello 你好 && sleep 2".to_owned()];
    }
    h.run_steps(2);
    h.get_by_label("Run").click();
    h.run_steps(2);
    // Step until the run ends, noting what the store held while the programs still ran.
    let start = Instant::now();
    let mut streamed = false;
    loop {
        h.run_steps(1);
        let app = h.state();
        let run = app.generator.program.as_ref().expect("a run was started");
        let st = run.status();
        if st.phase != Phase::Running {
            break;
        }
        let data = app.store.read();
        let calls = data.calls.as_ref().map_or(0, |t| t.calls.len());
        streamed |= !data.is_empty() && calls > 0;
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the run did not end"
        );
        drop(data);
        std::thread::sleep(Duration::from_millis(5));
    }
    h.run_steps(3);
    let app = h.state();
    let st = app.generator.program.as_ref().unwrap().status();
    assert_eq!(st.phase, Phase::Done, "{:?}", st);
    assert!(
        streamed,
        "packets and calls reached the window while it ran"
    );
    // Both programs ran and ended by themselves; their output came into the panel.
    let pids: Vec<i32> = st
        .programs
        .iter()
        .map(|p| p.pid.expect("started"))
        .collect();
    assert_eq!(st.programs.len(), 2);
    for p in &st.programs {
        assert_eq!(p.exit, Some(synack::trace::ProgramExit::Code(0)), "{p:?}");
    }
    let said: Vec<&str> = st
        .output
        .iter()
        .filter(|(a, _)| a == "client")
        .map(|(_, l)| l.as_str())
        .collect();
    assert!(said.contains(&"client: sent 5 bytes"), "{said:?}");
    assert!(said.contains(&"client: sent 6 bytes"), "{said:?}");
    // The calls: the client's two sends, 5 and 6 bytes at offsets 0 and 5, by its pid.
    let data = app.store.read();
    let trace = data.calls.as_ref().expect("the run's calls");
    let sends: Vec<_> = trace
        .calls
        .iter()
        .filter(|c| c.actor == "client" && c.call == synack::calls::CallKind::Send)
        .collect();
    assert_eq!(
        sends
            .iter()
            .map(|c| (c.bytes, c.offset))
            .collect::<Vec<_>>(),
        [(5, Some(0)), (6, Some(5))]
    );
    // Made by the client's Python (a child of its shell, the program started), not by the
    // server.
    let sender = sends[0].traced.as_ref().expect("traced fields");
    assert_eq!(sender.comm, "python3");
    assert_ne!(sender.pid, pids[0]);
    let client_pid = sender.pid;
    let server_pid = trace
        .calls
        .iter()
        .find(|c| c.actor == "server" && c.call == synack::calls::CallKind::Recv)
        .and_then(|c| c.traced.as_ref())
        .map(|t| t.pid)
        .expect("the server's recv()");
    assert_ne!(server_pid, client_pid);
    assert!(sends
        .iter()
        .all(|c| c.traced.as_ref().map(|t| t.pid) == Some(client_pid)));
    // The frames that carry "hello" and "你好": client-to-server data of stream 0.
    let data_frames: Vec<(usize, u64, Vec<u8>)> = (0..data.len())
        .filter_map(|i| {
            let a = data.analysis(i);
            let f = a.flow?;
            let tcp = a.tcp?;
            if f.proto != FlowProto::Tcp || f.direction != Direction::ClientToServer || tcp.len == 0
            {
                return None;
            }
            let (frame, packet) = data.packet(i)?;
            Some((i, frame.number, packet.payload(&frame.data).to_vec()))
        })
        .collect();
    assert_eq!(
        data_frames.iter().map(|d| d.2.clone()).collect::<Vec<_>>(),
        [b"hello".to_vec(), "你好".as_bytes().to_vec()]
    );
    // The ladder of the first connection opened by itself, with the calls on it.
    assert_eq!(app.tab, Tab::Ladder);
    let conn = app.selection.connection.expect("its connection was opened");
    assert_eq!((conn.proto, conn.stream), (FlowProto::Tcp, 0));
    let model = app.ladder.model().expect("the ladder is built");
    let notes: Vec<(End, &str)> = model
        .side_notes
        .iter()
        .map(|n| (n.end, n.text.as_str()))
        .collect();
    for (k, len) in [(0, 5), (1, 6)] {
        let want = format!("send({len}) → frame {}", data_frames[k].1);
        assert!(
            notes.contains(&(End::Client, want.as_str())),
            "{want} in {notes:?}"
        );
        let got = format!("recv → {len} bytes");
        assert!(
            notes.contains(&(End::Server, got.as_str())),
            "{got} in {notes:?}"
        );
    }
    assert!(notes.contains(&(End::Client, "close()")), "{notes:?}");
    assert!(
        notes.contains(&(End::Server, "recv → 0 (end of stream)")),
        "{notes:?}"
    );
    // Each mark sits on its side's line no later than the segment it made.
    let (hello_row, _) = model
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.number == data_frames[0].1)
        .unwrap();
    let mark = model
        .side_notes
        .iter()
        .find(|n| n.text.starts_with("send(5)"))
        .unwrap();
    assert!(mark.t_ns <= model.rows[hello_row].t_ns);
    drop(data);
    // The details of the second data segment name the send() and the recv() behind it.
    let second = data_frames[1].0;
    h.state_mut().selection.packet = Some(second);
    h.state_mut().tab = Tab::Packets;
    h.run_steps(3);
    let written = format!(
        "These bytes were written by send() #2 of client pid {client_pid} (bytes 1–6 of its 6)"
    );
    h.get_by_label(&written);
    h.get_by_label(&format!(
        "Read by recv() #2 of server pid {server_pid} (bytes 1–6 of its 6)"
    ));
}

#[test]
fn the_form_refuses_what_cannot_run_and_says_why() {
    let mut h = run_page();
    {
        let form = &mut h.state_mut().generator.form;
        form.server.clear();
        form.clients.clear();
    }
    h.run_steps(2);
    h.get_by_label("Give a server or a client command.");
    {
        let form = &mut h.state_mut().generator.form;
        form.server = "python3 echo_server.py".into();
        form.dir = "/no/such/folder".into();
    }
    h.run_steps(2);
    h.get_by_label("No such folder: /no/such/folder");
    // Adding and removing clients.
    h.state_mut().generator.form.dir = "/".into();
    h.run_steps(1);
    h.get_by_label("+ Add a client").click();
    h.run_steps(2);
    assert_eq!(h.state().generator.form.clients, [String::new()]);
    h.get_by_label("Client 1:");
    h.get_by_label("−").click();
    h.run_steps(2);
    assert!(h.state().generator.form.clients.is_empty());
}

#[test]
fn a_command_with_line_breaks_is_edited_on_as_many_lines() {
    use egui::accesskit::Role;
    let mut h = run_page();
    let script = "python3 -c 'import socket\nprint(1)\nprint(2)'";
    {
        let form = &mut h.state_mut().generator.form;
        form.server = "python3 echo_server.py".into();
        form.clients = vec![script.into()];
    }
    h.run_steps(2);
    // The one-line server field and the three-line client field, each holding its command.
    let one = h
        .query_all_by_role(Role::TextInput)
        .find(|n| n.value().as_deref() == Some("python3 echo_server.py"))
        .expect("the server's field, on one line");
    let many = h.get_by_role(Role::MultilineTextInput);
    assert_eq!(many.value().as_deref(), Some(script));
    assert!(
        many.rect().height() > 2.0 * one.rect().height(),
        "{:?} against {:?}",
        many.rect(),
        one.rect()
    );
    // The form's next row starts below the taller field, not over its last line.
    let add = h.get_by_label("+ Add a client").rect();
    assert!(
        add.top() >= many.rect().bottom(),
        "{add:?} overlaps {:?}",
        many.rect()
    );
}
