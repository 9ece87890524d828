#!/usr/bin/env python3
"""The sticky-packet (粘包) server: reads what the client sent, slowly, and shows how the
recv() calls cut the byte stream -- not where the client's send() calls did.

--fix chooses how the messages are told apart again (use the same --fix on both sides):
  none       recv(1024) whatever arrived: several messages glued together
  delimiter  fix 1: each message ends with a newline; split the stream at newlines
  length     fix 2: each message starts with its length (4 bytes, big-endian)
  delay      fix 3: the client pauses between sends, so each arrives alone
  ack        fix 4: the server confirms each message; the client waits for it
"""
import argparse
import select
import socket
import struct

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--port", type=int, default=7070)
parser.add_argument("--fix", choices=["none", "delimiter", "length", "delay", "ack"], default="none")
args = parser.parse_args()

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", args.port))
server.listen(1)
print(f"server: port {args.port}, fix {args.fix}", flush=True)
conn, addr = server.accept()


def recv_exact(n):
    data = b""
    while len(data) < n:
        part = conn.recv(n - len(data))
        if not part:
            return None
        print(f"server: received {len(part)} bytes", flush=True)
        data += part
    return data


messages = []
if args.fix == "none":
    # Let the messages queue up unread until the client has sent them all (its FIN has
    # arrived: POLLRDHUP; at most 5 s): then one recv() returns them glued together.
    waiter = select.poll()
    waiter.register(conn, select.POLLRDHUP)
    waiter.poll(5000)
    while True:
        data = conn.recv(1024)
        if not data:
            break
        print(f"server: received {len(data)} bytes {data.decode('utf-8')!r}", flush=True)
elif args.fix == "delimiter":
    buf = b""
    while True:
        data = conn.recv(1024)
        if not data:
            break
        print(f"server: received {len(data)} bytes", flush=True)
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            print(f"server: message {line.decode('utf-8')!r}", flush=True)
elif args.fix == "length":
    while True:
        head = recv_exact(4)
        if head is None:
            break
        (n,) = struct.unpack("!I", head)
        body = recv_exact(n)
        print(f"server: message {body.decode('utf-8')!r}", flush=True)
else:  # delay, ack: one recv() per message
    while True:
        data = conn.recv(1024)
        if not data:
            break
        print(f"server: received {len(data)} bytes {data.decode('utf-8')!r}", flush=True)
        if args.fix == "ack":
            conn.send(b"ok")
            print("server: sent 2 bytes", flush=True)
conn.close()
server.close()
