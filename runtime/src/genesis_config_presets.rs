//! Genesis presets: `development` (one validator, Alice) and `local_testnet` (Alice, Bob and
//! Charlie validate). Both pre-fund the well-known dev accounts and make Alice sudo.

use crate::{AccountId, Balance, BlockNumber, UNIT};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Transcoding rounds of the dev and local chains: 5 blocks (10 s), so tests see several rounds
/// in a minute. Production chains keep the pallet's default of about one hour.
pub const TEST_ROUND_LENGTH: BlockNumber = 5;

/// Probation of new maintainers on the dev and local chains, in blocks (20 s).
pub const TEST_PROBATION_PERIOD: BlockNumber = 10;

/// Voting period of trusted groups on the dev and local chains, in blocks (1 min).
pub const TEST_VOTING_PERIOD: BlockNumber = 30;

/// The dev and local chains challenge one segment in 4, so short claims are checked too.
pub const TEST_VERIFICATION_RATE: u32 = 4;

/// What each pre-funded dev account holds at genesis: one million OLC.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * UNIT;

fn testnet_genesis(
	initial_authorities: Vec<(AuraId, GrandpaId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
) -> Value {
	build_struct_json_patch!(crate::RuntimeGenesisConfig {
		balances: pallet_balances::GenesisConfig {
			balances: endowed_accounts
				.iter()
				.cloned()
				.map(|account| (account, DEV_ENDOWMENT))
				.collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: pallet_sudo::GenesisConfig { key: Some(root) },
		staking_delegation: pallet_staking_delegation::GenesisConfig {
			round_length: Some(TEST_ROUND_LENGTH),
		},
		verification: pallet_verification::GenesisConfig {
			verification_rate: Some(TEST_VERIFICATION_RATE),
			..Default::default()
		},
		reporting: pallet_reporting::GenesisConfig {
			probation_period: Some(TEST_PROBATION_PERIOD),
			voting_period: Some(TEST_VOTING_PERIOD),
		},
	})
}

fn authority(keyring: Sr25519Keyring, grandpa: Ed25519Keyring) -> (AuraId, GrandpaId) {
	(keyring.public().into(), grandpa.public().into())
}

/// `--dev`: Alice alone produces and finalizes blocks.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// `--chain local`: Alice, Bob and Charlie validate.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.unwrap_or_default()
			.into_bytes(),
	)
}

pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
