#!/usr/bin/env bash
# Regenerates tests/truth/details/<capture>.txt: the lines of `tshark -n -V -r CAPTURE` that
# `synack read -V` is compared with (tests/details_cli.rs): the section titles of Frame,
# Ethernet II, Internet Protocol, TCP and UDP (lines at the left margin) and the field lines
# whose value both print (ports, sequence and acknowledgment numbers, TTL, hop limit,
# window), indentation kept. Every capture of the corpus and every lesson, but for those
# where tshark and synack lay the tree out differently on purpose:
# - IP tunnels (GRE, ERSPAN, PPTP, VXLAN, Geneve, GTP-U, Teredo, 4in6, 6in4): tshark prints
#   each tunnel layer as a protocol of its own, synack the outer ones as encapsulation
#   sections above the innermost packet;
# - pcpp-ip4_fragments.pcap: tshark shows the UDP header in the frame that completes the
#   datagram, synack (as tcpdump) in the first fragment, where its bytes are;
# - gopacket-be-test202.pcapng: tshark's tree of a pcapng custom block has no Frame title;
# - synack-netns-loss-*.pcap: 3 200 frames of one connection, 1.5 MB of truth with nothing
#   the other captures lack.
# Needs tshark; CI reads the committed files. Generated with TShark 4.0.x (Debian 12),
# default preferences.
set -euo pipefail
. "$(dirname "$0")/truth_env.sh"
out="$here/details"
rm -rf "$out"; mkdir -p "$out"
for f in "$root"/captures/*.pcap "$root"/tests/captures/*.pcap "$root"/tests/captures/*.pcapng; do
  name=$(basename "$f")
  case $name in
    *gre* | *erspan* | *pptp* | *vxlan* | *geneve* | *gtp* | *Teredo* | *4in6* | *6in4*) continue ;;
    pcpp-ip4_fragments.pcap | gopacket-be-test202.pcapng | synack-netns-loss-*) continue ;;
  esac
  if ! tshark -n -r "$f" -c 1 >/dev/null 2>&1; then echo "skip (unreadable): $name" >&2; continue; fi
  tshark -n -V -r "$f" 2>/dev/null \
    | grep -E '^(Frame |Ethernet II|Internet Protocol|Transmission Control|User Datagram)|^    (Source Port|Destination Port|Sequence Number|Acknowledgment Number|Time to Live|Hop Limit|Window): ' \
    > "$out/$name.txt" || true
done
echo "wrote $(ls "$out" | wc -l) files" >&2
