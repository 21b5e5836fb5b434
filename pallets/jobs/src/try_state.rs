//! The pallet's invariants (they read all of its storage: for try-runtime and tests, never for
//! runtime code), checked by the `try_state` hook (try-runtime), after every unit test and after
//! every step of the property test.

use crate::{pallet::*, types::*, HoldReason};
use alloc::collections::BTreeMap;
use frame_support::{ensure, traits::fungible::InspectHold};
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

impl<T: Config> Pallet<T> {
	/// Checks that
	/// - each broadcaster's `JobDeposit` hold is the sum of its jobs' deposits and grace
	///   reservations, and its `ClaimEscrow` hold the sum of its jobs' escrow;
	/// - each job's escrow is the sum of the fees of its unsettled claims (escrow covers what the
	///   claims owe), and an ended job keeps no deposit (only reservations);
	/// - every grace claim is in the `GraceJobs` index and has an entry in the expiry queue, and
	///   the index lists no other;
	/// - the `JobClaims` index lists exactly the unsettled claims, under their jobs;
	/// - the queues' counters are consistent: head ≤ tail and no entry outside head..tail;
	/// - a job waiting for an election has an entry in an election queue.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut escrows: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut claimed: BTreeMap<JobId, BalanceOf<T>> = BTreeMap::new();
		let mut claims = 0usize;
		for (claim_id, claim) in Claims::<T>::iter() {
			ensure!(
				JobClaims::<T>::contains_key(claim.job_id, claim_id),
				"an unsettled claim is missing from the JobClaims index"
			);
			claims = claims.saturating_add(1);
			let sum = claimed.entry(claim.job_id).or_insert_with(Zero::zero);
			*sum = sum.saturating_add(claim.fee);
		}
		ensure!(JobClaims::<T>::iter_keys().count() == claims, "JobClaims lists a settled claim");
		let queued: alloc::vec::Vec<JobId> =
			Elections::<T>::iter().map(|(_, _, request)| request.job_id).collect();
		for job_id in &queued {
			ensure!(
				Jobs::<T>::get(job_id)
					.is_some_and(|job| job.status == JobStatus::AwaitingTranscoder),
				"an election entry's job is not waiting"
			);
		}
		let expiries: alloc::vec::Vec<_> =
			GraceQueue::<T>::iter().map(|(_, entry)| entry).collect();
		let mut graces = 0usize;
		for (job_id, job) in Jobs::<T>::iter() {
			let reserved = job
				.graces
				.iter()
				.fold(BalanceOf::<T>::zero(), |sum, grace| sum.saturating_add(grace.reserved));
			let deposit = deposits.entry(job.broadcaster.clone()).or_insert_with(Zero::zero);
			*deposit = deposit.saturating_add(job.deposit).saturating_add(reserved);
			let escrow = escrows.entry(job.broadcaster.clone()).or_insert_with(Zero::zero);
			*escrow = escrow.saturating_add(job.escrow);
			ensure!(
				job.escrow == claimed.get(&job_id).copied().unwrap_or_else(Zero::zero),
				"a job's escrow differs from its unsettled claims' fees"
			);
			if job.status == JobStatus::Ended {
				ensure!(job.deposit.is_zero(), "an ended job keeps a deposit");
			}
			if job.status == JobStatus::AwaitingTranscoder {
				ensure!(queued.contains(&job_id), "a waiting job is in no election queue");
				let (queue, index) =
					job.election_slot.ok_or("a waiting job has no election slot")?;
				ensure!(
					Elections::<T>::get(queue, index).is_some_and(|entry| entry.job_id == job_id),
					"a waiting job's election slot holds another entry"
				);
			} else {
				ensure!(job.election_slot.is_none(), "a job not waiting keeps an election slot");
			}
			for grace in &job.graces {
				graces = graces.saturating_add(1);
				ensure!(
					GraceJobs::<T>::contains_key(&grace.transcoder, job_id),
					"a grace claim is missing from the GraceJobs index"
				);
				ensure!(
					expiries.iter().any(|entry| entry.job_id == job_id
						&& entry.transcoder == grace.transcoder
						&& entry.until == grace.until),
					"a grace claim has no expiry entry"
				);
			}
		}
		ensure!(GraceJobs::<T>::iter().count() == graces, "GraceJobs lists a job without grace");
		for (who, amount) in deposits {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::JobDeposit.into(), &who) == amount,
				"a broadcaster's deposit hold differs from its jobs' deposits and reservations"
			);
		}
		for (who, amount) in escrows {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::ClaimEscrow.into(), &who) == amount,
				"a broadcaster's escrow hold differs from its jobs' escrow"
			);
		}
		for queue in [ElectionQueue::Fresh, ElectionQueue::Retry] {
			let bounds = ElectionBounds::<T>::get(queue);
			ensure!(bounds.head <= bounds.tail, "an election queue's head passed its tail");
			for (index, _) in Elections::<T>::iter_prefix(queue) {
				ensure!(
					index >= bounds.head && index < bounds.tail,
					"an election entry lies outside its queue"
				);
			}
		}
		let bounds = GraceBounds::<T>::get();
		ensure!(bounds.head <= bounds.tail, "the grace queue's head passed its tail");
		for (index, _) in GraceQueue::<T>::iter() {
			ensure!(
				index >= bounds.head && index < bounds.tail,
				"a grace entry lies outside its queue"
			);
		}
		ensure!(
			NextClaimToSettle::<T>::get() <= NextClaimId::<T>::get(),
			"the payout cursor passed the last claim"
		);
		Ok(())
	}
}
