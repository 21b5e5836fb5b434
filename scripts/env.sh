# Sourced by the other scripts: where the build happens.
#
# Cargo and the runtime's wasm builder bake the absolute path of our crates into the build (the
# wasm builder's generated project refers to the runtime by path, and symbol hashes follow it), so
# two clones at different paths would build different runtime blobs and rebuild everything. All
# builds therefore run in a mirror of the checkout at one fixed path, with the target dir beside
# it, outside the clone: a fresh clone (CI) reuses the last build and gets the same wasm.
OLC_SOURCE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export OLC_SOURCE_ROOT
# The build root's path is part of the runtime blob: the wasm builder's generated project refers
# to our crates by absolute path, and cargo hashes such a path into every symbol name (a build
# root at /var/tmp/olc-build-olcdev built a blob 17 bytes longer than the committed one). So it is
# the same path for everyone; a second user on one machine shares it (see olc_lock_build_root).
# The target dir does not reach the blob: a user who cannot write to the default one that another
# user made gets `/var/tmp/olc-target-<user>` (and builds it once).
olc_user_dir() {
	if [ -e "$1" ] && [ ! -w "$1" ]; then echo "$1-$(id -un)"; else echo "$1"; fi
}
export OLC_BUILD_ROOT="${OLC_BUILD_ROOT:-/var/tmp/olc-build}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(olc_user_dir /var/tmp/olc-target)}"
# The wasm builder looks for Cargo.lock above the target dir; point it at the workspace so the
# runtime blob is built from the same locked dependency versions.
export WASM_BUILD_WORKSPACE_HINT="$OLC_BUILD_ROOT"
export OLC_NODE_BIN="$CARGO_TARGET_DIR/release/olc-node"
# The build root has no `.git`: hand the checkout's commit to node/build.rs for the version string
# (`olc-node --version`), marked `-dirty` when tracked files differ from it.
if OLC_COMMIT="$(git -C "$OLC_SOURCE_ROOT" rev-parse --short=11 HEAD 2>/dev/null)"; then
	git -C "$OLC_SOURCE_ROOT" diff --quiet HEAD -- 2>/dev/null || OLC_COMMIT="$OLC_COMMIT-dirty"
	export SUBSTRATE_CLI_GIT_COMMIT_HASH="$OLC_COMMIT"
fi
export PATH="$HOME/.cargo/bin:$PATH"

# Checkouts on one machine share the build root and the target dir: a build takes this lock for
# its duration, so a second checkout's build waits instead of overwriting the copy mid-build.
olc_lock_build_root() {
	[ -z "${OLC_BUILD_ROOT_LOCKED:-}" ] || return 0
	if [ -e "$OLC_BUILD_ROOT" ] && ! [ -w "$OLC_BUILD_ROOT" ] || [ -e "$OLC_BUILD_ROOT.lock" ] && ! [ -w "$OLC_BUILD_ROOT.lock" ]; then
		echo "$OLC_BUILD_ROOT belongs to $(stat -c %U "$OLC_BUILD_ROOT" 2>/dev/null || echo another user) and $(id -un) cannot write to it." >&2
		echo "Its path is part of the runtime blob, so every builder on this machine uses the same one:" >&2
		echo "give both users a group and run: chgrp -R <group> $OLC_BUILD_ROOT $OLC_BUILD_ROOT.lock && chmod -R g+rwX $OLC_BUILD_ROOT $OLC_BUILD_ROOT.lock" >&2
		echo "(OLC_BUILD_ROOT=<another path> builds too, but its blob differs from chain-specs/ and scripts/test.sh fails there)" >&2
		exit 1
	fi
	mkdir -p "$(dirname "$OLC_BUILD_ROOT")"
	exec {olc_build_lock_fd}>"$OLC_BUILD_ROOT.lock"
	if ! flock -n "$olc_build_lock_fd"; then
		olc_log "waiting for another checkout's build in $OLC_BUILD_ROOT to finish"
		flock "$olc_build_lock_fd"
	fi
	export OLC_BUILD_ROOT_LOCKED=1
}

# The runtime blob keeps the source paths of its panic locations: the build root's, cargo's
# registry's and the toolchain's rust-src. Mapped to fixed names, the blob is the same bytes
# whoever builds it and wherever cargo and rustup live (scripts/check-wasm-paths.sh checks it).
# Set when cargo first runs: resolving the sysroot makes rustup install the pinned toolchain.
olc_wasm_flags() {
	[ -z "${OLC_SYSROOT+set}" ] || return 0
	export OLC_CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
	OLC_SYSROOT="$(cd "$OLC_SOURCE_ROOT" && rustc --print sysroot 2>/dev/null)" || OLC_SYSROOT=""
	export OLC_SYSROOT
	local flags=("--remap-path-prefix=$OLC_CARGO_HOME=/cargo" "--remap-path-prefix=$OLC_BUILD_ROOT=/olc")
	if [ -n "$OLC_SYSROOT" ]; then
		flags+=("--remap-path-prefix=$OLC_SYSROOT=/rust")
		local real
		real="$(readlink -f "$OLC_SYSROOT")"
		[ "$real" = "$OLC_SYSROOT" ] || flags+=("--remap-path-prefix=$real=/rust")
	fi
	export WASM_BUILD_RUSTFLAGS="${flags[*]}"
}

# cargo, with the build root's paths in its messages shown as the checkout's, where edits belong.
olc_cargo() {
	local status=0 filter
	olc_wasm_flags
	command cargo "$@" 2> >(sed -u "s#$OLC_BUILD_ROOT\\b#$OLC_SOURCE_ROOT#g" >&2) || status=$?
	# Let the filter print cargo's last lines before the caller goes on.
	filter="${!:-}"
	[ -z "$filter" ] || wait "$filter" 2>/dev/null || true
	return "$status"
}

# Copy the checkout into the build root. --checksum keeps files whose content did not change
# untouched (with their old mtimes), so cargo does not rebuild what a fresh clone only re-created.
olc_sync_build_root() {
	olc_lock_build_root
	mkdir -p "$OLC_BUILD_ROOT"
	rsync -r --checksum --delete --links \
		--exclude '/.git' --exclude '/target' --exclude 'node_modules' --exclude '/tests/out' \
		"$OLC_SOURCE_ROOT"/ "$OLC_BUILD_ROOT"/
}

olc_log() { printf '\n==> %s\n' "$*"; }
