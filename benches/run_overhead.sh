#!/usr/bin/env bash
# The cost of tracing: a client sending 10,000 small messages (one send() each, TCP_NODELAY)
# to a server that reads them, timed by the client itself (its sends and the server's reads
# to the end, not the program start-up), four ways:
#   alone    the two programs by themselves;
#   floor    under examples/ptrace_floor.rs: the same seccomp filter as `synack run`, and at
#            each stop only what any ptrace tracer must do (read the call, resume to its
#            exit, read the result): what ptrace itself costs on this machine;
#   entry    the same with no exit stop (one stop per call; a tracer doing this loses
#            each call's result): the least any ptrace design could cost;
#   strace   under `strace -f --seccomp-bpf` on the same calls (output to /dev/null);
#   stopped  under `synack run --ptrace-only` (every data call a ptrace stop);
#   synack   under `synack run` (data calls recorded in the kernel by eBPF at the
#            system-call tracepoints, the rest stopped; capture, kernel readings,
#            everything).
# Every way runs inside a network namespace of its own (`unshare -n`; synack makes its own),
# and every way traces both programs. The ways take turns in each round (a busy machine
# slows them alike); prints each round and the medians.
#
#   benches/run_overhead.sh     # ROUNDS=5 COUNT=10000 SYNACK=$CARGO_TARGET_DIR/release/synack
#                               # FLOOR=$CARGO_TARGET_DIR/release/examples/ptrace_floor
#
# Needs root (network namespaces, ptrace), python3 and strace.
set -euo pipefail
# One write per printed line, so the two programs' lines never interleave mid-line.
unset PYTHONUNBUFFERED
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-5}"
COUNT="${COUNT:-10000}"
out="${CARGO_TARGET_DIR:-target}/release"
SYNACK="$(realpath -m "${SYNACK:-$out/synack}")"
FLOOR="$(realpath -m "${FLOOR:-$out/examples/ptrace_floor}")"
[ -x "$SYNACK" ] || cargo build --release --no-default-features --features cli
[ -x "$FLOOR" ] || cargo build --release --no-default-features --features cli --example ptrace_floor
course=examples/course
# The calls synack's seccomp filter stops on (src/trace/syscalls.rs).
CALLS=read,write,readv,writev,close,close_range,dup,dup2,dup3,fcntl,socket,connect,accept,accept4,bind,listen,sendto,recvfrom,sendmsg,recvmsg,sendmmsg,recvmmsg,sendfile,shutdown,setsockopt,select,pselect6,poll,ppoll,epoll_ctl,epoll_wait,epoll_pwait,epoll_pwait2
PAIR="python3 sink_server.py 7001 & sleep 2; python3 echo_bench_client.py $COUNT; wait"

seconds() { sed -n 's/^client: [0-9]* sends in \([0-9.]*\) s$/\1/p'; }

# The two programs in a namespace of their own, under the wrapper command given (if any).
under() {
  unshare -n sh -c "ip link set lo up; cd $course; $* sh -c '$PAIR'" 2>/dev/null | seconds
}

alone() { under; }
floor() { under "$FLOOR"; }
entry() { under "$FLOOR" --entry-only; }
strace_() { under strace -f -qq --seccomp-bpf -e trace="$CALLS" -o /dev/null; }
synack() {
  (cd $course && "$SYNACK" run -q "$@" --server 'python3 sink_server.py 7001' \
    --client "python3 echo_bench_client.py $COUNT" 2>/dev/null) | seconds
}
stopped() { synack --ptrace-only; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { echo "$1 / $2" | bc -l; }

a_all=(); f_all=(); e_all=(); s_all=(); p_all=(); t_all=()
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
  a=$(alone); f=$(floor); e=$(entry); s=$(strace_); p=$(stopped); t=$(synack)
  a_all+=("$a"); f_all+=("$f"); e_all+=("$e"); s_all+=("$s"); p_all+=("$p"); t_all+=("$t")
  printf 'round %d: alone %s s, floor %s s (%.2fx), entry %s s (%.2fx), strace %s s (%.2fx), synack --ptrace-only %s s (%.2fx), synack %s s (%.2fx)\n' \
    "$r" "$a" "$f" "$(ratio "$f" "$a")" "$e" "$(ratio "$e" "$a")" "$s" "$(ratio "$s" "$a")" \
    "$p" "$(ratio "$p" "$a")" "$t" "$(ratio "$t" "$a")"
done
ma=$(printf '%s\n' "${a_all[@]}" | median)
mf=$(printf '%s\n' "${f_all[@]}" | median)
me=$(printf '%s\n' "${e_all[@]}" | median)
ms=$(printf '%s\n' "${s_all[@]}" | median)
mp=$(printf '%s\n' "${p_all[@]}" | median)
mt=$(printf '%s\n' "${t_all[@]}" | median)
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'median of %d rounds, %d messages: alone %s s; ptrace floor %s s (%.2fx); entry stops only %s s (%.2fx); strace %s s (%.2fx); synack run --ptrace-only %s s (%.2fx); synack run %s s (%.2fx)\n' \
  "$ROUNDS" "$COUNT" "$ma" "$mf" "$(ratio "$mf" "$ma")" "$me" "$(ratio "$me" "$ma")" \
  "$ms" "$(ratio "$ms" "$ma")" "$mp" "$(ratio "$mp" "$ma")" \
  "$mt" "$(ratio "$mt" "$ma")"
