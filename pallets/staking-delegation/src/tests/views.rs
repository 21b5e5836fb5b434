//! Runtime API views, rounding, pay for past work and the deactivation hook.

use super::*;

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
