//! How streams and jobs end (by their owner, a ban or the stream), and the claim grace period
//! of an ended job.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	pub(super) fn set_stream_status(
		stream_id: StreamId,
		stream: &mut StreamOf<T>,
		status: StreamStatus,
	) {
		if stream.status != status {
			stream.status = status;
			Self::deposit_event(Event::StreamStatusChanged { stream_id, status });
		}
	}

	/// Ends a job and updates its stream.
	pub(super) fn end_with_stream(
		job_id: JobId,
		job: JobOf<T>,
		reason: EndReason,
	) -> DispatchResult {
		let stream_id = job.stream_id;
		let mut stream = Streams::<T>::get(stream_id).ok_or(Error::<T>::UnknownStream)?;
		Self::end_job_in(job_id, job, &mut stream, reason)?;
		if stream.open_jobs.is_empty() && stream.status == StreamStatus::Live {
			Self::set_stream_status(stream_id, &mut stream, StreamStatus::Idle);
		}
		Streams::<T>::insert(stream_id, stream);
		Ok(())
	}

	/// Ends every open job of a stream and sets its final status. Returns the jobs ended.
	pub(super) fn close_stream(
		stream_id: StreamId,
		mut stream: StreamOf<T>,
		status: StreamStatus,
	) -> Result<u32, DispatchError> {
		let reason = match status {
			StreamStatus::Banned => EndReason::StreamBanned,
			_ => EndReason::StreamEnded,
		};
		let open = stream.open_jobs.clone();
		let mut ended = 0u32;
		for job_id in open {
			if let Some(job) = Jobs::<T>::get(job_id) {
				Self::end_job_in(job_id, job, &mut stream, reason)?;
				ended = ended.saturating_add(1);
			}
		}
		stream.open_jobs = Default::default();
		stream.status = status;
		if !status.is_open() {
			OwnerStreams::<T>::mutate_exists(&stream.owner, |open| {
				if let Some(list) = open {
					list.retain(|id| *id != stream_id);
					if list.is_empty() {
						*open = None;
					}
				}
			});
			Self::retain(Retired::Stream(stream_id));
		}
		Streams::<T>::insert(stream_id, stream);
		Ok(ended)
	}

	/// Ends a job: releases its deposit, frees its transcoder, removes it from the stream's
	/// open jobs (the caller stores the stream).
	pub(super) fn end_job_in(
		job_id: JobId,
		mut job: JobOf<T>,
		stream: &mut StreamOf<T>,
		reason: EndReason,
	) -> DispatchResult {
		if job.status == JobStatus::Assigned {
			Self::start_grace(job_id, &mut job);
		}
		// A waiting job leaves its election queue: its slot must not delay other elections.
		if let Some((queue, index)) = job.election_slot.take() {
			Elections::<T>::remove(queue, index);
		}
		let released = job.deposit;
		if !released.is_zero() {
			T::Currency::release(
				&HoldReason::JobDeposit.into(),
				&job.broadcaster,
				released,
				Precision::Exact,
			)?;
		}
		if let (JobStatus::Assigned, Some(assignment)) = (job.status, &job.assignment) {
			TranscoderJobs::<T>::mutate(&assignment.transcoder, |jobs| {
				jobs.retain(|id| *id != job_id)
			});
		}
		stream.open_jobs.retain(|id| *id != job_id);
		job.deposit = Zero::zero();
		job.status = JobStatus::Ended;
		Jobs::<T>::insert(job_id, job);
		Self::retain(Retired::Job(job_id));
		Self::deposit_event(Event::JobEnded { job_id, reason, released });
		Ok(())
	}

	/// Gives the transcoder assigned to `job` (the caller takes the assignment away and
	/// stores the job) a grace claim: the work it did stays claimable for
	/// `ClaimGracePeriod` blocks, paid from a reservation of the deposit of at most
	/// `MinSegmentsCovered` segments of every profile at its price (what a new job's deposit
	/// must cover; the worker claims more often than that). No grace when the job has
	/// `MAX_GRACES_PER_JOB` already, or the reservation would be zero.
	pub(super) fn start_grace(job_id: JobId, job: &mut JobOf<T>) {
		let Some(assignment) = &job.assignment else { return };
		let transcoder = assignment.transcoder.clone();
		let price = assignment.price_per_segment;
		let cap = Self::fee_for(u64::from(T::MinSegmentsCovered::get()), job.profiles.len(), price)
			.unwrap_or(job.deposit);
		let reserved = job.deposit.min(cap);
		if reserved.is_zero() {
			return;
		}
		let now = frame_system::Pallet::<T>::block_number();
		let until = now.saturating_add(T::ClaimGracePeriod::get());
		let next_claimable_seq = job.next_claimable_seq;
		let existing = job.graces.iter_mut().find(|grace| grace.transcoder == transcoder);
		match existing {
			// Left the same job a second time within its grace: one reservation, the later end.
			Some(grace) => {
				grace.reserved = grace.reserved.saturating_add(reserved);
				grace.until = until;
				grace.price_per_segment = price;
			},
			None => {
				let grace = Grace {
					transcoder: transcoder.clone(),
					price_per_segment: price,
					reserved,
					until,
					next_claimable_seq,
				};
				if job.graces.try_push(grace).is_err() {
					return;
				}
			},
		}
		let mut bounds = GraceBounds::<T>::get();
		let index = bounds.tail;
		let Some(tail) = index.checked_add(1) else {
			// The queue counter cannot overflow u64 in practice; without an expiry entry the
			// grace would never end, so give none.
			job.graces.retain(|grace| grace.transcoder != transcoder);
			return;
		};
		bounds.tail = tail;
		GraceQueue::<T>::insert(
			index,
			GraceExpiry { job_id, transcoder: transcoder.clone(), until },
		);
		GraceBounds::<T>::put(bounds);
		job.deposit = job.deposit.saturating_sub(reserved);
		GraceJobs::<T>::insert(&transcoder, job_id, ());
		Self::deposit_event(Event::GraceStarted { job_id, transcoder, reserved, until });
	}

	/// Ends the grace periods that are over, at most `MaxPayoutsPerBlock`. Returns how many
	/// queue entries it looked at.
	pub(crate) fn run_grace_expiries(now: BlockNumberFor<T>) -> u32 {
		let budget = T::MaxPayoutsPerBlock::get();
		let mut bounds = GraceBounds::<T>::get();
		let start = bounds.head;
		let mut used = 0u32;
		while used < budget && bounds.head < bounds.tail {
			if let Some(entry) = GraceQueue::<T>::get(bounds.head) {
				if entry.until >= now {
					break;
				}
				GraceQueue::<T>::remove(bounds.head);
				Self::end_grace(entry);
			}
			bounds.head = bounds.head.saturating_add(1);
			used = used.saturating_add(1);
		}
		if bounds.head != start {
			GraceBounds::<T>::put(bounds);
		}
		used
	}

	/// Ends a grace claim whose period is over: what is left of its reservation goes back to
	/// the job's deposit, or to the broadcaster if the job ended. An entry for a grace that
	/// was extended since (the transcoder left the job again) is stale and ignored.
	pub(super) fn end_grace(entry: GraceExpiry<T::AccountId, BlockNumberFor<T>>) {
		let GraceExpiry { job_id, transcoder, until } = entry;
		let Some(mut job) = Jobs::<T>::get(job_id) else { return };
		let Some(index) = job
			.graces
			.iter()
			.position(|grace| grace.transcoder == transcoder && grace.until == until)
		else {
			return;
		};
		let returned = job.graces.get(index).map_or_else(Zero::zero, |grace| grace.reserved);
		let to_deposit = job.status != JobStatus::Ended;
		if to_deposit {
			job.deposit = job.deposit.saturating_add(returned);
		} else if !returned.is_zero() {
			// The reservation is on hold under `JobDeposit`, recorded by this job: releasing
			// it fails only on a bug, and then the grace stays (and `do_try_state` says so).
			let released = T::Currency::release(
				&HoldReason::JobDeposit.into(),
				&job.broadcaster,
				returned,
				Precision::Exact,
			);
			if released.is_err() {
				return;
			}
		}
		job.graces.remove(index);
		Jobs::<T>::insert(job_id, job);
		GraceJobs::<T>::remove(&transcoder, job_id);
		Self::deposit_event(Event::GraceEnded { job_id, transcoder, returned, to_deposit });
	}
}
