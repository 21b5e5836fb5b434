//! Benchmarks of pallet-validator-manager. Both calls scan the set: `v` is its size before the
//! call; the worst case adds at the end and removes the last validator of a full set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::arithmetic_side_effects)]

use super::*;
use frame_benchmarking::v2::*;
use frame_support::{traits::EnsureOrigin, BoundedVec};

/// Fills the set with `count` accounts (with session keys).
fn fill<T: Config>(count: u32) -> Vec<T::AccountId> {
	let accounts: Vec<T::AccountId> = (0..count).map(|i| account("validator", i, 0)).collect();
	for who in &accounts {
		T::BenchmarkHelper::register_keys(who);
	}
	Validators::<T>::put(BoundedVec::try_from(accounts.clone()).unwrap());
	accounts
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_validator(v: Linear<1, { T::MaxValidators::get() - 1 }>) {
		fill::<T>(v);
		let who: T::AccountId = account("new", 0, 0);
		T::BenchmarkHelper::register_keys(&who);
		let origin = T::ManagerOrigin::try_successful_origin().unwrap();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(Validators::<T>::get().contains(&who));
	}

	#[benchmark]
	fn remove_validator(v: Linear<{ T::MinValidators::get() + 1 }, { T::MaxValidators::get() }>) {
		let accounts = fill::<T>(v);
		let who = accounts.last().unwrap().clone();
		let origin = T::ManagerOrigin::try_successful_origin().unwrap();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(!Validators::<T>::get().contains(&who));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
