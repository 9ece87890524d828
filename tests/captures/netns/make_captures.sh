#!/usr/bin/env bash
# Recreates synack's own captures of real Linux TCP (needs root, ip netns, nftables, tcpdump,
# python3; no traffic leaves the namespaces created here):
#
#   synack-netns-loss-client.pcap   4 transfers through a router dropping 4 % of TCP data
#   synack-netns-loss-router.pcap   the same traffic seen on the router, before the drops
#   synack-netns-features.pcap      zero window, keep-alives and port reuse, no loss
#
# client (10.77.1.2) -- router (10.77.1.1 / 10.77.2.1, nftables `numgen random` drops in its
# forward hook, never SYN/FIN/RST) -- server (10.77.2.2:5001, server.py).
# Offloads are disabled with gso_max_segs 1 so that segments are MSS-sized on the wire.
# Snaplen 96 keeps the files small. Then: tests/truth/make_truth.sh <the three files>.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); out="$here/.."
C=sa-an-c; R=sa-an-r; S=sa-an-s
cleanup() { kill "${SRV:-}" 2>/dev/null || true; for n in $C $R $S; do ip netns del $n 2>/dev/null || true; done; }
trap cleanup EXIT
cleanup
for n in $C $R $S; do ip netns add $n; ip -n $n link set lo up; done
ip link add sa-an-c0 type veth peer name sa-an-r0
ip link add sa-an-s0 type veth peer name sa-an-r1
ip link set sa-an-c0 netns $C; ip link set sa-an-r0 netns $R
ip link set sa-an-s0 netns $S; ip link set sa-an-r1 netns $R
ip -n $C addr add 10.77.1.2/24 dev sa-an-c0
ip -n $R addr add 10.77.1.1/24 dev sa-an-r0
ip -n $R addr add 10.77.2.1/24 dev sa-an-r1
ip -n $S addr add 10.77.2.2/24 dev sa-an-s0
for pair in "$C sa-an-c0" "$R sa-an-r0" "$R sa-an-r1" "$S sa-an-s0"; do
  set -- $pair; ip -n "$1" link set dev "$2" gso_max_segs 1 gso_max_size 1500 up
done
ip -n $C route add default via 10.77.1.1
ip -n $S route add default via 10.77.2.1
ip netns exec $R sysctl -qw net.ipv4.ip_forward=1
ip netns exec $R nft -f - <<'NFT'
table inet sa_loss {
  chain forward_loss {
    type filter hook forward priority 0; policy accept;
    meta l4proto tcp tcp flags & (syn | fin | rst) == 0 numgen random mod 100 < 4 drop
  }
}
NFT
ip netns exec $S python3 "$here/server.py" & SRV=$!
sleep 0.5
ip netns exec $C tcpdump -i sa-an-c0 -s 96 -U -w "$out/synack-netns-loss-client.pcap" & T1=$!
ip netns exec $R tcpdump -i sa-an-r1 -s 96 -U -w "$out/synack-netns-loss-router.pcap" & T2=$!
sleep 1
ip netns exec $C python3 "$here/client_loss.py"
sleep 1; kill $T1 $T2; wait $T1 $T2 || true
ip netns exec $R nft delete table inet sa_loss
ip netns exec $C tcpdump -i sa-an-c0 -s 96 -U -w "$out/synack-netns-features.pcap" & T3=$!
sleep 1
ip netns exec $C python3 "$here/client_features.py"
sleep 1; kill $T3; wait $T3 || true
