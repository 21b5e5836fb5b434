//! Resolving reports: upholding one (the sanctions and the confiscation's shares) or rejecting
//! an expired one.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// Upholds a report (its guilty quorum was just reached). Returns the weight of the
	/// sanctions.
	pub(super) fn uphold(report_id: ReportId, mut report: ReportOf<T>) -> Weight {
		let broadcaster = report.broadcaster.clone();
		let now = frame_system::Pallet::<T>::block_number();
		let mut weight = Weight::zero();
		if !Banned::<T>::contains_key(&broadcaster) {
			Banned::<T>::insert(&broadcaster, now);
			weight = T::Sanctions::ban(&broadcaster);
			Self::deposit_event(Event::BroadcasterBanned { who: broadcaster.clone(), report_id });
		}
		// A banned maintainer's bond is confiscated with the rest.
		if let Some(info) = Maintainers::<T>::take(&broadcaster) {
			MaintainerSet::<T>::mutate(|set| set.retain(|entry| entry.who != broadcaster));
			let _ = T::Currency::release(
				&HoldReason::MaintainerBond.into(),
				&broadcaster,
				info.bond,
				Precision::BestEffort,
			)
			.defensive_proof("releasing a hold with BestEffort cannot fail");
		}

		// The freeze kept everything in reach; it goes now (with this report's count), so that
		// all of it can be confiscated, whatever other reports are still open.
		Self::release_reported(&broadcaster);
		let _ = T::Currency::thaw(&FreezeReason::UnderReview.into(), &broadcaster)
			.defensive_proof("thawing an existing account cannot fail");
		let confiscated = T::Currency::reducible_balance(
			&broadcaster,
			Preservation::Expendable,
			Fortitude::Polite,
		);
		let guilty: Vec<T::AccountId> = report
			.group
			.iter()
			.filter(|member| member.vote == Some(true))
			.map(|member| member.who.clone())
			.collect();
		let (reporter_reward, per_voter) = Self::confiscation_shares(confiscated, guilty.len());
		if !reporter_reward.is_zero() {
			let _ = T::Currency::transfer(
				&broadcaster,
				&report.reporter,
				reporter_reward,
				Preservation::Expendable,
			);
		}
		if !per_voter.is_zero() {
			for voter in &guilty {
				let _ =
					T::Currency::transfer(&broadcaster, voter, per_voter, Preservation::Expendable);
			}
		}
		if !report.deposit.is_zero() {
			let _ = T::Currency::release(
				&HoldReason::ReportDeposit.into(),
				&report.reporter,
				report.deposit,
				Precision::BestEffort,
			)
			.defensive_proof("releasing a hold with BestEffort cannot fail");
		}
		let dissenters: Vec<T::AccountId> = report
			.group
			.iter()
			.filter(|member| member.vote == Some(false))
			.map(|member| member.who.clone())
			.collect();
		for dissenter in &dissenters {
			Self::expel(dissenter, report_id);
		}
		report.status = ReportStatus::Upheld;
		StreamsUnderReview::<T>::remove(report.stream_id);
		Reports::<T>::insert(report_id, report);
		Self::deposit_event(Event::ReportUpheld {
			report_id,
			broadcaster,
			confiscated,
			reporter_reward,
			per_voter,
		});
		weight
	}

	/// How `confiscated` is shared: (the reporter's part, each of `guilty` voters' part).
	/// The reporter gets `ReporterReward` of it plus the remainder of the equal split.
	pub fn confiscation_shares(
		confiscated: BalanceOf<T>,
		guilty: usize,
	) -> (BalanceOf<T>, BalanceOf<T>) {
		let reporter = T::ReporterReward::get().mul_floor(confiscated);
		let rest = confiscated.saturating_sub(reporter);
		let voters: BalanceOf<T> = u32::try_from(guilty).unwrap_or(u32::MAX).into();
		let per_voter = rest.checked_div(&voters).unwrap_or_default();
		let shared = per_voter.saturating_mul(voters);
		(reporter.saturating_add(rest.saturating_sub(shared)), per_voter)
	}

	/// Rejects an expired report (no guilty quorum).
	pub(super) fn reject(report_id: ReportId, mut report: ReportOf<T>, _now: BlockNumberFor<T>) {
		let round = T::Rounds::current_round();
		let (guilty, not_guilty) = report.tally();
		let missed: Vec<T::AccountId> = report
			.group
			.iter()
			.filter(|member| member.vote.is_none())
			.map(|member| member.who.clone())
			.collect();
		if !missed.is_empty() {
			MaintainerSet::<T>::mutate(|set| {
				for entry in set.iter_mut().filter(|entry| missed.contains(&entry.who)) {
					entry.missed_round = Some(round);
				}
			});
			for who in missed {
				Self::deposit_event(Event::VoteMissed { report_id, who, round });
			}
		}
		// The reporter forfeits its deposit to the account it froze for nothing (to the pot if
		// another report banned that account meanwhile: confiscated accounts receive nothing).
		let reason: <T::Currency as frame_support::traits::fungible::InspectHold<
			T::AccountId,
		>>::Reason = HoldReason::ReportDeposit.into();
		let beneficiary = if Banned::<T>::contains_key(&report.broadcaster) {
			T::MaintainersPot::get()
		} else {
			report.broadcaster.clone()
		};
		let mut forfeited = BalanceOf::<T>::zero();
		if !report.deposit.is_zero() {
			match T::Currency::transfer_on_hold(
				&reason,
				&report.reporter,
				&beneficiary,
				report.deposit,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			) {
				Ok(amount) => forfeited = amount,
				Err(_) => {
					// Cannot happen (the deposit is on hold); the reporter keeps it rather
					// than having it stuck on hold.
					frame_support::defensive!("a report deposit could not be forfeited");
				},
			}
			let left = <T::Currency as frame_support::traits::fungible::InspectHold<
				T::AccountId,
			>>::balance_on_hold(&reason, &report.reporter)
			.min(report.deposit.saturating_sub(forfeited));
			if !left.is_zero() {
				let _ =
					T::Currency::release(&reason, &report.reporter, left, Precision::BestEffort)
						.defensive_proof("releasing a hold with BestEffort cannot fail");
			}
		}
		Self::release_reported(&report.broadcaster);
		if not_guilty >= report.quorum {
			for member in report.group.iter().filter(|member| member.vote == Some(true)) {
				Self::expel(&member.who, report_id);
			}
		}
		report.status = ReportStatus::Rejected;
		StreamsUnderReview::<T>::remove(report.stream_id);
		Reports::<T>::insert(report_id, report);
		Self::deposit_event(Event::ReportRejected { report_id, guilty, not_guilty, forfeited });
	}

	/// Rejects the expired reports in report order, at most `MaxResolutionsPerBlock`.
	/// Returns how many report ids it looked at and the weight of the rejections.
	pub(crate) fn run_expiries(now: BlockNumberFor<T>) -> (u32, Weight) {
		let budget = T::MaxResolutionsPerBlock::get();
		let end = NextReportId::<T>::get();
		let mut cursor = NextReportToResolve::<T>::get();
		let start = cursor;
		let mut used = 0u32;
		let mut weight = Weight::zero();
		while used < budget && cursor < end {
			if let Some(report) = Reports::<T>::get(cursor) {
				if report.status == ReportStatus::Open {
					if report.expires_at > now || report.group_drawn_at.is_none() {
						break;
					}
					let size = u32::try_from(report.group.len()).unwrap_or(u32::MAX);
					Self::reject(cursor, report, now);
					weight = weight.saturating_add(T::WeightInfo::resolve_report(size));
				}
			}
			used = used.saturating_add(1);
			cursor = cursor.saturating_add(1);
		}
		if cursor != start {
			NextReportToResolve::<T>::put(cursor);
		}
		(used, weight)
	}
}
