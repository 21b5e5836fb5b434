//! The pallet's invariants (they read all of its storage: for try-runtime and tests, never
//! for runtime code), checked by the `try_state` hook (try-runtime), after every unit test
//! and after every step of the property tests.

use crate::{pallet::*, HoldReason};
use alloc::collections::BTreeMap;
use frame_support::{
	ensure,
	traits::fungible::{Inspect, InspectHold},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

/// What a pool's delegators hold and are owed, summed.
#[derive(Default)]
struct Delegated<Balance> {
	stake: Balance,
	rewards: Balance,
	fees: Balance,
}

impl<T: Config> Pallet<T> {
	/// Checks that
	/// - every account holds exactly its recorded bond (earning and pending) plus its unbonding
	///   locks, and counts its locks right; no lock exists without its account's record;
	/// - each pool's stake covers what its delegators' bonds are worth, and its unpaid rewards
	///   and fees cover what they are owed; the pools' stake adds up to [`TotalBonded`];
	/// - the pot holds its existential deposit plus everything it owes;
	/// - the candidates are exactly the registered transcoders, once each, and the active set
	///   has no member twice;
	/// - each fee cohort counts exactly its members and their units, and every member's cohort
	///   exists;
	/// - [`EpochRefs`] counts exactly the records that refer to each pool epoch, no pool outlives
	///   its last reference and registration, and an ended epoch keeps its [`EpochEnds`] entry
	///   exactly while referred to (see `check_pool_references`).
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let reason = HoldReason::Staking.into();
		let mut pools: BTreeMap<T::AccountId, Delegated<BalanceOf<T>>> = BTreeMap::new();
		let mut owed = BalanceOf::<T>::zero();
		for (who, delegator) in Delegators::<T>::iter() {
			let mut locks = BalanceOf::<T>::zero();
			let mut count = 0u32;
			for (_, lock) in UnbondingLocks::<T>::iter_prefix(&who) {
				locks = locks.saturating_add(lock.amount);
				count = count.saturating_add(1);
			}
			ensure!(
				T::Currency::balance_on_hold(&reason, &who)
					== Self::bond_of(&delegator).saturating_add(locks),
				"an account's hold differs from its bond plus its locks"
			);
			ensure!(delegator.lock_count == count, "an account counts its locks wrong");
			owed = owed.saturating_add(delegator.fees);
			let pool = Pools::<T>::get(&delegator.transcoder);
			let settlement = Self::compute_settlement(&who, &delegator, &pool)
				.map_err(|_| "a delegator's settlement overflows")?;
			let entry = pools.entry(delegator.transcoder.clone()).or_default();
			entry.stake =
				entry.stake.saturating_add(settlement.bonded.saturating_add(settlement.pending));
			entry.rewards = entry.rewards.saturating_add(settlement.owed_reward);
			entry.fees = entry.fees.saturating_add(settlement.owed_fees);
		}
		for (who, _, _) in UnbondingLocks::<T>::iter() {
			ensure!(Delegators::<T>::contains_key(&who), "a lock has no account record");
		}
		let mut total = BalanceOf::<T>::zero();
		for (transcoder, pool) in Pools::<T>::iter() {
			owed = owed.saturating_add(pool.unpaid_rewards).saturating_add(pool.unpaid_fees);
			let stake = pool.earning.saturating_add(pool.pending);
			total = total.saturating_add(stake);
			let delegated = pools.remove(&transcoder).unwrap_or_default();
			ensure!(delegated.stake <= stake, "a pool's stake does not cover its delegators");
			ensure!(
				delegated.rewards <= pool.unpaid_rewards,
				"a pool owes more rewards than it has"
			);
			ensure!(delegated.fees <= pool.unpaid_fees, "a pool owes more fees than it has");
		}
		ensure!(
			pools.values().all(|delegated| delegated.stake.is_zero()),
			"stake is delegated to a transcoder without a pool"
		);
		ensure!(TotalBonded::<T>::get() == total, "the total bonded differs from the pools' stake");
		ensure!(
			T::Currency::balance(&Self::pot())
				>= T::Currency::minimum_balance().saturating_add(owed),
			"the pot holds less than it owes"
		);

		// Fee cohorts: each counts exactly its members' units; a member has an account record.
		// (transcoder, epoch, round) → (units, pending units, members)
		type Counted<AccountId> = BTreeMap<(AccountId, u32, u32), (u128, u128, u32)>;
		let mut cohorts: Counted<T::AccountId> = BTreeMap::new();
		for (who, member) in FeeCohortMembers::<T>::iter() {
			let delegator =
				Delegators::<T>::get(&who).ok_or("a fee cohort member has no account record")?;
			let entry = cohorts
				.entry((delegator.transcoder, member.epoch, member.round))
				.or_insert((0, 0, 0));
			entry.0 = entry.0.saturating_add(member.units);
			entry.1 = entry.1.saturating_add(member.pending_units);
			entry.2 = entry.2.saturating_add(1);
		}
		for (transcoder, (epoch, round), cohort) in FeeCohorts::<T>::iter() {
			let (units, pending, members) = cohorts
				.remove(&(transcoder, epoch, round))
				.ok_or("a fee cohort has no members")?;
			ensure!(cohort.members == members, "a fee cohort counts its members wrong");
			// Once the cohort's pending stake started earning, its members' pending units are
			// the cohort's earning units (they move in a member's record when it settles).
			let (cohort_units, member_units) = if cohort.excluded_at_activation.is_some() {
				ensure!(
					cohort.pending_units.is_zero(),
					"an activated fee cohort has pending units"
				);
				(cohort.units, units.saturating_add(pending))
			} else {
				ensure!(cohort.pending_units == pending, "a fee cohort's pending units are wrong");
				(cohort.units, units)
			};
			ensure!(cohort_units == member_units, "a fee cohort's units differ from its members'");
		}
		ensure!(cohorts.is_empty(), "a fee cohort member's cohort is missing");

		Self::check_pool_references()?;

		let candidates = Candidates::<T>::get();
		for (index, candidate) in candidates.iter().enumerate() {
			ensure!(Transcoders::<T>::contains_key(candidate), "a candidate is not registered");
			ensure!(
				!candidates.iter().skip(index.saturating_add(1)).any(|other| other == candidate),
				"a candidate is listed twice"
			);
		}
		ensure!(
			Transcoders::<T>::iter_keys().count() == candidates.len(),
			"a registered transcoder is not a candidate"
		);
		let active = ActiveSet::<T>::get();
		for (index, member) in active.iter().enumerate() {
			ensure!(
				!active.iter().skip(index.saturating_add(1)).any(|other| other.who == member.who),
				"an active transcoder is in the set twice"
			);
		}
		Ok(())
	}

	/// Checks the storage that leaves with its last reference ("Storage that only grows"):
	/// - [`EpochRefs`] holds, for each pool and epoch, exactly the number of account records
	///   delegated to the pool with a `base` of that epoch, unbonding locks of the pool with a
	///   `base` of that epoch and activation snapshots of the pool with factors of that epoch
	///   (never a zero count), and none refers to a later epoch than the pool's;
	/// - a pool exists exactly when its transcoder is registered or something refers to it: no
	///   orphan pool stays, none referred to is gone;
	/// - an ended epoch has its [`EpochEnds`] entry exactly while something refers to it;
	/// - activation snapshots and fee cohorts belong to existing pools.
	fn check_pool_references() -> Result<(), TryRuntimeError> {
		let mut refs: BTreeMap<(T::AccountId, u32), u32> = BTreeMap::new();
		let mut count = |transcoder: T::AccountId, epoch: u32| {
			let entry = refs.entry((transcoder, epoch)).or_insert(0);
			*entry = entry.saturating_add(1);
		};
		for (_, delegator) in Delegators::<T>::iter() {
			count(delegator.transcoder, delegator.base.epoch);
		}
		for (_, _, lock) in UnbondingLocks::<T>::iter() {
			count(lock.transcoder, lock.base.epoch);
		}
		for (transcoder, _, snapshot) in ActivationFactors::<T>::iter() {
			ensure!(
				Pools::<T>::contains_key(&transcoder),
				"an activation snapshot outlives its pool"
			);
			count(transcoder, snapshot.factors.epoch);
		}
		for (transcoder, epoch, stored) in EpochRefs::<T>::iter() {
			ensure!(stored > 0, "a pool epoch's reference count is stored as zero");
			ensure!(
				refs.remove(&(transcoder, epoch)) == Some(stored),
				"a pool epoch's reference count differs from the records that refer to it"
			);
		}
		ensure!(refs.is_empty(), "records refer to a pool epoch that counts no references");
		for (transcoder, epoch, _) in EpochRefs::<T>::iter() {
			ensure!(Pools::<T>::contains_key(&transcoder), "a referenced pool is gone");
			let current = Pools::<T>::get(&transcoder).factors.epoch;
			ensure!(epoch <= current, "a record refers to a pool epoch that has not begun");
			ensure!(
				epoch == current || EpochEnds::<T>::contains_key(&transcoder, epoch),
				"a referenced ended epoch lost its EpochEnds entry"
			);
		}
		for (transcoder, epoch, _) in EpochEnds::<T>::iter() {
			ensure!(
				EpochRefs::<T>::contains_key(&transcoder, epoch),
				"an EpochEnds entry outlives the last reference to its epoch"
			);
			ensure!(
				epoch < Pools::<T>::get(&transcoder).factors.epoch,
				"an EpochEnds entry of an epoch that has not ended"
			);
		}
		for transcoder in Pools::<T>::iter_keys() {
			ensure!(
				Transcoders::<T>::contains_key(&transcoder)
					|| EpochRefs::<T>::iter_key_prefix(&transcoder).next().is_some(),
				"a pool outlives its transcoder's registration and its last reference"
			);
		}
		for (transcoder, _, _) in FeeCohorts::<T>::iter() {
			ensure!(Pools::<T>::contains_key(&transcoder), "a fee cohort outlives its pool");
		}
		Ok(())
	}
}
