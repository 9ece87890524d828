//! The programs of a run from the commands a person gives: `--server 'CMD'` and `--client
//! 'CMD'` strings run through `sh -c` with `{server}` replaced, or one command given as its
//! arguments; named as the calls trace names them (`server`, `client`, `client2`, ...,
//! `program`). Shared by the command line and the desktop view's *Run a program*.

use std::ffi::OsString;

use crate::calls::ProgramInfo;
use crate::trace::{Input, Program};

/// The commands of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Commands {
    /// The server's command (`sh -c`), started first.
    pub server: Option<String>,
    /// The clients' commands (`sh -c`), started once the server listens.
    pub clients: Vec<String>,
    /// One program given as its arguments (`synack run -- CMD ARGS`), instead of the above.
    pub command: Vec<OsString>,
}

/// The programs to run for `cmds`, and whether the first is a server. Every program finds
/// the server's address `server_addr` in `$SYNACK_SERVER` (and `{server}` in a shell
/// command is replaced by it); the server and the clients after the first read no input,
/// the first client (or the single program) reads synack's.
pub fn programs(cmds: &Commands, server_addr: &str) -> anyhow::Result<(Vec<Program>, bool)> {
    let shell = |cmd: &str| -> Vec<OsString> {
        vec![
            "sh".into(),
            "-c".into(),
            cmd.replace("{server}", server_addr).into(),
        ]
    };
    let mut out = Vec::new();
    let has_server = cmds.server.is_some();
    if !cmds.command.is_empty() {
        if has_server || !cmds.clients.is_empty() {
            anyhow::bail!(
                "give either a command after `--` or --server/--client commands, not both"
            );
        }
        out.push(Program::new("program", cmds.command.clone()));
    } else {
        if let Some(s) = &cmds.server {
            let mut p = Program::new("server", shell(s));
            p.input = Input::Null;
            out.push(p);
        }
        for (i, c) in cmds.clients.iter().enumerate() {
            let mut p = Program::new(&client_actor(i), shell(c));
            if i > 0 {
                p.input = Input::Null;
            }
            out.push(p);
        }
    }
    if out.is_empty() {
        anyhow::bail!(
            "nothing to run: give a command (`synack run -- python3 client.py`) or \
             --server 'CMD' --client 'CMD'"
        );
    }
    for p in &mut out {
        p.env
            .push(("SYNACK_SERVER".into(), server_addr.to_owned().into()));
    }
    Ok((out, has_server))
}

/// The trace's `programs` entries of `programs`, before they start (no pid, no exit yet).
pub fn infos(programs: &[Program]) -> Vec<ProgramInfo> {
    programs
        .iter()
        .map(|p| ProgramInfo {
            actor: p.actor.clone(),
            command: p.command_line(),
            pid: None,
            exit: None,
        })
        .collect()
}

/// The actor name of client `i` (from 0): `client`, `client2`, `client3`, ...
pub fn client_actor(i: usize) -> String {
    if i == 0 {
        "client".to_owned()
    } else {
        format!("client{}", i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_and_clients_are_named_and_find_the_server() {
        let cmds = Commands {
            server: Some("python3 s.py".into()),
            clients: vec!["nc {server} 7000".into(), "true".into()],
            command: Vec::new(),
        };
        let (ps, server) = programs(&cmds, "10.77.2.2").unwrap();
        assert!(server);
        let actors: Vec<&str> = ps.iter().map(|p| p.actor.as_str()).collect();
        assert_eq!(actors, ["server", "client", "client2"]);
        assert_eq!(ps[1].argv[2], "nc 10.77.2.2 7000");
        assert_eq!(
            (&ps[0].input, &ps[1].input, &ps[2].input),
            (&Input::Null, &Input::Inherit, &Input::Null)
        );
        assert!(ps.iter().all(|p| p
            .env
            .contains(&("SYNACK_SERVER".into(), "10.77.2.2".into()))));
    }

    #[test]
    fn nothing_or_both_forms_are_refused() {
        assert!(programs(&Commands::default(), "127.0.0.1").is_err());
        let both = Commands {
            server: Some("s".into()),
            clients: Vec::new(),
            command: vec!["c".into()],
        };
        assert!(programs(&both, "127.0.0.1").is_err());
    }
}
