#!/usr/bin/env python3
"""A tiny HTTP/1.1 server on a plain socket: reads the request head, answers with a page.

Try it with http_client.py, or in a browser when run with --host-net.
"""
import argparse
import socket

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--port", type=int, default=8000)
parser.add_argument("--requests", type=int, default=0, help="end after this many requests")
args = parser.parse_args()

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", args.port))
server.listen(5)
print(f"server: http on port {args.port}", flush=True)
answered = 0
while args.requests == 0 or answered < args.requests:
    conn, addr = server.accept()
    head = b""
    while b"\r\n\r\n" not in head:
        part = conn.recv(4096)
        if not part:
            break
        head += part
    if not head:
        conn.close()
        continue
    request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
    print(f"server: {request_line}", flush=True)
    body = f"<html><body><h1>Hello</h1><p>You asked for {request_line.split(' ')[1]}</p></body></html>\n".encode()
    response = (
        b"HTTP/1.1 200 OK\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n"
        + f"Content-Length: {len(body)}\r\n".encode()
        + b"Connection: close\r\n\r\n"
        + body
    )
    conn.sendall(response)
    print(f"server: sent {len(response)} bytes", flush=True)
    conn.close()
    answered += 1
server.close()
