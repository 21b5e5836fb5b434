//! Builds the wasm of olc-runtime with its `upgrade-test` feature (spec_version + 1) into
//! `<target>/release/wbuild/olc-runtime-upgrade-test/olc_runtime_upgrade_test.compact.compressed.wasm`:
//! a wasm project of its own, so the node's runtime blob (`wbuild/olc-runtime/`) is never
//! overwritten. The same metadata hash setting as the node's runtime (runtime/build.rs).
fn main() {
	#[cfg(feature = "std")]
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash("OLC", 12)
		.build();
}
