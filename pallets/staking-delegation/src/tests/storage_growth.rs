//! Storage that only grows (issue 12, low): pools and epoch ends leave with their last reference.

use super::*;

/// Whether anything of `transcoder`'s pool is left in storage.
fn pool_storage_of(transcoder: u64) -> (bool, usize, usize, usize) {
	(
		Pools::<Test>::contains_key(transcoder),
		crate::EpochEnds::<Test>::iter_prefix(transcoder).count(),
		ActivationFactors::<Test>::iter_prefix(transcoder).count(),
		crate::FeeCohorts::<Test>::iter_prefix(transcoder).count(),
	)
}

/// A delegator and the transcoder unbond everything (the transcoder resigns by it) and withdraw
/// after the unbonding period: nothing refers to the pool any more and it leaves storage, with
/// whatever rounding dust of rewards it still counted.
#[test]
fn low_storage_growth_pool_of_a_resigned_transcoder_leaves_with_its_last_reference() {
	ExtBuilder::default().fixed_mintable(1_000).build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		assert_ok!(Staking::bond(origin(D1), 700, T1));
		next_round();
		next_round();
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 301));
		assert_ok!(Staking::unbond(origin(D1), stake(D1)));
		assert_ok!(Staking::unbond(origin(T1), stake(T1)));
		assert!(!Transcoders::<Test>::contains_key(T1));
		assert!(Pools::<Test>::contains_key(T1), "locks still refer to the pool");
		run_to_round(round() + UNBONDING_PERIOD);
		assert_ok!(Staking::withdraw_unbonded(origin(D1), 0));
		assert_ok!(Staking::withdraw_fees(origin(D1), fees(D1)));
		assert!(!Delegators::<Test>::contains_key(D1));
		assert!(Pools::<Test>::contains_key(T1), "T1's own lock still refers to the pool");
		assert_ok!(Staking::withdraw_unbonded(origin(T1), 0));
		assert!(Pools::<Test>::contains_key(T1), "T1's fees are still to withdraw");
		assert_ok!(Staking::withdraw_fees(origin(T1), fees(T1)));
		assert!(!Delegators::<Test>::contains_key(T1));
		assert_eq!(pool_storage_of(T1), (false, 0, 0, 0));
		// A later bond starts a fresh pool that works as before.
		register(T1, 1_000, 0, 50);
		let pool = Pools::<Test>::get(T1);
		assert_eq!(
			(pool.factors, pool.earning, pool.unpaid_rewards),
			(Default::default(), 1_000, 0)
		);
		next_round();
		assert_eq!(stake(T1), 2_000, "the whole round's reward");
	});
}

/// A pool still referenced by one unbonding lock keeps its entry (and its slash factor): the
/// lock withdraws exactly what the slash left of it, and only then does the pool leave.
#[test]
fn low_storage_growth_pool_referenced_by_a_lock_stays_and_the_lock_withdraws_what_it_should() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 50);
		register(T2, 1_000, 0, 50);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		next_round();
		assert_ok!(Staking::unbond(origin(D1), 400));
		// D1's bond moves on; only its lock stays with T1.
		assert_ok!(Staking::bond(origin(D1), 0, T2));
		assert_ok!(Staking::unbond(origin(T1), 1_000));
		<Staking as Slashing<u64, u64>>::slash(&T1, pct(50), None, pct(0));
		run_to_round(round() + UNBONDING_PERIOD);
		assert_ok!(Staking::withdraw_unbonded(origin(T1), 0));
		assert!(!Delegators::<Test>::contains_key(T1));
		assert!(Pools::<Test>::contains_key(T1), "D1's lock still refers to the pool");
		let (free_before, held_before) = (free(D1), held(D1));
		assert_ok!(Staking::withdraw_unbonded(origin(D1), 0));
		assert_eq!(free(D1), free_before + 200);
		assert_eq!(held(D1), held_before - 400);
		assert_eq!(pool_storage_of(T1), (false, 0, 0, 0));
		assert!(Pools::<Test>::contains_key(T2));
	});
}

/// A full slash ends the pool's epoch: its `EpochEnds` entry stays while a delegator or a lock
/// of that epoch remains (their fees stay claimable) and leaves when the last of them settles
/// or is withdrawn.
#[test]
fn low_storage_growth_epoch_ends_leave_when_the_last_reference_to_the_epoch_settles() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 100);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		assert_ok!(Staking::bond(origin(D2), 500, T1));
		next_round();
		next_round();
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 250));
		assert_ok!(Staking::unbond(origin(D2), 200));
		let (d1_fees, d2_fees, t1_fees) = (fees(D1), fees(D2), fees(T1));
		assert_eq!((d1_fees, d2_fees, t1_fees), (100, 50, 100));
		<Staking as Slashing<u64, u64>>::slash(&T1, pct(100), None, pct(0));
		assert!(crate::EpochEnds::<Test>::contains_key(T1, 0));
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert_eq!(fees(D1), d1_fees);
		assert_ok!(Staking::claim_earnings(origin(T1)));
		assert_eq!(fees(T1), t1_fees);
		assert!(crate::EpochEnds::<Test>::contains_key(T1, 0), "D2 has not settled");
		assert_ok!(Staking::claim_earnings(origin(D2)));
		assert_eq!(fees(D2), d2_fees);
		assert!(crate::EpochEnds::<Test>::contains_key(T1, 0), "D2's lock is of epoch 0");
		run_to_round(round() + UNBONDING_PERIOD);
		let held_before = held(D2);
		assert_ok!(Staking::withdraw_unbonded(origin(D2), 0));
		assert_eq!((held(D2), held_before), (0, 200), "the wiped lock is worth nothing");
		assert!(!crate::EpochEnds::<Test>::contains_key(T1, 0));
		// The accounts' fees are still there to withdraw; the pool stays until they are.
		assert!(Pools::<Test>::contains_key(T1));
		for who in [D1, D2, T1] {
			assert_ok!(Staking::withdraw_fees(origin(who), fees(who)));
		}
		assert_eq!(pool_storage_of(T1), (false, 0, 0, 0));
	});
}

/// A transcoder that resigned and moved its own bond elsewhere leaves nothing that refers to
/// its pool, which goes at once; a payout for its work of the round (it is still in the active
/// set) pays it and does not bring the pool back.
#[test]
fn low_storage_growth_pool_a_payout_after_the_last_reference_does_not_recreate_it() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 50);
		register(T2, 1_000, 0, 50);
		next_round();
		assert!(active().contains(&T1));
		assert_ok!(Staking::resign_transcoder(origin(T1)));
		assert_ok!(Staking::bond(origin(T1), 0, T2));
		assert_eq!(pool_storage_of(T1), (false, 0, 0, 0));
		assert!(active().contains(&T1), "active until the round ends");
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 100));
		assert_eq!(pool_storage_of(T1), (false, 0, 0, 0));
		assert_eq!(Delegators::<Test>::get(T1).unwrap().fees, 100);
		assert_ok!(Staking::withdraw_fees(origin(T1), 100));
		assert_eq!(Delegators::<Test>::get(T1).unwrap().transcoder, T2);
	});
}
