//! Weights of `pallet_chat`.
//!
//! NOT YET MEASURED: estimates written by hand from the storage each call touches (reads and
//! writes priced by the runtime's `DbWeight`) and a generous execution time, until
//! `scripts/bench.sh pallets/chat` regenerates this file from the benchmarks in
//! `benchmarking.rs`. Regenerate after changing a call or its benchmark; do not edit by hand
//! afterwards.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// What each call of `pallet_chat` costs.
pub trait WeightInfo {
	fn take_allowance() -> Weight;
	fn give_up_allowance() -> Weight;
	fn set_chat_key() -> Weight;
	fn remove_chat_key() -> Weight;
	fn mute() -> Weight;
	fn unmute() -> Weight;
}

/// Estimated weights, priced with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn take_allowance() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn give_up_allowance() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	fn set_chat_key() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	fn remove_chat_key() -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn mute() -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn unmute() -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

/// The same estimates priced with ParityDB weights, for tests and mocks.
impl WeightInfo for () {
	fn take_allowance() -> Weight { Weight::from_parts(60_000_000, 4_000).saturating_add(ParityDbWeight::get().reads_writes(5, 4)) }
	fn give_up_allowance() -> Weight { Weight::from_parts(60_000_000, 4_000).saturating_add(ParityDbWeight::get().reads_writes(3, 6)) }
	fn set_chat_key() -> Weight { Weight::from_parts(50_000_000, 4_000).saturating_add(ParityDbWeight::get().reads_writes(5, 5)) }
	fn remove_chat_key() -> Weight { Weight::from_parts(40_000_000, 4_000).saturating_add(ParityDbWeight::get().reads_writes(1, 3)) }
	fn mute() -> Weight { Weight::from_parts(40_000_000, 4_000).saturating_add(ParityDbWeight::get().reads_writes(2, 1)) }
	fn unmute() -> Weight { Weight::from_parts(40_000_000, 4_000).saturating_add(ParityDbWeight::get().reads_writes(2, 1)) }
}
