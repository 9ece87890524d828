#!/usr/bin/env python3
"""HTTP client with the standard library's http.client: GET a path, print status and body."""
import http.client
import os
import sys

HOST = os.environ.get("SYNACK_SERVER", "127.0.0.1")
path = sys.argv[1] if len(sys.argv) > 1 else "/index.html"
conn = http.client.HTTPConnection(HOST, int(os.environ.get("HTTP_PORT", "8000")), timeout=5)
conn.request("GET", path)
resp = conn.getresponse()
body = resp.read()
print(f"client: {resp.status} {resp.reason}, received {len(body)} bytes of body", flush=True)
print(body.decode("utf-8"), flush=True)
conn.close()
