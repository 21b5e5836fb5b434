//! Electing a transcoder for a job: the queue run by `on_initialize` and the stake-weighted draw.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	pub(super) fn push_election(
		queue: ElectionQueue,
		job_id: JobId,
		due: BlockNumberFor<T>,
		exclude: Option<T::AccountId>,
	) -> Result<(ElectionQueue, u64), DispatchError> {
		let mut bounds = ElectionBounds::<T>::get(queue);
		let index = bounds.tail;
		bounds.tail = index.checked_add(1).ok_or(ArithmeticError::Overflow)?;
		Elections::<T>::insert(queue, index, ElectionRequest { job_id, due, exclude });
		ElectionBounds::<T>::insert(queue, bounds);
		Ok((queue, index))
	}

	/// Runs the due elections, at most `MaxElectionsPerBlock`. Slots emptied by ended jobs
	/// are skipped without using an election, at most [`STALE_SKIPS_PER_ELECTION`] per
	/// election of the budget. Returns how many elections ran, how many candidates they
	/// considered and how many empty slots were skipped.
	pub(crate) fn run_elections(now: BlockNumberFor<T>) -> (u32, u32, u32) {
		let budget = T::MaxElectionsPerBlock::get();
		let stale_budget = budget.saturating_mul(STALE_SKIPS_PER_ELECTION);
		let mut used = 0u32;
		let mut skipped = 0u32;
		let mut candidates: Option<Vec<CandidateOf<T>>> = None;
		for queue in [ElectionQueue::Fresh, ElectionQueue::Retry] {
			let QueueBounds { mut head, tail } = ElectionBounds::<T>::get(queue);
			let start = head;
			while used < budget && skipped < stale_budget && head < tail {
				let Some(request) = Elections::<T>::get(queue, head) else {
					// An ended job's slot: free.
					head = head.saturating_add(1);
					skipped = skipped.saturating_add(1);
					continue;
				};
				if request.due > now {
					break;
				}
				Elections::<T>::remove(queue, head);
				head = head.saturating_add(1);
				let job = Jobs::<T>::get(request.job_id)
					.filter(|job| job.status == JobStatus::AwaitingTranscoder);
				let Some(job) = job else {
					// Cannot happen (ending a job removes its entry); free all the same.
					skipped = skipped.saturating_add(1);
					continue;
				};
				used = used.saturating_add(1);
				let candidates = candidates.get_or_insert_with(|| {
					let mut all = T::Directory::active_transcoders();
					all.truncate(T::MaxCandidates::get() as usize);
					all
				});
				Self::elect(request, job, candidates, now);
			}
			// Only the head: elections above may have pushed entries (moving the tail).
			if head != start {
				ElectionBounds::<T>::mutate(queue, |bounds| bounds.head = head);
			}
		}
		let considered = candidates.map_or(0, |all| u32::try_from(all.len()).unwrap_or(u32::MAX));
		(used, considered, skipped)
	}

	/// The election seed of `job_id` in this block.
	pub fn election_seed(job_id: JobId) -> [u8; 32] {
		let parent = frame_system::Pallet::<T>::parent_hash();
		sp_io_hash(&(ELECTION_CONTEXT, parent, job_id).encode())
	}

	/// Elects a transcoder for `job`, waiting and just taken out of its queue.
	pub(super) fn elect(
		request: ElectionRequest<T::AccountId, BlockNumberFor<T>>,
		mut job: JobOf<T>,
		candidates: &[CandidateOf<T>],
		now: BlockNumberFor<T>,
	) {
		let ElectionRequest { job_id, exclude, .. } = request;
		job.election_slot = None;
		let max_jobs = T::MaxJobsPerTranscoder::get() as usize;
		let eligible: Vec<&CandidateOf<T>> = candidates
			.iter()
			.filter(|candidate| {
				candidate.price_per_segment <= job.max_price_per_segment
					&& !candidate.stake.is_zero()
					&& exclude.as_ref() != Some(&candidate.who)
					&& TranscoderJobs::<T>::decode_len(&candidate.who).unwrap_or(0) < max_jobs
			})
			.collect();
		let stakes: Vec<u128> = eligible
			.iter()
			.map(|candidate| candidate.stake.unique_saturated_into())
			.collect();
		let chosen = select_weighted(&Self::election_seed(job_id), &stakes)
			.and_then(|index| eligible.get(index));
		let Some(chosen) = chosen else {
			let retry_at = now.saturating_add(T::ElectionRetryInterval::get());
			// See `on_transcoder_deactivated` for why a failed push is tolerable. The
			// exclusion is dropped: a retry interval (a round) later the directory no longer
			// lists a deactivated transcoder, and one that came back may work again.
			job.election_slot =
				Self::push_election(ElectionQueue::Retry, job_id, retry_at, None).ok();
			Jobs::<T>::insert(job_id, job);
			Self::deposit_event(Event::NoEligibleTranscoder { job_id, retry_at });
			return;
		};
		let transcoder = chosen.who.clone();
		if TranscoderJobs::<T>::try_mutate(&transcoder, |jobs| jobs.try_push(job_id)).is_err() {
			// Filtered above: cannot happen. Retry rather than lose the job.
			job.election_slot = Self::push_election(
				ElectionQueue::Retry,
				job_id,
				now.saturating_add(1u32.into()),
				exclude,
			)
			.ok();
			Jobs::<T>::insert(job_id, job);
			return;
		}
		let service_uri = T::Directory::service_uri(&transcoder);
		let price_per_segment = chosen.price_per_segment;
		job.status = JobStatus::Assigned;
		job.assignment = Some(Assignment {
			transcoder: transcoder.clone(),
			price_per_segment,
			service_uri: service_uri.clone(),
			assigned_at: now,
		});
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::TranscoderAssigned {
			job_id,
			transcoder,
			service_uri,
			price_per_segment,
		});
	}
}
