#!/usr/bin/env bash
# Screenshots of the desktop view under Xvfb, into shots/ (git-ignored).
#
# Needs: xvfb-run (xvfb), import (imagemagick), xdotool; `apt-get install xvfb imagemagick
# xdotool`. Usage: scripts/screenshots.sh [--no-build]. FLOOD=path.pcap adds a screenshot of
# a big capture while it loads (make one with `synack gen flood --synthetic --packets 1000000
# -w /tmp/flood.pcap` where the generator is available). ONLY=REGEX takes only the shots whose
# name matches (e.g. `ONLY='graph|ribbon' scripts/screenshots.sh --no-build`); PROFILE=debug
# uses the debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=shots
mkdir -p "$OUT"
PROFILE=${PROFILE:-release}
if [[ "${1:-}" != "--no-build" ]]; then
    if [[ "$PROFILE" == release ]]; then cargo build --release --bin synack; else cargo build --bin synack; fi
fi
BIN="${CARGO_TARGET_DIR:-target}/$PROFILE/synack"
for tool in xvfb-run import xdotool; do
    command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool is missing (apt-get install xvfb imagemagick xdotool)" >&2; exit 1; }
done

# shot NAME WAIT "XDOTOOL ACTIONS" -- SYNACK ARGS...: runs synack on a fresh Xvfb screen,
# waits, replays the xdotool actions (a ';'-separated list), and grabs the whole screen.
shot() {
    local name=$1 wait=$2 actions=$3
    shift 4
    if [[ -n "${ONLY:-}" && ! "$name" =~ $ONLY ]]; then return 0; fi
    xvfb-run -a -s '-screen 0 1440x900x24' bash -c '
        bin=$1; out=$2; wait=$3; actions=$4; shift 4
        "$bin" "$@" &
        pid=$!
        sleep "$wait"
        IFS=";" read -ra steps <<< "$actions"
        for s in "${steps[@]}"; do
            [[ -z "$s" ]] && continue
            xdotool $s
            sleep 0.7
        done
        import -window root "$out"
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    ' _ "$BIN" "$OUT/$name.png" "$wait" "$actions" "$@"
    echo "shots: $OUT/$name.png"
}

CAP=tests/captures
# 1. `synack view -g 1`: the demo, first SYN selected: list, details tree, bytes.
shot 01-demo-selected 4 "" -- view -g 1
# 2. A field clicked in the tree highlights its bytes (coordinates of the Ethernet II line
#    with the default layout on the 1440x900 screen).
shot 02-field-highlight 4 "mousemove 93 782 click 1" -- view -g 1
# 3. Duplicate ACKs and a fast retransmission: analysis tags and colours, Analysis section.
shot 03-dupack-tags 4 "" -- view "$CAP/sanders-tcp_dupack.pcapng" -g 5
# 4. An invalid display filter: inline error with a caret.
shot 04-filter-error 4 "" -- view -Y 'tcp.port == && tcp' -g 1
# 5. A valid filter on a retransmission capture.
shot 05-filter-valid 4 "" -- view "$CAP/sanders-tcp_retransmissions.pcapng" -Y 'tcp.analysis.retransmission' -g 3
# 6. The connections tab.
shot 06-connections 4 "" -- view "$CAP/zeek-pipelining-example.pcap" --tab connections
# 7. The colouring legend (View menu > legend).
shot 07-legend 4 "mousemove 91 12 click 1;mousemove 165 158 click 1;mousemove 700 700" -- view "$CAP/sanders-tcp_refuseconnection.pcapng"
# 8. The live capture panel.
shot 08-live-panel 4 "" -- view --tab live
# 17. The time-sequence graph (tcptrace style) of the loss lesson: I-bars, the ACK and
#     receive-window lines, SACK blocks of the duplicate ACKs, the retransmissions in red.
shot 17-graph-tcptrace 5 "" -- view captures/loss.pcap --tab graphs -g 4
#     The same zoomed (right-drag box) on the first 4 ms: the loss, the duplicate ACKs with
#     their SACK blocks and the fast retransmission.
shot 17b-graph-tcptrace-zoom 5 "mousemove 126 150 mousedown 3;mousemove 127 145;mousemove 128 140;mousemove 140 500;mousemove 146 770 mouseup 3;mousemove 700 140" -- view captures/loss.pcap --tab graphs -g 4
# 18. The sticky-packet ribbon: the sender's 8 send() calls glued into 2 segments; message #1
#     clicked, its bytes in the side panel.
shot 18-sticky-ribbon 5 "mousemove 222 258 click 1;mousemove 700 700" -- view captures/sticky.pcap --tab stream -g 4
# 9. Live capture on loopback (root) while a local client talks to a local server on
#    127.0.0.1:18080: packets arrive in the list with their analysis.
if [[ $(id -u) == 0 ]] && command -v python3 >/dev/null; then
    (sleep 3; python3 - <<'PY'
import socket, threading, time
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 18080)); srv.listen(1)
def serve():
    c, _ = srv.accept()
    while (d := c.recv(4096)):
        c.sendall(b"ok " + d)
    c.close()
t = threading.Thread(target=serve); t.start()
cl = socket.create_connection(("127.0.0.1", 18080))
for i in range(5):
    cl.sendall(b"hello %d\n" % i); cl.recv(4096); time.sleep(0.2)
cl.close(); t.join(); srv.close()
PY
    ) &
    shot 09-live-capture 7 "" -- view --live lo -f 'tcp port 18080'
    wait
fi
# 12. The ladder diagram of a client-first close: both sides' states, handshake and
#     teardown brackets (the pointer parked in a corner so no tooltip covers it).
PARK="mousemove 1439 899"
shot 12-ladder-close-client-first 5 "$PARK" -- view captures/close-client-first.pcap --tab ladder -g 3
# 13. Replay in mid-connection on the demo: the cursor on frame 21, the ACK that ends the
#     fast recovery (duplicate ACKs orange, the fast retransmission red, later packets hidden).
shot 13-replay-ladder 5 "$PARK" -- view captures/demo.pcap --tab ladder -g 21 --replay
# 14. The same replay idea in the packet list: close-client-first at frame 9 (FIN_WAIT_2 /
#     CLOSE_WAIT), frames 10 and 11 not shown yet.
shot 14-replay-packets 5 "$PARK" -- view captures/close-client-first.pcap --tab packets -g 9 --replay
# 15. The guided tour, first step (handshake) on the built-in demo.
shot 15-tour-handshake 5 "$PARK" -- view --tour
# 16. The tour's loss-and-recovery step (Next three times; the tour panel keeps its height,
#     so its buttons stay put).
NEXT="mousemove 1309 755 click 1"
shot 16-tour-loss 5 "$NEXT;$NEXT;$NEXT;$PARK" -- view --tour
# 20. The generator panel after `synack view --gen sticky --synthetic`: the run opened its
#     connection in the packet list by itself; back on the Generator tab (menu bar), the
#     scenario list with lessons, the run's status and its socket calls.
shot 20-generator-after-run 6 "mousemove 582 12 click 1;mousemove 700 880" -- view --gen sticky --synthetic
# 21. The same panel mid-run: untick "Open the ladder ..." and run again; the calls list
#     and the counters grow while the animated synthetic run releases its frames (1.5 s).
shot 21-generator-mid-run 6 "mousemove 582 12 click 1;mousemove 881 190 click 1;mousemove 893 231 click 1" -- view --gen sticky --synthetic
# 22. A live run on loopback (root): real sockets, captured on lo, its connection opened.
if [[ $(id -u) == 0 ]]; then
    shot 22-generator-live 7 "" -- view --gen echo
fi
# 23, 24. `synack run --view` (root): an echo server and a client that sends a tick every
#     0.4 s. 23: the ladder the run opened by itself, the calls as marks on their sides
#     (send(7) → frame 4, recv → 7 bytes); 24: back on Generator → Run a program mid-run,
#     the programs' pids, output and calls with their bytes.
if [[ $(id -u) == 0 ]]; then
    TICK='import socket, time; s = socket.create_connection(("127.0.0.1", 7000)); [(s.send(b"tick %d\n" % i), s.recv(100), time.sleep(0.4)) for i in range(40)]'
    RUN=(run --view --server "python3 examples/course/echo_server.py --clients 1" --client "python3 -c '$TICK'")
    shot 23-run-ladder 7 "$PARK" -- "${RUN[@]}"
    shot 24-run-panel 6 "mousemove 741 12 click 1;mousemove 1400 880" -- "${RUN[@]}"
fi
# 10. A large capture while loading (progress bar), if FLOOD names one.
if [[ -n "${FLOOD:-}" && -f "${FLOOD:-}" ]]; then
    shot 10-flood-loading 2 "" -- view "$FLOOD"
    shot 11-flood-loaded 14 "" -- view "$FLOOD" -g 500000
fi
