//! Storage, event and runtime API types of pallet-verification.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use olc_primitives::{Hash256, MaxProfiles};
use pallet_jobs::SegmentSeq;
use scale_info::TypeInfo;

/// How many committees a segment gets at most: the first, and one in which the members that
/// did not vote are replaced. After the last one the votes cast decide (see the crate docs).
pub const MAX_COMMITTEE_ROUNDS: u8 = 2;

/// Where a claim is in its verification.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum CheckStatus {
	/// Waiting for the hash of the block after the claim, then for the scan of its range.
	AwaitingChallenges,
	/// Challenges issued: the claimant must prove them by the proof deadline.
	AwaitingProofs,
	/// Every challenge proven: committees are checking the segments' content.
	AwaitingVerdicts,
	/// Every challenged segment passed: the claim is paid.
	Passed,
	/// Not every challenge was proven by the deadline: slashed, the fee is refunded.
	Missed,
	/// A committee found a segment bad: slashed, the fee is refunded.
	Failed,
}

impl CheckStatus {
	/// Whether the verification has ended (nothing more happens but the settlement).
	pub fn is_final(self) -> bool {
		matches!(self, Self::Passed | Self::Missed | Self::Failed)
	}
}

/// Where a challenged segment is in its verification.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum SegmentStatus {
	/// Not proven yet.
	Challenged,
	/// Proven; its committee is drawn in the next block.
	Proven,
	/// Its committee is checking it.
	UnderReview,
	/// Its committee (or the lack of one) passed it.
	Passed,
}

/// A challenged segment of a claim.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Challenge {
	/// The segment's sequence number.
	pub seq: SegmentSeq,
	/// Its status.
	pub status: SegmentStatus,
}

/// Progress of the scan that picks a claim's challenges, kept between blocks.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxProofs))]
pub struct Scan<MaxProofs: Get<u32>> {
	/// The next sequence number to hash.
	pub next_seq: SegmentSeq,
	/// The seed: the hash of the block after the claim.
	pub seed: Hash256,
	/// The selected segments with their scores, at most `MaxProofs`: those with the lowest
	/// scores among the ones whose score is a multiple of the verification rate.
	pub selected: BoundedVec<(u64, SegmentSeq), MaxProofs>,
	/// The segment with the lowest score so far (challenged if none is selected).
	pub lowest: Option<(u64, SegmentSeq)>,
}

/// The verification of one claim.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxProofs))]
pub struct ClaimCheck<AccountId, BlockNumber, MaxProofs: Get<u32>>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// The claimant.
	pub transcoder: AccountId,
	/// Its status.
	pub status: CheckStatus,
	/// The first block in which the challenges may be issued (the claim's block + 2).
	pub issue_at: BlockNumber,
	/// The challenge scan, while the status is `AwaitingChallenges` and the scan has started.
	pub scan: Option<Scan<MaxProofs>>,
	/// The challenged segments in sequence order (empty until issued).
	pub challenges: BoundedVec<Challenge, MaxProofs>,
	/// The last block in which proofs are accepted (set when the challenges are issued).
	pub proof_deadline: Option<BlockNumber>,
}

/// A committee member and its vote.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct CommitteeMember<AccountId, Balance> {
	/// The verifier, an active transcoder.
	pub who: AccountId,
	/// Its stake when drawn (the missed-vote slash is a fraction of it).
	pub stake: Balance,
	/// Its verdict: `Some(true)` the renditions are right.
	pub vote: Option<bool>,
}

/// The content check of one proven segment.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxVerifiers))]
pub struct SegmentCheck<AccountId, Balance, BlockNumber, MaxVerifiers: Get<u32>>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// blake2-256 of the input segment, from the broadcaster's signed header.
	pub input_hash: Hash256,
	/// blake2-256 of each rendition, in the order of the job's profiles, from the receipt.
	pub output_hashes: BoundedVec<Hash256, MaxProfiles>,
	/// The committee (empty until drawn).
	pub members: BoundedVec<CommitteeMember<AccountId, Balance>, MaxVerifiers>,
	/// Members replaced for not voting; never drawn again for this segment.
	pub replaced: BoundedVec<AccountId, MaxVerifiers>,
	/// The committee round, from 0 (see [`MAX_COMMITTEE_ROUNDS`]).
	pub round: u8,
	/// The last block in which the committee may vote.
	pub deadline: BlockNumber,
}

/// Which task queue an entry is in (see the crate docs).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum TaskQueue {
	/// Claims whose challenges are due (scanned under the per-block hash budget).
	Issue,
	/// Proven segments whose committee is drawn from the hash of the block with the proof.
	Draw,
	/// Committees whose voting period has closed.
	VerdictDeadline,
	/// Claims whose proof deadline (plus the reporting period) has passed.
	ProofDeadline,
}

/// An entry of a task queue. Within a queue entries are due in the order pushed.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct QueuedTask<BlockNumber> {
	/// The claim.
	pub claim_id: pallet_jobs::ClaimId,
	/// The segment (`Draw` and `VerdictDeadline` only).
	pub seq: SegmentSeq,
	/// The first block in which the task runs.
	pub due: BlockNumber,
}

/// Head (next to pop) and tail (next free slot) of a task queue.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, Default, TypeInfo, MaxEncodedLen)]
pub struct QueueBounds {
	/// Index of the oldest entry.
	pub head: u64,
	/// Index the next entry gets.
	pub tail: u64,
}

/// Why a transcoder was slashed.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum SlashReason {
	/// It did not prove its claim's challenges in time.
	MissedVerification,
	/// A committee found one of its renditions bad.
	FailedVerification,
	/// As a committee member it did not vote in time.
	MissedVote,
	/// As a committee member it voted against the committee's decision.
	LosingVote,
}

/// A segment's committee as the runtime API shows it: (seq, members, voting deadline).
pub type CommitteeView<AccountId, Balance, BlockNumber> =
	(SegmentSeq, alloc::vec::Vec<CommitteeMember<AccountId, Balance>>, BlockNumber);

/// A claim's verification as the runtime API shows it.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct ClaimCheckView<AccountId, Balance, BlockNumber> {
	/// The claimant.
	pub transcoder: AccountId,
	/// The status.
	pub status: CheckStatus,
	/// The challenged segments with their status (empty until issued).
	pub challenges: alloc::vec::Vec<Challenge>,
	/// The last block in which proofs are accepted.
	pub proof_deadline: Option<BlockNumber>,
	/// The committees of the proven segments.
	pub committees: alloc::vec::Vec<CommitteeView<AccountId, Balance, BlockNumber>>,
}

/// A segment a verifier must vote on, as the runtime API shows it.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct VerifierDuty<BlockNumber> {
	/// The claim.
	pub claim_id: pallet_jobs::ClaimId,
	/// The segment.
	pub seq: SegmentSeq,
	/// blake2-256 of the input segment.
	pub input_hash: Hash256,
	/// blake2-256 of each rendition, in the order of the job's profiles.
	pub output_hashes: alloc::vec::Vec<Hash256>,
	/// The last block in which the vote counts.
	pub deadline: BlockNumber,
}
