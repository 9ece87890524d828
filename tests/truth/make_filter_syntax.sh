#!/usr/bin/env bash
# Regenerates tests/truth/filter_syntax.tsv: for each capture and each display filter below,
# how many frames tshark shows (`tshark -n -r CAPTURE -Y FILTER | wc -l`). The filters use the
# syntax beyond plain comparisons: strings, contains, matches, in {...}, slices, eth.*,
# ip.len, frame.time_relative, tcp.payload, tcp.nxtseq, tcp.options.sack_le. Needs tshark;
# CI reads the committed file. Generated with TShark 4.0.x (Debian 12).
set -euo pipefail
. "$(dirname "$0")/truth_env.sh"
FILTERS=(
  'tcp.payload contains "GET"'
  'tcp.payload contains 48:54:54:50'
  'frame contains "HTTP"'
  'tcp.payload matches "^get /"'
  'tcp.payload matches "host: [a-z0-9.]+"'
  'tcp.port in {80, 443, 8080}'
  'tcp.port in {1024..49151}'
  'tcp[13] == 12'
  'tcp[13] == 0x10'
  'tcp[12:1] == 80'
  'ip.src[0] == 0a'
  'eth.src == 00:00:00:00:00:00'
  'eth.addr[0:3] == 00:00:00'
  'eth.type == 0x86dd'
  'ip.len > 100'
  'frame.time_relative > 0.5'
  'frame.time_relative <= 0.001'
  'tcp.nxtseq > 1000'
  'tcp.nxtseq == 1'
  'tcp.options.sack_le'
  'tcp.options.sack_le > 1000'
  'tcp.options.sack_re < 100000'
  'ip.id == 0'
  'udp.payload contains 00:01'
  'tcp.len > 0 and !(tcp.payload contains "GET")'
)
out="$here/filter_syntax.tsv"
printf 'capture\tfilter\tframes\n' > "$out"
for f in "$root"/tests/captures/*.pcap "$root"/tests/captures/*.pcapng "$root"/captures/*.pcap; do
  case $f in */flood.pcap) continue ;; esac
  rel=${f#"$root"/}
  if ! tshark -n -r "$f" -c 1 >/dev/null 2>&1; then echo "skip (unreadable): $rel" >&2; continue; fi
  for flt in "${FILTERS[@]}"; do
    if n=$(tshark -n -r "$f" -Y "$flt" 2>/dev/null | wc -l); then
      printf '%s\t%s\t%s\n' "$rel" "$flt" "$n" >> "$out"
    fi
  done
done
echo "wrote $(($(wc -l < "$out") - 1)) counts" >&2
