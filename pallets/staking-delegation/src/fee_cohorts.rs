//! Fee cohorts: stake that joined a pool recently does not share the fees of claims made
//! before it arrived (see the crate docs, "Fees belong to the stake that did the work").
//!
//! Stake added to a bond during round `c` (bonded, rebonded or moved in; not a reward cut)
//! joins the cohort of round `c + 1` of its pool, counted in units of the pool's stake factor
//! (value ÷ stake factor: rewards and slashes scale every unit alike, so a member's units stay
//! what they were when it joined). A payout of a claim made in round `r` leaves out the earning
//! units of the cohorts of the rounds after `r`: the fee is shared by the rest of the earning
//! stake alone, and the fee factor's growth is also added to each left-out cohort's `excluded`
//! factor, which its members give back when they settle. So the pool never owes more than it
//! was paid, and a settlement stays O(1): one cohort and one membership to read.
//!
//! Cohorts are tracked for [`FEE_ATTRIBUTION_ROUNDS`] rounds: a payout of a claim older than
//! that is attributed to the oldest tracked round, so a payout looks at no more than
//! `FEE_ATTRIBUTION_ROUNDS + 1` cohorts. After that a member settles once more against its
//! cohort and becomes ordinary stake of the pool; a cohort is removed with its last member.

use crate::{pallet::*, types::*, COHORT_UNIT, FEE_ATTRIBUTION_ROUNDS};
use alloc::vec::Vec;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding, per_things::Rounding, FixedPointNumber,
	FixedU128,
};
use sp_runtime::traits::{Saturating, UniqueSaturatedInto, Zero};

/// The key of a fee cohort in its pool: (epoch, round).
pub(crate) type CohortKey = (u32, RoundIndex);

impl<T: Config> Pallet<T> {
	/// The round that block `block` belongs to: rounds start every `RoundLength` blocks, so the
	/// rounds before the current one are counted back from its first block. Blocks of the
	/// future count as the current round.
	pub fn round_of_block(block: BlockNumberFor<T>) -> RoundIndex {
		let round = CurrentRound::<T>::get();
		if block >= round.start {
			return round.index;
		}
		let length: u64 = RoundLength::<T>::get().max(1u32.into()).unique_saturated_into();
		let back: u64 = round.start.saturating_sub(block).unique_saturated_into();
		let rounds = back.saturating_add(length.saturating_sub(1)).checked_div(length).unwrap_or(0);
		round.index.saturating_sub(rounds.unique_saturated_into())
	}

	/// `value` in cohort units at stake factor `stake` (rounded down; saturating).
	pub(crate) fn units_of(value: BalanceOf<T>, stake: FixedU128) -> u128 {
		let value: u128 = value.unique_saturated_into();
		multiply_by_rational_with_rounding(
			value,
			COHORT_UNIT,
			stake.into_inner().max(1),
			Rounding::Down,
		)
		.unwrap_or(u128::MAX)
	}

	/// What `units` are worth at stake factor `stake` (rounded down; saturating).
	pub(crate) fn value_of_units(units: u128, stake: FixedU128) -> BalanceOf<T> {
		multiply_by_rational_with_rounding(units, stake.into_inner(), COHORT_UNIT, Rounding::Down)
			.unwrap_or(u128::MAX)
			.unique_saturated_into()
	}

	/// `units × growth` of the fee factor, rounded up: what a member gives back (saturating).
	fn fees_of_units(units: u128, growth: u128) -> BalanceOf<T> {
		let scale = COHORT_UNIT / FixedU128::DIV;
		multiply_by_rational_with_rounding(units, growth, FixedU128::DIV, Rounding::Up)
			.map(|fees| fees.div_ceil(scale))
			.unwrap_or(u128::MAX)
			.unique_saturated_into()
	}

	/// Whether no payout can reach the cohort of `round` any more (see the module docs).
	fn cohort_closed(round: RoundIndex) -> bool {
		round.saturating_add(FEE_ATTRIBUTION_ROUNDS) <= CurrentRound::<T>::get().index
	}

	/// The fees `who` (delegating to `transcoder`) gives back at a settlement now: its units'
	/// share of the fee factor growth from payouts its cohort must not share.
	pub(crate) fn cohort_exclusion(who: &T::AccountId, transcoder: &T::AccountId) -> BalanceOf<T> {
		let Some(member) = FeeCohortMembers::<T>::get(who) else {
			return Zero::zero();
		};
		let Some(cohort) = FeeCohorts::<T>::get(transcoder, (member.epoch, member.round)) else {
			return Zero::zero();
		};
		let excluded = cohort.excluded.into_inner();
		let mut give_back = Self::fees_of_units(
			member.units,
			excluded.saturating_sub(member.excluded_base.into_inner()),
		);
		if let (false, Some(at)) = (member.pending_units.is_zero(), cohort.excluded_at_activation) {
			give_back = give_back.saturating_add(Self::fees_of_units(
				member.pending_units,
				excluded.saturating_sub(at.into_inner()),
			));
		}
		give_back
	}

	/// Takes `units` and `pending_units` of a member out of `cohort` (a member's pending units
	/// are the cohort's earning units once the cohort's pending stake started earning).
	fn take_units(cohort: &mut FeeCohort, units: u128, pending_units: u128) {
		if cohort.excluded_at_activation.is_some() {
			cohort.units = cohort.units.saturating_sub(units.saturating_add(pending_units));
		} else {
			cohort.units = cohort.units.saturating_sub(units);
			cohort.pending_units = cohort.pending_units.saturating_sub(pending_units);
		}
	}

	/// Takes a member out of its cohort (removing the cohort with its last member).
	fn leave_cohort(transcoder: &T::AccountId, member: &FeeCohortMember) {
		FeeCohorts::<T>::mutate_exists(transcoder, (member.epoch, member.round), |cohort| {
			if let Some(c) = cohort {
				Self::take_units(c, member.units, member.pending_units);
				c.members = c.members.saturating_sub(1);
				if c.members == 0 {
					*cohort = None;
				}
			}
		});
	}

	/// Brings `who`'s membership up to date after a settlement against `pool` (its
	/// transcoder's), which gave back [`Self::cohort_exclusion`]: pending units that started
	/// earning join its earning units, its base moves to the cohort's `excluded` now; a closed
	/// cohort or an ended epoch ends the membership.
	pub(crate) fn settle_cohort(
		who: &T::AccountId,
		transcoder: &T::AccountId,
		pool: &Pool<BalanceOf<T>>,
	) {
		let Some(mut member) = FeeCohortMembers::<T>::get(who) else { return };
		let cohort = FeeCohorts::<T>::get(transcoder, (member.epoch, member.round));
		let ended = member.epoch != pool.factors.epoch || Self::cohort_closed(member.round);
		let Some(cohort) = cohort.filter(|_| !ended) else {
			Self::leave_cohort(transcoder, &member);
			FeeCohortMembers::<T>::remove(who);
			return;
		};
		let before = member.clone();
		if !member.pending_units.is_zero() && cohort.excluded_at_activation.is_some() {
			// The cohort counted them as earning when they started to earn.
			member.units = member.units.saturating_add(member.pending_units);
			member.pending_units = 0;
		}
		member.excluded_base = cohort.excluded;
		if member != before {
			FeeCohortMembers::<T>::insert(who, member);
		}
	}

	/// After stake left `who`'s settled bond (delegated to `transcoder`): its membership keeps
	/// at most what is left (the stake that leaves is counted as the oldest first), and ends
	/// when nothing is left.
	pub(crate) fn cap_cohort(
		who: &T::AccountId,
		transcoder: &T::AccountId,
		delegator: &DelegatorOf<T>,
		pool: &Pool<BalanceOf<T>>,
	) {
		let Some(mut member) = FeeCohortMembers::<T>::get(who) else { return };
		let stake = pool.factors.stake;
		let units = member.units.min(Self::units_of(delegator.bonded, stake));
		let pending = member.pending_units.min(Self::units_of(delegator.pending, stake));
		let (less, less_pending) =
			(member.units.saturating_sub(units), member.pending_units.saturating_sub(pending));
		if units.is_zero() && pending.is_zero() {
			Self::leave_cohort(transcoder, &member);
			FeeCohortMembers::<T>::remove(who);
			return;
		}
		if less.is_zero() && less_pending.is_zero() {
			return;
		}
		FeeCohorts::<T>::mutate(transcoder, (member.epoch, member.round), |cohort| {
			if let Some(c) = cohort {
				Self::take_units(c, less, less_pending);
			}
		});
		member.units = units;
		member.pending_units = pending;
		FeeCohortMembers::<T>::insert(who, member);
	}

	/// Makes `amount`, just added to `who`'s settled bond with `transcoder` (pending if the
	/// transcoder is active this round), a member of the cohort of the next round. Stake of an
	/// earlier cohort still open moves along with it.
	pub(crate) fn join_cohort(
		who: &T::AccountId,
		transcoder: &T::AccountId,
		pool: &Pool<BalanceOf<T>>,
		amount: BalanceOf<T>,
	) {
		let now = CurrentRound::<T>::get().index;
		let key = (pool.factors.epoch, now.saturating_add(1));
		let units = Self::units_of(amount, pool.factors.stake);
		if units.is_zero() {
			return;
		}
		let pending = pool.active_round == Some(now);
		let mut cohort = FeeCohorts::<T>::get(transcoder, key).unwrap_or_default();
		let mut member = match FeeCohortMembers::<T>::get(who) {
			Some(member) if (member.epoch, member.round) == key => member,
			previous => {
				let carried = previous.map_or(0, |previous| {
					Self::leave_cohort(transcoder, &previous);
					// Settled: an earlier cohort's pending units have joined its units.
					previous.units.saturating_add(previous.pending_units)
				});
				cohort.members = cohort.members.saturating_add(1);
				cohort.units = cohort.units.saturating_add(carried);
				FeeCohortMember {
					epoch: key.0,
					round: key.1,
					units: carried,
					pending_units: 0,
					excluded_base: cohort.excluded,
				}
			},
		};
		if pending {
			member.pending_units = member.pending_units.saturating_add(units);
			cohort.pending_units = cohort.pending_units.saturating_add(units);
		} else {
			member.units = member.units.saturating_add(units);
			cohort.units = cohort.units.saturating_add(units);
		}
		FeeCohorts::<T>::insert(transcoder, key, cohort);
		FeeCohortMembers::<T>::insert(who, member);
	}

	/// At the start of `round`, when the pool's pending stake starts earning: so do the pending
	/// units of its cohort of `round`.
	pub(crate) fn activate_cohort(transcoder: &T::AccountId, epoch: u32, round: RoundIndex) {
		FeeCohorts::<T>::mutate(transcoder, (epoch, round), |cohort| {
			if let Some(c) = cohort {
				if c.excluded_at_activation.is_none() {
					c.units = c.units.saturating_add(c.pending_units);
					c.pending_units = 0;
					c.excluded_at_activation = Some(c.excluded);
				}
			}
		});
	}

	/// The cohorts of `transcoder`'s pool that must not share a payout of a claim made in round
	/// `claim_round`, with the value of their earning stake and their members.
	pub(crate) fn excluded_cohorts(
		transcoder: &T::AccountId,
		pool: &Pool<BalanceOf<T>>,
		claim_round: RoundIndex,
	) -> (BalanceOf<T>, u32, Vec<(CohortKey, FeeCohort)>) {
		let now = CurrentRound::<T>::get().index;
		let oldest = now.saturating_sub(FEE_ATTRIBUTION_ROUNDS);
		let attributed = claim_round.min(now).max(oldest);
		let mut value = BalanceOf::<T>::zero();
		let mut members = 0u32;
		let mut cohorts = Vec::new();
		for round in attributed.saturating_add(1)..=now.saturating_add(1) {
			let key = (pool.factors.epoch, round);
			if let Some(cohort) = FeeCohorts::<T>::get(transcoder, key) {
				if !cohort.units.is_zero() {
					value = value
						.saturating_add(Self::value_of_units(cohort.units, pool.factors.stake));
					members = members.saturating_add(cohort.members);
					cohorts.push((key, cohort));
				}
			}
		}
		(value, members, cohorts)
	}
}
