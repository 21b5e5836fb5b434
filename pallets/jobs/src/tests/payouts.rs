//! Paying claims, refunds and the payout queue.

use super::*;

#[test]
fn fees_are_paid_automatically_when_the_window_closes() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		assert_noop!(
			Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 0),
			Error::<Test>::VerificationWindowOpen
		);
		run_to_block(2 + WINDOW - 1);
		assert!(Claims::<Test>::contains_key(0));
		run_to_block(2 + WINDOW);
		assert!(!Claims::<Test>::contains_key(0));
		assert_eq!(CreditedFees::get(), vec![(Jobs::payout_account(), T1, 200)]);
		assert_eq!(free(FEE_POT), EXISTENTIAL_DEPOSIT + 200);
		assert_eq!(free(Jobs::payout_account()), EXISTENTIAL_DEPOSIT);
		assert_eq!(held_escrow(ALICE), 0);
		let stored = job(job_id);
		assert_eq!((stored.escrow, stored.paid, stored.deposit), (0, 200, 9_800));
		assert_eq!(
			events(),
			vec![Event::FeesPaid { claim_id: 0, job_id, transcoder: T1, amount: 200 }]
		);
		assert_noop!(
			Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 0),
			Error::<Test>::UnknownClaim
		);
	});
}

#[test]
fn anyone_may_distribute_fees_after_the_window() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		// Jump past the window without running on_initialize.
		System::set_block_number(2 + WINDOW);
		assert_ok!(Jobs::distribute_fees(RuntimeOrigin::signed(CHARLIE), 0));
		assert_eq!(job(job_id).paid, 200);
		// The automatic payout then skips the settled claim.
		run_to_block(3 + WINDOW);
		assert_eq!(CreditedFees::get().len(), 1);
		assert_eq!(crate::NextClaimToSettle::<Test>::get(), 1);
	});
}

/// The fee crediting refuses only a transcoder it does not know (no pool: in the mock, one never
/// activated); a transcoder that left the active set is paid, as pallet-staking-delegation's
/// `add_fees` does.
#[test]
fn payouts_to_an_inactive_transcoder_are_paid_and_failed_ones_deferred() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		deactivate(T1);
		KnownTranscoders::mutate(|known| known.retain(|who| *who != T1));
		run_to_block(2 + WINDOW);
		assert_eq!(
			events(),
			vec![Event::PayoutDeferred { claim_id: 0, reason: DeferReason::PayoutFailed }]
		);
		assert_eq!(held_escrow(ALICE), 200);
		assert_eq!(free(Jobs::payout_account()), EXISTENTIAL_DEPOSIT);
		assert_noop!(
			Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 0),
			Error::<Test>::FeePayoutFailed
		);
		activate(T1, 100, 5);
		assert_ok!(Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 0));
		assert_eq!(held_escrow(ALICE), 0);
		assert_eq!(job(job_id).paid, 200);
	});
}

#[test]
fn a_held_claim_waits_for_the_verifier() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		set_verdict(0, Verdict::Hold);
		run_to_block(2 + WINDOW);
		assert_eq!(
			events(),
			vec![Event::PayoutDeferred { claim_id: 0, reason: DeferReason::OnHold }]
		);
		assert_noop!(
			Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 0),
			Error::<Test>::ClaimOnHold
		);
		set_verdict(0, Verdict::Pay);
		assert_ok!(Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 0));
		assert_eq!(job(job_id).paid, 200);
	});
}

#[test]
fn a_failed_claim_returns_its_fee_to_the_deposit_or_the_broadcaster() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 10, 19, [2; 32]));
		set_verdict(0, Verdict::Fail);
		set_verdict(1, Verdict::Hold);
		run_to_block(2 + WINDOW);
		// Job open: back into the deposit.
		assert_eq!(job(job_id).deposit, 9_800);
		assert_eq!(held_deposit(ALICE), 9_800);
		assert_eq!(held_escrow(ALICE), 200);
		assert!(events().contains(&Event::ClaimRefunded {
			claim_id: 0,
			job_id,
			amount: 200,
			to_deposit: true
		}));
		// The segments stay claimed: the stream's numbering never goes back.
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]),
			Error::<Test>::DoubleClaim
		);
		// Job ended before the second settles: refunded to the broadcaster's free balance.
		assert_ok!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id));
		set_verdict(1, Verdict::Fail);
		assert_ok!(Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 1));
		assert!(events().contains(&Event::ClaimRefunded {
			claim_id: 1,
			job_id,
			amount: 200,
			to_deposit: false
		}));
		// All back once T1's grace reservation ends unused.
		run_to_block(3 + WINDOW + GRACE);
		assert_eq!(free(ALICE), INITIAL);
		assert_eq!(held_escrow(ALICE) + held_deposit(ALICE), 0);
		assert!(CreditedFees::get().is_empty());
	});
}

#[test]
fn payouts_per_block_are_bounded_and_continue_in_the_next_block() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		for i in 0..5u64 {
			assert_ok!(Jobs::claim_work(
				RuntimeOrigin::signed(T1),
				job_id,
				i * 10,
				i * 10 + 9,
				[1; 32]
			));
		}
		run_to_block(2 + WINDOW);
		assert_eq!(CreditedFees::get().len(), MAX_PAYOUTS as usize);
		run_to_block(3 + WINDOW);
		assert_eq!(CreditedFees::get().len(), 5);
		assert_eq!(job(job_id).paid, 5 * 200);
	});
}

#[test]
fn on_initialize_reports_the_work_it_did() {
	new_test_ext().execute_with(|| {
		use crate::WeightInfo;
		type W = ();
		let idle = Jobs::on_initialize(2);
		assert_eq!(idle, <W as WeightInfo>::on_initialize_idle());
		activate(T1, 100, 5);
		activate(T2, 100, 5);
		let stream_id = new_stream(ALICE);
		new_job(ALICE, stream_id, 10, 10_000);
		new_job(ALICE, stream_id, 10, 10_000);
		System::set_block_number(2);
		let busy = Jobs::on_initialize(2);
		assert_eq!(busy, idle + <W as WeightInfo>::on_initialize_election(2).saturating_mul(2));
	});
}
