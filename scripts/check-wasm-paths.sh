#!/usr/bin/env bash
# Fails when the runtime blob still holds a path of the machine that built it (the build root,
# cargo's home, the toolchain, the user's home): such a blob would differ between builders, and the
# committed chain specs' wasm hash would hold only here (env.sh maps these paths for the wasm build).
set -euo pipefail
source "$(dirname "$0")/env.sh"
olc_wasm_flags
wasm="$CARGO_TARGET_DIR/release/wbuild/olc-runtime/olc_runtime.compact.wasm"
[ -f "$wasm" ] || { echo "no runtime blob at $wasm: build the node first (scripts/build.sh)" >&2; exit 1; }
found=0
for path in "$OLC_BUILD_ROOT" "$OLC_SOURCE_ROOT" "$OLC_CARGO_HOME" "${RUSTUP_HOME:-$HOME/.rustup}" "$OLC_SYSROOT" "$HOME"; do
	[ -n "$path" ] && [ "$path" != / ] || continue
	count=$( (grep -aoF "$path/" "$wasm" || true) | wc -l)
	if [ "$count" -gt 0 ]; then
		echo "the runtime blob holds $path/ ($count places), e.g.:" >&2
		strings -n 8 "$wasm" 2>/dev/null | grep -F "$path/" | head -3 >&2 || true
		found=1
	fi
done
[ "$found" -eq 0 ] && echo "runtime blob: no path of this machine in it ($(basename "$wasm"))"
exit "$found"
