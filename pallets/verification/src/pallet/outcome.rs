//! What a decided check does: passing or failing a segment, missed proofs, slashes, fee shares
//! and the settlement of the claim.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// Slashes a committee member `MissedVoteSlash` of stake (capped at the stake it had when
	/// drawn, as a fraction of it).
	pub(super) fn slash_member(member: &MemberOf<T>, reason: SlashReason) {
		let amount = T::MissedVoteSlash::get();
		let fraction = if member.stake.is_zero() {
			Perbill::zero()
		} else {
			Perbill::from_rational(amount.min(member.stake), member.stake)
		};
		Self::slash(&member.who, fraction, reason, None, Perbill::zero());
	}

	pub(super) fn add_shares(claim_id: ClaimId, deciders: &[T::AccountId]) {
		if deciders.is_empty() {
			return;
		}
		FeeShares::<T>::mutate(claim_id, |shares| {
			for who in deciders {
				if let Some(entry) = shares.iter_mut().find(|(account, _)| account == who) {
					entry.1 = entry.1.saturating_add(1);
				} else {
					// Bounded by MaxFeeShares, which no claim can exceed.
					let _ = shares
						.try_push((who.clone(), 1))
						.defensive_proof("no claim has more deciders than MaxFeeShares");
				}
			}
		});
	}

	pub(super) fn pass_segment(
		claim_id: ClaimId,
		mut check: ClaimCheckOf<T>,
		seq: SegmentSeq,
		deciders: &[T::AccountId],
		now: BlockNumberFor<T>,
	) {
		Self::add_shares(claim_id, deciders);
		if let Some(segment) = SegmentChecks::<T>::take(claim_id, seq) {
			Self::unindex_seats(claim_id, seq, &segment);
		}
		if let Some(challenge) = check.challenges.iter_mut().find(|challenge| challenge.seq == seq)
		{
			challenge.status = SegmentStatus::Passed;
		}
		Self::deposit_event(Event::SegmentPassed { claim_id, seq });
		let all_passed = check
			.challenges
			.iter()
			.all(|challenge| challenge.status == SegmentStatus::Passed);
		if all_passed {
			check.status = CheckStatus::Passed;
			let transcoder = check.transcoder.clone();
			Checks::<T>::insert(claim_id, check);
			Self::unexpose(&transcoder);
			Self::deposit_event(Event::VerificationPassed { claim_id });
			Self::settle_if_due(claim_id, now);
		} else {
			Checks::<T>::insert(claim_id, check);
		}
	}

	pub(super) fn fail(
		claim_id: ClaimId,
		mut check: ClaimCheckOf<T>,
		seq: SegmentSeq,
		deciders: &[T::AccountId],
		now: BlockNumberFor<T>,
	) {
		Self::add_shares(claim_id, deciders);
		// The deciding segment's members were released by the caller (they all voted, or
		// the silent ones were slashed); the other segments' silent members are released
		// here: their checks stop.
		Self::clear_segments(claim_id, Some(seq));
		check.status = CheckStatus::Failed;
		let transcoder = check.transcoder.clone();
		Checks::<T>::insert(claim_id, check);
		Self::unexpose(&transcoder);
		Self::deposit_event(Event::VerificationFailed { claim_id, seq });
		Self::slash(
			&transcoder,
			T::FailedVerificationSlash::get(),
			SlashReason::FailedVerification,
			None,
			Perbill::zero(),
		);
		Self::settle_if_due(claim_id, now);
	}

	pub(super) fn missed(
		claim_id: ClaimId,
		mut check: ClaimCheckOf<T>,
		finder: Option<T::AccountId>,
	) {
		Self::clear_segments(claim_id, None);
		check.status = CheckStatus::Missed;
		let transcoder = check.transcoder.clone();
		Checks::<T>::insert(claim_id, check);
		Self::unexpose(&transcoder);
		Self::deposit_event(Event::VerificationMissed { claim_id, finder: finder.clone() });
		Self::slash(
			&transcoder,
			T::MissedVerificationSlash::get(),
			SlashReason::MissedVerification,
			finder,
			T::FinderFee::get(),
		);
		Self::settle_if_due(claim_id, frame_system::Pallet::<T>::block_number());
	}

	pub(super) fn slash(
		transcoder: &T::AccountId,
		fraction: Perbill,
		reason: SlashReason,
		finder: Option<T::AccountId>,
		finder_fee: Perbill,
	) {
		let amount = T::Slashing::slash(transcoder, fraction, finder.clone(), finder_fee);
		Self::deposit_event(Event::Slashed {
			transcoder: transcoder.clone(),
			amount,
			reason,
			finder,
		});
	}

	/// Settles a claim whose checks ended after its verification window closed (the
	/// automatic payout of pallet-jobs deferred it). A failed settlement leaves it to
	/// `distribute_fees`.
	pub(super) fn settle_if_due(claim_id: ClaimId, now: BlockNumberFor<T>) {
		let due = pallet_jobs::Claims::<T>::get(claim_id)
			.is_some_and(|claim: ClaimInfo<_, _, _>| now >= claim.payable_at);
		if due {
			let _ = pallet_jobs::Pallet::<T>::settle_claim(claim_id);
		}
	}
}
