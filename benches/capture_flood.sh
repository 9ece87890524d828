#!/usr/bin/env bash
# Capture under a loopback flood: synack vs tcpdump on the same traffic.
#
# Floods 127.0.0.1 with UDP for DUR seconds (examples/udp_flood.rs) while
# `synack capture -w /dev/null` captures it, then again while `tcpdump -w /dev/null` does.
# Both use the same BPF filter and the same kernel buffer (BUF_MIB). Prints, for each:
# datagrams sent, packets captured, captured packets/s, kernel drops, synack's own queue
# drops, and loss (sent - captured). Needs root (or capture capabilities) and tcpdump.
#
# Usage: benches/capture_flood.sh            (DUR=10 PORT=47999 SIZE=64 BUF_MIB=8 to change)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10}
PORT=${PORT:-47999}
SIZE=${SIZE:-64}
BUF_MIB=${BUF_MIB:-8}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin synack --example udp_flood
SYNACK="$TARGET/release/synack"
FLOOD="$TARGET/release/examples/udp_flood"
command -v tcpdump >/dev/null || { echo "tcpdump is not installed" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# run NAME CMD...: capture with CMD during a flood; prints one result line.
run() {
    local name=$1; shift
    "$@" 2>"$WORK/$name.err" &
    local pid=$!
    sleep 1.5
    local sent
    sent=$("$FLOOD" "$DUR" "$PORT" "$SIZE")
    sleep 1
    kill -INT "$pid"
    wait "$pid" || true
    local captured kdrop qdrop
    captured=$(grep -m1 -oE '^[0-9]+ packets captured' "$WORK/$name.err" | cut -d' ' -f1)
    kdrop=$(grep -m1 -oE '^[0-9]+ packets dropped by kernel' "$WORK/$name.err" | cut -d' ' -f1)
    qdrop=$(grep -m1 -oE '^[0-9]+ packets dropped by synack' "$WORK/$name.err" | cut -d' ' -f1 || true)
    printf '%-8s sent %9d  captured %9d  %9.0f pps  kernel drops %8d  queue drops %8s  loss %8d\n' \
        "$name" "$sent" "${captured:-0}" "$(awk -v c="${captured:-0}" -v d="$DUR" 'BEGIN { print c / d }')" \
        "${kdrop:-0}" "${qdrop:--}" "$((sent - ${captured:-0}))"
}

echo "loopback UDP flood, ${DUR}s, ${SIZE}-byte payloads, filter 'udp port $PORT', buffer ${BUF_MIB} MiB"
run synack "$SYNACK" capture -i lo -f "udp port $PORT" -w /dev/null --buffer-size "$BUF_MIB"
run tcpdump tcpdump -i lo -n -B $((BUF_MIB * 1024)) -w /dev/null "udp port $PORT"
