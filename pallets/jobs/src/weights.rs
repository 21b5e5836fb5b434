//! Weights of `pallet_jobs`.
//!
//! PLACEHOLDER NUMBERS, NOT MEASURED: estimated from the storage accesses of each call and the
//! size of comparable pallet-staking-delegation measurements, until the lead regenerates this
//! file with `olc-node benchmark pallet --pallet pallet_jobs` (scripts/bench.sh). The benchmarks
//! in `benchmarking.rs` cover every function here.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// What each call and hook of `pallet_jobs` costs.
pub trait WeightInfo {
	fn create_stream() -> Weight;
	fn create_job() -> Weight;
	fn cancel_job() -> Weight;
	fn top_up() -> Weight;
	fn end_job() -> Weight;
	fn claim_work() -> Weight;
	fn distribute_fees() -> Weight;
	fn end_stream(j: u32, ) -> Weight;
	fn ban_stream(j: u32, ) -> Weight;
	fn on_initialize_idle() -> Weight;
	fn on_initialize_election(c: u32, ) -> Weight;
	fn on_initialize_payout() -> Weight;
	fn on_transcoder_deactivated(j: u32, ) -> Weight;
}

/// Placeholder weights priced with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create_stream() -> Weight {
		Weight::from_parts(30_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn create_job() -> Weight {
		Weight::from_parts(90_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn cancel_job() -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn top_up() -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn end_job() -> Weight {
		Weight::from_parts(70_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	fn claim_work() -> Weight {
		Weight::from_parts(90_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	fn distribute_fees() -> Weight {
		Weight::from_parts(150_000_000, 9_000)
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn end_stream(j: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(Weight::from_parts(60_000_000, 3_000).saturating_mul(j.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((4_u64).saturating_mul(j.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(j.into())))
	}
	fn ban_stream(j: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(Weight::from_parts(60_000_000, 3_000).saturating_mul(j.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((4_u64).saturating_mul(j.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(j.into())))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(8_000_000, 1_500)
			.saturating_add(T::DbWeight::get().reads(5_u64))
	}
	fn on_initialize_election(c: u32, ) -> Weight {
		Weight::from_parts(50_000_000, 6_000)
			.saturating_add(Weight::from_parts(5_000_000, 2_600).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn on_initialize_payout() -> Weight {
		Weight::from_parts(150_000_000, 9_000)
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn on_transcoder_deactivated(j: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 3_000)
			.saturating_add(Weight::from_parts(25_000_000, 3_000).saturating_mul(j.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(j.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(j.into())))
	}
}

/// The same placeholders priced with ParityDB weights, for tests and mocks.
impl WeightInfo for () {
	fn create_stream() -> Weight {
		Weight::from_parts(30_000_000, 3_600)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn create_job() -> Weight {
		Weight::from_parts(90_000_000, 6_000)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(8_u64))
	}
	fn cancel_job() -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn top_up() -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn end_job() -> Weight {
		Weight::from_parts(70_000_000, 6_000)
			.saturating_add(ParityDbWeight::get().reads(5_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
	fn claim_work() -> Weight {
		Weight::from_parts(90_000_000, 6_000)
			.saturating_add(ParityDbWeight::get().reads(5_u64))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
	}
	fn distribute_fees() -> Weight {
		Weight::from_parts(150_000_000, 9_000)
			.saturating_add(ParityDbWeight::get().reads(10_u64))
			.saturating_add(ParityDbWeight::get().writes(8_u64))
	}
	fn end_stream(j: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(Weight::from_parts(60_000_000, 3_000).saturating_mul(j.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().reads((4_u64).saturating_mul(j.into())))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
			.saturating_add(ParityDbWeight::get().writes((4_u64).saturating_mul(j.into())))
	}
	fn ban_stream(j: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(Weight::from_parts(60_000_000, 3_000).saturating_mul(j.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().reads((4_u64).saturating_mul(j.into())))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
			.saturating_add(ParityDbWeight::get().writes((4_u64).saturating_mul(j.into())))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(8_000_000, 1_500)
			.saturating_add(ParityDbWeight::get().reads(5_u64))
	}
	fn on_initialize_election(c: u32, ) -> Weight {
		Weight::from_parts(50_000_000, 6_000)
			.saturating_add(Weight::from_parts(5_000_000, 2_600).saturating_mul(c.into()))
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(c.into())))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn on_initialize_payout() -> Weight {
		Weight::from_parts(150_000_000, 9_000)
			.saturating_add(ParityDbWeight::get().reads(10_u64))
			.saturating_add(ParityDbWeight::get().writes(8_u64))
	}
	fn on_transcoder_deactivated(j: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 3_000)
			.saturating_add(Weight::from_parts(25_000_000, 3_000).saturating_mul(j.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().reads((2_u64).saturating_mul(j.into())))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
			.saturating_add(ParityDbWeight::get().writes((3_u64).saturating_mul(j.into())))
	}
}
