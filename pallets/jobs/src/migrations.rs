//! Storage migrations of pallet-jobs, one module per storage version. A runtime runs the ones its
//! release needs by listing them in its `Migrations` (olc-runtime: `runtime/src/lib.rs`); each is
//! a [`VersionedMigration`], so it runs only on the version it was written for, bumps the
//! pallet's storage version, and does nothing on a chain that already has it.

use crate::pallet::{Claims, Config, JobClaims, Pallet};
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
};
#[cfg(feature = "try-runtime")]
use {
	alloc::vec::Vec,
	codec::{Decode, Encode},
	frame_support::ensure,
	sp_runtime::TryRuntimeError,
};

/// Version 1 → 2: the [`JobClaims`] index (the unsettled claims of each job, which the runtime
/// API pages) came after version 1 without a migration, so a chain that ran a version-1 runtime
/// from before it has claims the index does not list: `JobsApi::claims_of_job` misses them and
/// `do_try_state` fails. The migration adds an index entry for every unsettled claim
/// ([`Claims`]); it removes nothing, writes only what is missing (running it on a complete index
/// writes nothing) and changes no other item.
///
/// It runs in one block: its weight is two reads per unsettled claim and a write per missing
/// entry. Claims live only through their verification window (the runtime's 80 blocks), so the
/// map holds what the transcoders claimed in the last few minutes: thousands at most, far
/// below a block's weight.
pub mod v2 {
	use super::*;

	/// The migration's body without the version check; use [`MigrateV1ToV2`].
	pub struct InnerMigrateV1ToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut claims = 0u64;
			let mut added = 0u64;
			for (claim_id, claim) in Claims::<T>::iter() {
				claims = claims.saturating_add(1);
				if !JobClaims::<T>::contains_key(claim.job_id, claim_id) {
					JobClaims::<T>::insert(claim.job_id, claim_id, ());
					added = added.saturating_add(1);
				}
			}
			T::DbWeight::get().reads_writes(claims.saturating_mul(2), added)
		}

		/// Checks that the index lists nothing but unsettled claims under their own jobs (the
		/// migration only adds entries, so a stale one would survive it) and records the number
		/// of claims.
		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			for (job_id, claim_id) in JobClaims::<T>::iter_keys() {
				ensure!(
					Claims::<T>::get(claim_id).is_some_and(|claim| claim.job_id == job_id),
					"JobClaims lists an entry that is not an unsettled claim of its job"
				);
			}
			let claims = Claims::<T>::iter_keys().fold(0u64, |n, _| n.saturating_add(1));
			Ok(claims.encode())
		}

		/// Checks that the claims are the same in number and that the index lists exactly them.
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			let before = u64::decode(&mut state.as_slice())
				.map_err(|_| "pre_upgrade's state does not decode")?;
			let mut claims = 0u64;
			for (claim_id, claim) in Claims::<T>::iter() {
				ensure!(
					JobClaims::<T>::contains_key(claim.job_id, claim_id),
					"an unsettled claim is still missing from the JobClaims index"
				);
				claims = claims.saturating_add(1);
			}
			ensure!(claims == before, "the migration changed the number of claims");
			let indexed = JobClaims::<T>::iter_keys().fold(0u64, |n, _| n.saturating_add(1));
			ensure!(indexed == claims, "JobClaims lists more entries than there are claims");
			Ok(())
		}
	}

	/// Rebuilds the [`JobClaims`] index from [`Claims`] on a chain at storage version 1 and sets
	/// version 2; on any other version it does nothing.
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
	use crate::{mock::*, Claims, JobClaims, Profiles, StreamTitle};
	use frame_support::{
		assert_ok,
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	};

	/// Two unsettled claims of T1 on one of ALICE's jobs, with the index written as today's code
	/// writes it. Returns the job's id.
	fn two_claims() -> u64 {
		activate(T1, 100, 5);
		let title: StreamTitle = b"stream".to_vec().try_into().unwrap();
		assert_ok!(Jobs::create_stream(
			RuntimeOrigin::signed(ALICE),
			title,
			crate::insecure_segment_key()
		));
		let stream_id = crate::Streams::<Test>::iter_keys().next().unwrap();
		let job_id = crate::NextJobId::<Test>::get();
		let ladder: Profiles = olc_primitives::default_ladder().try_into().unwrap();
		assert_ok!(Jobs::create_job(RuntimeOrigin::signed(ALICE), stream_id, ladder, 10, 10_000));
		run_to_block(2);
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 10, 19, [2; 32]));
		job_id
	}

	/// On a version-1 chain whose claims the index does not list (it came after version 1), the
	/// migration lists every claim under its job and sets version 2; the claims are untouched.
	#[test]
	fn v2_rebuilds_the_job_claims_index_of_a_version_1_chain() {
		new_test_ext().execute_with(|| {
			let job_id = two_claims();
			let claims: Vec<_> = Claims::<Test>::iter().collect();
			assert_eq!(claims.len(), 2);
			// The state a version-1 runtime from before the index left.
			let _ = JobClaims::<Test>::clear(u32::MAX, None);
			StorageVersion::new(1).put::<Jobs>();
			assert!(Jobs::do_try_state().is_err(), "the claims are missing from the index");
			assert!(Jobs::claims_of_job_view(job_id, None, 10).is_empty());

			#[cfg(feature = "try-runtime")]
			let state = <MigrateV1ToV2<Test> as OnRuntimeUpgrade>::pre_upgrade().unwrap();
			<MigrateV1ToV2<Test> as OnRuntimeUpgrade>::on_runtime_upgrade();
			#[cfg(feature = "try-runtime")]
			<MigrateV1ToV2<Test> as OnRuntimeUpgrade>::post_upgrade(state).unwrap();

			assert_eq!(Jobs::on_chain_storage_version(), StorageVersion::new(2));
			assert_eq!(Jobs::on_chain_storage_version(), Jobs::in_code_storage_version());
			let mut listed: Vec<_> = JobClaims::<Test>::iter_keys().collect();
			listed.sort();
			let mut expected: Vec<_> = claims.iter().map(|(id, c)| (c.job_id, *id)).collect();
			expected.sort();
			assert_eq!(listed, expected);
			assert_eq!(Claims::<Test>::iter().count(), 2);
			assert_eq!(Jobs::claims_of_job_view(job_id, None, 10).len(), 2);
		});
	}

	/// On a chain already at version 2 (every chain started from this code) the migration
	/// writes nothing, even where the index lacks entries.
	#[test]
	fn v2_does_nothing_on_a_version_2_chain() {
		new_test_ext().execute_with(|| {
			two_claims();
			// (The runtime's genesis writes the code's version; this mock's leaves it unset.)
			Jobs::in_code_storage_version().put::<Jobs>();
			let _ = JobClaims::<Test>::clear(u32::MAX, None);
			<MigrateV1ToV2<Test> as OnRuntimeUpgrade>::on_runtime_upgrade();
			assert_eq!(JobClaims::<Test>::iter_keys().count(), 0, "nothing was written");
			assert_eq!(Jobs::on_chain_storage_version(), StorageVersion::new(2));
			// Put the index back for the invariants checked after the test.
			for (claim_id, claim) in Claims::<Test>::iter() {
				JobClaims::<Test>::insert(claim.job_id, claim_id, ());
			}
		});
	}
}
