#!/usr/bin/env bash
# Generates the weights.rs of our pallets with `olc-node benchmark pallet` (run on an idle
# machine: the numbers are wall-clock measurements). Usage: scripts/bench.sh [pallet ...]
# where a pallet is a crate directory name under pallets/ (default: all benchmarked pallets).
set -euo pipefail
source "$(dirname "$0")/env.sh"
[ -x "$OLC_NODE_BIN" ] || "$OLC_SOURCE_ROOT/scripts/build.sh"
pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(olc-token)
for dir in "${pallets[@]}"; do
	name="pallet_${dir//-/_}"
	olc_log "benchmark $name -> pallets/$dir/src/weights.rs"
	"$OLC_NODE_BIN" benchmark pallet \
		--runtime "$CARGO_TARGET_DIR/release/wbuild/olc-runtime/olc_runtime.compact.compressed.wasm" \
		--genesis-builder=runtime --genesis-builder-preset=development \
		--pallet "$name" --extrinsic '*' \
		--steps "${STEPS:-50}" --repeat "${REPEAT:-20}" \
		--wasm-execution=compiled \
		--template "$OLC_SOURCE_ROOT/scripts/pallet-weights.hbs" \
		--output "$OLC_SOURCE_ROOT/pallets/$dir/src/weights.rs"
done
