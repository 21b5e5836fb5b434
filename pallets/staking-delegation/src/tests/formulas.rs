//! The formulas, against hand-computed numbers.

use super::*;

/// Two transcoders, three delegators, two rewarded rounds, a fee credit and a slash, with
/// numbers chosen so that every factor is exact:
///
/// Round 0: T1 self-bonds 1000 (reward cut 20%, fee share 50%), D1 delegates 3000 to it;
/// T2 self-bonds 1000 (cut 50%, fee share 50%), D2 delegates 1000.
/// Round 1 (mints 1200): T1 1200 × 4000/6000 = 800: cut 160, pool 640 → factor 4640/4000 =
/// 1.16. T2 400: cut 200, pool 200 → 2200/2000 = 1.1. D3 delegates 800 to T1 (pending: T1 is
/// active). 928 fees to T1: 464 to the pool's 4640 earning stake (0.1 per unit), 464 to T1.
/// Round 2 (mints 1000): T1 5600 (4640 + cut 160 + D3 800), T2 2400 (2200 + 200): T1 700 (cut
/// 140, pool 560 → × 6160/5600 = 1.1 → 1.276), T2 300 (cut 150, pool 150 → × 2550/2400).
/// Then T1 is slashed 50% with a 10% finder fee (of what T1's own bond lost).
#[test]
fn hand_computed_rewards_fees_and_slash() {
	ExtBuilder::default().fixed_mintable(1_200).build_and_execute(|| {
		register(T1, 1_000, 20, 50);
		register(T2, 1_000, 50, 50);
		assert_ok!(Staking::bond(origin(D1), 3_000, T1));
		assert_ok!(Staking::bond(origin(D2), 1_000, T2));
		let issuance0 = Balances::total_issuance();

		next_round(); // round 1
		assert_eq!(active(), vec![T1, T2]);
		assert!(events().contains(&Event::Rewarded {
			transcoder: T1,
			round: 1,
			delegators_reward: 640,
			transcoder_reward: 160
		}));
		assert!(events().contains(&Event::Rewarded {
			transcoder: T2,
			round: 1,
			delegators_reward: 200,
			transcoder_reward: 200
		}));
		assert_eq!(stake(D1), 3_480);
		assert_eq!(stake(T1), 1_160 + 160);
		assert_eq!(stake(D2), 1_100);
		assert_eq!(stake(T2), 1_100 + 200);
		// The transcoders' own bonds were settled by the round start: the cut is on hold.
		assert_eq!(held(T1), 1_320);
		assert_eq!(held(D1), 3_000);

		assert_ok!(Staking::bond(origin(D3), 800, T1));
		assert_eq!(Staking::delegator_view(&D3).unwrap().pending_stake, 800);
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 928));
		assert_eq!(fees(T1), 464 + 116);
		assert_eq!(fees(D1), 348);
		assert_eq!(fees(D3), 0);

		FixedMintable::set(Some(1_000));
		next_round(); // round 2
		assert_eq!(
			ActiveSet::<Test>::get()
				.into_iter()
				.map(|m| (m.who, m.stake))
				.collect::<Vec<_>>(),
			vec![(T1, 5_600), (T2, 2_400)]
		);
		assert!(events().contains(&Event::Rewarded {
			transcoder: T1,
			round: 2,
			delegators_reward: 560,
			transcoder_reward: 140
		}));
		assert_eq!(stake(D1), 3_828); // 3000 × 1.276
		assert_eq!(stake(D3), 880); // 800 × 1.276 / 1.16: earned from round 2 only
		assert_eq!(stake(T1), 1_276 + 176 + 140); // own 1160 × 1.1, cut 160 × 1.1, new cut
		assert_eq!(stake(D2), 1_168); // 1000 × 1.1 × 2550/2400 = 1168.75
		assert_eq!(fees(D3), 0);

		// D1 claims: 828 rewards move from the pot into its hold, 348 fees become withdrawable.
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert!(events().contains(&Event::EarningsClaimed {
			delegator: D1,
			transcoder: T1,
			rewards: 828,
			fees: 348
		}));
		assert_eq!(held(D1), 3_828);
		let before = free(D1);
		assert_ok!(Staking::withdraw_fees(origin(D1), 348));
		assert_eq!(free(D1), before + 348);

		// Slash T1 by 50%: earning 6160 and pending 140 → 3150 slashed. T1's own stake, 1592,
		// loses 796: the finder gets 10% of that, 79 (not 10% of the pool's 3150).
		let issuance = Balances::total_issuance();
		assert_eq!(issuance, issuance0 + 1_200 + 1_000);
		let unpaid = Pools::<Test>::get(T1).unpaid_rewards;
		// Unclaimed in the pot: D3's 80 (T1's and D1's were settled).
		assert_eq!(unpaid, 80);
		let slashed = <Staking as Slashing<u64, u64>>::slash(&T1, pct(50), Some(FINDER), pct(10));
		assert_eq!(slashed, 3_150);
		assert!(events().contains(&Event::Slashed {
			transcoder: T1,
			fraction: pct(50),
			slashed: 3_150,
			burned_from_pot: 40,
			finder: Some(FINDER),
			finder_reward: 79
		}));
		assert_eq!(free(FINDER), 79);
		assert!(!Transcoders::<Test>::contains_key(T1));
		assert_eq!(stake(D1), 1_914);
		assert_eq!(stake(D3), 440);
		assert_eq!(stake(T1), 726 + 70);

		// Each delegator's lost principal is burned from its hold when it settles.
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert_ok!(Staking::claim_earnings(origin(D3)));
		assert_ok!(Staking::claim_earnings(origin(T1)));
		assert_eq!((held(D1), held(D3), held(T1)), (1_914, 440, 796));
		assert!(events().contains(&Event::SlashBurned { who: D1, amount: 1_914 }));
		assert!(events().contains(&Event::SlashBurned { who: D3, amount: 400 }));
		assert_eq!(Pools::<Test>::get(T1).unpaid_rewards, 0);
		// Issuance: + finder fee − everything slashed.
		assert_eq!(Balances::total_issuance(), issuance + 79 - 3_150);

		// T1 leaves the active set at the next round start.
		assert!(active().contains(&T1));
		next_round();
		assert_eq!(active(), vec![T2]);
	});
}

#[test]
fn rewards_compound_over_rounds() {
	ExtBuilder::default().fixed_mintable(100).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		run_to_round(2);
		// Round 1: 1000 → 1100; round 2: 1100 → 1200 (the whole reward goes to the pool).
		assert_eq!(stake(T1), 1_200);
		// Bonded during round 2: earns from round 3.
		assert_ok!(Staking::bond(origin(D1), 1_200, T1));
		run_to_round(4);
		// Round 3: 2400 → 2500 (factor 1.25); round 4: 2500 → 2600 (factor 1.3).
		assert_eq!(stake(T1), 1_300);
		assert_eq!(stake(D1), 1_300);
	});
}

#[test]
fn fees_follow_fee_share_and_stake_and_only_reach_earning_stake() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 40);
		assert_ok!(Staking::bond(origin(D1), 3_000, T1));
		next_round();
		// D2 bonds during the round: its stake earns from the next round.
		assert_ok!(Staking::bond(origin(D2), 4_000, T1));
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 1_000));
		assert!(events().contains(&Event::FeesAdded {
			transcoder: T1,
			payer: PAYER,
			delegators_fees: 400,
			transcoder_fees: 600
		}));
		assert_eq!(free(PAYER), INITIAL_BALANCE - 1_000);
		assert_eq!(fees(T1), 600 + 100);
		assert_eq!(fees(D1), 300);
		assert_eq!(fees(D2), 0);
		next_round();
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 800));
		// 320 to 8000 earning stake.
		assert_eq!(fees(D2), 160);
		assert_eq!(fees(D1), 300 + 120);
		assert_eq!(fees(T1), 700 + 480 + 40);
	});
}

#[test]
fn add_fees_errors() {
	build_and_execute(|| {
		register(T1, 1_000, 0, 40);
		next_round();
		assert_noop!(
			<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			<Staking as TranscoderFees<u64, u64>>::add_fees(&NOBODY, &T1, 10),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(
			<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T2, 10),
			Error::<Test>::TranscoderNotActive
		);
	});
}
