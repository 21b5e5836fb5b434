//! Benchmarks of pallet-verification: every call in its worst case and each kind of
//! `on_initialize` task (idle, issuing challenges after hashing `s` segments, drawing a committee
//! from `c` candidates, a committee deadline with every member silent and replaced from `c`
//! candidates, a proof deadline). Slashes and settlements go through the runtime's
//! pallet-staking-delegation and pallet-jobs; the callers add their weights
//! (`Slashing::slash_weight`, `distribute_fees`) on top.
#![allow(
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::arithmetic_side_effects,
	clippy::indexing_slicing
)]

use super::*;
use crate::pallet::{Checks, MemberOf, SegmentChecks};
use alloc::vec::Vec;
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, Get, Hooks},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use olc_primitives::{
	merkle, Profile, ReceiptBody, SegmentHeader, SignedSegmentHeader, StreamId, TranscodeReceipt,
};
use pallet_jobs::{BenchmarkHelper as _, ClaimId, JobId, Profiles};
use sp_runtime::traits::{One, Saturating};

type JobsPallet<T> = pallet_jobs::Pallet<T>;

fn price<T: Config>() -> BalanceOf<T> {
	<T as pallet_jobs::Config>::MinPricePerSegment::get().max(1u32.into())
}

fn profiles<T: Config>() -> Profiles {
	let count =
		<T as pallet_jobs::Config>::MaxProfilesPerJob::get().min(olc_primitives::MAX_PROFILES);
	(0..count)
		.map(|i| {
			let name = alloc::format!("p{i}");
			Profile::new(name.as_bytes(), 640, 360, 800, 30).unwrap()
		})
		.collect::<Vec<_>>()
		.try_into()
		.unwrap()
}

fn max_segments<T: Config>() -> u64 {
	<T as pallet_jobs::Config>::MaxSegmentsPerClaim::get()
		.max(u64::from(T::MaxSamplesPerBlock::get()))
		.max(u64::from(T::MaxProofs::get()))
}

fn deposit<T: Config>() -> BalanceOf<T> {
	JobsPallet::<T>::fee_for(max_segments::<T>() * 4, profiles::<T>().len(), price::<T>())
		.unwrap()
		.max(
			JobsPallet::<T>::fee_for(
				u64::from(<T as pallet_jobs::Config>::MinSegmentsCovered::get()).max(1) * 4,
				profiles::<T>().len(),
				price::<T>(),
			)
			.unwrap(),
		)
}

fn fund<T: Config>(who: &T::AccountId) {
	let plenty = deposit::<T>().saturating_mul(10u32.into());
	<T as pallet_jobs::Config>::Currency::set_balance(who, plenty);
}

fn next_block<T: Config>() -> BlockNumberFor<T> {
	let next = frame_system::Pallet::<T>::block_number() + One::one();
	frame_system::Pallet::<T>::set_block_number(next);
	next
}

/// A stream of a keyed broadcaster with a job assigned to a keyed transcoder (the only one
/// active at the election), and `verifiers` more active transcoders.
struct Setup<T: Config> {
	broadcaster: T::AccountId,
	transcoder: T::AccountId,
	stream_id: StreamId,
	job_id: JobId,
}

fn setup<T: Config>(verifiers: u32) -> Setup<T> {
	let broadcaster = <T as Config>::BenchmarkHelper::keyed_account(0);
	let transcoder = <T as Config>::BenchmarkHelper::keyed_account(1);
	fund::<T>(&broadcaster);
	fund::<T>(&transcoder);
	<T as pallet_jobs::Config>::BenchmarkHelper::activate_transcoder(
		&transcoder,
		deposit::<T>(),
		price::<T>(),
	);
	let nonce = pallet_jobs::NextStreamNonce::<T>::get();
	JobsPallet::<T>::create_stream(
		RawOrigin::Signed(broadcaster.clone()).into(),
		alloc::vec![b't'; 8].try_into().unwrap(),
		<T as Config>::Keys::public_key(&broadcaster).unwrap(),
	)
	.unwrap();
	let stream_id = StreamId(olc_primitives::blake2_256(
		&(pallet_jobs::STREAM_ID_CONTEXT, &broadcaster, nonce).encode(),
	));
	let job_id = pallet_jobs::NextJobId::<T>::get();
	JobsPallet::<T>::create_job(
		RawOrigin::Signed(broadcaster.clone()).into(),
		stream_id,
		profiles::<T>(),
		price::<T>(),
		deposit::<T>(),
	)
	.unwrap();
	// Assigned directly rather than elected: the benchmark must not depend on the directory's
	// other entries.
	let now = next_block::<T>();
	pallet_jobs::Jobs::<T>::mutate(job_id, |job| {
		let job = job.as_mut().unwrap();
		job.status = pallet_jobs::JobStatus::Assigned;
		job.assignment = Some(pallet_jobs::Assignment {
			transcoder: transcoder.clone(),
			price_per_segment: price::<T>(),
			service_uri: Default::default(),
			assigned_at: now,
		});
	});
	for index in 0..verifiers {
		let who: T::AccountId = account("verifier", index, 0);
		fund::<T>(&who);
		<T as pallet_jobs::Config>::BenchmarkHelper::activate_transcoder(
			&who,
			deposit::<T>(),
			price::<T>(),
		);
	}
	Setup { broadcaster, transcoder, stream_id, job_id }
}

fn receipt<T: Config>(setup: &Setup<T>, seq: u64) -> TranscodeReceipt {
	let header = SegmentHeader {
		stream_id: setup.stream_id,
		seq,
		duration_ms: 2_000,
		segment_hash: olc_primitives::blake2_256(&seq.encode()),
		broadcaster: T::Keys::public_key(&setup.broadcaster).unwrap(),
	};
	let signature =
		<T as Config>::BenchmarkHelper::sign(&setup.broadcaster, &header.signing_payload());
	let outputs = (0..profiles::<T>().len() as u64)
		.map(|i| olc_primitives::blake2_256(&(seq, i).encode()))
		.collect::<Vec<_>>();
	let body = ReceiptBody {
		segment: SignedSegmentHeader { header, signature },
		output_hashes: outputs.try_into().unwrap(),
		transcoder: T::Keys::public_key(&setup.transcoder).unwrap(),
	};
	let transcoder_signature =
		<T as Config>::BenchmarkHelper::sign(&setup.transcoder, &body.signing_payload());
	TranscodeReceipt { body, transcoder_signature }
}

/// A claim of `segments` segments with the given root.
fn claim<T: Config>(setup: &Setup<T>, segments: u64, root: [u8; 32]) -> ClaimId {
	let start = pallet_jobs::Jobs::<T>::get(setup.job_id).unwrap().next_claimable_seq;
	let claim_id = pallet_jobs::NextClaimId::<T>::get();
	JobsPallet::<T>::claim_work(
		RawOrigin::Signed(setup.transcoder.clone()).into(),
		setup.job_id,
		start,
		start + segments - 1,
		root,
	)
	.unwrap();
	claim_id
}

/// Sets a claim's challenges to its first `count` segments, due by `deadline`.
fn challenge<T: Config>(
	claim_id: ClaimId,
	count: u32,
	status: SegmentStatus,
	deadline: BlockNumberFor<T>,
) -> Vec<u64> {
	let start = pallet_jobs::Claims::<T>::get(claim_id).unwrap().start_seq;
	let seqs: Vec<u64> = (0..u64::from(count)).map(|i| start + i).collect();
	let mut check = Checks::<T>::get(claim_id).unwrap();
	check.challenges = seqs
		.iter()
		.map(|seq| Challenge { seq: *seq, status })
		.collect::<Vec<_>>()
		.try_into()
		.unwrap();
	check.status = if status == SegmentStatus::Challenged {
		CheckStatus::AwaitingProofs
	} else {
		CheckStatus::AwaitingVerdicts
	};
	check.proof_deadline = Some(deadline);
	Checks::<T>::insert(claim_id, check);
	seqs
}

/// Committees of `verifiers` (the first ones) with the given votes on each of `seqs`; the seats
/// without a vote count as exposures, as when drawn.
fn committees<T: Config>(
	claim_id: ClaimId,
	seqs: &[u64],
	votes: &[Option<bool>],
	deadline: BlockNumberFor<T>,
) {
	let members: Vec<MemberOf<T>> = votes
		.iter()
		.enumerate()
		.map(|(index, vote)| CommitteeMember {
			who: account("verifier", index as u32, 0),
			stake: deposit::<T>(),
			vote: *vote,
		})
		.collect();
	for seq in seqs {
		SegmentChecks::<T>::insert(
			claim_id,
			seq,
			SegmentCheck {
				input_hash: [1; 32],
				output_hashes: alloc::vec![[2; 32]; profiles::<T>().len()].try_into().unwrap(),
				members: members.clone().try_into().unwrap(),
				replaced: Default::default(),
				round: 0,
				deadline,
			},
		);
		for member in members.iter().filter(|member| member.vote.is_none()) {
			Pallet::<T>::expose(&member.who);
		}
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	// `p` valid proofs: two sr25519 verifications and a Merkle proof each.
	#[benchmark]
	fn submit_proofs(p: Linear<1, { T::MaxProofs::get() }>) {
		let setup = setup::<T>(0);
		let segments = u64::from(T::MaxProofs::get());
		let start = pallet_jobs::Jobs::<T>::get(setup.job_id).unwrap().next_claimable_seq;
		let receipts: Vec<TranscodeReceipt> =
			(0..segments).map(|i| receipt::<T>(&setup, start + i)).collect();
		let claim_id = claim::<T>(&setup, segments, merkle::root(&receipts).unwrap());
		let now = frame_system::Pallet::<T>::block_number();
		let seqs = challenge::<T>(
			claim_id,
			T::MaxProofs::get(),
			SegmentStatus::Challenged,
			now + T::VerificationPeriod::get(),
		);
		let proofs: BoundedVec<_, T::MaxProofs> = (0..p)
			.map(|i| (receipts[i as usize].clone(), merkle::proof(&receipts, i).unwrap()))
			.collect::<Vec<_>>()
			.try_into()
			.unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(setup.transcoder), claim_id, proofs);

		assert!(SegmentChecks::<T>::contains_key(claim_id, seqs[p as usize - 1]));
	}

	// The deciding vote fails the claim: the other segments' checks are dropped, releasing all
	// their silent members.
	#[benchmark]
	fn submit_verdict() {
		let verifiers = T::VerifiersPerSegment::get();
		let setup = setup::<T>(verifiers);
		let claim_id = claim::<T>(&setup, u64::from(T::MaxProofs::get()), [0; 32]);
		let now = frame_system::Pallet::<T>::block_number();
		let seqs = challenge::<T>(claim_id, T::MaxProofs::get(), SegmentStatus::UnderReview, now);
		// All but the last member voted `false`; the last vote completes the committee.
		let mut votes: Vec<Option<bool>> = (1..verifiers).map(|_| Some(false)).collect();
		votes.push(None);
		let deadline = now + T::VerdictPeriod::get();
		committees::<T>(claim_id, &seqs[..1], &votes, deadline);
		let silent: Vec<Option<bool>> = (0..verifiers).map(|_| None).collect();
		committees::<T>(claim_id, &seqs[1..], &silent, deadline);
		let voter: T::AccountId = account("verifier", verifiers - 1, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(voter), claim_id, seqs[0], false);

		assert_eq!(Checks::<T>::get(claim_id).unwrap().status, CheckStatus::Failed);
	}

	// A missed claim with every segment check to drop.
	#[benchmark]
	fn report_missed() {
		let setup = setup::<T>(T::VerifiersPerSegment::get());
		let claim_id = claim::<T>(&setup, u64::from(T::MaxProofs::get()), [0; 32]);
		let now = frame_system::Pallet::<T>::block_number();
		let seqs = challenge::<T>(claim_id, T::MaxProofs::get(), SegmentStatus::Challenged, now);
		let votes: Vec<Option<bool>> = (0..T::VerifiersPerSegment::get()).map(|_| None).collect();
		committees::<T>(claim_id, &seqs, &votes, now);
		next_block::<T>();
		let finder: T::AccountId = account("finder", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(finder), claim_id);

		assert_eq!(Checks::<T>::get(claim_id).unwrap().status, CheckStatus::Missed);
	}

	// Nothing due.
	#[benchmark]
	fn on_initialize_idle() {
		let now = next_block::<T>();

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}
	}

	// One claim of `s` segments scanned and issued.
	#[benchmark]
	fn on_initialize_issue(s: Linear<1, { T::MaxSamplesPerBlock::get() }>) {
		let setup = setup::<T>(0);
		let segments =
			u64::from(s).min(<T as pallet_jobs::Config>::MaxSegmentsPerClaim::get()).max(1);
		let claim_id = claim::<T>(&setup, segments, [0; 32]);
		next_block::<T>();
		let now = next_block::<T>();

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert_eq!(Checks::<T>::get(claim_id).unwrap().status, CheckStatus::AwaitingProofs);
	}

	// A committee drawn from `c` active transcoders.
	#[benchmark]
	fn on_initialize_draw(c: Linear<1, { <T as pallet_jobs::Config>::MaxCandidates::get() - 1 }>) {
		let setup = setup::<T>(c);
		let claim_id = claim::<T>(&setup, u64::from(T::MaxProofs::get()), [0; 32]);
		let now = frame_system::Pallet::<T>::block_number();
		let seqs = challenge::<T>(claim_id, T::MaxProofs::get(), SegmentStatus::Proven, now);
		committees::<T>(claim_id, &seqs, &[], now);
		Pallet::<T>::push_task(TaskQueue::Draw, QueuedTask { claim_id, seq: seqs[0], due: now })
			.unwrap();
		let now = next_block::<T>();

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert!(!SegmentChecks::<T>::get(claim_id, seqs[0]).unwrap().members.is_empty());
	}

	// A committee whose members all stayed silent: slashed and replaced from `c` candidates.
	#[benchmark]
	fn on_initialize_verdict_deadline(
		c: Linear<1, { <T as pallet_jobs::Config>::MaxCandidates::get() - 1 }>,
	) {
		let verifiers = T::VerifiersPerSegment::get();
		let setup = setup::<T>(c.max(verifiers));
		let claim_id = claim::<T>(&setup, u64::from(T::MaxProofs::get()), [0; 32]);
		let now = frame_system::Pallet::<T>::block_number();
		let seqs = challenge::<T>(claim_id, T::MaxProofs::get(), SegmentStatus::UnderReview, now);
		let silent: Vec<Option<bool>> = (0..verifiers).map(|_| None).collect();
		committees::<T>(claim_id, &seqs, &silent, now);
		let due = now + One::one();
		Pallet::<T>::push_task(
			TaskQueue::VerdictDeadline,
			QueuedTask { claim_id, seq: seqs[0], due },
		)
		.unwrap();
		let now = next_block::<T>();

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert!(SegmentChecks::<T>::get(claim_id, seqs[0]).is_none_or(|check| check.round == 1));
	}

	// A claim whose proofs were missed, with every segment check to drop.
	#[benchmark]
	fn on_initialize_proof_deadline() {
		let setup = setup::<T>(T::VerifiersPerSegment::get());
		let claim_id = claim::<T>(&setup, u64::from(T::MaxProofs::get()), [0; 32]);
		let now = frame_system::Pallet::<T>::block_number();
		let seqs = challenge::<T>(claim_id, T::MaxProofs::get(), SegmentStatus::Challenged, now);
		let votes: Vec<Option<bool>> = (0..T::VerifiersPerSegment::get()).map(|_| None).collect();
		committees::<T>(claim_id, &seqs, &votes, now);
		let due = now + One::one();
		Pallet::<T>::push_task(TaskQueue::ProofDeadline, QueuedTask { claim_id, seq: 0, due })
			.unwrap();
		let now = next_block::<T>();

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert_eq!(Checks::<T>::get(claim_id).unwrap().status, CheckStatus::Missed);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
