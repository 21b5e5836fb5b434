#!/usr/bin/env bash
# Generates the weights.rs of our pallets with `olc-node benchmark pallet` (run on an idle
# machine: the numbers are wall-clock measurements). Usage: scripts/bench.sh [pallet ...]
# where a pallet is a crate directory name under pallets/ (default: all benchmarked pallets), or
# `overhead`: the block execution and per-extrinsic base weights in runtime/src/weights/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
[ -x "$OLC_NODE_BIN" ] || "$OLC_SOURCE_ROOT/scripts/build.sh"
pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(olc-token)
runtime_wasm="$CARGO_TARGET_DIR/release/wbuild/olc-runtime/olc_runtime.compact.compressed.wasm"
for dir in "${pallets[@]}"; do
	if [ "$dir" = overhead ]; then
		olc_log "benchmark overhead -> runtime/src/weights/{block,extrinsic}_weights.rs"
		"$OLC_NODE_BIN" benchmark overhead --runtime "$runtime_wasm" \
			--genesis-builder=runtime --genesis-builder-preset=development \
			--warmup "${WARMUP:-10}" --repeat "${REPEAT:-100}" \
			--weight-path "$OLC_SOURCE_ROOT/runtime/src/weights"
		# The runtime reaches these types through frame-support.
		sed -i 's/^use sp_core::parameter_types;/use frame_support::parameter_types;/; s/sp_weights::/frame_support::weights::/g' \
			"$OLC_SOURCE_ROOT"/runtime/src/weights/{block,extrinsic}_weights.rs
		continue
	fi
	name="pallet_${dir//-/_}"
	olc_log "benchmark $name -> pallets/$dir/src/weights.rs"
	"$OLC_NODE_BIN" benchmark pallet \
		--runtime "$runtime_wasm" \
		--genesis-builder=runtime --genesis-builder-preset=development \
		--pallet "$name" --extrinsic '*' \
		--steps "${STEPS:-50}" --repeat "${REPEAT:-20}" \
		--wasm-execution=compiled \
		--template "$OLC_SOURCE_ROOT/scripts/pallet-weights.hbs" \
		--output "$OLC_SOURCE_ROOT/pallets/$dir/src/weights.rs"
done
