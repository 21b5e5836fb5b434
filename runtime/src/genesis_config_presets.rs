//! Genesis presets: `development` (one validator, Alice) and `local_testnet` (Alice, Bob,
//! Charlie and Dave validate). Both pre-fund the well-known dev accounts and make Alice sudo.
//! Validators are accounts with session keys (pallet-session); Aura's and GRANDPA's
//! authorities come from those keys, so their own genesis lists stay empty.
//! [`testnet_genesis`] also builds the `testnet` chain spec from an operator's keys (no dev
//! keys; see the node's `testnet-spec` subcommand).

use crate::{opaque::SessionKeys, AccountId, Balance, BlockNumber, UNIT};
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

/// Sessions of the dev and local chains: 10 blocks (20 s), so a validator added or removed
/// authors or stops within 40 s. Production chains keep the runtime's default (one hour).
pub const TEST_SESSION_LENGTH: BlockNumber = 10;

/// What each pre-funded dev account holds at genesis: one million OLC.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * UNIT;

/// One validator at genesis: its account and its session keys.
#[derive(Clone)]
pub struct GenesisValidator {
	pub account: AccountId,
	pub aura: AuraId,
	pub grandpa: GrandpaId,
}

/// The dev and local chains: every endowed account gets [`DEV_ENDOWMENT`] and the test rounds,
/// periods and session length apply.
fn dev_genesis(
	validators: Vec<GenesisValidator>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
) -> Value {
	let mut patch = testnet_genesis(
		validators,
		endowed_accounts.into_iter().map(|account| (account, DEV_ENDOWMENT)).collect(),
		root,
		Some(TEST_SESSION_LENGTH),
	);
	let test_periods = build_struct_json_patch!(crate::RuntimeGenesisConfig {
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
	});
	// Different pallets: a top-level merge is enough.
	if let (Value::Object(patch), Value::Object(test_periods)) = (&mut patch, test_periods) {
		patch.extend(test_periods);
	}
	patch
}

/// A genesis patch: `validators` (accounts and session keys), `balances`, the `root` (sudo)
/// account and the session length (`None`: the runtime's default, one hour).
pub fn testnet_genesis(
	validators: Vec<GenesisValidator>,
	balances: Vec<(AccountId, Balance)>,
	root: AccountId,
	session_length: Option<BlockNumber>,
) -> Value {
	build_struct_json_patch!(crate::RuntimeGenesisConfig {
		balances: pallet_balances::GenesisConfig { balances },
		validator_manager: pallet_validator_manager::GenesisConfig {
			validators: validators.iter().map(|v| v.account.clone()).collect::<Vec<_>>(),
			session_length,
		},
		session: pallet_session::GenesisConfig {
			keys: validators
				.iter()
				.map(|v| {
					let keys = SessionKeys { aura: v.aura.clone(), grandpa: v.grandpa.clone() };
					(v.account.clone(), v.account.clone(), keys)
				})
				.collect::<Vec<_>>(),
		},
		sudo: pallet_sudo::GenesisConfig { key: Some(root) },
	})
}

/// A dev validator: the well-known account, its sr25519 key for Aura and ed25519 for GRANDPA
/// (what `olc-node --alice` etc. put in the keystore).
fn authority(keyring: Sr25519Keyring, grandpa: Ed25519Keyring) -> GenesisValidator {
	GenesisValidator {
		account: keyring.to_account_id(),
		aura: keyring.public().into(),
		grandpa: grandpa.public().into(),
	}
}

/// `--dev`: Alice alone produces and finalizes blocks.
pub fn development_config_genesis() -> Value {
	dev_genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// `--chain local`: Alice, Bob, Charlie and Dave validate. GRANDPA needs more than two thirds
/// of them: any three finalize, so one may be down or restarting.
pub fn local_config_genesis() -> Value {
	dev_genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			authority(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
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
	Some(serde_json::to_string(&patch).unwrap_or_default().into_bytes())
}

pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
