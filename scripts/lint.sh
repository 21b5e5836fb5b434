#!/usr/bin/env bash
# Formatting and lints that need no build: rustfmt (rustfmt.toml) on every crate, Prettier
# (.prettierrc.json) and ESLint (web/eslint.config.mjs) on every JavaScript file of web/ and tests/.
# `scripts/lint.sh --fix` rewrites the files instead of checking them.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$OLC_SOURCE_ROOT"
# The JavaScript tools are dev dependencies of web/ (its committed lock file).
if [ ! -x web/node_modules/.bin/eslint ] ||
	[ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
	(cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ "${1:-}" = "--fix" ]; then
	cargo fmt --all
	cargo fmt --manifest-path transcoder/fuzz/Cargo.toml
	web/node_modules/.bin/prettier --log-level warn --write web tests
	web/node_modules/.bin/eslint --config web/eslint.config.mjs --fix web tests
else
	olc_log "cargo fmt --check (rustfmt.toml)"
	cargo fmt --all --check
	cargo fmt --manifest-path transcoder/fuzz/Cargo.toml --check
	olc_log "prettier --check (.prettierrc.json) and eslint (web/eslint.config.mjs) on web/ and tests/"
	web/node_modules/.bin/prettier --log-level warn --check web tests
	web/node_modules/.bin/eslint --config web/eslint.config.mjs web tests
fi
