//! Creating jobs: deposits, inputs and bounds.

use super::*;

#[test]
fn create_job_holds_the_deposit_makes_the_stream_live_and_queues_an_election() {
	new_test_ext().execute_with(|| {
		let stream_id = new_stream(ALICE);
		let job_id = new_job(ALICE, stream_id, 10, 400);
		assert_eq!(held_deposit(ALICE), 400);
		assert_eq!(free(ALICE), INITIAL - 400);
		let stored = job(job_id);
		assert_eq!(stored.status, JobStatus::AwaitingTranscoder);
		assert_eq!(stored.deposit, 400);
		assert_eq!(stored.expires_at, 1 + JOB_LIFETIME);
		let stream = Streams::<Test>::get(stream_id).unwrap();
		assert_eq!(stream.status, StreamStatus::Live);
		assert_eq!(stream.open_jobs.to_vec(), vec![job_id]);
		assert_eq!(ElectionBounds::<Test>::get(ElectionQueue::Fresh).tail, 1);
		assert!(events()
			.contains(&Event::StreamStatusChanged { stream_id, status: StreamStatus::Live }));
		assert_eq!(
			events().last(),
			Some(&Event::JobCreated {
				job_id,
				stream_id,
				broadcaster: ALICE,
				max_price_per_segment: 10,
				deposit: 400,
				expires_at: 1 + JOB_LIFETIME,
			})
		);
	});
}

#[test]
fn create_job_deposit_must_cover_min_segments_for_all_profiles() {
	new_test_ext().execute_with(|| {
		let stream_id = new_stream(ALICE);
		// 10 segments × 4 profiles × price 10 = 400.
		let required = u64::from(MIN_SEGMENTS_COVERED) * 4 * 10;
		assert_noop!(
			Jobs::create_job(RuntimeOrigin::signed(ALICE), stream_id, ladder(), 10, required - 1),
			Error::<Test>::DepositTooSmall
		);
		assert_ok!(Jobs::create_job(
			RuntimeOrigin::signed(ALICE),
			stream_id,
			ladder(),
			10,
			required
		));
		assert_noop!(
			Jobs::create_job(RuntimeOrigin::signed(ALICE), stream_id, ladder(), u64::MAX, u64::MAX),
			Error::<Test>::Overflow
		);
	});
}

#[test]
fn create_job_rejects_bad_inputs_with_named_errors() {
	new_test_ext().execute_with(|| {
		let stream_id = new_stream(ALICE);
		let create = |who: u64, stream: StreamId, profiles: Profiles, price: u64, deposit: u64| {
			Jobs::create_job(RuntimeOrigin::signed(who), stream, profiles, price, deposit)
		};
		assert_noop!(
			create(ALICE, StreamId([9; 32]), ladder(), 10, 1_000),
			Error::<Test>::UnknownStream
		);
		assert_noop!(create(BOB, stream_id, ladder(), 10, 1_000), Error::<Test>::NotStreamOwner);
		assert_noop!(
			create(ALICE, stream_id, BoundedVec::new(), 10, 1_000),
			Error::<Test>::NoProfiles
		);
		let with = |width: u32, height: u32, bitrate: u32, fps: u32, name: &[u8]| -> Profiles {
			vec![olc_primitives::Profile {
				name: name.to_vec().try_into().unwrap(),
				width,
				height,
				bitrate_kbps: bitrate,
				fps,
			}]
			.try_into()
			.unwrap()
		};
		assert_noop!(
			create(ALICE, stream_id, with(0, 360, 800, 30, b"p"), 10, 1_000),
			Error::<Test>::ZeroResolution
		);
		assert_noop!(
			create(ALICE, stream_id, with(640, 0, 800, 30, b"p"), 10, 1_000),
			Error::<Test>::ZeroResolution
		);
		assert_noop!(
			create(ALICE, stream_id, with(641, 360, 800, 30, b"p"), 10, 1_000),
			Error::<Test>::OddResolution
		);
		assert_noop!(
			create(ALICE, stream_id, with(640, 360, 800, 30, b""), 10, 1_000),
			Error::<Test>::EmptyProfileName
		);
		assert_noop!(
			create(ALICE, stream_id, with(640, 360, 0, 30, b"p"), 10, 1_000),
			Error::<Test>::ZeroBitrate
		);
		assert_noop!(
			create(ALICE, stream_id, with(640, 360, 800, 0, b"p"), 10, 1_000),
			Error::<Test>::ZeroFps
		);
		let mut duplicate = default_ladder();
		duplicate[3].name = duplicate[0].name.clone();
		assert_noop!(
			create(ALICE, stream_id, duplicate.try_into().unwrap(), 10, 1_000),
			Error::<Test>::DuplicateProfile
		);
		assert_noop!(create(ALICE, stream_id, ladder(), 0, 1_000), Error::<Test>::PriceTooLow);
		assert_noop!(create(ALICE, stream_id, ladder(), 10, 0), Error::<Test>::DepositTooSmall);
		let charlies = new_stream(CHARLIE);
		assert_noop!(
			create(CHARLIE, charlies, one_profile(), 10, 100),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn create_job_rejects_more_profiles_than_configured() {
	new_test_ext().execute_with(|| {
		let stream_id = new_stream(ALICE);
		MaxProfilesPerJob::set(3);
		assert_noop!(
			Jobs::create_job(RuntimeOrigin::signed(ALICE), stream_id, ladder(), 10, 1_000),
			Error::<Test>::TooManyProfiles
		);
		let three: Profiles = default_ladder()[..3].to_vec().try_into().unwrap();
		assert_ok!(Jobs::create_job(RuntimeOrigin::signed(ALICE), stream_id, three, 10, 1_000));
	});
}

#[test]
fn the_configuration_passes_the_integrity_test() {
	new_test_ext().execute_with(|| {
		<Jobs as Hooks<u64>>::integrity_test();
	});
}

#[test]
fn a_stream_has_at_most_four_open_jobs() {
	new_test_ext().execute_with(|| {
		let stream_id = new_stream(ALICE);
		for _ in 0..crate::MAX_OPEN_JOBS_PER_STREAM {
			new_job(ALICE, stream_id, 10, 400);
		}
		assert_noop!(
			Jobs::create_job(RuntimeOrigin::signed(ALICE), stream_id, ladder(), 10, 400),
			Error::<Test>::TooManyOpenJobs
		);
	});
}
