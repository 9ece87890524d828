#!/usr/bin/env python3
"""Reads everything a client sends until it shuts down, then closes (the benchmark's server)."""
import socket
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 7001
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", PORT))
server.listen(1)
conn, _ = server.accept()
total = 0
while True:
    data = conn.recv(65536)
    if not data:
        break
    total += len(data)
conn.close()
print(f"server: received {total} bytes", flush=True)
