//! Votes: quorums, sanctions, rejections and dissent.

use super::*;

#[test]
fn only_members_vote_once_each_within_the_period() {
	build_and_execute(|| {
		full(20);
		let (_, report_id, members) = report_alice();
		let outsider = (0..20).map(maintainer).find(|who| !members.contains(who)).unwrap();
		assert_noop!(
			Reporting::vote(origin(outsider), report_id, true),
			Error::<Test>::NotGroupMember
		);
		assert_noop!(
			Reporting::vote(origin(CHARLIE), report_id, true),
			Error::<Test>::NotGroupMember
		);
		assert_noop!(Reporting::vote(origin(members[0]), 99, true), Error::<Test>::UnknownReport);
		assert_ok!(Reporting::vote(origin(members[0]), report_id, true));
		assert!(events().contains(&Event::Voted { report_id, who: members[0], guilty: true }));
		assert_noop!(
			Reporting::vote(origin(members[0]), report_id, false),
			Error::<Test>::AlreadyVoted
		);
		assert_noop!(
			Reporting::vote(origin(members[0]), report_id, true),
			Error::<Test>::AlreadyVoted
		);
		run_to_block(Reports::<Test>::get(report_id).unwrap().expires_at - 1);
		assert_ok!(Reporting::vote(origin(members[1]), report_id, false));
		// The report expires at `expires_at`: resolved by on_initialize, votes are refused.
		run_to_block(Reports::<Test>::get(report_id).unwrap().expires_at);
		assert_noop!(
			Reporting::vote(origin(members[2]), report_id, true),
			Error::<Test>::ReportClosed
		);
	});
}

#[test]
fn votes_after_expiry_but_before_resolution_are_refused() {
	build_and_execute(|| {
		full(13);
		let (_, report_id, members) = report_alice();
		let expiry = Reports::<Test>::get(report_id).unwrap().expires_at;
		// Jump without running hooks: still open, but the period is over.
		System::set_block_number(expiry);
		assert_noop!(
			Reporting::vote(origin(members[0]), report_id, true),
			Error::<Test>::VotingClosed
		);
	});
}

#[test]
fn guilty_quorum_bans_the_broadcaster_and_confiscates_exactly() {
	build_and_execute(|| {
		full(20);
		// ALICE: a self-bond, a job deposit, free balance.
		assert_ok!(Staking::bond(origin(ALICE), 5_000, ALICE));
		// The job is opened before the report: from the report on, ALICE's balance is frozen
		// and can no longer go into new deposits.
		let job_stream = new_stream(ALICE);
		let job_id = pallet_jobs::NextJobId::<Test>::get();
		assert_ok!(Jobs::create_job(
			origin(ALICE),
			job_stream,
			olc_primitives::default_ladder().try_into().unwrap(),
			1,
			1_000
		));
		let (stream_id, report_id, members) = report_alice();
		assert_eq!(free(ALICE), INITIAL - 5_000 - 1_000);
		let issuance = Balances::total_issuance();
		let pot_before = free(pot());
		// Two dissenters first, then seven guilty votes: the seventh decides.
		assert_ok!(Reporting::vote(origin(members[7]), report_id, false));
		assert_ok!(Reporting::vote(origin(members[8]), report_id, false));
		for who in &members[0..6] {
			assert_ok!(Reporting::vote(origin(*who), report_id, true));
		}
		assert_eq!(status(report_id), ReportStatus::Open);
		assert_ok!(Reporting::vote(origin(members[6]), report_id, true));
		assert_eq!(status(report_id), ReportStatus::Upheld);

		// Confiscated: all of ALICE's 100_000. Reporter: 10% = 10_000, plus the remainder of
		// 90_000 / 7 = 12_857 (7 × 12_857 = 89_999): 10_001.
		assert!(events().contains(&Event::ReportUpheld {
			report_id,
			broadcaster: ALICE,
			confiscated: INITIAL,
			reporter_reward: 10_001,
			per_voter: 12_857,
		}));
		assert_eq!(<Balances as Inspect<u64>>::total_balance(&ALICE), 0);
		assert_eq!(free(BOB), INITIAL + 10_001);
		assert_eq!(deposit_held(BOB), 0);
		for who in &members[0..7] {
			assert_eq!(free(*who), 10 * BOND - BOND + 12_857);
			assert!(in_set(*who));
		}
		// Dissenters expelled: 10% of the bond to the pot, out of the set.
		for who in &members[7..9] {
			assert_eq!(bond_held(*who), BOND - BOND / 10);
			assert!(!in_set(*who));
			assert!(matches!(
				Maintainers::<Test>::get(who).unwrap().status,
				MaintainerStatus::Leaving { .. }
			));
			assert!(events().contains(&Event::Expelled {
				who: *who,
				report_id,
				slashed: BOND / 10
			}));
		}
		assert_eq!(free(pot()), pot_before + 2 * (BOND / 10));
		assert_eq!(Balances::total_issuance(), issuance);

		// Banned everywhere.
		assert!(Banned::<Test>::contains_key(ALICE));
		assert!(<Reporting as Contains<u64>>::contains(&ALICE));
		assert!(Reporting::is_banned_view(ALICE));
		assert_eq!(
			pallet_jobs::Streams::<Test>::get(stream_id).unwrap().status,
			pallet_jobs::StreamStatus::Banned
		);
		assert_eq!(
			pallet_jobs::Jobs::<Test>::get(job_id).unwrap().status,
			pallet_jobs::JobStatus::Ended
		);
		assert!(pallet_staking_delegation::Delegators::<Test>::get(ALICE).is_none());
		assert_eq!(StreamsUnderReview::<Test>::get(stream_id), None);
		// Members who had not voted are not held to have missed it.
		assert!(MaintainerSet::<Test>::get().iter().all(|entry| entry.missed_round.is_none()));
		// No more votes.
		assert_noop!(
			Reporting::vote(origin(members[9]), report_id, true),
			Error::<Test>::ReportClosed
		);
	});
}

#[test]
fn a_ban_blocks_tips_streams_jobs_and_reports() {
	build_and_execute(|| {
		full(13);
		let (stream_id, report_id, members) = report_alice();
		for who in &members[0..7] {
			assert_ok!(Reporting::vote(origin(*who), report_id, true));
		}
		assert_noop!(
			OlcToken::tip(origin(CHARLIE), ALICE, 50, 0, Default::default(), Default::default()),
			pallet_olc_token::Error::<Test>::RecipientBanned
		);
		let _ =
			<Balances as frame_support::traits::fungible::Mutate<u64>>::set_balance(&ALICE, 5_000);
		assert_noop!(
			Jobs::create_stream(
				origin(ALICE),
				b"again".to_vec().try_into().unwrap(),
				pallet_jobs::insecure_segment_key()
			),
			pallet_jobs::Error::<Test>::BroadcasterBanned
		);
		assert_noop!(
			Jobs::create_job(
				origin(ALICE),
				stream_id,
				olc_primitives::default_ladder().try_into().unwrap(),
				1,
				1_000
			),
			pallet_jobs::Error::<Test>::BroadcasterBanned
		);
		assert_noop!(
			Reporting::report(origin(ALICE), stream_id, 0, Default::default()),
			Error::<Test>::AccountBanned
		);
		assert_noop!(
			Reporting::report(origin(BOB), stream_id, 0, Default::default()),
			Error::<Test>::BroadcasterAlreadyBanned
		);
		assert_noop!(Reporting::join_maintainers(origin(ALICE)), Error::<Test>::AccountBanned);
		// Nor bond or register as a transcoder (issue 12, low items: bans everywhere).
		assert_noop!(
			Staking::bond(origin(ALICE), 100, ALICE),
			pallet_staking_delegation::Error::<Test>::AccountBanned
		);
		assert_noop!(
			Staking::register_transcoder(
				origin(ALICE),
				Default::default(),
				Default::default(),
				1,
				Default::default()
			),
			pallet_staking_delegation::Error::<Test>::AccountBanned
		);
	});
}

#[test]
fn a_banned_maintainer_loses_its_bond_and_its_votes() {
	build_and_execute(|| {
		full(14);
		let broadcaster = maintainer(0);
		let stream_id = new_stream(broadcaster);
		assert_ok!(Reporting::report(origin(BOB), stream_id, 0, Default::default()));
		// The broadcaster may also be in another report's group.
		let other = new_stream(CHARLIE);
		assert_ok!(Reporting::report(origin(BOB), other, 0, Default::default()));
		run_to_block(now() + 2);
		let members = group(0);
		for who in &members[0..7] {
			assert_ok!(Reporting::vote(origin(*who), 0, true));
		}
		assert!(Maintainers::<Test>::get(broadcaster).is_none());
		assert!(!in_set(broadcaster));
		assert_eq!(<Balances as Inspect<u64>>::total_balance(&broadcaster), 0);
		// 10 × BOND confiscated: 1_000 + (9_000 / 7 = 1_285, remainder 5) to BOB.
		assert_eq!(free(BOB), INITIAL - DEPOSIT + 1_005);
		if group(1).contains(&broadcaster) {
			assert_noop!(
				Reporting::vote(origin(broadcaster), 1, false),
				Error::<Test>::AccountBanned
			);
		}
	});
}

#[test]
fn expiry_without_quorum_forfeits_the_deposit_to_the_broadcaster_and_records_misses() {
	build_and_execute(|| {
		full(13);
		let (stream_id, report_id, members) = report_alice();
		for who in &members[0..3] {
			assert_ok!(Reporting::vote(origin(*who), report_id, true));
		}
		for who in &members[3..5] {
			assert_ok!(Reporting::vote(origin(*who), report_id, false));
		}
		let pot_before = free(pot());
		let expiry = Reports::<Test>::get(report_id).unwrap().expires_at;
		assert_noop!(
			Reporting::resolve_report(origin(CHARLIE), report_id),
			Error::<Test>::VotingStillOpen
		);
		run_to_block(expiry);
		assert_eq!(status(report_id), ReportStatus::Rejected);
		assert!(events().contains(&Event::ReportRejected {
			report_id,
			guilty: 3,
			not_guilty: 2,
			forfeited: DEPOSIT
		}));
		assert_eq!(free(ALICE), INITIAL + DEPOSIT);
		for who in &members[0..5] {
			assert_eq!(free(*who), 10 * BOND - BOND);
			assert!(in_set(*who));
			assert_eq!(bond_held(*who), BOND);
		}
		assert_eq!(free(BOB), INITIAL - DEPOSIT);
		assert_eq!(deposit_held(BOB), 0);
		assert_eq!(free(pot()), pot_before);
		assert!(!Banned::<Test>::contains_key(ALICE));
		assert_eq!(StreamsUnderReview::<Test>::get(stream_id), None);
		let set = MaintainerSet::<Test>::get();
		for who in &members[5..] {
			assert_eq!(set.iter().find(|e| e.who == *who).unwrap().missed_round, Some(0));
			assert!(events().contains(&Event::VoteMissed { report_id, who: *who, round: 0 }));
		}
		for who in &members[0..5] {
			assert_eq!(set.iter().find(|e| e.who == *who).unwrap().missed_round, None);
		}
		// The stream can be reported again.
		assert_ok!(Reporting::report(origin(BOB), stream_id, 0, Default::default()));
		assert_noop!(
			Reporting::resolve_report(origin(CHARLIE), report_id),
			Error::<Test>::ReportClosed
		);
	});
}

#[test]
fn a_not_guilty_quorum_expels_the_guilty_voters() {
	build_and_execute(|| {
		full(13);
		let (_, report_id, members) = report_alice();
		for who in &members[0..2] {
			assert_ok!(Reporting::vote(origin(*who), report_id, true));
		}
		for who in &members[2..9] {
			assert_ok!(Reporting::vote(origin(*who), report_id, false));
		}
		// Still open until expiry; resolved by anyone then.
		let expiry = Reports::<Test>::get(report_id).unwrap().expires_at;
		System::set_block_number(expiry);
		assert_ok!(Reporting::resolve_report(origin(CHARLIE), report_id));
		for who in &members[0..2] {
			assert!(!in_set(*who));
			assert_eq!(bond_held(*who), BOND - BOND / 10);
		}
		for who in &members[2..9] {
			assert!(in_set(*who));
			assert_eq!(bond_held(*who), BOND);
		}
		// The deposit goes to the reported broadcaster.
		assert!(events().contains(&Event::ReportRejected {
			report_id,
			guilty: 2,
			not_guilty: 7,
			forfeited: DEPOSIT
		}));
	});
}

#[test]
fn nobody_voting_forfeits_the_deposit_to_the_broadcaster() {
	build_and_execute(|| {
		full(13);
		let (_, report_id, _) = report_alice();
		let pot_before = free(pot());
		run_to_block(now() + VOTING);
		assert_eq!(status(report_id), ReportStatus::Rejected);
		assert_eq!(free(pot()), pot_before);
		assert_eq!(free(ALICE), INITIAL + DEPOSIT);
		assert_eq!(deposit_held(BOB), 0);
	});
}

#[test]
fn expelled_maintainers_must_rejoin_with_a_new_address_and_probation() {
	build_and_execute(|| {
		full(13);
		let (_, report_id, members) = report_alice();
		let dissenter = members[0];
		let address = address_of(dissenter);
		assert_ok!(Reporting::vote(origin(dissenter), report_id, false));
		for who in &members[1..8] {
			assert_ok!(Reporting::vote(origin(*who), report_id, true));
		}
		assert!(!in_set(dissenter));
		assert_noop!(
			Reporting::join_maintainers(origin(dissenter)),
			Error::<Test>::AlreadyMaintainer
		);
		run_to_block(now() + VOTING);
		assert_ok!(Reporting::withdraw_bond(origin(dissenter)));
		assert_eq!(free(dissenter), 10 * BOND - BOND / 10);
		assert_ok!(Reporting::join_maintainers(origin(dissenter)));
		assert_ne!(address_of(dissenter), address);
		assert!(!Reporting::maintainer_view(dissenter).unwrap().full);
	});
}

#[test]
fn leaving_members_may_still_vote_in_their_groups() {
	build_and_execute(|| {
		full(13);
		let (_, report_id, members) = report_alice();
		assert_ok!(Reporting::leave_maintainers(origin(members[0])));
		assert_ok!(Reporting::vote(origin(members[0]), report_id, true));
	});
}
