//! `http`: HTTP/1.1 keep-alive reuses one connection for several requests, and pipelined
//! requests sent together share segments.

use std::io;

use super::shared::{close4, opened, pause, request, text_block, HALF_RTT};
use super::Scripted;
use crate::gen::socket::Sock;
use crate::gen::synth::{Sim, C, S};
use crate::gen::GenOptions;

/// The two pages fetched one after the other, and their body sizes.
const PAGES: [(&str, usize); 2] = [("/index.html", 2400), ("/style.css", 600)];

/// A request for `path` on `host`.
fn get(path: &str, host: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: synack-gen\r\n\r\n")
}

/// The pipelined pair sent in one `send()`, the last asking the server to close.
fn pipelined_pair(host: &str) -> String {
    format!(
        "GET /a.txt HTTP/1.1\r\nHost: {host}\r\n\r\nGET /b.txt HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
}

/// An HTTP response with a body of `len` bytes.
fn response(len: usize, salt: usize) -> Vec<u8> {
    let mut v = format!(
        "HTTP/1.1 200 OK\r\nServer: synack-gen\r\nContent-Type: text/plain\r\nContent-Length: {len}\r\n\r\n"
    )
    .into_bytes();
    v.extend_from_slice(&text_block(len, salt));
    v
}

/// What the lesson teaches.
const TEACHES: &str =
    "HTTP/1.1 keep-alive reuses one connection; pipelined requests share segments";

/// HTTP/1.1 keep-alive and pipelining.
pub(super) static LESSON: Scripted = Scripted::tcp(TEACHES, synthetic, server, client);

/// Synthetic: two pages on one keep-alive connection, then a pipelined pair.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let host = "10.0.0.2:8080";
    let mut c = opened(sim, 8080);
    for (path, len) in PAGES {
        request(sim, &mut c, get(path, host).as_bytes());
        sim.wait_us(300);
        let resp = response(len, len);
        sim.write_all(&mut c, S, &resp);
        sim.wait_us(HALF_RTT);
        sim.pure_ack(&mut c, C);
        sim.app_recv(&mut c, C, &resp);
        sim.wait_ms(20);
    }
    request(sim, &mut c, pipelined_pair(host).as_bytes());
    sim.wait_us(300);
    let mut both = response(40, 1);
    both.extend_from_slice(&response(50, 2));
    sim.write_all(&mut c, S, &both);
    sim.wait_us(HALF_RTT);
    sim.app_recv(&mut c, C, &both);
    sim.wait_us(10);
    // "Connection: close": the server closes after the last response.
    close4(sim, &mut c, S);
}

/// The real server answers each request as it can cut it from the stream.
fn server(mut s: Sock) -> io::Result<()> {
    let mut pending = Vec::new();
    let mut served = 0;
    while served < 4 {
        let b = s.recv(4096)?;
        if b.is_empty() {
            break;
        }
        pending.extend_from_slice(&b);
        let mut out = Vec::new();
        while let Some(end) = find(&pending, b"\r\n\r\n") {
            let req: Vec<u8> = pending.drain(..end + 4).collect();
            let len = PAGES
                .iter()
                .find(|(path, _)| req.starts_with(format!("GET {path}").as_bytes()))
                .map_or(40 + 10 * served, |&(_, len)| len);
            out.extend_from_slice(&response(len, served));
            served += 1;
        }
        if !out.is_empty() {
            s.send(&out)?;
        }
    }
    // The last request said "Connection: close".
    s.close();
    Ok(())
}

/// The real client: two requests one after the other, then a pipelined pair.
fn client(mut c: Sock) -> io::Result<()> {
    let host = c.peer().to_string();
    pause(1);
    for (path, len) in PAGES {
        c.send(get(path, &host).as_bytes())?;
        c.recv_exact(response(len, 0).len())?;
        pause(20);
    }
    c.send(pipelined_pair(&host).as_bytes())?;
    let _ = c.recv_to_end(4096)?;
    c.close();
    Ok(())
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
