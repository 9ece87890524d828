#!/usr/bin/env python3
"""Makes the known-boundary captures used by tests/stream_known.rs (run as root).

    tests/captures/gen/known_boundaries.py OUTDIR [lines]

Starts tcpdump on `lo`, then runs a client and a server on 127.0.0.1 with Nagle's algorithm
on (the default) and a small MSS (TCP_MAXSEG 536), so that the kernel glues small `send()`s
together (coalesced segments) and cuts large ones (split messages):

- synack-known-u32be.pcap: the client sends 160 messages, each a 4-byte big-endian length
  and a body of that many bytes, all equal to (index % 251); sizes from a fixed-seed PRNG,
  mostly 1-120 bytes, every 16th 600-1600 bytes. The server answers each one as it reads it
  with a message of the same framing and the same body (an echo).
- synack-known-lines.pcap: the client sends 160 text lines (`line <i> ` plus letters,
  mostly short, every 16th longer than the MSS), each ending in `\\n`; the server answers
  `ok <i>\\n` per line.

Messages are written with one `send()` each, without waiting, so the boundaries on the wire
are the kernel's, not the application's. The messages sent are listed next to each capture in
`<capture>.messages` (one per line: direction, length in bytes, first byte in hex), which
tests/stream_known.rs compares with what `synack stream` finds. `expected` as the second
argument writes only these lists.
"""
import os
import random
import socket
import subprocess
import sys
import threading
import time

N = 160


def sizes():
    rng = random.Random(4)
    return [rng.randint(600, 1600) if i % 16 == 15 else rng.randint(1, 120) for i in range(N)]


def line_msg(i, n):
    return b"line %d " % i + b"abcdefghijklmnopqrstuvwxyz"[: n % 26] * (n // 26 + 1) + b"\n"


def write_expected(out):
    with open(os.path.join(out, "synack-known-u32be.pcap.messages"), "w") as f:
        for d in ("c2s", "s2c"):
            for i, n in enumerate(sizes()):
                f.write(f"{d} {4 + n} {0:02x}\n")
    with open(os.path.join(out, "synack-known-lines.pcap.messages"), "w") as f:
        for i, n in enumerate(sizes()):
            f.write(f"c2s {len(line_msg(i, n))} {ord('l'):02x}\n")
        for i in range(N):
            f.write(f"s2c {len(b'ok %d' % i) + 1} {ord('o'):02x}\n")


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def serve(listener, mode):
    conn, _ = listener.accept()
    if mode == "u32be":
        for _ in range(N):
            n = int.from_bytes(recv_exact(conn, 4), "big")
            body = recv_exact(conn, n)
            conn.sendall(n.to_bytes(4, "big") + body)
    else:
        f = conn.makefile("rb")
        for i in range(N):
            f.readline()
            conn.sendall(b"ok %d\n" % i)
    conn.shutdown(socket.SHUT_WR)
    conn.recv(1)
    conn.close()


def client(port, mode):
    s = socket.socket()
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
    s.connect(("127.0.0.1", port))
    for i, n in enumerate(sizes()):
        if mode == "u32be":
            s.send(n.to_bytes(4, "big") + bytes([i % 251]) * n)
        else:
            s.send(line_msg(i, n))
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
    s.close()


def capture(out, mode, port):
    pcap = os.path.join(out, f"synack-known-{mode}.pcap")
    dump = subprocess.Popen(["tcpdump", "-i", "lo", "-w", pcap, "-U", f"tcp port {port}"],
                            stderr=subprocess.DEVNULL)
    time.sleep(2.0)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
    ls.bind(("127.0.0.1", port))
    ls.listen(1)
    t = threading.Thread(target=serve, args=(ls, mode))
    t.start()
    client(port, mode)
    t.join()
    time.sleep(2.0)
    dump.terminate()
    dump.wait()
    print(pcap, os.path.getsize(pcap), file=sys.stderr)


out = sys.argv[1]
write_expected(out)
if "expected" in sys.argv[2:]:
    sys.exit(0)
if "lines" not in sys.argv[2:]:
    capture(out, "u32be", 47001)
capture(out, "lines", 47002)
