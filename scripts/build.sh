#!/usr/bin/env bash
# Builds olc-node (release, with the runtime wasm) in the fixed build root. Prints the time taken.
set -euo pipefail
source "$(dirname "$0")/env.sh"
olc_sync_build_root
cd "$OLC_BUILD_ROOT"
start=$(date +%s)
olc_log "cargo build --release --workspace (target dir $CARGO_TARGET_DIR)"
cargo build --release --locked --workspace "$@"
echo "build took $(( $(date +%s) - start )) s"
