#!/usr/bin/env python3
"""Echo server with select(): one thread watches the listening socket and every client.

select(rlist, [], []) returns the sockets that are ready to read: the listening socket
when a client connects, a client socket when it sent data (or closed).
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
print(f"server: select echo on port {args.port}", flush=True)
watched = [server]
while True:
    readable, _, _ = select.select(watched, [], [])
    print(f"server: select -> {len(readable)} ready", flush=True)
    for s in readable:
        if s is server:
            conn, addr = server.accept()
            print(f"server: connection from {addr}", flush=True)
            watched.append(conn)
            continue
        data = s.recv(1024)
        if not data:
            print("server: received 0 bytes (client closed)", flush=True)
            watched.remove(s)
            s.close()
            continue
        print(f"server: received {len(data)} bytes", flush=True)
        s.sendall(data)
