#!/usr/bin/env bash
# Regenerates captures/<scenario>.pcap (+ .calls.json) with the generator, and their tshark
# truth in tests/truth/gen/. Live (real sockets on lo, needs root) where the scenario has a
# live form, synthetic (seed 1) otherwise, --netns for the lessons about real kernels (cc-compare,
# send-buffer); `demo.pcap` is always synthetic (deterministic).
#
#   sudo captures/make_captures.sh          (needs a release build: cargo build --release)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${SYNACK:-$here/../target/release/synack}
synthetic_only=" close-simultaneous loss reorder flood demo "
for sc in $("$bin" gen --list | awk '{print $1}'); do
  if [ "$sc" = cc-compare ] || [ "$sc" = send-buffer ]; then
    # Real kernels only: between namespaces, through the router's bottleneck (cc-compare
    # with 1 % loss, send-buffer without). Their calls traces with the kernel's readings are
    # megabytes: kept with the kernel fixtures.
    kernel="$here/../tests/captures/kernel"
    loss=1
    [ "$sc" = send-buffer ] && loss=0
    "$bin" gen "$sc" --netns --loss "$loss" --write "$kernel/$sc.pcap"
    rm -f "$kernel/$sc.pcap.server.pcap"
    TRUTH_OUT="$here/../tests/truth/gen" "$here/../tests/truth/make_truth.sh" "$kernel/$sc.pcap"
    continue
  fi
  case "$synthetic_only" in
    *" $sc "*)
      if [ "$sc" = flood ]; then
        "$bin" gen flood --synthetic --connections 8 --packets 240 --loss 5 --write "$here/$sc.pcap"
      else
        "$bin" gen "$sc" --synthetic --write "$here/$sc.pcap"
      fi ;;
    *) "$bin" gen "$sc" --write "$here/$sc.pcap" ;;
  esac
done
mkdir -p "$here/../tests/truth/gen"
TRUTH_OUT="$here/../tests/truth/gen" "$here/../tests/truth/make_truth.sh" "$here"/*.pcap
