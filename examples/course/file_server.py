#!/usr/bin/env python3
"""File server (a loop server): list, get FILE, put FILE, quit.

Every message is framed with its length (4 bytes, big-endian) so that a listing, a file
and the next request never glue together (粘包).
"""
import argparse
import os
import socket
import struct

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--port", type=int, default=8080)
parser.add_argument("--dir", default=".", help="the folder served")
parser.add_argument("--clients", type=int, default=0, help="end after this many clients")
args = parser.parse_args()


def send_msg(conn, data):
    conn.sendall(struct.pack("!I", len(data)) + data)
    print(f"server: sent {len(data) + 4} bytes", flush=True)


def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        part = conn.recv(n - len(data))
        if not part:
            return None
        data += part
    return data


def recv_msg(conn):
    head = recv_exact(conn, 4)
    if head is None:
        return None
    return recv_exact(conn, struct.unpack("!I", head)[0])


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", args.port))
server.listen(5)
print(f"server: serving {os.path.abspath(args.dir)} on port {args.port}", flush=True)
served = 0
while args.clients == 0 or served < args.clients:
    conn, addr = server.accept()
    while True:
        request = recv_msg(conn)
        if request is None or request == b"quit":
            break
        cmd, _, name = request.decode("utf-8").partition(" ")
        path = os.path.join(args.dir, os.path.basename(name))
        if cmd == "list":
            send_msg(conn, "\n".join(sorted(os.listdir(args.dir))).encode("utf-8"))
        elif cmd == "get":
            try:
                with open(path, "rb") as f:
                    body = f.read()
                send_msg(conn, b"OK")
                send_msg(conn, body)
            except OSError as e:
                send_msg(conn, f"ERR {e.strerror}".encode("utf-8"))
        elif cmd == "put":
            body = recv_msg(conn)
            with open(path, "wb") as f:
                f.write(body or b"")
            send_msg(conn, b"OK")
        else:
            send_msg(conn, b"ERR unknown command")
    conn.close()
    served += 1
server.close()
