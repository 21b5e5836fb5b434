//! Retention: ended jobs and streams leave storage after `Retention` blocks, once nothing
//! refers to them (issue 12, low item "Storage that only grows").

use super::*;
use frame_support::{
	traits::Get,
	weights::{RuntimeDbWeight, Weight},
};

/// Builds blocks up to `n`, each running `on_initialize` and then `on_idle` with the weight of
/// an otherwise empty block.
fn run_idle_to(n: u64) {
	while System::block_number() < n {
		run_to_block(System::block_number() + 1);
		Jobs::on_idle(System::block_number(), Weight::MAX);
	}
}

fn stored(stream_id: StreamId, job_id: JobId) -> (bool, bool, bool) {
	(
		crate::Jobs::<Test>::contains_key(job_id),
		crate::StreamJobs::<Test>::contains_key(stream_id, job_id),
		Streams::<Test>::contains_key(stream_id),
	)
}

#[test]
fn low_storage_growth_ended_jobs_and_streams_leave_storage_after_retention() {
	new_test_ext().execute_with(|| {
		let (stream_id, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		// A stream that ends without ever having a job.
		let empty = new_stream(ALICE);
		assert_ok!(Jobs::end_stream(RuntimeOrigin::signed(ALICE), empty));
		// An idle stream stays: it is not ended.
		let idle = new_stream(ALICE);
		assert_ok!(Jobs::end_stream(RuntimeOrigin::signed(ALICE), stream_id));
		let ended_at = System::block_number();

		// Within the retention period everything stays (the viewer page shows ended streams).
		run_idle_to(ended_at + RETENTION - 1);
		assert_eq!(stored(stream_id, job_id), (true, true, true));
		assert!(Streams::<Test>::contains_key(empty));

		run_idle_to(ended_at + RETENTION);
		assert_eq!(stored(stream_id, job_id), (false, false, false));
		assert!(!Streams::<Test>::contains_key(empty));
		assert!(events().contains(&Event::JobRemoved { job_id }));
		assert!(events().contains(&Event::StreamRemoved { stream_id }));
		assert!(events().contains(&Event::StreamRemoved { stream_id: empty }));
		assert!(Streams::<Test>::contains_key(idle));
		assert_eq!(crate::RetentionBounds::<Test>::get().head, 3);
	});
}

#[test]
fn low_storage_growth_jobs_with_unsettled_claims_or_grace_stay() {
	new_test_ext().execute_with(|| {
		let (stream_id, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		// The verifier holds the claim: it stays unsettled past the retention period.
		set_verdict(0, Verdict::Hold);
		assert_ok!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id));
		let ended_at = System::block_number();
		// T1 may claim its remaining work during the grace period.
		assert!(job(job_id).grace_of(&T1).is_some());
		run_idle_to(ended_at + GRACE);
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 10, 19, [2; 32]));
		set_verdict(1, Verdict::Hold);
		assert_ok!(Jobs::end_stream(RuntimeOrigin::signed(ALICE), stream_id));

		// Due, but the claims are not settled: the job, its index entry and the stream stay.
		run_idle_to(ended_at + RETENTION + 1);
		assert_eq!(stored(stream_id, job_id), (true, true, true));
		assert!(Claims::<Test>::contains_key(0));

		// Settled: removed one retention period after the entry was queued again.
		set_verdict(0, Verdict::Pay);
		set_verdict(1, Verdict::Pay);
		assert_ok!(Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 0));
		assert_ok!(Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 1));
		run_idle_to(ended_at + 3 * RETENTION + 2);
		assert_eq!(stored(stream_id, job_id), (false, false, false));
	});
}

#[test]
fn low_storage_growth_retention_is_metered_against_the_remaining_weight() {
	new_test_ext().execute_with(|| {
		let streams: Vec<StreamId> = (0..2).map(|_| new_stream(ALICE)).collect();
		for stream_id in &streams {
			assert_ok!(Jobs::end_stream(RuntimeOrigin::signed(ALICE), *stream_id));
		}
		let due = System::block_number() + RETENTION;
		run_to_block(due);
		let base =
			<<Test as frame_system::Config>::DbWeight as Get<RuntimeDbWeight>>::get().reads(1);
		let entry = Jobs::retention_entry_weight();
		// Less than one entry's weight: nothing happens and nothing is charged beyond the
		// cursor's read.
		assert_eq!(Jobs::on_idle(due, base + entry - Weight::from_parts(1, 0)), base);
		assert!(streams.iter().all(Streams::<Test>::contains_key));
		assert_eq!(Jobs::on_idle(due, Weight::zero()), Weight::zero());
		// Room for one entry: one stream goes, the other waits for the next block.
		assert_eq!(Jobs::on_idle(due, base + entry), base + entry);
		assert!(!Streams::<Test>::contains_key(streams[0]));
		assert!(Streams::<Test>::contains_key(streams[1]));
		assert_eq!(Jobs::on_idle(due, Weight::MAX), base + entry);
		assert!(!Streams::<Test>::contains_key(streams[1]));
	});
}
