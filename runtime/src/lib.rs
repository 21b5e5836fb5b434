//! The OpenLive Coin (OLC) runtime. Wiring only: the logic lives in the pallets.
#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime!` recurses deeply.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
mod configs;
pub mod genesis_config_presets;
#[cfg(test)]
mod tests;
pub mod weights;

use alloc::vec::Vec;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use apis::RuntimeApi;
pub use configs::*;
pub use pallet_chat;
pub use pallet_jobs;
pub use pallet_olc_token;
pub use pallet_reporting;
pub use pallet_staking_delegation;
pub use pallet_validator_manager;
pub use pallet_verification;

/// Opaque types for the node: it does not need to know the runtime's extrinsic format.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	pub type BlockId = generic::BlockId<Block>;

	impl_opaque_keys! {
		pub struct SessionKeys {
			pub aura: Aura,
			pub grandpa: Grandpa,
		}
	}
}

/// The runtime's version. Raise `spec_version` in every release whose runtime differs: nodes run
/// the wasm of the highest version, and `system.setCode` refuses a code that does not raise it.
#[cfg(not(feature = "upgrade-test"))]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("olc"),
	impl_name: alloc::borrow::Cow::Borrowed("olc-node"),
	authoring_version: 1,
	spec_version: 100,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// The same runtime one `spec_version` up: the code that tests/upgrade.test.mjs sets with
/// `system.setCode` (built by `runtime/upgrade-test`). Only `spec_version` differs from above.
#[cfg(feature = "upgrade-test")]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("olc"),
	impl_name: alloc::borrow::Cow::Borrowed("olc-node"),
	authoring_version: 1,
	spec_version: 101,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// Block time of OLC: one constant for the whole chain (Aura slot, timestamp period, rounds).
pub const MILLI_SECS_PER_BLOCK: u64 = 2_000;
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;

/// OLC has 12 decimals: one OLC is 10^12 of the smallest unit.
pub const TOKEN_DECIMALS: u8 = 12;
pub const TOKEN_SYMBOL: &str = "OLC";
pub const UNIT: Balance = 1_000_000_000_000;
pub const MILLI_UNIT: Balance = UNIT / 1_000;
pub const MICRO_UNIT: Balance = MILLI_UNIT / 1_000;
/// SS58 address prefix of OLC accounts (2017, the year of the OpenLive write-up; not registered
/// in the SS58 registry).
pub const SS58_PREFIX: u16 = 2017;

/// The smallest balance an account may hold: 1 milli-OLC.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

pub type BlockNumber = u32;
pub type Signature = MultiSignature;
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
pub type Balance = u128;
pub type Nonce = u32;
pub type Hash = sp_core::H256;

pub type Address = MultiAddress<AccountId, ()>;
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
pub type SignedBlock = generic::SignedBlock<Block>;
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions of the polkadot-sdk templates, so polkadot.js, its browser
/// extension, PAPI and subxt sign OLC transactions without custom types.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// The storage migrations this runtime runs when it replaces an older one (`system.setCode`):
/// `Executive` runs them, in order, before the pallets' own `on_runtime_upgrade` hooks, in the
/// first block under the new code.
///
/// Add a pallet's migration here when its storage version rises (a `VersionedMigration` in the
/// pallet's `migrations.rs`, which does nothing on a chain already at the new version), and
/// remove it once every chain that matters runs a runtime that includes it. Check the list with
/// the `try-runtime` feature before a release (docs/operators.md, "Runtime upgrades").
pub type Migrations = (
	// pallet-jobs 1 → 2: the JobClaims index rebuilt from the unsettled claims.
	pallet_jobs::migrations::v2::MigrateV1ToV2<Runtime>,
	// pallet-staking-delegation 1 → 2: EpochRefs counted; orphan pools and epoch ends removed.
	pallet_staking_delegation::migrations::v2::MigrateV1ToV2<Runtime>,
);

pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	// The validator set: declared before Aura and GRANDPA so that a session change (and its
	// genesis) is done before they read their authorities.
	#[runtime::pallet_index(7)]
	pub type ValidatorManager = pallet_validator_manager;
	#[runtime::pallet_index(8)]
	pub type Session = pallet_session;
	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;
	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;
	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;
	#[runtime::pallet_index(10)]
	pub type OlcToken = pallet_olc_token;
	#[runtime::pallet_index(11)]
	pub type StakingDelegation = pallet_staking_delegation;
	#[runtime::pallet_index(12)]
	pub type Jobs = pallet_jobs;
	#[runtime::pallet_index(13)]
	pub type Verification = pallet_verification;
	#[runtime::pallet_index(14)]
	pub type Reporting = pallet_reporting;
	#[runtime::pallet_index(15)]
	pub type Chat = pallet_chat;
}
