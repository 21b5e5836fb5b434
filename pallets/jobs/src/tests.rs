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

// ---- streams ----

#[test]
fn create_stream_gives_the_signer_a_new_idle_stream() {
	new_test_ext().execute_with(|| {
		let first = new_stream(ALICE);
		let second = new_stream(ALICE);
		let bobs = new_stream(BOB);
		assert_ne!(first, second);
		assert_ne!(first, bobs);
		let stream = Streams::<Test>::get(first).unwrap();
		assert_eq!(stream.owner, ALICE);
		assert_eq!(stream.title, title("my stream"));
		assert_eq!(stream.status, StreamStatus::Idle);
		assert_eq!(Streams::<Test>::get(bobs).unwrap().owner, BOB);
		assert!(events().contains(&Event::StreamCreated {
			stream_id: bobs,
			owner: BOB,
			title: title("my stream"),
			segment_key: key(),
		}));
	});
}

#[test]
fn item8_create_stream_records_the_segment_key_and_refuses_keys_that_cannot_sign() {
	new_test_ext().execute_with(|| {
		use sp_core::Pair;
		// Any valid sr25519 key, not only the account's own: a broadcaster may sign segments with
		// a key of its encoder and keep its account key offline.
		let encoder = sp_core::sr25519::Pair::from_seed(&[7; 32]).public();
		assert_ok!(Jobs::create_stream(RuntimeOrigin::signed(ALICE), title("s"), encoder));
		let (_, stream) = Streams::<Test>::iter().next().unwrap();
		assert_eq!(stream.segment_key, encoder);
		// Not a Ristretto point (all 0xff), and the identity (whose signatures anyone forges).
		for bad in [[0xff; 32], [0; 32]] {
			assert_noop!(
				Jobs::create_stream(
					RuntimeOrigin::signed(ALICE),
					title("s"),
					sp_core::sr25519::Public::from_raw(bad)
				),
				Error::<Test>::InvalidSegmentKey
			);
		}
	});
}

#[test]
fn create_stream_requires_a_signed_origin() {
	new_test_ext().execute_with(|| {
		assert_noop!(Jobs::create_stream(RuntimeOrigin::none(), title("x"), key()), BadOrigin);
	});
}

#[test]
fn genesis_funds_the_payout_account_with_its_existential_deposit() {
	new_test_ext().execute_with(|| {
		assert_eq!(free(Jobs::payout_account()), EXISTENTIAL_DEPOSIT);
	});
}

// ---- create_job ----

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

// ---- election ----

#[test]
fn the_transcoder_is_elected_in_the_next_block_at_its_own_price() {
	new_test_ext().execute_with(|| {
		activate(T1, 100, 5);
		let stream_id = new_stream(ALICE);
		let job_id = new_job(ALICE, stream_id, 10, 1_000);
		assert_eq!(assigned(job_id), None);
		run_to_block(2);
		let stored = job(job_id);
		assert_eq!(stored.status, JobStatus::Assigned);
		let assignment = stored.assignment.unwrap();
		assert_eq!(assignment.transcoder, T1);
		assert_eq!(assignment.price_per_segment, 5);
		assert_eq!(assignment.service_uri, service_uri_of(T1));
		assert_eq!(assignment.assigned_at, 2);
		assert_eq!(TranscoderJobs::<Test>::get(T1).to_vec(), vec![job_id]);
		assert_eq!(
			events(),
			vec![Event::TranscoderAssigned {
				job_id,
				transcoder: T1,
				service_uri: service_uri_of(T1),
				price_per_segment: 5,
			}]
		);
	});
}

#[test]
fn the_election_skips_too_expensive_stakeless_and_full_transcoders() {
	new_test_ext().execute_with(|| {
		activate(T1, 1_000_000, 11); // above the max price of 10
		activate(T2, 0, 1); // no stake
		activate(T3, 1, 10); // eligible, tiny stake
		let stream_id = new_stream(ALICE);
		let job_id = new_job(ALICE, stream_id, 10, 1_000);
		run_to_block(2);
		assert_eq!(assigned(job_id), Some(T3));

		// T3 full: its next jobs cannot go to it.
		TranscoderJobs::<Test>::insert(T3, BoundedVec::truncate_from(vec![100, 101, 102, 103]));
		let other = new_stream(BOB);
		let waiting = new_job(BOB, other, 10, 1_000);
		run_to_block(3);
		assert_eq!(job(waiting).status, JobStatus::AwaitingTranscoder);
		assert!(events().contains(&Event::NoEligibleTranscoder {
			job_id: waiting,
			retry_at: 3 + RETRY_INTERVAL
		}));
	});
}

#[test]
fn without_eligible_transcoder_the_job_waits_and_is_retried_every_interval() {
	new_test_ext().execute_with(|| {
		let stream_id = new_stream(ALICE);
		let job_id = new_job(ALICE, stream_id, 10, 1_000);
		run_to_block(2);
		assert_eq!(
			events(),
			vec![Event::NoEligibleTranscoder { job_id, retry_at: 2 + RETRY_INTERVAL }]
		);
		activate(T1, 100, 10);
		run_to_block(2 + RETRY_INTERVAL - 1);
		assert_eq!(job(job_id).status, JobStatus::AwaitingTranscoder);
		run_to_block(2 + RETRY_INTERVAL);
		assert_eq!(assigned(job_id), Some(T1));
	});
}

/// Issue 12 item 4: create+cancel pairs do not delay other elections. A cancelled job's queue
/// entry is removed with it and its empty slot costs no election; skipping it costs one storage
/// read, far less than the two calls that made it.
#[test]
fn item4_cancelled_jobs_cost_no_election_slot() {
	new_test_ext().execute_with(|| {
		activate(T1, 100, 5);
		let spam = new_stream(BOB);
		let pairs = u64::from(MAX_ELECTIONS) * 10;
		for _ in 0..pairs {
			let job_id = new_job(BOB, spam, 1, 40);
			assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(BOB), job_id));
		}
		assert_eq!(crate::Elections::<Test>::iter().count(), 0);
		let stream_id = new_stream(ALICE);
		let honest = new_job(ALICE, stream_id, 10, 10_000);
		run_to_block(2);
		assert_eq!(assigned(honest), Some(T1), "elected in the next block despite the spam");
		let bounds = ElectionBounds::<Test>::get(ElectionQueue::Fresh);
		assert_eq!(bounds.head, bounds.tail);
		// The spam's cost to the chain (one read per slot) is far below what it paid.
		let read = frame_support::weights::constants::ParityDbWeight::get().reads(1);
		let paid = <() as crate::WeightInfo>::create_job()
			.saturating_add(<() as crate::WeightInfo>::cancel_job());
		assert!(read.saturating_mul(10).all_lt(paid));
	});
}

/// Issue 12 item 4: the empty slots skipped per block are bounded (the hook's weight stays
/// bounded), and a backlog of them is worked off in later blocks, still without using elections.
#[test]
fn item4_stale_slots_skipped_per_block_are_bounded() {
	new_test_ext().execute_with(|| {
		activate(T1, 100, 5);
		let spam = new_stream(BOB);
		let stale_budget = u64::from(MAX_ELECTIONS * crate::STALE_SKIPS_PER_ELECTION);
		for _ in 0..stale_budget + 5 {
			let job_id = new_job(BOB, spam, 1, 40);
			assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(BOB), job_id));
		}
		let stream_id = new_stream(ALICE);
		let honest = new_job(ALICE, stream_id, 10, 10_000);
		run_to_block(2);
		assert_eq!(ElectionBounds::<Test>::get(ElectionQueue::Fresh).head, stale_budget);
		assert_eq!(assigned(honest), None);
		run_to_block(3);
		assert_eq!(assigned(honest), Some(T1));
	});
}

#[test]
fn elections_per_block_are_bounded_and_the_rest_follow() {
	new_test_ext().execute_with(|| {
		activate(T1, 100, 1);
		activate(T2, 100, 1);
		let jobs: Vec<JobId> = (0..5)
			.map(|i| {
				let owner = if i % 2 == 0 { ALICE } else { BOB };
				let stream_id = new_stream(owner);
				new_job(owner, stream_id, 10, 1_000)
			})
			.collect();
		run_to_block(2);
		let elected = jobs.iter().filter(|id| assigned(**id).is_some()).count();
		assert_eq!(elected, MAX_ELECTIONS as usize);
		run_to_block(3);
		assert!(jobs.iter().all(|id| assigned(*id).is_some()));
	});
}

#[test]
fn the_election_is_deterministic_from_the_parent_hash() {
	let pick = |parent_seed: u64| {
		new_test_ext().execute_with(|| {
			activate(T1, 100, 1);
			activate(T2, 200, 1);
			activate(T3, 300, 1);
			let stream_id = new_stream(ALICE);
			let job_id = new_job(ALICE, stream_id, 10, 1_000);
			System::initialize(&2, &parent_hash_of(parent_seed), &Default::default());
			Jobs::on_initialize(2);
			let expected_seed = olc_primitives::blake2_256(
				&(crate::ELECTION_CONTEXT, parent_hash_of(parent_seed), job_id).encode(),
			);
			let expected = select_weighted(&expected_seed, &[100, 200, 300]).unwrap();
			assert_eq!(assigned(job_id), Some([T1, T2, T3][expected]));
			assigned(job_id).unwrap()
		})
	};
	let picks: Vec<u64> = (0..12).map(pick).collect();
	assert_eq!(picks, (0..12).map(pick).collect::<Vec<_>>());
	// Different hashes do pick different transcoders.
	assert!(picks.iter().any(|p| *p != picks[0]));
}

#[test]
fn select_weighted_follows_stake_over_many_seeds() {
	let stakes = [1_000u128, 2_000, 3_000, 4_000];
	let total: u128 = stakes.iter().sum();
	let draws = 40_000u32;
	let mut counts = [0u32; 4];
	for i in 0..draws {
		let seed = olc_primitives::blake2_256(&i.encode());
		counts[select_weighted(&seed, &stakes).unwrap()] += 1;
	}
	// Chi-square with 3 degrees of freedom: 16.27 is the 0.1% critical value.
	let chi_square: f64 = stakes
		.iter()
		.zip(counts)
		.map(|(stake, observed)| {
			let expected = f64::from(draws) * (*stake as f64) / (total as f64);
			(f64::from(observed) - expected).powi(2) / expected
		})
		.sum();
	assert!(chi_square < 16.27, "counts {counts:?}, chi-square {chi_square}");
	// And a heavily skewed set still gives the small one its share (about 1%).
	let mut small = 0;
	for i in 0..draws {
		if select_weighted(&olc_primitives::blake2_256(&(i, 7u8).encode()), &[1, 99]) == Some(0) {
			small += 1;
		}
	}
	assert!((300..=500).contains(&small), "{small}");
}

#[test]
fn select_weighted_edges() {
	assert_eq!(select_weighted(&[0; 32], &[]), None);
	assert_eq!(select_weighted(&[7; 32], &[0, 0]), None);
	assert_eq!(select_weighted(&[0; 32], &[0, 5, 0]), Some(1));
	// point 0 lands in the first non-empty interval, point total-1 in the last.
	assert_eq!(select_weighted(&[0; 32], &[3, 4]), Some(0));
	let mut seed = [0u8; 32];
	seed[0] = 6; // 6 mod 7 = 6: the last unit of stake
	assert_eq!(select_weighted(&seed, &[3, 4]), Some(1));
	seed[0] = 2;
	assert_eq!(select_weighted(&seed, &[3, 4]), Some(0));
	seed[0] = 3;
	assert_eq!(select_weighted(&seed, &[3, 4]), Some(1));
	assert_eq!(select_weighted(&[0xff; 32], &[u128::MAX, 1]), Some(0));
}

// ---- cancel, top up, end ----

#[test]
fn cancel_job_releases_the_deposit_of_a_waiting_job() {
	new_test_ext().execute_with(|| {
		let stream_id = new_stream(ALICE);
		let job_id = new_job(ALICE, stream_id, 10, 1_000);
		assert_noop!(
			Jobs::cancel_job(RuntimeOrigin::signed(BOB), job_id),
			Error::<Test>::NotBroadcaster
		);
		assert_noop!(Jobs::cancel_job(RuntimeOrigin::signed(ALICE), 77), Error::<Test>::UnknownJob);
		assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(ALICE), job_id));
		assert_eq!(held_deposit(ALICE), 0);
		assert_eq!(free(ALICE), INITIAL);
		assert_eq!(job(job_id).status, JobStatus::Ended);
		assert_eq!(Streams::<Test>::get(stream_id).unwrap().status, StreamStatus::Idle);
		assert!(events().contains(&Event::JobEnded {
			job_id,
			reason: EndReason::Cancelled,
			released: 1_000
		}));
		assert_noop!(
			Jobs::cancel_job(RuntimeOrigin::signed(ALICE), job_id),
			Error::<Test>::JobEnded
		);
		// The queued election finds the job ended and does nothing.
		activate(T1, 100, 1);
		run_to_block(2);
		assert_eq!(assigned(job_id), None);
	});
}

#[test]
fn cancel_job_refuses_an_assigned_job() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_noop!(
			Jobs::cancel_job(RuntimeOrigin::signed(ALICE), job_id),
			Error::<Test>::JobAlreadyAssigned
		);
	});
}

#[test]
fn top_up_adds_to_the_deposit() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::top_up(RuntimeOrigin::signed(ALICE), job_id, 500));
		assert_eq!(job(job_id).deposit, 10_500);
		assert_eq!(held_deposit(ALICE), 10_500);
		assert_eq!(
			events().last(),
			Some(&Event::DepositToppedUp { job_id, amount: 500, deposit: 10_500 })
		);
		assert_noop!(
			Jobs::top_up(RuntimeOrigin::signed(ALICE), job_id, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			Jobs::top_up(RuntimeOrigin::signed(BOB), job_id, 5),
			Error::<Test>::NotBroadcaster
		);
		assert_noop!(Jobs::top_up(RuntimeOrigin::signed(ALICE), 9, 5), Error::<Test>::UnknownJob);
		assert_noop!(
			Jobs::top_up(RuntimeOrigin::signed(ALICE), job_id, INITIAL),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id));
		assert_noop!(
			Jobs::top_up(RuntimeOrigin::signed(ALICE), job_id, 5),
			Error::<Test>::JobEnded
		);
	});
}

#[test]
fn end_job_by_the_broadcaster_releases_the_deposit_and_frees_the_transcoder() {
	new_test_ext().execute_with(|| {
		let (stream_id, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		// 10 segments × 4 profiles × 5 = 200 in escrow.
		assert_ok!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id));
		// 200 stays reserved for T1's grace claims (see the item5 tests).
		assert_eq!(held_deposit(ALICE), 200);
		assert_eq!(held_escrow(ALICE), 200);
		assert_eq!(free(ALICE), INITIAL - 400);
		assert!(TranscoderJobs::<Test>::get(T1).is_empty());
		assert_eq!(Streams::<Test>::get(stream_id).unwrap().status, StreamStatus::Idle);
		assert!(events().contains(&Event::JobEnded {
			job_id,
			reason: EndReason::Broadcaster,
			released: 9_600
		}));
		assert_noop!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id), Error::<Test>::JobEnded);
		// The escrowed claim is still paid after its window.
		run_to_block(2 + WINDOW);
		assert_eq!(held_escrow(ALICE), 0);
		assert_eq!(CreditedFees::get(), vec![(Jobs::payout_account(), T1, 200)]);
		run_to_block(3 + GRACE);
		assert_eq!(free(ALICE), INITIAL - 200);
	});
}

/// Issue 12 item 5: a broadcaster that ends a job just before a claim does not get the work
/// free. The transcoder that was assigned may claim what it did for `ClaimGracePeriod` blocks,
/// from a reservation of at most `MinSegmentsCovered` segments of the deposit; the rest of the
/// deposit is released at once, the reservation when the grace period is over.
#[test]
fn item5_work_done_before_end_job_stays_claimable_for_the_grace_period() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		// Segments 10..=19 are transcoded but not claimed yet when the broadcaster ends the job.
		assert_ok!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id));
		// Reserved: 10 segments × 4 profiles × 5 = 200; released: 9_800 − 200.
		assert!(events().contains(&Event::JobEnded {
			job_id,
			reason: EndReason::Broadcaster,
			released: 9_600
		}));
		assert!(events().contains(&Event::GraceStarted {
			job_id,
			transcoder: T1,
			reserved: 200,
			until: 2 + GRACE
		}));
		assert_eq!(held_deposit(ALICE), 200);
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 10, 19, [2; 32]));
		assert_eq!(held_deposit(ALICE), 0);
		assert_eq!(held_escrow(ALICE), 400);
		// Its own cursor: no double claim, and no more than the reservation.
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 15, 15, [2; 32]),
			Error::<Test>::DoubleClaim
		);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 20, 20, [2; 32]),
			Error::<Test>::InsufficientDeposit
		);
		// Nobody else may claim on the ended job.
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T2), job_id, 20, 20, [2; 32]),
			Error::<Test>::JobEnded
		);
		run_to_block(2 + WINDOW);
		assert_eq!(
			CreditedFees::get(),
			vec![(Jobs::payout_account(), T1, 200), (Jobs::payout_account(), T1, 200)]
		);
		assert_eq!(free(ALICE), INITIAL - 400);
	});
}

/// Issue 12 item 5: a grace claim not used within the period is returned to the broadcaster
/// (job ended) and the transcoder may no longer claim.
#[test]
fn item5_an_unused_grace_reservation_returns_to_the_broadcaster() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id));
		assert_eq!(held_deposit(ALICE), 200);
		run_to_block(2 + GRACE);
		assert_eq!(held_deposit(ALICE), 200, "the last block of the grace period still counts");
		run_to_block(3 + GRACE);
		assert_eq!(held_deposit(ALICE), 0);
		assert_eq!(free(ALICE), INITIAL);
		assert!(events().contains(&Event::GraceEnded {
			job_id,
			transcoder: T1,
			returned: 200,
			to_deposit: false
		}));
		assert!(job(job_id).graces.is_empty());
		assert!(!crate::GraceJobs::<Test>::contains_key(T1, job_id));
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 0, [2; 32]),
			Error::<Test>::JobEnded
		);
	});
}

/// Issue 12 item 5: a transcoder deactivated while assigned (it resigned, left the active set or
/// was slashed) keeps the segments it transcoded: it claims them during its grace period from a
/// reservation, with its own cursor, while the job's new transcoder claims from the deposit.
/// The reservation's rest returns to the job's deposit when the grace period ends.
#[test]
fn item5_a_deactivated_transcoder_can_claim_its_work_during_the_grace_period() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		deactivate(T1);
		activate(T2, 100, 5);
		Jobs::on_transcoder_deactivated(&T1);
		assert_eq!(job(job_id).deposit, 9_600);
		run_to_block(3);
		assert_eq!(assigned(job_id), Some(T2));
		// T1 did 10..=14 before it left; T2 does 15.. .
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 10, 14, [2; 32]));
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T2), job_id, 15, 24, [3; 32]));
		assert_eq!(job(job_id).grace_of(&T1).map(|g| g.reserved), Some(100));
		assert_eq!(job(job_id).deposit, 9_400);
		run_to_block(3 + GRACE);
		assert!(events().contains(&Event::GraceEnded {
			job_id,
			transcoder: T1,
			returned: 100,
			to_deposit: true
		}));
		assert_eq!(job(job_id).deposit, 9_500);
		assert_eq!(held_deposit(ALICE), 9_500);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 15, 15, [2; 32]),
			Error::<Test>::NotAssignedTranscoder
		);
		// Paid for its work although it left the active set (as the real `add_fees` does).
		let credited = CreditedFees::get();
		assert!(credited.contains(&(Jobs::payout_account(), T1, 200)));
		assert!(credited.contains(&(Jobs::payout_account(), T1, 100)));
	});
}

#[test]
fn anyone_may_end_a_job_once_it_expired() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		let expires_at = job(job_id).expires_at;
		run_to_block(expires_at);
		assert_noop!(
			Jobs::end_job(RuntimeOrigin::signed(BOB), job_id),
			Error::<Test>::NotBroadcaster
		);
		assert_noop!(Jobs::end_job(RuntimeOrigin::signed(BOB), 42), Error::<Test>::UnknownJob);
		run_to_block(expires_at + 1);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 0, [0; 32]),
			Error::<Test>::JobExpired
		);
		assert_ok!(Jobs::end_job(RuntimeOrigin::signed(BOB), job_id));
		assert_eq!(free(ALICE), INITIAL - 200);
		assert!(events().contains(&Event::JobEnded {
			job_id,
			reason: EndReason::Expired,
			released: 9_800
		}));
	});
}

// ---- claims ----

#[test]
fn claim_work_moves_the_fee_from_deposit_to_escrow() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 24, [7; 32]));
		// 25 segments × 4 profiles × 5 = 500.
		let stored = job(job_id);
		assert_eq!(stored.deposit, 9_500);
		assert_eq!(stored.escrow, 500);
		assert_eq!(held_deposit(ALICE), 9_500);
		assert_eq!(held_escrow(ALICE), 500);
		assert_eq!(free(ALICE), INITIAL - 10_000);
		assert_eq!(stored.next_claimable_seq, 25);
		let claim = Claims::<Test>::get(0).unwrap();
		assert_eq!((claim.start_seq, claim.end_seq, claim.fee), (0, 24, 500));
		assert_eq!(claim.payable_at, 2 + WINDOW);
		assert_eq!(SeenClaims::get(), vec![0]);
		assert_eq!(
			events().last(),
			Some(&Event::WorkClaimed {
				claim_id: 0,
				job_id,
				transcoder: T1,
				start_seq: 0,
				end_seq: 24,
				merkle_root: [7; 32],
				fee: 500,
				payable_at: 2 + WINDOW,
			})
		);
		// Gaps are allowed; a single segment is a valid range.
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 40, 40, [8; 32]));
		assert_eq!(job(job_id).escrow, 520);
	});
}

#[test]
fn claim_work_rejects_bad_claims_without_changing_anything() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		let claim = |who: u64, start: u64, end: u64| {
			Jobs::claim_work(RuntimeOrigin::signed(who), job_id, start, end, [0; 32])
		};
		assert_noop!(claim(T2, 0, 1), Error::<Test>::NotAssignedTranscoder);
		assert_noop!(claim(ALICE, 0, 1), Error::<Test>::NotAssignedTranscoder);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), 99, 0, 1, [0; 32]),
			Error::<Test>::UnknownJob
		);
		assert_noop!(claim(T1, 5, 4), Error::<Test>::InvalidRange);
		assert_noop!(claim(T1, 5, u64::MAX), Error::<Test>::InvalidRange);
		assert_noop!(claim(T1, 0, MAX_SEGMENTS_PER_CLAIM), Error::<Test>::RangeTooLong);
		// 10_000 deposit / (4 × 5) = 500 segments at most.
		assert_noop!(claim(T1, 0, 500), Error::<Test>::InsufficientDeposit);
		assert_ok!(claim(T1, 0, 499));
		assert_eq!(job(job_id).deposit, 0);
	});
}

/// Issue 12, low items: a banned account may not claim work (assigned or in grace).
#[test]
fn low_a_banned_transcoder_cannot_claim_work() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		BannedList::mutate(|banned| banned.push(T1));
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]),
			Error::<Test>::TranscoderBanned
		);
		BannedList::take();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
	});
}

/// No claim moves the deposit of a broadcaster that is banned or under review; work done
/// meanwhile is claimed once the review ends (see pallet-reporting's
/// `item4_no_claim_moves_a_reported_broadcasters_deposit_during_the_vote` for the real pallets).
#[test]
fn item4_claims_on_a_broadcaster_under_review_are_refused_until_it_ends() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		let held = Jobs::job_view(job_id).unwrap().deposit;
		UnderReviewList::set(vec![ALICE]);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]),
			Error::<Test>::BroadcasterUnderReview
		);
		UnderReviewList::take();
		BannedList::set(vec![ALICE]);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]),
			Error::<Test>::BroadcasterUnderReview
		);
		BannedList::take();
		assert_eq!(Jobs::job_view(job_id).unwrap().deposit, held);
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
	});
}

#[test]
fn claim_work_on_a_waiting_job_is_refused() {
	new_test_ext().execute_with(|| {
		let stream_id = new_stream(ALICE);
		let job_id = new_job(ALICE, stream_id, 10, 1_000);
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 1, [0; 32]),
			Error::<Test>::NotAssignedTranscoder
		);
	});
}

/// Issue 12 item 3: transcoders sharing a stream's ladder across jobs each claim their own
/// work. A job's claims may not overlap each other (`DoubleClaim`), but another job of the same
/// stream claims the same segments for its own renditions, and no job can lock the others out by
/// claiming far ahead.
#[test]
fn item3_each_job_has_its_own_claim_cursor() {
	new_test_ext().execute_with(|| {
		activate(T1, 100, 5);
		activate(T2, 100, 5);
		let stream_id = new_stream(ALICE);
		let first = new_job(ALICE, stream_id, 10, 10_000);
		let second = new_job(ALICE, stream_id, 10, 10_000);
		run_to_block(2);
		let by = |job_id: JobId| assigned(job_id).unwrap();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(by(first)), first, 10, 19, [1; 32]));
		for (start, end) in [(10, 19), (19, 25), (0, 10), (15, 15), (0, 100), (5, 9)] {
			assert_noop!(
				Jobs::claim_work(RuntimeOrigin::signed(by(first)), first, start, end, [2; 32]),
				Error::<Test>::DoubleClaim
			);
		}
		// The other job's transcoder is paid for the same segments in its renditions.
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(by(second)), second, 0, 19, [3; 32]));
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(by(second)), second, 5, 9, [3; 32]),
			Error::<Test>::DoubleClaim
		);
		// Claiming far ahead moves only the claimant's own cursor.
		assert_ok!(Jobs::claim_work(
			RuntimeOrigin::signed(by(first)),
			first,
			1_000,
			1_009,
			[4; 32]
		));
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(by(second)), second, 20, 29, [5; 32]));
		assert_eq!(job(first).next_claimable_seq, 1_010);
		assert_eq!(job(second).next_claimable_seq, 30);
		// Another stream's numbering is independent.
		let other = new_stream(ALICE);
		let third = new_job(ALICE, other, 10, 10_000);
		run_to_block(3);
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(by(third)), third, 0, 9, [6; 32]));
	});
}

#[test]
fn claim_work_weight_does_not_depend_on_the_number_of_segments() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::top_up(RuntimeOrigin::signed(ALICE), job_id, 400_000));
		let call = |start: u64, end: u64| {
			RuntimeCall::Jobs(crate::Call::claim_work {
				job_id,
				start_seq: start,
				end_seq: end,
				merkle_root: [0; 32],
			})
		};
		let ten = call(0, 9);
		let ten_thousand = call(10, 10_009);
		assert_eq!(
			ten.get_dispatch_info().call_weight,
			ten_thousand.get_dispatch_info().call_weight
		);
		assert!(ten.get_dispatch_info().call_weight.ref_time() > 0);
		use frame_support::traits::UnfilteredDispatchable;
		let post_ten = ten.dispatch_bypass_filter(RuntimeOrigin::signed(T1)).unwrap();
		let post_many = ten_thousand.dispatch_bypass_filter(RuntimeOrigin::signed(T1)).unwrap();
		// Neither refunds: both are charged the same declared weight.
		assert_eq!(post_ten.actual_weight, post_many.actual_weight);
		assert_eq!(job(job_id).escrow, (10 + 10_000) * 4 * 5);
	});
}

// ---- payouts ----

#[test]
fn fees_are_paid_automatically_when_the_window_closes() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		assert_noop!(
			Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 0),
			Error::<Test>::VerificationWindowOpen
		);
		run_to_block(2 + WINDOW - 1);
		assert!(Claims::<Test>::contains_key(0));
		run_to_block(2 + WINDOW);
		assert!(!Claims::<Test>::contains_key(0));
		assert_eq!(CreditedFees::get(), vec![(Jobs::payout_account(), T1, 200)]);
		assert_eq!(free(FEE_POT), EXISTENTIAL_DEPOSIT + 200);
		assert_eq!(free(Jobs::payout_account()), EXISTENTIAL_DEPOSIT);
		assert_eq!(held_escrow(ALICE), 0);
		let stored = job(job_id);
		assert_eq!((stored.escrow, stored.paid, stored.deposit), (0, 200, 9_800));
		assert_eq!(
			events(),
			vec![Event::FeesPaid { claim_id: 0, job_id, transcoder: T1, amount: 200 }]
		);
		assert_noop!(
			Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 0),
			Error::<Test>::UnknownClaim
		);
	});
}

#[test]
fn anyone_may_distribute_fees_after_the_window() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		// Jump past the window without running on_initialize.
		System::set_block_number(2 + WINDOW);
		assert_ok!(Jobs::distribute_fees(RuntimeOrigin::signed(CHARLIE), 0));
		assert_eq!(job(job_id).paid, 200);
		// The automatic payout then skips the settled claim.
		run_to_block(3 + WINDOW);
		assert_eq!(CreditedFees::get().len(), 1);
		assert_eq!(crate::NextClaimToSettle::<Test>::get(), 1);
	});
}

/// The fee crediting refuses only a transcoder it does not know (no pool: in the mock, one never
/// activated); a transcoder that left the active set is paid, as pallet-staking-delegation's
/// `add_fees` does.
#[test]
fn payouts_to_an_inactive_transcoder_are_paid_and_failed_ones_deferred() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		deactivate(T1);
		KnownTranscoders::mutate(|known| known.retain(|who| *who != T1));
		run_to_block(2 + WINDOW);
		assert_eq!(
			events(),
			vec![Event::PayoutDeferred { claim_id: 0, reason: DeferReason::PayoutFailed }]
		);
		assert_eq!(held_escrow(ALICE), 200);
		assert_eq!(free(Jobs::payout_account()), EXISTENTIAL_DEPOSIT);
		assert_noop!(
			Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 0),
			Error::<Test>::FeePayoutFailed
		);
		activate(T1, 100, 5);
		assert_ok!(Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 0));
		assert_eq!(held_escrow(ALICE), 0);
		assert_eq!(job(job_id).paid, 200);
	});
}

#[test]
fn a_held_claim_waits_for_the_verifier() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		set_verdict(0, Verdict::Hold);
		run_to_block(2 + WINDOW);
		assert_eq!(
			events(),
			vec![Event::PayoutDeferred { claim_id: 0, reason: DeferReason::OnHold }]
		);
		assert_noop!(
			Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 0),
			Error::<Test>::ClaimOnHold
		);
		set_verdict(0, Verdict::Pay);
		assert_ok!(Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 0));
		assert_eq!(job(job_id).paid, 200);
	});
}

#[test]
fn a_failed_claim_returns_its_fee_to_the_deposit_or_the_broadcaster() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 10, 19, [2; 32]));
		set_verdict(0, Verdict::Fail);
		set_verdict(1, Verdict::Hold);
		run_to_block(2 + WINDOW);
		// Job open: back into the deposit.
		assert_eq!(job(job_id).deposit, 9_800);
		assert_eq!(held_deposit(ALICE), 9_800);
		assert_eq!(held_escrow(ALICE), 200);
		assert!(events().contains(&Event::ClaimRefunded {
			claim_id: 0,
			job_id,
			amount: 200,
			to_deposit: true
		}));
		// The segments stay claimed: the stream's numbering never goes back.
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]),
			Error::<Test>::DoubleClaim
		);
		// Job ended before the second settles: refunded to the broadcaster's free balance.
		assert_ok!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id));
		set_verdict(1, Verdict::Fail);
		assert_ok!(Jobs::distribute_fees(RuntimeOrigin::signed(BOB), 1));
		assert!(events().contains(&Event::ClaimRefunded {
			claim_id: 1,
			job_id,
			amount: 200,
			to_deposit: false
		}));
		// All back once T1's grace reservation ends unused.
		run_to_block(3 + WINDOW + GRACE);
		assert_eq!(free(ALICE), INITIAL);
		assert_eq!(held_escrow(ALICE) + held_deposit(ALICE), 0);
		assert!(CreditedFees::get().is_empty());
	});
}

#[test]
fn payouts_per_block_are_bounded_and_continue_in_the_next_block() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		for i in 0..5u64 {
			assert_ok!(Jobs::claim_work(
				RuntimeOrigin::signed(T1),
				job_id,
				i * 10,
				i * 10 + 9,
				[1; 32]
			));
		}
		run_to_block(2 + WINDOW);
		assert_eq!(CreditedFees::get().len(), MAX_PAYOUTS as usize);
		run_to_block(3 + WINDOW);
		assert_eq!(CreditedFees::get().len(), 5);
		assert_eq!(job(job_id).paid, 5 * 200);
	});
}

#[test]
fn on_initialize_reports_the_work_it_did() {
	new_test_ext().execute_with(|| {
		use crate::WeightInfo;
		type W = ();
		let idle = Jobs::on_initialize(2);
		assert_eq!(idle, <W as WeightInfo>::on_initialize_idle());
		activate(T1, 100, 5);
		activate(T2, 100, 5);
		let stream_id = new_stream(ALICE);
		new_job(ALICE, stream_id, 10, 10_000);
		new_job(ALICE, stream_id, 10, 10_000);
		System::set_block_number(2);
		let busy = Jobs::on_initialize(2);
		assert_eq!(busy, idle + <W as WeightInfo>::on_initialize_election(2).saturating_mul(2));
	});
}

// ---- re-election ----

#[test]
fn a_deactivated_transcoder_loses_its_jobs_to_a_new_election() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));
		let other_stream = new_stream(BOB);
		let other = new_job(BOB, other_stream, 10, 10_000);
		run_to_block(3);
		assert_eq!(assigned(other), Some(T1));

		deactivate(T1);
		activate(T2, 100, 7);
		let weight = Jobs::on_transcoder_deactivated(&T1);
		assert!(weight.all_lte(Jobs::on_transcoder_deactivated_weight()));
		assert!(TranscoderJobs::<Test>::get(T1).is_empty());
		assert_eq!(job(job_id).status, JobStatus::AwaitingTranscoder);
		assert!(events().contains(&Event::TranscoderUnassigned { job_id, transcoder: T1 }));
		// It keeps a grace claim on its work (issue 12 item 5), but nothing else.
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T3), job_id, 10, 19, [1; 32]),
			Error::<Test>::NotAssignedTranscoder
		);
		run_to_block(4);
		assert_eq!(assigned(job_id), Some(T2));
		assert_eq!(assigned(other), Some(T2));
		assert_eq!(job(job_id).assignment.unwrap().price_per_segment, 7);
		// The new transcoder continues after the segments already claimed.
		assert_noop!(
			Jobs::claim_work(RuntimeOrigin::signed(T2), job_id, 5, 15, [1; 32]),
			Error::<Test>::DoubleClaim
		);
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T2), job_id, 10, 19, [1; 32]));
		// Deactivating a transcoder without jobs is a no-op.
		assert_eq!(
			Jobs::on_transcoder_deactivated(&T3),
			<() as crate::WeightInfo>::on_transcoder_deactivated(0)
		);
	});
}

#[test]
fn the_re_election_excludes_the_deactivated_transcoder_even_if_still_listed() {
	new_test_ext().execute_with(|| {
		let (_, job_id) = assigned_job();
		// Still in the directory (e.g. slashed mid-round), and the only candidate.
		Jobs::on_transcoder_deactivated(&T1);
		run_to_block(3);
		assert_eq!(job(job_id).status, JobStatus::AwaitingTranscoder);
		assert_eq!(
			events(),
			vec![Event::NoEligibleTranscoder { job_id, retry_at: 3 + RETRY_INTERVAL }]
		);
		// A round later the retry may pick it again if the directory still offers it.
		run_to_block(3 + RETRY_INTERVAL);
		assert_eq!(assigned(job_id), Some(T1));
	});
}

#[test]
fn the_pallet_election_follows_stake_over_many_block_hashes() {
	new_test_ext().execute_with(|| {
		let stakes = [(T1, 100u64), (T2, 300), (T3, 600)];
		for (who, stake) in stakes {
			activate(who, stake, 1);
		}
		let stream_id = new_stream(ALICE);
		let rounds = 3_000u64;
		let mut counts = [0u64; 3];
		for round in 0..rounds {
			let job_id = new_job(ALICE, stream_id, 1, 40);
			let block = System::block_number() + 1;
			System::initialize(&block, &parent_hash_of(1_000_000 + round), &Default::default());
			Jobs::on_initialize(block);
			let elected = assigned(job_id).unwrap();
			counts[stakes.iter().position(|(who, _)| *who == elected).unwrap()] += 1;
			assert_ok!(Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id));
		}
		// Chi-square with 2 degrees of freedom: 13.82 is the 0.1% critical value.
		let chi_square: f64 = stakes
			.iter()
			.zip(counts)
			.map(|((_, stake), observed)| {
				let expected = rounds as f64 * *stake as f64 / 1_000.0;
				(observed as f64 - expected).powi(2) / expected
			})
			.sum();
		assert!(chi_square < 13.82, "counts {counts:?}, chi-square {chi_square}");
	});
}

// ---- end and ban streams ----

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

// ---- runtime API views ----

#[test]
fn views_list_streams_jobs_and_claims() {
	new_test_ext().execute_with(|| {
		let (stream_id, job_id) = assigned_job();
		let second = new_job(ALICE, stream_id, 10, 1_000);
		let bobs = new_stream(BOB);
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), job_id, 0, 9, [1; 32]));

		let all = Jobs::streams_view(None, 10);
		assert_eq!(all.len(), 2);
		let first_page = Jobs::streams_view(None, 1);
		let second_page = Jobs::streams_view(Some(first_page[0].0), 10);
		assert_eq!(second_page.len(), 1);
		let mut ids = vec![first_page[0].0, second_page[0].0];
		ids.sort();
		let mut expected = vec![stream_id, bobs];
		expected.sort();
		assert_eq!(ids, expected);
		assert_eq!(Jobs::stream_view(stream_id).unwrap().status, StreamStatus::Live);

		let mut of_stream: Vec<JobId> = Jobs::jobs_of_stream_view(stream_id, None, 10)
			.into_iter()
			.map(|(id, _)| id)
			.collect();
		of_stream.sort();
		assert_eq!(of_stream, vec![job_id, second]);
		assert!(Jobs::jobs_of_stream_view(bobs, None, 10).is_empty());
		assert_eq!(Jobs::jobs_view(0, 10).len(), 2);
		assert_eq!(Jobs::jobs_view(1, 10)[0].0, second);
		assert_eq!(Jobs::jobs_view(0, 1).len(), 1);
		assert_eq!(Jobs::job_view(job_id).unwrap().assignment.unwrap().transcoder, T1);
		let claims: Vec<ClaimId> = Jobs::claims_of_job_view(job_id, None, 10)
			.into_iter()
			.map(|(id, _)| id)
			.collect();
		assert_eq!(claims, vec![0]);
		assert!(Jobs::claims_of_job_view(second, None, 10).is_empty());
	});
}

/// Issue 12 (low): the runtime API reads a job's claims and a stream's jobs through indexes,
/// a page at a time; every item comes exactly once across the pages, none of another job or
/// stream, and a limit of 0 reads nothing.
#[test]
fn issue12_low_views_page_claims_of_a_job_and_jobs_of_a_stream_through_indexes() {
	new_test_ext().execute_with(|| {
		let (stream_id, job_id) = assigned_job();
		let other_stream = new_stream(BOB);
		let other_job = new_job(BOB, other_stream, 10, 10_000);
		run_to_block(3);
		assert_eq!(assigned(other_job), Some(T1));
		for start in [0u64, 10, 20, 30, 40] {
			assert_ok!(Jobs::claim_work(
				RuntimeOrigin::signed(T1),
				job_id,
				start,
				start + 9,
				[1; 32]
			));
		}
		assert_ok!(Jobs::claim_work(RuntimeOrigin::signed(T1), other_job, 0, 9, [2; 32]));
		let ours: Vec<ClaimId> = Claims::<Test>::iter()
			.filter(|(_, c)| c.job_id == job_id)
			.map(|(id, _)| id)
			.collect();
		assert_eq!(ours.len(), 5);
		assert_eq!(JobClaims::<Test>::iter_prefix(job_id).count(), 5);

		for limit in [1u32, 2, 3, 5, 100] {
			let mut seen: Vec<ClaimId> = Vec::new();
			let mut after = None;
			loop {
				let page = Jobs::claims_of_job_view(job_id, after, limit);
				assert!(page.len() <= limit as usize);
				if page.is_empty() {
					break;
				}
				assert!(page.iter().all(|(_, claim)| claim.job_id == job_id));
				after = page.last().map(|(id, _)| *id);
				seen.extend(page.into_iter().map(|(id, _)| id));
			}
			seen.sort();
			let mut expected = ours.clone();
			expected.sort();
			assert_eq!(seen, expected, "limit {limit}");
		}
		assert!(Jobs::claims_of_job_view(job_id, None, 0).is_empty());
		assert!(Jobs::claims_of_job_view(u64::MAX, None, 10).is_empty());

		let more: Vec<JobId> = (0..3).map(|_| new_job(ALICE, stream_id, 10, 1_000)).collect();
		let mut expected: Vec<JobId> = vec![job_id];
		expected.extend(more);
		expected.sort();
		let mut seen: Vec<JobId> = Vec::new();
		let mut after = None;
		loop {
			let page = Jobs::jobs_of_stream_view(stream_id, after, 2);
			if page.is_empty() {
				break;
			}
			assert!(page.iter().all(|(_, job)| job.stream_id == stream_id));
			after = page.last().map(|(id, _)| *id);
			seen.extend(page.into_iter().map(|(id, _)| id));
		}
		seen.sort();
		assert_eq!(seen, expected);
		assert!(!seen.contains(&other_job));
		assert_eq!(Jobs::jobs_of_stream_view(other_stream, None, 10).len(), 1);
	});
}

#[test]
fn fee_for_multiplies_and_reports_overflow() {
	new_test_ext().execute_with(|| {
		let fee = |segments, profiles, price| {
			Jobs::fee_for(segments, profiles, price).map_err(sp_runtime::DispatchError::from)
		};
		let overflow = Err(Error::<Test>::Overflow.into());
		assert_eq!(fee(10, 4, 5), Ok(200));
		assert_eq!(fee(0, 4, 5), Ok(0));
		assert_eq!(fee(u64::MAX, 2, 1), overflow);
		assert_eq!(fee(u64::MAX / 2, 2, 2), overflow);
	});
}

// ---- banned broadcasters (pallet-reporting) ----

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
