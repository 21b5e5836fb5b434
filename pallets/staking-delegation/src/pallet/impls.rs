//! The pallet's interface to the runtime and the other pallets (the pot, the lock window,
//! releasing a banned account's stake), and the arithmetic and checks the calls share.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// The pot: minted rewards and paid fees wait here until settled to their owners.
	pub fn pot() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Creates the pot with the existential deposit if it does not exist.
	pub fn ensure_pot() {
		let pot = Self::pot();
		let ed = T::Currency::minimum_balance();
		if T::Currency::balance(&pot) < ed {
			// Minting into an empty account at least the existential deposit cannot fail;
			// if it did, rewards would be skipped (see `reward`), never lost.
			let _ = T::Currency::mint_into(&pot, ed);
		}
	}

	/// `amount × numerator / denominator`, rounded down.
	pub(crate) fn mul_div(
		amount: BalanceOf<T>,
		numerator: u128,
		denominator: u128,
	) -> Result<BalanceOf<T>, Error<T>> {
		Self::mul_div_rounding(amount, numerator, denominator, Rounding::Down)
	}

	/// `amount × numerator / denominator`, rounded as asked.
	pub(crate) fn mul_div_rounding(
		amount: BalanceOf<T>,
		numerator: u128,
		denominator: u128,
		rounding: Rounding,
	) -> Result<BalanceOf<T>, Error<T>> {
		let amount: u128 = amount.unique_saturated_into();
		let product = multiply_by_rational_with_rounding(amount, numerator, denominator, rounding)
			.ok_or(Error::<T>::Overflow)?;
		product.try_into().map_err(|_| Error::<T>::Overflow)
	}

	/// An account's whole bond (earning and pending).
	pub fn bond_of(delegator: &DelegatorOf<T>) -> BalanceOf<T> {
		delegator.bonded.saturating_add(delegator.pending)
	}

	/// Whether the current block is in the lock window: the last 10% of the round.
	pub fn in_lock_window() -> bool {
		let length = RoundLength::<T>::get().max(1u32.into());
		let window = length.checked_div(&10u32.into()).unwrap_or_default();
		!window.is_zero() && Self::blocks_left() <= window
	}

	/// Blocks left in the current round, the current one included.
	pub fn blocks_left() -> BlockNumberFor<T> {
		let round = CurrentRound::<T>::get();
		let end = round.start.saturating_add(RoundLength::<T>::get().max(1u32.into()));
		end.saturating_sub(frame_system::Pallet::<T>::block_number())
	}

	/// Whether `transcoder` is in the current round's active set.
	pub fn is_active(transcoder: &T::AccountId) -> bool {
		Pools::<T>::get(transcoder).active_round == Some(CurrentRound::<T>::get().index)
	}

	pub(super) fn check_bond_target(
		who: &T::AccountId,
		transcoder: &T::AccountId,
	) -> DispatchResult {
		ensure!(!T::BannedAccounts::contains(who), Error::<T>::AccountBanned);
		if transcoder == who {
			return Ok(());
		}
		ensure!(!Transcoders::<T>::contains_key(who), Error::<T>::TranscoderCannotDelegate);
		ensure!(Transcoders::<T>::contains_key(transcoder), Error::<T>::NotATranscoder);
		Ok(())
	}

	/// Ends `who`'s staking at once, for a broadcaster banned by pallet-reporting, which
	/// confiscates the result: settles its earnings, takes its whole bond out of its
	/// transcoder's pool (and `TotalBonded`), ends its unbonding locks (applying the slashes
	/// they suffered), pays its settled fees out of the pot, releases all of it into its
	/// free balance and resigns it if it is a registered transcoder (it leaves the active
	/// set at the next round start; its delegators stay bonded to it and earn nothing until
	/// they move). Returns the amount that reached the free balance. At most
	/// `MaxUnbondingLocks` locks; weight [`Self::release_all_weight`]. On error nothing
	/// changed (the caller runs it in a storage layer).
	pub fn release_all(who: &T::AccountId) -> Result<BalanceOf<T>, DispatchError> {
		let Some(mut delegator) = Delegators::<T>::get(who) else {
			return Ok(Zero::zero());
		};
		let transcoder = delegator.transcoder.clone();
		let mut pool = Pools::<T>::get(&transcoder);
		Self::settle(who, &mut delegator, &mut pool)?;
		let bond = Self::bond_of(&delegator);
		if !bond.is_zero() {
			Self::remove_stake(&mut delegator, &mut pool, bond);
			Self::cap_cohort(who, &transcoder, &delegator, &pool);
			TotalBonded::<T>::mutate(|total| *total = total.saturating_sub(bond));
		}
		Pools::<T>::insert(&transcoder, pool);
		let mut released = bond;
		let locks: Vec<(LockId, LockOf<T>)> = UnbondingLocks::<T>::iter_prefix(who)
			.take(T::MaxUnbondingLocks::get() as usize)
			.collect();
		for (lock_id, lock) in locks {
			let left = Self::take_lock(who, &mut delegator, lock_id, &lock)?;
			released = released.saturating_add(left);
		}
		if !released.is_zero() {
			T::Currency::release(&HoldReason::Staking.into(), who, released, Precision::Exact)
				.map_err(|_| Error::<T>::HoldMismatch)?;
		}
		let fees = delegator.fees;
		if !fees.is_zero() {
			T::Currency::transfer(&Self::pot(), who, fees, Preservation::Preserve)
				.map_err(|_| Error::<T>::RecipientBelowExistentialDeposit)?;
			delegator.fees = Zero::zero();
		}
		if Transcoders::<T>::contains_key(who) {
			Self::do_resign(who);
		}
		Self::store_or_remove(who, delegator);
		let amount = released.saturating_add(fees);
		Self::deposit_event(Event::StakeReleased { who: who.clone(), amount });
		Ok(amount)
	}

	/// The most [`Self::release_all`] can weigh.
	pub fn release_all_weight() -> Weight {
		T::WeightInfo::unbond(T::MaxTranscoders::get())
			.saturating_add(
				T::WeightInfo::withdraw_unbonded()
					.saturating_mul(u64::from(T::MaxUnbondingLocks::get())),
			)
			.saturating_add(T::WeightInfo::withdraw_fees())
			.saturating_add(T::OnTranscoderDeactivated::weight())
			.saturating_add(Self::reference_drops_weight(
				T::MaxUnbondingLocks::get().saturating_add(2),
			))
	}
}
