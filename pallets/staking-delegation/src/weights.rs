//! Weights of pallet-staking-delegation.
//!
//! PLACEHOLDERS, written by hand: regenerate them on reference hardware with
//! `olc-node benchmark pallet --pallet pallet_staking_delegation --extrinsic '*'` (see
//! `scripts/bench.sh`) once the pallet is in the runtime. The numbers are deliberately generous
//! guesses; the storage reads and writes follow the code.
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed by pallet-staking-delegation.
pub trait WeightInfo {
	/// c: transcoders registered (eviction scans them)
	fn register_transcoder(c: u32) -> Weight;
	fn update_transcoder() -> Weight;
	/// c: transcoders registered
	fn resign_transcoder(c: u32) -> Weight;
	fn bond() -> Weight;
	/// c: transcoders registered (unbonding all of a self-bond resigns)
	fn unbond(c: u32) -> Weight;
	fn rebond() -> Weight;
	fn rebond_to() -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn claim_earnings() -> Weight;
	fn withdraw_fees() -> Weight;
	/// c: registered transcoders (the active set is at most that many)
	fn start_round(c: u32) -> Weight;
	fn add_fees() -> Weight;
	/// c: transcoders registered
	fn slash(c: u32) -> Weight;
}

/// Weights for pallet-staking-delegation using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_transcoder(c: u32) -> Weight {
		Weight::from_parts(45_000_000, 8_000)
			.saturating_add(Weight::from_parts(7_000_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	fn update_transcoder() -> Weight {
		Weight::from_parts(25_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn resign_transcoder(c: u32) -> Weight {
		Weight::from_parts(25_000_000, 8_000)
			.saturating_add(Weight::from_parts(50_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn bond() -> Weight {
		Weight::from_parts(110_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	fn unbond(c: u32) -> Weight {
		Weight::from_parts(110_000_000, 8_000)
			.saturating_add(Weight::from_parts(50_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
	fn rebond() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
	fn rebond_to() -> Weight {
		Weight::from_parts(140_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(80_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn claim_earnings() -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	fn withdraw_fees() -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	fn start_round(c: u32) -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(Weight::from_parts(12_000_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads((6_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes((6_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn add_fees() -> Weight {
		Weight::from_parts(70_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn slash(c: u32) -> Weight {
		Weight::from_parts(90_000_000, 8_000)
			.saturating_add(Weight::from_parts(50_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
}

// For tests and the mock runtime.
impl WeightInfo for () {
	fn register_transcoder(c: u32) -> Weight {
		Weight::from_parts(45_000_000, 8_000)
			.saturating_add(Weight::from_parts(7_000_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn update_transcoder() -> Weight {
		Weight::from_parts(25_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn resign_transcoder(c: u32) -> Weight {
		Weight::from_parts(25_000_000, 8_000)
			.saturating_add(Weight::from_parts(50_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn bond() -> Weight {
		Weight::from_parts(110_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(9_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn unbond(c: u32) -> Weight {
		Weight::from_parts(110_000_000, 8_000)
			.saturating_add(Weight::from_parts(50_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(10_u64))
			.saturating_add(RocksDbWeight::get().writes(7_u64))
	}
	fn rebond() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().writes(7_u64))
	}
	fn rebond_to() -> Weight {
		Weight::from_parts(140_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(12_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(80_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn claim_earnings() -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn withdraw_fees() -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn start_round(c: u32) -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(Weight::from_parts(12_000_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads((6_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes((6_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn add_fees() -> Weight {
		Weight::from_parts(70_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn slash(c: u32) -> Weight {
		Weight::from_parts(90_000_000, 8_000)
			.saturating_add(Weight::from_parts(50_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
}
