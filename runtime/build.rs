fn main() {
	// With `metadata-hash` the metadata's hash is computed here and baked into the wasm
	// (`CheckMetadataHash` mode 1); the token symbol and decimals are part of what is hashed.
	#[cfg(all(feature = "std", feature = "metadata-hash"))]
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash("OLC", 12)
		.build();
	#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}
