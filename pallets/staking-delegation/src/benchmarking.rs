//! Benchmarks of pallet-staking-delegation: every call in its worst case, the round start, and
//! the fee and slashing entry points other pallets use.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::arithmetic_side_effects)]

use super::*;
use crate::pallet::{
	ActiveSet, Candidates, CurrentRound, Delegators, Pools, RoundLength, Transcoders,
	UnbondingLocks,
};
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	Get, Hooks,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

/// A unit of stake well above the existential deposit and the minimum self-bond.
fn unit<T: Config>() -> BalanceOf<T> {
	T::MinSelfBond::get()
		.max(T::Currency::minimum_balance())
		.max(1u32.into())
		.saturating_mul(10u32.into())
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, unit::<T>().saturating_mul(1_000_000u32.into()));
	who
}

fn uri() -> ServiceUri {
	alloc::vec![b'u'; MAX_SERVICE_URI_LEN as usize].try_into().unwrap()
}

/// Bonds `stake` units to itself and registers.
fn transcoder<T: Config>(index: u32, stake: u32) -> T::AccountId {
	let who = funded::<T>("transcoder", index);
	Pallet::<T>::bond(
		RawOrigin::Signed(who.clone()).into(),
		unit::<T>().saturating_mul(stake.into()),
		who.clone(),
	)
	.unwrap();
	register::<T>(&who);
	who
}

/// Registers `who` (already bonded to itself) with the benchmarks' fee shares and URI.
fn register<T: Config>(who: &T::AccountId) {
	Pallet::<T>::register_transcoder(
		RawOrigin::Signed(who.clone()).into(),
		Perbill::from_percent(10),
		Perbill::from_percent(50),
		1u32.into(),
		uri(),
	)
	.unwrap();
}

/// Runs blocks to the start of the next round.
fn next_round<T: Config>() {
	let start = CurrentRound::<T>::get()
		.start
		.saturating_add(RoundLength::<T>::get().max(1u32.into()));
	frame_system::Pallet::<T>::set_block_number(start);
	Pallet::<T>::on_initialize(start);
}

fn setup<T: Config>() {
	Pallet::<T>::ensure_pot();
	// Short rounds keep the setup cheap; the length does not change any call's cost.
	RoundLength::<T>::put(BlockNumberFor::<T>::from(10u32));
}

/// A delegator with earning stake, pending stake that started earning, fees, rewards and a
/// slash to settle: the most work a settlement does.
fn delegator_with_everything_to_settle<T: Config>(
	transcoder: &T::AccountId,
	name: &'static str,
) -> T::AccountId {
	let delegator = funded::<T>(name, 0);
	let payer = funded::<T>("payer", 0);
	// Earning stake (the transcoder is not active yet).
	if !Pallet::<T>::is_active(transcoder) {
		Pallet::<T>::bond(
			RawOrigin::Signed(delegator.clone()).into(),
			unit::<T>(),
			transcoder.clone(),
		)
		.unwrap();
		next_round::<T>();
	}
	// Pending stake, earning from the next round.
	Pallet::<T>::bond(RawOrigin::Signed(delegator.clone()).into(), unit::<T>(), transcoder.clone())
		.unwrap();
	<Pallet<T> as TranscoderFees<_, _>>::add_fees(&payer, transcoder, unit::<T>()).unwrap();
	next_round::<T>();
	<Pallet<T> as TranscoderFees<_, _>>::add_fees(&payer, transcoder, unit::<T>()).unwrap();
	// A slash after the pending stake started earning. Whether it resigns the transcoder
	// depends on `ResignSlashThreshold` (the runtime's 5% keeps it registered, the mock's zero
	// resigns it): register again only if it did.
	<Pallet<T> as Slashing<_, _>>::slash(
		transcoder,
		Perbill::from_percent(1),
		None,
		Perbill::zero(),
	);
	if !Transcoders::<T>::contains_key(transcoder) {
		register::<T>(transcoder);
	}
	delegator
}

#[benchmarks]
mod benchmarks {
	use super::*;

	// Worst case: the transcoder pool is full and the newcomer evicts the weakest.
	#[benchmark]
	fn register_transcoder(c: Linear<0, { T::MaxTranscoders::get() }>) {
		setup::<T>();
		for i in 0..c {
			transcoder::<T>(i, 1 + i);
		}
		let caller = funded::<T>("caller", 0);
		Pallet::<T>::bond(
			RawOrigin::Signed(caller.clone()).into(),
			unit::<T>().saturating_mul((c + 10).into()),
			caller.clone(),
		)
		.unwrap();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller.clone()),
			Perbill::from_percent(5),
			Perbill::from_percent(5),
			1u32.into(),
			uri(),
		);

		assert!(Transcoders::<T>::contains_key(&caller));
		assert!(Candidates::<T>::get().contains(&caller));
	}

	#[benchmark]
	fn update_transcoder() {
		setup::<T>();
		let who = transcoder::<T>(0, 1);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(who.clone()),
			Perbill::from_percent(20),
			Perbill::from_percent(30),
			2u32.into(),
			uri(),
		);

		assert_eq!(
			Transcoders::<T>::get(&who).unwrap().terms.reward_cut,
			Perbill::from_percent(20)
		);
	}

	#[benchmark]
	fn resign_transcoder(c: Linear<1, { T::MaxTranscoders::get() }>) {
		setup::<T>();
		for i in 1..c {
			transcoder::<T>(i, 1);
		}
		let who = transcoder::<T>(0, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Transcoders::<T>::contains_key(&who));
	}

	// Worst case: settles everything and moves the whole bond to another active transcoder.
	#[benchmark]
	fn bond() {
		setup::<T>();
		let from = transcoder::<T>(0, 1);
		let to = transcoder::<T>(1, 1);
		let delegator = delegator_with_everything_to_settle::<T>(&from, "delegator");
		assert!(Pallet::<T>::is_active(&to));

		#[extrinsic_call]
		_(RawOrigin::Signed(delegator.clone()), unit::<T>(), to.clone());

		assert_eq!(Delegators::<T>::get(&delegator).unwrap().transcoder, to);
	}

	// Worst case: a transcoder unbonding all of its self-bond, which resigns it.
	#[benchmark]
	fn unbond(c: Linear<1, { T::MaxTranscoders::get() }>) {
		setup::<T>();
		for i in 1..c {
			transcoder::<T>(i, 1);
		}
		let who = transcoder::<T>(0, 1);
		next_round::<T>();
		let stake = Pallet::<T>::delegator_view(&who).unwrap().stake;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), stake);

		assert!(!Transcoders::<T>::contains_key(&who));
		assert!(UnbondingLocks::<T>::contains_key(&who, 0));
	}

	// Worst case: a slashed lock, settling the bond it returns to.
	#[benchmark]
	fn rebond() {
		setup::<T>();
		let t = transcoder::<T>(0, 1);
		let delegator = delegator_with_everything_to_settle::<T>(&t, "delegator");
		Pallet::<T>::unbond(RawOrigin::Signed(delegator.clone()).into(), unit::<T>()).unwrap();
		<Pallet<T> as Slashing<_, _>>::slash(&t, Perbill::from_percent(1), None, Perbill::zero());
		// Registered again if the slash resigned it (`ResignSlashThreshold`).
		if !Transcoders::<T>::contains_key(&t) {
			register::<T>(&t);
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(delegator.clone()), 0);

		assert!(!UnbondingLocks::<T>::contains_key(&delegator, 0));
	}

	// Worst case: a slashed lock, and the whole bond moving to another transcoder.
	#[benchmark]
	fn rebond_to() {
		setup::<T>();
		let from = transcoder::<T>(0, 1);
		let to = transcoder::<T>(1, 1);
		let delegator = delegator_with_everything_to_settle::<T>(&from, "delegator");
		Pallet::<T>::unbond(RawOrigin::Signed(delegator.clone()).into(), unit::<T>()).unwrap();
		<Pallet<T> as Slashing<_, _>>::slash(
			&from,
			Perbill::from_percent(1),
			None,
			Perbill::zero(),
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(delegator.clone()), to.clone(), 0);

		assert_eq!(Delegators::<T>::get(&delegator).unwrap().transcoder, to);
	}

	// Worst case: a slashed lock, the last reference to the pool of a transcoder that left:
	// the lock, the account record and the pool leave storage.
	#[benchmark]
	fn withdraw_unbonded() {
		setup::<T>();
		let t = transcoder::<T>(0, 1);
		let delegator = funded::<T>("delegator", 0);
		Pallet::<T>::bond(RawOrigin::Signed(delegator.clone()).into(), unit::<T>(), t.clone())
			.unwrap();
		Pallet::<T>::unbond(RawOrigin::Signed(delegator.clone()).into(), unit::<T>()).unwrap();
		// The transcoder leaves: its whole self-bond unbonds (resigning it).
		let own = Pallet::<T>::delegator_view(&t).unwrap().stake;
		Pallet::<T>::unbond(RawOrigin::Signed(t.clone()).into(), own).unwrap();
		<Pallet<T> as Slashing<_, _>>::slash(&t, Perbill::from_percent(1), None, Perbill::zero());
		for _ in 0..T::UnbondingPeriod::get() {
			next_round::<T>();
		}
		Pallet::<T>::withdraw_unbonded(RawOrigin::Signed(t.clone()).into(), 0).unwrap();
		assert!(Pools::<T>::contains_key(&t));

		#[extrinsic_call]
		_(RawOrigin::Signed(delegator.clone()), 0);

		assert!(!UnbondingLocks::<T>::contains_key(&delegator, 0));
		assert!(!Pools::<T>::contains_key(&t));
	}

	// Ten rounds pass before the claim; its cost does not depend on how many (see the test
	// `claim_earnings_weight_does_not_depend_on_the_rounds_elapsed`).
	#[benchmark]
	fn claim_earnings() {
		setup::<T>();
		let t = transcoder::<T>(0, 1);
		let delegator = delegator_with_everything_to_settle::<T>(&t, "delegator");
		for _ in 0..10 {
			next_round::<T>();
		}
		let before = Pallet::<T>::delegator_view(&delegator).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(delegator.clone()));

		let after = Delegators::<T>::get(&delegator).unwrap();
		assert_eq!(after.bonded.saturating_add(after.pending), before.stake);
	}

	#[benchmark]
	fn withdraw_fees() {
		setup::<T>();
		let t = transcoder::<T>(0, 1);
		let delegator = delegator_with_everything_to_settle::<T>(&t, "delegator");
		let fees = Pallet::<T>::delegator_view(&delegator).unwrap().fees;
		assert!(!fees.is_zero());

		#[extrinsic_call]
		_(RawOrigin::Signed(delegator.clone()), fees);

		assert!(Delegators::<T>::get(&delegator).unwrap().fees.is_zero());
	}

	// `c` registered transcoders, all previously active ones with pending stake to activate
	// and a reward cut to bond.
	#[benchmark]
	fn start_round(c: Linear<1, { T::MaxTranscoders::get() }>) {
		setup::<T>();
		let transcoders: alloc::vec::Vec<_> = (0..c).map(|i| transcoder::<T>(i, 1 + i)).collect();
		next_round::<T>();
		for (i, t) in transcoders.iter().enumerate() {
			if Pallet::<T>::is_active(t) {
				let delegator = funded::<T>("delegator", i as u32);
				Pallet::<T>::bond(RawOrigin::Signed(delegator).into(), unit::<T>(), t.clone())
					.unwrap();
			}
		}
		let start = CurrentRound::<T>::get().start.saturating_add(RoundLength::<T>::get());
		frame_system::Pallet::<T>::set_block_number(start);
		let round = CurrentRound::<T>::get().index;

		#[block]
		{
			let _weight = Pallet::<T>::start_round(start);
		}

		assert_eq!(CurrentRound::<T>::get().index, round + 1);
		assert!(!ActiveSet::<T>::get().is_empty());
	}

	#[benchmark]
	fn add_fees() {
		setup::<T>();
		let t = transcoder::<T>(0, 1);
		let delegator = funded::<T>("delegator", 0);
		Pallet::<T>::bond(RawOrigin::Signed(delegator).into(), unit::<T>(), t.clone()).unwrap();
		next_round::<T>();
		let payer = funded::<T>("payer", 0);
		let before = Pools::<T>::get(&t).factors.fee;

		#[block]
		{
			<Pallet<T> as TranscoderFees<_, _>>::add_fees(&payer, &t, unit::<T>()).unwrap();
		}

		assert!(Pools::<T>::get(&t).factors.fee > before);
	}

	// Worst case: a finder to pay, rewards in the pot to burn, a registered transcoder to
	// resign among `c`.
	#[benchmark]
	fn slash(c: Linear<1, { T::MaxTranscoders::get() }>) {
		setup::<T>();
		for i in 1..c {
			transcoder::<T>(i, 1);
		}
		let t = transcoder::<T>(0, 100);
		let delegator = funded::<T>("delegator", 0);
		Pallet::<T>::bond(RawOrigin::Signed(delegator).into(), unit::<T>(), t.clone()).unwrap();
		next_round::<T>();
		let finder: T::AccountId = account("finder", 0, 0);

		#[block]
		{
			<Pallet<T> as Slashing<_, _>>::slash(
				&t,
				Perbill::from_percent(10),
				Some(finder.clone()),
				Perbill::from_percent(10),
			);
		}

		assert!(!Transcoders::<T>::contains_key(&t));
		assert!(!T::Currency::balance(&finder).is_zero());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
