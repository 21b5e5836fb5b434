//! `verification_*` RPC methods: a claim's challenged segments, its verification state with the
//! committees, and the segments a verifier has to vote on. Hashes are 0x-hex, balances decimal
//! strings, statuses the variant names of the runtime types. Paging and errors: see [`super`].

use std::sync::Arc;

use super::{page_limit, read_at, runtime_error, Amount, BlockHash, MAX_PAGE};

use jsonrpsee::{
	core::{async_trait, RpcResult},
	proc_macros::rpc,
};
use olc_runtime::{opaque::Block, AccountId, Balance, BlockNumber};
use pallet_jobs::{ClaimId, SegmentSeq};
use pallet_verification_runtime_api::VerificationApi as RuntimeApi;
use serde::Serialize;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::H256;

/// The `verification_*` methods.
#[rpc(server)]
pub trait VerificationApi {
	/// The challenged segments of a claim, in order; null until they are issued (two blocks
	/// after the claim or later), or when the claim is unknown or settled.
	#[method(name = "verification_challenges")]
	async fn challenges(
		&self,
		claim_id: ClaimId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Vec<SegmentSeq>>>;

	/// A claim's verification: status, challenges with their status, proof deadline and the
	/// committees (members, stake, votes, deadline) of segments under review; or null.
	#[method(name = "verification_claimCheck")]
	async fn claim_check(
		&self,
		claim_id: ClaimId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<ClaimCheck>>;

	/// Up to `limit` (at most 100) of the segments `who` sits on the committee of and has not
	/// voted on, after `startAfter` (`[claimId, seq]` of the last duty of the previous page, or
	/// null), in storage order: the hashes to check the claimant's files against and the
	/// deadline.
	#[method(name = "verification_duties")]
	async fn duties(
		&self,
		who: AccountId,
		start_after: Option<(ClaimId, SegmentSeq)>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Duty>>;
}

/// A challenged segment and its status.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Challenge {
	/// The segment's sequence number.
	pub seq: SegmentSeq,
	/// Its status (the runtime's `SegmentStatus` variant name).
	pub status: String,
}

/// A committee member's seat.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
	/// The verifier.
	pub account: AccountId,
	/// Its stake when drawn.
	pub stake: Amount,
	/// Its vote, or null.
	pub vote: Option<bool>,
}

/// The committee of a segment under review.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Committee {
	/// The segment.
	pub seq: SegmentSeq,
	/// The last block of its voting period.
	pub deadline: BlockNumber,
	/// Its members.
	pub members: Vec<Member>,
}

/// A claim's verification.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimCheck {
	/// The claimant.
	pub transcoder: AccountId,
	/// The status (the runtime's `CheckStatus` variant name).
	pub status: String,
	/// The challenged segments.
	pub challenges: Vec<Challenge>,
	/// The last block for the proofs, once the challenges are issued.
	pub proof_deadline: Option<BlockNumber>,
	/// The committees of the segments under review.
	pub committees: Vec<Committee>,
}

/// A segment a verifier has to vote on.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Duty {
	/// The claim.
	pub claim_id: ClaimId,
	/// The segment.
	pub seq: SegmentSeq,
	/// The hash of the broadcaster's input segment.
	pub input_hash: H256,
	/// The hashes of the claimant's renditions, one per profile.
	pub output_hashes: Vec<H256>,
	/// The last block to vote in.
	pub deadline: BlockNumber,
}

/// The `verification_*` methods over a client.
pub struct Verification<C> {
	client: Arc<C>,
}

impl<C> Verification<C> {
	/// The methods reading through `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

#[async_trait]
impl<C> VerificationApiServer for Verification<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RuntimeApi<Block, AccountId, Balance, BlockNumber>,
{
	async fn challenges(
		&self,
		claim_id: ClaimId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Vec<SegmentSeq>>> {
		read_at(&self.client, at, move |client, at| {
			client.runtime_api().challenges(at, claim_id).map_err(runtime_error)
		})
		.await
	}

	async fn claim_check(
		&self,
		claim_id: ClaimId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<ClaimCheck>> {
		read_at(&self.client, at, move |client, at| {
			let view = client.runtime_api().claim_check(at, claim_id).map_err(runtime_error)?;
			Ok(view.map(|view| ClaimCheck {
				transcoder: view.transcoder,
				status: format!("{:?}", view.status),
				challenges: view
					.challenges
					.iter()
					.map(|c| Challenge { seq: c.seq, status: format!("{:?}", c.status) })
					.collect(),
				proof_deadline: view.proof_deadline,
				committees: view
					.committees
					.into_iter()
					.map(|(seq, members, deadline)| Committee {
						seq,
						deadline,
						members: members
							.into_iter()
							.map(|m| Member {
								account: m.who,
								stake: Amount(m.stake),
								vote: m.vote,
							})
							.collect(),
					})
					.collect(),
			}))
		})
		.await
	}

	async fn duties(
		&self,
		who: AccountId,
		start_after: Option<(ClaimId, SegmentSeq)>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Duty>> {
		let limit = page_limit(limit, MAX_PAGE)?;
		read_at(&self.client, at, move |client, at| {
			let duties = client
				.runtime_api()
				.duties(at, who, start_after, limit)
				.map_err(runtime_error)?;
			Ok(duties
				.into_iter()
				.map(|duty| Duty {
					claim_id: duty.claim_id,
					seq: duty.seq,
					input_hash: H256(duty.input_hash),
					output_hashes: duty.output_hashes.iter().map(|h| H256(*h)).collect(),
					deadline: duty.deadline,
				})
				.collect())
		})
		.await
	}
}
