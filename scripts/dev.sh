#!/usr/bin/env bash
# README command 1: set up a fresh machine, build olc-node (and the web app it serves) and run a
# development chain (Alice alone authors and finalizes 2 s blocks; RPC on ws://127.0.0.1:9944;
# state in a temporary directory). The node also runs the bundled transcoder as Alice
# (http://127.0.0.1:8935: HLS and the web app's pages), registered on chain so that jobs are
# assigned to it. `--demo` also opens Bob's demo stream and broadcasts a test pattern to it.
# Other arguments go to olc-node, e.g. `scripts/dev.sh --rpc-external`.
#
# The dev node serves unsafe RPC methods (`author_insertKey`, ...) on 127.0.0.1, so its CORS list
# names only local origins, never `*` (which `--dev` alone would set): the pages served here and
# the usual local dev-server origins. polkadot-sdk compares origins exactly (a `:*` port is not a
# pattern), so add your own page's origin with OLC_DEV_RPC_CORS=http://localhost:5173,...
# CORS governs HTTP calls only: browsers do not apply it to WebSocket connections, so do not
# browse untrusted sites while a node with unsafe methods listens (see the README, "RPC").
set -euo pipefail
source "$(dirname "$0")/env.sh"
demo=""
args=()
for arg in "$@"; do
	if [ "$arg" = "--demo" ]; then demo="--demo"; else args+=("$arg"); fi
done
"$OLC_SOURCE_ROOT/scripts/setup.sh"
"$OLC_SOURCE_ROOT/scripts/build.sh"
if [ -n "$demo" ]; then
	olc_log "cargo build --release -p olc-transcoder (the demo broadcaster)"
	(cd "$OLC_BUILD_ROOT" && cargo build --release --locked -p olc-transcoder)
fi
RPC=ws://127.0.0.1:9944
SERVICE=http://127.0.0.1:8935
DEV_RPC_CORS="http://127.0.0.1:8935,http://localhost:8935,http://127.0.0.1:9944,http://localhost:9944"
cors="$DEV_RPC_CORS${OLC_DEV_RPC_CORS:+,$OLC_DEV_RPC_CORS}"
olc_log "olc-node --dev --tmp --transcoder (Ctrl-C stops it)"
"$OLC_NODE_BIN" --dev --tmp --rpc-port 9944 --transcoder --transcoder-key //Alice \
	--transcoder-listen 127.0.0.1:8935 --rpc-cors "$cors" "${args[@]}" &
node_pid=$!
broadcast_pid=""
trap 'kill $broadcast_pid $node_pid 2>/dev/null || true; wait' EXIT INT TERM
until curl -s -o /dev/null "$SERVICE/receipts/0x$(printf '0%.0s' {1..64})/0"; do
	kill -0 "$node_pid" || exit 1
	sleep 1
done
stream=$(cd "$OLC_SOURCE_ROOT/tests" && node dev/dev-setup.mjs "$RPC" "$SERVICE" $demo)
olc_log "pages (the bundle also works from any static host of web/dist/ with ?rpc=$RPC)"
echo "  studio:   $SERVICE/studio?rpc=$RPC"
if [ -n "$stream" ]; then
	"$CARGO_TARGET_DIR/release/olc-transcoder" broadcast --input testsrc:640x360@30 --seed //Bob \
		--stream-id "$stream" --rpc "$RPC" >/dev/null 2>&1 &
	broadcast_pid=$!
	echo "  watch:    $SERVICE/watch?stream=$stream&rpc=$RPC"
	echo "  overlay:  $SERVICE/overlay?stream=$stream&rpc=$RPC"
	echo "  (Bob broadcasts a test pattern; tip from any dev account in a polkadot.js extension)"
else
	echo "  watch:    $SERVICE/watch?stream=0x…&rpc=$RPC   (a stream id from the studio)"
	echo "  overlay:  $SERVICE/overlay?stream=0x…&rpc=$RPC"
	echo "  (scripts/dev.sh --demo also starts a demo broadcast)"
fi
wait "$node_pid"
