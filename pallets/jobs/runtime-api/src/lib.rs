//! Runtime API of pallet-jobs, for RPC, the viewer page and tools: streams with their status,
//! jobs with their transcoder, deposit and escrow, and unsettled claims.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use olc_primitives::StreamId;
pub use pallet_jobs::{ClaimId, ClaimInfo, JobId, JobInfo, JobStatus, StreamInfo, StreamStatus};

sp_api::decl_runtime_apis! {
	/// Reads of pallet-jobs. A runtime implements it with the pallet's `streams_view`,
	/// `stream_view`, `jobs_of_stream_view`, `jobs_view`, `job_view`, `claims_of_job_view`,
	/// `jobs_of_transcoder_view` and `claim_view`.
	///
	/// Every list is bounded: a page of at most `limit` items read through an index, or a list
	/// bounded by a pallet constant.
	///
	/// Version 2 pages `jobs_of_stream` and `claims_of_job` (`start_after`, `limit`; version 1
	/// returned them whole). The node and the runtime are released together: the node's RPC
	/// calls version 2 and answers a runtime API error on a runtime of version 1.
	#[api_version(2)]
	pub trait JobsApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Up to `limit` streams, starting after stream `start_after` (the last id of the
		/// previous page; `None` for the first page).
		fn streams(start_after: Option<StreamId>, limit: u32) -> Vec<(StreamId, StreamInfo<AccountId, BlockNumber>)>;

		/// One stream.
		fn stream(stream_id: StreamId) -> Option<StreamInfo<AccountId, BlockNumber>>;

		/// Up to `limit` jobs of a stream, open or ended, in storage order (not by id), starting
		/// after job `start_after` (the last id of the previous page; `None` for the first page).
		fn jobs_of_stream(
			stream_id: StreamId,
			start_after: Option<JobId>,
			limit: u32,
		) -> Vec<(JobId, JobInfo<AccountId, Balance, BlockNumber>)>;

		/// Up to `limit` jobs with ids from `from` on.
		fn jobs(from: JobId, limit: u32) -> Vec<(JobId, JobInfo<AccountId, Balance, BlockNumber>)>;

		/// One job.
		fn job(job_id: JobId) -> Option<JobInfo<AccountId, Balance, BlockNumber>>;

		/// Up to `limit` unsettled claims of a job, in storage order (not by id), starting after
		/// claim `start_after` (the last id of the previous page; `None` for the first page).
		fn claims_of_job(
			job_id: JobId,
			start_after: Option<ClaimId>,
			limit: u32,
		) -> Vec<(ClaimId, ClaimInfo<AccountId, Balance, BlockNumber>)>;

		/// The open jobs assigned to transcoder `who` (at most `MaxJobsPerTranscoder`) and the
		/// jobs on which it may still claim work during a grace period, by id.
		fn jobs_of_transcoder(who: AccountId) -> Vec<(JobId, JobInfo<AccountId, Balance, BlockNumber>)>;

		/// One unsettled claim.
		fn claim(claim_id: ClaimId) -> Option<ClaimInfo<AccountId, Balance, BlockNumber>>;
	}
}
