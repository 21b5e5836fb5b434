//! `jobs_*` RPC methods: streams, jobs and unsettled claims of pallet-jobs, for the viewer page,
//! the broadcaster tool and the transcoder. Stream ids and Merkle roots are 0x-hex, balances
//! decimal strings, titles and service URIs UTF-8 (lossy). Paging and errors: see [`super`].

use std::sync::Arc;

use super::{page_limit, read_at, runtime_error, text, Amount, BlockHash, MAX_PAGE};

use jsonrpsee::{
	core::{async_trait, RpcResult},
	proc_macros::rpc,
};
use olc_runtime::{opaque::Block, AccountId, Balance, BlockNumber};
use pallet_jobs::{
	ClaimId, ClaimInfo, JobId, JobInfo, JobStatus, SegmentSeq, StreamId, StreamInfo, StreamStatus,
};
use pallet_jobs_runtime_api::JobsApi as RuntimeApi;
use serde::Serialize;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::H256;

/// The `jobs_*` methods.
#[rpc(server)]
pub trait JobsApi {
	/// Up to `limit` (at most 100) streams after `startAfter` (the last stream id of the
	/// previous page, or null for the first page), in storage order.
	#[method(name = "jobs_streams")]
	async fn streams(
		&self,
		start_after: Option<H256>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Stream>>;

	/// One stream, or null.
	#[method(name = "jobs_stream")]
	async fn stream(&self, stream_id: H256, at: Option<BlockHash>) -> RpcResult<Option<Stream>>;

	/// Up to `limit` (at most 100) jobs of a stream, open or ended, after job `startAfter` (the
	/// last id of the previous page, or null), in storage order (not by id).
	#[method(name = "jobs_jobsOfStream")]
	async fn jobs_of_stream(
		&self,
		stream_id: H256,
		start_after: Option<JobId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Job>>;

	/// Up to `limit` (at most 100) jobs with ids from `from` on (ids are dense), by id.
	#[method(name = "jobs_jobs")]
	async fn jobs(
		&self,
		from: Option<JobId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Job>>;

	/// One job, or null.
	#[method(name = "jobs_job")]
	async fn job(&self, job_id: JobId, at: Option<BlockHash>) -> RpcResult<Option<Job>>;

	/// Up to `limit` (at most 100) unsettled claims of a job after claim `startAfter` (the last
	/// id of the previous page, or null), in storage order (not by id).
	#[method(name = "jobs_claimsOfJob")]
	async fn claims_of_job(
		&self,
		job_id: JobId,
		start_after: Option<ClaimId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Claim>>;

	/// The open jobs of a stream (at most 4, so not paged) with their assignments: where a
	/// broadcaster pushes its segments (`assignment.serviceUri` of each assigned job).
	#[method(name = "jobs_openJobsOfStream")]
	async fn open_jobs_of_stream(
		&self,
		stream_id: H256,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Job>>;

	/// Up to `limit` (at most 100) of the jobs of transcoder `who` (its open assigned jobs and
	/// those it may still claim on during a grace period) with ids above `startAfter`, by id.
	#[method(name = "jobs_jobsOfTranscoder")]
	async fn jobs_of_transcoder(
		&self,
		who: AccountId,
		start_after: Option<JobId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Job>>;
}

/// A stream's status.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StreamState {
	/// Created, not live.
	Idle,
	/// Live.
	Live,
	/// Ended by its owner.
	Ended,
	/// Banned after an upheld report.
	Banned,
}

impl From<StreamStatus> for StreamState {
	fn from(status: StreamStatus) -> Self {
		match status {
			StreamStatus::Idle => StreamState::Idle,
			StreamStatus::Live => StreamState::Live,
			StreamStatus::Ended => StreamState::Ended,
			StreamStatus::Banned => StreamState::Banned,
		}
	}
}

/// A job's status.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum JobState {
	/// Waiting for the election of a transcoder.
	AwaitingTranscoder,
	/// A transcoder is assigned.
	Assigned,
	/// Ended.
	Ended,
}

impl From<JobStatus> for JobState {
	fn from(status: JobStatus) -> Self {
		match status {
			JobStatus::AwaitingTranscoder => JobState::AwaitingTranscoder,
			JobStatus::Assigned => JobState::Assigned,
			JobStatus::Ended => JobState::Ended,
		}
	}
}

/// A stream.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stream {
	/// The stream id.
	pub id: H256,
	/// The broadcaster's account.
	pub owner: AccountId,
	/// The title.
	pub title: String,
	/// The status.
	pub status: StreamState,
	/// The block it was created in.
	pub created_at: BlockNumber,
	/// The ids of its open jobs.
	pub open_jobs: Vec<JobId>,
}

impl Stream {
	fn new(id: StreamId, stream: StreamInfo<AccountId, BlockNumber>) -> Self {
		Stream {
			id: H256(id.0),
			owner: stream.owner,
			title: text(&stream.title),
			status: stream.status.into(),
			created_at: stream.created_at,
			open_jobs: stream.open_jobs.to_vec(),
		}
	}
}

/// One rendition of a job's ladder.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
	/// The profile's name, e.g. `720p`.
	pub name: String,
	/// Width in pixels.
	pub width: u32,
	/// Height in pixels.
	pub height: u32,
	/// Bitrate in kbit/s.
	pub bitrate_kbps: u32,
	/// Frames per second.
	pub fps: u32,
}

/// A job's transcoder.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
	/// The transcoder's account.
	pub transcoder: AccountId,
	/// The price per segment and profile it works for.
	pub price_per_segment: Amount,
	/// Where the broadcaster pushes segments.
	pub service_uri: String,
	/// The block it was assigned in.
	pub assigned_at: BlockNumber,
}

/// A job.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
	/// The job id.
	pub id: JobId,
	/// Its stream.
	pub stream_id: H256,
	/// The broadcaster's account.
	pub broadcaster: AccountId,
	/// The ladder.
	pub profiles: Vec<Profile>,
	/// The most the broadcaster pays per segment and profile.
	pub max_price_per_segment: Amount,
	/// The deposit left.
	pub deposit: Amount,
	/// Escrowed for unsettled claims.
	pub escrow: Amount,
	/// Paid to transcoders so far.
	pub paid: Amount,
	/// The status.
	pub status: JobState,
	/// The assigned transcoder, if any.
	pub assignment: Option<Assignment>,
	/// The block it was created in.
	pub created_at: BlockNumber,
	/// The block it expires at.
	pub expires_at: BlockNumber,
	/// The first segment the assigned transcoder may claim next.
	pub next_claimable_seq: SegmentSeq,
}

impl Job {
	fn new(id: JobId, job: JobInfo<AccountId, Balance, BlockNumber>) -> Self {
		Job {
			id,
			stream_id: H256(job.stream_id.0),
			broadcaster: job.broadcaster,
			profiles: job
				.profiles
				.iter()
				.map(|profile| Profile {
					name: text(&profile.name),
					width: profile.width,
					height: profile.height,
					bitrate_kbps: profile.bitrate_kbps,
					fps: profile.fps,
				})
				.collect(),
			max_price_per_segment: Amount(job.max_price_per_segment),
			deposit: Amount(job.deposit),
			escrow: Amount(job.escrow),
			paid: Amount(job.paid),
			status: job.status.into(),
			assignment: job.assignment.map(|assignment| Assignment {
				transcoder: assignment.transcoder,
				price_per_segment: Amount(assignment.price_per_segment),
				service_uri: text(&assignment.service_uri),
				assigned_at: assignment.assigned_at,
			}),
			created_at: job.created_at,
			expires_at: job.expires_at,
			next_claimable_seq: job.next_claimable_seq,
		}
	}
}

/// An unsettled claim.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
	/// The claim id.
	pub id: ClaimId,
	/// Its job.
	pub job_id: JobId,
	/// The broadcaster who pays.
	pub broadcaster: AccountId,
	/// The transcoder who claims.
	pub transcoder: AccountId,
	/// The first segment claimed.
	pub start_seq: SegmentSeq,
	/// The last segment claimed.
	pub end_seq: SegmentSeq,
	/// The Merkle root of the claimed segments' receipts.
	pub merkle_root: H256,
	/// The fee escrowed for it.
	pub fee: Amount,
	/// The block it was claimed in.
	pub claimed_at: BlockNumber,
	/// The first block it can be paid in.
	pub payable_at: BlockNumber,
}

impl Claim {
	fn new(id: ClaimId, claim: ClaimInfo<AccountId, Balance, BlockNumber>) -> Self {
		Claim {
			id,
			job_id: claim.job_id,
			broadcaster: claim.broadcaster,
			transcoder: claim.transcoder,
			start_seq: claim.start_seq,
			end_seq: claim.end_seq,
			merkle_root: H256(claim.merkle_root),
			fee: Amount(claim.fee),
			claimed_at: claim.claimed_at,
			payable_at: claim.payable_at,
		}
	}
}

/// The `jobs_*` methods over a client.
pub struct Jobs<C> {
	client: Arc<C>,
}

impl<C> Jobs<C> {
	/// The methods reading through `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

#[async_trait]
impl<C> JobsApiServer for Jobs<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RuntimeApi<Block, AccountId, Balance, BlockNumber>,
{
	async fn streams(
		&self,
		start_after: Option<H256>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Stream>> {
		let limit = page_limit(limit, MAX_PAGE)?;
		read_at(&self.client, at, move |client, at| {
			let streams = client
				.runtime_api()
				.streams(at, start_after.map(|id| StreamId(id.0)), limit)
				.map_err(runtime_error)?;
			Ok(streams.into_iter().map(|(id, stream)| Stream::new(id, stream)).collect())
		})
		.await
	}

	async fn stream(&self, stream_id: H256, at: Option<BlockHash>) -> RpcResult<Option<Stream>> {
		read_at(&self.client, at, move |client, at| {
			let id = StreamId(stream_id.0);
			let stream = client.runtime_api().stream(at, id).map_err(runtime_error)?;
			Ok(stream.map(|stream| Stream::new(id, stream)))
		})
		.await
	}

	async fn jobs_of_stream(
		&self,
		stream_id: H256,
		start_after: Option<JobId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Job>> {
		let limit = page_limit(limit, MAX_PAGE)?;
		read_at(&self.client, at, move |client, at| {
			let jobs = client
				.runtime_api()
				.jobs_of_stream(at, StreamId(stream_id.0), start_after, limit)
				.map_err(runtime_error)?;
			Ok(jobs.into_iter().map(|(id, job)| Job::new(id, job)).collect())
		})
		.await
	}

	async fn jobs(
		&self,
		from: Option<JobId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Job>> {
		let limit = page_limit(limit, MAX_PAGE)?;
		read_at(&self.client, at, move |client, at| {
			let jobs =
				client.runtime_api().jobs(at, from.unwrap_or(0), limit).map_err(runtime_error)?;
			Ok(jobs.into_iter().map(|(id, job)| Job::new(id, job)).collect())
		})
		.await
	}

	async fn job(&self, job_id: JobId, at: Option<BlockHash>) -> RpcResult<Option<Job>> {
		read_at(&self.client, at, move |client, at| {
			let job = client.runtime_api().job(at, job_id).map_err(runtime_error)?;
			Ok(job.map(|job| Job::new(job_id, job)))
		})
		.await
	}

	async fn claims_of_job(
		&self,
		job_id: JobId,
		start_after: Option<ClaimId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Claim>> {
		let limit = page_limit(limit, MAX_PAGE)?;
		read_at(&self.client, at, move |client, at| {
			let claims = client
				.runtime_api()
				.claims_of_job(at, job_id, start_after, limit)
				.map_err(runtime_error)?;
			Ok(claims.into_iter().map(|(id, claim)| Claim::new(id, claim)).collect())
		})
		.await
	}

	async fn open_jobs_of_stream(
		&self,
		stream_id: H256,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Job>> {
		read_at(&self.client, at, move |client, at| {
			let api = client.runtime_api();
			let Some(stream) = api.stream(at, StreamId(stream_id.0)).map_err(runtime_error)? else {
				return Ok(Vec::new());
			};
			let mut jobs = Vec::with_capacity(stream.open_jobs.len());
			for job_id in stream.open_jobs.iter().copied() {
				if let Some(job) = api.job(at, job_id).map_err(runtime_error)? {
					jobs.push(Job::new(job_id, job));
				}
			}
			Ok(jobs)
		})
		.await
	}

	async fn jobs_of_transcoder(
		&self,
		who: AccountId,
		start_after: Option<JobId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Job>> {
		let limit = page_limit(limit, MAX_PAGE)?;
		read_at(&self.client, at, move |client, at| {
			// Bounded in the runtime (`MaxJobsPerTranscoder` and the grace jobs), by id.
			let jobs = client.runtime_api().jobs_of_transcoder(at, who).map_err(runtime_error)?;
			Ok(jobs
				.into_iter()
				.filter(|(id, _)| start_after.is_none_or(|after| *id > after))
				.take(limit as usize)
				.map(|(id, job)| Job::new(id, job))
				.collect())
		})
		.await
	}
}
