//! The runtime upgrade's checks, natively (`cargo test -p olc-runtime --features try-runtime`,
//! run by scripts/test.sh): a dev-chain state with unsettled claims, put in the shape that a
//! version-1 pallet-jobs left (no `JobClaims` index), then `Executive::try_runtime_upgrade` —
//! what the try-runtime CLI runs through the `TryRuntime` API: every migration of
//! [`olc_runtime::Migrations`] with its `pre_upgrade`/`post_upgrade` checks, each pallet's
//! storage version against its code, the whole state decoded, and every pallet's `try_state`.
#![cfg(feature = "try-runtime")]

use frame_support::traits::{
	GetStorageVersion, StorageVersion, TryState, TryStateSelect, UpgradeCheckSelect,
};
use olc_runtime::{
	genesis_config_presets, AccountId, AllPalletsWithSystem, BlockNumber, Executive, Header, Jobs,
	Runtime, RuntimeGenesisConfig, RuntimeOrigin, StakingDelegation, System, UNIT,
};
use pallet_jobs::{ClaimId, Claims, JobClaims, JobId};
use sp_keyring::Sr25519Keyring::{Alice, Charlie};
use sp_runtime::{traits::Header as _, BuildStorage, Perbill};

/// The `development` preset's genesis (what `olc-node --dev` starts from).
fn dev_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Runtime>::default()
		.build_storage()
		.expect("system genesis");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("to json");
	merge(&mut config, genesis_config_presets::development_config_genesis());
	let config: RuntimeGenesisConfig = serde_json::from_value(config).expect("from json");
	config.assimilate_storage(&mut storage).expect("genesis");
	sp_io::TestExternalities::new(storage)
}

fn merge(a: &mut serde_json::Value, b: serde_json::Value) {
	match (a, b) {
		(serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
			for (k, v) in b {
				merge(a.entry(k).or_insert(serde_json::Value::Null), v);
			}
		},
		(a, b) => *a = b,
	}
}

/// Starts block `number` as a node does (every pallet's `on_initialize`, and the migrations when
/// the code's version is newer than the last upgrade's).
fn start_block(number: BlockNumber) {
	let parent = System::block_hash(number.saturating_sub(1));
	Executive::initialize_block(&Header::new(
		number,
		Default::default(),
		Default::default(),
		parent,
		Default::default(),
	));
}

fn signed(who: &AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.clone())
}

/// Charlie, an active transcoder, claims two ranges of a job of Alice's stream: returns the
/// job's id and the claims' ids. Leaves the chain at block `returned.2`.
fn claims_on_a_dev_chain() -> (JobId, Vec<ClaimId>, BlockNumber) {
	let (alice, charlie) = (Alice.to_account_id(), Charlie.to_account_id());
	let price = 1_000_000;
	let mut block = 1;
	start_block(block);
	StakingDelegation::bond(signed(&charlie), 2_000 * UNIT, charlie.clone()).expect("bond");
	StakingDelegation::register_transcoder(
		signed(&charlie),
		Perbill::from_percent(10),
		Perbill::from_percent(50),
		price,
		b"http://127.0.0.1:8935".to_vec().try_into().expect("uri"),
	)
	.expect("register");
	// Active from the next round start (rounds of 5 blocks on the dev chain).
	while pallet_staking_delegation::Pallet::<Runtime>::transcoder_view(&charlie)
		.is_none_or(|view| !view.active)
	{
		block += 1;
		assert!(block < 20, "Charlie never became active");
		start_block(block);
	}
	Jobs::create_stream(
		signed(&alice),
		b"upgrade".to_vec().try_into().expect("title"),
		pallet_jobs::insecure_segment_key(),
	)
	.expect("create_stream");
	let stream_id = pallet_jobs::Streams::<Runtime>::iter_keys().next().expect("the stream");
	let job_id = pallet_jobs::NextJobId::<Runtime>::get();
	let ladder = olc_primitives::default_ladder().try_into().expect("ladder");
	Jobs::create_job(signed(&alice), stream_id, ladder, 2 * price, UNIT).expect("create_job");
	block += 1;
	start_block(block); // the election
	let first = pallet_jobs::NextClaimId::<Runtime>::get();
	Jobs::claim_work(signed(&charlie), job_id, 0, 9, [1; 32]).expect("first claim");
	Jobs::claim_work(signed(&charlie), job_id, 10, 19, [2; 32]).expect("second claim");
	(job_id, vec![first, first + 1], block)
}

/// The state a version-1 runtime from before the `JobClaims` index left: version 1, the claims
/// without index entries.
fn make_pre_migration() {
	let _ = JobClaims::<Runtime>::clear(u32::MAX, None);
	StorageVersion::new(1).put::<Jobs>();
}

/// The claims of `job_id` that the runtime API lists (in storage order: sorted here).
fn listed(job_id: JobId) -> Vec<ClaimId> {
	let mut ids: Vec<ClaimId> = Jobs::claims_of_job_view(job_id, None, 100)
		.into_iter()
		.map(|(id, _)| id)
		.collect();
	ids.sort();
	ids
}

/// Issue 15 item 3: the migrations list upgrades a version-1 pallet-jobs with every check on:
/// pre/post checks, storage versions, the decoded state and all pallets' invariants; the claims
/// are listed again, with the same content; a second run changes nothing.
#[test]
fn item3_try_runtime_upgrade_migrates_job_claims_with_every_check() {
	dev_ext().execute_with(|| {
		let (job_id, claims, block) = claims_on_a_dev_chain();
		assert_eq!(listed(job_id), claims);
		AllPalletsWithSystem::try_state(block, TryStateSelect::All).expect("invariants before");
		let before: Vec<_> = Claims::<Runtime>::iter().collect();

		make_pre_migration();
		assert!(listed(job_id).is_empty(), "the API no longer sees the claims");
		assert!(
			AllPalletsWithSystem::try_state(block, TryStateSelect::All).is_err(),
			"pallet-jobs' invariants see the missing index"
		);

		let weight = Executive::try_runtime_upgrade(UpgradeCheckSelect::All)
			.expect("the upgrade and all its checks pass");
		assert_eq!(Jobs::on_chain_storage_version(), StorageVersion::new(2));
		assert_eq!(Jobs::on_chain_storage_version(), Jobs::in_code_storage_version());
		assert_eq!(listed(job_id), claims);
		assert_eq!(Claims::<Runtime>::iter().collect::<Vec<_>>(), before);
		// Two reads per claim and a write per entry, with the runtime's ParityDB weights.
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		assert!(weight.all_gte(db.reads_writes(4, 2)), "the weight counts the work: {weight:?}");

		// Again on the migrated state: nothing to do, every check still passes.
		Executive::try_runtime_upgrade(UpgradeCheckSelect::All).expect("idempotent");
		assert_eq!(listed(job_id), claims);
	});
}

/// The checks catch what they are for: an index entry of no unsettled claim fails the
/// migration's `pre_upgrade` (the migration only adds entries, so it would survive), and
/// without the migration's run the post-upgrade version check and `try_state` fail.
#[test]
fn item3_try_runtime_upgrade_refuses_a_state_the_migration_cannot_fix() {
	dev_ext().execute_with(|| {
		let (job_id, _, _) = claims_on_a_dev_chain();
		make_pre_migration();
		JobClaims::<Runtime>::insert(job_id, 1_000, ());
		assert!(Executive::try_runtime_upgrade(UpgradeCheckSelect::PreAndPost).is_err());
	});
	dev_ext().execute_with(|| {
		claims_on_a_dev_chain();
		// A chain at a version no migration in the list starts from.
		let _ = JobClaims::<Runtime>::clear(u32::MAX, None);
		StorageVersion::new(0).put::<Jobs>();
		assert!(Executive::try_runtime_upgrade(UpgradeCheckSelect::All).is_err());
	});
}

/// On chain the migrations run in the first block under a code of a higher `spec_version`
/// (`Executive` compares it with `LastRuntimeUpgrade`), and only then.
#[test]
fn item3_the_migration_runs_in_the_first_block_of_the_new_code() {
	dev_ext().execute_with(|| {
		let (job_id, claims, mut block) = claims_on_a_dev_chain();
		make_pre_migration();
		block += 1;
		start_block(block);
		assert!(listed(job_id).is_empty(), "same code: no migration");

		// The code before this one had a lower spec_version.
		let mut last = frame_system::LastRuntimeUpgrade::<Runtime>::get().expect("genesis sets it");
		last.spec_version = codec::Compact(olc_runtime::VERSION.spec_version - 1);
		frame_system::LastRuntimeUpgrade::<Runtime>::put(last);
		block += 1;
		start_block(block);
		assert_eq!(listed(job_id), claims);
		assert_eq!(Jobs::on_chain_storage_version(), StorageVersion::new(2));
		assert_eq!(
			frame_system::LastRuntimeUpgrade::<Runtime>::get().map(|info| info.spec_version.0),
			Some(olc_runtime::VERSION.spec_version)
		);
	});
}

/// Issue 12 (storage that only grows): the runtime's migrations upgrade a version-1
/// pallet-staking-delegation, which had no reference counts: every check on, the counts are
/// rebuilt from the account records and locks, exactly as the pallet keeps them.
#[test]
fn staking_delegation_v2_counts_the_references_of_a_version_1_chain_with_every_check() {
	use pallet_staking_delegation::EpochRefs;
	dev_ext().execute_with(|| {
		let (_, _, block) = claims_on_a_dev_chain();
		// A delegator of Charlie's with an unbonding lock: both refer to Charlie's pool.
		let alice = Alice.to_account_id();
		StakingDelegation::bond(signed(&alice), 100 * UNIT, Charlie.to_account_id()).expect("bond");
		StakingDelegation::unbond(signed(&alice), 40 * UNIT).expect("unbond");
		let mut kept: Vec<_> = EpochRefs::<Runtime>::iter().collect();
		kept.sort();
		assert!(
			kept.iter()
				.any(|(who, _, count)| *who == Charlie.to_account_id() && *count >= 3),
			"Charlie's own bond, Alice's bond and her lock count: {kept:?}"
		);

		// What a version-1 runtime left: no counts.
		let _ = EpochRefs::<Runtime>::clear(u32::MAX, None);
		StorageVersion::new(1).put::<StakingDelegation>();
		assert!(
			AllPalletsWithSystem::try_state(block, TryStateSelect::All).is_err(),
			"pallet-staking-delegation's invariants see the missing counts"
		);

		Executive::try_runtime_upgrade(UpgradeCheckSelect::All)
			.expect("the upgrade and all its checks pass");
		assert_eq!(StakingDelegation::on_chain_storage_version(), StorageVersion::new(2));
		let mut rebuilt: Vec<_> = EpochRefs::<Runtime>::iter().collect();
		rebuilt.sort();
		assert_eq!(rebuilt, kept);
	});
}
