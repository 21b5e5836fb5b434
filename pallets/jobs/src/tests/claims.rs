//! Claiming work.

use super::*;

#[test]
fn claim_work_moves_the_fee_from_deposit_to_escrow() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 24, [7; 32]));
		// 25 segments × 4 profiles × 5 = 500.
		let stored = job(job_id);
		assert_eq!(stored.deposit, 9_500);
		assert_eq!(stored.escrow, 500);
		assert_eq!(held_deposit(ALICE), 9_500);
		assert_eq!(held_escrow(ALICE), 500);
		assert_eq!(free(ALICE), INITIAL - 10_000);
		assert_eq!(stored.next_claimable_seq, 25);
		let claim = Claims::<Test>::get(0).unwrap();
		assert_eq!((claim.start_seq, claim.end_seq, claim.fee), (0, 24, 500));
		assert_eq!(claim.payable_at, 2 + WINDOW);
		assert_eq!(SeenClaims::get(), vec![0]);
		assert_eq!(
			events().last(),
			Some(&Event::WorkClaimed {
				claim_id: 0,
				job_id,
				transcoder: T1,
				start_seq: 0,
				end_seq: 24,
				merkle_root: [7; 32],
				fee: 500,
				payable_at: 2 + WINDOW,
			})
		);
		// Gaps are allowed; a single segment is a valid range.
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 40, 40, [8; 32]));
		assert_eq!(job(job_id).escrow, 520);
	});
}

#[test]
fn claim_work_rejects_bad_claims_without_changing_anything() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		let claim = |who: u64, start: u64, end: u64| {
			Jobs::claim_work(RuntimeOrigin::signed(who), job_id, start, end, [0; 32])
		};
		assert_noop!(claim(T2, 0, 1), Error::<Test>::NotAssignedTranscoder);
		assert_noop!(claim(ALICE, 0, 1), Error::<Test>::NotAssignedTranscoder);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), 99, 0, 1, [0; 32]),
			Error::<Test>::UnknownJob
		);
		assert_noop!(claim(T1, 5, 4), Error::<Test>::InvalidRange);
		assert_noop!(claim(T1, 5, u64::MAX), Error::<Test>::InvalidRange);
		assert_noop!(claim(T1, 0, MAX_SEGMENTS_PER_CLAIM), Error::<Test>::RangeTooLong);
		// 10_000 deposit / (4 × 5) = 500 segments at most.
		assert_noop!(claim(T1, 0, 500), Error::<Test>::InsufficientDeposit);
		assert_ok!(claim(T1, 0, 499));
		assert_eq!(job(job_id).deposit, 0);
	});
}

/// Issue 12, low items: a banned account may not claim work (assigned or in grace).
#[test]
fn low_a_banned_transcoder_cannot_claim_work() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		BannedList::mutate(|banned| banned.push(T1));
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]),
			Error::<Test>::TranscoderBanned
		);
		BannedList::take();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
	});
}

/// No claim moves the deposit of a broadcaster that is banned or under review; work done
/// meanwhile is claimed once the review ends (see pallet-reporting's
/// `item4_no_claim_moves_a_reported_broadcasters_deposit_during_the_vote` for the real pallets).
#[test]
fn item4_claims_on_a_broadcaster_under_review_are_refused_until_it_ends() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		let held = Jobs::job_view(job_id).unwrap().deposit;
		UnderReviewList::set(vec![ALICE]);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]),
			Error::<Test>::BroadcasterUnderReview
		);
		UnderReviewList::take();
		BannedList::set(vec![ALICE]);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]),
			Error::<Test>::BroadcasterUnderReview
		);
		BannedList::take();
		assert_eq!(Jobs::job_view(job_id).unwrap().deposit, held);
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
	});
}

#[test]
fn claim_work_on_a_waiting_job_is_refused() {
	new_test_ext().execute_with(|| {
		let stream_id = new_stream(ALICE);
		let job_id = new_job(ALICE, stream_id, 10, 1_000);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 1, [0; 32]),
			Error::<Test>::NotAssignedTranscoder
		);
	});
}

/// Issue 12 item 3: transcoders sharing a stream's ladder across jobs each claim their own
/// work. A job's claims may not overlap each other (`DoubleClaim`), but another job of the same
/// stream claims the same segments for its own renditions, and no job can lock the others out by
/// claiming far ahead.
#[test]
fn item3_each_job_has_its_own_claim_cursor() {
	new_test_ext().execute_with(|| {
		activate(T1, 100, 5);
		activate(T2, 100, 5);
		let stream_id = new_stream(ALICE);
		let first = new_job(ALICE, stream_id, 10, 10_000);
		let second = new_job(ALICE, stream_id, 10, 10_000);
		run_to_block(2);
		let by = |job_id: JobId| assigned(job_id).unwrap();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(by(first)), first, 10, 19, [1; 32]));
		for (start, end) in [(10, 19), (19, 25), (0, 10), (15, 15), (0, 100), (5, 9)] {
			assert_noop!(
				Jobs::claim_work(RuntimeOrigin::signed(by(first)), first, start, end, [2; 32]),
				Error::<Test>::DoubleClaim
			);
		}
		// The other job's transcoder is paid for the same segments in its renditions.
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(by(second)), second, 0, 19, [3; 32]));
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(by(second)), second, 5, 9, [3; 32]),
			Error::<Test>::DoubleClaim
		);
		// Claiming far ahead moves only the claimant's own cursor.
		assert_ok!(Jobs::claim_work(
			RuntimeOrigin::signed(by(first)),
			first,
			1_000,
			1_009,
			[4; 32]
		));
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(by(second)), second, 20, 29, [5; 32]));
		assert_eq!(job(first).next_claimable_seq, 1_010);
		assert_eq!(job(second).next_claimable_seq, 30);
		// Another stream's numbering is independent.
		let other = new_stream(ALICE);
		let third = new_job(ALICE, other, 10, 10_000);
		run_to_block(3);
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(by(third)), third, 0, 9, [6; 32]));
	});
}

#[test]
fn claim_work_weight_does_not_depend_on_the_number_of_segments() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::top_up(RuntimeOrigin::signed(ALICE), job_id, 400_000));
		let call = |start: u64, end: u64| {
			RuntimeCall::Jobs(crate::Call::claim_work {
				job_id,
				start_seq: start,
				end_seq: end,
				merkle_root: [0; 32],
			})
		};
		let ten = call(0, 9);
		let ten_thousand = call(10, 10_009);
		assert_eq!(
			ten.get_dispatch_info().call_weight,
			ten_thousand.get_dispatch_info().call_weight
		);
		assert!(ten.get_dispatch_info().call_weight.ref_time() > 0);
		use frame_support::traits::UnfilteredDispatchable;
		let post_ten = ten.dispatch_bypass_filter(RuntimeOrigin::signed(T1)).unwrap();
		let post_many = ten_thousand.dispatch_bypass_filter(RuntimeOrigin::signed(T1)).unwrap();
		// Neither refunds: both are charged the same declared weight.
		assert_eq!(post_ten.actual_weight, post_many.actual_weight);
		assert_eq!(job(job_id).escrow, (10 + 10_000) * 4 * 5);
	});
}
