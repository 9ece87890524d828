#!/usr/bin/env python3
"""A server that aborts: it reads the first message, then closes with SO_LINGER {on, 0},
which makes the kernel send RST instead of FIN. The client's next recv() fails with
ECONNRESET ("Connection reset by peer").
"""
import socket
import struct
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 7000
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", PORT))
server.listen(1)
conn, addr = server.accept()
data = conn.recv(1024)
print(f"server: received {len(data)} bytes, aborting the connection", flush=True)
conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
conn.close()
server.close()
