//! Weights of `pallet_verification`: placeholders until `scripts/bench.sh` (olc-node benchmark
//! pallet) generates them from `benchmarking.rs`.
//!
//! The values are honest estimates, not measurements: sr25519 verification ~50 µs (two per
//! proof), blake2-256 of a short input ~1 µs, a Merkle proof of ≤ 14 levels ~15 µs, database
//! accesses priced separately. Regenerate before production; do not edit by hand afterwards.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// What each call and hook of `pallet_verification` costs.
pub trait WeightInfo {
	fn submit_proofs(p: u32, ) -> Weight;
	fn submit_verdict() -> Weight;
	fn report_missed() -> Weight;
	fn on_initialize_idle() -> Weight;
	fn on_initialize_issue(s: u32, ) -> Weight;
	fn on_initialize_draw(c: u32, ) -> Weight;
	fn on_initialize_verdict_deadline(c: u32, ) -> Weight;
	fn on_initialize_proof_deadline() -> Weight;
}

/// Estimated weights, priced with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Verification::Checks` (r:1 w:1)
	/// Storage: `Jobs::Claims` (r:1 w:0)
	/// Storage: `Jobs::Jobs` (r:1 w:0)
	/// Storage: `Verification::SegmentChecks` (r:0 w:p)
	/// Storage: `Verification::TaskBounds` (r:p w:p)
	/// Storage: `Verification::Tasks` (r:0 w:p)
	/// The range of component `p` is `[1, 16]`.
	fn submit_proofs(p: u32, ) -> Weight {
		// Proof size: estimated 4000 + 2700 per proof bytes.
		Weight::from_parts(40_000_000, 4000)
			// Standard Error: estimate
			.saturating_add(Weight::from_parts(130_000_000, 2700).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(p.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(p.into())))
	}
	/// Storage: `Verification::Checks` (r:1 w:1)
	/// Storage: `Verification::SegmentChecks` (r:1 w:16)
	/// Storage: `Verification::FeeShares` (r:1 w:1)
	/// Storage: `Jobs::Claims` (r:1 w:0)
	fn submit_verdict() -> Weight {
		// Proof size: estimated 6000 bytes.
		Weight::from_parts(45_000_000, 6000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(18_u64))
	}
	/// Storage: `Verification::Checks` (r:1 w:1)
	/// Storage: `Verification::SegmentChecks` (r:0 w:16)
	/// Storage: `Jobs::Claims` (r:1 w:0)
	fn report_missed() -> Weight {
		// Proof size: estimated 5000 bytes.
		Weight::from_parts(35_000_000, 5000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(17_u64))
	}
	/// Storage: `Verification::TaskBounds` (r:4 w:0)
	/// Storage: `Verification::Tasks` (r:4 w:0)
	fn on_initialize_idle() -> Weight {
		// Proof size: estimated 3000 bytes.
		Weight::from_parts(10_000_000, 3000)
			.saturating_add(T::DbWeight::get().reads(8_u64))
	}
	/// Storage: `Verification::Checks` (r:1 w:1)
	/// Storage: `Jobs::Claims` (r:1 w:0)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Storage: `Verification::TaskBounds` (r:1 w:1)
	/// Storage: `Verification::Tasks` (r:0 w:2)
	/// The range of component `s` is `[1, 2000]`.
	fn on_initialize_issue(s: u32, ) -> Weight {
		// Proof size: estimated 4000 bytes.
		Weight::from_parts(30_000_000, 4000)
			// Standard Error: estimate
			.saturating_add(Weight::from_parts(1_500_000, 0).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Verification::Checks` (r:1 w:1)
	/// Storage: `Verification::SegmentChecks` (r:1 w:1)
	/// Storage: `StakingDelegation::ActiveSet` (r:1 w:0)
	/// Storage: `Verification::TaskBounds` (r:1 w:1)
	/// Storage: `Verification::Tasks` (r:0 w:1)
	/// The range of component `c` is `[1, 100]`.
	fn on_initialize_draw(c: u32, ) -> Weight {
		// Proof size: estimated 5000 + 100 per candidate bytes.
		Weight::from_parts(40_000_000, 5000)
			// Standard Error: estimate
			.saturating_add(Weight::from_parts(500_000, 100).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Verification::Checks` (r:1 w:0)
	/// Storage: `Verification::SegmentChecks` (r:1 w:1)
	/// Storage: `StakingDelegation::ActiveSet` (r:1 w:0)
	/// Storage: `Verification::TaskBounds` (r:1 w:1)
	/// Storage: `Verification::Tasks` (r:0 w:1)
	/// The range of component `c` is `[1, 100]`.
	fn on_initialize_verdict_deadline(c: u32, ) -> Weight {
		// Proof size: estimated 5000 + 100 per candidate bytes.
		Weight::from_parts(50_000_000, 5000)
			// Standard Error: estimate
			.saturating_add(Weight::from_parts(500_000, 100).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Verification::Checks` (r:1 w:1)
	/// Storage: `Verification::SegmentChecks` (r:0 w:16)
	/// Storage: `Jobs::Claims` (r:1 w:0)
	fn on_initialize_proof_deadline() -> Weight {
		// Proof size: estimated 5000 bytes.
		Weight::from_parts(35_000_000, 5000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(17_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn submit_proofs(p: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 4000)
			.saturating_add(Weight::from_parts(130_000_000, 2700).saturating_mul(p.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(p.into())))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
			.saturating_add(ParityDbWeight::get().writes((3_u64).saturating_mul(p.into())))
	}
	fn submit_verdict() -> Weight {
		Weight::from_parts(45_000_000, 6000)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(18_u64))
	}
	fn report_missed() -> Weight {
		Weight::from_parts(35_000_000, 5000)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(17_u64))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(10_000_000, 3000)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
	}
	fn on_initialize_issue(s: u32, ) -> Weight {
		Weight::from_parts(30_000_000, 4000)
			.saturating_add(Weight::from_parts(1_500_000, 0).saturating_mul(s.into()))
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn on_initialize_draw(c: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 5000)
			.saturating_add(Weight::from_parts(500_000, 100).saturating_mul(c.into()))
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn on_initialize_verdict_deadline(c: u32, ) -> Weight {
		Weight::from_parts(50_000_000, 5000)
			.saturating_add(Weight::from_parts(500_000, 100).saturating_mul(c.into()))
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn on_initialize_proof_deadline() -> Weight {
		Weight::from_parts(35_000_000, 5000)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(17_u64))
	}
}
