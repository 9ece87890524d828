#!/usr/bin/env python3
"""Threaded echo server: the main thread accepts, one thread per client echoes.

Several clients are served at the same time (see the threads' ids in `synack run`'s output).
"""
import argparse
import socket
import threading

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--port", type=int, default=7000)
args = parser.parse_args()


def serve(conn, addr):
    while True:
        data = conn.recv(1024)
        if not data:
            break
        print(f"server thread {threading.get_ident()}: received {len(data)} bytes from {addr}", flush=True)
        conn.sendall(data)
    conn.close()


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", args.port))
server.listen(5)
print(f"server: threaded echo on port {args.port}", flush=True)
while True:
    conn, addr = server.accept()
    threading.Thread(target=serve, args=(conn, addr), daemon=True).start()
