#!/usr/bin/env python3
"""Echo server with epoll (Linux): register sockets once, then wait for the ready ones.

epoll.register(fd, EPOLLIN) is made once per socket; epoll.poll() returns (fd, events) of
the ready ones only, however many are watched.
"""
import argparse
import select
import socket

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--port", type=int, default=7000)
args = parser.parse_args()

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", args.port))
server.listen(5)
print(f"server: epoll echo on port {args.port}", flush=True)
ep = select.epoll()
ep.register(server.fileno(), select.EPOLLIN)
conns = {}
while True:
    events = ep.poll()
    print(f"server: epoll -> {len(events)} ready", flush=True)
    for fd, ev in events:
        if fd == server.fileno():
            conn, addr = server.accept()
            print(f"server: connection from {addr}", flush=True)
            conns[conn.fileno()] = conn
            ep.register(conn.fileno(), select.EPOLLIN)
            continue
        conn = conns[fd]
        data = conn.recv(1024)
        if not data:
            print("server: received 0 bytes (client closed)", flush=True)
            ep.unregister(fd)
            del conns[fd]
            conn.close()
            continue
        print(f"server: received {len(data)} bytes", flush=True)
        conn.sendall(data)
