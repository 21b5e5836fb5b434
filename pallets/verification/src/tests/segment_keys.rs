//! Receipts signed with the stream's segment key (issue 12 item 8).

use super::*;

/// ALICE's encoder signs her segments with its own key (not her account's).
const ENCODER: u64 = 78;

#[test]
fn item8_receipts_are_checked_against_the_streams_segment_key() {
	build_and_execute(|| {
		let (stream_id, job_id) = setup_with_key(pair(ENCODER).public());
		let by_encoder: Vec<_> = (0..=19)
			.map(|seq| receipt_by(stream_id, seq, ENCODER, T1, PROFILES as usize))
			.collect();
		let claim_id = claim(job_id, 0, 19, &by_encoder);
		let challenged = issue(claim_id);
		// Headers signed by the owner's account key are not the stream's: refused.
		let by_account: Vec<_> = (0..=19)
			.map(|seq| receipt_by(stream_id, seq, ALICE, T1, PROFILES as usize))
			.collect();
		assert_noop!(
			Verification::submit_proofs(
				RuntimeOrigin::signed(T1),
				claim_id,
				proofs(&by_account, 0, &challenged)
			),
			Error::<Test>::WrongBroadcasterKey
		);
		// The honest transcoder proves the segments it was sent, signed by the recorded key.
		let stake = own_stake(T1);
		assert_ok!(Verification::submit_proofs(
			RuntimeOrigin::signed(T1),
			claim_id,
			proofs(&by_encoder, 0, &challenged)
		));
		assert_eq!(status(claim_id), CheckStatus::AwaitingVerdicts);
		run_to_block(System::block_number() + VERIFICATION_PERIOD + REPORT_PERIOD + 2);
		assert_eq!(own_stake(T1), stake);
		assert!(!events().iter().any(|event| matches!(event, Event::VerificationMissed { .. })));
	});
}

#[test]
fn a_keyless_broadcaster_streams_with_a_segment_key() {
	build_and_execute(|| {
		activate(T1, STAKE, PRICE);
		assert_ok!(Jobs::create_stream(
			RuntimeOrigin::signed(KEYLESS),
			b"s".to_vec().try_into().unwrap(),
			pair(ENCODER).public()
		));
		let stream_id = pallet_jobs::Streams::<Test>::iter().next().unwrap().0;
		assert_ok!(Jobs::create_job(
			RuntimeOrigin::signed(KEYLESS),
			stream_id,
			olc_primitives::default_ladder().try_into().unwrap(),
			PRICE,
			200_000,
		));
		next_block();
		let all: Vec<_> = (0..=3)
			.map(|seq| receipt_by(stream_id, seq, ENCODER, T1, PROFILES as usize))
			.collect();
		let claim_id = claim(0, 0, 3, &all);
		let challenged = issue(claim_id);
		assert_ok!(Verification::submit_proofs(
			RuntimeOrigin::signed(T1),
			claim_id,
			proofs(&all, 0, &challenged)
		));
	});
}
