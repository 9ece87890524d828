#!/usr/bin/env python3
"""TCP server: socket -> bind -> listen -> accept -> recv/send -> close.

Accepts one client, prints what it sent, answers, and ends.
Run with its client:  synack run --server 'python3 tcp_server.py' --client 'python3 tcp_client.py'
"""
import socket
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 8888

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", PORT))
server.listen(5)
print(f"server: waiting on port {PORT}", flush=True)

conn, addr = server.accept()
print(f"server: connection from {addr}", flush=True)
data = conn.recv(1024)
print(f"server: received {len(data)} bytes {data.decode('utf-8')!r}", flush=True)
reply = "收到，谢谢 (thanks)".encode("utf-8")
n = conn.send(reply)
print(f"server: sent {n} bytes", flush=True)
conn.close()
server.close()
