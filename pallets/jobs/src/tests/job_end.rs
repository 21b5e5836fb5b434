//! Cancelling, topping up and ending jobs, and the claim grace period.

use super::*;

#[test]
fn cancel_job_releases_the_deposit_of_a_waiting_job() {
	new_test_ext().execute_with(|| {
		let stream_id = new_stream(ALICE);
		let job_id = new_job(ALICE, stream_id, 10, 1_000);
		assert_noop!(
			Jobs::cancel_job(RuntimeOrigin::signed(BOB), job_id),
			Error::<Test>::NotBroadcaster
		);
		assert_noop!(Jobs::cancel_job(RuntimeOrigin::signed(ALICE), 77), Error::<Test>::UnknownJob);
		assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(ALICE), job_id));
		assert_eq!(held_deposit(ALICE), 0);
		assert_eq!(free(ALICE), INITIAL);
		assert_eq!(job(job_id).status, JobStatus::Ended);
		assert_eq!(Streams::<Test>::get(stream_id).unwrap().status, StreamStatus::Idle);
		assert!(events().contains(&Event::JobEnded {
			job_id,
			reason: EndReason::Cancelled,
			released: 1_000
		}));
		assert_noop!(
			Jobs::cancel_job(RuntimeOrigin::signed(ALICE), job_id),
			Error::<Test>::JobEnded
		);
		// The queued election finds the job ended and does nothing.
		activate(T1, 100, 1);
		run_to_block(2);
		assert_eq!(assigned(job_id), None);
	});
}

#[test]
fn cancel_job_refuses_an_assigned_job() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_noop!(
			Jobs::cancel_job(RuntimeOrigin::signed(ALICE), job_id),
			Error::<Test>::JobAlreadyAssigned
		);
	});
}

#[test]
fn top_up_adds_to_the_deposit() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::top_up(RuntimeOrigin::signed(ALICE), job_id, 500));
		assert_eq!(job(job_id).deposit, 10_500);
		assert_eq!(held_deposit(ALICE), 10_500);
		assert_eq!(
			events().last(),
			Some(&Event::DepositToppedUp { job_id, amount: 500, deposit: 10_500 })
		);
		assert_noop!(
			Jobs::top_up(RuntimeOrigin::signed(ALICE), job_id, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			Jobs::top_up(RuntimeOrigin::signed(BOB), job_id, 5),
			Error::<Test>::NotBroadcaster
		);
		assert_noop!(Jobs::top_up(RuntimeOrigin::signed(ALICE), 9, 5), Error::<Test>::UnknownJob);
		assert_noop!(
			Jobs::top_up(RuntimeOrigin::signed(ALICE), job_id, INITIAL),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id));
		assert_noop!(
			Jobs::top_up(RuntimeOrigin::signed(ALICE), job_id, 5),
			Error::<Test>::JobEnded
		);
	});
}

#[test]
fn end_job_by_the_broadcaster_releases_the_deposit_and_frees_the_transcoder() {
	new_test_ext().execute_with(|| {
		let (stream_id, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		// 10 segments × 4 profiles × 5 = 200 in escrow.
		assert_ok!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id));
		// 200 stays reserved for T1's grace claims (see the item5 tests).
		assert_eq!(held_deposit(ALICE), 200);
		assert_eq!(held_escrow(ALICE), 200);
		assert_eq!(free(ALICE), INITIAL - 400);
		assert!(TranscoderJobs::<Test>::get(T1).is_empty());
		assert_eq!(Streams::<Test>::get(stream_id).unwrap().status, StreamStatus::Idle);
		assert!(events().contains(&Event::JobEnded {
			job_id,
			reason: EndReason::Broadcaster,
			released: 9_600
		}));
		assert_noop!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id), Error::<Test>::JobEnded);
		// The escrowed claim is still paid after its window.
		run_to_block(2 + WINDOW);
		assert_eq!(held_escrow(ALICE), 0);
		assert_eq!(CreditedFees::get(), vec![(Jobs::payout_account(), T1, 200)]);
		run_to_block(3 + GRACE);
		assert_eq!(free(ALICE), INITIAL - 200);
	});
}

/// Issue 12 item 5: a broadcaster that ends a job just before a claim does not get the work
/// free. The transcoder that was assigned may claim what it did for `ClaimGracePeriod` blocks,
/// from a reservation of at most `MinSegmentsCovered` segments of the deposit; the rest of the
/// deposit is released at once, the reservation when the grace period is over.
#[test]
fn item5_work_done_before_end_job_stays_claimable_for_the_grace_period() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		// Segments 10..=19 are transcoded but not claimed yet when the broadcaster ends the job.
		assert_ok!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id));
		// Reserved: 10 segments × 4 profiles × 5 = 200; released: 9_800 − 200.
		assert!(events().contains(&Event::JobEnded {
			job_id,
			reason: EndReason::Broadcaster,
			released: 9_600
		}));
		assert!(events().contains(&Event::GraceStarted {
			job_id,
			transcoder: T1,
			reserved: 200,
			until: 2 + GRACE
		}));
		assert_eq!(held_deposit(ALICE), 200);
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 10, 19, [2; 32]));
		assert_eq!(held_deposit(ALICE), 0);
		assert_eq!(held_escrow(ALICE), 400);
		// Its own cursor: no double claim, and no more than the reservation.
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 15, 15, [2; 32]),
			Error::<Test>::DoubleClaim
		);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 20, 20, [2; 32]),
			Error::<Test>::InsufficientDeposit
		);
		// Nobody else may claim on the ended job.
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T2), job_id, 20, 20, [2; 32]),
			Error::<Test>::JobEnded
		);
		run_to_block(2 + WINDOW);
		assert_eq!(
			CreditedFees::get(),
			vec![(Jobs::payout_account(), T1, 200), (Jobs::payout_account(), T1, 200)]
		);
		assert_eq!(free(ALICE), INITIAL - 400);
	});
}

/// Issue 12 item 5: a grace claim not used within the period is returned to the broadcaster
/// (job ended) and the transcoder may no longer claim.
#[test]
fn item5_an_unused_grace_reservation_returns_to_the_broadcaster() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id));
		assert_eq!(held_deposit(ALICE), 200);
		run_to_block(2 + GRACE);
		assert_eq!(held_deposit(ALICE), 200, "the last block of the grace period still counts");
		run_to_block(3 + GRACE);
		assert_eq!(held_deposit(ALICE), 0);
		assert_eq!(free(ALICE), INITIAL);
		assert!(events().contains(&Event::GraceEnded {
			job_id,
			transcoder: T1,
			returned: 200,
			to_deposit: false
		}));
		assert!(job(job_id).graces.is_empty());
		assert!(!crate::GraceJobs::<Test>::contains_key(T1, job_id));
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 0, [2; 32]),
			Error::<Test>::JobEnded
		);
	});
}

/// Issue 12 item 5: a transcoder deactivated while assigned (it resigned, left the active set or
/// was slashed) keeps the segments it transcoded: it claims them during its grace period from a
/// reservation, with its own cursor, while the job's new transcoder claims from the deposit.
/// The reservation's rest returns to the job's deposit when the grace period ends.
#[test]
fn item5_a_deactivated_transcoder_can_claim_its_work_during_the_grace_period() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		deactivate(T1);
		activate(T2, 100, 5);
		Jobs::on_transcoder_deactivated(&T1);
		assert_eq!(job(job_id).deposit, 9_600);
		run_to_block(3);
		assert_eq!(assigned(job_id), Some(T2));
		// T1 did 10..=14 before it left; T2 does 15.. .
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 10, 14, [2; 32]));
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T2), job_id, 15, 24, [3; 32]));
		assert_eq!(job(job_id).grace_of(&T1).map(|g| g.reserved), Some(100));
		assert_eq!(job(job_id).deposit, 9_400);
		run_to_block(3 + GRACE);
		assert!(events().contains(&Event::GraceEnded {
			job_id,
			transcoder: T1,
			returned: 100,
			to_deposit: true
		}));
		assert_eq!(job(job_id).deposit, 9_500);
		assert_eq!(held_deposit(ALICE), 9_500);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 15, 15, [2; 32]),
			Error::<Test>::NotAssignedTranscoder
		);
		// Paid for its work although it left the active set (as the real `add_fees` does).
		let credited = CreditedFees::get();
		assert!(credited.contains(&(Jobs::payout_account(), T1, 200)));
		assert!(credited.contains(&(Jobs::payout_account(), T1, 100)));
	});
}

#[test]
fn anyone_may_end_a_job_once_it_expired() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		let expires_at = job(job_id).expires_at;
		run_to_block(expires_at);
		assert_noop!(
			Jobs::end_job(RuntimeOrigin::signed(BOB), job_id),
			Error::<Test>::NotBroadcaster
		);
		assert_noop!(Jobs::end_job(RuntimeOrigin::signed(BOB), 42), Error::<Test>::UnknownJob);
		run_to_block(expires_at + 1);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 0, [0; 32]),
			Error::<Test>::JobExpired
		);
		assert_ok!(Jobs::end_job(RuntimeOrigin::signed(BOB), job_id));
		assert_eq!(free(ALICE), INITIAL - 200);
		assert!(events().contains(&Event::JobEnded {
			job_id,
			reason: EndReason::Expired,
			released: 9_800
		}));
	});
}
