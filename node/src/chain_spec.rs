//! Chain specifications built into the node: `dev` and `local`.

use olc_runtime::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY};
use sc_service::ChainType;

pub type ChainSpec = sc_service::GenericChainSpec;

fn properties() -> sc_chain_spec::Properties {
	let mut properties = sc_chain_spec::Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| "The runtime wasm was not built (SKIP_WASM_BUILD set?)".to_string())
}

/// One validator (Alice): the developer's chain.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("OpenLive Coin Development")
		.with_id("olc_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name("development")
		.with_properties(properties())
		.build())
}

/// Three validators (Alice, Bob, Charlie) on one machine or a LAN.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("OpenLive Coin Local Testnet")
		.with_id("olc_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name("local_testnet")
		.with_properties(properties())
		.build())
}
