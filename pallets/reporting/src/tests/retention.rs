//! Retention: resolved reports leave storage `ReportRetention` blocks after their voting
//! period (issue 12, low item "Storage that only grows").

use super::*;
use frame_support::weights::Weight;

/// Builds blocks up to `n`, each running the hooks and then this pallet's `on_idle` with the
/// weight of an otherwise empty block.
fn run_idle_to(n: u64) {
	while now() < n {
		run_to_block(now() + 1);
		Reporting::on_idle(now(), Weight::MAX);
	}
}

fn expires_at(report_id: u64) -> u64 {
	Reports::<Test>::get(report_id).unwrap().expires_at
}

#[test]
fn low_storage_growth_resolved_reports_leave_storage_after_retention() {
	build_and_execute(|| {
		full(13);
		// A report nobody votes on is rejected at its expiry.
		let (_, rejected, _) = report_alice();
		let rejected_expiry = expires_at(rejected);
		run_idle_to(rejected_expiry);
		assert_eq!(status(rejected), ReportStatus::Rejected);

		// A later report is still open when the first one is due: it stays.
		run_idle_to(rejected_expiry + REPORT_RETENTION - 10);
		let (_, upheld, members) = report_alice();
		run_idle_to(rejected_expiry + REPORT_RETENTION - 1);
		assert!(Reports::<Test>::contains_key(rejected));
		run_idle_to(rejected_expiry + REPORT_RETENTION);
		assert!(!Reports::<Test>::contains_key(rejected));
		assert!(events().contains(&Event::ReportRemoved { report_id: rejected }));
		assert_eq!(status(upheld), ReportStatus::Open);

		// Upheld before its expiry: kept until `ReportRetention` after the voting period.
		for member in members.iter().take(QUORUM as usize) {
			assert_ok!(Reporting::vote(origin(*member), upheld, true));
		}
		assert_eq!(status(upheld), ReportStatus::Upheld);
		let upheld_expiry = expires_at(upheld);
		run_idle_to(upheld_expiry + REPORT_RETENTION - 1);
		assert!(Reports::<Test>::contains_key(upheld));
		// No weight left in the block: nothing is removed.
		run_to_block(upheld_expiry + REPORT_RETENTION);
		assert_eq!(Reporting::on_idle(now(), Weight::zero()), Weight::zero());
		assert!(Reports::<Test>::contains_key(upheld));
		Reporting::on_idle(now(), Weight::MAX);
		assert!(!Reports::<Test>::contains_key(upheld));
		assert_eq!(crate::NextReportToRemove::<Test>::get(), upheld + 1);
		// The ban stays: it does not depend on the report.
		assert!(Banned::<Test>::contains_key(ALICE));
	});
}
