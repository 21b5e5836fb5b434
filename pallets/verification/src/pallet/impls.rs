//! Sampling rate, scores and seeds, verifier fees, worst-case weights of the calls, and the
//! bookkeeping of segment checks and exposures.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// One segment in this many is challenged (genesis override or the default).
	pub fn verification_rate() -> u32 {
		VerificationRateOverride::<T>::get()
			.unwrap_or_else(T::VerificationRate::get)
			.max(1)
	}

	/// The score of segment `seq` of claim `claim_id` (see the crate docs): challenged if a
	/// multiple of the verification rate.
	pub fn score(seed: &[u8; 32], claim_id: ClaimId, seq: SegmentSeq) -> u64 {
		let hash = olc_primitives::blake2_256(&(seed, claim_id, seq).encode());
		let mut low = [0u8; 8];
		for (to, from) in low.iter_mut().zip(hash.iter()) {
			*to = *from;
		}
		u64::from_le_bytes(low)
	}

	/// The challenge seed of a claim made in block `claimed_at`: the hash of the next block,
	/// or the parent hash if that one is not available (not yet, or pruned).
	pub fn challenge_seed(claimed_at: BlockNumberFor<T>) -> [u8; 32] {
		let next = frame_system::Pallet::<T>::block_hash(claimed_at.saturating_add(1u32.into()));
		let hash = if next == T::Hash::default() {
			frame_system::Pallet::<T>::parent_hash()
		} else {
			next
		};
		let mut seed = [0u8; 32];
		for (to, from) in seed.iter_mut().zip(hash.as_ref().iter()) {
			*to = *from;
		}
		seed
	}

	/// The verifier fees of a claim with fee `fee` and the given shares.
	pub fn verifier_fees(
		fee: BalanceOf<T>,
		shares: &[(T::AccountId, u32)],
	) -> Vec<(T::AccountId, BalanceOf<T>)> {
		let total_shares = shares.iter().fold(0u32, |sum, (_, count)| sum.saturating_add(*count));
		if total_shares == 0 {
			return Vec::new();
		}
		let pot = T::VerifierFee::get().mul_floor(fee);
		shares
			.iter()
			.map(|(who, count)| {
				(who.clone(), Perbill::from_rational(*count, total_shares).mul_floor(pot))
			})
			.filter(|(_, amount)| !amount.is_zero())
			.collect()
	}

	/// Worst-case weight of [`Pallet::submit_verdict`]: the deciding vote fails the claim,
	/// slashes and settles it.
	pub fn submit_verdict_weight() -> Weight {
		// The claimant's slash and one per member on the losing side.
		let slashes = u64::from(T::VerifiersPerSegment::get()).saturating_add(1);
		<T as Config>::WeightInfo::submit_verdict()
			.saturating_add(T::Slashing::slash_weight().saturating_mul(slashes))
			.saturating_add(Self::settle_weight())
	}

	/// Worst-case weight of [`Pallet::report_missed`].
	pub fn report_missed_weight() -> Weight {
		<T as Config>::WeightInfo::report_missed()
			.saturating_add(T::Slashing::slash_weight())
			.saturating_add(Self::settle_weight())
	}

	/// Settling a claim through pallet-jobs, with a transfer per verifier.
	pub fn settle_weight() -> Weight {
		<T as pallet_jobs::Config>::WeightInfo::distribute_fees().saturating_add(
			T::DbWeight::get()
				.reads_writes(2, 2)
				.saturating_mul(u64::from(MaxFeeShares::<T>::get())),
		)
	}

	/// Removes a segment check's seats without a vote from the [`UnvotedSeats`] index (when
	/// the check is removed).
	pub(super) fn unindex_seats(claim_id: ClaimId, seq: SegmentSeq, segment: &SegmentCheckOf<T>) {
		for member in segment.members.iter().filter(|member| member.vote.is_none()) {
			UnvotedSeats::<T>::remove(&member.who, (claim_id, seq));
		}
	}

	/// Counts one more outcome that can slash `who` (a claim or a committee seat).
	pub(crate) fn expose(who: &T::AccountId) {
		Exposures::<T>::mutate(who, |count| *count = count.saturating_add(1));
	}

	/// Counts one outcome that can slash `who` less.
	pub(crate) fn unexpose(who: &T::AccountId) {
		Exposures::<T>::mutate_exists(who, |count| match count {
			Some(n) if *n > 1 => *n = n.saturating_sub(1),
			Some(_) => *count = None,
			None => {
				frame_support::defensive!("an exposure is released that was never counted");
			},
		});
	}

	/// Removes every segment check of `claim_id` (at most `MaxProofs`), releasing the
	/// members that had not voted, except those of segment `skip` (released by the caller).
	pub(super) fn clear_segments(claim_id: ClaimId, skip: Option<SegmentSeq>) {
		let limit = T::MaxProofs::get() as usize;
		let segments: Vec<(SegmentSeq, SegmentCheckOf<T>)> =
			SegmentChecks::<T>::drain_prefix(claim_id).take(limit).collect();
		for (seq, segment) in segments {
			Self::unindex_seats(claim_id, seq, &segment);
			if Some(seq) == skip {
				continue;
			}
			for member in segment.members.iter().filter(|member| member.vote.is_none()) {
				Self::unexpose(&member.who);
			}
		}
	}
}
