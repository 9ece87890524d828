#!/usr/bin/env bash
# synack against tshark and tcpdump on the same million-packet capture.
#
# Makes a capture with `synack gen flood --synthetic` (CONNS connections, LOSS % lossy
# rounds, PACKETS frames), then times each command RUNS times on that file (in rounds:
# every command once per round, so a slow spell of the machine hits all alike) and prints the
# median wall time, packets/s, MB/s, peak RSS (`/usr/bin/time -v`) and the ratios of synack
# to tshark and to tcpdump (libpcap reading and copying every record: the read ceiling).
# On a VM, each run also shows the share of the machine's CPU time the hypervisor stole
# meanwhile (/proc/stat), and the ratios are given again over the rounds where steal stayed
# under QUIET % (default 5) for both commands.
# Then: `synack flows` single- against multi-threaded, peak RSS of `synack flows` on a
# capture SCALE times larger (memory must not grow with the file), and the desktop view's
# packet store (examples/store_bytes.rs): its heap bytes per packet (a counting allocator;
# the captured bytes stay in the file), the time it takes to load the file and the peak RSS
# meanwhile. Last, the columnar output: `synack flows --format
# parquet` against `synack flows` (goal: within 1.2x), and `synack read --format parquet`
# against `synack read --json`.
#
# Usage (from a clean clone): benches/compare.sh
#   ONLY=columnar benches/compare.sh  to make the input and time the columnar output alone.
#   PACKETS=1000000 CONNS=10000 LOSS=2 RUNS=5 SCALE=2 QUIET=5 WORK=/tmp/synack-compare to change.
# Installs tshark, tcpdump and GNU time with apt-get when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKETS=${PACKETS:-1000000}
CONNS=${CONNS:-10000}
LOSS=${LOSS:-2}
RUNS=${RUNS:-5}
SCALE=${SCALE:-2}
TARGET=${CARGO_TARGET_DIR:-target}
WORK=${WORK:-$(mktemp -d /tmp/synack-compare.XXXXXX)}
KEEP=${KEEP:-0}
mkdir -p "$WORK"
[ "$KEEP" = 1 ] || trap 'rm -rf "$WORK"' EXIT

# Tools: install what is missing (Debian/Ubuntu).
missing=()
command -v tshark >/dev/null || missing+=(tshark)
command -v tcpdump >/dev/null || missing+=(tcpdump)
command -v capinfos >/dev/null || missing+=(wireshark-common)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
    echo 'wireshark-common wireshark-common/install-setuid boolean false' | $SUDO debconf-set-selections
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cargo build --release --quiet --bin synack --example store_bytes
SYNACK="$TARGET/release/synack"
STORE_BYTES="$TARGET/release/examples/store_bytes"
FILE="$WORK/flood.pcap"
BIG="$WORK/flood-x$SCALE.pcap"

count_packets() { capinfos -M -c -T -r "$1" | awk -F'\t' '{ print $2 }'; }

echo "== input"
"$SYNACK" gen flood --synthetic --connections "$CONNS" --packets "$PACKETS" --loss "$LOSS" \
    -w "$FILE" >/dev/null
NPKT=$(count_packets "$FILE")
BYTES=$(stat -c %s "$FILE")
CONNS_SEEN=$("$SYNACK" flows "$FILE" --json | wc -l)
# Loss: fast retransmissions the analysis found (the flood repairs every loss that way).
FAST_RT=$("$SYNACK" flows "$FILE" --json | grep -o '"fast_retransmission":[0-9]*' |
    awk -F: '{ s += $2 } END { print s + 0 }')
printf '%s: %d packets, %.1f MB, %d connections, %d fast retransmissions\n' \
    "$FILE" "$NPKT" "$(awk -v b="$BYTES" 'BEGIN { print b / 1e6 }')" "$CONNS_SEEN" "$FAST_RT"
if [ "$NPKT" -lt 1000000 ] && [ "$PACKETS" -ge 1000000 ]; then
    echo "the capture has fewer than 1 000 000 packets" >&2; exit 1
fi
[ "$FAST_RT" -gt 0 ] || { echo "the capture shows no loss" >&2; exit 1; }

# Steal: CPU time the hypervisor gave to other guests while this VM wanted it (jiffies,
# the 8th number of the `cpu` line of /proc/stat). A run with much steal measured the host's
# load, not the program; a two-thread pipeline loses more to it than a one-thread tool.
steal_jiffies() { awk '/^cpu / { print $9 }' /proc/stat; }
HZ=$(getconf CLK_TCK)

# run_one NAME CMD...: runs CMD once (stdout to /dev/null), adding its wall time to
# TIMES[NAME], the share of the machine's CPU time stolen meanwhile (%) to STOLEN[NAME], and
# keeping the largest peak RSS (KiB) in RSSMAX[NAME].
declare -A MEDIAN TIMES RSSMAX STOLEN
run_one() {
    local name=$1; shift
    local t0 t1 r s0 s1
    s0=$(steal_jiffies)
    t0=$(date +%s.%N)
    /usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt" ||
        { echo "$name failed:" >&2; cat "$WORK/err.txt" "$WORK/time.txt" >&2; exit 1; }
    t1=$(date +%s.%N)
    s1=$(steal_jiffies)
    TIMES[$name]="${TIMES[$name]:-} $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')"
    STOLEN[$name]="${STOLEN[$name]:-} $(awk -v a="$t0" -v b="$t1" -v s=$((s1 - s0)) -v hz="$HZ" \
        -v n="$(nproc)" 'BEGIN { printf "%.0f", 100 * s / hz / ((b - a) * n) }')"
    r=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")
    [ "$r" -gt "${RSSMAX[$name]:-0}" ] && RSSMAX[$name]=$r
    return 0
}
# median: the median of the numbers on stdin, one per line (the lower middle one of an even count).
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# report NAME: prints NAME's median wall time, packets/s, MB/s and peak RSS; sets MED (s),
# RSS (KiB) and MEDIAN[NAME].
report() {
    local name=$1
    MED=$(printf '%s\n' ${TIMES[$name]} | median)
    RSS=${RSSMAX[$name]}
    MEDIAN[$name]=$MED
    printf '%-34s %8.3f s  %11.0f pkt/s  %8.1f MB/s  %8.1f MB peak RSS   runs:%s  (steal %%:%s)\n' \
        "$name" "$MED" "$(awk -v n="$NPKT" -v t="$MED" 'BEGIN { print n / t }')" \
        "$(awk -v b="$BYTES" -v t="$MED" 'BEGIN { print b / 1e6 / t }')" \
        "$(awk -v r="$RSS" 'BEGIN { print r / 1024 }')" "${TIMES[$name]}" "${STOLEN[$name]}"
}
# measure NAME CMD...: runs CMD RUNS times in a row, then reports it.
measure() {
    local i
    for ((i = 0; i < RUNS; i++)); do run_one "$@"; done
    report "$1"
}
ratio() { awk -v a="${MEDIAN[$1]}" -v b="${MEDIAN[$2]}" 'BEGIN { printf "%.3f", a / b }'; }
# best NAME: the fastest run (on a shared machine, the run least slowed by the others).
best() { printf '%s\n' ${TIMES[$1]} | sort -g | head -1; }
best_ratio() { awk -v a="$(best "$1")" -v b="$(best "$2")" 'BEGIN { printf "%.3f", a / b }'; }
speedup() { awk -v a="${MEDIAN[$1]}" -v b="${MEDIAN[$2]}" 'BEGIN { printf "%.1f", b / a }'; }

# Warm the page cache so every tool reads from memory.
cat "$FILE" >/dev/null
ONLY=${ONLY:-}
if [ "$ONLY" != columnar ]; then

echo
echo "== times (median of $RUNS), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
# Rounds: every command once per round, so that a slow spell of a shared machine falls on
# all of them instead of on the one that happened to run then.
for ((round = 0; round < RUNS; round++)); do
    run_one "synack flows" "$SYNACK" flows "$FILE"
    run_one "synack flows --threads 1" "$SYNACK" flows --threads 1 "$FILE"
    run_one "synack flows --threads 2" "$SYNACK" flows --threads 2 "$FILE"
    run_one "synack read --json" "$SYNACK" read "$FILE" --json
    run_one "synack read --json --threads 1" "$SYNACK" read --threads 1 "$FILE" --json
    run_one "synack read --json --threads 2" "$SYNACK" read --threads 2 "$FILE" --json
    run_one "tshark -q -z conv,tcp" tshark -r "$FILE" -q -z conv,tcp
    run_one "tcpdump -w /dev/null" tcpdump -r "$FILE" -w /dev/null
done
for name in "synack flows" "synack flows --threads 1" "synack flows --threads 2" \
    "synack read --json" "synack read --json --threads 1" "synack read --json --threads 2" \
    "tshark -q -z conv,tcp" "tcpdump -w /dev/null"; do
    report "$name"
done

echo
echo "== ratios (time of synack / time of the other; goals: flows/tshark <= 0.05, flows/tcpdump <= 1.5)"
printf 'flows/tshark      %s  (synack flows is %sx faster than tshark)\n' \
    "$(ratio "synack flows" "tshark -q -z conv,tcp")" "$(speedup "synack flows" "tshark -q -z conv,tcp")"
printf 'flows/tcpdump     %s\n' "$(ratio "synack flows" "tcpdump -w /dev/null")"
printf 'fastest runs: flows/tshark %s, flows/tcpdump %s\n' \
    "$(best_ratio "synack flows" "tshark -q -z conv,tcp")" \
    "$(best_ratio "synack flows" "tcpdump -w /dev/null")"
# Runs are comparable when the host left this VM alone: the rounds in which neither
# command lost more than QUIET % of the machine to steal.
QUIET=${QUIET:-5}
quiet_ratio() {
    local -a a b sa sb
    read -ra a <<<"${TIMES[$1]}"; read -ra b <<<"${TIMES[$2]}"
    read -ra sa <<<"${STOLEN[$1]}"; read -ra sb <<<"${STOLEN[$2]}"
    local i out=""
    for i in "${!a[@]}"; do
        if [ "${sa[$i]}" -le "$QUIET" ] && [ "${sb[$i]}" -le "$QUIET" ]; then
            out="$out $(awk -v x="${a[$i]}" -v y="${b[$i]}" 'BEGIN { printf "%.3f", x / y }')"
        fi
    done
    if [ -z "$out" ]; then echo "none (every round lost more than $QUIET % to steal)"; return; fi
    echo "$(printf '%s\n' $out | median) (median of$out)"
}
printf 'quiet rounds (steal <= %s %% in both runs): flows/tshark %s\n' "$QUIET" \
    "$(quiet_ratio "synack flows" "tshark -q -z conv,tcp")"
printf 'quiet rounds (steal <= %s %% in both runs): flows/tcpdump %s\n' "$QUIET" \
    "$(quiet_ratio "synack flows" "tcpdump -w /dev/null")"
printf 'read-json/tshark  %s\n' "$(ratio "synack read --json" "tshark -q -z conv,tcp")"
printf 'read-json/tcpdump %s\n' "$(ratio "synack read --json" "tcpdump -w /dev/null")"
printf 'flows: time with 1 thread / with 2 threads        %s  (speedup of the second thread)\n' \
    "$(ratio "synack flows --threads 1" "synack flows --threads 2")"
printf 'read --json: time with 1 thread / with 2 threads  %s\n' \
    "$(ratio "synack read --json --threads 1" "synack read --json --threads 2")"
echo "(without --threads synack uses 2 threads on a machine with 2 or more cores)"

echo
echo "== memory against file size"
measure "synack flows (1x file)" "$SYNACK" flows "$FILE"
RSS1=$RSS
"$SYNACK" gen flood --synthetic --connections "$CONNS" --packets $((PACKETS * SCALE)) \
    --loss "$LOSS" -w "$BIG" >/dev/null
BIG_BYTES=$(stat -c %s "$BIG")
SAVE_NPKT=$NPKT SAVE_BYTES=$BYTES
NPKT=$(count_packets "$BIG") BYTES=$BIG_BYTES
cat "$BIG" >/dev/null
measure "synack flows (${SCALE}x file)" "$SYNACK" flows "$BIG"
RSS2=$RSS
NPKT=$SAVE_NPKT BYTES=$SAVE_BYTES
printf 'peak RSS %.1f MB on %.0f MB, %.1f MB on %.0f MB: ratio %.2f for a %sx file\n' \
    "$(awk -v r="$RSS1" 'BEGIN { print r / 1024 }')" "$(awk -v b="$BYTES" 'BEGIN { print b / 1e6 }')" \
    "$(awk -v r="$RSS2" 'BEGIN { print r / 1024 }')" "$(awk -v b="$BIG_BYTES" 'BEGIN { print b / 1e6 }')" \
    "$(awk -v a="$RSS1" -v b="$RSS2" 'BEGIN { print b / a }')" "$SCALE"
rm -f "$BIG"

echo
echo "== desktop packet store (goals: <= 64 bytes per packet, no captured bytes in memory; on the 1 M-packet flood: loaded < 2 s, peak RSS < 350 MB)"
"$STORE_BYTES" "$FILE"
fi

echo
echo "== columnar output (median of $RUNS, in rounds; goal: flows --format parquet <= 1.2x flows)"
for ((round = 0; round < RUNS; round++)); do
    run_one "synack flows (table)" "$SYNACK" flows "$FILE"
    run_one "synack flows --format parquet" "$SYNACK" flows "$FILE" --format parquet \
        -o "$WORK/flows.parquet"
    run_one "synack read --json (again)" "$SYNACK" read "$FILE" --json
    run_one "synack read --format parquet" "$SYNACK" read "$FILE" --format parquet \
        -o "$WORK/packets.parquet"
done
for name in "synack flows (table)" "synack flows --format parquet" \
    "synack read --json (again)" "synack read --format parquet"; do
    report "$name"
done
printf 'flows --format parquet / flows   %s  (fastest runs %s)\n' \
    "$(ratio "synack flows --format parquet" "synack flows (table)")" \
    "$(best_ratio "synack flows --format parquet" "synack flows (table)")"
printf 'read --format parquet / read --json   %s\n' \
    "$(ratio "synack read --format parquet" "synack read --json (again)")"
printf 'Parquet sizes: flows %.1f MB (%d connections), packets %.1f MB (%.1f bytes per packet)\n' \
    "$(awk -v b="$(stat -c %s "$WORK/flows.parquet")" 'BEGIN { print b / 1e6 }')" "$CONNS_SEEN" \
    "$(awk -v b="$(stat -c %s "$WORK/packets.parquet")" 'BEGIN { print b / 1e6 }')" \
    "$(awk -v b="$(stat -c %s "$WORK/packets.parquet")" -v n="$NPKT" 'BEGIN { print b / n }')"
