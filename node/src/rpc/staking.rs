//! `stakingDelegation_*` RPC methods: pending stake and fees of an account, transcoders, the
//! active set and the current round. Balances are decimal strings (they exceed what a JSON
//! number holds exactly); rates are in parts per billion. Paging and errors: see [`super`].

use std::sync::Arc;

use super::{page_limit, page_of, read_at, runtime_error, text, Amount, BlockHash, MAX_PAGE};

use jsonrpsee::{
	core::{async_trait, RpcResult},
	proc_macros::rpc,
};
use olc_runtime::{opaque::Block, AccountId, Balance, BlockNumber};
use pallet_staking_delegation::{LockId, RoundIndex, TranscoderTerms};
use pallet_staking_delegation_runtime_api::StakingDelegationApi as RuntimeApi;
use serde::Serialize;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;

/// The `stakingDelegation_*` methods.
#[rpc(server)]
pub trait StakingDelegationApi {
	/// `who`'s bond as a claim now would settle it (stake with rewards, pending part, fees), or
	/// null when the account never bonded.
	#[method(name = "stakingDelegation_delegator")]
	async fn delegator(
		&self,
		who: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Delegator>>;

	/// A transcoder's terms, price, service URI, stake and whether it is active, or null.
	#[method(name = "stakingDelegation_transcoder")]
	async fn transcoder(
		&self,
		who: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Transcoder>>;

	/// Up to `limit` (at most 100) members of the current round's active set, after transcoder
	/// `startAfter` (the last of the previous page, or null), with the stake and terms
	/// snapshotted at the round's start.
	#[method(name = "stakingDelegation_activeSet")]
	async fn active_set(
		&self,
		start_after: Option<AccountId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<ActiveMember>>;

	/// The current round: number, first block, length, blocks left, whether terms are locked.
	#[method(name = "stakingDelegation_round")]
	async fn round(&self, at: Option<BlockHash>) -> RpcResult<Round>;

	/// Up to `limit` (at most 100) of `who`'s unbonding locks after lock `startAfter` (the last
	/// id of the previous page, or null): id, transcoder, amount, first round it can be
	/// withdrawn.
	#[method(name = "stakingDelegation_unbondingLocks")]
	async fn unbonding_locks(
		&self,
		who: AccountId,
		start_after: Option<LockId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Lock>>;
}

/// A delegator's bond.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delegator {
	/// The transcoder it is bonded to.
	pub transcoder: AccountId,
	/// Its stake with the rewards a claim now would add.
	pub stake: Amount,
	/// The part of the stake not earning yet.
	pub pending_stake: Amount,
	/// Rewards not yet claimed.
	pub unclaimed_rewards: Amount,
	/// Fees to withdraw.
	pub fees: Amount,
	/// The round of its last claim.
	pub last_claim_round: RoundIndex,
	/// How many unbonding locks it has.
	pub unbonding_locks: u32,
}

/// A transcoder's terms.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Terms {
	/// The transcoder's cut of rewards, parts per billion.
	pub reward_cut: u32,
	/// The delegators' share of fees, parts per billion.
	pub fee_share: u32,
	/// Its price per segment and profile.
	pub price_per_segment: Amount,
}

impl From<&TranscoderTerms<Balance>> for Terms {
	fn from(terms: &TranscoderTerms<Balance>) -> Self {
		Terms {
			reward_cut: terms.reward_cut.deconstruct(),
			fee_share: terms.fee_share.deconstruct(),
			price_per_segment: Amount(terms.price_per_segment),
		}
	}
}

/// A transcoder.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transcoder {
	/// Whether it is registered.
	pub registered: bool,
	/// Whether it is in the current round's active set.
	pub active: bool,
	/// Its terms now, when registered.
	pub terms: Option<Terms>,
	/// Its terms for the current round, when active.
	pub round_terms: Option<Terms>,
	/// Its service URI.
	pub service_uri: String,
	/// The stake bonded to it.
	pub stake: Amount,
	/// The stake snapshotted for the current round, when active.
	pub round_stake: Option<Amount>,
}

/// A member of the active set.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveMember {
	/// The transcoder.
	pub transcoder: AccountId,
	/// Its stake at the round's start.
	pub stake: Amount,
	/// Its terms at the round's start.
	pub terms: Terms,
}

/// The current round.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Round {
	/// Its number.
	pub index: RoundIndex,
	/// Its first block.
	pub start: BlockNumber,
	/// Its length in blocks.
	pub length: BlockNumber,
	/// The blocks left in it.
	pub blocks_left: BlockNumber,
	/// Whether terms are locked (the end of the round).
	pub lock_window: bool,
}

/// An unbonding lock.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lock {
	/// The lock id.
	pub id: LockId,
	/// The transcoder it was unbonded from.
	pub transcoder: AccountId,
	/// The amount.
	pub amount: Amount,
	/// The first round it can be withdrawn in.
	pub withdraw_round: RoundIndex,
}

/// The `stakingDelegation_*` methods over a client.
pub struct StakingDelegation<C> {
	client: Arc<C>,
}

impl<C> StakingDelegation<C> {
	/// The methods reading through `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

#[async_trait]
impl<C> StakingDelegationApiServer for StakingDelegation<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RuntimeApi<Block, AccountId, Balance, BlockNumber>,
{
	async fn delegator(
		&self,
		who: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Delegator>> {
		read_at(&self.client, at, move |client, at| {
			let view = client.runtime_api().delegator(at, who).map_err(runtime_error)?;
			Ok(view.map(|view| Delegator {
				transcoder: view.transcoder,
				stake: Amount(view.stake),
				pending_stake: Amount(view.pending_stake),
				unclaimed_rewards: Amount(view.unclaimed_rewards),
				fees: Amount(view.fees),
				last_claim_round: view.last_claim_round,
				unbonding_locks: view.unbonding_locks,
			}))
		})
		.await
	}

	async fn transcoder(
		&self,
		who: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Transcoder>> {
		read_at(&self.client, at, move |client, at| {
			let view = client.runtime_api().transcoder(at, who).map_err(runtime_error)?;
			Ok(view.map(|view| Transcoder {
				registered: view.registered,
				active: view.active,
				terms: view.terms.as_ref().map(Terms::from),
				round_terms: view.round_terms.as_ref().map(Terms::from),
				service_uri: text(&view.service_uri),
				stake: Amount(view.stake),
				round_stake: view.round_stake.map(Amount),
			}))
		})
		.await
	}

	async fn active_set(
		&self,
		start_after: Option<AccountId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<ActiveMember>> {
		let limit = page_limit(limit, MAX_PAGE)?;
		read_at(&self.client, at, move |client, at| {
			// Bounded in the runtime by `MaxActiveTranscoders`.
			let set = client.runtime_api().active_set(at).map_err(runtime_error)?;
			Ok(page_of(set, start_after, limit, |member| member.who.clone())
				.into_iter()
				.map(|member| ActiveMember {
					terms: Terms::from(&member.terms),
					transcoder: member.who,
					stake: Amount(member.stake),
				})
				.collect())
		})
		.await
	}

	async fn round(&self, at: Option<BlockHash>) -> RpcResult<Round> {
		read_at(&self.client, at, move |client, at| {
			let round = client.runtime_api().round(at).map_err(runtime_error)?;
			Ok(Round {
				index: round.index,
				start: round.start,
				length: round.length,
				blocks_left: round.blocks_left,
				lock_window: round.lock_window,
			})
		})
		.await
	}

	async fn unbonding_locks(
		&self,
		who: AccountId,
		start_after: Option<LockId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Lock>> {
		let limit = page_limit(limit, MAX_PAGE)?;
		read_at(&self.client, at, move |client, at| {
			// Bounded in the runtime by `MaxUnbondingLocks`.
			let locks = client.runtime_api().unbonding_locks(at, who).map_err(runtime_error)?;
			Ok(page_of(locks, start_after, limit, |(id, _)| *id)
				.into_iter()
				.map(|(id, lock)| Lock {
					id,
					transcoder: lock.transcoder,
					amount: Amount(lock.amount),
					withdraw_round: lock.withdraw_round,
				})
				.collect())
		})
		.await
	}
}
