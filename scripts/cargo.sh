#!/usr/bin/env bash
# Runs any cargo command in the fixed build root with the shared target dir, after copying the
# checkout there: `scripts/cargo.sh test --release -p pallet-olc-token`. Use it instead of plain
# cargo in the checkout, so every build shares one target dir without rebuilding (see env.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
# Resolve Cargo.lock in the checkout itself (no compiling), so a new dependency lands in the
# committed lock file rather than only in the build root's copy.
(cd "$OLC_SOURCE_ROOT" && cargo metadata --format-version 1 >/dev/null)
olc_sync_build_root
cd "$OLC_BUILD_ROOT"
olc_cargo "$@"
