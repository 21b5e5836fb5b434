//! Reads for the runtime API (viewer page and tools).

use crate::{pallet::*, types::*, StreamId};
use alloc::vec::Vec;

impl<T: Config> Pallet<T> {
	/// Up to `limit` streams in storage order, starting after `start_after` (a stream id from
	/// the previous page), each with its status.
	pub fn streams_view(start_after: Option<StreamId>, limit: u32) -> Vec<(StreamId, StreamOf<T>)> {
		let limit = limit as usize;
		match start_after {
			Some(after) => Streams::<T>::iter_from(Streams::<T>::hashed_key_for(after))
				.take(limit)
				.collect(),
			None => Streams::<T>::iter().take(limit).collect(),
		}
	}

	/// One stream.
	pub fn stream_view(stream_id: StreamId) -> Option<StreamOf<T>> {
		Streams::<T>::get(stream_id)
	}

	/// Up to `limit` jobs of a stream, open or ended, in storage order (not by id), starting
	/// after job `start_after` (the last id of the previous page; `None` for the first page).
	/// Reads the `StreamJobs` index: at most `limit` index keys and `limit` jobs.
	pub fn jobs_of_stream_view(
		stream_id: StreamId,
		start_after: Option<JobId>,
		limit: u32,
	) -> Vec<(JobId, JobOf<T>)> {
		let ids: Vec<JobId> = match start_after {
			Some(after) => StreamJobs::<T>::iter_key_prefix_from(
				stream_id,
				StreamJobs::<T>::hashed_key_for(stream_id, after),
			)
			.take(limit as usize)
			.collect(),
			None => StreamJobs::<T>::iter_key_prefix(stream_id).take(limit as usize).collect(),
		};
		ids.into_iter()
			.filter_map(|job_id| Jobs::<T>::get(job_id).map(|job| (job_id, job)))
			.collect()
	}

	/// Up to `limit` jobs with ids from `from` on (ids are dense: 0, 1, 2, ...).
	pub fn jobs_view(from: JobId, limit: u32) -> Vec<(JobId, JobOf<T>)> {
		let end = NextJobId::<T>::get().min(from.saturating_add(u64::from(limit)));
		(from..end)
			.filter_map(|job_id| Jobs::<T>::get(job_id).map(|job| (job_id, job)))
			.collect()
	}

	/// One job.
	pub fn job_view(job_id: JobId) -> Option<JobOf<T>> {
		Jobs::<T>::get(job_id)
	}

	/// Up to `limit` unsettled claims of a job, in storage order (not by id), starting after
	/// claim `start_after` (the last id of the previous page; `None` for the first page).
	/// Reads the `JobClaims` index: at most `limit` index keys and `limit` claims.
	pub fn claims_of_job_view(
		job_id: JobId,
		start_after: Option<ClaimId>,
		limit: u32,
	) -> Vec<(ClaimId, ClaimOf<T>)> {
		let ids: Vec<ClaimId> = match start_after {
			Some(after) => JobClaims::<T>::iter_key_prefix_from(
				job_id,
				JobClaims::<T>::hashed_key_for(job_id, after),
			)
			.take(limit as usize)
			.collect(),
			None => JobClaims::<T>::iter_key_prefix(job_id).take(limit as usize).collect(),
		};
		ids.into_iter()
			.filter_map(|claim_id| Claims::<T>::get(claim_id).map(|claim| (claim_id, claim)))
			.collect()
	}

	/// The open jobs assigned to transcoder `who` (at most `MaxJobsPerTranscoder`: the
	/// `TranscoderJobs` index) and the jobs on which it has a grace claim (`GraceJobs`), by id.
	pub fn jobs_of_transcoder_view(who: T::AccountId) -> Vec<(JobId, JobOf<T>)> {
		let mut ids: Vec<JobId> = TranscoderJobs::<T>::get(&who).into_iter().collect();
		ids.extend(GraceJobs::<T>::iter_key_prefix(&who));
		ids.sort_unstable();
		ids.dedup();
		ids.into_iter()
			.filter_map(|job_id| Jobs::<T>::get(job_id).map(|job| (job_id, job)))
			.collect()
	}

	/// One unsettled claim.
	pub fn claim_view(claim_id: ClaimId) -> Option<ClaimOf<T>> {
		Claims::<T>::get(claim_id)
	}
}
