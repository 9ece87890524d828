#!/usr/bin/env bash
# Regenerates tests/truth/link_header/<capture>.txt: the link-level header `tcpdump -e -n`
# prints before each packet's addresses (the text between the timestamp and the first ": "),
# one line per packet (the first 300), for the corpus captures whose link type tcpdump -e describes the way
# synack does (Ethernet, Linux cooked v1/v2, BSD loopback). For Linux cooked v2, tcpdump
# starts with the interface's name on the machine reading the file (if_indextoname); that
# word is dropped, since it says nothing about the capture. `tests/cli_conventions.rs`
# compares `synack read --link-header` with them. Needs tcpdump; CI reads the committed files.
# Generated with tcpdump 4.99 (Debian 12).
set -euo pipefail
. "$(dirname "$0")/truth_env.sh"
out="$here/link_header"
rm -rf "$out"; mkdir -p "$out"
for f in "$root"/tests/captures/*.pcap "$root"/tests/captures/*.pcapng "$root"/captures/*.pcap; do
  case $f in */flood.pcap) continue ;; esac
  link=$(tcpdump -r "$f" -c 1 2>&1 >/dev/null | sed -n 's/.*link-type \([A-Z0-9_]*\).*/\1/p' || true)
  case $link in EN10MB | LINUX_SLL | LINUX_SLL2 | NULL) ;; *) continue ;; esac
  # Every packet of the file must be one line of tcpdump's output (a file that tcpdump
  # cannot read to its end is left out)
  text=$(tcpdump -e -n -c 300 -r "$f" 2>/dev/null) || continue
  # (a line that does not start with a time belongs to the packet before it: a tunnel's
  # inner packet, left out too)
  printf '%s\n' "$text" | grep -qvE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.' && continue
  printf '%s\n' "$text" | sed -E 's/^[0-9:.]+ +//; s/^[^ ]+ +((In|Out|B|M|P) +ifindex)/\1/; s/: .*//' \
    > "$out/$(basename "$f").txt"
done
echo "wrote $(ls "$out" | wc -l) files" >&2
