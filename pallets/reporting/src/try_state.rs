//! The pallet's invariants (they read all of its storage: for try-runtime and tests, never
//! for runtime code), checked by the `try_state` hook (try-runtime), after the unit tests
//! and after every step of the property test.

use crate::{pallet::*, HoldReason, MaintainerStatus, ReportStatus};
use alloc::collections::BTreeMap;
use frame_support::{
	ensure,
	traits::fungible::{Inspect, InspectHold},
};
use sp_runtime::{traits::Zero, Saturating, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks that
	/// - the maintainer set holds exactly the active maintainers, once each, with their
	///   recorded address and end of probation, and no banned account;
	/// - every maintainer's bond hold is its recorded bond, and every account's report deposit
	///   hold the deposits of its open reports;
	/// - a stream is under review exactly while it has an open report, which is that one;
	/// - an account is counted in [`OpenReportsAgainst`] exactly with the number of open reports
	///   against it, and is frozen while it is (unless a ban took everything);
	/// - the reports from the draw cursor on are open and wait for their group, and every report
	///   below it has a full group or is closed without one; both cursors are within the ids.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let set = MaintainerSet::<T>::get();
		for (index, entry) in set.iter().enumerate() {
			let info = Maintainers::<T>::get(&entry.who).ok_or("a set member has no record")?;
			ensure!(info.status == MaintainerStatus::Active, "a leaving maintainer is in the set");
			ensure!(
				info.address == entry.address && info.full_from == entry.full_from,
				"a set entry differs from its maintainer's record"
			);
			ensure!(
				!set.iter().skip(index.saturating_add(1)).any(|other| other.who == entry.who),
				"a maintainer is in the set twice"
			);
			ensure!(!Banned::<T>::contains_key(&entry.who), "a banned account is a maintainer");
		}
		for (who, info) in Maintainers::<T>::iter() {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::MaintainerBond.into(), &who) == info.bond,
				"a maintainer's bond hold differs from its bond"
			);
			if info.status == MaintainerStatus::Active {
				ensure!(
					set.iter().any(|entry| entry.who == who),
					"an active maintainer is not in the set"
				);
			}
		}

		let next = NextReportId::<T>::get();
		let to_draw = NextReportToDraw::<T>::get();
		ensure!(to_draw <= next, "the draw cursor passed the last report");
		ensure!(
			NextReportToResolve::<T>::get() <= next,
			"the expiry cursor passed the last report"
		);
		let group_size = Self::group_size();
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut against: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (report_id, report) in Reports::<T>::iter() {
			ensure!(report_id < next, "a report has an id not given out yet");
			let drawn = report.group_drawn_at.is_some();
			let full = u32::try_from(report.group.len()).unwrap_or(0) == group_size;
			ensure!(drawn == full, "a drawn group is not full, or an undrawn one not empty");
			if report_id >= to_draw {
				ensure!(
					report.status == ReportStatus::Open && !drawn,
					"a report waiting for its group is closed or has one"
				);
			} else {
				ensure!(
					drawn || report.status != ReportStatus::Open,
					"an open report below the draw cursor has no group"
				);
			}
			ensure!(
				!report
					.group
					.iter()
					.any(|m| m.who == report.reporter || m.who == report.broadcaster),
				"the reporter or the broadcaster sits in the group"
			);
			let under_review = StreamsUnderReview::<T>::get(report.stream_id) == Some(report_id);
			ensure!(
				under_review == (report.status == ReportStatus::Open),
				"a stream is under review without its open report, or the other way round"
			);
			if report.status == ReportStatus::Open {
				let count = against.entry(report.broadcaster.clone()).or_insert(0);
				*count = count.saturating_add(1);
				let held = deposits.entry(report.reporter.clone()).or_insert_with(Zero::zero);
				*held = held.saturating_add(report.deposit);
			}
		}
		for (stream_id, report_id) in StreamsUnderReview::<T>::iter() {
			let report = Reports::<T>::get(report_id).ok_or("a review points at no report")?;
			ensure!(report.stream_id == stream_id, "a review points at another stream's report");
		}
		// Every account with open reports against it is counted (and, unless banned meanwhile,
		// frozen); no other account is.
		for (who, count) in OpenReportsAgainst::<T>::iter() {
			ensure!(
				against.get(&who).copied() == Some(count),
				"an account's open-report count differs from its open reports"
			);
		}
		for (who, count) in &against {
			ensure!(
				OpenReportsAgainst::<T>::get(who) == *count,
				"a reported account's open reports are not counted"
			);
			if !Banned::<T>::contains_key(who) {
				ensure!(
					!Self::frozen_under_review(who).is_zero()
						|| T::Currency::total_balance(who).is_zero(),
					"a reported account is not frozen"
				);
			}
		}
		for (who, _) in Maintainers::<T>::iter() {
			if !against.contains_key(&who) {
				ensure!(
					Self::frozen_under_review(&who).is_zero(),
					"an account without open reports is frozen"
				);
			}
		}
		// Reporters with a deposit held but no open report (checked for the accounts that
		// ever reported).
		for (_, report) in Reports::<T>::iter() {
			let expected = deposits.get(&report.reporter).copied().unwrap_or_else(Zero::zero);
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::ReportDeposit.into(), &report.reporter)
					== expected,
				"a reporter's deposit hold differs from its open reports' deposits"
			);
		}
		Ok(())
	}
}
