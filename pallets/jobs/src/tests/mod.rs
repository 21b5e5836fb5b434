//! Unit tests of pallet-jobs.
//!
//! One file per topic; the helpers they share are here.

mod bans;
mod claims;
mod create_job;
mod election;
mod job_end;
mod payouts;
mod re_election;
mod retention;
mod stream_end;
mod streams;
mod views;

use crate::{
	mock::*, select_weighted, ClaimId, Claims, DeferReason, ElectionBounds, ElectionQueue,
	EndReason, Error, Event, HoldReason, JobClaims, JobId, JobStatus, Profiles, StreamStatus,
	StreamTitle, Streams, TranscoderJobs, Verdict,
};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	dispatch::GetDispatchInfo,
	traits::{fungible::InspectHold, Hooks},
};
use olc_primitives::{default_ladder, Profile, StreamId};
use sp_runtime::{traits::BadOrigin, BoundedVec};

/// A valid segment key (the tests of this pallet sign no segments).
fn key() -> sp_core::sr25519::Public {
	crate::insecure_segment_key()
}

fn title(s: &str) -> StreamTitle {
	s.as_bytes().to_vec().try_into().unwrap()
}
fn ladder() -> Profiles {
	default_ladder().try_into().unwrap()
}
fn one_profile() -> Profiles {
	vec![Profile::new(b"360p", 640, 360, 800, 30).unwrap()].try_into().unwrap()
}
fn held_deposit(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::JobDeposit.into(), &who)
}
fn held_escrow(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::ClaimEscrow.into(), &who)
}
fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}
fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Jobs(event) => Some(event),
			_ => None,
		})
		.collect()
}
fn new_stream(owner: u64) -> StreamId {
	assert_ok!(Jobs::create_stream(RuntimeOrigin::signed(owner), title("my stream"), key()));
	events()
		.into_iter()
		.rev()
		.find_map(|event| match event {
			Event::StreamCreated { stream_id, .. } => Some(stream_id),
			_ => None,
		})
		.unwrap()
}
/// Creates a job with the 4-profile ladder and returns its id.
fn new_job(owner: u64, stream_id: StreamId, max_price: u64, deposit: u64) -> JobId {
	let job_id = crate::NextJobId::<Test>::get();
	assert_ok!(Jobs::create_job(
		RuntimeOrigin::signed(owner),
		stream_id,
		ladder(),
		max_price,
		deposit
	));
	job_id
}
fn job(job_id: JobId) -> crate::JobOf<Test> {
	crate::Jobs::<Test>::get(job_id).unwrap()
}
fn assigned(job_id: JobId) -> Option<u64> {
	job(job_id).assignment.map(|a| a.transcoder)
}
/// Stream of ALICE with one job (max price 10, deposit 10_000) assigned to T1 (price 5).
fn assigned_job() -> (StreamId, JobId) {
	activate(T1, 100, 5);
	let stream_id = new_stream(ALICE);
	let job_id = new_job(ALICE, stream_id, 10, 10_000);
	run_to_block(2);
	assert_eq!(assigned(job_id), Some(T1));
	(stream_id, job_id)
}
