use substrate_build_script_utils::generate_cargo_keys;

fn main() {
	// Builds run in a copy of the checkout without `.git` (scripts/env.sh), so the commit comes
	// from SUBSTRATE_CLI_GIT_COMMIT_HASH, which env.sh sets from the checkout's HEAD; the version
	// string (`olc-node --version`, `system_version`) then names the real commit. Without it
	// (plain cargo in a clone), `generate_cargo_keys` asks git itself.
	println!("cargo:rerun-if-env-changed=SUBSTRATE_CLI_GIT_COMMIT_HASH");
	generate_cargo_keys();
}
