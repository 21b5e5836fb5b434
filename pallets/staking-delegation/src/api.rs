//! Read-only views for the runtime API (`pallet-staking-delegation-runtime-api`).

use crate::{
	ActiveSet, ActiveTranscoderOf, BalanceOf, Config, CurrentRound, DelegatorView, Delegators,
	LockId, LockOf, Pallet, Pools, RoundLength, RoundView, TranscoderView, Transcoders,
	UnbondingLocks,
};
use alloc::vec::Vec;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::Saturating;

impl<T: Config> Pallet<T> {
	/// `who`'s bond with the earnings a claim now would settle, or `None` without a record.
	pub fn delegator_view(who: &T::AccountId) -> Option<DelegatorView<T::AccountId, BalanceOf<T>>> {
		let delegator = Delegators::<T>::get(who)?;
		let pool = Pools::<T>::get(&delegator.transcoder);
		let settlement = Self::compute_settlement(who, &delegator, &pool).ok()?;
		Some(DelegatorView {
			transcoder: delegator.transcoder,
			stake: settlement.bonded.saturating_add(settlement.pending),
			pending_stake: settlement.pending,
			unclaimed_rewards: settlement.reward,
			fees: delegator.fees.saturating_add(settlement.fees),
			last_claim_round: delegator.last_claim_round,
			unbonding_locks: delegator.lock_count,
		})
	}

	/// A transcoder's terms, stake and status, or `None` if nothing was ever delegated to it
	/// and it is not registered.
	pub fn transcoder_view(who: &T::AccountId) -> Option<TranscoderView<BalanceOf<T>>> {
		let info = Transcoders::<T>::get(who);
		if info.is_none() && !Pools::<T>::contains_key(who) {
			return None;
		}
		let pool = Pools::<T>::get(who);
		let member = ActiveSet::<T>::get().into_iter().find(|member| member.who == *who);
		Some(TranscoderView {
			registered: info.is_some(),
			active: member.is_some(),
			terms: info.as_ref().map(|info| info.terms),
			round_terms: member.as_ref().map(|member| member.terms),
			service_uri: info.map(|info| info.service_uri).unwrap_or_default(),
			stake: pool.earning.saturating_add(pool.pending),
			round_stake: member.map(|member| member.stake),
		})
	}

	/// The current round's active set.
	pub fn active_set_view() -> Vec<ActiveTranscoderOf<T>> {
		ActiveSet::<T>::get().into_inner()
	}

	/// The current round, its length and the blocks left in it.
	pub fn round_view() -> RoundView<BlockNumberFor<T>> {
		let round = CurrentRound::<T>::get();
		RoundView {
			index: round.index,
			start: round.start,
			length: RoundLength::<T>::get().max(1u32.into()),
			blocks_left: Self::blocks_left(),
			lock_window: Self::in_lock_window(),
		}
	}

	/// `who`'s unbonding locks (at most `MaxUnbondingLocks`), as held (before any slash).
	pub fn unbonding_locks_view(who: &T::AccountId) -> Vec<(LockId, LockOf<T>)> {
		UnbondingLocks::<T>::iter_prefix(who).collect()
	}
}
