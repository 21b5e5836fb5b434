//! Rounds: electing the active set at round start, activating pending stake, minting rewards,
//! and resigning transcoders.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// Deregisters a transcoder; it stays in the current active set until the round ends.
	pub(super) fn do_resign(who: &T::AccountId) {
		Transcoders::<T>::remove(who);
		Candidates::<T>::mutate(|candidates| candidates.retain(|c| c != who));
		Self::deposit_event(Event::TranscoderResigned { transcoder: who.clone() });
		T::OnTranscoderDeactivated::on_transcoder_deactivated(who);
		// A transcoder whose own record is gone (a full slash emptied it and a claim
		// removed it) may leave nothing that refers to its pool.
		Self::remove_pool_if_unreferenced(who);
	}

	/// Starts a new round at block `now`; see the crate docs. Returns its weight.
	pub(crate) fn start_round(now: BlockNumberFor<T>) -> Weight {
		let previous = ActiveSet::<T>::take();
		let previous_count = previous.len() as u32;
		let round = CurrentRound::<T>::get().index.saturating_add(1);
		CurrentRound::<T>::put(RoundInfo { index: round, start: now });

		// 1. Stake bonded last round to then active transcoders starts earning.
		for member in previous.iter() {
			Self::activate_pending(&member.who, round);
		}

		// 2. Elect the active set.
		let candidates = Candidates::<T>::get();
		let candidate_count = candidates.len() as u32;
		// (stake, registration index, transcoder, terms)
		type Ranked<T> = (
			BalanceOf<T>,
			u64,
			<T as frame_system::Config>::AccountId,
			TranscoderTerms<BalanceOf<T>>,
		);
		let mut ranked: Vec<Ranked<T>> = candidates
			.into_iter()
			.filter_map(|who| {
				let info = Transcoders::<T>::get(&who)?;
				let pool = Pools::<T>::get(&who);
				let stake = pool.earning.saturating_add(pool.pending);
				(!stake.is_zero()).then_some((stake, info.registration_index, who, info.terms))
			})
			.collect();
		ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
		ranked.truncate(T::MaxActiveTranscoders::get() as usize);
		let active_stake = ranked
			.iter()
			.fold(BalanceOf::<T>::zero(), |sum, member| sum.saturating_add(member.0));

		// 3. Ask the monetary policy what the round may mint.
		let mintable = T::MonetaryPolicy::mintable_for_round(TotalBonded::<T>::get());

		// 4. Reward every active transcoder.
		let mut minted = BalanceOf::<T>::zero();
		let mut active = ActiveSetOf::<T>::default();
		for (stake, _, who, terms) in ranked {
			let reward = if active_stake.is_zero() {
				Zero::zero()
			} else {
				Self::mul_div(
					mintable,
					stake.unique_saturated_into(),
					active_stake.unique_saturated_into(),
				)
				.unwrap_or_else(|_| Zero::zero())
			};
			minted = minted.saturating_add(Self::reward(&who, round, &terms, reward));
			// Cannot fail: `ranked` was truncated to the bound.
			let _ = active.try_push(ActiveTranscoder { who, stake, terms });
		}
		let active_count = active.len() as u32;
		// Members that dropped out of the set (resigned ones were told when they resigned).
		let mut dropped = 0u32;
		for member in previous.iter() {
			let still_active = active.iter().any(|now| now.who == member.who);
			if !still_active && Transcoders::<T>::contains_key(&member.who) {
				T::OnTranscoderDeactivated::on_transcoder_deactivated(&member.who);
				dropped = dropped.saturating_add(1);
			}
		}
		ActiveSet::<T>::put(active);
		Self::deposit_event(Event::NewRound { round, active: active_count, mintable, minted });
		T::WeightInfo::start_round(candidate_count.max(previous_count))
			.saturating_add(T::OnTranscoderDeactivated::weight().saturating_mul(dropped.into()))
	}

	/// Turns a pool's pending stake into earning stake at the start of `round`, keeping the
	/// factors for the delegators concerned.
	fn activate_pending(transcoder: &T::AccountId, round: RoundIndex) {
		let mut pool = Pools::<T>::get(transcoder);
		if pool.pending_round != round || (pool.pending.is_zero() && pool.pending_refs == 0) {
			return;
		}
		Self::activate_cohort(transcoder, pool.factors.epoch, round);
		if pool.pending_refs > 0 {
			ActivationFactors::<T>::insert(
				transcoder,
				round,
				ActivationSnapshot { factors: pool.factors, refs: pool.pending_refs },
			);
			Self::add_ref(transcoder, pool.factors.epoch);
		}
		pool.earning = pool.earning.saturating_add(pool.pending);
		pool.pending = Zero::zero();
		pool.pending_refs = 0;
		pool.earners = pool.earners.saturating_add(pool.newcomers);
		pool.newcomers = 0;
		Self::drop_dust(&mut pool);
		Pools::<T>::insert(transcoder, pool);
	}

	/// Pays an active transcoder's reward for `round`; returns what was minted.
	fn reward(
		who: &T::AccountId,
		round: RoundIndex,
		terms: &TranscoderTerms<BalanceOf<T>>,
		reward: BalanceOf<T>,
	) -> BalanceOf<T> {
		let mut pool = Pools::<T>::get(who);
		pool.active_round = Some(round);
		let own = Delegators::<T>::get(who).filter(|d| d.transcoder == *who);
		let mut transcoder_reward = terms.reward_cut.mul_floor(reward);
		let mut delegators_reward = reward.saturating_sub(transcoder_reward);
		if pool.earning.is_zero() {
			// Nobody earns in the pool: all of it is the transcoder's.
			transcoder_reward = reward;
			delegators_reward = Zero::zero();
		} else if own.is_none() {
			// No self-bond to add the cut to: the pool gets it.
			delegators_reward = reward;
			transcoder_reward = Zero::zero();
		}
		if pool.earning.is_zero() && own.is_none() {
			Pools::<T>::insert(who, pool);
			return Zero::zero();
		}

		let mut minted = BalanceOf::<T>::zero();
		if !delegators_reward.is_zero() {
			// Every unit of earning stake grows by (earning + reward) / earning.
			let factor = multiply_by_rational_with_rounding(
				pool.factors.stake.into_inner(),
				pool.earning.saturating_add(delegators_reward).unique_saturated_into(),
				pool.earning.unique_saturated_into(),
				Rounding::Down,
			)
			.filter(|inner| *inner > 0)
			.map(FixedU128::from_inner);
			match factor {
				Some(factor)
					if T::MonetaryPolicy::mint(&Self::pot(), delegators_reward).is_ok() =>
				{
					pool.factors.stake = factor;
					pool.earning = pool.earning.saturating_add(delegators_reward);
					pool.unpaid_rewards = pool.unpaid_rewards.saturating_add(delegators_reward);
					// Counted at once: settling the transcoder's own bond below may drop
					// rounding dust from the pool and from this total, which must include
					// the reward by then (else the subtraction saturates at zero).
					TotalBonded::<T>::mutate(|total| {
						*total = total.saturating_add(delegators_reward)
					});
					minted = minted.saturating_add(delegators_reward);
				},
				_ => delegators_reward = Zero::zero(),
			}
		}
		if let (false, Some(mut own)) = (transcoder_reward.is_zero(), own) {
			match Self::bond_reward_cut(who, &mut own, &mut pool, transcoder_reward) {
				Ok(()) => {
					TotalBonded::<T>::mutate(|total| {
						*total = total.saturating_add(transcoder_reward)
					});
					minted = minted.saturating_add(transcoder_reward);
					Self::put_delegator(who, Some(&own));
				},
				Err(_) => transcoder_reward = Zero::zero(),
			}
		}
		Pools::<T>::insert(who, pool);
		Self::deposit_event(Event::Rewarded {
			transcoder: who.clone(),
			round,
			delegators_reward,
			transcoder_reward,
		});
		minted
	}

	/// Mints the transcoder's reward cut into its account and bonds it to itself (all or
	/// nothing).
	fn bond_reward_cut(
		who: &T::AccountId,
		own: &mut DelegatorOf<T>,
		pool: &mut Pool<BalanceOf<T>>,
		cut: BalanceOf<T>,
	) -> DispatchResult {
		let mut new_own = own.clone();
		let mut new_pool = pool.clone();
		frame_support::storage::with_storage_layer(|| -> DispatchResult {
			Self::settle(who, &mut new_own, &mut new_pool)?;
			T::MonetaryPolicy::mint(who, cut)?;
			T::Currency::hold(&HoldReason::Staking.into(), who, cut)?;
			Self::add_stake(&mut new_own, &mut new_pool, cut)
		})?;
		*own = new_own;
		*pool = new_pool;
		Ok(())
	}
}
