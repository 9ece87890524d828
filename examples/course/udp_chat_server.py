#!/usr/bin/env python3
"""UDP chat, the receiving side: prints each datagram decoded with --encoding and answers
in the same encoding. No connection: each recvfrom() names its sender.

The course's peers often disagree on the encoding (a Windows peer sends GBK): run this with
--encoding gbk against a client sending UTF-8 to see the mojibake.
"""
import argparse
import socket

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--port", type=int, default=9090)
parser.add_argument("--encoding", default="utf-8", help="utf-8 or gbk")
parser.add_argument("--count", type=int, default=0, help="end after this many messages")
args = parser.parse_args()

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("0.0.0.0", args.port))
print(f"chat: listening on udp port {args.port} ({args.encoding})", flush=True)
seen = 0
while args.count == 0 or seen < args.count:
    data, peer = sock.recvfrom(1024)
    seen += 1
    print(f"server: received {len(data)} bytes from {peer}: {data.decode(args.encoding, 'replace')}", flush=True)
    reply = f"收到 {len(data)} 字节".encode(args.encoding)
    n = sock.sendto(reply, peer)
    print(f"server: sent {n} bytes", flush=True)
sock.close()
