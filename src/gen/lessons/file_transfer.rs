//! `file-transfer`: a list/get/put file server; a length-prefixed protocol over one
//! connection (LIST, GET, PUT, each message a 4-byte length and a body).

use std::io;

use super::shared::{
    close4, length_prefixed as lp, opened, pause, read_length_prefixed, request, send_one,
    text_block, transfer, HALF_RTT,
};
use super::Scripted;
use crate::gen::socket::Sock;
use crate::gen::synth::{Sim, C, S};
use crate::gen::GenOptions;

/// The server's answer to LIST.
const LISTING: &[u8] = b"notes.txt 1200\nreport.txt 5000\n";

/// The file the client gets.
fn report() -> Vec<u8> {
    text_block(5000, 5)
}

/// The file the client puts.
fn upload() -> Vec<u8> {
    text_block(3000, 9)
}

/// The PUT request: the command, then the file, each length-prefixed.
fn put_request() -> Vec<u8> {
    let mut put = lp(b"PUT upload.txt");
    put.extend_from_slice(&lp(&upload()));
    put
}

/// What the lesson teaches.
const TEACHES: &str = "a list/get/put file server: a length-prefixed protocol over one connection";

/// list/get/put file server with length-prefixed framing.
pub(super) static LESSON: Scripted = Scripted::tcp(TEACHES, synthetic, server, client);

/// Synthetic: LIST, GET (a 5000-byte file), PUT (a 3000-byte file).
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = opened(sim, 9090);
    let file_b = report();
    // LIST
    request(sim, &mut c, &lp(b"LIST"));
    sim.wait_us(200);
    let listing = lp(LISTING);
    sim.write_all(&mut c, S, &listing);
    sim.wait_us(HALF_RTT);
    sim.app_recv(&mut c, C, &listing);
    sim.wait_ms(2);
    // GET
    request(sim, &mut c, &lp(b"GET report.txt"));
    sim.wait_us(200);
    let head = lp(b"OK 5000");
    send_one(sim, &mut c, S, &head);
    sim.wait_us(5);
    transfer(sim, &mut c, S, &lp(&file_b), &[]);
    sim.app_recv(&mut c, C, &head);
    sim.app_recv(&mut c, C, &lp(&file_b));
    sim.wait_ms(2);
    // PUT
    let put = put_request();
    transfer(sim, &mut c, C, &put, &[]);
    sim.app_recv(&mut c, S, &put);
    sim.wait_us(300);
    let ok = lp(b"OK stored 3000 bytes");
    send_one(sim, &mut c, S, &ok);
    sim.wait_us(HALF_RTT);
    sim.app_recv(&mut c, C, &ok);
    sim.wait_ms(1);
    close4(sim, &mut c, C);
}

/// The real server answers LIST, GET and PUT until the client closes.
fn server(mut s: Sock) -> io::Result<()> {
    loop {
        let cmd = match read_length_prefixed(&mut s) {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        };
        let cmd = String::from_utf8_lossy(&cmd).into_owned();
        if cmd == "LIST" {
            s.send(&lp(LISTING))?;
        } else if cmd.starts_with("GET ") {
            s.send(&lp(b"OK 5000"))?;
            s.send(&lp(&report()))?;
        } else if cmd.starts_with("PUT ") {
            let body = read_length_prefixed(&mut s)?;
            s.send(&lp(format!("OK stored {} bytes", body.len()).as_bytes()))?;
        }
    }
    s.close();
    Ok(())
}

/// The real client lists, gets a file and puts one.
fn client(mut c: Sock) -> io::Result<()> {
    pause(1);
    c.send(&lp(b"LIST"))?;
    read_length_prefixed(&mut c)?;
    pause(2);
    c.send(&lp(b"GET report.txt"))?;
    read_length_prefixed(&mut c)?;
    read_length_prefixed(&mut c)?;
    pause(2);
    c.send(&put_request())?;
    read_length_prefixed(&mut c)?;
    pause(1);
    c.close();
    Ok(())
}
