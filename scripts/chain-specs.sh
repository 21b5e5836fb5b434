#!/usr/bin/env bash
# Writes the chain specs the node builds (dev and local, plain and raw) into a directory:
# chain-specs/ by default (regenerate after a runtime change), or the one given (the check).
set -euo pipefail
source "$(dirname "$0")/env.sh"
out="${1:-$OLC_SOURCE_ROOT/chain-specs}"
mkdir -p "$out"
for chain in dev local; do
	"$OLC_NODE_BIN" export-chain-spec --chain "$chain" > "$out/$chain.json" 2>/dev/null
	"$OLC_NODE_BIN" export-chain-spec --chain "$chain" --raw > "$out/$chain-raw.json" 2>/dev/null
done
echo "chain specs written to $out"
