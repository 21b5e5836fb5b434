//! Rounds and the active set.

use super::*;

#[test]
fn rounds_start_automatically_every_round_length_blocks() {
	build_and_execute(|| {
		assert_eq!(round(), 0);
		let view = Staking::round_view();
		assert_eq!((view.index, view.start, view.length, view.blocks_left), (0, 0, 10, 9));
		for _ in 1..ROUND_LENGTH - 1 {
			next_block();
		}
		assert_eq!(System::block_number(), 9);
		assert_eq!(round(), 0);
		next_block();
		assert_eq!((round(), Staking::round_view().start), (1, 10));
		assert_eq!(Staking::round_view().blocks_left, 10);
		run_to_round(3);
		assert_eq!((System::block_number(), Staking::round_view().start), (30, 30));
		// Nobody to reward: nothing minted.
		assert!(events()
			.iter()
			.any(|e| matches!(e, Event::NewRound { round: 3, active: 0, minted: 0, .. })));
	});
}

#[test]
fn active_set_is_the_top_transcoders_by_stake_ties_to_the_earlier_registration() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 500, 10, 50);
		register(T2, 700, 10, 50);
		register(T3, 700, 10, 50);
		// Registered transcoders only join at the next round start.
		assert!(active().is_empty());
		next_round();
		// MAX_ACTIVE = 2: T2 and T3 tie at 700, T2 registered first.
		assert_eq!(active(), vec![T2, T3]);
		assert!(Staking::is_active(&T2) && !Staking::is_active(&T1));
		// A delegation to T1 lifts it above T3 from the next round on.
		assert_ok!(Staking::bond(origin(D1), 300, T1));
		assert_eq!(active(), vec![T2, T3]);
		next_round();
		assert_eq!(active(), vec![T1, T2]);
		let stakes: Vec<u64> = ActiveSet::<Test>::get().into_iter().map(|m| m.stake).collect();
		assert_eq!(stakes, vec![800, 700]);
	});
}

#[test]
fn inactive_transcoders_and_their_delegators_earn_nothing() {
	ExtBuilder::default().fixed_mintable(1_000).build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		register(T2, 2_000, 10, 50);
		register(T3, 3_000, 10, 50);
		assert_ok!(Staking::bond(origin(D1), 100, T1));
		run_to_round(5);
		assert_eq!(active(), vec![T3, T2]);
		assert_eq!(stake(T1), 1_000);
		assert_eq!(stake(D1), 100);
		assert_eq!(Pools::<Test>::get(T1).factors, crate::Factors::default());
	});
}

#[test]
fn mintable_comes_from_the_monetary_policy_and_is_split_by_stake() {
	ExtBuilder::default()
		.inflation(Perbill::from_percent(1), Perbill::zero())
		.build_and_execute(|| {
			register(T1, 3_000, 0, 0);
			register(T2, 1_000, 0, 0);
			let issuance = Balances::total_issuance();
			next_round();
			// 1% of total issuance, split 3:1.
			let mintable = issuance / 100;
			assert!(events().contains(&Event::NewRound {
				round: 1,
				active: 2,
				mintable,
				minted: mintable
			}));
			assert_eq!(Balances::total_issuance(), issuance + mintable);
			assert_eq!(stake(T1), 3_000 + mintable * 3 / 4);
			assert_eq!(stake(T2), 1_000 + mintable / 4);
			assert_eq!(TotalBonded::<Test>::get(), 4_000 + mintable);
		});
}

#[test]
fn inflation_moves_toward_the_target_each_round() {
	ExtBuilder::default()
		.inflation(Perbill::from_parts(1_000), Perbill::from_parts(100))
		.build_and_execute(|| {
			register(T1, 1_000, 0, 0);
			// Far below the 50% target: +100 ppb per round.
			run_to_round(3);
			assert_eq!(pallet_olc_token::Inflation::<Test>::get(), Perbill::from_parts(1_300));
		});
	ExtBuilder::default()
		.balances(vec![(T1, 1_000_000), (D1, 10)])
		.inflation(Perbill::from_parts(150), Perbill::from_parts(100))
		.build_and_execute(|| {
			register(T1, 990_000, 0, 0);
			// Above the target: down, and never below zero.
			run_to_round(3);
			assert_eq!(pallet_olc_token::Inflation::<Test>::get(), Perbill::zero());
		});
}
