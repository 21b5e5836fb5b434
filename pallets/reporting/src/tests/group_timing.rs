//! Issue 12, item 2: report groups cannot be known before the report.

use super::*;

#[test]
fn item2_the_group_is_drawn_from_a_later_block_hash() {
	build_and_execute(|| {
		full(30);
		let stream_id = new_stream(ALICE);
		let filed_at = now();
		assert_ok!(Reporting::report(origin(BOB), stream_id, 0, Default::default()));
		// Nobody knows the group when the report is filed: there is none yet, nobody may vote.
		assert!(group(0).is_empty(), "the group was known in the block of the report");
		for i in 0..30 {
			assert_noop!(
				Reporting::vote(origin(maintainer(i)), 0, true),
				Error::<Test>::GroupNotDrawn
			);
		}
		assert_noop!(Reporting::resolve_report(origin(CHARLIE), 0), Error::<Test>::GroupNotDrawn);
		// It is drawn in block report + 2 from the hash of block report + 1: two different
		// hashes give two different groups for the same report.
		run_to_block(filed_at + 1);
		let draw = |hash: H256| {
			frame_support::storage::with_transaction(|| {
				System::initialize(&(filed_at + 2), &hash, &Default::default());
				Reporting::on_initialize(filed_at + 2);
				sp_runtime::TransactionOutcome::Rollback(Ok::<_, sp_runtime::DispatchError>(group(
					0,
				)))
			})
			.unwrap()
		};
		let first = draw(H256([1; 32]));
		let second = draw(H256([2; 32]));
		assert_eq!(first.len(), GROUP as usize);
		assert_eq!(second.len(), GROUP as usize);
		assert_ne!(first, second);
		run_to_block(filed_at + 2);
		let drawn = group(0);
		assert_eq!(drawn.len(), GROUP as usize);
		assert_ok!(Reporting::vote(origin(drawn[0]), 0, true));
	});
}

#[test]
fn item2_the_reporter_is_never_in_the_group() {
	build_and_execute(|| {
		// 14 full maintainers: a group of 13 leaves out only one of them.
		full(14);
		for i in 0..14 {
			let reporter = maintainer(i);
			let report_id = crate::NextReportId::<Test>::get();
			// (At most 8 open streams per owner.)
			let owner = if i % 2 == 0 { ALICE } else { CHARLIE };
			let stream_id = new_stream(owner);
			assert_ok!(Reporting::report(origin(reporter), stream_id, 0, Default::default()));
			run_to_block(now() + 2);
			let members = group(report_id);
			assert_eq!(members.len(), GROUP as usize);
			assert!(!members.contains(&reporter), "reporter {reporter} sits in its own group");
		}
	});
}

#[test]
fn item2_a_report_without_a_full_group_cannot_ban() {
	build_and_execute(|| {
		// Six full maintainers: no group of 13 can be seated, so no report can ban.
		full(6);
		let stream_id = new_stream(ALICE);
		assert_noop!(
			Reporting::report(origin(BOB), stream_id, 0, Default::default()),
			Error::<Test>::TooFewMaintainers
		);

		// Thirteen when the report is filed, but one leaves before the group is drawn.
		join(6..13);
		run_to_block(now() + PROBATION);
		let report_id = crate::NextReportId::<Test>::get();
		let stream_id = new_stream(ALICE);
		assert_ok!(Reporting::report(origin(BOB), stream_id, 0, Default::default()));
		assert_ok!(Reporting::leave_maintainers(origin(maintainer(0))));
		run_to_block(now() + 2);
		// No group was seated: nobody may vote, the reporter has its deposit back, the stream
		// is no longer under review.
		assert!(events().contains(&Event::ReportVoided { report_id }));
		assert!(group(report_id).is_empty());
		for i in 0..13 {
			assert!(Reporting::vote(origin(maintainer(i)), report_id, true).is_err());
		}
		assert!(!Banned::<Test>::contains_key(ALICE));
		assert_eq!(status(report_id), ReportStatus::Rejected);
		assert_eq!(deposit_held(BOB), 0);
		assert_eq!(free(BOB), INITIAL);
		assert_eq!(StreamsUnderReview::<Test>::get(stream_id), None);
	});
}

#[test]
fn item2_lift_ban_restores_tips_and_streams_but_nothing_confiscated() {
	build_and_execute(|| {
		full(13);
		let (stream_id, report_id, members) = report_alice();
		for who in &members[0..7] {
			assert_ok!(Reporting::vote(origin(*who), report_id, true));
		}
		assert!(Banned::<Test>::contains_key(ALICE));
		let confiscated_to_bob = free(BOB);

		assert_noop!(Reporting::lift_ban(origin(BOB), ALICE), BadOrigin);
		assert_noop!(Reporting::lift_ban(RuntimeOrigin::root(), CHARLIE), Error::<Test>::NotBanned);
		assert_ok!(Reporting::lift_ban(RuntimeOrigin::root(), ALICE));
		assert!(events().contains(&Event::BanLifted { who: ALICE }));
		assert!(!Reporting::is_banned_view(ALICE));
		assert!(!<Reporting as Contains<u64>>::contains(&ALICE));

		// What reads the ban list (`BannedAccounts` of pallet-olc-token and pallet-jobs) lets
		// ALICE in again: she may be tipped and open streams and jobs.
		assert_ok!(OlcToken::tip(
			origin(CHARLIE),
			ALICE,
			10_000,
			0,
			Default::default(),
			Default::default()
		));
		let again = new_stream(ALICE);
		assert_ok!(Jobs::create_job(
			origin(ALICE),
			again,
			olc_primitives::default_ladder().try_into().unwrap(),
			1,
			1_000
		));
		assert_ok!(Reporting::join_maintainers(origin(ALICE)));
		// Nothing the ban did is undone: the old stream stays banned, the report upheld, the
		// confiscated OLC where it went.
		assert_eq!(
			pallet_jobs::Streams::<Test>::get(stream_id).unwrap().status,
			pallet_jobs::StreamStatus::Banned
		);
		assert_eq!(status(report_id), ReportStatus::Upheld);
		assert_eq!(free(BOB), confiscated_to_bob);
		assert_noop!(Reporting::lift_ban(RuntimeOrigin::root(), ALICE), Error::<Test>::NotBanned);
		// She can be reported again.
		assert_ok!(Reporting::report(origin(BOB), again, 0, Default::default()));
	});
}
