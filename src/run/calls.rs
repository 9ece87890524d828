//! A traced call in the calls trace's terms ([`crate::calls::Call`], format 2), and the
//! one-line form `synack run` prints among the packets.

use crate::calls::{preview, Call, CallKind, ReadyFd, Traced};
use crate::trace::{Proto, SockView, Sys, TracedCall};

/// The trace's kind for a traced system call (`None` for bookkeeping calls such as `dup`).
///
/// `sendto` and `recvfrom` on a TCP socket are what libc's `send()` and `recv()` make, so
/// they are recorded as `send` and `recv`; on UDP they keep their names.
pub fn kind(c: &TracedCall) -> Option<CallKind> {
    let tcp = c.sock.is_some_and(|s| s.proto == Proto::Tcp);
    Some(match c.sys {
        Sys::Read => CallKind::Read,
        Sys::Write => CallKind::Write,
        Sys::Readv => CallKind::Readv,
        Sys::Writev => CallKind::Writev,
        Sys::Close => CallKind::Close,
        Sys::Socket => CallKind::Socket,
        Sys::Connect => CallKind::Connect,
        Sys::Accept | Sys::Accept4 => CallKind::Accept,
        Sys::Bind => CallKind::Bind,
        Sys::Listen => CallKind::Listen,
        Sys::Sendto if tcp && c.addr.is_none() => CallKind::Send,
        Sys::Sendto => CallKind::Sendto,
        Sys::Recvfrom if tcp => CallKind::Recv,
        Sys::Recvfrom => CallKind::Recvfrom,
        Sys::Sendmsg => CallKind::Sendmsg,
        Sys::Recvmsg => CallKind::Recvmsg,
        Sys::Sendmmsg => CallKind::Sendmmsg,
        Sys::Recvmmsg => CallKind::Recvmmsg,
        Sys::Sendfile => CallKind::Sendfile,
        Sys::Shutdown => CallKind::Shutdown,
        Sys::Setsockopt => CallKind::Setsockopt,
        Sys::Select | Sys::Pselect6 => CallKind::Select,
        Sys::Poll | Sys::Ppoll => CallKind::Poll,
        Sys::EpollWait | Sys::EpollPwait | Sys::EpollPwait2 => CallKind::EpollWait,
        Sys::EpollCtl => CallKind::EpollCtl,
        Sys::CloseRange | Sys::Dup | Sys::Dup2 | Sys::Dup3 | Sys::FcntlDup => return None,
    })
}

/// An address as the trace writes it; an unbound socket's `0.0.0.0:0` is left empty.
fn addr_text(a: Option<std::net::SocketAddr>) -> String {
    a.filter(|a| !(a.ip().is_unspecified() && a.port() == 0))
        .map(|a| a.to_string())
        .unwrap_or_default()
}

/// The calls-trace record of `c`, made by the program named `actor`.
pub fn to_call(c: &TracedCall, actor: &str) -> Option<Call> {
    let kind = kind(c)?;
    let mut out = Call::new(c.t_exit_ns, actor, c.conn, kind);
    let sock: Option<SockView> = c.sock;
    out.local = addr_text(sock.and_then(|s| s.local));
    out.remote = addr_text(sock.and_then(|s| s.remote));
    // An unconnected datagram socket's peer is the address of each call.
    if out.remote.is_empty() && matches!(kind, CallKind::Sendto | CallKind::Recvfrom) {
        out.remote = addr_text(c.addr);
    }
    out.bytes = c.moved;
    out.offset = c.offset;
    out.result = c.error_name().unwrap_or_else(|| "ok".to_owned());
    out.data = preview(&c.data);
    out.note = c.note.clone();
    out.t_enter_ns = Some(c.t_enter_ns);
    out.traced = Some(Box::new(Traced {
        pid: c.pid,
        tid: c.tid,
        comm: c.comm.clone(),
        fd: (c.fd >= 0).then_some(c.fd),
        proto: sock.map(|s| {
            match s.proto {
                Proto::Tcp => "tcp",
                Proto::Udp => "udp",
                Proto::Other => "other",
            }
            .to_owned()
        }),
        asked: (kind.sends_data() || kind.receives_data()).then_some(c.asked),
        ret: if c.errno.is_some() { -1 } else { c.ret },
        addr: c.addr.map(|a| a.to_string()),
        ready: c
            .ready
            .iter()
            .map(|r| ReadyFd {
                fd: r.fd,
                events: r.events.clone(),
                local: r.sock.and_then(|s| s.local).map(|a| a.to_string()),
                remote: r.sock.and_then(|s| s.remote).map(|a| a.to_string()),
            })
            .collect(),
    }));
    Some(out)
}

/// The printable form of a data preview: quoted, control bytes escaped, at most 40
/// characters.
fn quoted(data: &str) -> String {
    let mut s = String::from("\"");
    for (i, ch) in data.chars().enumerate() {
        if i == 40 {
            s.push('…');
            break;
        }
        match ch {
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            '"' => s.push_str("\\\""),
            c if c.is_control() => s.push_str(&format!("\\x{:02x}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// One line for a call among `synack read`-style packet lines: the time relative to
/// `t0_ns`, who made it, the call with its arguments and result, the addresses, and where
/// its bytes sit in the stream.
///
/// `  call     0.001150 client[4242] send(fd 3, 5) = 5 "hello" 127.0.0.1:49466 → 127.0.0.1:7000 <conn 1, offset 0>`
pub fn call_line(c: &Call, t0_ns: i64) -> String {
    let t = (c.t_shown_ns() - t0_ns) as f64 / 1e9;
    let tr = c.traced.as_deref();
    let who = match tr {
        Some(t) if t.pid != t.tid => format!("{}[{}/{}]", c.actor, t.pid, t.tid),
        Some(t) => format!("{}[{}]", c.actor, t.pid),
        None => c.actor.clone(),
    };
    let fd = tr
        .and_then(|t| t.fd)
        .map(|f| format!("fd {f}"))
        .unwrap_or_default();
    let asked = tr.and_then(|t| t.asked);
    let addr = tr.and_then(|t| t.addr.clone());
    let ready: &[ReadyFd] = tr.map_or(&[], |t| &t.ready);
    let mut args: Vec<String> = Vec::new();
    let note = c.note.clone().unwrap_or_default();
    match c.call {
        CallKind::Socket | CallKind::Select | CallKind::Poll => args.push(note.clone()),
        CallKind::Connect | CallKind::Bind => {
            args.push(fd);
            args.extend(addr);
        }
        CallKind::Sendto | CallKind::Recvfrom => {
            args.push(fd);
            args.push(asked.unwrap_or(c.bytes).to_string());
            args.extend(addr);
        }
        CallKind::Listen | CallKind::Shutdown | CallKind::Setsockopt | CallKind::EpollCtl => {
            args.push(fd);
            args.push(note.clone());
        }
        _ => {
            args.push(fd);
            if let Some(a) = asked {
                args.push(a.to_string());
            }
        }
    }
    args.retain(|a| !a.is_empty());
    let ret = match (c.result.as_str(), tr.map(|t| t.ret)) {
        ("ok", Some(r)) => r.to_string(),
        ("ok", None) => "ok".to_owned(),
        (err, _) => format!("-1 {err}"),
    };
    let mut line = format!(
        "  call {t:>12.6} {who} {}({}) = {ret}",
        c.call.name(),
        args.join(", ")
    );
    if let Some(d) = &c.data {
        line.push(' ');
        line.push_str(&quoted(d));
    }
    if !ready.is_empty() {
        let ready: Vec<String> = ready
            .iter()
            .map(|r| format!("{} {}", r.fd, r.events))
            .collect();
        line.push_str(if c.call == CallKind::EpollCtl {
            " for "
        } else {
            " ready: "
        });
        line.push_str(&ready.join(", "));
    }
    if !c.local.is_empty() || !c.remote.is_empty() {
        let (l, r) = (
            if c.local.is_empty() { "?" } else { &c.local },
            if c.remote.is_empty() { "*" } else { &c.remote },
        );
        if c.call.receives_data() || c.call == CallKind::Accept {
            line.push_str(&format!(" {l} ← {r}"));
        } else {
            line.push_str(&format!(" {l} → {r}"));
        }
    }
    let mut tail = Vec::new();
    if c.conn > 0 {
        tail.push(format!("conn {}", c.conn));
    }
    if let Some(o) = c.offset {
        tail.push(format!("offset {o}"));
    }
    if c.bytes == 0 && c.result == "ok" && c.call.receives_data() {
        tail.push("end of stream".into());
    }
    if !tail.is_empty() {
        line.push_str(&format!(" <{}>", tail.join(", ")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::Proto;

    fn traced(sys: Sys, proto: Proto) -> TracedCall {
        TracedCall {
            t_enter_ns: 1_000,
            t_exit_ns: 2_000,
            program: 1,
            pid: 42,
            tid: 42,
            comm: "python3".into(),
            sys,
            fd: 3,
            sock: Some(SockView {
                inode: 7,
                proto,
                local: Some("127.0.0.1:40000".parse().unwrap()),
                remote: Some("127.0.0.1:7000".parse().unwrap()),
            }),
            conn: 1,
            asked: 5,
            moved: 5,
            offset: Some(0),
            ret: 5,
            errno: None,
            data: b"hello".to_vec(),
            addr: None,
            ready: Vec::new(),
            note: None,
        }
    }

    #[test]
    fn libc_send_and_recv_on_tcp_are_send_and_recv() {
        assert_eq!(kind(&traced(Sys::Sendto, Proto::Tcp)), Some(CallKind::Send));
        assert_eq!(
            kind(&traced(Sys::Recvfrom, Proto::Tcp)),
            Some(CallKind::Recv)
        );
        assert_eq!(
            kind(&traced(Sys::Sendto, Proto::Udp)),
            Some(CallKind::Sendto)
        );
        assert_eq!(kind(&traced(Sys::Dup2, Proto::Tcp)), None);
    }

    #[test]
    fn a_send_becomes_a_v2_call_and_a_readable_line() {
        let c = to_call(&traced(Sys::Sendto, Proto::Tcp), "client").unwrap();
        assert_eq!(c.call, CallKind::Send);
        let asked = c.traced.as_ref().and_then(|t| t.asked);
        assert_eq!((c.bytes, c.offset, asked), (5, Some(0), Some(5)));
        assert_eq!(c.local, "127.0.0.1:40000");
        assert_eq!(c.t_shown_ns(), 1_000);
        let line = call_line(&c, 0);
        assert_eq!(
            line,
            "  call     0.000001 client[42] send(fd 3, 5) = 5 \"hello\" \
             127.0.0.1:40000 → 127.0.0.1:7000 <conn 1, offset 0>"
        );
        let mut refused = traced(Sys::Connect, Proto::Tcp);
        refused.errno = Some(libc::ECONNREFUSED);
        refused.ret = -(libc::ECONNREFUSED as i64);
        refused.data.clear();
        refused.moved = 0;
        refused.offset = None;
        refused.addr = Some("127.0.0.1:7000".parse().unwrap());
        let c = to_call(&refused, "client").unwrap();
        assert_eq!(c.result, "ECONNREFUSED");
        assert!(call_line(&c, 0).contains("connect(fd 3, 127.0.0.1:7000) = -1 ECONNREFUSED"));
    }
}
