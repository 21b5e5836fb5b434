//! The maintainers' commission: scheduling a round's payout and paying it a few recipients at
//! a time.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// Pays a few recipients of the commission in progress, or schedules the last round's
	/// commission when a new round has started. Returns the weight.
	pub(crate) fn run_commission(now: BlockNumberFor<T>) -> Weight {
		if let Some(mut payout) = PendingCommission::<T>::get() {
			let pot = T::MaintainersPot::get();
			let mut paid = 0u32;
			while paid < T::MaxCommissionPayoutsPerBlock::get() {
				let Some(who) = payout.recipients.pop() else { break };
				if T::Currency::transfer(&pot, &who, payout.per_member, Preservation::Preserve)
					.is_ok()
				{
					Self::deposit_event(Event::CommissionPaid {
						who,
						round: payout.round,
						amount: payout.per_member,
					});
				}
				paid = paid.saturating_add(1);
			}
			if payout.recipients.is_empty() {
				PendingCommission::<T>::kill();
			} else {
				PendingCommission::<T>::put(payout);
			}
			return T::WeightInfo::on_initialize_pay_commission(paid);
		}
		let current = T::Rounds::current_round();
		let round = CommissionRound::<T>::get();
		if current == round {
			return Weight::zero();
		}
		CommissionRound::<T>::put(current);
		let set = MaintainerSet::<T>::get();
		let size = u32::try_from(set.len()).unwrap_or(u32::MAX);
		let recipients: Vec<T::AccountId> = set
			.into_iter()
			.filter(|entry| {
				entry.full_from <= now && entry.missed_round.is_none_or(|missed| missed < round)
			})
			.map(|entry| entry.who)
			.collect();
		let count = u32::try_from(recipients.len()).unwrap_or(u32::MAX);
		let available = T::Currency::reducible_balance(
			&T::MaintainersPot::get(),
			Preservation::Preserve,
			Fortitude::Polite,
		);
		let per_member = available.checked_div(&count.into()).unwrap_or_default();
		if !per_member.is_zero() {
			if let Ok(recipients) = BoundedVec::try_from(recipients) {
				PendingCommission::<T>::put(CommissionPayout { round, per_member, recipients });
				Self::deposit_event(Event::CommissionScheduled {
					round,
					recipients: count,
					per_member,
				});
			}
		}
		T::WeightInfo::on_initialize_schedule_commission(size)
	}
}
