//! Reads for the runtime API (transcoders, verifiers and tools).

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_jobs::{ClaimId, SegmentSeq};

impl<T: Config> Pallet<T> {
	/// The challenged segments of a claim, in sequence order; `None` until they are issued (or
	/// if the claim is unknown or settled).
	pub fn challenges_view(claim_id: ClaimId) -> Option<Vec<SegmentSeq>> {
		let check = Checks::<T>::get(claim_id)?;
		check.proof_deadline?;
		Some(check.challenges.iter().map(|challenge| challenge.seq).collect())
	}

	/// A claim's verification with the committees of its segments under review.
	pub fn claim_check_view(
		claim_id: ClaimId,
	) -> Option<ClaimCheckView<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let check = Checks::<T>::get(claim_id)?;
		let committees = SegmentChecks::<T>::iter_prefix(claim_id)
			.filter(|(_, segment)| !segment.members.is_empty())
			.map(|(seq, segment)| (seq, segment.members.into_inner(), segment.deadline))
			.collect();
		Some(ClaimCheckView {
			transcoder: check.transcoder,
			status: check.status,
			challenges: check.challenges.into_inner(),
			proof_deadline: check.proof_deadline,
			committees,
		})
	}

	/// Up to `limit` of the segments `who` must still vote on: (claim, seq, input hash, output
	/// hashes, voting deadline), in storage order, starting after `start_after` (the
	/// `(claim, seq)` of the last duty of the previous page; `None` for the first page). Reads
	/// the `UnvotedSeats` index: at most `limit` index keys and `limit` segment checks.
	pub fn duties_view(
		who: T::AccountId,
		start_after: Option<(ClaimId, SegmentSeq)>,
		limit: u32,
	) -> Vec<VerifierDuty<BlockNumberFor<T>>> {
		let seats: Vec<(ClaimId, SegmentSeq)> = match start_after {
			Some(after) => UnvotedSeats::<T>::iter_key_prefix_from(
				&who,
				UnvotedSeats::<T>::hashed_key_for(&who, after),
			)
			.take(limit as usize)
			.collect(),
			None => UnvotedSeats::<T>::iter_key_prefix(&who).take(limit as usize).collect(),
		};
		seats
			.into_iter()
			.filter_map(|(claim_id, seq)| {
				let segment = SegmentChecks::<T>::get(claim_id, seq)?;
				Some(VerifierDuty {
					claim_id,
					seq,
					input_hash: segment.input_hash,
					output_hashes: segment.output_hashes.into_inner(),
					deadline: segment.deadline,
				})
			})
			.collect()
	}
}
