//! Runtime API of pallet-verification, for the transcoder and verifier software and tools: a
//! claim's challenged segments, its verification state with the committees, and the segments a
//! verifier must vote on.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use pallet_verification::{
	Challenge, CheckStatus, ClaimCheckView, ClaimId, CommitteeMember, SegmentSeq, SegmentStatus,
	VerifierDuty,
};

sp_api::decl_runtime_apis! {
	/// Reads of pallet-verification. A runtime implements it with the pallet's
	/// `challenges_view`, `claim_check_view` and `duties_view`.
	///
	/// Version 2 pages `duties` (`start_after`, `limit`, read through the pallet's
	/// `UnvotedSeats` index; version 1 scanned every segment check and returned them all). The
	/// node and the runtime are released together: the node's RPC calls version 2.
	#[api_version(2)]
	pub trait VerificationApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// The challenged segments of a claim, in sequence order; `None` until they are issued
		/// (in the second block after the claim or later) or if the claim is unknown or settled.
		fn challenges(claim_id: ClaimId) -> Option<Vec<SegmentSeq>>;

		/// A claim's verification: status, challenges, proof deadline and the committees of its
		/// segments under review.
		fn claim_check(claim_id: ClaimId) -> Option<ClaimCheckView<AccountId, Balance, BlockNumber>>;

		/// Up to `limit` of the segments `who` sits on the committee of and has not voted on
		/// yet, in storage order, starting after `start_after` (the `(claim, seq)` of the last
		/// duty of the previous page; `None` for the first page).
		fn duties(
			who: AccountId,
			start_after: Option<(ClaimId, SegmentSeq)>,
			limit: u32,
		) -> Vec<VerifierDuty<BlockNumber>>;
	}
}
