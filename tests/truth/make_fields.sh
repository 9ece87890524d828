#!/usr/bin/env bash
# Regenerates tests/truth/fields/<capture>.tsv: what `tshark -n -r CAPTURE -T fields -E
# header=y -e ...` prints for the fields below (every occurrence, comma-aggregated, default
# preferences), for the public corpus and the lesson captures. `tests/fields_vs_tshark.rs`
# compares `synack read -T fields` with them. Needs tshark; CI reads the committed files.
# Generated with TShark 4.0.x (Debian 12).
set -euo pipefail
. "$(dirname "$0")/truth_env.sh"
out="$here/fields"
mkdir -p "$out"
FIELDS=(frame.number tcp.stream tcp.analysis.flags
  frame.len frame.cap_len frame.time_relative frame.time_epoch eth.src eth.dst eth.type
  ip.src ip.dst ip.len ip.id ip.ttl ip.proto ipv6.src ipv6.dst
  tcp.srcport tcp.dstport tcp.len tcp.seq tcp.nxtseq tcp.ack tcp.seq_raw tcp.ack_raw tcp.flags
  tcp.flags.syn tcp.window_size_value tcp.window_size tcp.hdr_len
  tcp.options.mss_val tcp.options.wscale.shift tcp.options.sack_le tcp.options.sack_re
  tcp.analysis.retransmission tcp.analysis.duplicate_ack tcp.analysis.bytes_in_flight
  tcp.analysis.ack_rtt tcp.analysis.acks_frame
  udp.srcport udp.dstport udp.length udp.stream vlan.id icmp.type icmp.code)
args=(); for f in "${FIELDS[@]}"; do args+=(-e "$f"); done
for f in "$root"/tests/captures/*.pcap "$root"/tests/captures/*.pcapng "$root"/captures/*.pcap; do
  case $f in */flood.pcap) continue ;; esac
  name=$(basename "$f")
  if ! tshark -n -r "$f" -c 1 >/dev/null 2>&1; then echo "skip (unreadable): $name" >&2; continue; fi
  tshark -n -r "$f" -T fields -E header=y "${args[@]}" 2>/dev/null > "$out/$name.tsv" || true
done
echo "wrote $(ls "$out" | wc -l) files" >&2
