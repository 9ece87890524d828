#!/usr/bin/env python3
"""UDP chat, the sending side: each line (arguments, else stdin) is one sendto() datagram,
encoded with --encoding (utf-8 or gbk); prints the answer.
"""
import argparse
import os
import socket
import sys

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--port", type=int, default=9090)
parser.add_argument("--encoding", default="utf-8")
parser.add_argument("lines", nargs="*")
args = parser.parse_args()

peer = (os.environ.get("SYNACK_SERVER", "127.0.0.1"), args.port)
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(5)
lines = args.lines or (l.rstrip("\n") for l in sys.stdin)
for line in lines:
    if not line:
        break
    data = line.encode(args.encoding)
    n = sock.sendto(data, peer)
    print(f"client: sent {n} bytes", flush=True)
    reply, _ = sock.recvfrom(1024)
    print(f"client: received {len(reply)} bytes: {reply.decode(args.encoding, 'replace')}", flush=True)
sock.close()
