//! Committees: verdicts, silent members, rounds and who may sit.

use super::*;

#[test]
fn failed_committee_verdict_slashes_and_refunds() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let fee = 20 * PROFILES * PRICE;
		let deposit_before = held_deposit(ALICE);
		let seq = challenged[0];
		let committee = vote(claim_id, seq, &[true, false]);
		assert_eq!(status(claim_id), CheckStatus::AwaitingVerdicts);
		vote_as(committee[2], claim_id, seq, false);
		assert_eq!(status(claim_id), CheckStatus::Failed);
		assert!(events().contains(&Event::VerificationFailed { claim_id, seq }));
		let slashed = Perbill::from_percent(5).mul_floor(STAKE);
		// The `true` voter lost (issue 12 item 10), then the claimant is slashed.
		let losing = Perbill::from_rational(MISSED_VOTE_SLASH, STAKE);
		assert_eq!(
			Slashes::get(),
			vec![
				(committee[0], losing, None, MISSED_VOTE_SLASH, 0),
				(T1, Perbill::from_percent(5), None, slashed, 0)
			]
		);
		assert!(events().contains(&Event::Slashed {
			transcoder: T1,
			amount: slashed,
			reason: SlashReason::FailedVerification,
			finder: None,
		}));
		// The other segments' checks stopped.
		assert_eq!(SegmentChecks::<Test>::iter_prefix(claim_id).count(), 0);
		let (no1, no2) = (total_balance(committee[1]), total_balance(committee[2]));
		let yes = total_balance(committee[0]);

		let payable_at = pallet_jobs::Claims::<Test>::get(claim_id).unwrap().payable_at;
		run_to_block(payable_at);
		assert!(pallet_jobs::Claims::<Test>::get(claim_id).is_none());
		// The two `false` voters share the verifier fee; the rest goes back to the deposit.
		let share =
			Perbill::from_rational(1u32, 2).mul_floor(Perbill::from_percent(10).mul_floor(fee));
		assert_eq!(total_balance(committee[1]), no1 + share);
		assert_eq!(total_balance(committee[2]), no2 + share);
		assert_eq!(total_balance(committee[0]), yes);
		assert_eq!(held_escrow(ALICE), 0);
		assert_eq!(held_deposit(ALICE), deposit_before + fee - 2 * share);
		assert!(CreditedFees::get().is_empty());
		assert!(jobs_events().iter().any(|event| matches!(
			event,
			pallet_jobs::Event::ClaimRefunded { claim_id: id, amount, to_deposit: true, .. }
				if *id == claim_id && *amount == fee - 2 * share
		)));
	});
}

#[test]
fn verdict_errors_are_named() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let seq = challenged[0];
		let committee = members(claim_id, seq);
		let outsider = [T2, T3, T4, T5].into_iter().find(|who| !committee.contains(who)).unwrap();
		assert_noop!(
			Verification::submit_verdict(RuntimeOrigin::signed(outsider), claim_id, seq, true),
			Error::<Test>::NotCommitteeMember
		);
		assert_noop!(
			Verification::submit_verdict(RuntimeOrigin::signed(T1), claim_id, seq, true),
			Error::<Test>::NotCommitteeMember
		);
		assert_noop!(
			Verification::submit_verdict(RuntimeOrigin::signed(committee[0]), claim_id, 999, true),
			Error::<Test>::NoCommittee
		);
		assert_noop!(
			Verification::submit_verdict(RuntimeOrigin::signed(committee[0]), 99, seq, true),
			Error::<Test>::UnknownClaim
		);
		vote_as(committee[0], claim_id, seq, true);
		assert_noop!(
			Verification::submit_verdict(RuntimeOrigin::signed(committee[0]), claim_id, seq, false),
			Error::<Test>::AlreadyVoted
		);
		let deadline = SegmentChecks::<Test>::get(claim_id, seq).unwrap().deadline;
		System::set_block_number(deadline + 1);
		assert_noop!(
			Verification::submit_verdict(RuntimeOrigin::signed(committee[1]), claim_id, seq, true),
			Error::<Test>::VerdictPeriodOver
		);
	});
}

#[test]
fn silent_members_are_slashed_and_replaced() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let seq = challenged[0];
		let committee = members(claim_id, seq);
		vote_as(committee[0], claim_id, seq, true);
		// The other segments pass.
		pass(claim_id, &challenged[1..]);
		let deadline = SegmentChecks::<Test>::get(claim_id, seq).unwrap().deadline;
		run_to_block(deadline + 1);
		// Both silent members lose the fixed amount (a fraction of their stake) ...
		let fraction = Perbill::from_rational(MISSED_VOTE_SLASH, STAKE);
		let silent: Vec<u64> = committee[1..].to_vec();
		for who in &silent {
			assert!(Slashes::get().contains(&(*who, fraction, None, MISSED_VOTE_SLASH, 0)));
			assert!(events().contains(&Event::Slashed {
				transcoder: *who,
				amount: MISSED_VOTE_SLASH,
				reason: SlashReason::MissedVote,
				finder: None,
			}));
		}
		// ... and are replaced by the one active transcoder left (the slash resigned them).
		let replacement =
			[T2, T3, T4, T5].into_iter().find(|who| !committee.contains(who)).unwrap();
		let check = SegmentChecks::<Test>::get(claim_id, seq).unwrap();
		assert_eq!(check.round, 1);
		assert_eq!(members(claim_id, seq), vec![committee[0], replacement]);
		assert_eq!(check.replaced.to_vec(), silent);
		assert_eq!(status(claim_id), CheckStatus::AwaitingVerdicts);
		// The replacement votes: all voted, `true` has the majority of 2.
		vote_as(replacement, claim_id, seq, true);
		assert_eq!(status(claim_id), CheckStatus::Passed);
	});
}

#[test]
fn last_round_is_decided_by_the_votes_cast() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let seq = challenged[0];
		vote(claim_id, seq, &[false]);
		let deadline = SegmentChecks::<Test>::get(claim_id, seq).unwrap().deadline;
		run_to_block(deadline + 1);
		assert_eq!(SegmentChecks::<Test>::get(claim_id, seq).unwrap().round, 1);
		// Nobody else votes: in the last round the single `false` decides.
		let deadline = SegmentChecks::<Test>::get(claim_id, seq).unwrap().deadline;
		run_to_block(deadline + 1);
		assert_eq!(status(claim_id), CheckStatus::Failed);
		assert!(Slashes::get()
			.iter()
			.any(|(who, fraction, ..)| *who == T1 && *fraction == Perbill::from_percent(5)));
	});
}

#[test]
fn committee_never_includes_the_claimant() {
	build_and_execute(|| {
		let (_, job_id) = setup();
		let segment = crate::SegmentCheck {
			input_hash: [0; 32],
			output_hashes: Default::default(),
			members: Default::default(),
			replaced: Default::default(),
			round: 0,
			deadline: 0,
		};
		// The claimant with by far the most stake is never drawn, whatever the hash.
		activate(T1, STAKE * 1_000, PRICE);
		for block in 0..200u64 {
			System::set_parent_hash(parent_hash_of(block));
			let drawn = Verification::draw(block, block, &T1, &segment, VERIFIERS);
			let who: Vec<u64> = drawn.iter().map(|member| member.who).collect();
			assert_eq!(who.len(), VERIFIERS as usize);
			assert!(!who.contains(&T1));
			let mut unique = who.clone();
			unique.sort();
			unique.dedup();
			assert_eq!(unique.len(), who.len());
		}
		// With only one other active transcoder the committee has one member.
		for who in [T3, T4, T5] {
			deactivate(who);
		}
		let drawn = Verification::draw(0, 0, &T1, &segment, VERIFIERS);
		assert_eq!(drawn.iter().map(|member| member.who).collect::<Vec<_>>(), vec![T2]);
		let _ = job_id;
	});
}

#[test]
fn segment_without_possible_verifiers_passes_unchecked() {
	build_and_execute(|| {
		let (stream_id, job_id) = setup();
		for who in [T2, T3, T4, T5] {
			deactivate(who);
		}
		let all = receipts(stream_id, 0, 19);
		let claim_id = claim(job_id, 0, 19, &all);
		let challenged = issue(claim_id);
		assert_ok!(Verification::submit_proofs(
			RuntimeOrigin::signed(T1),
			claim_id,
			proofs(&all, 0, &challenged)
		));
		next_block();
		assert_eq!(status(claim_id), CheckStatus::Passed);
	});
}
