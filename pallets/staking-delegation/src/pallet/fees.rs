//! Fees: crediting paid fees to a transcoder and the stake delegated to it
//! ([`TranscoderFees`]).

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> TranscoderFees<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn add_fees(
		payer: &T::AccountId,
		transcoder: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<(), DispatchError> {
		Self::add_fees_for_round(payer, transcoder, amount, CurrentRound::<T>::get().index)
	}

	fn add_fees_for_claim(
		payer: &T::AccountId,
		transcoder: &T::AccountId,
		amount: BalanceOf<T>,
		claimed_at: u64,
	) -> Result<(), DispatchError> {
		let block: BlockNumberFor<T> = claimed_at.unique_saturated_into();
		Self::add_fees_for_round(payer, transcoder, amount, Self::round_of_block(block))
	}

	fn add_fees_weight() -> Weight {
		T::WeightInfo::add_fees()
			.saturating_add(Self::fee_cohorts_weight())
			.saturating_add(Self::reference_drops_weight(1))
	}
}

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// The most a payout's fee cohorts weigh on top of the benchmarked `add_fees` (which
	/// has none): a read of each cohort it may leave out and a write of each.
	pub fn fee_cohorts_weight() -> Weight {
		let cohorts = u64::from(FEE_ATTRIBUTION_ROUNDS).saturating_add(1);
		T::DbWeight::get().reads_writes(cohorts, cohorts)
	}

	/// Credits `amount` of fees for work claimed in round `claim_round` (see
	/// [`TranscoderFees::add_fees_for_claim`]).
	pub fn add_fees_for_round(
		payer: &T::AccountId,
		transcoder: &T::AccountId,
		amount: BalanceOf<T>,
		claim_round: RoundIndex,
	) -> Result<(), DispatchError> {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		// Fees pay for work already done, so a transcoder that has left the active set (or
		// resigned) is still paid: with this round's terms if active, else its registered
		// terms, else all to itself (its delegators' terms are gone with its registration).
		let terms = ActiveSet::<T>::get()
			.into_iter()
			.find(|member| member.who == *transcoder)
			.map(|member| member.terms)
			.or_else(|| Transcoders::<T>::get(transcoder).map(|info| info.terms));
		let fee_share = match terms {
			Some(terms) => terms.fee_share,
			None if Pools::<T>::contains_key(transcoder) => Perbill::zero(),
			None => return Err(Error::<T>::TranscoderNotActive.into()),
		};
		frame_support::storage::with_storage_layer(|| {
			T::Currency::transfer(payer, &Self::pot(), amount, Preservation::Preserve)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			let mut pool = Pools::<T>::get(transcoder);
			let mut delegators_fees = fee_share.mul_floor(amount);
			// Stake that joined after the claim's round shares none of it.
			let (newcomers, members, cohorts) =
				Self::excluded_cohorts(transcoder, &pool, claim_round);
			let sharing = pool.earning.saturating_sub(newcomers);
			// When every earning account has stake that joined later, what is left of the
			// pool's stake is rounding dust nobody owns: the transcoder keeps the fee.
			if sharing.is_zero() || members >= pool.earners {
				delegators_fees = Zero::zero();
			}
			if !delegators_fees.is_zero() {
				let growth = multiply_by_rational_with_rounding(
					delegators_fees.unique_saturated_into(),
					pool.factors.stake.into_inner(),
					sharing.unique_saturated_into(),
					Rounding::Down,
				)
				.ok_or(Error::<T>::Overflow)?;
				for (key, mut cohort) in cohorts {
					cohort.excluded =
						FixedU128::from_inner(cohort.excluded.into_inner().saturating_add(growth));
					FeeCohorts::<T>::insert(transcoder, key, cohort);
				}
				let fee = pool
					.factors
					.fee
					.into_inner()
					.checked_add(growth)
					.ok_or(Error::<T>::Overflow)?;
				pool.factors.fee = FixedU128::from_inner(fee);
				pool.unpaid_fees = pool.unpaid_fees.saturating_add(delegators_fees);
			}
			let transcoder_fees = amount.saturating_sub(delegators_fees);
			let factors = pool.factors;
			Pools::<T>::insert(transcoder, pool);
			if !transcoder_fees.is_zero() {
				let mut own = Delegators::<T>::get(transcoder).unwrap_or_else(|| {
					// A new record refers to the pool's current epoch.
					let mut own =
						Delegator::new(transcoder.clone(), CurrentRound::<T>::get().index);
					own.base = factors;
					own
				});
				own.fees = own.fees.checked_add(&transcoder_fees).ok_or(Error::<T>::Overflow)?;
				Self::put_delegator(transcoder, Some(&own));
			}
			// A resigned transcoder whose own record went to another pool: nothing may
			// refer to its pool any more (see `remove_pool_if_unreferenced`).
			Self::remove_pool_if_unreferenced(transcoder);
			Self::deposit_event(Event::FeesAdded {
				transcoder: transcoder.clone(),
				payer: payer.clone(),
				delegators_fees,
				transcoder_fees,
			});
			Ok(())
		})
	}
}
