#!/usr/bin/env bash
# pallet-jobs on its own: unit, property and benchmark tests, then clippy's no-panic lints, with
# and without the runtime-benchmarks feature. Same build root and profile as scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# -j 1 right after the subcommand: after `--` it would reach clippy-driver.
run() { local command=$1; shift; nice -n 19 scripts/cargo.sh "$command" -j 1 "$@"; }

run test --release -p pallet-jobs -p pallet-jobs-runtime-api --features pallet-jobs/runtime-benchmarks
run test --release -p pallet-jobs
run clippy --release -p pallet-jobs -p pallet-jobs-runtime-api --all-targets \
	--features pallet-jobs/runtime-benchmarks -- -D warnings
run clippy --release -p pallet-jobs --all-targets -- -D warnings
