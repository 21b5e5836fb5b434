//! `bond`.

use super::*;

#[test]
fn bond_holds_funds_in_the_bonders_account() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		let issuance = Balances::total_issuance();
		assert_ok!(Staking::bond(origin(D1), 400, T1));
		assert_eq!(free(D1), INITIAL_BALANCE - 400);
		assert_eq!(held(D1), 400);
		assert_eq!(Balances::total_balance(&D1), INITIAL_BALANCE);
		assert_eq!(Balances::total_issuance(), issuance);
		assert_eq!(TotalBonded::<Test>::get(), 1_400);
		assert_eq!(Pools::<Test>::get(T1).earning, 1_400);
		System::assert_last_event(
			Event::Bonded { delegator: D1, transcoder: T1, amount: 400, bond: 400 }.into(),
		);
		assert_ok!(Staking::bond(origin(D1), 100, T1));
		assert_eq!(held(D1), 500);
	});
}

#[test]
fn bond_to_an_active_transcoder_is_pending_until_the_next_round() {
	ExtBuilder::default().fixed_mintable(1_000).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		next_round();
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		let pool = Pools::<Test>::get(T1);
		assert_eq!(
			(pool.earning, pool.pending, pool.pending_round, pool.pending_refs),
			(2_000, 1_000, 2, 1)
		);
		next_round();
		// The snapshot is kept for D1 until it settles.
		assert!(ActivationFactors::<Test>::contains_key(T1, 2));
		// Round 2's 1000 is shared 2000 : 1000.
		assert_eq!(stake(D1), 1_333);
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert!(!ActivationFactors::<Test>::contains_key(T1, 2));
		assert_eq!(held(D1), 1_333);
	});
}

#[test]
fn bond_errors() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		assert_noop!(Staking::bond(RuntimeOrigin::root(), 1, T1), BadOrigin);
		assert_noop!(Staking::bond(origin(D1), 0, T1), Error::<Test>::ZeroAmount);
		assert_noop!(Staking::bond(origin(D1), 10, D2), Error::<Test>::NotATranscoder);
		assert_noop!(Staking::bond(origin(T1), 10, T2), Error::<Test>::TranscoderCannotDelegate);
		register(T2, 1_000, 10, 50);
		assert_noop!(Staking::bond(origin(T1), 10, T2), Error::<Test>::TranscoderCannotDelegate);
		assert_noop!(
			Staking::bond(origin(D1), INITIAL_BALANCE, T1),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(Staking::bond(origin(NOBODY), 1, T1), Error::<Test>::InsufficientBalance);
		// Moving to the same transcoder with nothing added is not a move.
		assert_ok!(Staking::bond(origin(D1), 10, T1));
		assert_noop!(Staking::bond(origin(D1), 0, T1), Error::<Test>::ZeroAmount);
	});
}

#[test]
fn bonding_to_another_transcoder_moves_the_whole_bond_after_settling() {
	ExtBuilder::default().fixed_mintable(1_000).build_and_execute(|| {
		register(T1, 1_000, 0, 100);
		register(T2, 1_000, 0, 0);
		assert_ok!(Staking::bond(origin(D1), 2_000, T1));
		next_round();
		// T1: 3000 of 4000 stake, 750 reward → ×1.25; D1 2500. 360 fees to 3750: 240 to D1.
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 360));
		assert_ok!(Staking::bond(origin(D1), 100, T2));
		assert!(events().contains(&Event::EarningsClaimed {
			delegator: D1,
			transcoder: T1,
			rewards: 500,
			fees: 240
		}));
		assert!(events().contains(&Event::BondMoved {
			delegator: D1,
			from: T1,
			to: T2,
			amount: 2_500
		}));
		assert_eq!(held(D1), 2_600);
		assert_eq!(Pools::<Test>::get(T1).earning, 1_250);
		// T2 is active: the moved bond earns there from the next round.
		assert_eq!(Pools::<Test>::get(T2).pending, 2_600);
		assert_eq!(Staking::delegator_view(&D1).unwrap().pending_stake, 2_600);
		assert_eq!(fees(D1), 240);
	});
}
