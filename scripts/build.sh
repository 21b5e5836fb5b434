#!/usr/bin/env bash
# Builds the web app (web/dist/, which the transcoder's HTTP server embeds) and then olc-node
# (release, with the runtime wasm) in the fixed build root. Prints the time taken.
set -euo pipefail
source "$(dirname "$0")/env.sh"
# The web app first: olc-transcoder (a dependency of olc-node) embeds web/dist/ at compile time.
olc_log "web app (web/build.mjs: esbuild, bundle sizes and the viewer's budget)"
# (Again when the lock file is newer than the installed packages: a pull may have added some.)
if [ ! -d "$OLC_SOURCE_ROOT/web/node_modules/polkadot-api" ] ||
	[ "$OLC_SOURCE_ROOT/web/package-lock.json" -nt "$OLC_SOURCE_ROOT/web/node_modules/.package-lock.json" ]; then
	(cd "$OLC_SOURCE_ROOT/web" && npm ci --no-audit --no-fund --loglevel=error)
fi
(cd "$OLC_SOURCE_ROOT/web" && node build.mjs)
# Outside CI, bring Cargo.lock up to date with edited manifests (no compiling); CI builds with
# --locked exactly what is committed.
[ -n "${CI:-}" ] || (cd "$OLC_SOURCE_ROOT" && cargo metadata --format-version 1 >/dev/null)
olc_sync_build_root
cd "$OLC_BUILD_ROOT"
start=$(date +%s)
# Only olc-node and what it needs: other members (the transcoder) have their own dependency
# features, and unifying them with the node's would rebuild most of polkadot-sdk.
olc_log "cargo build --release -p olc-node (target dir $CARGO_TARGET_DIR)"
olc_cargo build --release --locked -p olc-node "$@"
echo "build took $(( $(date +%s) - start )) s"
