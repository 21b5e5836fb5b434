//! Maintainers (probation, addresses, retiring and expelling), bans, and the freeze on reported
//! accounts.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// Blocks a new maintainer stays on probation (genesis override or the default).
	pub fn probation_period() -> BlockNumberFor<T> {
		ProbationPeriodOverride::<T>::get().unwrap_or_else(T::ProbationPeriod::get)
	}

	/// Blocks a group has to vote (genesis override or the default).
	pub fn voting_period() -> BlockNumberFor<T> {
		VotingPeriodOverride::<T>::get().unwrap_or_else(T::VotingPeriod::get)
	}

	/// Counts one more open report against `who` and freezes its whole balance (free and
	/// held: a freeze applies to the total, holds count towards it), so that nothing the
	/// ban would confiscate can be transferred out meanwhile. Holds still work (OLC on hold
	/// stays in reach: bonds and job deposits are released into the account by the ban).
	pub(super) fn freeze_reported(who: &T::AccountId) -> DispatchResult {
		let total = T::Currency::total_balance(who);
		T::Currency::extend_freeze(&FreezeReason::UnderReview.into(), who, total)
			.map_err(|_| Error::<T>::CannotFreeze)?;
		OpenReportsAgainst::<T>::mutate(who, |count| *count = count.saturating_add(1));
		Ok(())
	}

	/// Counts one open report against `who` less; the freeze goes with the last one.
	pub(super) fn release_reported(who: &T::AccountId) {
		let left = OpenReportsAgainst::<T>::mutate_exists(who, |count| {
			let left = count.unwrap_or(0).saturating_sub(1);
			*count = if left == 0 { None } else { Some(left) };
			left
		});
		if left == 0 {
			let _ = T::Currency::thaw(&FreezeReason::UnderReview.into(), who)
				.defensive_proof("thawing an existing account cannot fail");
		}
	}

	/// OLC of `who` frozen while reports against it are open.
	pub fn frozen_under_review(who: &T::AccountId) -> BalanceOf<T> {
		T::Currency::balance_frozen(&FreezeReason::UnderReview.into(), who)
	}

	/// The address a maintainer gets from join number `counter` in this block.
	pub fn derive_address(who: &T::AccountId, counter: u64) -> Address {
		let parent = frame_system::Pallet::<T>::parent_hash();
		olc_primitives::blake2_256(&(ADDRESS_CONTEXT, who, parent, counter).encode())
	}

	/// Whether `who` is banned.
	pub fn is_banned(who: &T::AccountId) -> bool {
		Banned::<T>::contains_key(who)
	}

	/// The full maintainers now (in the set, probation over), with their addresses.
	pub fn full_maintainers(now: BlockNumberFor<T>) -> Vec<(T::AccountId, Address)> {
		MaintainerSet::<T>::get()
			.into_iter()
			.filter(|entry| entry.full_from <= now)
			.map(|entry| (entry.who, entry.address))
			.collect()
	}

	/// The size of every group.
	pub fn group_size() -> u32 {
		T::GroupSize::get().min(MAX_GROUP_SIZE)
	}

	/// Takes a maintainer out of the set; its bond stays held until it can no longer be
	/// called to vote. Returns that block.
	pub(super) fn retire(who: &T::AccountId, mut info: MaintainerOf<T>) -> BlockNumberFor<T> {
		let now = frame_system::Pallet::<T>::block_number();
		let mut withdrawable_at = now.saturating_add(Self::voting_period());
		if let MaintainerStatus::Leaving { withdrawable_at: earlier } = info.status {
			withdrawable_at = withdrawable_at.max(earlier);
		}
		MaintainerSet::<T>::mutate(|set| set.retain(|entry| entry.who != *who));
		info.status = MaintainerStatus::Leaving { withdrawable_at };
		Maintainers::<T>::insert(who, info);
		withdrawable_at
	}

	/// Expels a dissenter: slashes `DissentSlash` of its bond into the pot and retires it.
	pub(super) fn expel(who: &T::AccountId, report_id: ReportId) {
		let Some(mut info) = Maintainers::<T>::get(who) else { return };
		let slash = T::DissentSlash::get().mul_floor(info.bond);
		let mut slashed = BalanceOf::<T>::zero();
		if !slash.is_zero() {
			if let Ok(moved) = T::Currency::transfer_on_hold(
				&HoldReason::MaintainerBond.into(),
				who,
				&T::MaintainersPot::get(),
				slash,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			) {
				slashed = moved;
				info.bond = info.bond.saturating_sub(moved);
			}
		}
		Self::retire(who, info);
		Self::deposit_event(Event::Expelled { who: who.clone(), report_id, slashed });
	}
}
