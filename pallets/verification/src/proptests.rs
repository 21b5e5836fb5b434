//! Property test: random sequences of claims, proofs, verdicts, missed-verification reports,
//! (de)activations and blocks conserve OLC. After every step:
//! - total issuance changed only by the slashes (burned from the holds of
//!   pallet-staking-delegation as the slashed accounts settle) and finder fees (minted);
//! - the broadcaster's free + held + fees paid from its jobs equals its initial balance, its
//!   escrow hold is the sum of its unsettled claims' fees and of its jobs' escrow;
//! - what left the escrow as paid (`JobInfo::paid`) arrived at the fee pot or at verifiers;
//! - every unsettled claim has a verification record and every record an unsettled claim, and
//!   segment checks exist only for claims whose verification is still running;
//! - every transcoder's exposure count is its claims under verification plus its committee
//!   seats without a vote, and pallet-staking-delegation's invariants hold (`do_try_state` of
//!   both pallets).
//!
//! At the end every claim is verified, settled, and no verification state is left.

use crate::{mock::*, CheckStatus, Checks, SegmentChecks};
use frame_support::{traits::fungible::InspectHold, BoundedVec};
use olc_primitives::{merkle, SignedSegmentHeader, StreamId, TranscodeReceipt};
use pallet_jobs::{Claims, HoldReason, Jobs as JobsStorage};
use proptest::prelude::*;
use sp_core::Pair as _;

const TRANSCODERS: [u64; 5] = [T1, T2, T3, T4, T5];
const PRICE: u64 = 3;

#[derive(Debug, Clone)]
enum Op {
	Claim { gap: u64, len: u64 },
	Prove { claim: u8, all: bool, forge: bool },
	Vote { claim: u8, member: u8, ok: bool },
	Report { claim: u8 },
	Activate { transcoder: usize },
	Advance { blocks: u64 },
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		(0..3u64, 0..12u64).prop_map(|(gap, len)| Op::Claim { gap, len }),
		(any::<u8>(), any::<bool>(), prop::bool::weighted(0.2))
			.prop_map(|(claim, all, forge)| Op::Prove { claim, all, forge }),
		(any::<u8>(), any::<u8>(), prop::bool::weighted(0.7))
			.prop_map(|(claim, member, ok)| Op::Vote { claim, member, ok }),
		any::<u8>().prop_map(|claim| Op::Report { claim }),
		(0..5usize).prop_map(|transcoder| Op::Activate { transcoder }),
		(1..8u64).prop_map(|blocks| Op::Advance { blocks }),
	]
}

frame_support::parameter_types! {
	/// The receipts of each claim: (claim id, first seq, receipts).
	pub static ClaimReceipts: Vec<(u64, u64, Vec<TranscodeReceipt>)> = vec![];
	pub static TheStream: StreamId = StreamId::default();
}

fn receipts(stream_id: StreamId, transcoder: u64, start: u64, end: u64) -> Vec<TranscodeReceipt> {
	(start..=end)
		.map(|seq| {
			let header =
				SignedSegmentHeader::sign(&pair(ALICE), stream_id, seq, 2_000, &seq.to_le_bytes());
			let outputs = (0..4u64)
				.map(|i| olc_primitives::blake2_256(&[seq, i].map(u64::to_le_bytes).concat()))
				.collect();
			TranscodeReceipt::sign(&pair(transcoder), header, outputs).unwrap()
		})
		.collect()
}

fn check_invariants(issuance: u64) {
	let slashes = Slashes::get();
	let burned: u64 = TRANSCODERS.iter().map(|who| burned_from(*who)).sum();
	let minted: u64 = slashes.iter().map(|slash| slash.4).sum();
	assert_eq!(Balances::total_issuance(), issuance - burned + minted);

	let jobs: Vec<_> = JobsStorage::<Test>::iter().map(|(_, job)| job).collect();
	let claims: Vec<_> = Claims::<Test>::iter().collect();
	// A job's deposit hold also keeps the grace reservations of transcoders that left it.
	let deposits: u64 = jobs
		.iter()
		.map(|job| job.deposit + job.graces.iter().map(|grace| grace.reserved).sum::<u64>())
		.sum();
	let escrow: u64 = jobs.iter().map(|job| job.escrow).sum();
	let paid: u64 = jobs.iter().map(|job| job.paid).sum();
	let claimed: u64 = claims.iter().map(|(_, claim)| claim.fee).sum();
	let held_deposit = Balances::balance_on_hold(&HoldReason::JobDeposit.into(), &ALICE);
	let held_escrow = Balances::balance_on_hold(&HoldReason::ClaimEscrow.into(), &ALICE);
	assert_eq!(held_deposit, deposits);
	assert_eq!(held_escrow, escrow);
	assert_eq!(held_escrow, claimed);
	assert_eq!(Balances::free_balance(ALICE) + held_deposit + held_escrow + paid, INITIAL);

	// Transcoders' balances move only by verifier fees (in) and slashes (burned).
	let to_verifiers: u64 = TRANSCODERS
		.iter()
		.map(|who| total_balance(*who) + burned_from(*who) - INITIAL)
		.sum();
	let to_pot = Balances::free_balance(FEE_POT) - EXISTENTIAL_DEPOSIT;
	assert_eq!(to_pot, CreditedFees::get().iter().map(|fee| fee.2).sum::<u64>());
	assert_eq!(to_verifiers + to_pot, paid);
	assert_eq!(total_balance(CHARLIE), 100 + minted);

	for (claim_id, _) in &claims {
		assert!(Checks::<Test>::contains_key(claim_id), "claim {claim_id} lost its check");
	}
	for (claim_id, check) in Checks::<Test>::iter() {
		assert!(Claims::<Test>::contains_key(claim_id), "check {claim_id} outlived its claim");
		if check.status.is_final() {
			assert_eq!(SegmentChecks::<Test>::iter_prefix(claim_id).count(), 0);
		}
	}
	for (claim_id, _, _) in SegmentChecks::<Test>::iter() {
		assert!(Checks::<Test>::contains_key(claim_id));
	}
	Verification::do_try_state().unwrap();
	Staking::do_try_state().unwrap();
}

fn pick<T: Clone>(items: &[T], index: u8) -> Option<T> {
	if items.is_empty() {
		None
	} else {
		Some(items[usize::from(index) % items.len()].clone())
	}
}

fn apply(op: Op) {
	let known = ClaimReceipts::get();
	// Failed calls are part of the test: they must change nothing, which the invariants check.
	match op {
		Op::Claim { gap, len } => {
			let Some(job) = JobsStorage::<Test>::get(0) else { return };
			let Some(assignment) = job.assignment else { return };
			let next = job.next_claimable_seq;
			let start = next + gap;
			let all = receipts(job.stream_id, assignment.transcoder, start, start + len);
			let claim_id = pallet_jobs::NextClaimId::<Test>::get();
			if Jobs::claim_work(
				RuntimeOrigin::signed(assignment.transcoder),
				0,
				start,
				start + len,
				merkle::root(&all).unwrap(),
			)
			.is_ok()
			{
				ClaimReceipts::mutate(|claims| claims.push((claim_id, start, all)));
			}
		},
		Op::Prove { claim, all, forge } => {
			let Some((claim_id, start, receipts)) = pick(&known, claim) else { return };
			let Some(check) = Checks::<Test>::get(claim_id) else { return };
			let wanted: Vec<u64> = check
				.challenges
				.iter()
				.filter(|challenge| challenge.status == crate::SegmentStatus::Challenged)
				.map(|challenge| challenge.seq)
				.take(if all { usize::MAX } else { 1 })
				.collect();
			let proofs: Vec<_> = wanted
				.iter()
				.map(|seq| {
					let index = (seq - start) as u32;
					let mut proof = merkle::proof(&receipts, index).unwrap();
					if forge {
						proof.leaf_count += 1;
					}
					(receipts[index as usize].clone(), proof)
				})
				.collect();
			let proofs: BoundedVec<_, _> = proofs.try_into().unwrap();
			let _ = Verification::submit_proofs(
				RuntimeOrigin::signed(check.transcoder),
				claim_id,
				proofs,
			);
		},
		Op::Vote { claim, member, ok } => {
			let Some((claim_id, ..)) = pick(&known, claim) else { return };
			let segments: Vec<_> = SegmentChecks::<Test>::iter_prefix(claim_id).collect();
			let Some((seq, segment)) = pick(&segments, member) else { return };
			let Some(voter) = pick(&segment.members, member / 7) else { return };
			let _ =
				Verification::submit_verdict(RuntimeOrigin::signed(voter.who), claim_id, seq, ok);
		},
		Op::Report { claim } => {
			let Some((claim_id, ..)) = pick(&known, claim) else { return };
			let _ = Verification::report_missed(RuntimeOrigin::signed(CHARLIE), claim_id);
		},
		Op::Activate { transcoder } => activate(TRANSCODERS[transcoder], STAKE, PRICE),
		Op::Advance { blocks } => {
			for _ in 0..blocks {
				next_block();
			}
		},
	}
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

	#[test]
	fn verification_conserves_olc(ops in prop::collection::vec(op(), 1..50)) {
		new_test_ext().execute_with(|| {
			let issuance = Balances::total_issuance();
			ClaimReceipts::take();
			activate(T1, STAKE, PRICE);
			frame_support::assert_ok!(Jobs::create_stream(
				RuntimeOrigin::signed(ALICE),
				b"s".to_vec().try_into().unwrap(),
				pair(ALICE).public()
			));
			let stream_id = pallet_jobs::Streams::<Test>::iter().next().unwrap().0;
			TheStream::set(stream_id);
			frame_support::assert_ok!(Jobs::create_job(
				RuntimeOrigin::signed(ALICE),
				stream_id,
				olc_primitives::default_ladder().try_into().unwrap(),
				PRICE,
				100_000,
			));
			next_block();
			for who in [T2, T3, T4] {
				activate(who, STAKE, PRICE);
			}
			check_invariants(issuance);
			for op in ops {
				apply(op);
				check_invariants(issuance);
			}
			// Wind down: every verification ends (proofs missed, committees decided by their
			// deadlines), every claim is settled.
			for _ in 0..(WINDOW + 2 * VERIFICATION_PERIOD + 4 * VERDICT_PERIOD) {
				next_block();
				check_invariants(issuance);
			}
			for (claim_id, ..) in ClaimReceipts::get() {
				let _ = Jobs::distribute_fees(RuntimeOrigin::signed(CHARLIE), claim_id);
			}
			check_invariants(issuance);
			prop_assert_eq!(Claims::<Test>::iter().count(), 0);
			prop_assert_eq!(Checks::<Test>::iter().count(), 0);
			prop_assert_eq!(SegmentChecks::<Test>::iter().count(), 0);
			prop_assert_eq!(crate::Exposures::<Test>::iter().count(), 0);
			prop_assert_eq!(Balances::balance_on_hold(&HoldReason::ClaimEscrow.into(), &ALICE), 0);
			let _ = CheckStatus::Passed;
			Ok(())
		})?;
	}
}
