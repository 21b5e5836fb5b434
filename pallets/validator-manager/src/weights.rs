//! Weights of `pallet_validator_manager`.
//!
//! Not measured yet: these are conservative estimates (a session-key lookup, the set read and
//! written, the change flag written) until `scripts/bench.sh pallets/validator-manager` replaces
//! this file with measured figures. The benchmarks are in `benchmarking.rs`.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// What each call of `pallet_validator_manager` costs.
pub trait WeightInfo {
	fn add_validator(v: u32, ) -> Weight;
	fn remove_validator(v: u32, ) -> Weight;
}

/// Estimated weights, priced with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Session::NextKeys` (r:1 w:0)
	/// Storage: `ValidatorManager::Validators` (r:1 w:1)
	/// Storage: `ValidatorManager::SetChanged` (r:0 w:1)
	/// The range of component `v` is `[1, 32]`.
	fn add_validator(v: u32, ) -> Weight {
		Weight::from_parts(30_000_000, 3_600)
			.saturating_add(Weight::from_parts(200_000, 32).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `ValidatorManager::Validators` (r:1 w:1)
	/// Storage: `ValidatorManager::SetChanged` (r:0 w:1)
	/// The range of component `v` is `[2, 32]`.
	fn remove_validator(v: u32, ) -> Weight {
		Weight::from_parts(25_000_000, 1_500)
			.saturating_add(Weight::from_parts(200_000, 32).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

/// For tests: the same estimates priced with ParityDB's weights.
impl WeightInfo for () {
	fn add_validator(v: u32, ) -> Weight {
		Weight::from_parts(30_000_000, 3_600)
			.saturating_add(Weight::from_parts(200_000, 32).saturating_mul(v.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn remove_validator(v: u32, ) -> Weight {
		Weight::from_parts(25_000_000, 1_500)
			.saturating_add(Weight::from_parts(200_000, 32).saturating_mul(v.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
}
