//! `verification_*` RPC methods: a claim's challenged segments, its verification state with the
//! committees, and the segments a verifier has to vote on. Hashes are 0x-hex, balances decimal
//! strings, statuses the variant names of the runtime types.

use std::sync::Arc;

use super::{hex, runtime_error};

use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use olc_runtime::{opaque::Block, AccountId, Balance, BlockNumber};
use pallet_jobs::{ClaimId, SegmentSeq};
use pallet_verification_runtime_api::VerificationApi as RuntimeApi;
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::crypto::Ss58Codec;
use sp_runtime::traits::Block as BlockT;

type BlockHash = <Block as BlockT>::Hash;

#[rpc(client, server)]
pub trait VerificationApi {
	/// The challenged segments of a claim, in order; null until they are issued (two blocks
	/// after the claim or later), or when the claim is unknown or settled.
	#[method(name = "verification_challenges")]
	fn challenges(&self, claim_id: ClaimId, at: Option<BlockHash>) -> RpcResult<Option<Vec<SegmentSeq>>>;

	/// A claim's verification: status, challenges with their status, proof deadline and the
	/// committees (members, stake, votes, deadline) of segments under review; or null.
	#[method(name = "verification_claimCheck")]
	fn claim_check(&self, claim_id: ClaimId, at: Option<BlockHash>) -> RpcResult<Value>;

	/// The segments `who` sits on the committee of and has not voted on: the hashes to check the
	/// claimant's files against and the deadline.
	#[method(name = "verification_duties")]
	fn duties(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Value>;
}

pub struct Verification<C> {
	client: Arc<C>,
}

impl<C> Verification<C> {
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

impl<C> VerificationApiServer for Verification<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RuntimeApi<Block, AccountId, Balance, BlockNumber>,
{
	fn challenges(&self, claim_id: ClaimId, at: Option<BlockHash>) -> RpcResult<Option<Vec<SegmentSeq>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().challenges(at, claim_id).map_err(runtime_error)
	}

	fn claim_check(&self, claim_id: ClaimId, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let view = self.client.runtime_api().claim_check(at, claim_id).map_err(runtime_error)?;
		Ok(view.map_or(Value::Null, |view| {
			json!({
				"transcoder": view.transcoder.to_ss58check(),
				"status": format!("{:?}", view.status),
				"challenges": view.challenges.iter().map(|c| json!({
					"seq": c.seq,
					"status": format!("{:?}", c.status),
				})).collect::<Vec<_>>(),
				"proofDeadline": view.proof_deadline,
				"committees": view.committees.iter().map(|(seq, members, deadline)| json!({
					"seq": seq,
					"deadline": deadline,
					"members": members.iter().map(|m| json!({
						"account": m.who.to_ss58check(),
						"stake": m.stake.to_string(),
						"vote": m.vote,
					})).collect::<Vec<_>>(),
				})).collect::<Vec<_>>(),
			})
		}))
	}

	fn duties(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let duties = self.client.runtime_api().duties(at, who).map_err(runtime_error)?;
		Ok(Value::Array(
			duties
				.iter()
				.map(|duty| {
					json!({
						"claimId": duty.claim_id,
						"seq": duty.seq,
						"inputHash": hex(&duty.input_hash),
						"outputHashes": duty.output_hashes.iter().map(|h| hex(h)).collect::<Vec<_>>(),
						"deadline": duty.deadline,
					})
				})
				.collect(),
		))
	}
}
