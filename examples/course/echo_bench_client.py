#!/usr/bin/env python3
"""Sends N small messages as fast as it can (the tracing-overhead benchmark's client).

Pairs with a sink server (`sink_server.py`); prints the time the sends took.
"""
import os
import socket
import sys
import time

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
sock = socket.create_connection((os.environ.get("SYNACK_SERVER", "127.0.0.1"), int(os.environ.get("SINK_PORT", "7001"))))
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
start = time.perf_counter()
for i in range(count):
    sock.send(b"message %06d\n" % i)
sock.shutdown(socket.SHUT_WR)
while sock.recv(4096):
    pass
elapsed = time.perf_counter() - start
sock.close()
print(f"client: {count} sends in {elapsed:.3f} s", flush=True)
