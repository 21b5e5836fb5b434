//! Storage, event and runtime API types of pallet-jobs.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use olc_primitives::{MaxProfiles, Profile, StreamId};
use pallet_staking_delegation::ServiceUri;
use scale_info::TypeInfo;

/// Identifies a job (global counter, never reused).
pub type JobId = u64;
/// Identifies a claim (global counter, never reused; claims become payable in this order).
pub type ClaimId = u64;
/// A segment's sequence number within its stream.
pub type SegmentSeq = u64;
/// A Merkle root over transcode receipts (see [`olc_primitives::merkle`]).
pub type MerkleRoot = [u8; 32];

/// Longest stream title, in bytes.
pub const MAX_TITLE_LEN: u32 = 128;
/// A stream's title as its owner chose it.
pub type StreamTitle = BoundedVec<u8, ConstU32<MAX_TITLE_LEN>>;
/// Most jobs a stream may have open at once (e.g. the ladder split over several transcoders).
pub const MAX_OPEN_JOBS_PER_STREAM: u32 = 4;
/// Most streams one owner may have that are not ended or banned (bounds banning a broadcaster).
pub const MAX_OPEN_STREAMS_PER_OWNER: u32 = 8;
/// Most transcoders a job keeps a grace claim for at once (see [`Grace`]); a transcoder that
/// leaves a job while all are taken gets none.
pub const MAX_GRACES_PER_JOB: u32 = 4;
/// The grace claims of a job.
pub type Graces<AccountId, Balance, BlockNumber> =
	BoundedVec<Grace<AccountId, Balance, BlockNumber>, ConstU32<MAX_GRACES_PER_JOB>>;
/// The open jobs of a stream.
pub type OpenJobs = BoundedVec<JobId, ConstU32<MAX_OPEN_JOBS_PER_STREAM>>;
/// The profiles a job transcodes into.
pub type Profiles = BoundedVec<Profile, MaxProfiles>;

/// Where a stream is in its life.
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
pub enum StreamStatus {
	/// No open job.
	Idle,
	/// At least one open job (waiting for or working with a transcoder).
	Live,
	/// Ended by its owner: no new jobs.
	Ended,
	/// Banned by the ban origin: no new jobs.
	Banned,
}

impl StreamStatus {
	/// Whether jobs may still be created for the stream.
	pub fn is_open(self) -> bool {
		matches!(self, Self::Idle | Self::Live)
	}
}

/// A stream.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct StreamInfo<AccountId, BlockNumber> {
	/// The broadcaster that created it; only it may create jobs for it.
	pub owner: AccountId,
	/// Free text shown on the viewer page.
	pub title: StreamTitle,
	/// Its status.
	pub status: StreamStatus,
	/// The block in which it was created.
	pub created_at: BlockNumber,
	/// Its jobs that are not ended.
	pub open_jobs: OpenJobs,
	/// The sr25519 key that signs the stream's segment headers, recorded at creation: workers
	/// accept only segments signed by it and verification checks receipts against it, so a
	/// broadcaster signing with any other key cannot make an honest transcoder's work fail.
	pub segment_key: sp_core::sr25519::Public,
}

/// Whether `key` is usable as an sr25519 public key: the canonical encoding of a Ristretto point
/// other than the identity (whose signatures anyone can forge).
pub fn is_valid_segment_key(key: &sp_core::sr25519::Public) -> bool {
	use curve25519_dalek::{ristretto::CompressedRistretto, traits::IsIdentity};
	CompressedRistretto(key.0)
		.decompress()
		.is_some_and(|point| !point.is_identity())
}

/// A valid segment key for tests and benchmarks that sign nothing: the Ristretto basepoint,
/// whose secret key (1) everyone knows.
#[cfg(any(feature = "std", feature = "runtime-benchmarks"))]
pub fn insecure_segment_key() -> sp_core::sr25519::Public {
	sp_core::sr25519::Public::from_raw(
		curve25519_dalek::constants::RISTRETTO_BASEPOINT_COMPRESSED.to_bytes(),
	)
}

/// Where a job is in its life.
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
pub enum JobStatus {
	/// Waiting for an election (new, retrying, or its transcoder was deactivated).
	AwaitingTranscoder,
	/// A transcoder works on it.
	Assigned,
	/// Ended or cancelled: no new work; its unclaimed deposit was released, except what is
	/// reserved for its last transcoder's grace claims. Claims made before still settle.
	Ended,
}

/// The transcoder elected for a job, on the terms it had when elected.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Assignment<AccountId, Balance, BlockNumber> {
	/// The transcoder.
	pub transcoder: AccountId,
	/// The price per segment and profile agreed for the whole job.
	pub price_per_segment: Balance,
	/// Where the broadcaster sends segments.
	pub service_uri: ServiceUri,
	/// The block of the election.
	pub assigned_at: BlockNumber,
}

/// A transcoding job.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct JobInfo<AccountId, Balance, BlockNumber> {
	/// The stream transcoded.
	pub stream_id: StreamId,
	/// The stream's owner, who pays.
	pub broadcaster: AccountId,
	/// The renditions ordered.
	pub profiles: Profiles,
	/// The highest price per segment and profile the broadcaster accepts.
	pub max_price_per_segment: Balance,
	/// Deposit still held for future claims.
	pub deposit: Balance,
	/// Claimed fees held until their verification window closes.
	pub escrow: Balance,
	/// Fees paid out to transcoders (and to verifiers, see `ClaimVerification::on_settle`) so far.
	pub paid: Balance,
	/// Its status.
	pub status: JobStatus,
	/// The current transcoder, if any.
	pub assignment: Option<Assignment<AccountId, Balance, BlockNumber>>,
	/// The block in which it was created.
	pub created_at: BlockNumber,
	/// The last block in which work may be claimed; after it anyone may end the job.
	pub expires_at: BlockNumber,
	/// The lowest sequence number this job can still claim: every segment below it was claimed
	/// (or skipped) by this job. A claim starting below it is a double claim. Each job of a
	/// stream has its own, so transcoders sharing a stream's ladder are each paid for their
	/// renditions and none can lock the others out.
	pub next_claimable_seq: SegmentSeq,
	/// Transcoders that left the job (it ended, or they were deactivated) and may still claim
	/// the work they did while assigned, until their grace period ends.
	pub graces: Graces<AccountId, Balance, BlockNumber>,
	/// Where a job waiting for a transcoder is queued for election (queue and index), so that
	/// ending it removes the entry and a cancelled job costs no election slot.
	pub election_slot: Option<(ElectionQueue, u64)>,
}

impl<AccountId: PartialEq, Balance, BlockNumber> JobInfo<AccountId, Balance, BlockNumber> {
	/// The grace claim of `who` on this job, if it has one.
	pub fn grace_of(&self, who: &AccountId) -> Option<&Grace<AccountId, Balance, BlockNumber>> {
		self.graces.iter().find(|grace| grace.transcoder == *who)
	}
}

/// What a transcoder that left a job may still claim: the work it did while assigned, at its
/// agreed price, until `until`, paid from `reserved` (part of the deposit kept on hold for it).
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Grace<AccountId, Balance, BlockNumber> {
	/// The transcoder that left.
	pub transcoder: AccountId,
	/// Its agreed price per segment and profile.
	pub price_per_segment: Balance,
	/// Deposit kept on hold for its claims; what is left at `until` goes back to the job's
	/// deposit (open job) or to the broadcaster (ended job).
	pub reserved: Balance,
	/// The last block in which it may claim.
	pub until: BlockNumber,
	/// Its own claim cursor, from the job's when it left: its claims start at or above it.
	pub next_claimable_seq: SegmentSeq,
}

/// An entry of the grace expiry queue: job `job_id`'s grace claim of `transcoder` ends after
/// block `until`.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct GraceExpiry<AccountId, BlockNumber> {
	/// The job.
	pub job_id: JobId,
	/// The transcoder.
	pub transcoder: AccountId,
	/// The last block of its grace period.
	pub until: BlockNumber,
}

/// What the retention queue removes once its retention period is over (see the crate docs,
/// "Retention").
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub enum Retired {
	/// An ended job: removed with its [`crate::StreamJobs`] entry once it has no unsettled
	/// claim and no grace claim left.
	Job(JobId),
	/// An ended or banned stream: removed once none of its jobs is left.
	Stream(StreamId),
}

/// An entry of the retention queue: `item` may be removed from block `due` on.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct RetentionEntry<BlockNumber> {
	/// The ended job or stream.
	pub item: Retired,
	/// The first block in which it may be removed.
	pub due: BlockNumber,
}

/// A claim of transcoded segments, paid after its verification window.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct ClaimInfo<AccountId, Balance, BlockNumber> {
	/// The job worked on.
	pub job_id: JobId,
	/// The stream's owner, whose escrow hold pays the fee.
	pub broadcaster: AccountId,
	/// The transcoder paid.
	pub transcoder: AccountId,
	/// First segment claimed.
	pub start_seq: SegmentSeq,
	/// Last segment claimed (inclusive).
	pub end_seq: SegmentSeq,
	/// Root of the Merkle tree over the receipts of `start_seq..=end_seq`, in order.
	pub merkle_root: MerkleRoot,
	/// segments × profiles × agreed price, held in escrow.
	pub fee: Balance,
	/// The block of the claim.
	pub claimed_at: BlockNumber,
	/// The first block in which the fee may be paid out.
	pub payable_at: BlockNumber,
}

/// Which election queue an entry is in (see the crate docs).
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
pub enum ElectionQueue {
	/// New jobs and jobs whose transcoder was deactivated: elected in the next block.
	Fresh,
	/// Jobs that found no eligible transcoder: retried `ElectionRetryInterval` blocks later.
	Retry,
}

/// An entry of an election queue.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct ElectionRequest<AccountId, BlockNumber> {
	/// The job to elect a transcoder for.
	pub job_id: JobId,
	/// The first block in which the election may run.
	pub due: BlockNumber,
	/// A transcoder this job must not get again: the one deactivated from it, which may still
	/// be listed by the directory until its round ends.
	pub exclude: Option<AccountId>,
}

/// Head (next to pop) and tail (next free slot) of an election queue.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, Default, TypeInfo, MaxEncodedLen)]
pub struct QueueBounds {
	/// Index of the oldest entry.
	pub head: u64,
	/// Index the next entry gets.
	pub tail: u64,
}

/// An active transcoder as the election sees it.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct Candidate<AccountId, Balance> {
	/// The transcoder.
	pub who: AccountId,
	/// Its stake this round (the election weight).
	pub stake: Balance,
	/// Its price per segment and profile this round.
	pub price_per_segment: Balance,
}

/// What a verifier says about a claim whose window has closed.
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
pub enum Verdict {
	/// No failed verification: pay the transcoder.
	Pay,
	/// Verification still running: keep the fee in escrow.
	Hold,
	/// Verification failed: return the fee to the broadcaster.
	Fail,
}

/// Why a claim whose window closed was not settled by the automatic payout.
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
pub enum DeferReason {
	/// The verifier holds it.
	OnHold,
	/// Crediting the fee failed (e.g. the transcoder is not in the active set).
	PayoutFailed,
}

/// Why a job ended.
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
pub enum EndReason {
	/// The broadcaster ended it.
	Broadcaster,
	/// Someone ended it after it expired.
	Expired,
	/// The broadcaster cancelled it before any transcoder was assigned.
	Cancelled,
	/// Its stream was ended.
	StreamEnded,
	/// Its stream was banned.
	StreamBanned,
}
