//! The maintainers' commission.

use super::*;

#[test]
fn each_round_the_pot_goes_to_full_maintainers_that_missed_no_vote() {
	build_and_execute(|| {
		full(13);
		// A missed vote in round 0 by everyone in the group except members[0].
		let (_, report_id, members) = report_alice();
		assert_ok!(Reporting::vote(origin(members[0]), report_id, false));
		run_to_block(now() + VOTING);
		// A probationer until after the round ends.
		run_to_block(ROUND_LENGTH - 5);
		join(13..14);
		// Fees reach the pot.
		assert_ok!(<Balances as frame_support::traits::fungible::Mutate<u64>>::transfer(
			&CHARLIE,
			&pot(),
			1_003,
			frame_support::traits::tokens::Preservation::Preserve
		));
		let pot_spendable = free(pot()) - EXISTENTIAL_DEPOSIT;
		let before: Vec<u64> = (0..14).map(|i| free(maintainer(i))).collect();
		// Round 1 starts at ROUND_LENGTH: the payout is scheduled then.
		run_to_block(ROUND_LENGTH);
		assert_eq!(pallet_staking_delegation::CurrentRound::<Test>::get().index, 1);
		// members[0] voted and all 13 were in the group: only it is paid.
		assert!(events().contains(&Event::CommissionScheduled {
			round: 0,
			recipients: 1,
			per_member: pot_spendable
		}));
		run_to_block(ROUND_LENGTH + 1);
		for i in 0..14 {
			let who = maintainer(i);
			let expected = if who == members[0] {
				before[i as usize] + pot_spendable
			} else {
				before[i as usize]
			};
			assert_eq!(free(who), expected);
		}
		assert_eq!(free(pot()), EXISTENTIAL_DEPOSIT);
	});
}

#[test]
fn commission_is_split_equally_and_paid_a_few_per_block() {
	build_and_execute(|| {
		full(10);
		assert_ok!(<Balances as frame_support::traits::fungible::Mutate<u64>>::transfer(
			&CHARLIE,
			&pot(),
			1_005,
			frame_support::traits::tokens::Preservation::Preserve
		));
		// 1_005 spendable (the pot keeps its existential deposit) / 10 = 100 each.
		run_to_block(ROUND_LENGTH);
		assert!(events().contains(&Event::CommissionScheduled {
			round: 0,
			recipients: 10,
			per_member: 100
		}));
		let paid =
			|_: ()| (0..10).filter(|i| free(maintainer(*i)) == 10 * BOND - BOND + 100).count();
		assert_eq!(paid(()), 0);
		run_to_block(ROUND_LENGTH + 1);
		assert_eq!(paid(()), MAX_PAYOUTS as usize);
		run_to_block(ROUND_LENGTH + 3);
		assert_eq!(paid(()), 10);
		assert!(crate::PendingCommission::<Test>::get().is_none());
		assert_eq!(free(pot()), EXISTENTIAL_DEPOSIT + 5);
	});
}
