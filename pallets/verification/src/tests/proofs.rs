//! Proofs: honest and forged ones, deadlines and missed verifications.

use super::*;

#[test]
fn honest_claim_passes_and_pays_verifiers() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let fee = 20 * PROFILES * PRICE;
		let mut voters = Vec::new();
		for seq in &challenged {
			let committee = members(claim_id, *seq);
			assert_eq!(committee.len(), VERIFIERS as usize);
			assert!(!committee.contains(&T1));
			voters.extend(pass(claim_id, &[*seq]));
			assert!(events().contains(&Event::SegmentPassed { claim_id, seq: *seq }));
		}
		assert_eq!(status(claim_id), CheckStatus::Passed);
		assert!(events().contains(&Event::VerificationPassed { claim_id }));
		let before: Vec<u64> = [T2, T3, T4, T5].iter().map(|who| total_balance(*who)).collect();

		let payable_at = pallet_jobs::Claims::<Test>::get(claim_id).unwrap().payable_at;
		run_to_block(payable_at);
		assert!(pallet_jobs::Claims::<Test>::get(claim_id).is_none());
		assert!(Checks::<Test>::get(claim_id).is_none());
		assert!(FeeShares::<Test>::get(claim_id).is_empty());
		let pot = Perbill::from_percent(10).mul_floor(fee);
		let mut to_verifiers = 0;
		for (index, who) in [T2, T3, T4, T5].iter().enumerate() {
			let shares = voters.iter().filter(|voter| *voter == who).count() as u32;
			let expected = Perbill::from_rational(shares, voters.len() as u32).mul_floor(pot);
			assert_eq!(total_balance(*who) - before[index], expected);
			to_verifiers += expected;
		}
		assert!(to_verifiers > 0);
		assert_eq!(CreditedFees::get(), vec![(Jobs::payout_account(), T1, fee - to_verifiers)]);
		assert_eq!(held_escrow(ALICE), 0);
		assert!(Slashes::get().is_empty());
	});
}

#[test]
fn forged_proofs_are_rejected_with_named_errors() {
	build_and_execute(|| {
		let (stream_id, job_id) = setup();
		let all = receipts(stream_id, 0, 19);
		let claim_id = claim(job_id, 0, 19, &all);
		assert_noop!(
			Verification::submit_proofs(RuntimeOrigin::signed(T1), claim_id, proofs(&all, 0, &[0])),
			Error::<Test>::ChallengesNotIssued
		);
		let challenged = issue(claim_id);
		let seq = challenged[0];
		let good = proofs(&all, 0, &[seq]);
		let submit = |proofs: Proofs| {
			Verification::submit_proofs(RuntimeOrigin::signed(T1), claim_id, proofs)
		};
		let with = |change: &dyn Fn(&mut TranscodeReceipt, &mut MerkleProof)| -> Proofs {
			let (mut receipt, mut proof) = good[0].clone();
			change(&mut receipt, &mut proof);
			vec![(receipt, proof)].try_into().unwrap()
		};

		// Forged Merkle proofs.
		assert_noop!(
			submit(with(&|_, proof| proof.siblings[0][0] ^= 1)),
			Error::<Test>::BadMerkleProof
		);
		assert_noop!(
			submit(with(&|_, proof| proof.leaf_index ^= 1)),
			Error::<Test>::WrongLeafPosition
		);
		assert_noop!(
			submit(with(&|_, proof| proof.leaf_count += 1)),
			Error::<Test>::WrongLeafPosition
		);
		// A receipt that is not in the claimed tree (different outputs, re-signed).
		let other = receipt_by(stream_id, seq, ALICE, T1, PROFILES as usize - 1);
		let mut outputs = other.body.output_hashes.to_vec();
		outputs.push([9; 32]);
		let forged =
			TranscodeReceipt::sign(&pair(T1), other.body.segment.clone(), outputs).unwrap();
		assert_noop!(
			submit(with(&|receipt, _| *receipt = forged.clone())),
			Error::<Test>::BadMerkleProof
		);
		// Wrong broadcaster key: signed by BOB, who does not own the stream.
		let by_bob = receipt_by(stream_id, seq, BOB, T1, PROFILES as usize);
		assert_noop!(
			submit(with(&|receipt, _| *receipt = by_bob.clone())),
			Error::<Test>::WrongBroadcasterKey
		);
		// The owner's key with someone else's signature.
		assert_noop!(
			submit(with(&|receipt, _| {
				receipt.body.segment.signature = by_bob.body.segment.signature;
			})),
			Error::<Test>::BadBroadcasterSignature
		);
		// Wrong transcoder key: receipt signed by T2.
		let by_t2 = receipt_by(stream_id, seq, ALICE, T2, PROFILES as usize);
		assert_noop!(
			submit(with(&|receipt, _| *receipt = by_t2.clone())),
			Error::<Test>::WrongTranscoderKey
		);
		assert_noop!(
			submit(with(&|receipt, _| receipt.transcoder_signature = by_t2.transcoder_signature)),
			Error::<Test>::BadTranscoderSignature
		);
		// Profile count differs from the job's.
		let short = receipt_by(stream_id, seq, ALICE, T1, 2);
		assert_noop!(
			submit(with(&|receipt, _| *receipt = short.clone())),
			Error::<Test>::ProfileCountMismatch
		);
		// Another stream.
		let elsewhere = receipt_by(StreamId([7; 32]), seq, ALICE, T1, PROFILES as usize);
		assert_noop!(
			submit(with(&|receipt, _| *receipt = elsewhere.clone())),
			Error::<Test>::WrongStream
		);
		// A segment that is not challenged (with a valid proof).
		let unchallenged = (0..20).find(|seq| !challenged.contains(seq)).unwrap();
		assert_noop!(submit(proofs(&all, 0, &[unchallenged])), Error::<Test>::NotChallenged);
		// Others than the claimant, and empty batches.
		assert_noop!(
			Verification::submit_proofs(RuntimeOrigin::signed(T2), claim_id, good.clone()),
			Error::<Test>::NotClaimant
		);
		assert_noop!(submit(Default::default()), Error::<Test>::NoProofs);
		assert_noop!(
			Verification::submit_proofs(RuntimeOrigin::signed(T1), 99, good.clone()),
			Error::<Test>::UnknownClaim
		);

		// The honest proof passes, once.
		assert_ok!(submit(good.clone()));
		assert_noop!(submit(good), Error::<Test>::AlreadyProven);
		assert!(events().contains(&Event::SegmentProven { claim_id, seq }));
		if challenged.len() > 1 {
			assert_eq!(status(claim_id), CheckStatus::AwaitingProofs);
		}
	});
}

#[test]
fn proofs_after_the_deadline_are_rejected() {
	build_and_execute(|| {
		let (stream_id, job_id) = setup();
		let all = receipts(stream_id, 0, 19);
		let claim_id = claim(job_id, 0, 19, &all);
		let challenged = issue(claim_id);
		let deadline = Checks::<Test>::get(claim_id).unwrap().proof_deadline.unwrap();
		run_to_block(deadline + 1);
		assert_noop!(
			Verification::submit_proofs(
				RuntimeOrigin::signed(T1),
				claim_id,
				proofs(&all, 0, &challenged)
			),
			Error::<Test>::ProofDeadlinePassed
		);
	});
}

#[test]
fn missed_verification_is_slashed_with_finder_fee_and_refunded() {
	build_and_execute(|| {
		let (stream_id, job_id) = setup();
		let all = receipts(stream_id, 0, 19);
		let claim_id = claim(job_id, 0, 19, &all);
		let challenged = issue(claim_id);
		let fee = 20 * PROFILES * PRICE;
		let deposit_before = held_deposit(ALICE);
		// Proving only part of the challenges is not enough.
		if challenged.len() > 1 {
			assert_ok!(Verification::submit_proofs(
				RuntimeOrigin::signed(T1),
				claim_id,
				proofs(&all, 0, &challenged[..1])
			));
		}
		let deadline = Checks::<Test>::get(claim_id).unwrap().proof_deadline.unwrap();
		assert_noop!(
			Verification::report_missed(RuntimeOrigin::signed(CHARLIE), claim_id),
			Error::<Test>::ProofPeriodOpen
		);
		run_to_block(deadline + 1);
		let charlie = total_balance(CHARLIE);
		assert_ok!(Verification::report_missed(RuntimeOrigin::signed(CHARLIE), claim_id));
		let slashed = Perbill::from_percent(10).mul_floor(STAKE);
		let finder_fee = Perbill::from_percent(5).mul_floor(slashed);
		// (The committee of the segment proven may have been slashed for not voting.)
		let of_t1 = || Slashes::get().into_iter().filter(|slash| slash.0 == T1).collect::<Vec<_>>();
		assert_eq!(
			of_t1(),
			vec![(T1, Perbill::from_percent(10), Some(CHARLIE), slashed, finder_fee)]
		);
		assert_eq!(total_balance(CHARLIE), charlie + finder_fee);
		assert!(events().contains(&Event::Slashed {
			transcoder: T1,
			amount: slashed,
			reason: SlashReason::MissedVerification,
			finder: Some(CHARLIE),
		}));
		assert_eq!(status(claim_id), CheckStatus::Missed);
		assert_noop!(
			Verification::report_missed(RuntimeOrigin::signed(CHARLIE), claim_id),
			Error::<Test>::NotAwaitingProofs
		);
		assert_eq!(SegmentChecks::<Test>::iter_prefix(claim_id).count(), 0);

		// The window closes: the fee goes back to the job's deposit, nothing to verifiers.
		let payable_at = pallet_jobs::Claims::<Test>::get(claim_id).unwrap().payable_at;
		run_to_block(payable_at);
		assert!(pallet_jobs::Claims::<Test>::get(claim_id).is_none());
		assert_eq!(held_escrow(ALICE), 0);
		assert_eq!(held_deposit(ALICE), deposit_before + fee);
		assert!(CreditedFees::get().is_empty());
		// The pallet's own deadline task found nothing left to do.
		assert_eq!(of_t1().len(), 1);
	});
}

#[test]
fn missed_verification_is_reported_by_the_pallet_after_the_report_period() {
	build_and_execute(|| {
		let (stream_id, job_id) = setup();
		let claim_id = claim(job_id, 0, 19, &receipts(stream_id, 0, 19));
		issue(claim_id);
		let deadline = Checks::<Test>::get(claim_id).unwrap().proof_deadline.unwrap();
		run_to_block(deadline + REPORT_PERIOD);
		assert_eq!(status(claim_id), CheckStatus::AwaitingProofs);
		next_block();
		assert_eq!(status(claim_id), CheckStatus::Missed);
		let slashed = Perbill::from_percent(10).mul_floor(STAKE);
		assert_eq!(Slashes::get(), vec![(T1, Perbill::from_percent(10), None, slashed, 0)]);
		assert!(events().contains(&Event::VerificationMissed { claim_id, finder: None }));
	});
}
