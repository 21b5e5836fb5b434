//! Weights of `pallet_reporting`.
//!
//! PLACEHOLDER NUMBERS, NOT MEASURED: estimated from the storage accesses of each call and the
//! size of comparable pallet-jobs and pallet-staking-delegation placeholders, until the lead
//! regenerates this file with `olc-node benchmark pallet --pallet pallet_reporting`
//! (scripts/bench.sh). The benchmarks in `benchmarking.rs` cover every function here.
//!
//! Parameters: `m` maintainers in the set (at most `MaxMaintainers`), `g` members in a group
//! (at most `GroupSize`), `p` commission payouts in the block (at most
//! `MaxCommissionPayoutsPerBlock`). `vote_upheld` excludes the runtime's `Sanctions`, which
//! the call adds on top.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// What each call and hook of `pallet_reporting` costs.
pub trait WeightInfo {
	fn join_maintainers(m: u32, ) -> Weight;
	fn leave_maintainers(m: u32, ) -> Weight;
	fn withdraw_bond() -> Weight;
	fn report(m: u32, ) -> Weight;
	fn vote() -> Weight;
	fn vote_upheld(g: u32, ) -> Weight;
	fn resolve_report(g: u32, ) -> Weight;
	fn on_initialize_idle() -> Weight;
	fn on_initialize_schedule_commission(m: u32, ) -> Weight;
	fn on_initialize_pay_commission(p: u32, ) -> Weight;
}

/// Placeholder weights priced with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn join_maintainers(m: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(Weight::from_parts(60_000, 70).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn leave_maintainers(m: u32, ) -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(Weight::from_parts(60_000, 70).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn withdraw_bond() -> Weight {
		Weight::from_parts(45_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn report(m: u32, ) -> Weight {
		Weight::from_parts(70_000_000, 6_000)
			.saturating_add(Weight::from_parts(900_000, 70).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn vote() -> Weight {
		Weight::from_parts(35_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn vote_upheld(g: u32, ) -> Weight {
		Weight::from_parts(250_000_000, 12_000)
			.saturating_add(Weight::from_parts(55_000_000, 3_600).saturating_mul(g.into()))
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(g.into())))
			.saturating_add(T::DbWeight::get().writes(10_u64))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(g.into())))
	}
	fn resolve_report(g: u32, ) -> Weight {
		Weight::from_parts(80_000_000, 12_000)
			.saturating_add(Weight::from_parts(40_000_000, 3_600).saturating_mul(g.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(g.into())))
			.saturating_add(T::DbWeight::get().writes(4_u64))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(g.into())))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(8_000_000, 1_500)
			.saturating_add(T::DbWeight::get().reads(4_u64))
	}
	fn on_initialize_schedule_commission(m: u32, ) -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(Weight::from_parts(250_000, 70).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn on_initialize_pay_commission(p: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 4_000)
			.saturating_add(Weight::from_parts(45_000_000, 2_600).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(p.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(p.into())))
	}
}

/// The same placeholders priced with ParityDB weights, for tests and mocks.
impl WeightInfo for () {
	fn join_maintainers(m: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(Weight::from_parts(60_000, 70).saturating_mul(m.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn leave_maintainers(m: u32, ) -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(Weight::from_parts(60_000, 70).saturating_mul(m.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn withdraw_bond() -> Weight {
		Weight::from_parts(45_000_000, 4_000)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn report(m: u32, ) -> Weight {
		Weight::from_parts(70_000_000, 6_000)
			.saturating_add(Weight::from_parts(900_000, 70).saturating_mul(m.into()))
			.saturating_add(ParityDbWeight::get().reads(7_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn vote() -> Weight {
		Weight::from_parts(35_000_000, 6_000)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn vote_upheld(g: u32, ) -> Weight {
		Weight::from_parts(250_000_000, 12_000)
			.saturating_add(Weight::from_parts(55_000_000, 3_600).saturating_mul(g.into()))
			.saturating_add(ParityDbWeight::get().reads(12_u64))
			.saturating_add(ParityDbWeight::get().reads((2_u64).saturating_mul(g.into())))
			.saturating_add(ParityDbWeight::get().writes(10_u64))
			.saturating_add(ParityDbWeight::get().writes((2_u64).saturating_mul(g.into())))
	}
	fn resolve_report(g: u32, ) -> Weight {
		Weight::from_parts(80_000_000, 12_000)
			.saturating_add(Weight::from_parts(40_000_000, 3_600).saturating_mul(g.into()))
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(g.into())))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
			.saturating_add(ParityDbWeight::get().writes((2_u64).saturating_mul(g.into())))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(8_000_000, 1_500)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
	}
	fn on_initialize_schedule_commission(m: u32, ) -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(Weight::from_parts(250_000, 70).saturating_mul(m.into()))
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn on_initialize_pay_commission(p: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 4_000)
			.saturating_add(Weight::from_parts(45_000_000, 2_600).saturating_mul(p.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(p.into())))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(p.into())))
	}
}
