//! Drawing the group of maintainers that votes on a report, and seating it (or voiding the
//! report).

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// The full maintainers now who may judge a report of `reporter` against `broadcaster`:
	/// neither of them.
	pub fn eligible(
		broadcaster: &T::AccountId,
		reporter: &T::AccountId,
		now: BlockNumberFor<T>,
	) -> Vec<(T::AccountId, Address)> {
		let mut candidates = Self::full_maintainers(now);
		candidates.retain(|(who, _)| who != broadcaster && who != reporter);
		candidates
	}

	/// The group of report `report_id` drawn now with `seed` (the parent hash), or `None`
	/// if fewer than `GroupSize` maintainers are eligible.
	pub fn draw_group(
		report_id: ReportId,
		report: &ReportOf<T>,
		seed: &[u8; 32],
		now: BlockNumberFor<T>,
	) -> Option<Vec<T::AccountId>> {
		let candidates = Self::eligible(&report.broadcaster, &report.reporter, now);
		let size = Self::group_size();
		if u32::try_from(candidates.len()).unwrap_or(u32::MAX) < size {
			return None;
		}
		let target = group_target(&report.stream_id, report_id, seed);
		Some(closest(&target, &candidates, size as usize))
	}

	/// Draws the groups of the reports filed two blocks ago or earlier, in report order, at
	/// most `MaxReportsPerBlock`. Returns the weight.
	pub(crate) fn run_draws(now: BlockNumberFor<T>) -> Weight {
		let end = NextReportId::<T>::get();
		let mut cursor = NextReportToDraw::<T>::get();
		let start = cursor;
		let mut drawn = 0u32;
		// The cursors' reads are in `on_initialize_idle`; this is the look at the next
		// report, which may not be due yet.
		let mut weight = T::DbWeight::get().reads(1);
		while drawn < T::MaxReportsPerBlock::get() && cursor < end {
			if let Some(report) = Reports::<T>::get(cursor) {
				if report.created_at.saturating_add(GROUP_DELAY.into()) > now {
					break;
				}
				if report.status == ReportStatus::Open && report.group_drawn_at.is_none() {
					Self::seat_group(cursor, report, now);
					drawn = drawn.saturating_add(1);
				}
			}
			cursor = cursor.saturating_add(1);
		}
		if cursor != start {
			NextReportToDraw::<T>::put(cursor);
		}
		if drawn > 0 {
			let set = MaintainerSet::<T>::decode_len().unwrap_or(0);
			let set = u32::try_from(set).unwrap_or(u32::MAX);
			let draws = T::WeightInfo::on_initialize_draw(set).saturating_mul(drawn.into());
			weight = weight.saturating_add(draws);
		}
		weight
	}

	/// Seats the group of `report` drawn from the parent hash, or voids the report if no
	/// full group can be drawn.
	pub(super) fn seat_group(report_id: ReportId, mut report: ReportOf<T>, now: BlockNumberFor<T>) {
		let parent = frame_system::Pallet::<T>::parent_hash();
		let mut seed = [0u8; 32];
		for (to, from) in seed.iter_mut().zip(parent.as_ref().iter()) {
			*to = *from;
		}
		let members = Self::draw_group(report_id, &report, &seed, now);
		let group: Option<Group<T::AccountId>> = members.as_ref().and_then(|members| {
			members
				.iter()
				.map(|who| GroupMember { who: who.clone(), vote: None })
				.collect::<Vec<_>>()
				.try_into()
				.ok()
		});
		let (Some(members), Some(group)) = (members, group) else {
			// No full group: nobody judges the report, the reporter gets its deposit back.
			if !report.deposit.is_zero() {
				let _ = T::Currency::release(
					&HoldReason::ReportDeposit.into(),
					&report.reporter,
					report.deposit,
					Precision::BestEffort,
				)
				.defensive_proof("releasing a hold with BestEffort cannot fail");
			}
			report.status = ReportStatus::Rejected;
			report.expires_at = now;
			Self::release_reported(&report.broadcaster);
			StreamsUnderReview::<T>::remove(report.stream_id);
			Reports::<T>::insert(report_id, report);
			Self::deposit_event(Event::ReportVoided { report_id });
			return;
		};
		let expires_at = now.saturating_add(Self::voting_period());
		report.group = group;
		report.group_drawn_at = Some(now);
		report.expires_at = expires_at;
		let quorum = report.quorum;
		Reports::<T>::insert(report_id, report);
		let group = members;
		Self::deposit_event(Event::GroupDrawn { report_id, group, quorum, expires_at });
	}
}
