//! Re-electing the jobs of a deactivated transcoder.

use super::*;

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
