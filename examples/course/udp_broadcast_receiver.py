#!/usr/bin/env python3
"""UDP broadcast receiver: binds the port on every address and prints what arrives."""
import argparse
import socket

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--port", type=int, default=9999)
parser.add_argument("--count", type=int, default=3)
args = parser.parse_args()

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("", args.port))
print(f"receiver: udp port {args.port}", flush=True)
for _ in range(args.count):
    data, peer = sock.recvfrom(1024)
    print(f"receiver: received {len(data)} bytes from {peer}: {data.decode('utf-8')}", flush=True)
sock.close()
