#!/usr/bin/env bash
# Installs whatever a fresh Debian machine lacks to build and test OLC: system packages (apt),
# the wasm targets and rust-src (rustup), and the end-to-end tests' npm packages (from the
# committed lock file). Safe to run again: it only installs what is missing.
set -euo pipefail
source "$(dirname "$0")/env.sh"

APT_PACKAGES=(
	clang libclang-dev protobuf-compiler pkg-config make rsync git curl ca-certificates time
	nodejs npm
	# The transcoder's media stack: ffmpeg-next against Debian's FFmpeg, x264, and the CLI tools
	# (ffmpeg, ffprobe) its tests and benchmark use.
	ffmpeg libavcodec-dev libavformat-dev libavutil-dev libavfilter-dev libavdevice-dev
	libswscale-dev libswresample-dev libx264-dev
	# The web app's browser tests: Debian's Chromium (plays H.264/AAC through MediaSource) driven
	# by playwright-core, and fonts for Chinese nicknames and gift emoji.
	chromium fonts-noto-cjk fonts-noto-color-emoji
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# npm from Debian is not needed when a newer node/npm is already on the PATH.
if command -v node >/dev/null && command -v npm >/dev/null; then
	missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"
if ((${#missing[@]})); then
	olc_log "apt-get install ${missing[*]}"
	SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v rustup >/dev/null; then
	echo "rustup is required (https://rustup.rs); it provides cargo and the wasm targets" >&2
	exit 1
fi
# The toolchain rust-toolchain.toml pins (with its wasm targets, rust-src, clippy and rustfmt);
# rustup reuses it when it is there. The checks below cover a rustup too old to read the file's
# components and targets.
cd "$OLC_SOURCE_ROOT"
rustup toolchain install >/dev/null
installed_targets=$(rustup target list --installed)
for target in wasm32-unknown-unknown wasm32v1-none; do
	grep -qx "$target" <<<"$installed_targets" || { olc_log "rustup target add $target"; rustup target add "$target"; }
done
rustup component list --installed | grep -q '^rust-src' || { olc_log "rustup component add rust-src"; rustup component add rust-src; }
rustup component list --installed | grep -q '^clippy' || { olc_log "rustup component add clippy"; rustup component add clippy; }
rustup component list --installed | grep -q '^rustfmt' || { olc_log "rustup component add rustfmt"; rustup component add rustfmt; }

tests_dir="$OLC_SOURCE_ROOT/tests"
if [ ! -d "$tests_dir/node_modules/@polkadot/api" ] || [ "$tests_dir/package-lock.json" -nt "$tests_dir/node_modules/.package-lock.json" ]; then
	olc_log "npm ci (tests/)"
	(cd "$tests_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

web_dir="$OLC_SOURCE_ROOT/web"
if [ ! -d "$web_dir/node_modules/polkadot-api" ] || [ "$web_dir/package-lock.json" -nt "$web_dir/node_modules/.package-lock.json" ]; then
	olc_log "npm ci (web/)"
	(cd "$web_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
