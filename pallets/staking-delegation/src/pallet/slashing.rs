//! Slashing a transcoder's pool ([`Slashing`]).

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Slashing<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn slash(
		transcoder: &T::AccountId,
		fraction: Perbill,
		finder: Option<T::AccountId>,
		finder_fee: Perbill,
	) -> BalanceOf<T> {
		if fraction.is_zero() || !Pools::<T>::contains_key(transcoder) {
			return Zero::zero();
		}
		let mut pool = Pools::<T>::get(transcoder);
		// The transcoder's own stake now (settled against the pool before the slash): the
		// finder fee is a share of what the offender itself loses, so that a finder (a
		// sybil of the transcoder, say) never gains more than the offender pays.
		let own_stake = Delegators::<T>::get(transcoder)
			.filter(|own| own.transcoder == *transcoder)
			.and_then(|own| Self::compute_settlement(transcoder, &own, &pool).ok())
			.map_or_else(Zero::zero, |own| own.bonded.saturating_add(own.pending));
		let keep = Perbill::one().saturating_sub(fraction);
		let scale = |factor: FixedU128| FixedU128::from_inner(keep.mul_floor(factor.into_inner()));
		let stake_factor = scale(pool.factors.stake);
		let slash_factor = scale(pool.factors.slash);
		// Below the smallest factor, what is left is dust: the slash takes everything and
		// the pool starts a new epoch (see `Factors::epoch`).
		let wipe = stake_factor < MIN_FACTOR || slash_factor < MIN_FACTOR;
		let (slashed_earning, slashed_pending, slashed_rewards) = if wipe {
			// Kept while accounts, locks or snapshots of the ended epoch remain.
			if EpochRefs::<T>::contains_key(transcoder, pool.factors.epoch) {
				EpochEnds::<T>::insert(
					transcoder,
					pool.factors.epoch,
					Factors {
						stake: FixedU128::from_inner(0),
						slash: FixedU128::from_inner(0),
						fee: pool.factors.fee,
						epoch: pool.factors.epoch,
					},
				);
			}
			pool.factors =
				Factors { epoch: pool.factors.epoch.saturating_add(1), ..Factors::default() };
			(pool.earning, pool.pending, pool.unpaid_rewards)
		} else {
			pool.factors.stake = stake_factor;
			pool.factors.slash = slash_factor;
			(
				fraction.mul_floor(pool.earning),
				fraction.mul_floor(pool.pending),
				fraction.mul_floor(pool.unpaid_rewards),
			)
		};
		let slashed = slashed_earning.saturating_add(slashed_pending);
		let own_slashed = if wipe { own_stake } else { fraction.mul_floor(own_stake) }.min(slashed);
		pool.earning = pool.earning.saturating_sub(slashed_earning);
		pool.pending = pool.pending.saturating_sub(slashed_pending);
		TotalBonded::<T>::mutate(|total| *total = total.saturating_sub(slashed));

		// The slashed share of unclaimed rewards is in the pot: burn it now.
		let from_pot = slashed_rewards;
		let burned_from_pot = if from_pot.is_zero() {
			Zero::zero()
		} else {
			T::Currency::burn_from(
				&Self::pot(),
				from_pot,
				Preservation::Preserve,
				Precision::BestEffort,
				Fortitude::Force,
			)
			.unwrap_or_else(|_| Zero::zero())
		};
		pool.unpaid_rewards = pool.unpaid_rewards.saturating_sub(burned_from_pot);
		Pools::<T>::insert(transcoder, pool);

		let mut finder_reward = BalanceOf::<T>::zero();
		if let Some(finder) = &finder {
			let fee = finder_fee.mul_floor(own_slashed);
			if !fee.is_zero() && T::Currency::mint_into(finder, fee).is_ok() {
				finder_reward = fee;
			}
		}
		// Proportional: a large slash resigns the transcoder and keeps it out for a while; a
		// small one (a vote) only costs stake.
		if fraction >= T::ResignSlashThreshold::get() && Transcoders::<T>::contains_key(transcoder)
		{
			Self::do_resign(transcoder);
			let cooldown = T::SlashCooldown::get();
			if cooldown > 0 {
				let from = CurrentRound::<T>::get().index.saturating_add(cooldown);
				RegisterCooldown::<T>::insert(transcoder, from);
			}
		}
		Self::deposit_event(Event::Slashed {
			transcoder: transcoder.clone(),
			fraction,
			slashed,
			burned_from_pot,
			finder,
			finder_reward,
		});
		slashed
	}

	fn slash_weight() -> Weight {
		T::WeightInfo::slash(T::MaxTranscoders::get())
			.saturating_add(T::OnTranscoderDeactivated::weight())
			.saturating_add(Self::reference_drops_weight(1))
	}
}
