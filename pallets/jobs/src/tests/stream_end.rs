//! Ending and banning streams.

use super::*;

#[test]
fn end_stream_ends_its_jobs_and_allows_no_new_ones() {
	new_test_ext().execute_with(|| {
		let (stream_id, job_id) = assigned_job();
		let waiting = new_job(ALICE, stream_id, 1, 1_000);
		assert_noop!(
			Jobs::end_stream(RuntimeOrigin::signed(BOB), stream_id),
			Error::<Test>::NotStreamOwner
		);
		assert_noop!(
			Jobs::end_stream(RuntimeOrigin::signed(ALICE), StreamId([0; 32])),
			Error::<Test>::UnknownStream
		);
		assert_ok!(Jobs::end_stream(RuntimeOrigin::signed(ALICE), stream_id));
		assert_eq!(job(job_id).status, JobStatus::Ended);
		assert_eq!(job(waiting).status, JobStatus::Ended);
		// All but the assigned transcoder's grace reservation (10 × 4 × 5).
		assert_eq!(free(ALICE), INITIAL - 200);
		let stream = Streams::<Test>::get(stream_id).unwrap();
		assert_eq!(stream.status, StreamStatus::Ended);
		assert!(stream.open_jobs.is_empty());
		assert!(events().contains(&Event::StreamEnded { stream_id }));
		assert!(events().contains(&Event::JobEnded {
			job_id: waiting,
			reason: EndReason::StreamEnded,
			released: 1_000
		}));
		assert_noop!(
			Jobs::create_job(RuntimeOrigin::signed(ALICE), stream_id, ladder(), 10, 1_000),
			Error::<Test>::StreamClosed
		);
		assert_noop!(
			Jobs::end_stream(RuntimeOrigin::signed(ALICE), stream_id),
			Error::<Test>::StreamClosed
		);
	});
}

#[test]
fn ban_stream_needs_the_ban_origin_and_ends_the_jobs() {
	new_test_ext().execute_with(|| {
		let (stream_id, job_id) = assigned_job();
		assert_noop!(Jobs::ban_stream(RuntimeOrigin::signed(ALICE), stream_id), BadOrigin);
		assert_ok!(Jobs::ban_stream(RuntimeOrigin::root(), stream_id));
		assert_eq!(Streams::<Test>::get(stream_id).unwrap().status, StreamStatus::Banned);
		assert_eq!(job(job_id).status, JobStatus::Ended);
		assert!(events().contains(&Event::JobEnded {
			job_id,
			reason: EndReason::StreamBanned,
			released: 9_800
		}));
		assert_noop!(
			Jobs::ban_stream(RuntimeOrigin::root(), stream_id),
			Error::<Test>::AlreadyBanned
		);
		assert_noop!(
			Jobs::ban_stream(RuntimeOrigin::root(), StreamId([0; 32])),
			Error::<Test>::UnknownStream
		);
		assert_noop!(
			Jobs::create_job(RuntimeOrigin::signed(ALICE), stream_id, ladder(), 10, 1_000),
			Error::<Test>::StreamClosed
		);
	});
}
