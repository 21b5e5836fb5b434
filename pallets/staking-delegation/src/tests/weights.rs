//! Weights.

use super::*;

/// The weight charged for `claim_earnings` is the same after 1 round and after 1,000 rounds,
/// and so is the work it does: it writes the same storage items (reads follow the same code
/// path: one delegator, one pool, one optional activation snapshot — no per-round loop).
#[test]
fn claim_earnings_weight_does_not_depend_on_the_rounds_elapsed() {
	let claim = crate::Call::<Test>::claim_earnings {};
	let measure = |rounds: u32| {
		let mut ext = ExtBuilder::default().fixed_mintable(1_000).build();
		ext.execute_with(|| {
			register(T1, 1_000, 10, 50);
			assert_ok!(Staking::bond(origin(D1), 1_000, T1));
			run_to_round(rounds);
			System::reset_events();
		});
		ext.commit_all().unwrap();
		let declared = ext.execute_with(|| {
			assert_ok!(Staking::claim_earnings(origin(D1)));
			// The claim settled every round at once.
			assert_eq!(held(D1), stake(D1));
			assert!(held(D1) > 1_000);
			claim.get_dispatch_info().call_weight
		});
		let mut written: Vec<Vec<u8>> = ext
			.overlayed_changes()
			.changes()
			// Storage item prefix (pallet and item hashes): the same items, whatever the keys.
			.map(|(key, _)| key.get(..32).unwrap_or(key).to_vec())
			.collect();
		written.sort();
		(declared, written)
	};
	let (after_1, written_1) = measure(1);
	let (after_1000, mut written_1000) = measure(1_000);
	assert_eq!(after_1, after_1000);
	assert_eq!(
		after_1,
		<() as crate::WeightInfo>::claim_earnings()
			.saturating_add(Staking::reference_drops_weight(2))
	);
	// Once, at the first settlement after `FEE_ATTRIBUTION_ROUNDS`, the account's fee cohort
	// membership ends (and its cohort with its last member): two more writes, not per round.
	use frame_support::storage::StoragePrefixedMap;
	let ended: [&[u8]; 2] = [
		&crate::FeeCohorts::<Test>::final_prefix(),
		&crate::FeeCohortMembers::<Test>::final_prefix(),
	];
	assert!(ended.iter().all(|prefix| written_1000.iter().any(|key| key == prefix)));
	written_1000.retain(|key| !ended.contains(&key.as_slice()));
	assert_eq!(written_1, written_1000);
	assert!(!written_1.is_empty());
}

#[test]
fn round_start_weight_is_accounted() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		register(T2, 1_000, 10, 50);
		System::set_block_number(ROUND_LENGTH - 1);
		use frame_support::traits::Hooks;
		let idle = Staking::on_initialize(ROUND_LENGTH - 1);
		System::set_block_number(ROUND_LENGTH);
		let start = Staking::on_initialize(ROUND_LENGTH);
		assert_eq!(round(), 1);
		assert!(start.ref_time() > idle.ref_time());
		let expected = <() as crate::WeightInfo>::start_round(2);
		assert!(start.ref_time() >= expected.ref_time());
	});
}
