//! Storage, event and runtime API types of pallet-reporting.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use olc_primitives::StreamId;
use scale_info::TypeInfo;

pub use pallet_staking_delegation::RoundIndex;

/// Identifies a report (global counter, never reused; reports expire in this order).
pub type ReportId = u64;
/// A maintainer's network address: 32 bytes in the XOR metric space of the trusted groups.
pub type Address = [u8; 32];
/// Why a stream was reported (the viewer page maps the codes to texts).
pub type ReasonCode = u8;

/// Longest evidence a report may carry, in bytes (e.g. a content hash and a segment range).
pub const MAX_EVIDENCE_LEN: u32 = 256;
/// The evidence attached to a report.
pub type Evidence = BoundedVec<u8, ConstU32<MAX_EVIDENCE_LEN>>;

/// The largest trusted group any configuration may ask for (`GroupSize` must not exceed it).
pub const MAX_GROUP_SIZE: u32 = 32;
/// The smallest trusted group any configuration may ask for (`GroupSize` must be at least it).
pub const MIN_GROUP_SIZE: u32 = 3;
/// Blocks from a report to the draw of its group: the group is drawn in block `report + 2` from
/// its parent hash, the hash of block `report + 1`, which nobody knew when the report was filed.
pub const GROUP_DELAY: u32 = 2;

/// A group member and its vote (`None` until it voted; `Some(true)` = guilty).
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct GroupMember<AccountId> {
	/// The maintainer.
	pub who: AccountId,
	/// Its vote, if it voted.
	pub vote: Option<bool>,
}

/// A report's trusted group, XOR-closest first (empty until drawn).
pub type Group<AccountId> = BoundedVec<GroupMember<AccountId>, ConstU32<MAX_GROUP_SIZE>>;

/// Where a report is in its life.
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
pub enum ReportStatus {
	/// Voting is open.
	Open,
	/// A guilty quorum was reached: the broadcaster was banned and its funds confiscated.
	Upheld,
	/// The voting period ended without a guilty quorum, or no full group could be drawn
	/// ([`crate::Event::ReportVoided`]).
	Rejected,
}

/// A report against a stream's broadcaster.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct ReportInfo<AccountId, Balance, BlockNumber> {
	/// Who reported (and put the deposit on hold).
	pub reporter: AccountId,
	/// The stream reported.
	pub stream_id: StreamId,
	/// The stream's owner, who is banned if the report is upheld.
	pub broadcaster: AccountId,
	/// Why.
	pub reason: ReasonCode,
	/// The reporter's evidence.
	pub evidence: Evidence,
	/// The report deposit on hold in the reporter's account.
	pub deposit: Balance,
	/// The block of the report.
	pub created_at: BlockNumber,
	/// The first block in which votes are no longer accepted and the report can be resolved
	/// (`VotingPeriod` blocks after the group is drawn).
	pub expires_at: BlockNumber,
	/// Guilty votes needed to uphold the report (of a full group).
	pub quorum: u32,
	/// The trusted group with its votes (empty until drawn).
	pub group: Group<AccountId>,
	/// Its status.
	pub status: ReportStatus,
	/// The block in which the group was drawn (`None` until then, and for a voided report).
	pub group_drawn_at: Option<BlockNumber>,
}

impl<AccountId, Balance, BlockNumber> ReportInfo<AccountId, Balance, BlockNumber> {
	/// How many members voted guilty and how many not guilty.
	pub fn tally(&self) -> (u32, u32) {
		self.group
			.iter()
			.fold((0u32, 0u32), |(guilty, innocent), member| match member.vote {
				Some(true) => (guilty.saturating_add(1), innocent),
				Some(false) => (guilty, innocent.saturating_add(1)),
				None => (guilty, innocent),
			})
	}
}

/// Where a maintainer is in its life.
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
pub enum MaintainerStatus<BlockNumber> {
	/// In the maintainer set (on probation until `full_from`).
	Active,
	/// Left or was expelled: out of the set, may still vote in the groups it was called to;
	/// its bond may be withdrawn from `withdrawable_at` on.
	Leaving {
		/// The first block in which the bond may be withdrawn.
		withdrawable_at: BlockNumber,
	},
}

/// A maintainer's record.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct MaintainerInfo<Balance, BlockNumber> {
	/// Its network address (see the crate docs).
	pub address: Address,
	/// The bond on hold.
	pub bond: Balance,
	/// The block in which it joined.
	pub joined_at: BlockNumber,
	/// The first block in which it is a full maintainer (end of probation).
	pub full_from: BlockNumber,
	/// Its status.
	pub status: MaintainerStatus<BlockNumber>,
}

/// An entry of the maintainer set: what group selection and the commission payout need,
/// without reading each maintainer's record.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct SetEntry<AccountId, BlockNumber> {
	/// The maintainer.
	pub who: AccountId,
	/// Its network address.
	pub address: Address,
	/// The first block in which it is a full maintainer.
	pub full_from: BlockNumber,
	/// The last round in which it missed a vote it was called to, if any.
	pub missed_round: Option<RoundIndex>,
}

/// A round's commission being paid out, a few recipients per block.
#[derive(
	Encode,
	Decode,
	frame_support::CloneNoBound,
	frame_support::PartialEqNoBound,
	frame_support::EqNoBound,
	frame_support::DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxRecipients))]
#[codec(mel_bound(AccountId: MaxEncodedLen, Balance: MaxEncodedLen))]
pub struct CommissionPayout<
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxRecipients: frame_support::traits::Get<u32>,
> {
	/// The round paid for.
	pub round: RoundIndex,
	/// What each recipient gets.
	pub per_member: Balance,
	/// Recipients not paid yet (paid from the end).
	pub recipients: BoundedVec<AccountId, MaxRecipients>,
}

/// A maintainer as the runtime API shows it.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct MaintainerView<AccountId, Balance, BlockNumber> {
	/// Its account, i.e. its public key.
	pub who: AccountId,
	/// Its network address.
	pub address: Address,
	/// Its bond.
	pub bond: Balance,
	/// When it joined.
	pub joined_at: BlockNumber,
	/// When its probation ends (ended).
	pub full_from: BlockNumber,
	/// Whether it is a full maintainer now (in the set and past probation).
	pub full: bool,
	/// Its status.
	pub status: MaintainerStatus<BlockNumber>,
}
