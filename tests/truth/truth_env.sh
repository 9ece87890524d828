# Sourced by the make_*.sh scripts beside it: `here` (this folder), `root` (the repository),
# and tshark at its default preferences, reading a fresh, empty configuration folder that is
# removed on exit, so that nobody's Wireshark profile changes the truth.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
WIRESHARK_CONFIG_DIR=$(mktemp -d)
export WIRESHARK_CONFIG_DIR
trap 'rm -rf "$WIRESHARK_CONFIG_DIR"' EXIT
