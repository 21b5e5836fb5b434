//! Banned broadcasters (pallet-reporting).

use super::*;

#[test]
fn banned_broadcasters_cannot_create_streams_or_jobs() {
	new_test_ext().execute_with(|| {
		let stream_id = new_stream(ALICE);
		BannedList::set(vec![ALICE]);
		assert_noop!(
			Jobs::create_stream(RuntimeOrigin::signed(ALICE), title("again"), key()),
			Error::<Test>::BroadcasterBanned
		);
		assert_noop!(
			Jobs::create_job(RuntimeOrigin::signed(ALICE), stream_id, ladder(), 10, 1_000),
			Error::<Test>::BroadcasterBanned
		);
		// Others are not affected.
		let bobs = new_stream(BOB);
		new_job(BOB, bobs, 10, 1_000);
	});
}

#[test]
fn ban_broadcaster_bans_its_open_streams_and_ends_their_jobs() {
	new_test_ext().execute_with(|| {
		let (stream_id, job_id) = assigned_job();
		let waiting = new_job(ALICE, stream_id, 1, 1_000);
		let idle = new_stream(ALICE);
		let ended = new_stream(ALICE);
		assert_ok!(Jobs::end_stream(RuntimeOrigin::signed(ALICE), ended));
		let bobs = new_stream(BOB);
		let bobs_job = new_job(BOB, bobs, 10, 1_000);
		assert_eq!(crate::OwnerStreams::<Test>::get(ALICE).to_vec(), vec![stream_id, idle]);
		assert_eq!(held_deposit(ALICE), 11_000);

		let weight = Jobs::ban_broadcaster(&ALICE);
		assert!(weight.all_lte(Jobs::ban_broadcaster_weight()));
		assert_eq!(Streams::<Test>::get(stream_id).unwrap().status, StreamStatus::Banned);
		assert_eq!(Streams::<Test>::get(idle).unwrap().status, StreamStatus::Banned);
		assert_eq!(Streams::<Test>::get(ended).unwrap().status, StreamStatus::Ended);
		assert_eq!(job(job_id).status, JobStatus::Ended);
		assert_eq!(job(waiting).status, JobStatus::Ended);
		// The deposits are back in the free balance (for pallet-reporting to confiscate), but
		// for the assigned transcoder's grace reservation: its work was done.
		assert_eq!(held_deposit(ALICE), 200);
		assert_eq!(free(ALICE), INITIAL - 200);
		assert!(events().contains(&Event::StreamBanned { stream_id }));
		assert!(events().contains(&Event::StreamBanned { stream_id: idle }));
		assert!(crate::OwnerStreams::<Test>::get(ALICE).is_empty());
		assert!(TranscoderJobs::<Test>::get(T1).is_empty());
		// BOB's stream and job are untouched.
		assert_eq!(Streams::<Test>::get(bobs).unwrap().status, StreamStatus::Live);
		assert_ne!(job(bobs_job).status, JobStatus::Ended);
		// A second ban finds nothing left.
		Jobs::ban_broadcaster(&ALICE);
		assert_eq!(free(ALICE), INITIAL - 200);
	});
}

#[test]
fn open_streams_per_owner_are_bounded_and_ending_frees_a_slot() {
	new_test_ext().execute_with(|| {
		let streams: Vec<StreamId> =
			(0..crate::MAX_OPEN_STREAMS_PER_OWNER).map(|_| new_stream(ALICE)).collect();
		assert_noop!(
			Jobs::create_stream(RuntimeOrigin::signed(ALICE), title("one more"), key()),
			Error::<Test>::TooManyOpenStreams
		);
		assert_ok!(Jobs::end_stream(RuntimeOrigin::signed(ALICE), streams[0]));
		assert_ok!(Jobs::ban_stream(RuntimeOrigin::root(), streams[1]));
		new_stream(ALICE);
		new_stream(ALICE);
		assert_noop!(
			Jobs::create_stream(RuntimeOrigin::signed(ALICE), title("one more"), key()),
			Error::<Test>::TooManyOpenStreams
		);
	});
}
