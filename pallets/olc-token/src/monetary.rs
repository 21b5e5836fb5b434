//! The monetary policy: how many OLC each round mints for the stakers (Livepeer's Minter).
//!
//! Every round, the staking pallet reports the total bonded stake and asks for the round's
//! mintable amount. The inflation rate (per round) first moves by [`InflationChange`] toward
//! the bonding-rate target: up while less than [`TargetBondingRate`] of all OLC is bonded, down
//! while more is bonded (never below zero), unchanged on the target. The round may then mint
//! `total issuance × inflation`.
//!
//! The three parameters are storage items with defaults (below), so a runtime needs no
//! configuration; a chain spec may override them in the genesis config.

use crate::{BalanceOf, Config, Inflation, InflationChange, Pallet, TargetBondingRate};
use frame_support::traits::fungible::{Inspect, Mutate};
use sp_runtime::{traits::Zero, DispatchResult, Perbill, Saturating};

/// Default inflation per round at genesis: 11,000 parts per billion. With one-hour rounds that
/// is about 10% a year (8,760 rounds).
pub const DEFAULT_INFLATION: Perbill = Perbill::from_parts(11_000);
/// Default change of the inflation per round: 50 parts per billion, so inflation can go from the
/// default to zero in 220 rounds (about nine days of one-hour rounds).
pub const DEFAULT_INFLATION_CHANGE: Perbill = Perbill::from_parts(50);
/// Default target share of all OLC bonded to transcoders: 50%.
pub const DEFAULT_TARGET_BONDING_RATE: Perbill = Perbill::from_percent(50);

/// What the staking pallet asks of the monetary policy.
pub trait MonetaryPolicy<AccountId, Balance> {
	/// Starts a round: moves the inflation toward the bonding-rate target, given the total
	/// `bonded` stake, and returns what the round may mint (`total issuance × inflation`).
	/// Call exactly once per round.
	fn mintable_for_round(bonded: Balance) -> Balance;

	/// Mints `amount` new OLC into `to`'s free balance.
	fn mint(to: &AccountId, amount: Balance) -> DispatchResult;

	/// The current inflation per round.
	fn inflation() -> Perbill;
}

impl<T: Config> Pallet<T> {
	/// The next inflation rate: Livepeer's Minter rule, saturating at 0 and 100%.
	pub fn next_inflation(
		inflation: Perbill,
		change: Perbill,
		bonding_rate: Perbill,
		target: Perbill,
	) -> Perbill {
		if bonding_rate < target {
			inflation.saturating_add(change)
		} else if bonding_rate > target {
			inflation.saturating_sub(change)
		} else {
			inflation
		}
	}
}

impl<T: Config> MonetaryPolicy<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn mintable_for_round(bonded: BalanceOf<T>) -> BalanceOf<T> {
		let issuance = T::Currency::total_issuance();
		// `from_rational` would call 0/0 100%: with nothing issued, nothing is bonded.
		let bonding_rate = if issuance.is_zero() {
			Perbill::zero()
		} else {
			Perbill::from_rational(bonded, issuance)
		};
		let inflation = Self::next_inflation(
			Inflation::<T>::get(),
			InflationChange::<T>::get(),
			bonding_rate,
			TargetBondingRate::<T>::get(),
		);
		Inflation::<T>::put(inflation);
		inflation.mul_floor(issuance)
	}

	fn mint(to: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::mint_into(to, amount).map(|_| ())
	}

	fn inflation() -> Perbill {
		Inflation::<T>::get()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mock::*;

	fn ppb(parts: u32) -> Perbill {
		Perbill::from_parts(parts)
	}

	#[test]
	fn inflation_moves_toward_the_target_and_never_below_zero() {
		let next = Pallet::<Test>::next_inflation;
		// Below target: up by the change.
		assert_eq!(
			next(ppb(1_000), ppb(50), Perbill::from_percent(40), Perbill::from_percent(50)),
			ppb(1_050)
		);
		// Above target: down by the change.
		assert_eq!(
			next(ppb(1_000), ppb(50), Perbill::from_percent(60), Perbill::from_percent(50)),
			ppb(950)
		);
		// On target: unchanged.
		assert_eq!(
			next(ppb(1_000), ppb(50), Perbill::from_percent(50), Perbill::from_percent(50)),
			ppb(1_000)
		);
		// Never below zero.
		assert_eq!(
			next(ppb(30), ppb(50), Perbill::from_percent(90), Perbill::from_percent(50)),
			ppb(0)
		);
	}

	#[test]
	fn defaults_apply_without_genesis_values() {
		new_test_ext().execute_with(|| {
			assert_eq!(Inflation::<Test>::get(), DEFAULT_INFLATION);
			assert_eq!(InflationChange::<Test>::get(), DEFAULT_INFLATION_CHANGE);
			assert_eq!(TargetBondingRate::<Test>::get(), DEFAULT_TARGET_BONDING_RATE);
		});
	}

	#[test]
	fn mintable_for_round_updates_inflation_then_applies_it_to_total_issuance() {
		new_test_ext().execute_with(|| {
			Inflation::<Test>::put(ppb(10_000_000)); // 1%
			InflationChange::<Test>::put(ppb(1_000_000)); // 0.1%
			let issuance = Balances::total_issuance();
			// Nothing bonded: below the 50% target, so inflation rises to 1.1% first.
			let mintable = <OlcToken as MonetaryPolicy<u64, u64>>::mintable_for_round(0);
			assert_eq!(Inflation::<Test>::get(), ppb(11_000_000));
			assert_eq!(mintable, ppb(11_000_000).mul_floor(issuance));
			// Everything bonded: above target, back down to 1%.
			let mintable = <OlcToken as MonetaryPolicy<u64, u64>>::mintable_for_round(issuance);
			assert_eq!(Inflation::<Test>::get(), ppb(10_000_000));
			assert_eq!(mintable, issuance / 100);
			// Asking does not mint.
			assert_eq!(Balances::total_issuance(), issuance);
		});
	}

	#[test]
	fn mint_creates_new_olc() {
		new_test_ext().execute_with(|| {
			let issuance = Balances::total_issuance();
			assert!(<OlcToken as MonetaryPolicy<u64, u64>>::mint(&BOB, 40).is_ok());
			assert_eq!(Balances::balance(&BOB), 140);
			assert_eq!(Balances::total_issuance(), issuance + 40);
		});
	}
}
