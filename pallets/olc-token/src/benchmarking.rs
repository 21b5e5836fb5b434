//! Benchmarks of pallet-olc-token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::arithmetic_side_effects)]

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	Get,
};
use frame_system::RawOrigin;
use sp_runtime::Saturating;

#[benchmarks]
mod benchmarks {
	use super::*;

	// The worst case: the longest nickname and message (UTF-8 validation is linear in them) and a
	// recipient account that has to be created.
	#[benchmark]
	fn tip() {
		let caller: T::AccountId = whitelisted_caller();
		let to: T::AccountId = account("broadcaster", 0, 0);
		let ed = T::Currency::minimum_balance();
		let amount = T::MinTip::get().max(ed).saturating_mul(10u32.into());
		T::Currency::set_balance(&caller, amount.saturating_mul(100u32.into()));
		let nickname: Nickname = "昵".repeat(10).into_bytes().try_into().unwrap();
		let message: Message = "好".repeat(46).into_bytes().try_into().unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), to.clone(), amount, 3, nickname, message);

		assert_eq!(T::Currency::balance(&to), amount);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::raw_test_ext(), crate::mock::Test);
}
