#!/usr/bin/env bash
# The cost of tracing: a client sending 10,000 small messages (one send() each, TCP_NODELAY)
# to a server that reads them, alone and under `synack run`, timed by the client itself
# (its sends and the server's reads to the end, not the program start-up). Both alone and
# traced run inside a network namespace of their own (`unshare -n`), so only the tracing
# differs. Prints each round and the medians.
#
#   benches/run_overhead.sh              # ROUNDS=5 COUNT=10000 SYNACK=target/release/synack
#
# Needs root (network namespaces, ptrace) and python3.
set -euo pipefail
# One write per printed line, so the two programs' lines never interleave mid-line.
unset PYTHONUNBUFFERED
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-5}"
COUNT="${COUNT:-10000}"
SYNACK="$(realpath -m "${SYNACK:-target/release/synack}")"
[ -x "$SYNACK" ] || cargo build --release --no-default-features --features cli
course=examples/course

alone() {
  unshare -n sh -c "ip link set lo up; cd $course; python3 sink_server.py 7001 & sleep 2; python3 echo_bench_client.py $COUNT; wait" \
    | sed -n 's/^client: [0-9]* sends in \([0-9.]*\) s$/\1/p'
}

traced() {
  (cd $course && "$SYNACK" run -q --server 'python3 sink_server.py 7001' \
    --client "python3 echo_bench_client.py $COUNT" 2>/dev/null) \
    | sed -n 's/^client: [0-9]* sends in \([0-9.]*\) s$/\1/p'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

a_all=(); t_all=()
for r in $(seq "$ROUNDS"); do
  a=$(alone); t=$(traced)
  a_all+=("$a"); t_all+=("$t")
  printf 'round %d: alone %s s, traced %s s (%.2fx)\n' "$r" "$a" "$t" "$(echo "$t / $a" | bc -l)"
done
ma=$(printf '%s\n' "${a_all[@]}" | median)
mt=$(printf '%s\n' "${t_all[@]}" | median)
printf 'median of %d rounds, %d messages: alone %s s, under synack run %s s: %.2fx\n' \
  "$ROUNDS" "$COUNT" "$ma" "$mt" "$(echo "$mt / $ma" | bc -l)"
