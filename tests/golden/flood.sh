#!/usr/bin/env bash
# The golden check at scale: synack's output on a million-packet flood, by SHA-256.
#
#   tests/golden/flood.sh          compare with tests/golden/flood.sha256 (CI runs this)
#   tests/golden/flood.sh --bless  rewrite tests/golden/flood.sha256 (on purpose only; say why)
#
# The flood is `synack gen flood --synthetic` with benches/compare.sh's parameters
# (deterministic: seeded). Builds the release binary; takes about a minute once built.
set -euo pipefail
cd "$(dirname "$0")/../.."
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin synack
SYNACK="$TARGET/release/synack"
WORK=$(mktemp -d /tmp/synack-flood-golden.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
"$SYNACK" gen flood --synthetic --connections 10000 --packets 1000000 --loss 2 \
    -w "$WORK/flood.pcap" >/dev/null
cd "$WORK"
{
  for cmd in "read" "read --json" "flows --json" "stream --json"; do
    # shellcheck disable=SC2086
    sum=$("$SYNACK" $cmd flood.pcap 2>"$WORK/err" | sha256sum | cut -d' ' -f1)
    err=$(sha256sum <"$WORK/err" | cut -d' ' -f1)
    echo "$cmd	stdout $sum	stderr $err"
  done
} >"$WORK/now"
cd - >/dev/null
golden=tests/golden/flood.sha256
if [ "${1:-}" = --bless ]; then
  cp "$WORK/now" "$golden"; echo "wrote $golden"; exit 0
fi
if diff -u "$golden" "$WORK/now"; then
  echo "flood golden: identical ($(wc -l <"$golden") outputs)"
else
  echo "flood golden: output changed (if on purpose: tests/golden/flood.sh --bless, and say why)" >&2
  exit 1
fi
