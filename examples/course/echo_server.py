#!/usr/bin/env python3
"""Echo server (a loop server): sends back every byte it receives, one client after the other.

Ends after --clients N clients (default: runs until stopped).
"""
import argparse
import socket

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--port", type=int, default=7000)
parser.add_argument("--clients", type=int, default=0, help="end after this many clients")
args = parser.parse_args()

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", args.port))
server.listen(5)
print(f"server: echo on port {args.port}", flush=True)
served = 0
while args.clients == 0 or served < args.clients:
    conn, addr = server.accept()
    print(f"server: connection from {addr}", flush=True)
    while True:
        data = conn.recv(1024)
        if not data:
            print("server: received 0 bytes (client closed)", flush=True)
            break
        print(f"server: received {len(data)} bytes", flush=True)
        conn.sendall(data)
        print(f"server: sent {len(data)} bytes", flush=True)
    conn.close()
    served += 1
server.close()
