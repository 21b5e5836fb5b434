//! Unit tests of pallet-reporting, against the real olc-token, staking-delegation and jobs.

use crate::{
	closest, group_target, mock::*, Banned, Error, Event, HoldReason, MaintainerSet,
	MaintainerStatus, Maintainers, ReportStatus, Reports, StreamsUnderReview, GROUP_DELAY,
};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	dispatch::GetDispatchInfo,
	traits::{
		fungible::{Inspect, InspectHold},
		Contains, Hooks,
	},
};
use olc_primitives::StreamId;
use sp_core::{H256, U256};
use sp_runtime::traits::BadOrigin;

fn origin(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}
fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}
fn bond_held(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::MaintainerBond.into(), &who)
}
fn deposit_held(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::ReportDeposit.into(), &who)
}
fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Reporting(event) => Some(event),
			_ => None,
		})
		.collect()
}
fn now() -> u64 {
	System::block_number()
}
fn address_of(who: u64) -> [u8; 32] {
	Maintainers::<Test>::get(who).unwrap().address
}
/// Maintainers `0..n` join in the current block.
fn join(range: core::ops::Range<u64>) {
	for i in range {
		assert_ok!(Reporting::join_maintainers(origin(maintainer(i))));
	}
}
/// `n` full maintainers (0..n).
fn full(n: u64) {
	join(0..n);
	run_to_block(now() + PROBATION);
}
/// BOB reports a new stream of ALICE and the group is drawn (two blocks later); returns
/// (stream, report id, group).
fn report_alice() -> (StreamId, u64, Vec<u64>) {
	let stream_id = new_stream(ALICE);
	let report_id = crate::NextReportId::<Test>::get();
	assert_ok!(Reporting::report(
		origin(BOB),
		stream_id,
		1,
		b"evidence".to_vec().try_into().unwrap()
	));
	run_to_block(now() + u64::from(GROUP_DELAY));
	assert!(Reports::<Test>::get(report_id).unwrap().group_drawn_at.is_some());
	(stream_id, report_id, group(report_id))
}
fn group(report_id: u64) -> Vec<u64> {
	Reports::<Test>::get(report_id)
		.unwrap()
		.group
		.into_iter()
		.map(|m| m.who)
		.collect()
}
fn status(report_id: u64) -> ReportStatus {
	Reports::<Test>::get(report_id).unwrap().status
}
fn in_set(who: u64) -> bool {
	MaintainerSet::<Test>::get().iter().any(|entry| entry.who == who)
}

// ---- maintainers ----

#[test]
fn join_holds_the_bond_and_assigns_an_unchosen_address() {
	build_and_execute(|| {
		let who = maintainer(0);
		let expected = olc_primitives::blake2_256(
			&(crate::ADDRESS_CONTEXT, who, parent_hash_of(1), 0u64).encode(),
		);
		assert_ok!(Reporting::join_maintainers(origin(who)));
		assert_eq!(bond_held(who), BOND);
		assert_eq!(free(who), 10 * BOND - BOND);
		let info = Maintainers::<Test>::get(who).unwrap();
		assert_eq!(info.address, expected);
		assert_eq!(info.full_from, 1 + PROBATION);
		assert_eq!(info.status, MaintainerStatus::Active);
		assert!(events().contains(&Event::MaintainerJoined {
			who,
			address: expected,
			full_from: 1 + PROBATION
		}));
		// Two joins in the same block get different addresses (the counter).
		assert_ok!(Reporting::join_maintainers(origin(maintainer(1))));
		assert_ne!(address_of(maintainer(1)), expected);
		assert_noop!(Reporting::join_maintainers(origin(who)), Error::<Test>::AlreadyMaintainer);
		assert_noop!(Reporting::join_maintainers(RuntimeOrigin::none()), BadOrigin);
		// The view shows public key (account) and address.
		let view = Reporting::maintainer_view(who).unwrap();
		assert_eq!((view.who, view.address, view.full), (who, expected, false));
	});
}

#[test]
fn join_needs_the_bond_and_room_in_the_set() {
	build_and_execute(|| {
		let poor = 77;
		let _ =
			<Balances as frame_support::traits::fungible::Mutate<u64>>::set_balance(&poor, BOND);
		assert_noop!(Reporting::join_maintainers(origin(poor)), Error::<Test>::InsufficientBalance);
		for i in 0..MAX_MAINTAINERS as u64 {
			let who = 1_000 + i;
			let _ = <Balances as frame_support::traits::fungible::Mutate<u64>>::set_balance(
				&who,
				2 * BOND,
			);
			assert_ok!(Reporting::join_maintainers(origin(who)));
		}
		assert_noop!(
			Reporting::join_maintainers(origin(maintainer(0))),
			Error::<Test>::TooManyMaintainers
		);
	});
}

#[test]
fn probation_keeps_new_maintainers_out_of_groups() {
	build_and_execute(|| {
		full(13);
		assert_eq!(Reporting::full_maintainers_view().len(), 13);
		join(13..20);
		assert_eq!(Reporting::full_maintainers_view().len(), 13);
		let (_, report_id, members) = report_alice();
		// Only the 13 full ones, although 7 probationers exist.
		let mut sorted = members.clone();
		sorted.sort();
		assert_eq!(sorted, (0..13).map(maintainer).collect::<Vec<_>>());
		assert_eq!(Reports::<Test>::get(report_id).unwrap().quorum, QUORUM);
		run_to_block(now() + PROBATION);
		assert_eq!(Reporting::full_maintainers_view().len(), 20);
		assert!(Reporting::maintainer_view(maintainer(19)).unwrap().full);
	});
}

#[test]
fn leave_releases_the_bond_only_after_the_voting_period_and_rejoin_gives_a_new_address() {
	build_and_execute(|| {
		let who = maintainer(0);
		full(1);
		let first = address_of(who);
		assert_noop!(Reporting::withdraw_bond(origin(who)), Error::<Test>::NotLeaving);
		assert_ok!(Reporting::leave_maintainers(origin(who)));
		let until = now() + VOTING;
		assert!(events().contains(&Event::MaintainerLeft { who, withdrawable_at: until }));
		assert!(!in_set(who));
		assert_noop!(Reporting::leave_maintainers(origin(who)), Error::<Test>::AlreadyLeaving);
		assert_noop!(Reporting::join_maintainers(origin(who)), Error::<Test>::AlreadyMaintainer);
		run_to_block(until - 1);
		assert_noop!(Reporting::withdraw_bond(origin(who)), Error::<Test>::BondStillLocked);
		run_to_block(until);
		assert_ok!(Reporting::withdraw_bond(origin(who)));
		assert_eq!(bond_held(who), 0);
		assert_eq!(free(who), 10 * BOND);
		assert!(Maintainers::<Test>::get(who).is_none());
		assert_noop!(Reporting::withdraw_bond(origin(who)), Error::<Test>::NotMaintainer);
		assert_noop!(Reporting::leave_maintainers(origin(who)), Error::<Test>::NotMaintainer);
		// Rejoining: a new address and a new probation.
		assert_ok!(Reporting::join_maintainers(origin(who)));
		assert_ne!(address_of(who), first);
		assert_eq!(Maintainers::<Test>::get(who).unwrap().full_from, now() + PROBATION);
		assert!(Reporting::full_maintainers_view().is_empty());
	});
}

// ---- groups ----

/// Brute force: the members whose XOR distance (as a 256-bit number) to the target is among
/// the `size` smallest, closest first.
fn brute_force_group(target: [u8; 32], candidates: &[(u64, [u8; 32])], size: usize) -> Vec<u64> {
	let distance = |address: &[u8; 32]| {
		let mut x = [0u8; 32];
		for i in 0..32 {
			x[i] = address[i] ^ target[i];
		}
		U256::from_big_endian(&x)
	};
	let mut chosen = Vec::new();
	for (who, address) in candidates {
		let closer = candidates
			.iter()
			.filter(|(_, other)| distance(other) < distance(address))
			.count();
		if closer < size {
			chosen.push((distance(address), *who));
		}
	}
	chosen.sort();
	chosen.into_iter().map(|(_, who)| who).collect()
}

#[test]
fn the_group_is_exactly_the_13_xor_closest_full_maintainers() {
	build_and_execute(|| {
		full(30);
		join(30..40); // probationers for the next 10 blocks
		for _ in 0..4 {
			let stream_id = new_stream(ALICE);
			let report_id = crate::NextReportId::<Test>::get();
			let filed_at = now();
			assert_ok!(Reporting::report(origin(BOB), stream_id, 0, Default::default()));
			run_to_block(filed_at + 2);
			let candidates: Vec<(u64, [u8; 32])> =
				(0..30).map(|i| (maintainer(i), address_of(maintainer(i)))).collect();
			// Around the stream id, the report id and the hash of the block after the report
			// (the parent hash of the block of the draw).
			let seed = parent_hash_of(filed_at + 2).0;
			let target = olc_primitives::blake2_256(
				&[stream_id.0.as_slice(), report_id.to_le_bytes().as_slice(), seed.as_slice()]
					.concat(),
			);
			assert_eq!(target, group_target(&stream_id, report_id, &seed));
			assert!(events().contains(&Event::GroupDrawn {
				report_id,
				group: group(report_id),
				quorum: QUORUM,
				expires_at: filed_at + 2 + VOTING,
			}));
			let expected = brute_force_group(target, &candidates, 13);
			assert_eq!(expected.len(), 13);
			assert_eq!(group(report_id), expected);
			assert_eq!(closest(&target, &candidates, 13), expected);
			assert!(group(report_id).iter().all(|who| *who < maintainer(30)));
			assert_eq!(Reports::<Test>::get(report_id).unwrap().quorum, QUORUM);
			assert_eq!(StreamsUnderReview::<Test>::get(stream_id), Some(report_id));
		}
	});
}

#[test]
fn reports_need_a_full_group_of_eligible_maintainers() {
	build_and_execute(|| {
		full(12);
		let stream_id = new_stream(ALICE);
		assert_noop!(
			Reporting::report(origin(BOB), stream_id, 0, Default::default()),
			Error::<Test>::TooFewMaintainers
		);
		join(12..13);
		run_to_block(now() + PROBATION);
		// 13 full maintainers, but the reporter is one of them: 12 may judge.
		assert_noop!(
			Reporting::report(origin(maintainer(0)), stream_id, 0, Default::default()),
			Error::<Test>::TooFewMaintainers
		);
		let (_, report_id, members) = report_alice();
		assert_eq!(members.len(), 13);
		assert_eq!(Reports::<Test>::get(report_id).unwrap().quorum, QUORUM);
	});
}

#[test]
fn a_maintainer_broadcaster_is_not_in_the_group_of_its_own_report() {
	build_and_execute(|| {
		full(13);
		let broadcaster = maintainer(0);
		let stream_id = new_stream(broadcaster);
		assert_noop!(
			Reporting::report(origin(BOB), stream_id, 0, Default::default()),
			Error::<Test>::TooFewMaintainers
		);
		join(13..14);
		run_to_block(now() + PROBATION);
		assert_ok!(Reporting::report(origin(BOB), stream_id, 0, Default::default()));
		run_to_block(now() + 2);
		assert!(!group(0).contains(&broadcaster));
		assert_eq!(group(0).len(), 13);
	});
}

#[test]
fn report_checks_stream_reporter_and_review() {
	build_and_execute(|| {
		full(13);
		assert_noop!(
			Reporting::report(origin(BOB), StreamId([7; 32]), 0, Default::default()),
			Error::<Test>::UnknownStream
		);
		let stream_id = new_stream(ALICE);
		assert_noop!(
			Reporting::report(origin(ALICE), stream_id, 0, Default::default()),
			Error::<Test>::CannotReportOwnStream
		);
		let poor = 77;
		let _ =
			<Balances as frame_support::traits::fungible::Mutate<u64>>::set_balance(&poor, DEPOSIT);
		assert_noop!(
			Reporting::report(origin(poor), stream_id, 0, Default::default()),
			Error::<Test>::InsufficientBalance
		);
		let filed_at = now();
		assert_ok!(Reporting::report(origin(BOB), stream_id, 3, b"x".to_vec().try_into().unwrap()));
		assert!(events().contains(&Event::Reported {
			report_id: 0,
			stream_id,
			broadcaster: ALICE,
			reporter: BOB,
			reason: 3,
			group_drawn_at: filed_at + 2,
		}));
		assert_eq!(deposit_held(BOB), DEPOSIT);
		assert_noop!(
			Reporting::report(origin(CHARLIE), stream_id, 0, Default::default()),
			Error::<Test>::StreamAlreadyUnderReview
		);
		assert_eq!(Reporting::stream_review_view(stream_id), Some(0));
		let report = Reports::<Test>::get(0).unwrap();
		assert_eq!(
			(report.reporter, report.broadcaster, report.reason, report.expires_at),
			(BOB, ALICE, 3, now() + 2 + VOTING)
		);
		// At most MAX_REPORTS reports per block (each group is drawn two blocks later).
		for _ in 1..MAX_REPORTS {
			let other = new_stream(CHARLIE);
			assert_ok!(Reporting::report(origin(BOB), other, 0, Default::default()));
		}
		let one_more = new_stream(CHARLIE);
		assert_noop!(
			Reporting::report(origin(BOB), one_more, 0, Default::default()),
			Error::<Test>::TooManyReports
		);
		run_to_block(now() + 1);
		assert_ok!(Reporting::report(origin(BOB), one_more, 0, Default::default()));
		run_to_block(now() + 2);
		assert!((0..=MAX_REPORTS as u64).all(|id| group(id).len() == GROUP as usize));
	});
}

// ---- votes ----

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

// ---- commission ----

#[test]
fn each_round_the_pot_goes_to_full_maintainers_that_missed_no_vote() {
	build_and_execute(|| {
		full(13);
		// A missed vote in round 0 by everyone in the group except members[0].
		let (_, report_id, members) = report_alice();
		assert_ok!(Reporting::vote(origin(members[0]), report_id, false));
		run_to_block(now() + VOTING);
		// A probationer until after the round ends.
		run_to_block(ROUND_LENGTH - 5);
		join(13..14);
		// Fees reach the pot.
		assert_ok!(<Balances as frame_support::traits::fungible::Mutate<u64>>::transfer(
			&CHARLIE,
			&pot(),
			1_003,
			frame_support::traits::tokens::Preservation::Preserve
		));
		let pot_spendable = free(pot()) - EXISTENTIAL_DEPOSIT;
		let before: Vec<u64> = (0..14).map(|i| free(maintainer(i))).collect();
		// Round 1 starts at ROUND_LENGTH: the payout is scheduled then.
		run_to_block(ROUND_LENGTH);
		assert_eq!(pallet_staking_delegation::CurrentRound::<Test>::get().index, 1);
		// members[0] voted and all 13 were in the group: only it is paid.
		assert!(events().contains(&Event::CommissionScheduled {
			round: 0,
			recipients: 1,
			per_member: pot_spendable
		}));
		run_to_block(ROUND_LENGTH + 1);
		for i in 0..14 {
			let who = maintainer(i);
			let expected = if who == members[0] {
				before[i as usize] + pot_spendable
			} else {
				before[i as usize]
			};
			assert_eq!(free(who), expected);
		}
		assert_eq!(free(pot()), EXISTENTIAL_DEPOSIT);
	});
}

#[test]
fn commission_is_split_equally_and_paid_a_few_per_block() {
	build_and_execute(|| {
		full(10);
		assert_ok!(<Balances as frame_support::traits::fungible::Mutate<u64>>::transfer(
			&CHARLIE,
			&pot(),
			1_005,
			frame_support::traits::tokens::Preservation::Preserve
		));
		// 1_005 spendable (the pot keeps its existential deposit) / 10 = 100 each.
		run_to_block(ROUND_LENGTH);
		assert!(events().contains(&Event::CommissionScheduled {
			round: 0,
			recipients: 10,
			per_member: 100
		}));
		let paid =
			|_: ()| (0..10).filter(|i| free(maintainer(*i)) == 10 * BOND - BOND + 100).count();
		assert_eq!(paid(()), 0);
		run_to_block(ROUND_LENGTH + 1);
		assert_eq!(paid(()), MAX_PAYOUTS as usize);
		run_to_block(ROUND_LENGTH + 3);
		assert_eq!(paid(()), 10);
		assert!(crate::PendingCommission::<Test>::get().is_none());
		assert_eq!(free(pot()), EXISTENTIAL_DEPOSIT + 5);
	});
}

// ---- arithmetic and weights ----

#[test]
fn confiscation_shares_are_exact() {
	build_and_execute(|| {
		assert_eq!(Reporting::confiscation_shares(100_000, 7), (10_001, 12_857));
		assert_eq!(Reporting::confiscation_shares(0, 7), (0, 0));
		assert_eq!(Reporting::confiscation_shares(9, 7), (2, 1));
		for (amount, voters) in [(1u64, 1usize), (999, 13), (123_456_789, 8)] {
			let (reporter, each) = Reporting::confiscation_shares(amount, voters);
			assert_eq!(reporter + each * voters as u64, amount);
			assert!(reporter >= amount / 10);
		}
	});
}

#[test]
fn the_deciding_vote_is_weighed_with_the_sanctions_and_others_are_refunded() {
	build_and_execute(|| {
		use crate::{Sanctions, WeightInfo};
		full(13);
		let (_, report_id, members) = report_alice();
		let call = crate::Call::<Test>::vote { report_id, guilty: true };
		let declared = call.get_dispatch_info().call_weight;
		let ban = <crate::adapters::JobsAndStakingSanctions<Test> as Sanctions<u64>>::ban_weight();
		assert_eq!(declared, <() as WeightInfo>::vote_upheld(GROUP).saturating_add(ban));
		let post = Reporting::vote(origin(members[0]), report_id, true).unwrap();
		assert_eq!(post.actual_weight, Some(<() as WeightInfo>::vote()));
	});
}

// ---- issue 12, item 2: report groups cannot be known before the report ----

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

// ---- issue 12 item 7: confiscation cannot be escaped ----

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
