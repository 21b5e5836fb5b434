//! Unit tests of pallet-verification.

use crate::{
	mock::*, CheckStatus, Checks, ClaimId, Error, Event, Exposures, FeeShares, SegmentChecks,
	SegmentStatus, SlashReason,
};
use codec::Encode;
use frame_support::weights::Weight;
use frame_support::{
	assert_noop, assert_ok, dispatch::GetDispatchInfo, traits::fungible::InspectHold, BoundedVec,
};
use olc_primitives::{merkle, MerkleProof, SignedSegmentHeader, StreamId, TranscodeReceipt};
use pallet_jobs::{HoldReason, JobId};
use sp_core::Pair;
use sp_runtime::Perbill;

const PRICE: u64 = 10;
const PROFILES: u64 = 4;

type Proofs = BoundedVec<(TranscodeReceipt, MerkleProof), <Test as crate::Config>::MaxProofs>;

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Verification(event) => Some(event),
			_ => None,
		})
		.collect()
}

fn jobs_events() -> Vec<pallet_jobs::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Jobs(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// A stream of ALICE with a job (the default 4-profile ladder) assigned to T1; T2..T5 are active
/// too, as verifiers. ALICE signs segments with her account's key.
fn setup() -> (StreamId, JobId) {
	setup_with_key(pair(ALICE).public())
}

/// As [`setup`], with the stream's segment key `segment_key`.
fn setup_with_key(segment_key: sp_core::sr25519::Public) -> (StreamId, JobId) {
	activate(T1, STAKE, PRICE);
	assert_ok!(Jobs::create_stream(
		RuntimeOrigin::signed(ALICE),
		b"stream".to_vec().try_into().unwrap(),
		segment_key
	));
	let stream_id = pallet_jobs::Streams::<Test>::iter().next().unwrap().0;
	let job_id = pallet_jobs::NextJobId::<Test>::get();
	assert_ok!(Jobs::create_job(
		RuntimeOrigin::signed(ALICE),
		stream_id,
		olc_primitives::default_ladder().try_into().unwrap(),
		PRICE,
		200_000,
	));
	next_block();
	assert_eq!(pallet_jobs::Jobs::<Test>::get(job_id).unwrap().assignment.unwrap().transcoder, T1);
	for who in [T2, T3, T4, T5] {
		activate(who, STAKE, PRICE);
	}
	(stream_id, job_id)
}

fn receipt_by(
	stream_id: StreamId,
	seq: u64,
	broadcaster: u64,
	transcoder: u64,
	outputs: usize,
) -> TranscodeReceipt {
	let input = (b"segment", seq).encode();
	let header = SignedSegmentHeader::sign(&pair(broadcaster), stream_id, seq, 2_000, &input);
	let hashes = (0..outputs)
		.map(|i| olc_primitives::blake2_256(&(seq, i as u64).encode()))
		.collect();
	TranscodeReceipt::sign(&pair(transcoder), header, hashes).unwrap()
}

/// Honest receipts of segments `start..=end`.
fn receipts(stream_id: StreamId, start: u64, end: u64) -> Vec<TranscodeReceipt> {
	(start..=end)
		.map(|seq| receipt_by(stream_id, seq, ALICE, T1, PROFILES as usize))
		.collect()
}

/// T1 claims `start..=end` with the root over `receipts`.
fn claim(job_id: JobId, start: u64, end: u64, receipts: &[TranscodeReceipt]) -> ClaimId {
	let claim_id = pallet_jobs::NextClaimId::<Test>::get();
	assert_ok!(Jobs::claim_work(
		RuntimeOrigin::signed(T1),
		job_id,
		start,
		end,
		merkle::root(receipts).unwrap()
	));
	claim_id
}

fn status(claim_id: ClaimId) -> CheckStatus {
	Checks::<Test>::get(claim_id).unwrap().status
}

/// Builds blocks until the claim's challenges are issued; returns them.
fn issue(claim_id: ClaimId) -> Vec<u64> {
	for _ in 0..200 {
		if status(claim_id) != CheckStatus::AwaitingChallenges {
			break;
		}
		next_block();
	}
	assert_eq!(status(claim_id), CheckStatus::AwaitingProofs);
	Verification::challenges_view(claim_id).unwrap()
}

fn proofs(receipts: &[TranscodeReceipt], start: u64, seqs: &[u64]) -> Proofs {
	seqs.iter()
		.map(|seq| {
			let index = (seq - start) as u32;
			(receipts[index as usize].clone(), merkle::proof(receipts, index).unwrap())
		})
		.collect::<Vec<_>>()
		.try_into()
		.unwrap()
}

fn members(claim_id: ClaimId, seq: u64) -> Vec<u64> {
	SegmentChecks::<Test>::get(claim_id, seq)
		.unwrap()
		.members
		.iter()
		.map(|member| member.who)
		.collect()
}

/// A claim over 0..=19, issued and fully proven, committees drawn.
fn proven_claim() -> (ClaimId, Vec<u64>, Vec<TranscodeReceipt>) {
	let (stream_id, job_id) = setup();
	let all = receipts(stream_id, 0, 19);
	let claim_id = claim(job_id, 0, 19, &all);
	let challenged = issue(claim_id);
	assert_ok!(Verification::submit_proofs(
		RuntimeOrigin::signed(T1),
		claim_id,
		proofs(&all, 0, &challenged)
	));
	assert_eq!(status(claim_id), CheckStatus::AwaitingVerdicts);
	next_block();
	(claim_id, challenged, all)
}

fn held_escrow(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::ClaimEscrow.into(), &who)
}

fn held_deposit(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::JobDeposit.into(), &who)
}

#[test]
fn challenges_follow_the_documented_rule() {
	build_and_execute(|| {
		let (stream_id, job_id) = setup();
		let claimed_at = System::block_number();
		let claim_id = claim(job_id, 0, 99, &receipts(stream_id, 0, 99));
		// Not before the block after next: the hash of the next block is not known.
		next_block();
		assert_eq!(status(claim_id), CheckStatus::AwaitingChallenges);
		let challenged = issue(claim_id);
		// 100 segments at 8 hashes per block take 13 blocks.
		assert_eq!(System::block_number(), claimed_at + 2 + 12);

		let seed: [u8; 32] = parent_hash_of(claimed_at + 2).0;
		let rate = u64::from(VerificationRate::get());
		let mut selected: Vec<(u64, u64)> = (0..=99u64)
			.map(|seq| (Verification::score(&seed, claim_id, seq), seq))
			.filter(|(score, _)| score % rate == 0)
			.collect();
		assert!(selected.len() > MAX_PROOFS as usize, "{}", selected.len());
		selected.sort();
		let mut expected: Vec<u64> =
			selected.iter().take(MAX_PROOFS as usize).map(|(_, seq)| *seq).collect();
		expected.sort();
		assert_eq!(challenged, expected);
		let score = olc_primitives::blake2_256(&(seed, claim_id, 5u64).encode());
		assert_eq!(
			Verification::score(&seed, claim_id, 5),
			u64::from_le_bytes(score[..8].try_into().unwrap())
		);
		let deadline = System::block_number() + VERIFICATION_PERIOD;
		assert!(events().contains(&Event::ChallengesIssued {
			claim_id,
			segments: expected.try_into().unwrap(),
			proof_deadline: deadline,
		}));
	});
}

#[test]
fn every_claim_gets_at_least_one_challenge() {
	build_and_execute(|| {
		VerificationRate::set(u32::MAX);
		let (stream_id, job_id) = setup();
		let claim_id = claim(job_id, 0, 9, &receipts(stream_id, 0, 9));
		let claimed_at = System::block_number();
		let challenged = issue(claim_id);
		let seed: [u8; 32] = parent_hash_of(claimed_at + 2).0;
		let lowest =
			(0..=9u64).min_by_key(|seq| Verification::score(&seed, claim_id, *seq)).unwrap();
		assert_eq!(challenged, vec![lowest]);
	});
}

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
			for who in committee {
				assert_ok!(Verification::submit_verdict(
					RuntimeOrigin::signed(who),
					claim_id,
					*seq,
					true
				));
				voters.push(who);
			}
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

#[test]
fn failed_committee_verdict_slashes_and_refunds() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let fee = 20 * PROFILES * PRICE;
		let deposit_before = held_deposit(ALICE);
		let seq = challenged[0];
		let committee = members(claim_id, seq);
		assert_ok!(Verification::submit_verdict(
			RuntimeOrigin::signed(committee[0]),
			claim_id,
			seq,
			true
		));
		assert_ok!(Verification::submit_verdict(
			RuntimeOrigin::signed(committee[1]),
			claim_id,
			seq,
			false
		));
		assert_eq!(status(claim_id), CheckStatus::AwaitingVerdicts);
		assert_ok!(Verification::submit_verdict(
			RuntimeOrigin::signed(committee[2]),
			claim_id,
			seq,
			false
		));
		assert_eq!(status(claim_id), CheckStatus::Failed);
		assert!(events().contains(&Event::VerificationFailed { claim_id, seq }));
		let slashed = Perbill::from_percent(5).mul_floor(STAKE);
		// The `true` voter lost (issue 12 item 10), then the claimant is slashed.
		let losing = Perbill::from_rational(MISSED_VOTE_SLASH, STAKE);
		assert_eq!(
			Slashes::get(),
			vec![
				(committee[0], losing, None, MISSED_VOTE_SLASH, 0),
				(T1, Perbill::from_percent(5), None, slashed, 0)
			]
		);
		assert!(events().contains(&Event::Slashed {
			transcoder: T1,
			amount: slashed,
			reason: SlashReason::FailedVerification,
			finder: None,
		}));
		// The other segments' checks stopped.
		assert_eq!(SegmentChecks::<Test>::iter_prefix(claim_id).count(), 0);
		let (no1, no2) = (total_balance(committee[1]), total_balance(committee[2]));
		let yes = total_balance(committee[0]);

		let payable_at = pallet_jobs::Claims::<Test>::get(claim_id).unwrap().payable_at;
		run_to_block(payable_at);
		assert!(pallet_jobs::Claims::<Test>::get(claim_id).is_none());
		// The two `false` voters share the verifier fee; the rest goes back to the deposit.
		let share =
			Perbill::from_rational(1u32, 2).mul_floor(Perbill::from_percent(10).mul_floor(fee));
		assert_eq!(total_balance(committee[1]), no1 + share);
		assert_eq!(total_balance(committee[2]), no2 + share);
		assert_eq!(total_balance(committee[0]), yes);
		assert_eq!(held_escrow(ALICE), 0);
		assert_eq!(held_deposit(ALICE), deposit_before + fee - 2 * share);
		assert!(CreditedFees::get().is_empty());
		assert!(jobs_events().iter().any(|event| matches!(
			event,
			pallet_jobs::Event::ClaimRefunded { claim_id: id, amount, to_deposit: true, .. }
				if *id == claim_id && *amount == fee - 2 * share
		)));
	});
}

#[test]
fn verdict_errors_are_named() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let seq = challenged[0];
		let committee = members(claim_id, seq);
		let outsider = [T2, T3, T4, T5].into_iter().find(|who| !committee.contains(who)).unwrap();
		assert_noop!(
			Verification::submit_verdict(RuntimeOrigin::signed(outsider), claim_id, seq, true),
			Error::<Test>::NotCommitteeMember
		);
		assert_noop!(
			Verification::submit_verdict(RuntimeOrigin::signed(T1), claim_id, seq, true),
			Error::<Test>::NotCommitteeMember
		);
		assert_noop!(
			Verification::submit_verdict(RuntimeOrigin::signed(committee[0]), claim_id, 999, true),
			Error::<Test>::NoCommittee
		);
		assert_noop!(
			Verification::submit_verdict(RuntimeOrigin::signed(committee[0]), 99, seq, true),
			Error::<Test>::UnknownClaim
		);
		assert_ok!(Verification::submit_verdict(
			RuntimeOrigin::signed(committee[0]),
			claim_id,
			seq,
			true
		));
		assert_noop!(
			Verification::submit_verdict(RuntimeOrigin::signed(committee[0]), claim_id, seq, false),
			Error::<Test>::AlreadyVoted
		);
		let deadline = SegmentChecks::<Test>::get(claim_id, seq).unwrap().deadline;
		System::set_block_number(deadline + 1);
		assert_noop!(
			Verification::submit_verdict(RuntimeOrigin::signed(committee[1]), claim_id, seq, true),
			Error::<Test>::VerdictPeriodOver
		);
	});
}

#[test]
fn silent_members_are_slashed_and_replaced() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let seq = challenged[0];
		let committee = members(claim_id, seq);
		assert_ok!(Verification::submit_verdict(
			RuntimeOrigin::signed(committee[0]),
			claim_id,
			seq,
			true
		));
		// The other segments pass.
		for other in challenged.iter().skip(1) {
			for who in members(claim_id, *other) {
				assert_ok!(Verification::submit_verdict(
					RuntimeOrigin::signed(who),
					claim_id,
					*other,
					true
				));
			}
		}
		let deadline = SegmentChecks::<Test>::get(claim_id, seq).unwrap().deadline;
		run_to_block(deadline + 1);
		// Both silent members lose the fixed amount (a fraction of their stake) ...
		let fraction = Perbill::from_rational(MISSED_VOTE_SLASH, STAKE);
		let silent: Vec<u64> = committee[1..].to_vec();
		for who in &silent {
			assert!(Slashes::get().contains(&(*who, fraction, None, MISSED_VOTE_SLASH, 0)));
			assert!(events().contains(&Event::Slashed {
				transcoder: *who,
				amount: MISSED_VOTE_SLASH,
				reason: SlashReason::MissedVote,
				finder: None,
			}));
		}
		// ... and are replaced by the one active transcoder left (the slash resigned them).
		let replacement =
			[T2, T3, T4, T5].into_iter().find(|who| !committee.contains(who)).unwrap();
		let check = SegmentChecks::<Test>::get(claim_id, seq).unwrap();
		assert_eq!(check.round, 1);
		assert_eq!(members(claim_id, seq), vec![committee[0], replacement]);
		assert_eq!(check.replaced.to_vec(), silent);
		assert_eq!(status(claim_id), CheckStatus::AwaitingVerdicts);
		// The replacement votes: all voted, `true` has the majority of 2.
		assert_ok!(Verification::submit_verdict(
			RuntimeOrigin::signed(replacement),
			claim_id,
			seq,
			true
		));
		assert_eq!(status(claim_id), CheckStatus::Passed);
	});
}

#[test]
fn last_round_is_decided_by_the_votes_cast() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let seq = challenged[0];
		let committee = members(claim_id, seq);
		assert_ok!(Verification::submit_verdict(
			RuntimeOrigin::signed(committee[0]),
			claim_id,
			seq,
			false
		));
		let deadline = SegmentChecks::<Test>::get(claim_id, seq).unwrap().deadline;
		run_to_block(deadline + 1);
		assert_eq!(SegmentChecks::<Test>::get(claim_id, seq).unwrap().round, 1);
		// Nobody else votes: in the last round the single `false` decides.
		let deadline = SegmentChecks::<Test>::get(claim_id, seq).unwrap().deadline;
		run_to_block(deadline + 1);
		assert_eq!(status(claim_id), CheckStatus::Failed);
		assert!(Slashes::get()
			.iter()
			.any(|(who, fraction, ..)| *who == T1 && *fraction == Perbill::from_percent(5)));
	});
}

#[test]
fn committee_never_includes_the_claimant() {
	build_and_execute(|| {
		let (_, job_id) = setup();
		let segment = crate::SegmentCheck {
			input_hash: [0; 32],
			output_hashes: Default::default(),
			members: Default::default(),
			replaced: Default::default(),
			round: 0,
			deadline: 0,
		};
		// The claimant with by far the most stake is never drawn, whatever the hash.
		activate(T1, STAKE * 1_000, PRICE);
		for block in 0..200u64 {
			System::set_parent_hash(parent_hash_of(block));
			let drawn = Verification::draw(block, block, &T1, &segment, VERIFIERS);
			let who: Vec<u64> = drawn.iter().map(|member| member.who).collect();
			assert_eq!(who.len(), VERIFIERS as usize);
			assert!(!who.contains(&T1));
			let mut unique = who.clone();
			unique.sort();
			unique.dedup();
			assert_eq!(unique.len(), who.len());
		}
		// With only one other active transcoder the committee has one member.
		for who in [T3, T4, T5] {
			deactivate(who);
		}
		let drawn = Verification::draw(0, 0, &T1, &segment, VERIFIERS);
		assert_eq!(drawn.iter().map(|member| member.who).collect::<Vec<_>>(), vec![T2]);
		let _ = job_id;
	});
}

#[test]
fn segment_without_possible_verifiers_passes_unchecked() {
	build_and_execute(|| {
		let (stream_id, job_id) = setup();
		for who in [T2, T3, T4, T5] {
			deactivate(who);
		}
		let all = receipts(stream_id, 0, 19);
		let claim_id = claim(job_id, 0, 19, &all);
		let challenged = issue(claim_id);
		assert_ok!(Verification::submit_proofs(
			RuntimeOrigin::signed(T1),
			claim_id,
			proofs(&all, 0, &challenged)
		));
		next_block();
		assert_eq!(status(claim_id), CheckStatus::Passed);
	});
}

#[test]
fn claim_verified_after_its_window_is_settled_by_the_pallet() {
	build_and_execute(|| {
		let (stream_id, job_id) = setup();
		// 400 segments at 8 hashes per block: the scan alone outlasts the window.
		let all = receipts(stream_id, 0, 399);
		let claim_id = claim(job_id, 0, 399, &all);
		let payable_at = pallet_jobs::Claims::<Test>::get(claim_id).unwrap().payable_at;
		let challenged = issue(claim_id);
		assert!(System::block_number() > payable_at);
		assert!(pallet_jobs::Claims::<Test>::get(claim_id).is_some());
		assert_ok!(Verification::submit_proofs(
			RuntimeOrigin::signed(T1),
			claim_id,
			proofs(&all, 0, &challenged)
		));
		next_block();
		for seq in &challenged {
			for who in members(claim_id, *seq) {
				assert_ok!(Verification::submit_verdict(
					RuntimeOrigin::signed(who),
					claim_id,
					*seq,
					true
				));
			}
		}
		assert!(pallet_jobs::Claims::<Test>::get(claim_id).is_none());
		assert!(Checks::<Test>::get(claim_id).is_none());
		assert_eq!(CreditedFees::get().len(), 1);
	});
}

#[test]
fn work_per_block_and_weights_are_bounded() {
	build_and_execute(|| {
		let (stream_id, job_id) = setup();
		// Many claims due in the same block.
		let mut claims = Vec::new();
		for index in 0..20u64 {
			let start = index * 2;
			claims.push(claim(job_id, start, start + 1, &receipts(stream_id, start, start + 1)));
		}
		next_block();
		let weight = next_block();
		let issued = claims
			.iter()
			.filter(|claim_id| status(**claim_id) == CheckStatus::AwaitingProofs)
			.count();
		// At most MAX_SAMPLES hashes (2 per claim here) and MAX_TASKS tasks per block.
		assert_eq!(issued, (MAX_SAMPLES / 2).min(MAX_TASKS) as usize);
		let worst = <() as crate::WeightInfo>::on_initialize_idle()
			.saturating_add(Verification::report_missed_weight().saturating_mul(MAX_TASKS.into()))
			.saturating_add(<() as crate::WeightInfo>::on_initialize_issue(MAX_SAMPLES));
		assert!(weight.all_lte(worst), "{weight:?} > {worst:?}");
		// All claims get their challenges eventually.
		for _ in 0..10 {
			next_block();
		}
		assert!(claims.iter().all(|claim_id| status(*claim_id) == CheckStatus::AwaitingProofs));

		// The calls' weights are bounded and fit in a block.
		let max_block = Weight::from_parts(2_000_000_000_000, 5 * 1024 * 1024);
		let proofs: Proofs = Default::default();
		let calls = [
			crate::Call::<Test>::submit_proofs { claim_id: 0, proofs }
				.get_dispatch_info()
				.call_weight,
			crate::Call::<Test>::submit_verdict { claim_id: 0, seq: 0, ok: true }
				.get_dispatch_info()
				.call_weight,
			crate::Call::<Test>::report_missed { claim_id: 0 }
				.get_dispatch_info()
				.call_weight,
			<() as crate::WeightInfo>::submit_proofs(MAX_PROOFS),
		];
		for weight in calls {
			assert!(weight.ref_time() > 0);
			assert!(weight.all_lte(max_block));
		}
	});
}

#[test]
fn runtime_api_views_show_the_verification() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let view = Verification::claim_check_view(claim_id).unwrap();
		assert_eq!(view.transcoder, T1);
		assert_eq!(view.status, CheckStatus::AwaitingVerdicts);
		assert!(view.challenges.iter().all(|c| c.status == SegmentStatus::UnderReview));
		assert_eq!(view.committees.len(), challenged.len());
		let member = members(claim_id, challenged[0])[0];
		let duties = Verification::duties_view(member, None, 100);
		assert!(duties.iter().any(|duty| duty.claim_id == claim_id && duty.seq == challenged[0]));
		assert_eq!(duties[0].output_hashes.len(), PROFILES as usize);
		assert_eq!(Verification::challenges_view(claim_id), Some(challenged));
		assert_eq!(Verification::challenges_view(99), None);
	});
}

/// Issue 12 (low): a verifier's duties come from the `UnvotedSeats` index a page at a time:
/// across pages exactly the seats without a vote that a scan of every segment check finds;
/// a vote takes the seat off.
#[test]
fn issue12_low_duties_page_through_the_unvoted_seats_index() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let scan = |who: u64| {
			let mut seats: Vec<(ClaimId, u64)> = SegmentChecks::<Test>::iter()
				.filter(|(_, _, segment)| {
					segment.members.iter().any(|m| m.who == who && m.vote.is_none())
				})
				.map(|(claim, seq, _)| (claim, seq))
				.collect();
			seats.sort();
			seats
		};
		let paged = |who: u64, limit: u32| {
			let mut seen = Vec::new();
			let mut after = None;
			loop {
				let page = Verification::duties_view(who, after, limit);
				assert!(page.len() <= limit as usize);
				let Some(last) = page.last() else { break };
				after = Some((last.claim_id, last.seq));
				seen.extend(page.iter().map(|duty| (duty.claim_id, duty.seq)));
			}
			seen.sort();
			seen
		};
		let seated: std::collections::BTreeSet<u64> =
			challenged.iter().flat_map(|seq| members(claim_id, *seq)).collect();
		assert!(!seated.is_empty());
		for who in &seated {
			assert!(!scan(*who).is_empty());
			for limit in [1, 2, 100] {
				assert_eq!(paged(*who, limit), scan(*who));
			}
			assert!(Verification::duties_view(*who, None, 0).is_empty());
		}
		let who = members(claim_id, challenged[0])[0];
		assert_ok!(Verification::submit_verdict(
			RuntimeOrigin::signed(who),
			claim_id,
			challenged[0],
			true
		));
		assert!(!paged(who, 1).contains(&(claim_id, challenged[0])));
		assert_eq!(paged(who, 1), scan(who));
	});
}

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

// ---- issue 12, item 1: a transcoder's own bond stays within reach of its slashes ----

const EXPOSED_TO_SLASH: pallet_staking_delegation::Error<Test> =
	pallet_staking_delegation::Error::<Test>::ExposedToSlash;
const CANNOT_DELEGATE: pallet_staking_delegation::Error<Test> =
	pallet_staking_delegation::Error::<Test>::TranscoderCannotDelegate;

/// T1 (its own bond STAKE) has `delegated` delegated to it by BOB and a claim over 0..=19 whose
/// challenges are issued; T1 will not prove them.
fn exposed_claim(delegated: u64) -> ClaimId {
	let (stream_id, job_id) = setup();
	assert_ok!(Staking::bond(RuntimeOrigin::signed(BOB), delegated, T1));
	claim(job_id, 0, 19, &receipts(stream_id, 0, 19))
}

/// Runs past the claim's proof deadline; CHARLIE reports it. Returns CHARLIE's finder fee.
fn report_missed_claim(claim_id: ClaimId) -> u64 {
	issue(claim_id);
	let deadline = Checks::<Test>::get(claim_id).unwrap().proof_deadline.unwrap();
	run_to_block(deadline + 1);
	let before = total_balance(CHARLIE);
	assert_ok!(Verification::report_missed(RuntimeOrigin::signed(CHARLIE), claim_id));
	total_balance(CHARLIE) - before
}

#[test]
fn item1_transcoder_cannot_dodge_its_slash_by_resigning_and_moving() {
	build_and_execute(|| {
		let claim_id = exposed_claim(9 * STAKE);
		assert_eq!(Exposures::<Test>::get(T1), 1);
		// From its claim on, T1 cannot take its own bond out of its pool: not by resigning and
		// moving it to another transcoder ...
		assert_ok!(Staking::resign_transcoder(RuntimeOrigin::signed(T1)));
		assert_noop!(Staking::bond(RuntimeOrigin::signed(T1), 0, T2), EXPOSED_TO_SLASH);
		issue(claim_id);
		assert_noop!(Staking::bond(RuntimeOrigin::signed(T1), 0, T2), EXPOSED_TO_SLASH);
		// ... nor by unbonding it (to rebond it elsewhere).
		assert_noop!(Staking::unbond(RuntimeOrigin::signed(T1), STAKE), EXPOSED_TO_SLASH);
		assert_noop!(
			Staking::unbond(RuntimeOrigin::signed(T1), STAKE - MIN_SELF_BOND),
			EXPOSED_TO_SLASH
		);
		assert_eq!(Staking::delegator_view(&T1).unwrap().transcoder, T1);

		let fee = report_missed_claim(claim_id);
		// The slash falls on T1's own bond as on its delegator's.
		assert_eq!(own_stake(T1), STAKE - STAKE / 10);
		assert_eq!(own_stake(BOB), 9 * STAKE - 9 * STAKE / 10);
		// The finder is paid from what T1 itself lost: 5% of 100.
		assert_eq!(fee, 5);
		// Slashed: nothing else can slash T1 for this claim, it is free to leave.
		assert!(!Exposures::<Test>::contains_key(T1));
		run_to_block(pallet_jobs::Claims::<Test>::get(claim_id).unwrap().payable_at);
		assert_ok!(Staking::bond(RuntimeOrigin::signed(T1), 0, T2));
		assert_eq!(staked(T1), STAKE - STAKE / 10);
	});
}

#[test]
fn item1_transcoder_cannot_dodge_its_slash_by_unbonding_and_rebonding_elsewhere() {
	build_and_execute(|| {
		let claim_id = exposed_claim(9 * STAKE);
		issue(claim_id);
		// The dodge: unbond everything (which resigns), then rebond the lock to T2.
		assert_noop!(Staking::unbond(RuntimeOrigin::signed(T1), STAKE), EXPOSED_TO_SLASH);
		// (There is no lock to rebond, and a registered transcoder delegates nowhere.)
		assert_noop!(Staking::rebond_to(RuntimeOrigin::signed(T1), T2, 0), CANNOT_DELEGATE);
		assert_eq!(Staking::delegator_view(&T1).unwrap().transcoder, T1);
		assert!(Staking::unbonding_locks_view(&T1).is_empty());
		report_missed_claim(claim_id);
		assert_eq!(own_stake(T1), STAKE - STAKE / 10);
	});
}

#[test]
fn item1_a_committee_member_cannot_move_its_bond_until_it_voted() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let member = members(claim_id, challenged[0])[0];
		let other = [T2, T3, T4, T5].into_iter().find(|who| *who != member).unwrap();
		// A silent member is slashed at the deadline: until it votes its bond stays.
		let seats = challenged
			.iter()
			.filter(|seq| members(claim_id, **seq).contains(&member))
			.count();
		assert_eq!(Exposures::<Test>::get(member) as usize, seats);
		assert_noop!(
			Staking::unbond(RuntimeOrigin::signed(member), STAKE - MIN_SELF_BOND),
			EXPOSED_TO_SLASH
		);
		assert_ok!(Staking::resign_transcoder(RuntimeOrigin::signed(member)));
		assert_noop!(Staking::bond(RuntimeOrigin::signed(member), 0, other), EXPOSED_TO_SLASH);
		assert_eq!(Staking::delegator_view(&member).unwrap().transcoder, member);
		// Once it has voted in every committee it sits on, nothing can slash it any more.
		for seq in &challenged {
			if members(claim_id, *seq).contains(&member) {
				assert_ok!(Verification::submit_verdict(
					RuntimeOrigin::signed(member),
					claim_id,
					*seq,
					true
				));
			}
		}
		assert!(!Exposures::<Test>::contains_key(member));
		assert_ok!(Staking::bond(RuntimeOrigin::signed(member), 0, other));
	});
}

#[test]
fn item1_finder_fee_never_exceeds_the_offenders_own_loss() {
	build_and_execute(|| {
		// T1 holds 1% of its pool: a sybil finder of T1 must not profit from T1's missed claim.
		let claim_id = exposed_claim(99 * STAKE);
		let pool = 100 * STAKE;
		let fee = report_missed_claim(claim_id);
		let own_loss = STAKE - own_stake(T1);
		assert_eq!(own_loss, STAKE / 10);
		assert_eq!(own_stake(BOB), 99 * STAKE - 99 * STAKE / 10);
		assert_eq!(Slashes::get().iter().find(|slash| slash.0 == T1).unwrap().3, pool / 10);
		assert!(fee <= own_loss, "finder fee {fee} > the offender's own loss {own_loss}");
		assert_eq!(fee, Perbill::from_percent(5).mul_floor(own_loss));
	});
}

// ---- issue 12 item 10: voting against the outcome costs ----

/// Members on the losing side of a decided committee lose `MissedVoteSlash`, as a silent member
/// does: voting `true` without checking is not free.
#[test]
fn item10_members_on_the_losing_side_are_slashed() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let seq = challenged[0];
		let committee = members(claim_id, seq);
		assert_ok!(Verification::submit_verdict(
			RuntimeOrigin::signed(committee[0]),
			claim_id,
			seq,
			true
		));
		assert_ok!(Verification::submit_verdict(
			RuntimeOrigin::signed(committee[1]),
			claim_id,
			seq,
			false
		));
		assert_ok!(Verification::submit_verdict(
			RuntimeOrigin::signed(committee[2]),
			claim_id,
			seq,
			false
		));
		assert_eq!(status(claim_id), CheckStatus::Failed);
		let fraction = Perbill::from_rational(MISSED_VOTE_SLASH, STAKE);
		assert!(Slashes::get().contains(&(committee[0], fraction, None, MISSED_VOTE_SLASH, 0)));
		assert!(events().contains(&Event::Slashed {
			transcoder: committee[0],
			amount: MISSED_VOTE_SLASH,
			reason: SlashReason::LosingVote,
			finder: None,
		}));
		// The winning side is not slashed.
		assert!(!Slashes::get()
			.iter()
			.any(|(who, ..)| *who == committee[1] || *who == committee[2]));
	});
}

/// A committee whose members all voted without a majority (an even committee, e.g. after a
/// replacement) is decided at once, as the last round is: a tie passes the segment, and nobody
/// is on a losing side.
#[test]
fn item10_a_tied_committee_is_decided_at_once_and_slashes_no_voter() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let seq = challenged[0];
		let committee = members(claim_id, seq);
		for other in challenged.iter().skip(1) {
			for who in members(claim_id, *other) {
				assert_ok!(Verification::submit_verdict(
					RuntimeOrigin::signed(who),
					claim_id,
					*other,
					true
				));
			}
		}
		assert_ok!(Verification::submit_verdict(
			RuntimeOrigin::signed(committee[0]),
			claim_id,
			seq,
			false
		));
		let deadline = SegmentChecks::<Test>::get(claim_id, seq).unwrap().deadline;
		run_to_block(deadline + 1);
		let replacement =
			[T2, T3, T4, T5].into_iter().find(|who| !committee.contains(who)).unwrap();
		assert_eq!(members(claim_id, seq), vec![committee[0], replacement]);
		assert_ok!(Verification::submit_verdict(
			RuntimeOrigin::signed(replacement),
			claim_id,
			seq,
			true
		));
		// 1 against 1: decided now, not at the deadline.
		assert_eq!(status(claim_id), CheckStatus::Passed);
		assert!(!Slashes::get()
			.iter()
			.any(|(who, ..)| *who == committee[0] || *who == replacement));
	});
}

/// Issue 12, low items: a banned account never sits on a committee, though it is still in the
/// round's active set.
#[test]
fn low_bans_a_banned_transcoder_sits_on_no_committee() {
	build_and_execute(|| {
		BannedList::set(vec![T2, T3]);
		let (claim_id, challenged, _) = proven_claim();
		for seq in challenged {
			let committee = members(claim_id, seq);
			assert!(!committee.is_empty());
			assert!(!committee.contains(&T2) && !committee.contains(&T3), "{committee:?}");
		}
	});
}
