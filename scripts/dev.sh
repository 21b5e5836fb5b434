#!/usr/bin/env bash
# README command 1: set up a fresh machine, build olc-node and run a development chain
# (Alice alone authors and finalizes 2 s blocks; RPC on ws://127.0.0.1:9944; state in a temporary
# directory). Extra arguments go to olc-node, e.g. `scripts/dev.sh --rpc-external`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$OLC_SOURCE_ROOT/scripts/setup.sh"
"$OLC_SOURCE_ROOT/scripts/build.sh"
olc_log "olc-node --dev --tmp (Ctrl-C stops it)"
exec "$OLC_NODE_BIN" --dev --tmp --rpc-port 9944 "$@"
