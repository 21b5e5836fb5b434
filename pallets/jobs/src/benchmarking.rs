//! Benchmarks of pallet-jobs: every call in its worst case and the hooks (idle, one election
//! with `c` candidates, one automatic payout, the re-election of `j` jobs, the removal of an
//! ended job or stream).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::arithmetic_side_effects)]

use super::*;
use crate::pallet::{
	Claims, Jobs, NextClaimId, NextJobId, NextStreamNonce, Streams, TranscoderJobs,
};
use alloc::vec::Vec;
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get, Hooks,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use olc_primitives::{Profile, StreamId};
use sp_runtime::{traits::One, Saturating};

fn price<T: Config>() -> BalanceOf<T> {
	T::MinPricePerSegment::get().max(1u32.into())
}

fn profiles<T: Config>() -> Profiles {
	let count = T::MaxProfilesPerJob::get().min(olc_primitives::MAX_PROFILES);
	(0..count)
		.map(|i| {
			let name = alloc::format!("p{i}");
			Profile::new(name.as_bytes(), 640, 360, 800, 30).unwrap()
		})
		.collect::<Vec<_>>()
		.try_into()
		.unwrap()
}

/// A deposit for 1,000 times the minimum coverage.
fn deposit<T: Config>() -> BalanceOf<T> {
	Pallet::<T>::fee_for(
		u64::from(T::MinSegmentsCovered::get()).max(1) * 1_000,
		profiles::<T>().len(),
		price::<T>(),
	)
	.unwrap()
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let plenty = deposit::<T>()
		.saturating_mul(100u32.into())
		.saturating_add(T::Currency::minimum_balance().saturating_mul(100u32.into()));
	T::Currency::set_balance(&who, plenty);
	who
}

fn new_stream<T: Config>(owner: &T::AccountId) -> StreamId {
	let nonce = NextStreamNonce::<T>::get();
	let title: StreamTitle = alloc::vec![b't'; MAX_TITLE_LEN as usize].try_into().unwrap();
	Pallet::<T>::create_stream(
		RawOrigin::Signed(owner.clone()).into(),
		title,
		insecure_segment_key(),
	)
	.unwrap();
	StreamId(olc_primitives::blake2_256(&(STREAM_ID_CONTEXT, owner, nonce).encode()))
}

fn new_job<T: Config>(owner: &T::AccountId, stream_id: StreamId) -> JobId {
	let job_id = NextJobId::<T>::get();
	Pallet::<T>::create_job(
		RawOrigin::Signed(owner.clone()).into(),
		stream_id,
		profiles::<T>(),
		price::<T>(),
		deposit::<T>(),
	)
	.unwrap();
	job_id
}

fn transcoder<T: Config>(index: u32) -> T::AccountId {
	let who = funded::<T>("transcoder", index);
	T::BenchmarkHelper::activate_transcoder(&who, deposit::<T>(), price::<T>());
	who
}

fn next_block<T: Config>() -> BlockNumberFor<T> {
	let next = frame_system::Pallet::<T>::block_number() + One::one();
	frame_system::Pallet::<T>::set_block_number(next);
	next
}

/// Runs the elections due now and returns the transcoder of `job_id`.
fn elect<T: Config>(job_id: JobId) -> T::AccountId {
	let now = next_block::<T>();
	Pallet::<T>::run_elections(now);
	Jobs::<T>::get(job_id).unwrap().assignment.unwrap().transcoder
}

/// A broadcaster with a stream and an assigned job.
fn assigned_job<T: Config>() -> (T::AccountId, StreamId, JobId, T::AccountId) {
	let worker = transcoder::<T>(0);
	let broadcaster = funded::<T>("broadcaster", 0);
	let stream_id = new_stream::<T>(&broadcaster);
	let job_id = new_job::<T>(&broadcaster, stream_id);
	let elected = elect::<T>(job_id);
	assert_eq!(elected, worker);
	(broadcaster, stream_id, job_id, worker)
}

/// A claim of `assigned_job`, payable now.
fn payable_claim<T: Config>() -> (ClaimId, T::AccountId) {
	let (_, _, job_id, worker) = assigned_job::<T>();
	let claim_id = NextClaimId::<T>::get();
	Pallet::<T>::claim_work(RawOrigin::Signed(worker.clone()).into(), job_id, 0, 9, [1; 32])
		.unwrap();
	T::BenchmarkHelper::make_payable(claim_id);
	let payable_at = Claims::<T>::get(claim_id).unwrap().payable_at;
	frame_system::Pallet::<T>::set_block_number(payable_at);
	(claim_id, worker)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_stream() {
		let owner = funded::<T>("broadcaster", 0);
		let title: StreamTitle = alloc::vec![b't'; MAX_TITLE_LEN as usize].try_into().unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), title, insecure_segment_key());

		assert_eq!(Streams::<T>::iter().count(), 1);
	}

	// Every profile (validation and duplicate check are quadratic in them).
	#[benchmark]
	fn create_job() {
		let owner = funded::<T>("broadcaster", 0);
		let stream_id = new_stream::<T>(&owner);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			stream_id,
			profiles::<T>(),
			price::<T>(),
			deposit::<T>(),
		);

		assert!(Jobs::<T>::contains_key(0));
	}

	#[benchmark]
	fn cancel_job() {
		let owner = funded::<T>("broadcaster", 0);
		let stream_id = new_stream::<T>(&owner);
		let job_id = new_job::<T>(&owner, stream_id);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), job_id);

		assert_eq!(Jobs::<T>::get(job_id).unwrap().status, JobStatus::Ended);
	}

	#[benchmark]
	fn top_up() {
		let (owner, _, job_id, _) = assigned_job::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), job_id, price::<T>());

		assert_eq!(Jobs::<T>::get(job_id).unwrap().deposit, deposit::<T>() + price::<T>());
	}

	// An assigned job (its transcoder's job list is updated) ended by someone else after expiry.
	#[benchmark]
	fn end_job() {
		let (_, _, job_id, _) = assigned_job::<T>();
		let caller = funded::<T>("caller", 0);
		let expires_at = Jobs::<T>::get(job_id).unwrap().expires_at;
		frame_system::Pallet::<T>::set_block_number(expires_at + One::one());

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), job_id);

		assert_eq!(Jobs::<T>::get(job_id).unwrap().status, JobStatus::Ended);
	}

	#[benchmark]
	fn claim_work() {
		let (_, _, job_id, worker) = assigned_job::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(worker), job_id, 0, 9, [1; 32]);

		assert!(Claims::<T>::contains_key(0));
	}

	#[benchmark]
	fn distribute_fees() {
		let (claim_id, _) = payable_claim::<T>();
		let caller = funded::<T>("caller", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), claim_id);

		assert!(!Claims::<T>::contains_key(claim_id));
	}

	// `j` assigned jobs to end.
	#[benchmark]
	fn end_stream(j: Linear<0, MAX_OPEN_JOBS_PER_STREAM>) {
		let _worker = transcoder::<T>(0);
		let owner = funded::<T>("broadcaster", 0);
		let stream_id = new_stream::<T>(&owner);
		let jobs: Vec<JobId> = (0..j).map(|_| new_job::<T>(&owner, stream_id)).collect();
		let now = next_block::<T>();
		Pallet::<T>::run_elections(now);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), stream_id);

		for job_id in jobs {
			assert_eq!(Jobs::<T>::get(job_id).unwrap().status, JobStatus::Ended);
		}
	}

	#[benchmark]
	fn ban_stream(j: Linear<0, MAX_OPEN_JOBS_PER_STREAM>) -> Result<(), BenchmarkError> {
		let _worker = transcoder::<T>(0);
		let owner = funded::<T>("broadcaster", 0);
		let stream_id = new_stream::<T>(&owner);
		let jobs: Vec<JobId> = (0..j).map(|_| new_job::<T>(&owner, stream_id)).collect();
		let now = next_block::<T>();
		Pallet::<T>::run_elections(now);
		let origin =
			T::BanOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, stream_id);

		assert_eq!(Streams::<T>::get(stream_id).unwrap().status, StreamStatus::Banned);
		for job_id in jobs {
			assert_eq!(Jobs::<T>::get(job_id).unwrap().status, JobStatus::Ended);
		}
		Ok(())
	}

	#[benchmark]
	fn on_initialize_idle() {
		let now = next_block::<T>();

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}
	}

	// One election among `c` candidates, all eligible.
	#[benchmark]
	fn on_initialize_election(c: Linear<1, { T::MaxCandidates::get() }>) {
		for index in 0..c {
			transcoder::<T>(index);
		}
		let owner = funded::<T>("broadcaster", 0);
		let stream_id = new_stream::<T>(&owner);
		let job_id = new_job::<T>(&owner, stream_id);
		let now = next_block::<T>();

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert_eq!(Jobs::<T>::get(job_id).unwrap().status, JobStatus::Assigned);
	}

	// One claim paid through the runtime's fee crediting.
	#[benchmark]
	fn on_initialize_payout() {
		let (claim_id, _) = payable_claim::<T>();
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert!(!Claims::<T>::contains_key(claim_id));
	}

	// One grace period ends on an ended job: its reservation is released to the broadcaster.
	#[benchmark]
	fn on_initialize_grace_expiry() {
		let (broadcaster, _, job_id, worker) = assigned_job::<T>();
		Pallet::<T>::end_job(RawOrigin::Signed(broadcaster).into(), job_id).unwrap();
		let until = Jobs::<T>::get(job_id).unwrap().grace_of(&worker).unwrap().until;
		let now = until + One::one();
		frame_system::Pallet::<T>::set_block_number(now);

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert!(Jobs::<T>::get(job_id).unwrap().graces.is_empty());
	}

	// `j` jobs of the deactivated transcoder go back to election.
	#[benchmark]
	fn on_transcoder_deactivated(j: Linear<0, { T::MaxJobsPerTranscoder::get() }>) {
		let worker = transcoder::<T>(0);
		for index in 0..j {
			let owner = funded::<T>("broadcaster", index);
			let stream_id = new_stream::<T>(&owner);
			new_job::<T>(&owner, stream_id);
		}
		// Elections are bounded per block: run blocks until all are assigned.
		while (TranscoderJobs::<T>::decode_len(&worker).unwrap_or(0) as u32) < j {
			let now = next_block::<T>();
			Pallet::<T>::run_elections(now);
		}

		#[block]
		{
			Pallet::<T>::on_transcoder_deactivated(&worker);
		}

		assert!(TranscoderJobs::<T>::get(&worker).is_empty());
	}

	// One due job leaves storage: it ended without a transcoder, so nothing refers to it.
	#[benchmark]
	fn on_idle_retire_job() {
		let owner = funded::<T>("broadcaster", 0);
		let stream_id = new_stream::<T>(&owner);
		let job_id = new_job::<T>(&owner, stream_id);
		Pallet::<T>::cancel_job(RawOrigin::Signed(owner).into(), job_id).unwrap();
		let now = frame_system::Pallet::<T>::block_number() + T::Retention::get();
		frame_system::Pallet::<T>::set_block_number(now);

		#[block]
		{
			Pallet::<T>::run_retention(now, frame_support::weights::Weight::MAX);
		}

		assert!(!Jobs::<T>::contains_key(job_id));
	}

	// One due stream leaves storage: it ended without jobs.
	#[benchmark]
	fn on_idle_retire_stream() {
		let owner = funded::<T>("broadcaster", 0);
		let stream_id = new_stream::<T>(&owner);
		Pallet::<T>::end_stream(RawOrigin::Signed(owner).into(), stream_id).unwrap();
		let now = frame_system::Pallet::<T>::block_number() + T::Retention::get();
		frame_system::Pallet::<T>::set_block_number(now);

		#[block]
		{
			Pallet::<T>::run_retention(now, frame_support::weights::Weight::MAX);
		}

		assert!(!Streams::<T>::contains_key(stream_id));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::raw_test_ext(), crate::mock::Test);
}
