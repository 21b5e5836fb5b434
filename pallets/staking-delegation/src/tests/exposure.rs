//! Issue 12, item 1: an exposed transcoder's own bond stays in its pool.

use super::*;

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
