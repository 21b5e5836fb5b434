//! `stakingDelegation_*` RPC methods: pending stake and fees of an account, transcoders, the
//! active set and the current round, as JSON. Balances are decimal strings (they exceed what a
//! JSON number holds exactly); rates are in parts per billion.

use std::sync::Arc;

use super::runtime_error;

use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use olc_runtime::{opaque::Block, AccountId, Balance, BlockNumber};
use pallet_staking_delegation::{TranscoderTerms, TranscoderView};
use pallet_staking_delegation_runtime_api::StakingDelegationApi as RuntimeApi;
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::Block as BlockT;

type BlockHash = <Block as BlockT>::Hash;

#[rpc(client, server)]
pub trait StakingDelegationApi {
	/// `who`'s bond as a claim now would settle it (stake with rewards, pending part, fees), or
	/// null when the account never bonded.
	#[method(name = "stakingDelegation_delegator")]
	fn delegator(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Value>;

	/// A transcoder's terms, price, service URI, stake and whether it is active, or null.
	#[method(name = "stakingDelegation_transcoder")]
	fn transcoder(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Value>;

	/// The current round's active set with the stake and terms snapshotted at its start.
	#[method(name = "stakingDelegation_activeSet")]
	fn active_set(&self, at: Option<BlockHash>) -> RpcResult<Value>;

	/// The current round: number, first block, length, blocks left, whether terms are locked.
	#[method(name = "stakingDelegation_round")]
	fn round(&self, at: Option<BlockHash>) -> RpcResult<Value>;

	/// `who`'s unbonding locks: id, transcoder, amount, first round it can be withdrawn.
	#[method(name = "stakingDelegation_unbondingLocks")]
	fn unbonding_locks(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Value>;
}

pub struct StakingDelegation<C> {
	client: Arc<C>,
}

impl<C> StakingDelegation<C> {
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

fn terms_json(terms: &TranscoderTerms<Balance>) -> Value {
	json!({
		"rewardCut": terms.reward_cut.deconstruct(),
		"feeShare": terms.fee_share.deconstruct(),
		"pricePerSegment": terms.price_per_segment.to_string(),
	})
}

fn transcoder_json(view: &TranscoderView<Balance>) -> Value {
	json!({
		"registered": view.registered,
		"active": view.active,
		"terms": view.terms.as_ref().map(terms_json),
		"roundTerms": view.round_terms.as_ref().map(terms_json),
		"serviceUri": String::from_utf8_lossy(&view.service_uri),
		"stake": view.stake.to_string(),
		"roundStake": view.round_stake.map(|stake| stake.to_string()),
	})
}

impl<C> StakingDelegationApiServer for StakingDelegation<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RuntimeApi<Block, AccountId, Balance, BlockNumber>,
{
	fn delegator(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let view = self.client.runtime_api().delegator(at, who).map_err(runtime_error)?;
		Ok(view.map_or(Value::Null, |view| {
			json!({
				"transcoder": view.transcoder.to_string(),
				"stake": view.stake.to_string(),
				"pendingStake": view.pending_stake.to_string(),
				"unclaimedRewards": view.unclaimed_rewards.to_string(),
				"fees": view.fees.to_string(),
				"lastClaimRound": view.last_claim_round,
				"unbondingLocks": view.unbonding_locks,
			})
		}))
	}

	fn transcoder(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let view = self.client.runtime_api().transcoder(at, who).map_err(runtime_error)?;
		Ok(view.as_ref().map_or(Value::Null, transcoder_json))
	}

	fn active_set(&self, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let set = self.client.runtime_api().active_set(at).map_err(runtime_error)?;
		Ok(Value::Array(
			set.iter()
				.map(|member| {
					json!({
						"transcoder": member.who.to_string(),
						"stake": member.stake.to_string(),
						"terms": terms_json(&member.terms),
					})
				})
				.collect(),
		))
	}

	fn round(&self, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let round = self.client.runtime_api().round(at).map_err(runtime_error)?;
		Ok(json!({
			"index": round.index,
			"start": round.start,
			"length": round.length,
			"blocksLeft": round.blocks_left,
			"lockWindow": round.lock_window,
		}))
	}

	fn unbonding_locks(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let locks = self.client.runtime_api().unbonding_locks(at, who).map_err(runtime_error)?;
		Ok(Value::Array(
			locks
				.iter()
				.map(|(id, lock)| {
					json!({
						"id": id,
						"transcoder": lock.transcoder.to_string(),
						"amount": lock.amount.to_string(),
						"withdrawRound": lock.withdraw_round,
					})
				})
				.collect(),
		))
	}
}
