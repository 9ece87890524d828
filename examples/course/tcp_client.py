#!/usr/bin/env python3
"""TCP client: socket -> connect -> send -> recv -> close.

The server's address is $SYNACK_SERVER (set by `synack run`), else 127.0.0.1.
"""
import os
import socket
import sys

HOST = os.environ.get("SYNACK_SERVER", "127.0.0.1")
PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 8888

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect((HOST, PORT))
message = "你好, server! hello".encode("utf-8")
n = client.send(message)
print(f"client: sent {n} bytes", flush=True)
reply = client.recv(1024)
print(f"client: received {len(reply)} bytes {reply.decode('utf-8')!r}", flush=True)
client.close()
