#!/usr/bin/env bash
# Fuzzes every target for SECONDS (default 240) each, one after the other, then merges what
# it found into the committed, minimised corpus fuzz/corpus/<target>/ (libFuzzer -merge=1:
# only inputs that add coverage are kept). See README.md.
#
#   fuzz/run.sh [SECONDS] [TARGET...]      (from anywhere; SEEDS=dir adds a seed directory per target)
set -uo pipefail
cd "$(dirname "$0")"
secs="${1:-240}"; shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(file_reader block_reader decode engine framing reassembly reassembly_order)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# Stable toolchain: cargo-fuzz passes -Z flags (sanitizer, coverage), which need RUSTC_BOOTSTRAP.
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O || exit 1
bin="$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release"
mkdir -p logs
# Longest input per target: a few frames or records reach every path, and keeps the
# committed corpus small.
max_len() { case "$1" in file_reader|block_reader|engine|reassembly_order) echo 4096;; *) echo 2048;; esac; }
for t in "${targets[@]}"; do
  len=$(max_len "$t")
  work="corpus-work/$t"; mkdir -p "$work" "corpus/$t" "artifacts/$t"
  seeds=(); [ -n "${SEEDS:-}" ] && [ -d "$SEEDS/$t" ] && seeds=("$SEEDS/$t")
  nice -n 10 "$bin/$t" "$work" "corpus/$t" "${seeds[@]}" -max_total_time="$secs" \
    -rss_limit_mb=2048 -timeout=10 -max_len="$len" -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" >"logs/$t.log" 2>&1
  echo "$t: exit $? ; $(grep -E '^#[0-9]+' "logs/$t.log" | tail -1)"
  grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec' "logs/$t.log"
  # Minimise: keep the inputs (old corpus, new finds, seeds) that add coverage.
  rm -rf "corpus-merged/$t"; mkdir -p "corpus-merged/$t"
  nice -n 10 "$bin/$t" -merge=1 "corpus-merged/$t" "corpus/$t" "$work" "${seeds[@]}" \
    -rss_limit_mb=2048 -timeout=10 -max_len="$len" >"logs/$t.merge.log" 2>&1
  rm -rf "corpus/$t" && mv "corpus-merged/$t" "corpus/$t"
  echo "$t: corpus $(ls "corpus/$t" | wc -l) files, $(du -sb --apparent-size "corpus/$t" | cut -f1) bytes"
done
