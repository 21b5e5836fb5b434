//! Unit tests of pallet-verification.
//!
//! One file per topic; the helpers they share are here.

mod challenges;
mod committee;
mod exposure;
mod hooks_and_views;
mod proofs;
mod segment_keys;
mod voting;

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

/// `who` votes `ok` on segment `seq` of the claim.
fn vote_as(who: u64, claim_id: ClaimId, seq: u64, ok: bool) {
	assert_ok!(Verification::submit_verdict(RuntimeOrigin::signed(who), claim_id, seq, ok));
}

/// The first `verdicts.len()` members of segment `seq`'s committee vote, in seat order, the
/// i-th member `verdicts[i]`. Returns the whole committee.
fn vote(claim_id: ClaimId, seq: u64, verdicts: &[bool]) -> Vec<u64> {
	let committee = members(claim_id, seq);
	assert!(verdicts.len() <= committee.len(), "{} votes for {committee:?}", verdicts.len());
	for (who, ok) in committee.iter().zip(verdicts) {
		vote_as(*who, claim_id, seq, *ok);
	}
	committee
}

/// Every member of the committees of `seqs` votes `true`. Returns the voters, seat by seat.
fn pass(claim_id: ClaimId, seqs: &[u64]) -> Vec<u64> {
	let mut voters = Vec::new();
	for seq in seqs {
		for who in members(claim_id, *seq) {
			vote_as(who, claim_id, *seq, true);
			voters.push(who);
		}
	}
	voters
}
