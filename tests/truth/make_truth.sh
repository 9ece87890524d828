#!/usr/bin/env bash
# Regenerates the per-frame tshark truth files used by the golden tests.
#
#   tests/truth/make_truth.sh [CAPTURE...]     (default: every file in tests/captures/)
#   TRUTH_OUT=tests/truth/gen tests/truth/make_truth.sh captures/*.pcap   (generator captures)
#
# Writes tests/truth/<capture>.tsv: a header line, then one line per frame with the fields
# below, exactly as `tshark -n -T fields -E occurrence=l` prints them (the last occurrence: the innermost header of a tunnelled packet) (default preferences,
# empty profile). Needs tshark (apt-get install tshark); CI does not: it reads the committed
# files. Generated with TShark 4.0.x (Debian 12).
set -euo pipefail
. "$(dirname "$0")/truth_env.sh"
out=${TRUTH_OUT:-$here}
caps="$here/../captures"
FIELDS=(frame.number frame.time_epoch frame.cap_len frame.len frame.protocols
  vlan.id ip.src ip.dst ipv6.src ipv6.dst
  tcp.srcport tcp.dstport udp.srcport udp.dstport tcp.stream udp.stream
  tcp.flags tcp.seq_raw tcp.ack_raw tcp.seq tcp.ack tcp.len tcp.window_size_value tcp.window_size
  tcp.analysis.retransmission tcp.analysis.fast_retransmission tcp.analysis.spurious_retransmission
  tcp.analysis.out_of_order tcp.analysis.lost_segment tcp.analysis.ack_lost_segment
  tcp.analysis.duplicate_ack tcp.analysis.duplicate_ack_num tcp.analysis.duplicate_ack_frame
  tcp.analysis.zero_window tcp.analysis.zero_window_probe tcp.analysis.zero_window_probe_ack
  tcp.analysis.window_full tcp.analysis.window_update tcp.analysis.keep_alive tcp.analysis.keep_alive_ack
  tcp.analysis.reused_ports tcp.analysis.initial_rtt _ws.malformed
  tcp.analysis.bytes_in_flight tcp.analysis.ack_rtt tcp.analysis.acks_frame)
args=(); for f in "${FIELDS[@]}"; do args+=(-e "$f"); done
files=("$@"); [ ${#files[@]} -gt 0 ] || files=("$caps"/*.pcap "$caps"/*.pcapng)
for f in "${files[@]}"; do
  name=$(basename "$f")
  if ! tshark -n -r "$f" -c 1 >/dev/null 2>&1; then echo "skip (unreadable): $name" >&2; continue; fi
  { (IFS=$'\t'; echo "${FIELDS[*]}")
    tshark -n -r "$f" -T fields -E separator=/t -E occurrence=l "${args[@]}" 2>/dev/null; } > "$out/$name.tsv"
  echo "wrote $name.tsv ($(($(wc -l < "$out/$name.tsv") - 1)) frames)" >&2
done
