//! Retention: ended jobs and streams leave storage after `Retention` blocks, once nothing
//! refers to them any more (see the crate docs, "Retention").

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// Queues an ended job or stream for removal `Retention` blocks from now.
	pub(super) fn retain(item: Retired) {
		let mut bounds = RetentionBounds::<T>::get();
		Self::push_retained(&mut bounds, item, frame_system::Pallet::<T>::block_number());
		RetentionBounds::<T>::put(bounds);
	}

	fn push_retained(bounds: &mut QueueBounds, item: Retired, now: BlockNumberFor<T>) {
		let index = bounds.tail;
		let Some(tail) =
			index.checked_add(1).defensive_proof("a u64 queue counter cannot overflow")
		else {
			// The item then stays in storage, as it did before retention existed.
			return;
		};
		bounds.tail = tail;
		let due = now.saturating_add(T::Retention::get());
		RetentionQueue::<T>::insert(index, RetentionEntry { item, due });
	}

	/// The most one entry of the retention queue can weigh (removing a job or a stream, or
	/// queueing it again), charged before it runs.
	pub fn retention_entry_weight() -> Weight {
		T::WeightInfo::on_idle_retire_job().max(T::WeightInfo::on_idle_retire_stream())
	}

	/// Looks at the due entries of the retention queue, at most `MaxPayoutsPerBlock` and as
	/// many as fit in `limit` (each charged [`Self::retention_entry_weight`]). A due job is
	/// removed once it has no unsettled claim, grace claim or escrow; a due stream once none
	/// of its jobs is left; otherwise the entry is queued again for another period. Returns
	/// the weight used.
	pub(crate) fn run_retention(now: BlockNumberFor<T>, limit: Weight) -> Weight {
		let mut meter = WeightMeter::with_limit(limit);
		if meter.try_consume(T::DbWeight::get().reads(1)).is_err() {
			return Weight::zero();
		}
		let entry_weight = Self::retention_entry_weight();
		let mut bounds = RetentionBounds::<T>::get();
		let start = bounds;
		let mut looked = 0u32;
		while looked < T::MaxPayoutsPerBlock::get() && bounds.head < bounds.tail {
			if meter.try_consume(entry_weight).is_err() {
				break;
			}
			if let Some(entry) = RetentionQueue::<T>::get(bounds.head) {
				if entry.due > now {
					break;
				}
				RetentionQueue::<T>::remove(bounds.head);
				if !Self::remove_retired(entry.item) {
					Self::push_retained(&mut bounds, entry.item, now);
				}
			}
			bounds.head = bounds.head.saturating_add(1);
			looked = looked.saturating_add(1);
		}
		if bounds != start {
			RetentionBounds::<T>::put(bounds);
		}
		meter.consumed()
	}

	/// Removes an ended job or stream if nothing refers to it any more. Returns false if it
	/// must stay for now (the caller queues it again); true if it was removed or is gone.
	fn remove_retired(item: Retired) -> bool {
		match item {
			Retired::Job(job_id) => {
				let Some(job) = Jobs::<T>::get(job_id) else { return true };
				let settled = job.status == JobStatus::Ended
					&& job.graces.is_empty()
					&& job.escrow.is_zero()
					&& JobClaims::<T>::iter_prefix(job_id).next().is_none();
				if !settled {
					return false;
				}
				Jobs::<T>::remove(job_id);
				StreamJobs::<T>::remove(job.stream_id, job_id);
				Self::deposit_event(Event::JobRemoved { job_id });
			},
			Retired::Stream(stream_id) => {
				let Some(stream) = Streams::<T>::get(stream_id) else { return true };
				if stream.status.is_open() {
					// Streams never reopen; an entry for an open stream is stale.
					return true;
				}
				if StreamJobs::<T>::iter_prefix(stream_id).next().is_some() {
					return false;
				}
				Streams::<T>::remove(stream_id);
				Self::deposit_event(Event::StreamRemoved { stream_id });
			},
		}
		true
	}
}
