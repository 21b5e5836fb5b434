//! Storage migrations of pallet-staking-delegation, one module per storage version. A runtime
//! runs the ones its release needs by listing them in its `Migrations` (olc-runtime:
//! `runtime/src/lib.rs`); each is a [`VersionedMigration`], so it runs only on the version it
//! was written for, bumps the pallet's storage version, and does nothing on a chain that already
//! has it.

use crate::pallet::{
	ActivationFactors, Config, Delegators, EpochEnds, EpochRefs, Pallet, Pools, TotalBonded,
	Transcoders, UnbondingLocks,
};
use alloc::{collections::BTreeMap, vec::Vec};
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
};
use sp_runtime::traits::Saturating;
#[cfg(feature = "try-runtime")]
use {
	codec::{Decode, Encode},
	frame_support::ensure,
	sp_runtime::TryRuntimeError,
};

/// Version 1 → 2: pools and ended epochs leave storage with their last reference (see the crate
/// docs, "Storage that only grows"), which [`EpochRefs`] counts. A version-1 chain has no counts:
/// the migration counts the account records, unbonding locks and activation snapshots that refer
/// to each pool epoch and stores the counts, then removes what nothing refers to any more:
/// [`EpochEnds`] entries of epochs without references, and the pools of unregistered
/// transcoders without references (their stake dust leaves [`TotalBonded`], as it does when a
/// pool leaves at its last reference). It changes no account record, lock or registered pool.
///
/// It runs in one block: a read of every account record, lock, snapshot, epoch end and pool,
/// and a write per count and per removal. OLC's staking maps hold what a young network's
/// stakers made: thousands of entries, far below a block's weight.
pub mod v2 {
	use super::*;

	/// The migration's body without the version check; use [`MigrateV1ToV2`].
	pub struct InnerMigrateV1ToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut reads = 0u64;
			let mut writes = 0u64;
			let mut refs: BTreeMap<(T::AccountId, u32), u32> = BTreeMap::new();
			let mut count = |transcoder: T::AccountId, epoch: u32| {
				let entry = refs.entry((transcoder, epoch)).or_insert(0);
				*entry = entry.saturating_add(1);
			};
			for (_, delegator) in Delegators::<T>::iter() {
				reads.saturating_inc();
				count(delegator.transcoder, delegator.base.epoch);
			}
			for (_, _, lock) in UnbondingLocks::<T>::iter() {
				reads.saturating_inc();
				count(lock.transcoder, lock.base.epoch);
			}
			for (transcoder, _, snapshot) in ActivationFactors::<T>::iter() {
				reads.saturating_inc();
				count(transcoder, snapshot.factors.epoch);
			}
			let ended: Vec<(T::AccountId, u32)> =
				EpochEnds::<T>::iter_keys().filter(|key| !refs.contains_key(key)).collect();
			reads.saturating_accrue(EpochEnds::<T>::iter_keys().count() as u64);
			for (transcoder, epoch) in ended {
				EpochEnds::<T>::remove(&transcoder, epoch);
				writes.saturating_inc();
			}
			let pools: Vec<T::AccountId> = Pools::<T>::iter_keys().collect();
			for transcoder in pools {
				reads.saturating_accrue(2);
				let referenced = refs
					.range((transcoder.clone(), 0)..)
					.next()
					.is_some_and(|((referred, _), _)| *referred == transcoder);
				if !referenced && !Transcoders::<T>::contains_key(&transcoder) {
					let pool = Pools::<T>::take(&transcoder);
					let dust = pool.earning.saturating_add(pool.pending);
					TotalBonded::<T>::mutate(|total| *total = total.saturating_sub(dust));
					writes.saturating_accrue(2);
				}
			}
			for ((transcoder, epoch), n) in refs {
				EpochRefs::<T>::insert(transcoder, epoch, n);
				writes.saturating_inc();
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}

		/// Records the number of account records and locks (the migration must not change
		/// them).
		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			let delegators = Delegators::<T>::iter_keys().count() as u64;
			let locks = UnbondingLocks::<T>::iter_keys().count() as u64;
			Ok((delegators, locks).encode())
		}

		/// Checks that no account record or lock changed in number and that every invariant,
		/// the reference counts and the absence of orphan pools and epoch ends included, holds.
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			let (delegators, locks) = <(u64, u64)>::decode(&mut state.as_slice())
				.map_err(|_| "pre_upgrade's state does not decode")?;
			ensure!(
				Delegators::<T>::iter_keys().count() as u64 == delegators,
				"the migration changed the account records"
			);
			ensure!(
				UnbondingLocks::<T>::iter_keys().count() as u64 == locks,
				"the migration changed the unbonding locks"
			);
			Pallet::<T>::do_try_state()
		}
	}

	/// Counts the references to every pool epoch ([`EpochRefs`]) and removes the pools and
	/// epoch ends nothing refers to, on a chain at storage version 1, and sets version 2; on any
	/// other version it does nothing.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		InnerMigrateV1ToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

#[cfg(test)]
mod tests {
	use super::v2::MigrateV1ToV2;
	use crate::{mock::*, EpochEnds, EpochRefs, Pools, Slashing, TotalBonded};
	use frame_support::{
		assert_ok,
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	};
	use sp_runtime::Perbill;

	fn origin(who: u64) -> RuntimeOrigin {
		RuntimeOrigin::signed(who)
	}

	/// On a version-1 chain (no reference counts; an orphan pool and an epoch end nothing refers
	/// to, as version 1 left them), the migration counts every reference, removes the orphans,
	/// keeps what is referred to and sets version 2.
	#[test]
	fn v2_counts_pool_references_and_removes_the_orphans_of_a_version_1_chain() {
		ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
			// T1: registered, delegated to by D1, with a lock of D2 after a full slash (epoch 0
			// still referred to by D1's record and D2's lock).
			assert_ok!(Staking::bond(origin(T1), 1_000, T1));
			assert_ok!(Staking::register_transcoder(
				origin(T1),
				Perbill::zero(),
				Perbill::from_percent(50),
				5,
				Default::default()
			));
			assert_ok!(Staking::bond(origin(D1), 1_000, T1));
			assert_ok!(Staking::bond(origin(D2), 500, T1));
			next_round();
			assert_ok!(Staking::unbond(origin(D2), 500));
			<Staking as Slashing<u64, u64>>::slash(&T1, Perbill::one(), None, Perbill::zero());
			// T2: a pool nothing refers to (T2 bonded to itself and left).
			assert_ok!(Staking::bond(origin(T2), 300, T2));
			assert_ok!(Staking::unbond(origin(T2), 300));
			run_to_round(round() + UNBONDING_PERIOD);
			assert_ok!(Staking::withdraw_unbonded(origin(T2), 0));
			assert!(!Pools::<Test>::contains_key(T2));
			let counts: Vec<_> = EpochRefs::<Test>::iter().collect();
			let total = TotalBonded::<Test>::get();

			// The state a version-1 runtime left: no counts, the orphans still there.
			let _ = EpochRefs::<Test>::clear(u32::MAX, None);
			Pools::<Test>::insert(T2, crate::Pool::default());
			EpochEnds::<Test>::insert(T3, 0, crate::Factors::default());
			Pools::<Test>::insert(
				T3,
				crate::Pool {
					factors: crate::Factors { epoch: 1, ..Default::default() },
					..Default::default()
				},
			);
			StorageVersion::new(1).put::<Staking>();
			assert!(Staking::do_try_state().is_err());

			#[cfg(feature = "try-runtime")]
			let state = <MigrateV1ToV2<Test> as OnRuntimeUpgrade>::pre_upgrade().unwrap();
			<MigrateV1ToV2<Test> as OnRuntimeUpgrade>::on_runtime_upgrade();
			#[cfg(feature = "try-runtime")]
			<MigrateV1ToV2<Test> as OnRuntimeUpgrade>::post_upgrade(state).unwrap();

			assert_eq!(Staking::on_chain_storage_version(), StorageVersion::new(2));
			assert_eq!(Staking::on_chain_storage_version(), Staking::in_code_storage_version());
			let mut after: Vec<_> = EpochRefs::<Test>::iter().collect();
			let mut before = counts;
			after.sort();
			before.sort();
			assert_eq!(after, before);
			assert!(EpochEnds::<Test>::contains_key(T1, 0));
			assert!(!Pools::<Test>::contains_key(T2) && !Pools::<Test>::contains_key(T3));
			assert_eq!(EpochEnds::<Test>::iter_prefix(T3).count(), 0);
			assert_eq!(TotalBonded::<Test>::get(), total);
			assert_ok!(Staking::do_try_state());
			// A second run does nothing.
			<MigrateV1ToV2<Test> as OnRuntimeUpgrade>::on_runtime_upgrade();
			assert_eq!(EpochRefs::<Test>::iter().count(), after.len());
		});
	}
}
