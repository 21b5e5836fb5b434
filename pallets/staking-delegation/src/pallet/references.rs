//! Account records and the reference counts of pool epochs, and removing pools and epoch
//! ends nothing refers to any more (see the crate docs, "Storage that only grows").

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// What `drops` references dropped by a call may weigh beyond its benchmark, which
	/// measures one path: each may remove an ended epoch's [`EpochEnds`] entry and the
	/// pool with its last reference (reads of the old record, the count, the pool, the
	/// registration and the pool's other counts; writes of the count, the epoch end, the
	/// pool and [`TotalBonded`]).
	pub fn reference_drops_weight(drops: u32) -> Weight {
		T::DbWeight::get().reads_writes(5, 4).saturating_mul(u64::from(drops))
	}

	/// Stores a delegator record, or removes it when nothing is left in it.
	pub(super) fn store_or_remove(who: &T::AccountId, delegator: DelegatorOf<T>) {
		if Self::bond_of(&delegator).is_zero()
			&& delegator.fees.is_zero()
			&& delegator.lock_count == 0
		{
			Self::put_delegator(who, None);
		} else {
			Self::put_delegator(who, Some(&delegator));
		}
	}

	/// Stores (`Some`) or removes (`None`) `who`'s record, moving its reference from the
	/// pool epoch the stored record referred to ([`EpochRefs`]) to the new one's. Called
	/// after the paths that change the pools have stored them, so that a pool whose last
	/// reference goes leaves storage for good.
	pub(crate) fn put_delegator(who: &T::AccountId, delegator: Option<&DelegatorOf<T>>) {
		let old = Delegators::<T>::get(who).map(|d| (d.transcoder, d.base.epoch));
		let new = delegator.map(|d| (d.transcoder.clone(), d.base.epoch));
		match delegator {
			Some(delegator) => Delegators::<T>::insert(who, delegator),
			None => Delegators::<T>::remove(who),
		}
		if old != new {
			// The new reference first: a move between two epochs of one pool never lets
			// its count fall to zero on the way.
			if let Some((transcoder, epoch)) = new {
				Self::add_ref(&transcoder, epoch);
			}
			if let Some((transcoder, epoch)) = old {
				Self::drop_ref(&transcoder, epoch);
			}
		}
	}

	/// Counts one more reference to `epoch` of `transcoder`'s pool.
	pub(crate) fn add_ref(transcoder: &T::AccountId, epoch: u32) {
		EpochRefs::<T>::mutate(transcoder, epoch, |refs| {
			*refs = Some(refs.unwrap_or(0).saturating_add(1));
		});
	}

	/// Counts one reference less to `epoch` of `transcoder`'s pool; with its last one, an
	/// ended epoch's [`EpochEnds`] entry leaves, and so does the pool if nothing else refers
	/// to it and its transcoder is not registered.
	pub(crate) fn drop_ref(transcoder: &T::AccountId, epoch: u32) {
		let left = EpochRefs::<T>::mutate_exists(transcoder, epoch, |refs| {
			let left = (*refs)
				.defensive_ok_or("a reference that was never counted")
				.unwrap_or(1)
				.saturating_sub(1);
			*refs = (left > 0).then_some(left);
			left
		});
		if left > 0 {
			return;
		}
		if Pools::<T>::get(transcoder).factors.epoch != epoch {
			EpochEnds::<T>::remove(transcoder, epoch);
		}
		Self::remove_pool_if_unreferenced(transcoder);
	}

	/// Removes `transcoder`'s pool if its transcoder is not registered and nothing refers to
	/// it ([`EpochRefs`]). With no account delegated to it, what the pool still counts as
	/// stake or as unpaid rewards and fees is rounding dust nobody owns: the stake leaves
	/// [`TotalBonded`], the unpaid amounts stay in the pot. Returns whether it was removed.
	pub(crate) fn remove_pool_if_unreferenced(transcoder: &T::AccountId) -> bool {
		if Transcoders::<T>::contains_key(transcoder)
			|| EpochRefs::<T>::iter_key_prefix(transcoder).next().is_some()
			|| !Pools::<T>::contains_key(transcoder)
		{
			return false;
		}
		let pool = Pools::<T>::take(transcoder);
		let dust = pool.earning.saturating_add(pool.pending);
		TotalBonded::<T>::mutate(|total| *total = total.saturating_sub(dust));
		true
	}
}
