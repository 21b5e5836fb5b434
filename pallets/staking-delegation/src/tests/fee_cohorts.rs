//! Issue 12, item 9: fees belong to the stake that did the work (fee cohorts).

use super::*;

/// Issue 12 item 9: fees belong to the stake that was there when the work was done. T1 works
/// while active (alone in its pool), drops out of the active set, and D1 bonds to it (earning at
/// once, the pool being inactive) just before the payout of that work: D1 gets none of it.
#[test]
fn item9_stake_bonded_just_before_a_payout_shares_no_fees_earned_before_it() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 50);
		next_round();
		assert_eq!(active(), vec![T1]);
		// T1 works in this round; its claim is paid some rounds later. Meanwhile it is outranked.
		let claimed_at = System::block_number();
		register(T2, 2_000, 0, 50);
		register(T3, 3_000, 0, 50);
		next_round();
		assert_eq!(active(), vec![T3, T2]);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees_for_claim(
			&PAYER, &T1, 400, claimed_at
		));
		assert_eq!(fees(D1), 0);
		assert_eq!(fees(T1), 400);
		// A payout in the round D1 bonded in is of work done before it arrived, too.
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 100));
		assert_eq!((fees(T1), fees(D1)), (500, 0));
		// D1 claims, and still has nothing from those payouts.
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert_eq!(fees(D1), 0);
	});
}

/// Issue 12 item 9: the stake that was there when the work was done gets all of its fees, however
/// late the payout, and stake that arrived later shares the fees of claims made after it arrived.
/// Also when the newcomer's stake was pending (bonded to an active transcoder) and started earning
/// before the payout of older work.
#[test]
fn item9_the_stake_that_was_there_gets_all_of_a_late_payout_newcomers_share_later_claims() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 50);
		assert_ok!(Staking::bond(origin(D2), 1_000, T1));
		next_round();
		assert_eq!(active(), vec![T1]);
		let first_claim = System::block_number();
		// D1 bonds while T1 is active: pending, earning from the next round.
		assert_ok!(Staking::bond(origin(D1), 2_000, T1));
		run_to_round(4);
		assert_eq!(active(), vec![T1]);
		assert_eq!(Pools::<Test>::get(T1).earning, 4_000);
		// The payout of the round-1 claim, three rounds late: T1 and D2 share the pool's half.
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees_for_claim(
			&PAYER,
			&T1,
			1_000,
			first_claim
		));
		assert_eq!((fees(T1), fees(D2), fees(D1)), (500 + 250, 250, 0));
		// A claim made in round 3, when D1's stake earned: it shares by stake.
		let later_claim = System::block_number() - ROUND_LENGTH;
		assert_eq!(Staking::round_of_block(later_claim), 3);
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees_for_claim(
			&PAYER,
			&T1,
			1_000,
			later_claim
		));
		assert_eq!((fees(T1), fees(D2), fees(D1)), (750 + 500 + 125, 250 + 125, 250));
		// Settling changes nothing of it; the pot pays each what it was credited.
		for who in [T1, D1, D2] {
			assert_ok!(Staking::claim_earnings(origin(who)));
		}
		assert_eq!((fees(T1), fees(D2), fees(D1)), (1_375, 375, 250));
		// Once the cohort is no longer tracked, a membership ends at the next settlement.
		run_to_round(4 + crate::FEE_ATTRIBUTION_ROUNDS);
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert!(crate::FeeCohortMembers::<Test>::get(D1).is_none());
		assert!(crate::FeeCohorts::<Test>::get(T1, (0, 2)).is_none());
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 400));
		assert_eq!(fees(D1), 250 + 100);
	});
}

/// Issue 12 item 9: a newcomer that leaves takes its cohort membership with it, and one that
/// moves its bond joins the new pool's cohort: it shares neither pool's older work.
#[test]
fn item9_moving_a_bond_makes_it_new_to_the_pool_it_moves_to() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 100);
		register(T2, 1_000, 0, 100);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		next_round();
		let claimed_at = System::block_number();
		next_round();
		// D1 moves to T2 (its stake pending there until the next round).
		assert_ok!(Staking::bond(origin(D1), 0, T2));
		assert_eq!(crate::FeeCohortMembers::<Test>::get(D1).map(|m| m.round), Some(3));
		next_round();
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees_for_claim(
			&PAYER, &T2, 300, claimed_at
		));
		assert_eq!((fees(T2), fees(D1)), (300, 0));
		// Unbonding all of it ends the membership.
		assert_ok!(Staking::unbond(origin(D1), 1_000));
		assert!(crate::FeeCohortMembers::<Test>::get(D1).is_none());
		assert!(crate::FeeCohorts::<Test>::get(T2, (0, 3)).is_none());
	});
}
