#!/usr/bin/env python3
"""Echo client: sends each line (from the arguments, else typed on stdin) and prints the echo.

Each line is one send() call; the reply is read until as many bytes came back.
"""
import os
import socket
import sys

HOST = os.environ.get("SYNACK_SERVER", "127.0.0.1")
PORT = int(os.environ.get("ECHO_PORT", "7000"))

lines = sys.argv[1:]
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    client.connect((HOST, PORT))
except OSError as e:
    print(f"client: connect failed: {e}", flush=True)
    sys.exit(1)


def exchange(text):
    data = text.encode("utf-8")
    n = client.send(data)
    print(f"client: sent {n} bytes", flush=True)
    got = b""
    while len(got) < n:
        try:
            part = client.recv(1024)
        except OSError as e:
            print(f"client: recv failed: {e}", flush=True)
            sys.exit(1)
        if not part:
            print("client: server closed the connection", flush=True)
            sys.exit(1)
        print(f"client: received {len(part)} bytes", flush=True)
        got += part
    print(f"echo: {got.decode('utf-8', 'replace')}", flush=True)


if lines:
    for line in lines:
        exchange(line)
else:
    print("type lines to send, an empty line or Ctrl-D ends", flush=True)
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            break
        exchange(line)
client.close()
