//! Runtime-level tests: properties that depend on the runtime's real limits and weights rather
//! than on a pallet's mock.

use crate::*;
use frame_support::{dispatch::DispatchClass, traits::Get};
use pallet_verification::{QueueBounds, QueuedTask, TaskQueue};
use sp_runtime::{traits::Header as _, BuildStorage};

fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig::default()
		.build_storage()
		.unwrap_or_else(|error| panic!("genesis: {error}"));
	sp_io::TestExternalities::new(storage)
}

/// Starts block `number` the way a node does: every pallet's `on_initialize` runs and its weight
/// is registered with frame-system.
fn initialize_block(number: BlockNumber) {
	let parent = frame_system::Pallet::<Runtime>::block_hash(number.saturating_sub(1));
	let header =
		Header::new(number, Default::default(), Default::default(), parent, Default::default());
	Executive::initialize_block(&header);
}

/// Queues `count` tasks in `queue`, due in block 1 (for claims that do not exist: the hook still
/// charges each its worst case, which is what the block's weight must bear).
fn queue_due_tasks(queue: TaskQueue, count: u64) {
	let mut bounds = pallet_verification::TaskBounds::<Runtime>::get(queue);
	for index in 0..count {
		pallet_verification::Tasks::<Runtime>::insert(
			queue,
			bounds.tail,
			QueuedTask { claim_id: 1_000 + index, seq: 0, due: 1 },
		);
		bounds.tail += 1;
	}
	pallet_verification::TaskBounds::<Runtime>::insert(queue, bounds);
}

fn pending(queue: TaskQueue) -> u64 {
	let QueueBounds { head, tail } = pallet_verification::TaskBounds::<Runtime>::get(queue);
	tail - head
}

/// Issue 12 item 6: with many due deadline tasks (each charged a committee's slashes and a
/// settlement, with the runtime's real slash weight), the verification hook never declares more
/// weight than the runtime's block allows, leaves normal transactions their share, and runs the
/// rest in later blocks: no task is lost.
#[test]
fn item6_verification_hook_stays_within_the_runtime_block_weight() {
	new_test_ext().execute_with(|| {
		let per_block: u32 = <Runtime as pallet_verification::Config>::MaxTasksPerBlock::get();
		let per_block = u64::from(per_block);
		queue_due_tasks(TaskQueue::VerdictDeadline, 2 * per_block);
		queue_due_tasks(TaskQueue::ProofDeadline, 2 * per_block);
		let total = 4 * per_block;

		let limits = <Runtime as frame_system::Config>::BlockWeights::get();
		let normal = limits.get(DispatchClass::Normal).max_total.unwrap_or(limits.max_block);
		let mut blocks = 0u32;
		let mut number: BlockNumber = 1;
		while pending(TaskQueue::VerdictDeadline) + pending(TaskQueue::ProofDeadline) > 0 {
			let before = pending(TaskQueue::VerdictDeadline) + pending(TaskQueue::ProofDeadline);
			initialize_block(number);
			let consumed = frame_system::Pallet::<Runtime>::block_weight().total();
			assert!(
				consumed.all_lte(limits.max_block),
				"block {number}: hooks declared {consumed:?}, more than the block's {:?}",
				limits.max_block
			);
			assert!(
				consumed.saturating_add(normal).all_lte(limits.max_block),
				"block {number}: hooks declared {consumed:?}, normal transactions lost their share"
			);
			let after = pending(TaskQueue::VerdictDeadline) + pending(TaskQueue::ProofDeadline);
			assert!(after < before, "block {number}: no task ran");
			blocks += 1;
			number += 1;
			assert!(u64::from(blocks) <= total, "tasks do not drain");
		}
		// Every task ran: the queues' heads reached their tails.
		assert_eq!(pending(TaskQueue::VerdictDeadline), 0);
		assert_eq!(pending(TaskQueue::ProofDeadline), 0);
	});
}

/// Issue 12 item 6: one task of each kind fits in an empty block's hook budget, with the
/// runtime's real weights (otherwise the queues would never drain).
#[test]
fn item6_one_task_of_each_kind_fits_in_the_hook_budget() {
	new_test_ext().execute_with(|| {
		let budget = pallet_verification::Pallet::<Runtime>::hook_weight_limit();
		let worst = pallet_verification::Pallet::<Runtime>::worst_task_weight();
		assert!(
			worst.all_lte(budget),
			"the worst task {worst:?} does not fit the hook budget {budget:?}"
		);
	});
}

/// The `local_testnet` preset's state: four validators with session keys.
fn local_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Runtime>::default()
		.build_storage()
		.unwrap_or_else(|error| panic!("genesis: {error}"));
	let patch = genesis_config_presets::local_config_genesis();
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	json_merge(&mut config, patch);
	let config: RuntimeGenesisConfig = serde_json::from_value(config).unwrap();
	config.assimilate_storage(&mut storage).unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext
}

fn json_merge(a: &mut serde_json::Value, b: serde_json::Value) {
	match (a, b) {
		(serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
			for (k, v) in b {
				json_merge(a.entry(k).or_insert(serde_json::Value::Null), v);
			}
		},
		(a, b) => *a = b,
	}
}

fn account(keyring: sp_keyring::Sr25519Keyring) -> AccountId {
	keyring.to_account_id()
}

/// Moves to block `number` (inclusive), running pallet-session's hook in every block (the one
/// that rotates sessions and hands the keys to Aura and GRANDPA).
fn run_to(number: BlockNumber) {
	use frame_support::traits::OnInitialize;
	while frame_system::Pallet::<Runtime>::block_number() < number {
		let next = frame_system::Pallet::<Runtime>::block_number() + 1;
		frame_system::Pallet::<Runtime>::set_block_number(next);
		Session::on_initialize(next);
	}
}

/// Issue 15 item 1: the local chain starts with four validators whose session keys are Aura's
/// and GRANDPA's authorities; a validator that sets keys (with their ownership proof, as
/// `author_rotateKeysWithOwner` produces) and is added by root becomes an authority within two
/// sessions; a removed one leaves; the last validator cannot be removed.
#[test]
fn item1_validator_manager_drives_the_session_authorities() {
	use codec::Decode;
	use sp_keyring::Sr25519Keyring::*;
	local_ext().execute_with(|| {
		let validators: Vec<AccountId> =
			[Alice, Bob, Charlie, Dave].into_iter().map(account).collect();
		assert_eq!(pallet_session::Validators::<Runtime>::get(), validators);
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 4);
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 4);
		let length = ValidatorManager::session_length();
		assert_eq!(length, genesis_config_presets::TEST_SESSION_LENGTH);

		// Eve generates keys with an ownership proof and registers them.
		let eve = account(Eve);
		let generated = opaque::SessionKeys::generate(&codec::Encode::encode(&eve), None);
		let keys_bytes = codec::Encode::encode(&generated.keys);
		let proof = codec::Encode::encode(&generated.proof);
		// Without keys she cannot be added.
		assert_eq!(
			ValidatorManager::add_validator(RuntimeOrigin::root(), eve.clone()),
			Err(pallet_validator_manager::Error::<Runtime>::NoSessionKeys.into())
		);
		// A proof for another owner is refused.
		let keys = opaque::SessionKeys::decode(&mut &keys_bytes[..]).unwrap();
		assert!(Session::set_keys(
			RuntimeOrigin::signed(account(Ferdie)),
			keys.clone(),
			proof.clone()
		)
		.is_err());
		Session::set_keys(RuntimeOrigin::signed(eve.clone()), keys.clone(), proof).unwrap();
		ValidatorManager::add_validator(RuntimeOrigin::root(), eve.clone()).unwrap();
		ValidatorManager::remove_validator(RuntimeOrigin::root(), account(Alice)).unwrap();

		// Active from the second session boundary on.
		run_to(length + 1);
		assert_eq!(pallet_session::Validators::<Runtime>::get(), validators);
		run_to(2 * length + 1);
		let expected: Vec<AccountId> = [Bob, Charlie, Dave, Eve].into_iter().map(account).collect();
		assert_eq!(pallet_session::Validators::<Runtime>::get(), expected);
		let aura = pallet_aura::Authorities::<Runtime>::get();
		assert_eq!(aura.len(), 4);
		assert_eq!(aura.last(), Some(&keys.aura));

		// The set never drops below MinValidators (1).
		for who in [Bob, Charlie, Dave] {
			ValidatorManager::remove_validator(RuntimeOrigin::root(), account(who)).unwrap();
		}
		assert_eq!(
			ValidatorManager::remove_validator(RuntimeOrigin::root(), eve.clone()),
			Err(pallet_validator_manager::Error::<Runtime>::TooFewValidators.into())
		);
	});
}

/// Issue 15 item 5: the byte fee is the README's 0.00001 OLC, and full blocks raise the weight
/// fee multiplier while empty ones bring it back to (never below) 1.
#[test]
fn item5_byte_fee_and_fee_multiplier() {
	use pallet_transaction_payment::Multiplier;
	use sp_runtime::traits::{Convert, One};
	assert_eq!(TransactionByteFee::get(), UNIT / 100_000);
	new_test_ext().execute_with(|| {
		type Update = <Runtime as pallet_transaction_payment::Config>::FeeMultiplierUpdate;
		let limits = <Runtime as frame_system::Config>::BlockWeights::get();
		let normal = limits.get(DispatchClass::Normal).max_total.unwrap_or(limits.max_block);
		frame_system::Pallet::<Runtime>::set_block_consumed_resources(normal, 0);
		let raised = Update::convert(Multiplier::one());
		assert!(raised > Multiplier::one(), "full blocks raise the multiplier: {raised}");
		frame_system::Pallet::<Runtime>::set_block_consumed_resources(
			frame_support::weights::Weight::zero(),
			0,
		);
		let lowered = Update::convert(raised);
		assert!(lowered < raised, "empty blocks lower it: {lowered}");
		assert_eq!(Update::convert(Multiplier::one()), Multiplier::one());
	});
	let length = <Runtime as frame_system::Config>::BlockLength::get();
	assert_eq!(*length.max.get(DispatchClass::Operational), 1024 * 1024);
}
