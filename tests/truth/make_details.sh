#!/usr/bin/env bash
# Regenerates tests/truth/details/<capture>.txt: the lines of `tshark -n -V -r CAPTURE` that
# `synack read -V` is compared with (tests/details_cli.rs): the section titles of Frame,
# Ethernet II, Internet Protocol, TCP and UDP (lines at the left margin) and the field lines
# whose value both print (ports, sequence and acknowledgment numbers, TTL, hop limit,
# window), indentation kept. Needs tshark; CI reads the committed files.
# Generated with TShark 4.0.x (Debian 12), default preferences.
set -euo pipefail
. "$(dirname "$0")/truth_env.sh"
out="$here/details"
mkdir -p "$out"
for f in captures/demo.pcap captures/loss.pcap captures/udp-chat.pcap \
  tests/captures/pcpp-three_http_streams.pcap tests/captures/sanders-http_ip4and6.pcapng; do
  tshark -n -V -r "$root/$f" 2>/dev/null \
    | grep -E '^(Frame |Ethernet II|Internet Protocol|Transmission Control|User Datagram)|^    (Source Port|Destination Port|Sequence Number|Acknowledgment Number|Time to Live|Hop Limit|Window): ' \
    > "$out/$(basename "$f").txt"
done
echo "wrote $(ls "$out" | wc -l) files" >&2
