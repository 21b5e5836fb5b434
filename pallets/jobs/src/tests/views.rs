//! Runtime API views.

use super::*;

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
