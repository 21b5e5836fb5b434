//! Issue 12 item 7: confiscation cannot be escaped.

use super::*;

/// From the report until its resolution the reported account cannot move out what the ban
/// would confiscate: its free balance (transfers and tips fail), nor the deposits of the jobs
/// it ends meanwhile (they come back frozen). When the report is upheld, all of it is
/// confiscated.
#[test]
fn item7_a_reported_account_cannot_move_out_what_the_ban_would_confiscate() {
	build_and_execute(|| {
		use frame_support::traits::{fungible::Mutate, tokens::Preservation};
		full(13);
		assert_ok!(Staking::bond(origin(ALICE), 5_000, ALICE));
		let stream_id = new_stream(ALICE);
		let job_id = pallet_jobs::NextJobId::<Test>::get();
		assert_ok!(Jobs::create_job(
			origin(ALICE),
			stream_id,
			olc_primitives::default_ladder().try_into().unwrap(),
			1,
			1_000
		));
		let report_id = crate::NextReportId::<Test>::get();
		assert_ok!(Reporting::report(origin(BOB), stream_id, 1, Default::default()));
		run_to_block(now() + u64::from(GROUP_DELAY));
		let members = group(report_id);

		// Escape attempts during the vote.
		assert!(<Balances as Mutate<u64>>::transfer(
			&ALICE,
			&CHARLIE,
			10_000,
			Preservation::Expendable
		)
		.is_err());
		assert!(Balances::transfer_allow_death(origin(ALICE), CHARLIE, 10_000).is_err());
		assert!(OlcToken::tip(
			origin(ALICE),
			CHARLIE,
			10_000,
			0,
			Default::default(),
			Default::default()
		)
		.is_err());
		assert_ok!(Jobs::end_job(origin(ALICE), job_id));
		assert_eq!(free(ALICE), INITIAL - 5_000);
		assert!(<Balances as Mutate<u64>>::transfer(&ALICE, &CHARLIE, 1, Preservation::Expendable)
			.is_err());
		assert_eq!(free(CHARLIE), INITIAL);

		for who in &members[0..7] {
			assert_ok!(Reporting::vote(origin(*who), report_id, true));
		}
		assert_eq!(status(report_id), ReportStatus::Upheld);
		// Everything ALICE had at the report was confiscated.
		assert!(events().iter().any(|event| matches!(
			event,
			Event::ReportUpheld { report_id: id, broadcaster: ALICE, confiscated: INITIAL, .. }
				if *id == report_id
		)));
		assert_eq!(<Balances as Inspect<u64>>::total_balance(&ALICE), 0);
	});
}

/// A report that is not upheld forfeits the reporter's deposit to the reported account, and the
/// reported account's balance is free again.
#[test]
fn item7_a_rejected_report_forfeits_the_deposit_to_the_reported_account() {
	build_and_execute(|| {
		use frame_support::traits::{fungible::Mutate, tokens::Preservation};
		full(13);
		let (_, report_id, members) = report_alice();
		for who in &members[0..3] {
			assert_ok!(Reporting::vote(origin(*who), report_id, true));
		}
		for who in &members[3..10] {
			assert_ok!(Reporting::vote(origin(*who), report_id, false));
		}
		let expiry = Reports::<Test>::get(report_id).unwrap().expires_at;
		run_to_block(expiry);
		assert_eq!(status(report_id), ReportStatus::Rejected);
		assert_eq!(deposit_held(BOB), 0);
		assert_eq!(free(BOB), INITIAL - DEPOSIT);
		assert_eq!(free(ALICE), INITIAL + DEPOSIT);
		for who in &members[0..10] {
			assert_eq!(free(*who), 10 * BOND - BOND);
		}
		// The freeze is gone with the report.
		assert_ok!(<Balances as Mutate<u64>>::transfer(
			&ALICE,
			&CHARLIE,
			INITIAL,
			Preservation::Preserve
		));
	});
}

/// A report voided for lack of a full group is nobody's fault: the reporter gets its deposit
/// back and the reported account is free again.
#[test]
fn item7_a_voided_report_refunds_the_reporter_and_releases_the_account() {
	build_and_execute(|| {
		use frame_support::traits::{fungible::Mutate, tokens::Preservation};
		full(13);
		let stream_id = new_stream(ALICE);
		let report_id = crate::NextReportId::<Test>::get();
		assert_ok!(Reporting::report(origin(BOB), stream_id, 1, Default::default()));
		assert!(<Balances as Mutate<u64>>::transfer(&ALICE, &CHARLIE, 1, Preservation::Preserve)
			.is_err());
		assert_ok!(Reporting::leave_maintainers(origin(maintainer(0))));
		run_to_block(now() + u64::from(GROUP_DELAY));
		assert!(events().contains(&Event::ReportVoided { report_id }));
		assert_eq!(free(BOB), INITIAL);
		assert_ok!(<Balances as Mutate<u64>>::transfer(
			&ALICE,
			&CHARLIE,
			1,
			Preservation::Preserve
		));
	});
}

/// Issue 12 (gap after item 7): while a broadcaster is under review, no claim moves its job
/// deposits to a transcoder (which could be its accomplice, emptying what the ban would
/// confiscate); once the report is rejected, the work done meanwhile is claimed.
#[test]
fn item4_no_claim_moves_a_reported_broadcasters_deposit_during_the_vote() {
	build_and_execute(|| {
		full(13);
		assert_ok!(Staking::bond(origin(CHARLIE), 1_000, CHARLIE));
		assert_ok!(Staking::register_transcoder(
			origin(CHARLIE),
			sp_runtime::Perbill::from_percent(10),
			sp_runtime::Perbill::from_percent(50),
			1,
			b"http://charlie".to_vec().try_into().unwrap()
		));
		run_to_block(now() + ROUND_LENGTH);
		let stream_id = new_stream(ALICE);
		let job_id = pallet_jobs::NextJobId::<Test>::get();
		assert_ok!(Jobs::create_job(
			origin(ALICE),
			stream_id,
			olc_primitives::default_ladder().try_into().unwrap(),
			1,
			1_000
		));
		run_to_block(now() + 1);
		let job = pallet_jobs::Jobs::<Test>::get(job_id).unwrap();
		assert_eq!(job.assignment.unwrap().transcoder, CHARLIE);

		let report_id = crate::NextReportId::<Test>::get();
		assert_ok!(Reporting::report(origin(BOB), stream_id, 1, Default::default()));
		run_to_block(now() + u64::from(GROUP_DELAY));
		assert_noop!(
			Jobs::claim_work(origin(CHARLIE), job_id, 0, 9, [1; 32]),
			pallet_jobs::Error::<Test>::BroadcasterUnderReview
		);
		let members = group(report_id);
		for who in &members[0..7] {
			assert_ok!(Reporting::vote(origin(*who), report_id, false));
		}
		let expiry = Reports::<Test>::get(report_id).unwrap().expires_at;
		run_to_block(expiry);
		assert_eq!(status(report_id), ReportStatus::Rejected);
		assert_ok!(Jobs::claim_work(origin(CHARLIE), job_id, 0, 9, [1; 32]));
	});
}
