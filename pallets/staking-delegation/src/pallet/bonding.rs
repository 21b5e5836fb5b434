//! Bonds: adding stake to a pool and taking it out, pool membership, unbonding locks and
//! rebonding them.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	pub(super) fn delegator_or_new(
		who: &T::AccountId,
		transcoder: &T::AccountId,
	) -> DelegatorOf<T> {
		Delegators::<T>::get(who)
			.unwrap_or_else(|| Delegator::new(transcoder.clone(), CurrentRound::<T>::get().index))
	}

	/// Settles `delegator`'s earnings with its transcoder's pool and adds `amount` (already
	/// on hold) to its bond, moving the whole bond if `transcoder` is another one.
	pub(super) fn do_bond(
		who: &T::AccountId,
		delegator: &mut DelegatorOf<T>,
		transcoder: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		let previous = delegator.transcoder.clone();
		if Self::bond_of(delegator).is_zero() {
			// Nothing delegated: only fees and locks may be left; start afresh.
			delegator.transcoder = transcoder.clone();
		}
		let mut pool = Pools::<T>::get(&delegator.transcoder);
		Self::settle(who, delegator, &mut pool)?;
		if delegator.transcoder != *transcoder {
			let moved = Self::bond_of(delegator);
			Self::remove_stake(delegator, &mut pool, moved);
			Self::cap_cohort(who, &previous, delegator, &pool);
			Pools::<T>::insert(&previous, pool);
			delegator.transcoder = transcoder.clone();
			pool = Pools::<T>::get(transcoder);
			delegator.base = pool.factors;
			Self::add_stake(delegator, &mut pool, moved.saturating_add(amount))?;
			Self::join_cohort(who, transcoder, &pool, moved.saturating_add(amount));
			Self::deposit_event(Event::BondMoved {
				delegator: who.clone(),
				from: previous,
				to: transcoder.clone(),
				amount: moved,
			});
		} else {
			Self::add_stake(delegator, &mut pool, amount)?;
			Self::join_cohort(who, transcoder, &pool, amount);
		}
		Pools::<T>::insert(transcoder, pool);
		Self::deposit_event(Event::Bonded {
			delegator: who.clone(),
			transcoder: transcoder.clone(),
			amount,
			bond: Self::bond_of(delegator),
		});
		Ok(())
	}

	/// Adds `amount` to a settled delegator's stake in `pool`: pending until the next round
	/// if the transcoder is active now, earning at once otherwise (its factors cannot move
	/// before it is active).
	pub(super) fn add_stake(
		delegator: &mut DelegatorOf<T>,
		pool: &mut Pool<BalanceOf<T>>,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		let before = Self::membership(delegator);
		let round = CurrentRound::<T>::get().index;
		if pool.active_round == Some(round) {
			let next = round.checked_add(1).ok_or(Error::<T>::Overflow)?;
			if delegator.pending.is_zero() {
				delegator.pending_base = pool.factors;
				delegator.pending_round = next;
			}
			delegator.pending =
				delegator.pending.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
			pool.pending = pool.pending.saturating_add(amount);
			pool.pending_round = next;
		} else {
			delegator.bonded = delegator.bonded.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
			pool.earning = pool.earning.saturating_add(amount);
		}
		Self::update_membership(pool, before, Self::membership(delegator));
		Ok(())
	}

	/// Takes `amount` out of a settled delegator's stake in `pool`, pending part first (it
	/// earns nothing yet).
	pub(super) fn remove_stake(
		delegator: &mut DelegatorOf<T>,
		pool: &mut Pool<BalanceOf<T>>,
		amount: BalanceOf<T>,
	) {
		let before = Self::membership(delegator);
		let from_pending = amount.min(delegator.pending);
		delegator.pending = delegator.pending.saturating_sub(from_pending);
		pool.pending = pool.pending.saturating_sub(from_pending);
		let from_bonded = amount.saturating_sub(from_pending).min(delegator.bonded);
		delegator.bonded = delegator.bonded.saturating_sub(from_bonded);
		pool.earning = pool.earning.saturating_sub(from_bonded);
		Self::update_membership(pool, before, Self::membership(delegator));
	}

	/// Which of a pool's stake an account has a part of: (earning, pending) — earning
	/// includes pending stake whose round has started but that is not settled yet.
	pub(super) fn membership(delegator: &DelegatorOf<T>) -> Membership {
		let started = delegator.pending_round <= CurrentRound::<T>::get().index;
		let pending = !delegator.pending.is_zero();
		Membership {
			earning: !delegator.bonded.is_zero() || (pending && started),
			pending: pending && !started,
		}
	}

	/// Counts an account's change of membership in `pool`'s earning and pending stake. When
	/// the last member leaves either, what the pool still counts there is rounding dust
	/// nobody owns: it is dropped, so that later rewards and fees do not go to it.
	pub(super) fn update_membership(
		pool: &mut Pool<BalanceOf<T>>,
		before: Membership,
		after: Membership,
	) {
		match (before.earning, after.earning) {
			(false, true) => pool.earners = pool.earners.saturating_add(1),
			(true, false) => pool.earners = pool.earners.saturating_sub(1),
			_ => {},
		}
		match (before.pending, after.pending) {
			(false, true) => pool.pending_refs = pool.pending_refs.saturating_add(1),
			(true, false) => pool.pending_refs = pool.pending_refs.saturating_sub(1),
			_ => {},
		}
		// Pending holders that earn nothing yet join the earners when their stake starts.
		match (before.pending && !before.earning, after.pending && !after.earning) {
			(false, true) => pool.newcomers = pool.newcomers.saturating_add(1),
			(true, false) => pool.newcomers = pool.newcomers.saturating_sub(1),
			_ => {},
		}
		Self::drop_dust(pool);
	}

	/// Drops stake the pool counts but no member owns (see `update_membership`).
	pub(super) fn drop_dust(pool: &mut Pool<BalanceOf<T>>) {
		let mut dust = BalanceOf::<T>::zero();
		if pool.earners == 0 {
			dust = dust.saturating_add(pool.earning);
			pool.earning = Zero::zero();
		}
		if pool.pending_refs == 0 {
			dust = dust.saturating_add(pool.pending);
			pool.pending = Zero::zero();
		}
		TotalBonded::<T>::mutate(|total| *total = total.saturating_sub(dust));
	}

	/// Removes lock `lock_id` (already read as `lock`), burning what slashes took from it;
	/// returns what is left, still on hold.
	pub(super) fn take_lock(
		who: &T::AccountId,
		delegator: &mut DelegatorOf<T>,
		lock_id: LockId,
		lock: &LockOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		let pool = Pools::<T>::get(&lock.transcoder);
		let slash_now = Self::factors_of_epoch(&lock.transcoder, &pool, lock.base.epoch).slash;
		let left =
			Self::mul_div(lock.amount, slash_now.into_inner(), lock.base.slash.into_inner())?
				.min(lock.amount);
		let burn = lock.amount.saturating_sub(left);
		if !burn.is_zero() {
			T::Currency::burn_held(
				&HoldReason::Staking.into(),
				who,
				burn,
				Precision::Exact,
				Fortitude::Force,
			)
			.map_err(|_| Error::<T>::HoldMismatch)?;
			Self::deposit_event(Event::SlashBurned { who: who.clone(), amount: burn });
		}
		UnbondingLocks::<T>::remove(who, lock_id);
		delegator.lock_count = delegator.lock_count.saturating_sub(1);
		Self::drop_ref(&lock.transcoder, lock.base.epoch);
		Ok(left)
	}

	pub(super) fn do_rebond(
		who: T::AccountId,
		transcoder: T::AccountId,
		lock_id: LockId,
	) -> DispatchResult {
		Self::check_bond_target(&who, &transcoder)?;
		let lock = UnbondingLocks::<T>::get(&who, lock_id).ok_or(Error::<T>::UnknownLock)?;
		let mut delegator = Delegators::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
		if transcoder != who {
			let moves_self_bond =
				delegator.transcoder == who && !Self::bond_of(&delegator).is_zero();
			if moves_self_bond || lock.transcoder == who {
				ensure!(!T::SlashExposure::exposed(&who), Error::<T>::ExposedToSlash);
			}
		}
		let amount = Self::take_lock(&who, &mut delegator, lock_id, &lock)?;
		TotalBonded::<T>::mutate(|total| *total = total.saturating_add(amount));
		Self::do_bond(&who, &mut delegator, &transcoder, amount)?;
		// A lock that slashes emptied leaves nothing when rebonded with no bond.
		Self::store_or_remove(&who, delegator);
		Self::deposit_event(Event::Rebonded { delegator: who, transcoder, lock_id, amount });
		Ok(())
	}
}
