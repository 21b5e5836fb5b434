//! Chain specifications built into the node (`dev`, `local`) and the `testnet` spec an operator
//! builds from keys of their own (`olc-node testnet-spec`).
//!
//! Every spec names its own libp2p protocol id (`olc-dev`, `olc-local`, `olc-testnet` or the
//! operator's), so OLC nodes never fall back to Substrate's generic `sup` and talk to other
//! chains' peers.

use olc_runtime::{
	genesis_config_presets::{testnet_genesis, GenesisValidator},
	AccountId, Balance, BlockNumber, SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY,
};
use sc_network::config::MultiaddrWithPeerId;
use sc_service::ChainType;
use serde::Deserialize;
use sp_core::crypto::Ss58Codec;
use std::path::PathBuf;

pub type ChainSpec = sc_service::GenericChainSpec;

/// The protocol id of the `dev` chain.
pub const DEV_PROTOCOL_ID: &str = "olc-dev";
/// The protocol id of the `local` chain.
pub const LOCAL_PROTOCOL_ID: &str = "olc-local";
/// The default protocol id of a `testnet` spec.
pub const TESTNET_PROTOCOL_ID: &str = "olc-testnet";

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
		.with_protocol_id(DEV_PROTOCOL_ID)
		.with_genesis_config_preset_name("development")
		.with_properties(properties())
		.build())
}

/// Four validators (Alice, Bob, Charlie, Dave) on one machine or a LAN: any three finalize.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("OpenLive Coin Local Testnet")
		.with_id("olc_local")
		.with_chain_type(ChainType::Local)
		.with_protocol_id(LOCAL_PROTOCOL_ID)
		.with_genesis_config_preset_name("local_testnet")
		.with_properties(properties())
		.build())
}

/// What an operator writes to describe a testnet (README "Operators"): public keys and
/// addresses only, in SS58 (as `olc-node key inspect` prints them).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TestnetKeys {
	/// The chain's name (default "OpenLive Coin Testnet").
	#[serde(default)]
	pub name: Option<String>,
	/// The chain's id (default `olc_testnet`).
	#[serde(default)]
	pub id: Option<String>,
	/// The libp2p protocol id (default `olc-testnet`).
	#[serde(default)]
	pub protocol_id: Option<String>,
	/// The sudo account.
	pub sudo: String,
	/// Bootnode addresses (`/dns/host/tcp/30333/p2p/<peer id>`).
	#[serde(default)]
	pub boot_nodes: Vec<String>,
	/// The first validators.
	pub validators: Vec<TestnetValidator>,
	/// Accounts funded at genesis and their balances in the smallest unit (10^-12 OLC), as
	/// decimal strings.
	#[serde(default)]
	pub balances: Vec<(String, String)>,
	/// Blocks per session (default: the runtime's, one hour).
	#[serde(default)]
	pub session_length: Option<BlockNumber>,
}

/// One validator of [`TestnetKeys`].
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TestnetValidator {
	/// The validator's account (it receives the author's share of fees).
	pub account: String,
	/// Its Aura key (sr25519), SS58.
	pub aura: String,
	/// Its GRANDPA key (ed25519), SS58.
	pub grandpa: String,
}

fn ss58<T: Ss58Codec>(what: &str, value: &str) -> Result<T, String> {
	T::from_ss58check_with_version(value)
		.map(|(key, _)| key)
		.map_err(|error| format!("{what} `{value}`: not an SS58 key ({error:?})"))
}

/// The `testnet` spec from an operator's keys: no dev key anywhere, sudo and bootnodes as given.
pub fn testnet_chain_spec(keys: &TestnetKeys) -> Result<ChainSpec, String> {
	if keys.validators.is_empty() {
		return Err("at least one validator is needed".into());
	}
	let validators = keys
		.validators
		.iter()
		.map(|v| {
			Ok(GenesisValidator {
				account: ss58::<AccountId>("validator account", &v.account)?,
				aura: ss58::<sp_core::sr25519::Public>("aura key", &v.aura)?.into(),
				grandpa: ss58::<sp_core::ed25519::Public>("grandpa key", &v.grandpa)?.into(),
			})
		})
		.collect::<Result<Vec<_>, String>>()?;
	let balances = keys
		.balances
		.iter()
		.map(|(who, amount)| {
			let amount: Balance =
				amount.parse().map_err(|_| format!("balance `{amount}`: not an integer"))?;
			Ok((ss58::<AccountId>("funded account", who)?, amount))
		})
		.collect::<Result<Vec<_>, String>>()?;
	let boot_nodes = keys
		.boot_nodes
		.iter()
		.map(|a| a.parse::<MultiaddrWithPeerId>().map_err(|e| format!("bootnode `{a}`: {e}")))
		.collect::<Result<Vec<_>, String>>()?;
	let sudo = ss58::<AccountId>("sudo account", &keys.sudo)?;
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name(keys.name.as_deref().unwrap_or("OpenLive Coin Testnet"))
		.with_id(keys.id.as_deref().unwrap_or("olc_testnet"))
		.with_chain_type(ChainType::Live)
		.with_protocol_id(keys.protocol_id.as_deref().unwrap_or(TESTNET_PROTOCOL_ID))
		.with_boot_nodes(boot_nodes)
		.with_genesis_config_patch(testnet_genesis(validators, balances, sudo, keys.session_length))
		.with_properties(properties())
		.build())
}

/// `olc-node testnet-spec`: writes the `testnet` chain spec built from a keys file.
#[derive(Debug, clap::Parser)]
pub struct TestnetSpecCmd {
	/// The keys file (JSON; README "Operators" shows its fields).
	#[arg(long)]
	pub keys: PathBuf,
	/// Write the raw spec (storage as key/value pairs), the form nodes should be given.
	#[arg(long)]
	pub raw: bool,
}

impl TestnetSpecCmd {
	/// Prints the spec to stdout.
	pub fn run(&self) -> Result<(), String> {
		let text = std::fs::read_to_string(&self.keys)
			.map_err(|e| format!("{}: {e}", self.keys.display()))?;
		let keys: TestnetKeys =
			serde_json::from_str(&text).map_err(|e| format!("{}: {e}", self.keys.display()))?;
		let spec = testnet_chain_spec(&keys)?;
		let json = sc_chain_spec::ChainSpec::as_json(&spec, self.raw)?;
		println!("{json}");
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn keys() -> TestnetKeys {
		serde_json::from_str(
			r#"{
				"sudo": "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
				"bootNodes": ["/ip4/10.0.0.1/tcp/30333/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"],
				"validators": [{
					"account": "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y",
					"aura": "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y",
					"grandpa": "5GoNkf6WdbxCFnPdAnYYQyCjAKPJgLNxXwPjwTh6DGg6gN3E"
				}],
				"balances": [["5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty", "1000000000000000"]]
			}"#,
		)
		.unwrap()
	}

	/// Issue 15 item 2: every spec has its own protocol id; the testnet spec carries the
	/// operator's sudo, validators and bootnodes and no dev account.
	#[test]
	fn item2_specs_name_their_protocol_and_testnet_uses_the_operators_keys() {
		use sc_chain_spec::ChainSpec as _;
		assert_eq!(development_chain_spec().unwrap().protocol_id(), Some(DEV_PROTOCOL_ID));
		assert_eq!(local_chain_spec().unwrap().protocol_id(), Some(LOCAL_PROTOCOL_ID));
		let spec = testnet_chain_spec(&keys()).unwrap();
		assert_eq!(spec.protocol_id(), Some(TESTNET_PROTOCOL_ID));
		assert_eq!(spec.chain_type(), ChainType::Live);
		assert_eq!(spec.boot_nodes().len(), 1);
		let json = spec.as_json(false).unwrap();
		// Bob (sudo here) is in; Alice (the dev chains' sudo) is not.
		assert!(json.contains("5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"));
		assert!(!json.contains("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"));
		// The raw form builds (the genesis is valid for the runtime).
		spec.as_json(true).unwrap();
	}

	#[test]
	fn testnet_spec_refuses_bad_keys() {
		let mut bad = keys();
		bad.validators[0].aura = "not a key".into();
		assert!(testnet_chain_spec(&bad).err().unwrap_or_default().contains("aura key"));
		let mut none = keys();
		none.validators.clear();
		assert!(testnet_chain_spec(&none).is_err());
	}
}
