//! `jobs_*` RPC methods: streams, jobs and unsettled claims of pallet-jobs as JSON, for the
//! viewer page, the broadcaster tool and the transcoder. Stream ids and Merkle roots are 0x-hex,
//! balances decimal strings (they exceed what a JSON number holds exactly), titles and service
//! URIs UTF-8 (lossy).

use std::sync::Arc;

use super::{hex, runtime_error};

use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use olc_runtime::{opaque::Block, AccountId, Balance, BlockNumber};
use pallet_jobs::{ClaimInfo, JobId, JobInfo, JobStatus, StreamId, StreamInfo, StreamStatus};
use pallet_jobs_runtime_api::JobsApi as RuntimeApi;
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::Block as BlockT;

type BlockHash = <Block as BlockT>::Hash;

/// The most entries one listing returns.
const MAX_PAGE: u32 = 100;

#[rpc(client, server)]
pub trait JobsApi {
	/// Up to `limit` (at most 100) streams after `startAfter` (the last stream id of the
	/// previous page, or null for the first page), in storage order.
	#[method(name = "jobs_streams")]
	fn streams(&self, start_after: Option<H256>, limit: Option<u32>, at: Option<BlockHash>) -> RpcResult<Value>;

	/// One stream, or null.
	#[method(name = "jobs_stream")]
	fn stream(&self, stream_id: H256, at: Option<BlockHash>) -> RpcResult<Value>;

	/// Every job of a stream, open or ended, by id.
	#[method(name = "jobs_jobsOfStream")]
	fn jobs_of_stream(&self, stream_id: H256, at: Option<BlockHash>) -> RpcResult<Value>;

	/// Up to `limit` (at most 100) jobs with ids from `from` on.
	#[method(name = "jobs_jobs")]
	fn jobs(&self, from: Option<JobId>, limit: Option<u32>, at: Option<BlockHash>) -> RpcResult<Value>;

	/// One job, or null.
	#[method(name = "jobs_job")]
	fn job(&self, job_id: JobId, at: Option<BlockHash>) -> RpcResult<Value>;

	/// The unsettled claims of a job, oldest first.
	#[method(name = "jobs_claimsOfJob")]
	fn claims_of_job(&self, job_id: JobId, at: Option<BlockHash>) -> RpcResult<Value>;

	/// The open jobs of a stream (at most 4) with their assignments: where a broadcaster pushes
	/// its segments (`assignment.serviceUri` of each assigned job).
	#[method(name = "jobs_openJobsOfStream")]
	fn open_jobs_of_stream(&self, stream_id: H256, at: Option<BlockHash>) -> RpcResult<Value>;

	/// Up to `limit` (at most 100) of the open jobs assigned to transcoder `who`, with ids above
	/// `startAfter`, by id.
	#[method(name = "jobs_jobsOfTranscoder")]
	fn jobs_of_transcoder(
		&self,
		who: AccountId,
		start_after: Option<JobId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Value>;
}

pub struct Jobs<C> {
	client: Arc<C>,
}

impl<C> Jobs<C> {
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

fn stream_status(status: StreamStatus) -> &'static str {
	match status {
		StreamStatus::Idle => "idle",
		StreamStatus::Live => "live",
		StreamStatus::Ended => "ended",
		StreamStatus::Banned => "banned",
	}
}

fn job_status(status: JobStatus) -> &'static str {
	match status {
		JobStatus::AwaitingTranscoder => "awaitingTranscoder",
		JobStatus::Assigned => "assigned",
		JobStatus::Ended => "ended",
	}
}

fn stream_json(id: &StreamId, stream: &StreamInfo<AccountId, BlockNumber>) -> Value {
	json!({
		"id": hex(&id.0),
		"owner": stream.owner.to_string(),
		"title": String::from_utf8_lossy(&stream.title),
		"status": stream_status(stream.status),
		"createdAt": stream.created_at,
		"openJobs": stream.open_jobs.to_vec(),
	})
}

fn job_json(id: JobId, job: &JobInfo<AccountId, Balance, BlockNumber>) -> Value {
	json!({
		"id": id,
		"streamId": hex(&job.stream_id.0),
		"broadcaster": job.broadcaster.to_string(),
		"profiles": job.profiles.iter().map(|profile| json!({
			"name": String::from_utf8_lossy(&profile.name),
			"width": profile.width,
			"height": profile.height,
			"bitrateKbps": profile.bitrate_kbps,
			"fps": profile.fps,
		})).collect::<Vec<_>>(),
		"maxPricePerSegment": job.max_price_per_segment.to_string(),
		"deposit": job.deposit.to_string(),
		"escrow": job.escrow.to_string(),
		"paid": job.paid.to_string(),
		"status": job_status(job.status),
		"assignment": job.assignment.as_ref().map(|assignment| json!({
			"transcoder": assignment.transcoder.to_string(),
			"pricePerSegment": assignment.price_per_segment.to_string(),
			"serviceUri": String::from_utf8_lossy(&assignment.service_uri),
			"assignedAt": assignment.assigned_at,
		})),
		"createdAt": job.created_at,
		"expiresAt": job.expires_at,
		"nextClaimableSeq": job.next_claimable_seq,
	})
}

fn claim_json(id: u64, claim: &ClaimInfo<AccountId, Balance, BlockNumber>) -> Value {
	json!({
		"id": id,
		"jobId": claim.job_id,
		"broadcaster": claim.broadcaster.to_string(),
		"transcoder": claim.transcoder.to_string(),
		"startSeq": claim.start_seq,
		"endSeq": claim.end_seq,
		"merkleRoot": hex(&claim.merkle_root),
		"fee": claim.fee.to_string(),
		"claimedAt": claim.claimed_at,
		"payableAt": claim.payable_at,
	})
}

impl<C> JobsApiServer for Jobs<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RuntimeApi<Block, AccountId, Balance, BlockNumber>,
{
	fn streams(&self, start_after: Option<H256>, limit: Option<u32>, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let limit = limit.unwrap_or(MAX_PAGE).min(MAX_PAGE);
		let streams = self
			.client
			.runtime_api()
			.streams(at, start_after.map(|id| StreamId(id.0)), limit)
			.map_err(runtime_error)?;
		Ok(Value::Array(streams.iter().map(|(id, stream)| stream_json(id, stream)).collect()))
	}

	fn stream(&self, stream_id: H256, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let id = StreamId(stream_id.0);
		let stream = self.client.runtime_api().stream(at, id).map_err(runtime_error)?;
		Ok(stream.map_or(Value::Null, |stream| stream_json(&id, &stream)))
	}

	fn jobs_of_stream(&self, stream_id: H256, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let jobs = self
			.client
			.runtime_api()
			.jobs_of_stream(at, StreamId(stream_id.0))
			.map_err(runtime_error)?;
		Ok(Value::Array(jobs.iter().map(|(id, job)| job_json(*id, job)).collect()))
	}

	fn jobs(&self, from: Option<JobId>, limit: Option<u32>, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let limit = limit.unwrap_or(MAX_PAGE).min(MAX_PAGE);
		let jobs =
			self.client.runtime_api().jobs(at, from.unwrap_or(0), limit).map_err(runtime_error)?;
		Ok(Value::Array(jobs.iter().map(|(id, job)| job_json(*id, job)).collect()))
	}

	fn job(&self, job_id: JobId, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let job = self.client.runtime_api().job(at, job_id).map_err(runtime_error)?;
		Ok(job.map_or(Value::Null, |job| job_json(job_id, &job)))
	}

	fn claims_of_job(&self, job_id: JobId, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let claims = self.client.runtime_api().claims_of_job(at, job_id).map_err(runtime_error)?;
		Ok(Value::Array(claims.iter().map(|(id, claim)| claim_json(*id, claim)).collect()))
	}

	fn open_jobs_of_stream(&self, stream_id: H256, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let api = self.client.runtime_api();
		let Some(stream) = api.stream(at, StreamId(stream_id.0)).map_err(runtime_error)? else {
			return Ok(Value::Array(Vec::new()));
		};
		let mut jobs = Vec::with_capacity(stream.open_jobs.len());
		for job_id in stream.open_jobs.iter().copied() {
			if let Some(job) = api.job(at, job_id).map_err(runtime_error)? {
				jobs.push(job_json(job_id, &job));
			}
		}
		Ok(Value::Array(jobs))
	}

	fn jobs_of_transcoder(
		&self,
		who: AccountId,
		start_after: Option<JobId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let limit = limit.unwrap_or(MAX_PAGE).min(MAX_PAGE) as usize;
		let jobs = self.client.runtime_api().jobs_of_transcoder(at, who).map_err(runtime_error)?;
		Ok(Value::Array(
			jobs.iter()
				.filter(|(id, _)| start_after.is_none_or(|after| *id > after))
				.take(limit)
				.map(|(id, job)| job_json(*id, job))
				.collect(),
		))
	}
}
