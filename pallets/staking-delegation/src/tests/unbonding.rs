//! `unbond`, `rebond`, `rebond_to` and `withdraw_unbonded`.

use super::*;

#[test]
fn unbond_creates_a_lock_withdrawable_after_the_unbonding_period() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		assert_ok!(Staking::unbond(origin(D1), 200));
		System::assert_last_event(
			Event::Unbonded {
				delegator: D1,
				transcoder: T1,
				amount: 200,
				lock_id: 0,
				withdraw_round: 7,
			}
			.into(),
		);
		assert_eq!(held(D1), 500);
		assert_eq!(stake(D1), 300);
		assert_eq!(TotalBonded::<Test>::get(), 1_300);
		assert_eq!(Pools::<Test>::get(T1).earning, 1_300);
		run_to_round(6);
		assert_noop!(Staking::withdraw_unbonded(origin(D1), 0), Error::<Test>::LockNotWithdrawable);
		run_to_round(7);
		assert_ok!(Staking::withdraw_unbonded(origin(D1), 0));
		System::assert_last_event(
			Event::Withdrawn { delegator: D1, lock_id: 0, amount: 200 }.into(),
		);
		assert_eq!(held(D1), 300);
		assert_eq!(free(D1), INITIAL_BALANCE - 300);
		assert!(!UnbondingLocks::<Test>::contains_key(D1, 0));
		assert_noop!(Staking::withdraw_unbonded(origin(D1), 0), Error::<Test>::UnknownLock);
	});
}

#[test]
fn unbonding_everything_removes_the_record_once_withdrawn() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		assert_ok!(Staking::unbond(origin(D1), 500));
		run_to_round(UNBONDING_PERIOD);
		assert_ok!(Staking::withdraw_unbonded(origin(D1), 0));
		assert!(Delegators::<Test>::get(D1).is_none());
		assert_eq!(free(D1), INITIAL_BALANCE);
	});
}

#[test]
fn unbond_errors() {
	build_and_execute(|| {
		assert_noop!(Staking::unbond(origin(D1), 1), Error::<Test>::NotBonded);
		register(T1, 1_000, 10, 50);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		assert_noop!(Staking::unbond(origin(D1), 0), Error::<Test>::ZeroAmount);
		assert_noop!(Staking::unbond(origin(D1), 501), Error::<Test>::InsufficientBond);
		for _ in 0..MAX_LOCKS {
			assert_ok!(Staking::unbond(origin(D1), 1));
		}
		assert_noop!(Staking::unbond(origin(D1), 1), Error::<Test>::TooManyUnbondingLocks);
		// A transcoder keeps at least MinSelfBond unless it unbonds everything.
		assert_noop!(
			Staking::unbond(origin(T1), 1_000 - MIN_SELF_BOND + 1),
			Error::<Test>::SelfBondBelowMinimum
		);
		assert_ok!(Staking::unbond(origin(T1), 1_000 - MIN_SELF_BOND));
	});
}

#[test]
fn unbonding_all_of_a_self_bond_resigns_the_transcoder() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		assert_ok!(Staking::unbond(origin(T1), 1_000));
		assert!(!Transcoders::<Test>::contains_key(T1));
		assert!(events().contains(&Event::TranscoderResigned { transcoder: T1 }));
		assert!(Candidates::<Test>::get().is_empty());
	});
}

#[test]
fn rebond_returns_a_lock_to_the_current_transcoder() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		assert_noop!(Staking::rebond(origin(D1), 0), Error::<Test>::NotBonded);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		assert_noop!(Staking::rebond(origin(D1), 0), Error::<Test>::UnknownLock);
		assert_ok!(Staking::unbond(origin(D1), 200));
		assert_ok!(Staking::rebond(origin(D1), 0));
		System::assert_last_event(
			Event::Rebonded { delegator: D1, transcoder: T1, lock_id: 0, amount: 200 }.into(),
		);
		assert_eq!(stake(D1), 500);
		assert_eq!(held(D1), 500);
		assert_eq!(TotalBonded::<Test>::get(), 1_500);
		assert!(UnbondingLocks::<Test>::get(D1, 0).is_none());
		// The whole bond unbonded: rebond has no transcoder to go to.
		assert_ok!(Staking::unbond(origin(D1), 500));
		assert_noop!(Staking::rebond(origin(D1), 1), Error::<Test>::NotBonded);
	});
}

#[test]
fn rebond_to_bonds_a_lock_to_any_transcoder_moving_the_bond() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		register(T2, 1_000, 10, 50);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		assert_ok!(Staking::unbond(origin(D1), 200));
		assert_noop!(Staking::rebond_to(origin(D1), D2, 0), Error::<Test>::NotATranscoder);
		assert_noop!(Staking::rebond_to(origin(D1), T2, 9), Error::<Test>::UnknownLock);
		assert_ok!(Staking::rebond_to(origin(D1), T2, 0));
		assert_eq!(Delegators::<Test>::get(D1).unwrap().transcoder, T2);
		assert_eq!(Pools::<Test>::get(T1).earning, 1_000);
		assert_eq!(Pools::<Test>::get(T2).earning, 1_500);
		// After unbonding everything, rebond_to starts a new delegation.
		assert_ok!(Staking::unbond(origin(D1), 500));
		assert_ok!(Staking::rebond_to(origin(D1), T1, 1));
		assert_eq!(Delegators::<Test>::get(D1).unwrap().transcoder, T1);
		assert_eq!(stake(D1), 500);
	});
}

#[test]
fn unbonded_stake_stops_earning_at_once() {
	ExtBuilder::default().fixed_mintable(1_000).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		assert_ok!(Staking::unbond(origin(D1), 1_000));
		next_round();
		assert_eq!(stake(T1), 2_000);
		assert_eq!(stake(D1), 0);
	});
}
