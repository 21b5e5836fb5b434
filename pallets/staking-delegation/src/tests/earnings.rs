//! `claim_earnings` and `withdraw_fees`.

use super::*;

#[test]
fn claim_earnings_compounds_rewards_and_is_idempotent() {
	ExtBuilder::default().fixed_mintable(500).build_and_execute(|| {
		assert_noop!(Staking::claim_earnings(origin(D1)), Error::<Test>::NotBonded);
		register(T1, 1_000, 20, 50);
		assert_ok!(Staking::bond(origin(D1), 1_500, T1));
		run_to_round(2);
		// Each round: 500, cut 100, 400 to the pool of 2500 (round 1) then 2900 + 100.
		let expected = stake(D1);
		assert!(expected > 1_500);
		let pot = free(Staking::pot());
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert_eq!(held(D1), expected);
		assert_eq!(free(Staking::pot()), pot - (expected - 1_500));
		assert_ok!(Staking::claim_earnings(origin(D1)));
		System::assert_last_event(
			Event::EarningsClaimed { delegator: D1, transcoder: T1, rewards: 0, fees: 0 }.into(),
		);
		assert_eq!(held(D1), expected);
	});
}

#[test]
fn withdraw_fees_pays_out_settled_fees() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 50);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		next_round();
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 400));
		assert_noop!(Staking::withdraw_fees(origin(D1), 0), Error::<Test>::ZeroAmount);
		assert_noop!(Staking::withdraw_fees(origin(D1), 101), Error::<Test>::InsufficientFees);
		assert_noop!(Staking::withdraw_fees(origin(D2), 1), Error::<Test>::InsufficientFees);
		// Settles first, so no claim is needed.
		assert_ok!(Staking::withdraw_fees(origin(D1), 60));
		System::assert_last_event(Event::FeesWithdrawn { delegator: D1, amount: 60 }.into());
		assert_eq!(free(D1), INITIAL_BALANCE - 1_000 + 60);
		assert_ok!(Staking::withdraw_fees(origin(D1), 40));
		assert_noop!(Staking::withdraw_fees(origin(D1), 1), Error::<Test>::InsufficientFees);
		// T1: 200 own share + 100 as a delegator of itself.
		assert_ok!(Staking::withdraw_fees(origin(T1), 300));
	});
}

/// Issue 12, low items: error names say what failed. A pot that cannot pay (a bug: it always
/// holds what it owes) is `PotExhausted`, not `RecipientBelowExistentialDeposit`; a lock whose
/// account has no bond record is `NotBonded`, not `UnknownLock`.
#[test]
fn low_error_names_say_what_failed() {
	ExtBuilder::default().fixed_mintable(0).build().execute_with(|| {
		register(T1, 1_000, 0, 50);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		next_round();
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 400));
		// Empty the pot (as a bug would): D1 has an account, so its withdrawal fails for the pot.
		let pot = Staking::pot();
		<Balances as frame_support::traits::fungible::Mutate<u64>>::set_balance(
			&pot,
			EXISTENTIAL_DEPOSIT,
		);
		assert_noop!(Staking::withdraw_fees(origin(D1), 60), Error::<Test>::PotExhausted);
		// A lock without its account's record (a bug as well) is a missing bond.
		assert_ok!(Staking::unbond(origin(D1), 100));
		crate::Delegators::<Test>::remove(D1);
		assert_noop!(Staking::rebond(origin(D1), 0), Error::<Test>::NotBonded);
		assert_noop!(Staking::rebond_to(origin(D1), T1, 0), Error::<Test>::NotBonded);
		assert_noop!(Staking::rebond_to(origin(D1), T1, 9), Error::<Test>::UnknownLock);
	});
}
