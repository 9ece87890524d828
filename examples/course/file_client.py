#!/usr/bin/env python3
"""File client: the commands (arguments, else typed) are `list`, `get FILE`, `put FILE`, `quit`.

    python3 file_client.py list "get notes.txt" "put hello.txt" quit
"""
import os
import socket
import struct
import sys

HOST = os.environ.get("SYNACK_SERVER", "127.0.0.1")
PORT = int(os.environ.get("FILE_PORT", "8080"))


def send_msg(sock, data):
    sock.sendall(struct.pack("!I", len(data)) + data)
    print(f"client: sent {len(data) + 4} bytes", flush=True)


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        part = sock.recv(n - len(data))
        if not part:
            raise ConnectionError("server closed the connection")
        data += part
    return data


def recv_msg(sock):
    return recv_exact(sock, struct.unpack("!I", recv_exact(sock, 4))[0])


sock = socket.create_connection((HOST, PORT))
commands = sys.argv[1:] or (line.strip() for line in sys.stdin)
for command in commands:
    cmd, _, name = command.partition(" ")
    if cmd == "quit" or not cmd:
        send_msg(sock, b"quit")
        break
    if cmd == "put":
        send_msg(sock, command.encode("utf-8"))
        with open(name, "rb") as f:
            send_msg(sock, f.read())
        print(f"put {name}: {recv_msg(sock).decode()}", flush=True)
    elif cmd == "get":
        send_msg(sock, command.encode("utf-8"))
        status = recv_msg(sock)
        if status != b"OK":
            print(f"get {name}: {status.decode()}", flush=True)
            continue
        body = recv_msg(sock)
        with open(os.path.basename(name) + ".downloaded", "wb") as f:
            f.write(body)
        print(f"get {name}: {len(body)} bytes", flush=True)
    else:
        send_msg(sock, command.encode("utf-8"))
        print(recv_msg(sock).decode("utf-8"), flush=True)
sock.close()
