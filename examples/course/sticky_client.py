#!/usr/bin/env python3
"""The sticky-packet (粘包) client: sends several short messages, one send() each.

See sticky_server.py for --fix (use the same on both sides).
"""
import argparse
import os
import socket
import struct
import time

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--port", type=int, default=7070)
parser.add_argument("--fix", choices=["none", "delimiter", "length", "delay", "ack"], default="none")
parser.add_argument("messages", nargs="*", default=["hello", "你好", "sticky", "packets"])
args = parser.parse_args()

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect((os.environ.get("SYNACK_SERVER", "127.0.0.1"), args.port))
for text in args.messages:
    body = text.encode("utf-8")
    if args.fix == "delimiter":
        data = body + b"\n"
    elif args.fix == "length":
        data = struct.pack("!I", len(body)) + body
    else:
        data = body
    n = client.send(data)
    print(f"client: sent {n} bytes", flush=True)
    if args.fix == "delay":
        time.sleep(0.1)
    elif args.fix == "ack":
        ok = client.recv(2)
        print(f"client: received {len(ok)} bytes", flush=True)
client.close()
