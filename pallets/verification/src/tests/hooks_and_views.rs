//! Settlement by the hook, bounded work and weights, and the runtime API views.

use super::*;

#[test]
fn claim_verified_after_its_window_is_settled_by_the_pallet() {
	build_and_execute(|| {
		let (stream_id, job_id) = setup();
		// 400 segments at 8 hashes per block: the scan alone outlasts the window.
		let all = receipts(stream_id, 0, 399);
		let claim_id = claim(job_id, 0, 399, &all);
		let payable_at = pallet_jobs::Claims::<Test>::get(claim_id).unwrap().payable_at;
		let challenged = issue(claim_id);
		assert!(System::block_number() > payable_at);
		assert!(pallet_jobs::Claims::<Test>::get(claim_id).is_some());
		assert_ok!(Verification::submit_proofs(
			RuntimeOrigin::signed(T1),
			claim_id,
			proofs(&all, 0, &challenged)
		));
		next_block();
		pass(claim_id, &challenged);
		assert!(pallet_jobs::Claims::<Test>::get(claim_id).is_none());
		assert!(Checks::<Test>::get(claim_id).is_none());
		assert_eq!(CreditedFees::get().len(), 1);
	});
}

#[test]
fn work_per_block_and_weights_are_bounded() {
	build_and_execute(|| {
		let (stream_id, job_id) = setup();
		// Many claims due in the same block.
		let mut claims = Vec::new();
		for index in 0..20u64 {
			let start = index * 2;
			claims.push(claim(job_id, start, start + 1, &receipts(stream_id, start, start + 1)));
		}
		next_block();
		let weight = next_block();
		let issued = claims
			.iter()
			.filter(|claim_id| status(**claim_id) == CheckStatus::AwaitingProofs)
			.count();
		// At most MAX_SAMPLES hashes (2 per claim here) and MAX_TASKS tasks per block.
		assert_eq!(issued, (MAX_SAMPLES / 2).min(MAX_TASKS) as usize);
		let worst = <() as crate::WeightInfo>::on_initialize_idle()
			.saturating_add(Verification::report_missed_weight().saturating_mul(MAX_TASKS.into()))
			.saturating_add(<() as crate::WeightInfo>::on_initialize_issue(MAX_SAMPLES));
		assert!(weight.all_lte(worst), "{weight:?} > {worst:?}");
		// All claims get their challenges eventually.
		for _ in 0..10 {
			next_block();
		}
		assert!(claims.iter().all(|claim_id| status(*claim_id) == CheckStatus::AwaitingProofs));

		// The calls' weights are bounded and fit in a block.
		let max_block = Weight::from_parts(2_000_000_000_000, 5 * 1024 * 1024);
		let proofs: Proofs = Default::default();
		let calls = [
			crate::Call::<Test>::submit_proofs { claim_id: 0, proofs }
				.get_dispatch_info()
				.call_weight,
			crate::Call::<Test>::submit_verdict { claim_id: 0, seq: 0, ok: true }
				.get_dispatch_info()
				.call_weight,
			crate::Call::<Test>::report_missed { claim_id: 0 }
				.get_dispatch_info()
				.call_weight,
			<() as crate::WeightInfo>::submit_proofs(MAX_PROOFS),
		];
		for weight in calls {
			assert!(weight.ref_time() > 0);
			assert!(weight.all_lte(max_block));
		}
	});
}

#[test]
fn runtime_api_views_show_the_verification() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let view = Verification::claim_check_view(claim_id).unwrap();
		assert_eq!(view.transcoder, T1);
		assert_eq!(view.status, CheckStatus::AwaitingVerdicts);
		assert!(view.challenges.iter().all(|c| c.status == SegmentStatus::UnderReview));
		assert_eq!(view.committees.len(), challenged.len());
		let member = members(claim_id, challenged[0])[0];
		let duties = Verification::duties_view(member, None, 100);
		assert!(duties.iter().any(|duty| duty.claim_id == claim_id && duty.seq == challenged[0]));
		assert_eq!(duties[0].output_hashes.len(), PROFILES as usize);
		assert_eq!(Verification::challenges_view(claim_id), Some(challenged));
		assert_eq!(Verification::challenges_view(99), None);
	});
}

/// Issue 12 (low): a verifier's duties come from the `UnvotedSeats` index a page at a time:
/// across pages exactly the seats without a vote that a scan of every segment check finds;
/// a vote takes the seat off.
#[test]
fn issue12_low_duties_page_through_the_unvoted_seats_index() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let scan = |who: u64| {
			let mut seats: Vec<(ClaimId, u64)> = SegmentChecks::<Test>::iter()
				.filter(|(_, _, segment)| {
					segment.members.iter().any(|m| m.who == who && m.vote.is_none())
				})
				.map(|(claim, seq, _)| (claim, seq))
				.collect();
			seats.sort();
			seats
		};
		let paged = |who: u64, limit: u32| {
			let mut seen = Vec::new();
			let mut after = None;
			loop {
				let page = Verification::duties_view(who, after, limit);
				assert!(page.len() <= limit as usize);
				let Some(last) = page.last() else { break };
				after = Some((last.claim_id, last.seq));
				seen.extend(page.iter().map(|duty| (duty.claim_id, duty.seq)));
			}
			seen.sort();
			seen
		};
		let seated: std::collections::BTreeSet<u64> =
			challenged.iter().flat_map(|seq| members(claim_id, *seq)).collect();
		assert!(!seated.is_empty());
		for who in &seated {
			assert!(!scan(*who).is_empty());
			for limit in [1, 2, 100] {
				assert_eq!(paged(*who, limit), scan(*who));
			}
			assert!(Verification::duties_view(*who, None, 0).is_empty());
		}
		let who = members(claim_id, challenged[0])[0];
		vote_as(who, claim_id, challenged[0], true);
		assert!(!paged(who, 1).contains(&(claim_id, challenged[0])));
		assert_eq!(paged(who, 1), scan(who));
	});
}
