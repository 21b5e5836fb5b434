//! Issue 12 item 10: voting against the outcome costs; banned transcoders sit on no committee.

use super::*;

/// Members on the losing side of a decided committee lose `MissedVoteSlash`, as a silent member
/// does: voting `true` without checking is not free.
#[test]
fn item10_members_on_the_losing_side_are_slashed() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let seq = challenged[0];
		let committee = vote(claim_id, seq, &[true, false, false]);
		assert_eq!(status(claim_id), CheckStatus::Failed);
		let fraction = Perbill::from_rational(MISSED_VOTE_SLASH, STAKE);
		assert!(Slashes::get().contains(&(committee[0], fraction, None, MISSED_VOTE_SLASH, 0)));
		assert!(events().contains(&Event::Slashed {
			transcoder: committee[0],
			amount: MISSED_VOTE_SLASH,
			reason: SlashReason::LosingVote,
			finder: None,
		}));
		// The winning side is not slashed.
		assert!(!Slashes::get()
			.iter()
			.any(|(who, ..)| *who == committee[1] || *who == committee[2]));
	});
}

/// A committee whose members all voted without a majority (an even committee, e.g. after a
/// replacement) is decided at once, as the last round is: a tie passes the segment, and nobody
/// is on a losing side.
#[test]
fn item10_a_tied_committee_is_decided_at_once_and_slashes_no_voter() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let seq = challenged[0];
		let committee = members(claim_id, seq);
		pass(claim_id, &challenged[1..]);
		vote_as(committee[0], claim_id, seq, false);
		let deadline = SegmentChecks::<Test>::get(claim_id, seq).unwrap().deadline;
		run_to_block(deadline + 1);
		let replacement =
			[T2, T3, T4, T5].into_iter().find(|who| !committee.contains(who)).unwrap();
		assert_eq!(members(claim_id, seq), vec![committee[0], replacement]);
		vote_as(replacement, claim_id, seq, true);
		// 1 against 1: decided now, not at the deadline.
		assert_eq!(status(claim_id), CheckStatus::Passed);
		assert!(!Slashes::get()
			.iter()
			.any(|(who, ..)| *who == committee[0] || *who == replacement));
	});
}

/// Issue 12, low items: a banned account never sits on a committee, though it is still in the
/// round's active set.
#[test]
fn low_bans_a_banned_transcoder_sits_on_no_committee() {
	build_and_execute(|| {
		BannedList::set(vec![T2, T3]);
		let (claim_id, challenged, _) = proven_claim();
		for seq in challenged {
			let committee = members(claim_id, seq);
			assert!(!committee.is_empty());
			assert!(!committee.contains(&T2) && !committee.contains(&T3), "{committee:?}");
		}
	});
}
