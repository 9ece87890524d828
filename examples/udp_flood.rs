//! Floods 127.0.0.1 with UDP datagrams for a while: traffic for `benches/capture_flood.sh`.
//!
//! Usage: `udp_flood SECONDS PORT [SIZE]`. A socket bound to PORT receives nothing on purpose:
//! its buffer fills and the kernel drops there, *after* capture taps saw the packet, so no
//! ICMP errors are added to the flood. Prints the number of datagrams sent.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let secs: f64 = args.get(1).map_or(Ok(10.0), |s| s.parse())?;
    let port: u16 = args.get(2).map_or(Ok(47999), |s| s.parse())?;
    let size: usize = args.get(3).map_or(Ok(64), |s| s.parse())?;
    let sink = UdpSocket::bind(("127.0.0.1", port))?;
    let dst = sink.local_addr()?;
    let tx = UdpSocket::bind("127.0.0.1:0")?;
    let payload = vec![0x42u8; size];
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let mut sent: u64 = 0;
    while Instant::now() < deadline {
        for _ in 0..256 {
            if tx.send_to(&payload, dst).is_ok() {
                sent += 1;
            }
        }
    }
    println!("{sent}");
    Ok(())
}
