#!/usr/bin/env python3
"""UDP broadcast sender: SO_BROADCAST, then sendto() the subnet's broadcast address.

Every receiver bound to the port on that subnet gets each datagram. On loopback (synack
run's own network) the broadcast address is 127.255.255.255.
"""
import argparse
import socket
import time

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--port", type=int, default=9999)
parser.add_argument("--to", default="127.255.255.255", help="broadcast address")
parser.add_argument("--count", type=int, default=3)
args = parser.parse_args()

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
for i in range(args.count):
    data = f"broadcast {i + 1}: 大家好".encode("utf-8")
    n = sock.sendto(data, (args.to, args.port))
    print(f"sender: sent {n} bytes to {args.to}", flush=True)
    time.sleep(0.2)
sock.close()
