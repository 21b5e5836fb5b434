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
	let header = Header::new(number, Default::default(), Default::default(), parent, Default::default());
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
