use crate::{
	mock::*, ActivationFactors, ActiveSet, Candidates, Delegators, Error, Event, HoldReason, Pools,
	Slashing, TotalBonded, TranscoderFees, TranscoderTerms, Transcoders, UnbondingLocks,
};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::GetDispatchInfo,
	traits::{fungible::InspectHold, Currency as _},
};
use sp_runtime::{traits::BadOrigin, Perbill};

fn uri(s: &[u8]) -> crate::ServiceUri {
	s.to_vec().try_into().unwrap()
}
fn held(who: u64) -> u64 {
	Balances::balance_on_hold(&RuntimeHoldReason::Staking(HoldReason::Staking), &who)
}
fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}
fn pct(p: u32) -> Perbill {
	Perbill::from_percent(p)
}
fn origin(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}
/// Bonds `amount` to itself and registers with the given cuts, price 5.
fn register(who: u64, amount: u64, reward_cut: u32, fee_share: u32) {
	assert_ok!(Staking::bond(origin(who), amount, who));
	assert_ok!(Staking::register_transcoder(
		origin(who),
		pct(reward_cut),
		pct(fee_share),
		5,
		uri(b"https://t.example")
	));
}
/// The bond a settlement now would give.
fn stake(who: u64) -> u64 {
	Staking::delegator_view(&who).map(|view| view.stake).unwrap_or(0)
}
fn fees(who: u64) -> u64 {
	Staking::delegator_view(&who).map(|view| view.fees).unwrap_or(0)
}
fn active() -> Vec<u64> {
	ActiveSet::<Test>::get().into_iter().map(|member| member.who).collect()
}
fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Staking(event) => Some(event),
			_ => None,
		})
		.collect()
}

// ---------------------------------------------------------------------------------------------
// Rounds and the active set
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// The formulas, against hand-computed numbers
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// register_transcoder / update_transcoder / resign_transcoder
// ---------------------------------------------------------------------------------------------

#[test]
fn register_transcoder_works_and_takes_effect_next_round() {
	build_and_execute(|| {
		assert_ok!(Staking::bond(origin(T1), MIN_SELF_BOND, T1));
		assert_ok!(Staking::register_transcoder(origin(T1), pct(10), pct(60), 7, uri(b"u")));
		let info = Transcoders::<Test>::get(T1).unwrap();
		assert_eq!(
			info.terms,
			TranscoderTerms { reward_cut: pct(10), fee_share: pct(60), price_per_segment: 7 }
		);
		assert_eq!((info.registered_round, info.registration_index), (0, 0));
		assert_eq!(Candidates::<Test>::get().into_inner(), vec![T1]);
		System::assert_last_event(
			Event::TranscoderRegistered {
				transcoder: T1,
				terms: info.terms,
				service_uri: uri(b"u"),
			}
			.into(),
		);
		assert!(!Staking::is_active(&T1));
		next_round();
		assert!(Staking::is_active(&T1));
		let view = Staking::transcoder_view(&T1).unwrap();
		assert!(view.registered && view.active);
		assert_eq!(view.round_terms, Some(info.terms));
		assert_eq!(view.service_uri, uri(b"u"));
	});
}

#[test]
fn register_transcoder_errors() {
	build_and_execute(|| {
		let reg = |who| Staking::register_transcoder(origin(who), pct(1), pct(1), 1, uri(b""));
		assert_noop!(
			Staking::register_transcoder(RuntimeOrigin::none(), pct(1), pct(1), 1, uri(b"")),
			BadOrigin
		);
		assert_noop!(reg(T1), Error::<Test>::NotBonded);
		assert_ok!(Staking::bond(origin(T1), MIN_SELF_BOND - 1, T1));
		assert_noop!(reg(T1), Error::<Test>::SelfBondBelowMinimum);
		assert_ok!(Staking::bond(origin(T1), 1, T1));
		assert_ok!(reg(T1));
		assert_noop!(reg(T1), Error::<Test>::AlreadyTranscoder);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		assert_noop!(reg(D1), Error::<Test>::NotSelfBonded);
	});
}

#[test]
fn a_full_transcoder_pool_evicts_the_weakest_for_a_stronger_newcomer() {
	ExtBuilder::default()
		.balances((1..=6).map(|who| (who, INITIAL_BALANCE)).collect())
		.build_and_execute(|| {
			for who in 1..=4u64 {
				register(who, 100 * who + 100, 0, 0);
			}
			assert_eq!(Candidates::<Test>::get().len() as u32, MAX_TRANSCODERS);
			// 200 does not beat the weakest (T1, 200): ties keep the incumbent.
			assert_ok!(Staking::bond(origin(5), 200, 5));
			assert_noop!(
				Staking::register_transcoder(origin(5), pct(1), pct(1), 1, uri(b"")),
				Error::<Test>::TranscoderPoolFull
			);
			assert_ok!(Staking::bond(origin(5), 1, 5));
			assert_ok!(Staking::register_transcoder(origin(5), pct(1), pct(1), 1, uri(b"")));
			assert!(events().contains(&Event::TranscoderEvicted { transcoder: 1, by: 5 }));
			assert!(!Transcoders::<Test>::contains_key(1));
			assert_eq!(Candidates::<Test>::get().into_inner(), vec![2, 3, 4, 5]);
			// The evicted transcoder keeps its bond.
			assert_eq!(held(1), 200);
		});
}

#[test]
fn update_transcoder_takes_effect_next_round() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		next_round();
		assert_ok!(Staking::update_transcoder(origin(T1), pct(30), pct(20), 9, uri(b"new")));
		let new_terms =
			TranscoderTerms { reward_cut: pct(30), fee_share: pct(20), price_per_segment: 9 };
		System::assert_last_event(
			Event::TranscoderUpdated { transcoder: T1, terms: new_terms, service_uri: uri(b"new") }
				.into(),
		);
		// This round still runs on the old terms.
		assert_eq!(ActiveSet::<Test>::get()[0].terms.reward_cut, pct(10));
		next_round();
		assert_eq!(ActiveSet::<Test>::get()[0].terms, new_terms);
	});
}

#[test]
fn update_transcoder_in_the_lock_window_only_lowers_the_price() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		next_round(); // starts at block 10; the window is its last block (19)
		for _ in 0..ROUND_LENGTH - 2 {
			next_block();
		}
		assert_eq!(System::block_number(), 18);
		assert!(!Staking::in_lock_window());
		assert_ok!(Staking::update_transcoder(origin(T1), pct(10), pct(50), 6, uri(b"a")));
		next_block();
		assert!(Staking::in_lock_window());
		assert!(Staking::round_view().lock_window);
		assert_noop!(
			Staking::update_transcoder(origin(T1), pct(11), pct(50), 6, uri(b"a")),
			Error::<Test>::RatesLockedInWindow
		);
		assert_noop!(
			Staking::update_transcoder(origin(T1), pct(10), pct(49), 6, uri(b"a")),
			Error::<Test>::RatesLockedInWindow
		);
		assert_noop!(
			Staking::update_transcoder(origin(T1), pct(10), pct(50), 7, uri(b"a")),
			Error::<Test>::PriceIncreaseInWindow
		);
		assert_ok!(Staking::update_transcoder(origin(T1), pct(10), pct(50), 4, uri(b"b")));
		assert_eq!(Transcoders::<Test>::get(T1).unwrap().terms.price_per_segment, 4);
		next_block();
		assert!(!Staking::in_lock_window());
	});
}

#[test]
fn update_transcoder_requires_a_registered_transcoder() {
	build_and_execute(|| {
		assert_noop!(
			Staking::update_transcoder(origin(T1), pct(1), pct(1), 1, uri(b"")),
			Error::<Test>::NotATranscoder
		);
	});
}

#[test]
fn resign_transcoder_leaves_the_active_set_at_the_next_round() {
	build_and_execute(|| {
		assert_noop!(Staking::resign_transcoder(origin(T1)), Error::<Test>::NotATranscoder);
		register(T1, 1_000, 10, 50);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		next_round();
		assert_ok!(Staking::resign_transcoder(origin(T1)));
		System::assert_last_event(Event::TranscoderResigned { transcoder: T1 }.into());
		assert!(Candidates::<Test>::get().is_empty());
		assert!(Staking::is_active(&T1));
		next_round();
		assert!(!Staking::is_active(&T1));
		// Bonds stay; a delegator can no longer bond more to it, but can move away.
		assert_eq!(held(T1), stake(T1));
		assert_noop!(Staking::bond(origin(D1), 1, T1), Error::<Test>::NotATranscoder);
		register(T2, 1_000, 0, 0);
		assert_ok!(Staking::bond(origin(D1), 0, T2));
		assert_eq!(Delegators::<Test>::get(D1).unwrap().transcoder, T2);
	});
}

// ---------------------------------------------------------------------------------------------
// bond
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// unbond / rebond / rebond_to / withdraw_unbonded
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// claim_earnings / withdraw_fees
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Slashing
// ---------------------------------------------------------------------------------------------

#[test]
fn slash_reaches_unbonding_locks_until_withdrawn() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		// D1 unbonds after an offence that is only reported later.
		assert_ok!(Staking::unbond(origin(D1), 600));
		next_round();
		let issuance = Balances::total_issuance();
		assert_eq!(<Staking as Slashing<u64, u64>>::slash(&T1, pct(25), None, pct(0)), 350);
		run_to_round(UNBONDING_PERIOD);
		assert_ok!(Staking::withdraw_unbonded(origin(D1), 0));
		System::assert_last_event(
			Event::Withdrawn { delegator: D1, lock_id: 0, amount: 450 }.into(),
		);
		assert!(events().contains(&Event::SlashBurned { who: D1, amount: 150 }));
		assert_eq!(free(D1), INITIAL_BALANCE - 1_000 + 450);
		assert_eq!(Balances::total_issuance(), issuance - 150);
		// A lock rebonded after a slash is slashed too.
		assert_ok!(Staking::unbond(origin(D1), 300));
		<Staking as Slashing<u64, u64>>::slash(&T1, pct(50), None, pct(0));
		// T1 resigned with the first slash: D1 bonds the lock to itself.
		assert_noop!(Staking::rebond_to(origin(D1), T1, 1), Error::<Test>::NotATranscoder);
		assert_ok!(Staking::rebond_to(origin(D1), D1, 1));
		assert_eq!(stake(D1), 150);
	});
}

#[test]
fn slash_of_pending_stake_and_without_finder() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		next_round();
		assert_ok!(Staking::bond(origin(D1), 800, T1));
		let issuance = Balances::total_issuance();
		assert_eq!(<Staking as Slashing<u64, u64>>::slash(&T1, pct(10), None, pct(50)), 180);
		assert_eq!(Staking::delegator_view(&D1).unwrap().pending_stake, 720);
		assert_eq!(stake(T1), 900);
		next_round();
		assert_eq!(stake(D1), 720);
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert_eq!(held(D1), 720);
		assert_ok!(Staking::claim_earnings(origin(T1)));
		// No finder: nothing minted, everything burned.
		assert_eq!(Balances::total_issuance(), issuance - 180);
		assert!(!Staking::is_active(&T1));
	});
}

#[test]
fn slash_of_an_unknown_account_or_zero_fraction_does_nothing() {
	build_and_execute(|| {
		assert_eq!(
			<Staking as Slashing<u64, u64>>::slash(&NOBODY, pct(50), Some(FINDER), pct(10)),
			0
		);
		register(T1, 1_000, 0, 0);
		assert_eq!(<Staking as Slashing<u64, u64>>::slash(&T1, pct(0), Some(FINDER), pct(10)), 0);
		assert!(Transcoders::<Test>::contains_key(T1));
		assert_eq!(free(FINDER), 0);
	});
}

#[test]
fn a_full_slash_leaves_a_usable_pool() {
	ExtBuilder::default().fixed_mintable(100).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		<Staking as Slashing<u64, u64>>::slash(&T1, pct(100), None, pct(0));
		assert_eq!(stake(T1), 0);
		assert_ok!(Staking::claim_earnings(origin(T1)));
		assert_eq!(held(T1), 0);
		// A new bond after it is worth what was bonded.
		assert_ok!(Staking::bond(origin(T1), 1_000, T1));
		assert_ok!(Staking::register_transcoder(origin(T1), pct(0), pct(0), 1, uri(b"")));
		next_round();
		assert_eq!(stake(T1), 1_100);
	});
}

#[test]
fn a_full_slash_wipes_the_epoch_but_keeps_fees_and_later_bonds_stay_slashable() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 100);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		next_round();
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 200));
		assert_eq!(<Staking as Slashing<u64, u64>>::slash(&T1, pct(100), None, pct(0)), 2_000);
		assert_eq!(Pools::<Test>::get(T1).factors.epoch, 1);
		assert_eq!((stake(D1), fees(D1)), (0, 100));
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert_eq!(held(D1), 0);
		assert_ok!(Staking::withdraw_fees(origin(D1), 100));
		// T1 bonds again and re-registers; D1 delegates again, pending (T1 is active).
		assert_ok!(Staking::claim_earnings(origin(T1)));
		register(T1, 1_000, 0, 100);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		assert_eq!((stake(T1), stake(D1)), (1_000, 500));
		let issuance = Balances::total_issuance();
		assert_eq!(<Staking as Slashing<u64, u64>>::slash(&T1, pct(100), None, pct(0)), 1_500);
		assert_eq!((stake(T1), stake(D1)), (0, 0));
		next_round();
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert_ok!(Staking::claim_earnings(origin(T1)));
		assert_eq!((held(T1), held(D1)), (0, 0));
		assert_eq!(Balances::total_issuance(), issuance - 1_500);
	});
}

// ---------------------------------------------------------------------------------------------
// Weights
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Runtime API views
// ---------------------------------------------------------------------------------------------

#[test]
fn views_show_pending_stake_fees_and_the_active_set() {
	ExtBuilder::default().fixed_mintable(1_000).build_and_execute(|| {
		assert!(Staking::delegator_view(&D1).is_none());
		assert!(Staking::transcoder_view(&T1).is_none());
		register(T1, 1_000, 0, 100);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		next_round();
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 100));
		assert_ok!(Staking::unbond(origin(D1), 100));
		let view = Staking::delegator_view(&D1).unwrap();
		assert_eq!(view.transcoder, T1);
		assert_eq!(view.stake, 1_400);
		assert_eq!(view.fees, 50);
		assert_eq!(view.unbonding_locks, 1);
		assert_eq!(Staking::unbonding_locks_view(&D1).len(), 1);
		let t = Staking::transcoder_view(&T1).unwrap();
		assert_eq!((t.stake, t.round_stake, t.active), (2_900, Some(2_000), true));
		assert_eq!(Staking::active_set_view().len(), 1);
		assert_eq!(Staking::round_view().index, 1);
	});
}

#[test]
fn rounding_never_owes_delegators_more_rewards_than_the_pool_holds() {
	// Each delegator's reward is rounded on its own; over a grid of odd rewards, bonds, round
	// counts and slash fractions the sum must never exceed the pool's unpaid rewards (the last
	// claimer would find the pool short). Rounding the reward as value − floor(principal)
	// failed 1 unit over in dozens of these cases.
	let mut failures = Vec::new();
	for mintable in [77u64, 101, 997, 1_231, 5_003, 20_011] {
		for fraction in [1u32, 3, 7, 13, 31] {
			for bonds in
				[[333u64, 334, 335], [1_001, 7, 999], [17, 19, 23], [3, 5, 11], [101, 203, 307]]
			{
				for rounds in [1u32, 3, 6] {
					ExtBuilder::default().fixed_mintable(mintable).build_and_execute(|| {
						register(T1, 1_000, 0, 0);
						for (who, amount) in [D1, D2, D3].into_iter().zip(bonds) {
							assert_ok!(Staking::bond(origin(who), amount, T1));
						}
						run_to_round(rounds);
						<Staking as Slashing<u64, u64>>::slash(&T1, pct(fraction), None, pct(0));
						let pool = Pools::<Test>::get(T1);
						let owed: u64 = [T1, D1, D2, D3]
							.into_iter()
							.map(|who| {
								let delegator = Delegators::<Test>::get(who).unwrap();
								Staking::compute_settlement(&who, &delegator, &pool)
									.unwrap()
									.owed_reward
							})
							.sum();
						if owed > pool.unpaid_rewards {
							failures.push((
								mintable,
								fraction,
								bonds,
								rounds,
								owed,
								pool.unpaid_rewards,
							));
						}
						// Everyone claims its whole value.
						for who in [T1, D1, D2, D3] {
							let value = stake(who);
							assert_ok!(Staking::claim_earnings(origin(who)));
							assert_eq!(held(who), value);
						}
					});
				}
			}
		}
	}
	assert!(failures.is_empty(), "(mintable, slash %, bonds, rounds, owed, unpaid): {failures:?}");
}

#[test]
fn transcoders_out_of_the_active_set_are_still_paid_for_past_work() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 40);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		// Two stronger transcoders keep T1 out of the active set of round 1.
		register(T2, 5_000, 0, 40);
		register(T3, 5_000, 0, 40);
		next_round();
		assert_eq!(active(), vec![T2, T3]);
		// Registered but not active: its registered terms apply (40% to the pool, where T1 and
		// D1, bonded in an earlier round, hold half each).
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 100));
		assert_eq!((fees(T1), fees(D1)), (60 + 20, 20));
		next_round();
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 100));
		assert_eq!((fees(T1), fees(D1)), (160, 40));
		// Resigned: its terms are gone, the whole fee goes to it.
		assert_ok!(Staking::resign_transcoder(origin(T1)));
		next_round();
		assert!(!active().contains(&T1));
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 50));
		assert_eq!((fees(T1), fees(D1)), (160 + 50, 40));
		// Never a transcoder: refused.
		assert_noop!(
			<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &D2, 10),
			Error::<Test>::TranscoderNotActive
		);
	});
}

#[test]
fn the_deactivation_hook_hears_of_resignation_eviction_slash_and_dropping_out() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		Deactivated::take();
		register(T1, 1_000, 0, 0);
		register(T2, 2_000, 0, 0);
		next_round();
		assert_eq!(active(), vec![T2, T1]);
		assert!(Deactivated::get().is_empty());
		// Resigning tells at once; the round start does not tell again.
		assert_ok!(Staking::resign_transcoder(origin(T1)));
		assert_eq!(Deactivated::take(), vec![T1]);
		next_round();
		assert_eq!(active(), vec![T2]);
		assert!(Deactivated::get().is_empty());
		// A slash resigns.
		<Staking as Slashing<u64, u64>>::slash(&T2, pct(10), None, pct(0));
		assert_eq!(Deactivated::take(), vec![T2]);
	});
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		Deactivated::take();
		register(T1, 1_000, 0, 0);
		register(T2, 2_000, 0, 0);
		next_round();
		// A stronger newcomer pushes T1 out of the two-seat active set at the next round.
		register(T3, 3_000, 0, 0);
		assert!(Deactivated::get().is_empty());
		next_round();
		assert_eq!(active(), vec![T3, T2]);
		assert_eq!(Deactivated::take(), vec![T1]);
	});
}

// ---------------------------------------------------------------------------------------------
// Releasing all stake of a banned account (pallet-reporting)
// ---------------------------------------------------------------------------------------------

#[test]
fn release_all_frees_bond_locks_and_fees_of_a_delegator() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 50);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		assert_ok!(Staking::unbond(origin(D1), 400));
		next_round();
		next_round();
		// 200 in fees, half of them to the 1_600 earning stake: D1 gets 600/1600 of 100.
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 200));
		<Staking as Slashing<u64, u64>>::slash(&T1, pct(25), None, pct(0));
		let issuance = Balances::total_issuance();
		let total_bonded = TotalBonded::<Test>::get();
		// bond 600 → 450 after the slash, lock 400 → 300, fees 37.
		assert_eq!(Staking::release_all(&D1), Ok(450 + 300 + 37));
		assert_eq!(held(D1), 0);
		assert_eq!(free(D1), INITIAL_BALANCE - 1_000 + 450 + 300 + 37);
		assert!(Delegators::<Test>::get(D1).is_none());
		assert_eq!(UnbondingLocks::<Test>::iter_prefix(D1).count(), 0);
		assert_eq!(TotalBonded::<Test>::get(), total_bonded - 450);
		assert_eq!(Pools::<Test>::get(T1).earning, 750);
		// Slashed principal was burned, nothing else.
		assert_eq!(Balances::total_issuance(), issuance - 150 - 100);
		assert!(events().contains(&Event::StakeReleased { who: D1, amount: 787 }));
		// Nothing left: a second call releases nothing.
		assert_eq!(Staking::release_all(&D1), Ok(0));
		assert_eq!(Staking::release_all(&NOBODY), Ok(0));
	});
}

#[test]
fn release_all_resigns_a_transcoder() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		next_round();
		assert_eq!(active(), vec![T1]);
		Deactivated::take();
		assert_eq!(Staking::release_all(&T1), Ok(1_000));
		assert_eq!(free(T1), INITIAL_BALANCE);
		assert!(!Transcoders::<Test>::contains_key(T1));
		assert!(!Candidates::<Test>::get().contains(&T1));
		assert_eq!(Deactivated::get(), vec![T1]);
		assert_eq!(TotalBonded::<Test>::get(), 500);
		next_round();
		assert!(active().is_empty());
		// The delegator keeps its bond.
		assert_eq!(stake(D1), 500);
	});
}

// ---------------------------------------------------------------------------------------------
// Issue 12, item 1: a finder fee never exceeds what the offender itself lost
// ---------------------------------------------------------------------------------------------

#[test]
fn item1_finder_fee_is_capped_at_the_transcoders_own_slash() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		assert_ok!(Staking::bond(origin(D1), 99_000, T1));
		let issuance = Balances::total_issuance();
		assert_eq!(
			<Staking as Slashing<u64, u64>>::slash(&T1, pct(10), Some(FINDER), pct(5)),
			10_000
		);
		// T1 itself lost 100 of its 1_000: the finder gets 5% of that, not of the pool's 10_000.
		assert_eq!(free(FINDER), 5);
		assert!(events().contains(&Event::Slashed {
			transcoder: T1,
			fraction: pct(10),
			slashed: 10_000,
			burned_from_pot: 0,
			finder: Some(FINDER),
			finder_reward: 5
		}));
		assert_ok!(Staking::claim_earnings(origin(T1)));
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert_eq!(Balances::total_issuance(), issuance + 5 - 10_000);

		// A pool without a bond of its transcoder's own pays no finder fee at all.
		assert_ok!(Staking::bond(origin(T2), 500, T2));
		assert_ok!(Staking::register_transcoder(origin(T2), pct(0), pct(0), 1, uri(b"")));
		assert_ok!(Staking::bond(origin(D2), 5_000, T2));
		assert_ok!(Staking::unbond(origin(T2), 500));
		assert_eq!(
			<Staking as Slashing<u64, u64>>::slash(&T2, pct(50), Some(FINDER), pct(5)),
			2_500
		);
		assert_eq!(free(FINDER), 5);
	});
}

// ---------------------------------------------------------------------------------------------
// Issue 12, item 1: an exposed transcoder's own bond stays in its pool
// ---------------------------------------------------------------------------------------------

#[test]
fn item1_an_exposed_transcoder_cannot_move_unbond_or_rebond_its_own_bond_elsewhere() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		register(T2, 1_000, 0, 0);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		// Two locks of T1's own pool, unbonded before the exposure.
		assert_ok!(Staking::unbond(origin(T1), 200));
		assert_ok!(Staking::unbond(origin(T1), 100));
		set_exposed(T1, true);

		// Resigning is possible (no more jobs, seats or rounds) but frees nothing.
		assert_ok!(Staking::resign_transcoder(origin(T1)));
		assert_noop!(Staking::bond(origin(T1), 0, T2), Error::<Test>::ExposedToSlash);
		assert_noop!(Staking::bond(origin(T1), 10, T2), Error::<Test>::ExposedToSlash);
		assert_noop!(Staking::unbond(origin(T1), 100), Error::<Test>::ExposedToSlash);
		assert_noop!(Staking::unbond(origin(T1), 700), Error::<Test>::ExposedToSlash);
		assert_noop!(Staking::rebond_to(origin(T1), T2, 0), Error::<Test>::ExposedToSlash);
		// It may add to its own bond and rebond its own locks to itself ...
		assert_ok!(Staking::bond(origin(T1), 100, T1));
		assert_ok!(Staking::rebond(origin(T1), 0));
		assert_eq!(stake(T1), 1_000);
		// ... and withdraw a matured lock (unbonded before the exposure began).
		run_to_round(UNBONDING_PERIOD);
		assert_ok!(Staking::withdraw_unbonded(origin(T1), 1));
		// Its delegators are not held back.
		assert_ok!(Staking::bond(origin(D1), 0, T2));

		// The slash reaches all of T1's own bond.
		<Staking as Slashing<u64, u64>>::slash(&T1, pct(10), Some(FINDER), pct(5));
		assert_eq!(stake(T1), 900);
		assert_eq!(free(FINDER), 5);
		set_exposed(T1, false);
		assert_ok!(Staking::bond(origin(T1), 0, T2));
		assert_eq!((stake(T1), held(T1)), (900, 900));
	});
}

#[test]
fn item1_exposure_is_asked_only_about_the_own_bond_and_weighed() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		register(T2, 1_000, 0, 0);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		// A delegator's exposure (as a transcoder elsewhere, say) does not hold its delegation.
		set_exposed(D1, true);
		assert_ok!(Staking::unbond(origin(D1), 100));
		assert_ok!(Staking::rebond_to(origin(D1), T2, 0));
		assert_ok!(Staking::bond(origin(D1), 0, T1));
		// The calls that may ask are weighed with the question.
		use crate::WeightInfo;
		let extra = <TestExposure as crate::SlashExposure<u64>>::exposed_weight();
		let weight = |call: crate::Call<Test>| call.get_dispatch_info().call_weight;
		assert_eq!(
			weight(crate::Call::bond { amount: 1, transcoder: T1 }),
			<() as WeightInfo>::bond() + extra
		);
		assert_eq!(
			weight(crate::Call::rebond { lock_id: 0 }),
			<() as WeightInfo>::rebond() + extra
		);
		assert_eq!(
			weight(crate::Call::rebond_to { transcoder: T1, lock_id: 0 }),
			<() as WeightInfo>::rebond_to() + extra
		);
		assert!(weight(crate::Call::unbond { amount: 1 })
			.all_gte(<() as WeightInfo>::unbond(MAX_TRANSCODERS) + extra));
	});
}

/// Issue 12, low items: a banned account (pallet-reporting's ban list, `BannedAccounts`) may not
/// bond, rebond or register as a transcoder; once the ban is lifted it may again.
#[test]
fn low_bans_a_banned_account_cannot_bond_rebond_or_register() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		assert_ok!(Staking::bond(origin(T2), 500, T2));
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		assert_ok!(Staking::unbond(origin(D1), 100));
		BannedList::set(vec![D1, D2, T2]);
		assert_noop!(Staking::bond(origin(D1), 100, T1), Error::<Test>::AccountBanned);
		assert_noop!(Staking::bond(origin(D2), 100, T1), Error::<Test>::AccountBanned);
		assert_noop!(Staking::bond(origin(T2), 100, T2), Error::<Test>::AccountBanned);
		assert_noop!(Staking::rebond(origin(D1), 0), Error::<Test>::AccountBanned);
		assert_noop!(Staking::rebond_to(origin(D1), T1, 0), Error::<Test>::AccountBanned);
		assert_noop!(
			Staking::register_transcoder(origin(T2), pct(10), pct(50), 5, uri(b"https://t2")),
			Error::<Test>::AccountBanned
		);
		BannedList::set(vec![]);
		assert_ok!(Staking::rebond(origin(D1), 0));
		assert_ok!(Staking::register_transcoder(
			origin(T2),
			pct(10),
			pct(50),
			5,
			uri(b"https://t2")
		));
	});
}

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

/// Issue 12, low items: the consequence of a slash is proportional. A slash below
/// `ResignSlashThreshold` (a missed vote) only takes stake: the transcoder stays registered and
/// active. One at or above it resigns the transcoder, which may register again only from
/// `SlashCooldown` rounds after the slash's round.
#[test]
fn low_slash_consequence_small_slashes_keep_the_transcoder_large_ones_resign_it_for_a_while() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		ResignThreshold::set(pct(5));
		SlashCooldownRounds::set(3);
		register(T1, 1_000, 0, 50);
		next_round();
		assert_eq!(active(), vec![T1]);
		// 1%: stake only.
		assert_eq!(<Staking as Slashing<u64, u64>>::slash(&T1, pct(1), None, pct(0)), 10);
		assert!(Transcoders::<Test>::contains_key(T1));
		next_round();
		assert_eq!(active(), vec![T1]);
		// 5%: resigned, out of the next round, and kept out for two more rounds.
		<Staking as Slashing<u64, u64>>::slash(&T1, pct(5), None, pct(0));
		assert!(!Transcoders::<Test>::contains_key(T1));
		let round = crate::CurrentRound::<Test>::get().index;
		assert_eq!(crate::RegisterCooldown::<Test>::get(T1), Some(round + 3));
		next_round();
		assert!(active().is_empty());
		let again = || {
			Staking::register_transcoder(origin(T1), pct(0), pct(50), 5, uri(b"https://t.example"))
		};
		assert_noop!(again(), Error::<Test>::SlashCooldown);
		next_round();
		assert_noop!(again(), Error::<Test>::SlashCooldown);
		next_round();
		assert_ok!(again());
		assert_eq!(crate::RegisterCooldown::<Test>::get(T1), None);
	});
}

// ---------------------------------------------------------------------------------------------
// Storage that only grows (issue 12, low): pools and epoch ends leave with their last reference
// ---------------------------------------------------------------------------------------------

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
