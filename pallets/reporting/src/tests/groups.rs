//! Groups: who is drawn to vote on a report.

use super::*;

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
