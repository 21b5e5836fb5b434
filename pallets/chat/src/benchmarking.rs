//! Benchmarks of pallet-chat. Each call touches a fixed number of storage items; the worst case
//! of each is set up (a chat key to replace or revoke, a stream to look up).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::arithmetic_side_effects)]

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::RawOrigin;
use sp_runtime::Saturating;

fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	let amount = T::Deposit::get().saturating_mul(100u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

fn with_allowance<T: Config>(name: &'static str) -> T::AccountId {
	let who = funded::<T>(name);
	Pallet::<T>::take_allowance(RawOrigin::Signed(who.clone()).into()).unwrap();
	who
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn take_allowance() {
		let who = funded::<T>("viewer");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(Allowances::<T>::contains_key(&who));
	}

	// Worst case: a chat key to revoke as well.
	#[benchmark]
	fn give_up_allowance() {
		let who = with_allowance::<T>("viewer");
		Pallet::<T>::set_chat_key(RawOrigin::Signed(who.clone()).into(), [42; 32]).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Allowances::<T>::contains_key(&who));
		assert!(!ChatKeys::<T>::contains_key([42; 32]));
	}

	// Worst case: a previous key to replace.
	#[benchmark]
	fn set_chat_key() {
		let who = with_allowance::<T>("viewer");
		Pallet::<T>::set_chat_key(RawOrigin::Signed(who.clone()).into(), [42; 32]).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), [43; 32]);

		assert_eq!(ChatKeys::<T>::get([43; 32]), Some(who));
		assert!(!ChatKeys::<T>::contains_key([42; 32]));
	}

	#[benchmark]
	fn remove_chat_key() {
		let who = with_allowance::<T>("viewer");
		Pallet::<T>::set_chat_key(RawOrigin::Signed(who.clone()).into(), [42; 32]).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!ChatKeys::<T>::contains_key([42; 32]));
	}

	#[benchmark]
	fn mute() {
		let owner = funded::<T>("broadcaster");
		let stream = T::BenchmarkHelper::create_stream(&owner);
		let target: T::AccountId = account("viewer", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), stream, target.clone());

		assert!(Muted::<T>::contains_key(stream, &target));
	}

	#[benchmark]
	fn unmute() {
		let owner = funded::<T>("broadcaster");
		let stream = T::BenchmarkHelper::create_stream(&owner);
		let target: T::AccountId = account("viewer", 0, 0);
		Pallet::<T>::mute(RawOrigin::Signed(owner.clone()).into(), stream, target.clone()).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), stream, target.clone());

		assert!(!Muted::<T>::contains_key(stream, &target));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
