//! Committees: drawing a segment's verifiers and deciding its check from their votes.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	pub(super) fn draw_task(task: QueuedTask<BlockNumberFor<T>>, now: BlockNumberFor<T>) {
		let QueuedTask { claim_id, seq, .. } = task;
		let Some(mut check) = Checks::<T>::get(claim_id) else { return };
		if check.status.is_final() {
			return;
		}
		let Some(mut segment) = SegmentChecks::<T>::get(claim_id, seq) else { return };
		let Some(challenge) = check
			.challenges
			.iter_mut()
			.find(|challenge| challenge.seq == seq && challenge.status == SegmentStatus::Proven)
		else {
			return;
		};
		challenge.status = SegmentStatus::UnderReview;
		let members =
			Self::draw(claim_id, seq, &check.transcoder, &segment, T::VerifiersPerSegment::get());
		if members.is_empty() {
			// Nobody to check it: it passes unchecked.
			Self::pass_segment(claim_id, check, seq, &[], now);
			return;
		}
		Checks::<T>::insert(claim_id, check);
		for member in &members {
			Self::expose(&member.who);
			UnvotedSeats::<T>::insert(&member.who, (claim_id, seq), ());
		}
		segment.members = BoundedVec::truncate_from(members);
		Self::start_round(claim_id, seq, segment, now);
	}

	/// Stores a segment's (new) committee with a new voting period.
	pub(super) fn start_round(
		claim_id: ClaimId,
		seq: SegmentSeq,
		mut segment: SegmentCheckOf<T>,
		now: BlockNumberFor<T>,
	) {
		let deadline = now.saturating_add(T::VerdictPeriod::get());
		segment.deadline = deadline;
		let members = BoundedVec::truncate_from(
			segment.members.iter().map(|member| member.who.clone()).collect::<Vec<_>>(),
		);
		SegmentChecks::<T>::insert(claim_id, seq, segment);
		let _ = Self::push_task(
			TaskQueue::VerdictDeadline,
			QueuedTask { claim_id, seq, due: deadline.saturating_add(1u32.into()) },
		)
		.defensive_proof("a task queue's u64 counter cannot overflow");
		Self::deposit_event(Event::CommitteeDrawn { claim_id, seq, members, deadline });
	}

	/// Draws up to `count` verifiers for a segment from the active transcoders, stake-weighted
	/// without replacement, never the claimant nor a present or past member, nor a banned
	/// account (pallet-jobs' `BannedAccounts`).
	pub(crate) fn draw(
		claim_id: ClaimId,
		seq: SegmentSeq,
		claimant: &T::AccountId,
		segment: &SegmentCheckOf<T>,
		count: u32,
	) -> Vec<MemberOf<T>> {
		let mut pool = <T as pallet_jobs::Config>::Directory::active_transcoders();
		pool.truncate(<T as pallet_jobs::Config>::MaxCandidates::get() as usize);
		pool.retain(|candidate| {
			candidate.who != *claimant &&
				!<<T as pallet_jobs::Config>::BannedAccounts as frame_support::traits::Contains<
					T::AccountId,
				>>::contains(&candidate.who) &&
				!candidate.stake.is_zero() &&
				!segment.members.iter().any(|member| member.who == candidate.who) &&
				!segment.replaced.contains(&candidate.who)
		});
		let parent = frame_system::Pallet::<T>::parent_hash();
		let mut drawn = Vec::new();
		for index in 0..count {
			let seed = olc_primitives::blake2_256(
				&(COMMITTEE_CONTEXT, parent, claim_id, seq, segment.round, index).encode(),
			);
			let stakes: Vec<u128> =
				pool.iter().map(|candidate| candidate.stake.unique_saturated_into()).collect();
			let Some(chosen) = select_weighted(&seed, &stakes) else { break };
			if chosen >= pool.len() {
				break;
			}
			let candidate = pool.swap_remove(chosen);
			drawn.push(CommitteeMember { who: candidate.who, stake: candidate.stake, vote: None });
		}
		drawn
	}

	/// Decides a segment's check: when all members voted (`at_deadline` false) or its voting
	/// period closed (see the crate docs).
	pub(super) fn decide(
		claim_id: ClaimId,
		check: ClaimCheckOf<T>,
		seq: SegmentSeq,
		mut segment: SegmentCheckOf<T>,
		now: BlockNumberFor<T>,
		at_deadline: bool,
	) {
		let size = u32::try_from(segment.members.len()).unwrap_or(u32::MAX);
		let majority = (size / 2).saturating_add(1);
		if at_deadline {
			for member in segment.members.iter().filter(|member| member.vote.is_none()) {
				Self::slash_member(member, SlashReason::MissedVote);
				// Slashed: the seat can do nothing more to it.
				Self::unexpose(&member.who);
			}
		}
		let count = |ok: bool| {
			u32::try_from(segment.members.iter().filter(|member| member.vote == Some(ok)).count())
				.unwrap_or(u32::MAX)
		};
		let (yes, no) = (count(true), count(false));
		let outcome = if no >= majority {
			Some(false)
		} else if yes >= majority {
			Some(true)
		} else if segment.members.iter().all(|member| member.vote.is_some()) {
			// Everybody voted without a majority: a tie of an even committee (a round after
			// replacements, or an even `VerifiersPerSegment`). Nobody is left to ask, so the
			// votes cast decide now as in the last round: a tie passes.
			Some(no <= yes)
		} else if !at_deadline {
			// Votes are missing: wait for them or the deadline.
			None
		} else if segment.round.saturating_add(1) < MAX_COMMITTEE_ROUNDS {
			// Replace the members that did not vote.
			let (voted, silent): (Vec<_>, Vec<_>) =
				segment.members.iter().cloned().partition(|member| member.vote.is_some());
			for member in &silent {
				let _ = segment
					.replaced
					.try_push(member.who.clone())
					.defensive_proof("only the first round's silent members are replaced");
				UnvotedSeats::<T>::remove(&member.who, (claim_id, seq));
			}
			segment.members = BoundedVec::truncate_from(voted);
			segment.round = segment.round.saturating_add(1);
			let wanted = u32::try_from(silent.len()).unwrap_or(u32::MAX);
			let fresh = Self::draw(claim_id, seq, &check.transcoder, &segment, wanted);
			if fresh.is_empty() {
				Some(no <= yes)
			} else {
				for member in fresh {
					Self::expose(&member.who);
					UnvotedSeats::<T>::insert(&member.who, (claim_id, seq), ());
					let _ = segment
						.members
						.try_push(member)
						.defensive_proof("the fresh members only fill the silent members' seats");
				}
				Self::start_round(claim_id, seq, segment, now);
				return;
			}
		} else {
			Some(no <= yes)
		};
		match outcome {
			None => SegmentChecks::<T>::insert(claim_id, seq, segment),
			Some(ok) => {
				// The losing side pays like a silent member (none on a tie: no side won).
				if yes != no {
					for member in segment.members.iter().filter(|member| member.vote == Some(!ok)) {
						Self::slash_member(member, SlashReason::LosingVote);
					}
				}
				let deciders: Vec<T::AccountId> = segment
					.members
					.iter()
					.filter(|member| member.vote == Some(ok))
					.map(|member| member.who.clone())
					.collect();
				if ok {
					Self::pass_segment(claim_id, check, seq, &deciders, now);
				} else {
					Self::fail(claim_id, check, seq, &deciders, now);
				}
			},
		}
	}
}
