#!/usr/bin/env bash
# Generates the weights.rs of our pallets with `olc-node benchmark pallet` (run on an idle
# machine: the numbers are wall-clock measurements). Usage: scripts/bench.sh [pallet ...]
# where a pallet is a crate directory name under pallets/ (default: all benchmarked pallets), or
# `overhead`: the block execution and per-extrinsic base weights in runtime/src/weights/, or
# `storage`: ParityDB's read and write weights (runtime/src/weights/paritydb_weights.rs) on a dev
# chain given real state first (tests/bench/state.mjs: ACCOUNTS funded accounts, default 6,000).
set -euo pipefail
source "$(dirname "$0")/env.sh"
# The benchmarks need a node built with `runtime-benchmarks` (the `benchmark` subcommand, and a
# runtime that carries the benchmarks); scripts/build.sh builds the production node again after.
"$OLC_SOURCE_ROOT/scripts/build.sh" --features runtime-benchmarks
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
	if [ "$dir" = storage ]; then
		state="${STATE_DIR:-/var/tmp/olc-bench-state}"
		rm -rf "$state"
		olc_log "dev chain with real state in $state (tests/bench/state.mjs)"
		(cd "$OLC_SOURCE_ROOT/tests" && OLC_NODE_BIN="$OLC_NODE_BIN" STATE_DIR="$state" node bench/state.mjs)
		olc_log "benchmark storage -> runtime/src/weights/paritydb_weights.rs"
		# Writes committed 100 keys at a time (a block of tips from distinct viewers writes
		# thousands); twice the average, for a state that grows (deeper tries) — README "The chain".
		"$OLC_NODE_BIN" benchmark storage --chain dev --base-path "$state" --database paritydb \
			--state-version 1 --warmups 1 --batch-size 100 --mul 2 \
			--weight-path "$OLC_SOURCE_ROOT/runtime/src/weights"
		f="$OLC_SOURCE_ROOT/runtime/src/weights/paritydb_weights.rs"
		sed -i 's/^\tuse sp_core::parameter_types;/\tuse frame_support::parameter_types;/; s/sp_weights::/frame_support::weights::/g; s|^\t\t\t///|\t\t\t//|' "$f"
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
