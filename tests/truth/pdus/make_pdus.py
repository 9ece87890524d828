#!/usr/bin/env python3
"""Writes tshark's application-PDU truth for the stream framing tests.

    tests/truth/pdus/make_pdus.py CAPTURE PROTO [PORT]

PROTO is one of tls, dns, mysql, resp, http. Writes tests/truth/pdus/<capture>.<proto>.tsv:
a header line, then one line per frame in which tshark (4.0, default preferences, empty
profile, TCP reassembly on) completed at least one PDU of that protocol:

    frame.number  tcp.stream  src  tcp.srcport  pdus

`pdus` is the number of PDUs that end in that frame (tshark shows a PDU spread over several
segments in the frame that carries its last byte). How PDUs are counted, per protocol, from
`tshark -T pdml`:
  tls    one per `tls.record` field (records of the record layer)
  mysql  one per `mysql.packet_length` field (one per MySQL packet)
  dns    one per `dns` protocol element (DNS over TCP: one per length-prefixed message)
  http   one per `http` protocol element that has a request or status line
  resp   one per direct child of a `resp` protocol element (top-level RESP values and
         inline-command fragments)
A PORT forces tshark's `decode as` for that TCP port (for non-standard ports).
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

def field(pkt, name):
    for f in pkt.iter("field"):
        if f.get("name") == name:
            return f.get("show")
    return ""

def count(pkt, proto):
    n = 0
    for p in pkt.findall("proto"):
        name = p.get("name")
        if proto == "tls" and name == "tls":
            n += sum(1 for f in p.iter("field") if f.get("name") == "tls.record")
        elif proto == "mysql" and name == "mysql":
            n += sum(1 for f in p.iter("field") if f.get("name") == "mysql.packet_length")
        elif proto == "dns" and name == "dns":
            n += 1
        elif proto == "http" and name == "http":
            if any(f.get("name") in ("http.request", "http.response") for f in p.iter("field")):
                n += 1
        elif proto == "resp" and name == "resp":
            n += len(p.findall("field"))
    return n

def main():
    cap, proto = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    args = ["tshark", "-n", "-r", cap, "-T", "pdml", "-Y", proto]
    if len(sys.argv) > 3:
        args += ["-d", f"tcp.port=={sys.argv[3]},{proto}"]
    with tempfile.TemporaryDirectory() as cfg:
        env = dict(os.environ, WIRESHARK_CONFIG_DIR=cfg)
        xml = subprocess.run(args, env=env, check=True, capture_output=True).stdout
    out = ["\t".join(["frame.number", "tcp.stream", "src", "tcp.srcport", "pdus"])]
    total = 0
    for pkt in ET.fromstring(xml).findall("packet"):
        n = count(pkt, proto)
        if n == 0:
            continue
        total += n
        src = field(pkt, "ip.src") or field(pkt, "ipv6.src")
        out.append("\t".join([field(pkt, "num") or field(pkt, "frame.number"),
                              field(pkt, "tcp.stream"), src, field(pkt, "tcp.srcport"), str(n)]))
    path = os.path.join(here, f"{os.path.basename(cap)}.{proto}.tsv")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {os.path.basename(path)}: {total} PDUs in {len(out) - 1} frames", file=sys.stderr)

main()
