//! Settling an account's bond against its pool: rewards, fees and slashes since its last
//! settlement, in O(1).

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// The factors at the end of `epoch` of `transcoder`'s pool: the current ones for the
	/// current epoch; for a wiped-out epoch, zero stake and slash factors with the fee
	/// factor it ended with.
	pub(super) fn factors_of_epoch(
		transcoder: &T::AccountId,
		pool: &Pool<BalanceOf<T>>,
		epoch: u32,
	) -> Factors {
		if epoch == pool.factors.epoch {
			pool.factors
		} else {
			EpochEnds::<T>::get(transcoder, epoch).unwrap_or(Factors {
				stake: FixedU128::from_inner(0),
				slash: FixedU128::from_inner(0),
				fee: FixedU128::from_inner(0),
				epoch,
			})
		}
	}

	/// What a settlement of `delegator` against `pool` now would do, without doing it.
	pub(crate) fn compute_settlement(
		who: &T::AccountId,
		delegator: &DelegatorOf<T>,
		pool: &Pool<BalanceOf<T>>,
	) -> Result<Settlement<BalanceOf<T>>, Error<T>> {
		let transcoder = &delegator.transcoder;
		let round = CurrentRound::<T>::get().index;
		let mut out = Settlement::default();

		let end = Self::factors_of_epoch(transcoder, pool, delegator.base.epoch);
		let earning = Self::accrue(delegator.bonded, &delegator.base, &end)?;
		out.burn = delegator.bonded.saturating_sub(earning.principal);
		let mut stake = earning.stake;
		let mut principal = earning.principal;
		let mut fees = earning.fees;

		out.pending_base = delegator.pending_base;
		if !delegator.pending.is_zero() {
			let base = &delegator.pending_base;
			if delegator.pending_round <= round {
				// Started earning at `pending_round`: value it at that moment (slashes
				// before count), then accrue from there.
				let start = ActivationFactors::<T>::get(transcoder, delegator.pending_round)
					.map(|snapshot| snapshot.factors)
					// Cannot be missing; if it were, earning nothing is the safe choice.
					.unwrap_or(pool.factors);
				let slash_then = if start.epoch == base.epoch {
					start.slash
				} else {
					Self::factors_of_epoch(transcoder, pool, base.epoch).slash
				};
				let value = Self::mul_div(
					delegator.pending,
					slash_then.into_inner(),
					base.slash.into_inner(),
				)?
				.min(delegator.pending);
				let end = Self::factors_of_epoch(transcoder, pool, start.epoch);
				let activated = Self::accrue(value, &start, &end)?;
				out.burn =
					out.burn.saturating_add(delegator.pending.saturating_sub(activated.principal));
				stake = stake.saturating_add(activated.stake);
				principal = principal.saturating_add(activated.principal);
				fees = fees.saturating_add(activated.fees);
				out.activated = Some(delegator.pending_round);
			} else {
				let slash_now = Self::factors_of_epoch(transcoder, pool, base.epoch).slash;
				let value = Self::mul_div(
					delegator.pending,
					slash_now.into_inner(),
					base.slash.into_inner(),
				)?
				.min(delegator.pending);
				out.burn = out.burn.saturating_add(delegator.pending.saturating_sub(value));
				out.pending = value;
				out.pending_base = pool.factors;
			}
		}
		out.owed_reward = stake.saturating_sub(principal);
		// Fees of claims made before the account's newest stake arrived are not its own.
		let fees = fees.saturating_sub(Self::cohort_exclusion(who, transcoder));
		out.owed_fees = fees;
		// Rewards round down (see `accrue`), so what all delegators are owed stays within
		// what the pool holds; the caps only guard the pot against a bug.
		out.reward = out.owed_reward.min(pool.unpaid_rewards);
		out.fees = fees.min(pool.unpaid_fees);
		out.bonded = principal.saturating_add(out.reward);
		Ok(out)
	}

	/// Value, surviving principal and fees of `amount` bonded at factors `base`, now.
	fn accrue(
		amount: BalanceOf<T>,
		base: &Factors,
		now: &Factors,
	) -> Result<Accrual<BalanceOf<T>>, Error<T>> {
		if amount.is_zero() {
			return Ok(Accrual::default());
		}
		let stake = Self::mul_div(amount, now.stake.into_inner(), base.stake.into_inner())?;
		// The surviving principal rounds up (never above the value) so the reward,
		// value − principal, rounds down: every delegator's share of the pool's unpaid
		// rewards is then at most its exact share, and together they fit in the pool.
		let principal = Self::mul_div_rounding(
			amount,
			now.slash.into_inner(),
			base.slash.into_inner(),
			Rounding::Up,
		)?
		.min(amount)
		.min(stake);
		let fee_growth = now.fee.into_inner().saturating_sub(base.fee.into_inner());
		let fees = Self::mul_div(amount, fee_growth, base.stake.into_inner())?;
		Ok(Accrual { stake, principal, fees })
	}

	/// Settles `delegator`'s earnings with `pool` (its transcoder's): burns slashed
	/// principal from its hold, moves rewards from the pot into its hold, credits fees.
	/// Returns the rewards and the burned amount. Storage of the delegator and the pool is
	/// left to the caller.
	pub(crate) fn settle(
		who: &T::AccountId,
		delegator: &mut DelegatorOf<T>,
		pool: &mut Pool<BalanceOf<T>>,
	) -> Result<(BalanceOf<T>, BalanceOf<T>), DispatchError> {
		let settlement = Self::compute_settlement(who, delegator, pool)?;
		let reason: <T::Currency as frame_support::traits::fungible::InspectHold<
			T::AccountId,
		>>::Reason = HoldReason::Staking.into();
		if !settlement.burn.is_zero() {
			T::Currency::burn_held(
				&reason,
				who,
				settlement.burn,
				Precision::Exact,
				Fortitude::Force,
			)
			.map_err(|_| Error::<T>::HoldMismatch)?;
			Self::deposit_event(Event::SlashBurned { who: who.clone(), amount: settlement.burn });
		}
		if !settlement.reward.is_zero() {
			T::Currency::transfer_and_hold(
				&reason,
				&Self::pot(),
				who,
				settlement.reward,
				Precision::Exact,
				Preservation::Preserve,
				Fortitude::Polite,
			)
			.map_err(|_| Error::<T>::PotExhausted)?;
			pool.unpaid_rewards = pool.unpaid_rewards.saturating_sub(settlement.reward);
		}
		pool.unpaid_fees = pool.unpaid_fees.saturating_sub(settlement.fees);
		delegator.fees =
			delegator.fees.checked_add(&settlement.fees).ok_or(Error::<T>::Overflow)?;
		if let Some(round) = settlement.activated {
			let ended =
				ActivationFactors::<T>::mutate_exists(&delegator.transcoder, round, |snapshot| {
					let s = snapshot.as_mut()?;
					s.refs = s.refs.saturating_sub(1);
					if s.refs > 0 {
						return None;
					}
					let epoch = s.factors.epoch;
					*snapshot = None;
					Some(epoch)
				});
			// The account's own record still refers to the pool: at most an ended epoch's
			// `EpochEnds` leaves here, never the pool.
			if let Some(epoch) = ended {
				Self::drop_ref(&delegator.transcoder, epoch);
			}
		}
		if !settlement.reward.is_zero() || !settlement.fees.is_zero() {
			Self::deposit_event(Event::EarningsClaimed {
				delegator: who.clone(),
				transcoder: delegator.transcoder.clone(),
				rewards: settlement.reward,
				fees: settlement.fees,
			});
		}
		let before = Self::membership(delegator);
		delegator.bonded = settlement.bonded;
		delegator.pending = settlement.pending;
		delegator.pending_base = settlement.pending_base;
		delegator.base = pool.factors;
		delegator.last_claim_round = CurrentRound::<T>::get().index;
		Self::settle_cohort(who, &delegator.transcoder, pool);
		Self::update_membership(pool, before, Self::membership(delegator));
		if pool.earners == 1 && !delegator.bonded.is_zero() && pool.earning > delegator.bonded {
			// The only earner: the rest of the pool's earning stake is rounding dust
			// (see `update_membership`).
			let dust = pool.earning.saturating_sub(delegator.bonded);
			TotalBonded::<T>::mutate(|total| *total = total.saturating_sub(dust));
			pool.earning = delegator.bonded;
		}
		Ok((settlement.reward, settlement.burn))
	}
}
