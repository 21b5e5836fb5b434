//! Electing transcoders.

use super::*;

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
