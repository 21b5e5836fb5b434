//! # pallet-reporting
//!
//! Network maintainers judge reports against broadcasters in small trusted groups; a broadcaster
//! found guilty is banned and its funds are confiscated. Maintainers are paid from the
//! maintainers pot of pallet-olc-token, which receives 20% of every transaction fee.
//!
//! ## Maintainers
//!
//! [`Pallet::join_maintainers`] puts [`Config::MaintainerBond`] on hold
//! ([`HoldReason::MaintainerBond`]) and gives the maintainer a network *address* it cannot
//! choose: `blake2_256(("OLC/maintainer-address/v1", account, parent block hash, join counter))`
//! (SCALE-encoded; the account is the maintainer's public key, the counter is global and grows
//! with every join). The block's own hash is not known while the block executes, so the parent
//! hash stands for it; either way the address is unpredictable before the block and every
//! rejoin gives a new one. A new maintainer is on probation for [`Config::ProbationPeriod`]
//! blocks: until then it is not called into groups and earns no commission. After that it is a
//! *full* maintainer.
//!
//! [`Pallet::leave_maintainers`] takes it out of the set at once (no new groups), but it may
//! still vote in the groups it was already called to, which stay open for at most
//! [`Config::VotingPeriod`] blocks: so its bond stays on hold (and slashable) until then, and
//! [`Pallet::withdraw_bond`] releases it afterwards. Rejoining needs a withdrawn bond, and then
//! gives a new address and a new probation.
//!
//! The set ([`MaintainerSet`]) holds at most [`Config::MaxMaintainers`] maintainers in one
//! storage value, with their address, end of probation and last missed round, so that group
//! selection and the commission payout read one value instead of one record per maintainer.
//!
//! ## Reports and trusted groups
//!
//! A group must not be known before the report it judges: a coalition that could predict the
//! group of a report it is about to file could file filler reports until its members hold a
//! quorum of one, then report any broadcaster and take its balance. So the group is drawn from
//! randomness nobody knows when the report is filed, as the verification challenges are:
//!
//! - [`Pallet::report`] puts [`Config::ReportDeposit`] on hold ([`HoldReason::ReportDeposit`]),
//!   records the report without a group and marks the stream *under review*
//!   ([`StreamsUnderReview`]; a stream has at most one open report). It also freezes the
//!   reported account's whole balance, free and held ([`FreezeReason::UnderReview`], counted
//!   per account in [`OpenReportsAgainst`]) until the last report against it is resolved: what
//!   the ban would confiscate stays in reach. The account cannot transfer or tip it away, the
//!   deposits of jobs it ends come back frozen, and it cannot pay for new deposits or
//!   transaction fees out of it (only OLC it receives meanwhile is spendable). Holds already in
//!   place (stake, job deposits, a maintainer bond) stay where the ban reaches them. It is refused
//!   ([`Error::TooFewMaintainers`]) unless at least [`Config::GroupSize`] full maintainers other
//!   than the broadcaster and the reporter exist, and ([`Error::TooManyReports`]) beyond
//!   [`Config::MaxReportsPerBlock`] reports in one block.
//! - In `on_initialize` of block `report + 2` the group is drawn ([`Event::GroupDrawn`]) from
//!   the parent hash of that block, i.e. the hash of block `report + 1`, which did not exist
//!   when the report was filed: the [`Config::GroupSize`] full maintainers, neither the
//!   broadcaster nor the reporter, whose addresses are closest in XOR distance to
//!   `blake2_256(stream id ‖ report id ‖ hash)` (32 stream id bytes, the report id as 8
//!   little-endian bytes, the 32 hash bytes; see [`group_target`] and [`closest`]). The draws
//!   run in report order, at most `MaxReportsPerBlock` per block — as many as a block may
//!   file, so each report's group is drawn exactly two blocks after it. Votes are accepted only
//!   from then on ([`Error::GroupNotDrawn`]), for [`Config::VotingPeriod`] blocks.
//! - The guilty quorum is [`Config::Quorum`], of a full group. A ban needs a full group: if
//!   fewer than `GroupSize` eligible full maintainers are left when the group is drawn (some
//!   left or were expelled meanwhile), no group is seated, the report is closed as rejected
//!   ([`Event::ReportVoided`]), the reporter gets its deposit back (nobody judged it) and the
//!   reported account's freeze is lifted. There are no bans by a
//!   majority of a smaller group.
//!
//! The block author of `report + 1` could try several blocks to steer the hash; that is the
//! same trust as the verification challenges place in block authors.
//!
//! Drawing a group computes the XOR distance of every full maintainer and sorts them:
//! O(M log M) for M ≤ `MaxMaintainers` maintainers, one storage read; the draw task is
//! benchmarked linear in M and charged per draw. [`Pallet::report`] only counts the eligible
//! maintainers (linear in M, charged at `MaxMaintainers`).
//!
//! ## Votes and outcomes
//!
//! Group members vote with [`Pallet::vote`], once each, once the group is drawn and before the
//! report expires (`VotingPeriod` blocks after the draw).
//!
//! - **Upheld.** As soon as `quorum` members have voted guilty, the report is upheld: the
//!   broadcaster is banned ([`Banned`], which the runtime passes as `BannedAccounts` to
//!   pallet-olc-token — tips to it fail with `RecipientBanned` — and to pallet-jobs — it can
//!   create no streams or jobs), [`Config::Sanctions`] ends its streams and jobs (their
//!   deposits back to its free balance) and releases its bonded stake and unbonding locks into
//!   its free balance, and its maintainer bond (if it is one) is released too. Then everything
//!   it can spend (`reducible_balance`, expendable: its existential deposit too unless other
//!   holds keep the account alive; claimed fees in escrow stay, they pay transcoders for work
//!   done) is confiscated: [`Config::ReporterReward`] of it (rounded down) to the reporter, the
//!   rest split equally among the members who voted guilty, the division's remainder to the
//!   reporter too. The reporter gets its deposit back. Members who voted not guilty are
//!   expelled. Members who had not voted yet are not held to have missed the vote: voting
//!   closed before their turn.
//! - **Rejected.** A report still open when it expires (resolved in `on_initialize`, at most
//!   [`Config::MaxResolutionsPerBlock`] per block in report order, or by anyone with
//!   [`Pallet::resolve_report`]) fails: the reporter's deposit is forfeited to the reported
//!   account, whose balance it froze for nothing (to the maintainers pot if another report
//!   banned that account meanwhile), so freezing someone costs the griefer. The freeze is
//!   lifted (unless other reports against the account are open). Guilty voters are expelled
//!   only if a not-guilty quorum was reached. Members who did not vote at
//!   all missed it: they get no commission for the round in which the report expired.
//! - **Expelled** maintainers lose [`Config::DissentSlash`] of their bond (to the maintainers
//!   pot) and leave the set as if they had called `leave_maintainers`: they may still vote in
//!   their open groups, withdraw the rest of the bond `VotingPeriod` blocks later, and must
//!   rejoin (new address, new probation) to serve again.
//!
//! ## Lifting a wrongful ban
//!
//! [`Config::LiftBanOrigin`] (root in the runtime) may lift a ban with [`Pallet::lift_ban`]:
//! the account leaves [`Banned`], which is all that `BannedAccounts` of pallet-olc-token and
//! pallet-jobs read, so it may be tipped, create streams and jobs, report, vote and join the
//! maintainers again. Nothing else is undone: the confiscated OLC stays with the reporter and
//! the voters, its streams stay banned and its jobs ended, its released stake and maintainer
//! bond are not restored, the report stays upheld and the expelled dissenters stay expelled
//! (their slashed bond stays in the maintainers pot). Making up for those is for governance
//! to do by other means (e.g. a transfer from the treasury).
//!
//! ## Commission
//!
//! Rounds are pallet-staking-delegation's ([`Config::Rounds`], e.g. [`adapters::StakingRounds`]).
//! In the first block in which `on_initialize` sees a new round, the maintainers pot's
//! spendable balance is divided equally among the full maintainers that did not miss a vote in
//! the round that ended (the remainder stays in the pot for the next round). The recipients
//! are paid [`Config::MaxCommissionPayoutsPerBlock`] per block from the next block on; a new
//! round's payout waits until the previous one is done. A maintainer whose last missed vote
//! is in the ended round or later is left out (a miss recorded in the first blocks of the new
//! round, before the payout was scheduled, also costs the ended round's share).
//!
//! ## Configuration and documented defaults
//!
//! | item | production default | dev chain |
//! |---|---|---|
//! | `MaintainerBond` | 10 000 OLC | 100 OLC |
//! | `ProbationPeriod` | 7 days (genesis may override it) | 10 blocks |
//! | `ReportDeposit` | 100 OLC | 10 OLC |
//! | `VotingPeriod` | 1 day (genesis may override it) | 20 blocks |
//! | `GroupSize` | 13 ([`defaults::GROUP_SIZE`]) | 13 |
//! | `Quorum` | 7 ([`defaults::QUORUM`]) | 7 |
//! | `ReporterReward` | 10% ([`defaults::REPORTER_REWARD_PERCENT`]) | 10% |
//! | `DissentSlash` | 10% ([`defaults::DISSENT_SLASH_PERCENT`]) | 10% |
//! | `MaxMaintainers` | 512 ([`defaults::MAX_MAINTAINERS`]) | 512 |
//! | `MaxResolutionsPerBlock` | 4 ([`defaults::MAX_RESOLUTIONS_PER_BLOCK`]) | 4 |
//! | `MaxReportsPerBlock` | 8 ([`defaults::MAX_REPORTS_PER_BLOCK`]) | 8 |
//! | `MaxCommissionPayoutsPerBlock` | 32 ([`defaults::MAX_COMMISSION_PAYOUTS_PER_BLOCK`]) | 32 |
//!
//! `GroupSize` must be within 3..=[`types::MAX_GROUP_SIZE`], `Quorum` a strict majority of it
//! and at most it, `MaxMaintainers` at least `GroupSize` and `MaxReportsPerBlock` at least 1
//! (checked by `integrity_test`). A round
//! should last longer than `MaxMaintainers / MaxCommissionPayoutsPerBlock` blocks so that each
//! round's payout finishes within the next round.
#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code must never panic or overflow silently.
#![cfg_attr(
	not(test),
	deny(
		clippy::unwrap_used,
		clippy::expect_used,
		clippy::panic,
		clippy::indexing_slicing,
		clippy::arithmetic_side_effects
	)
)]

extern crate alloc;

pub use pallet::*;

pub mod adapters;
mod api;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
// Not gated on try-runtime: the sibling pallets' tests run these invariants too (generic, so
// nothing of it reaches a runtime that does not call it).
mod try_state;
pub mod types;
pub mod weights;

pub use olc_primitives::StreamId;
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::Encode;
use frame_support::weights::Weight;

/// Documented defaults of the counts and shares in [`Config`] (amounts and periods depend on
/// the chain's unit and block time: see the crate docs).
pub mod defaults {
	/// Members of a trusted group.
	pub const GROUP_SIZE: u32 = 13;
	/// Guilty votes that uphold a report.
	pub const QUORUM: u32 = 7;
	/// The reporter's share of confiscated funds, in percent.
	pub const REPORTER_REWARD_PERCENT: u32 = 10;
	/// The share of a dissenter's bond slashed on expulsion, in percent.
	pub const DISSENT_SLASH_PERCENT: u32 = 10;
	/// Most maintainers (the set group selection scans).
	pub const MAX_MAINTAINERS: u32 = 512;
	/// Most expired reports resolved in one block.
	pub const MAX_RESOLUTIONS_PER_BLOCK: u32 = 4;
	/// Most commission payouts in one block.
	pub const MAX_COMMISSION_PAYOUTS_PER_BLOCK: u32 = 32;
	/// Most reports filed (and groups drawn) in one block.
	pub const MAX_REPORTS_PER_BLOCK: u32 = 8;
}

/// Context tag of maintainer address derivation.
pub const ADDRESS_CONTEXT: &[u8] = b"OLC/maintainer-address/v1";

/// The current staking round.
pub trait RoundProvider {
	/// The index of the current round.
	fn current_round() -> RoundIndex;
}

/// The streams reports may be made against (pallet-jobs).
pub trait StreamDirectory<AccountId> {
	/// The owner of `stream_id`, if the stream exists.
	fn owner_of(stream_id: &StreamId) -> Option<AccountId>;
}

/// What happens to a banned broadcaster outside this pallet.
pub trait Sanctions<AccountId> {
	/// Ends `who`'s streams and jobs and releases its job deposits, bonded stake and unbonding
	/// locks into its free balance (from where this pallet confiscates them). Must not fail;
	/// returns the weight used, at most [`Self::ban_weight`].
	fn ban(who: &AccountId) -> Weight;

	/// The most [`Self::ban`] can weigh.
	fn ban_weight() -> Weight;
}

/// No sanctions beyond the ban list and the confiscation of the free balance.
impl<AccountId> Sanctions<AccountId> for () {
	fn ban(_: &AccountId) -> Weight {
		Weight::zero()
	}

	fn ban_weight() -> Weight {
		Weight::zero()
	}
}

/// Sets up the runtime's side of the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Creates a stream owned by `owner` (funded) that [`StreamDirectory::owner_of`] knows.
	fn create_stream(owner: &AccountId) -> StreamId;
}

/// The XOR distance of two addresses (compared as 256-bit big-endian numbers, i.e. bytewise).
pub fn xor_distance(a: &Address, b: &Address) -> Address {
	let mut out = [0u8; 32];
	for ((o, x), y) in out.iter_mut().zip(a.iter()).zip(b.iter()) {
		*o = x ^ y;
	}
	out
}

/// The point in address space a report's group forms around: blake2-256 of the stream id's 32
/// bytes, the report id's 8 little-endian bytes and the 32 bytes of `seed`, the hash of the
/// block after the report (unknown when the report is filed).
pub fn group_target(stream_id: &StreamId, report_id: ReportId, seed: &[u8; 32]) -> Address {
	olc_primitives::blake2_256(&(stream_id, report_id, seed).encode())
}

/// The (at most) `size` candidates closest to `target` in XOR distance, closest first; equal
/// distances (equal addresses) keep the candidates' order. O(n log n).
pub fn closest<AccountId: Clone>(
	target: &Address,
	candidates: &[(AccountId, Address)],
	size: usize,
) -> Vec<AccountId> {
	let mut ranked: Vec<(Address, usize)> = candidates
		.iter()
		.enumerate()
		.map(|(index, (_, address))| (xor_distance(target, address), index))
		.collect();
	ranked.sort_unstable();
	ranked
		.into_iter()
		.take(size)
		.filter_map(|(_, index)| candidates.get(index).map(|(who, _)| who.clone()))
		.collect()
}

#[frame_support::pallet]
pub mod pallet {
	// FRAME's macro expansions (pallet info, errors, storage metadata) call `expect` on values
	// they prove present; our own code in this module denies it again below.
	#![allow(clippy::expect_used)]
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, InspectFreeze, Mutate, MutateFreeze, MutateHold},
			tokens::{Fortitude, Precision, Preservation, Restriction},
			BuildGenesisConfig, Contains,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{CheckedDiv, Saturating, Zero},
		Perbill,
	};

	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	pub type ReportOf<T> =
		ReportInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;
	pub type MaintainerOf<T> = MaintainerInfo<BalanceOf<T>, BlockNumberFor<T>>;
	pub type SetEntryOf<T> = SetEntry<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	pub type MaintainerSetOf<T> = BoundedVec<SetEntryOf<T>, <T as Config>::MaxMaintainers>;
	pub type PayoutOf<T> = CommissionPayout<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		<T as Config>::MaxMaintainers,
	>;
	pub type MaintainerViewOf<T> =
		MaintainerView<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

	/// The storage layout's version (migrations compare against it).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The native currency (OLC); bonds and deposits are holds on it.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason: From<HoldReason>>
			+ MutateFreeze<Self::AccountId, Id: From<FreezeReason>>;

		/// Who owns a stream (pallet-jobs; [`adapters::JobsStreams`]).
		type Streams: StreamDirectory<Self::AccountId>;

		/// Ends a banned broadcaster's streams, jobs and stake
		/// ([`adapters::JobsAndStakingSanctions`]).
		type Sanctions: Sanctions<Self::AccountId>;

		/// The staking round ([`adapters::StakingRounds`]).
		type Rounds: RoundProvider;

		/// The maintainers pot that collects the fee share ([`adapters::OlcTokenPot`]).
		type MaintainersPot: Get<Self::AccountId>;

		/// The bond a maintainer holds while it serves.
		#[pallet::constant]
		type MaintainerBond: Get<BalanceOf<Self>>;

		/// Blocks from joining to being a full maintainer.
		#[pallet::constant]
		type ProbationPeriod: Get<BlockNumberFor<Self>>;

		/// The deposit a report holds until it is resolved.
		#[pallet::constant]
		type ReportDeposit: Get<BalanceOf<Self>>;

		/// Blocks a group has to vote (at least 1).
		#[pallet::constant]
		type VotingPeriod: Get<BlockNumberFor<Self>>;

		/// Members of a trusted group (within `MIN_GROUP_SIZE..=MAX_GROUP_SIZE`).
		#[pallet::constant]
		type GroupSize: Get<u32>;

		/// Guilty votes that uphold a report with a full group (a strict majority of it).
		#[pallet::constant]
		type Quorum: Get<u32>;

		/// The reporter's share of the confiscated funds.
		#[pallet::constant]
		type ReporterReward: Get<Perbill>;

		/// The share of an expelled dissenter's bond that is slashed (to the maintainers pot).
		#[pallet::constant]
		type DissentSlash: Get<Perbill>;

		/// Most maintainers in the set (bounds group selection and the commission payout).
		#[pallet::constant]
		type MaxMaintainers: Get<u32>;

		/// Most expired reports `on_initialize` resolves in one block.
		#[pallet::constant]
		type MaxResolutionsPerBlock: Get<u32>;

		/// Most commission payouts in one block.
		#[pallet::constant]
		type MaxCommissionPayoutsPerBlock: Get<u32>;

		/// Most reports filed in one block; as many groups are drawn per block, so each is
		/// drawn two blocks after its report.
		#[pallet::constant]
		type MaxReportsPerBlock: Get<u32>;

		/// May lift a ban ([`Pallet::lift_ban`]); root in the runtime.
		type LiftBanOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Weights of this pallet's calls and hooks, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Creates streams for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds OLC.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A maintainer's bond.
		#[codec(index = 0)]
		MaintainerBond,
		/// A report's deposit.
		#[codec(index = 1)]
		ReportDeposit,
	}

	/// Why this pallet freezes OLC.
	#[pallet::composite_enum]
	pub enum FreezeReason {
		/// The account is reported and the report is not resolved: what a ban would confiscate
		/// stays in the account.
		#[codec(index = 0)]
		UnderReview,
	}

	/// Accounts with open reports against them, with how many: their balance is frozen
	/// ([`FreezeReason::UnderReview`]) until the last of them is resolved.
	#[pallet::storage]
	pub type OpenReportsAgainst<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Joins so far: mixed into new addresses.
	#[pallet::storage]
	pub type JoinCounter<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The probation period chosen at genesis, if not [`Config::ProbationPeriod`] (the dev
	/// chain's is short so that tests see maintainers become full).
	#[pallet::storage]
	pub type ProbationPeriodOverride<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

	/// The voting period chosen at genesis, if not [`Config::VotingPeriod`].
	#[pallet::storage]
	pub type VotingPeriodOverride<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Probation in blocks; `None` keeps [`Config::ProbationPeriod`].
		pub probation_period: Option<BlockNumberFor<T>>,
		/// Voting period in blocks (at least 1); `None` keeps [`Config::VotingPeriod`].
		pub voting_period: Option<BlockNumberFor<T>>,
	}

	#[pallet::genesis_build]
	#[deny(clippy::expect_used)]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(period) = self.probation_period {
				ProbationPeriodOverride::<T>::put(period);
			}
			if let Some(period) = self.voting_period {
				VotingPeriodOverride::<T>::put(period.max(1u32.into()));
			}
		}
	}

	/// Maintainers (in the set or leaving), by account.
	#[pallet::storage]
	pub type Maintainers<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, MaintainerOf<T>>;

	/// The maintainer set (probationers included, leaving maintainers not), in join order.
	#[pallet::storage]
	pub type MaintainerSet<T: Config> = StorageValue<_, MaintainerSetOf<T>, ValueQuery>;

	/// The id of the next report.
	#[pallet::storage]
	pub type NextReportId<T: Config> = StorageValue<_, ReportId, ValueQuery>;

	/// Reports by id (resolved reports stay, for the viewer page and tools).
	#[pallet::storage]
	pub type Reports<T: Config> = StorageMap<_, Twox64Concat, ReportId, ReportOf<T>>;

	/// Streams under review, with their open report.
	#[pallet::storage]
	pub type StreamsUnderReview<T: Config> = StorageMap<_, Blake2_128Concat, StreamId, ReportId>;

	/// The expiry cursor: every report below it is resolved.
	#[pallet::storage]
	pub type NextReportToResolve<T: Config> = StorageValue<_, ReportId, ValueQuery>;

	/// The draw cursor: every report below it has its group drawn (or was voided); the reports
	/// from it to [`NextReportId`] wait for theirs.
	#[pallet::storage]
	pub type NextReportToDraw<T: Config> = StorageValue<_, ReportId, ValueQuery>;

	/// The block of the latest report and how many reports were filed in it.
	#[pallet::storage]
	pub type ReportsInBlock<T: Config> = StorageValue<_, (BlockNumberFor<T>, u32), ValueQuery>;

	/// Banned broadcasters, with the block of the ban.
	#[pallet::storage]
	pub type Banned<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, BlockNumberFor<T>>;

	/// The round whose commission accumulates in the pot.
	#[pallet::storage]
	pub type CommissionRound<T: Config> = StorageValue<_, RoundIndex, ValueQuery>;

	/// The commission payout in progress.
	#[pallet::storage]
	pub type PendingCommission<T: Config> = StorageValue<_, PayoutOf<T>, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A maintainer joined with `address`; it is full from block `full_from`.
		MaintainerJoined { who: T::AccountId, address: Address, full_from: BlockNumberFor<T> },
		/// A maintainer left the set; its bond can be withdrawn from `withdrawable_at`.
		MaintainerLeft { who: T::AccountId, withdrawable_at: BlockNumberFor<T> },
		/// A former maintainer withdrew its bond.
		BondWithdrawn { who: T::AccountId, amount: BalanceOf<T> },
		/// A stream was reported; its group is drawn in block `group_drawn_at`
		/// ([`Event::GroupDrawn`]).
		Reported {
			report_id: ReportId,
			stream_id: StreamId,
			broadcaster: T::AccountId,
			reporter: T::AccountId,
			reason: ReasonCode,
			group_drawn_at: BlockNumberFor<T>,
		},
		/// A report's group was drawn; it must vote before `expires_at`, `quorum` guilty votes
		/// uphold the report.
		GroupDrawn {
			report_id: ReportId,
			group: Vec<T::AccountId>,
			quorum: u32,
			expires_at: BlockNumberFor<T>,
		},
		/// Fewer than `GroupSize` eligible full maintainers were left when the report's group
		/// was due: no group was seated, the report is closed (rejected, without votes) and the
		/// reporter got its deposit back.
		ReportVoided { report_id: ReportId },
		/// A ban was lifted ([`Pallet::lift_ban`]).
		BanLifted { who: T::AccountId },
		/// A group member voted.
		Voted { report_id: ReportId, who: T::AccountId, guilty: bool },
		/// A report was upheld: `confiscated` OLC were taken from the broadcaster, the reporter
		/// got `reporter_reward`, each guilty voter `per_voter`.
		ReportUpheld {
			report_id: ReportId,
			broadcaster: T::AccountId,
			confiscated: BalanceOf<T>,
			reporter_reward: BalanceOf<T>,
			per_voter: BalanceOf<T>,
		},
		/// A report expired without a guilty quorum; the reporter's deposit, `forfeited`, went to
		/// the reported account (to the maintainers pot if another report banned it meanwhile).
		ReportRejected {
			report_id: ReportId,
			guilty: u32,
			not_guilty: u32,
			forfeited: BalanceOf<T>,
		},
		/// A broadcaster was banned.
		BroadcasterBanned { who: T::AccountId, report_id: ReportId },
		/// A maintainer was expelled for dissenting; `slashed` of its bond went to the pot.
		Expelled { who: T::AccountId, report_id: ReportId, slashed: BalanceOf<T> },
		/// A group member did not vote: it gets no commission for `round`.
		VoteMissed { report_id: ReportId, who: T::AccountId, round: RoundIndex },
		/// `round`'s commission will be paid to `recipients` maintainers, `per_member` each.
		CommissionScheduled { round: RoundIndex, recipients: u32, per_member: BalanceOf<T> },
		/// A maintainer was paid its commission for `round`.
		CommissionPaid { who: T::AccountId, round: RoundIndex, amount: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is a maintainer already (or still leaving: withdraw the bond first).
		AlreadyMaintainer,
		/// The maintainer set has `MaxMaintainers` members.
		TooManyMaintainers,
		/// The spendable balance is below the bond or deposit.
		InsufficientBalance,
		/// The account is not a maintainer.
		NotMaintainer,
		/// The maintainer has left already.
		AlreadyLeaving,
		/// The account has not left the maintainer set.
		NotLeaving,
		/// The bond is still held: groups the maintainer was called to may still be open.
		BondStillLocked,
		/// The account is banned.
		AccountBanned,
		/// No stream has this id.
		UnknownStream,
		/// A broadcaster cannot report its own stream.
		CannotReportOwnStream,
		/// The stream's broadcaster is banned already.
		BroadcasterAlreadyBanned,
		/// The stream has an open report already.
		StreamAlreadyUnderReview,
		/// Fewer than `GroupSize` full maintainers other than the broadcaster and the reporter:
		/// no full group can be drawn.
		TooFewMaintainers,
		/// `MaxReportsPerBlock` reports were filed in this block already.
		TooManyReports,
		/// The report's group is not drawn yet (two blocks after the report).
		GroupNotDrawn,
		/// The account is not banned.
		NotBanned,
		/// No report has this id.
		UnknownReport,
		/// The report is resolved.
		ReportClosed,
		/// The report's voting period is over.
		VotingClosed,
		/// The report's voting period is not over.
		VotingStillOpen,
		/// The signer is not in the report's group.
		NotGroupMember,
		/// The signer voted on this report already.
		AlreadyVoted,
		/// A counter overflowed.
		Overflow,
		/// The reported account's balance could not be frozen (it has too many freezes).
		CannotFreeze,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			// The commission first: misses recorded by this block's resolutions belong to the
			// current round, not to the one being paid.
			let commission = Self::run_commission(now);
			let draws = Self::run_draws(now);
			let (looked_at, resolved_weight) = Self::run_expiries(now);
			T::WeightInfo::on_initialize_idle()
				.saturating_add(commission)
				.saturating_add(draws)
				.saturating_add(T::DbWeight::get().reads(u64::from(looked_at)))
				.saturating_add(resolved_weight)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			let size = T::GroupSize::get();
			assert!(
				(MIN_GROUP_SIZE..=MAX_GROUP_SIZE).contains(&size),
				"GroupSize must be within MIN_GROUP_SIZE..=MAX_GROUP_SIZE"
			);
			let quorum = T::Quorum::get();
			assert!(quorum <= size && quorum > size / 2, "Quorum must be a strict majority");
			assert!(T::MaxMaintainers::get() >= size, "MaxMaintainers must hold a group");
			assert!(!T::VotingPeriod::get().is_zero(), "groups need time to vote");
			assert!(T::MaxResolutionsPerBlock::get() >= 1, "expiries must make progress");
			assert!(T::MaxCommissionPayoutsPerBlock::get() >= 1, "payouts must make progress");
			assert!(T::MaxReportsPerBlock::get() >= 1, "reports must be possible");
		}
	}

	#[pallet::call]
	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// Joins the maintainer set, holding `MaintainerBond`. The new address is in
		/// [`Event::MaintainerJoined`]; probation lasts `ProbationPeriod` blocks.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::join_maintainers(T::MaxMaintainers::get()))]
		pub fn join_maintainers(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Banned::<T>::contains_key(&who), Error::<T>::AccountBanned);
			ensure!(!Maintainers::<T>::contains_key(&who), Error::<T>::AlreadyMaintainer);
			let bond = T::MaintainerBond::get();
			ensure!(
				T::Currency::reducible_balance(&who, Preservation::Preserve, Fortitude::Polite)
					>= bond,
				Error::<T>::InsufficientBalance
			);
			let counter = JoinCounter::<T>::get();
			JoinCounter::<T>::put(counter.checked_add(1).ok_or(Error::<T>::Overflow)?);
			let address = Self::derive_address(&who, counter);
			let now = frame_system::Pallet::<T>::block_number();
			let full_from = now.saturating_add(Self::probation_period());
			MaintainerSet::<T>::try_mutate(|set| {
				set.try_push(SetEntry { who: who.clone(), address, full_from, missed_round: None })
			})
			.map_err(|_| Error::<T>::TooManyMaintainers)?;
			if !bond.is_zero() {
				T::Currency::hold(&HoldReason::MaintainerBond.into(), &who, bond)
					.map_err(|_| Error::<T>::InsufficientBalance)?;
			}
			Maintainers::<T>::insert(
				&who,
				MaintainerInfo {
					address,
					bond,
					joined_at: now,
					full_from,
					status: MaintainerStatus::Active,
				},
			);
			Self::deposit_event(Event::MaintainerJoined { who, address, full_from });
			Ok(())
		}

		/// Leaves the maintainer set at once. The bond stays on hold for `VotingPeriod` blocks
		/// (the groups the signer was called to may still need its vote), then
		/// [`Pallet::withdraw_bond`] releases it.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::leave_maintainers(T::MaxMaintainers::get()))]
		pub fn leave_maintainers(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Maintainers::<T>::get(&who).ok_or(Error::<T>::NotMaintainer)?;
			ensure!(info.status == MaintainerStatus::Active, Error::<T>::AlreadyLeaving);
			let withdrawable_at = Self::retire(&who, info);
			Self::deposit_event(Event::MaintainerLeft { who, withdrawable_at });
			Ok(())
		}

		/// Releases the bond of a maintainer that left (or was expelled), once it can no longer
		/// be called to vote.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::withdraw_bond())]
		pub fn withdraw_bond(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Maintainers::<T>::get(&who).ok_or(Error::<T>::NotMaintainer)?;
			let MaintainerStatus::Leaving { withdrawable_at } = info.status else {
				return Err(Error::<T>::NotLeaving.into());
			};
			ensure!(
				frame_system::Pallet::<T>::block_number() >= withdrawable_at,
				Error::<T>::BondStillLocked
			);
			let amount = T::Currency::release(
				&HoldReason::MaintainerBond.into(),
				&who,
				info.bond,
				Precision::BestEffort,
			)?;
			Maintainers::<T>::remove(&who);
			Self::deposit_event(Event::BondWithdrawn { who, amount });
			Ok(())
		}

		/// Reports stream `stream_id`, holding `ReportDeposit`. Its id is in [`Event::Reported`];
		/// its trusted group is drawn two blocks later ([`Event::GroupDrawn`], see the crate
		/// docs).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::report(T::MaxMaintainers::get()))]
		pub fn report(
			origin: OriginFor<T>,
			stream_id: StreamId,
			reason: ReasonCode,
			evidence: Evidence,
		) -> DispatchResult {
			let reporter = ensure_signed(origin)?;
			ensure!(!Banned::<T>::contains_key(&reporter), Error::<T>::AccountBanned);
			let broadcaster = T::Streams::owner_of(&stream_id).ok_or(Error::<T>::UnknownStream)?;
			ensure!(broadcaster != reporter, Error::<T>::CannotReportOwnStream);
			ensure!(!Banned::<T>::contains_key(&broadcaster), Error::<T>::BroadcasterAlreadyBanned);
			ensure!(
				!StreamsUnderReview::<T>::contains_key(stream_id),
				Error::<T>::StreamAlreadyUnderReview
			);
			let deposit = T::ReportDeposit::get();
			ensure!(
				T::Currency::reducible_balance(
					&reporter,
					Preservation::Preserve,
					Fortitude::Polite
				) >= deposit,
				Error::<T>::InsufficientBalance
			);

			let report_id = NextReportId::<T>::get();
			let now = frame_system::Pallet::<T>::block_number();
			let eligible = Self::eligible(&broadcaster, &reporter, now);
			ensure!(
				u32::try_from(eligible.len()).unwrap_or(u32::MAX) >= Self::group_size(),
				Error::<T>::TooFewMaintainers
			);
			let (block, filed) = ReportsInBlock::<T>::get();
			let filed = if block == now { filed } else { 0 };
			ensure!(filed < T::MaxReportsPerBlock::get(), Error::<T>::TooManyReports);
			ReportsInBlock::<T>::put((now, filed.saturating_add(1)));
			NextReportId::<T>::put(report_id.checked_add(1).ok_or(Error::<T>::Overflow)?);
			if !deposit.is_zero() {
				T::Currency::hold(&HoldReason::ReportDeposit.into(), &reporter, deposit)
					.map_err(|_| Error::<T>::InsufficientBalance)?;
			}
			let group_drawn_at = now.saturating_add(GROUP_DELAY.into());
			Reports::<T>::insert(
				report_id,
				ReportInfo {
					reporter: reporter.clone(),
					stream_id,
					broadcaster: broadcaster.clone(),
					reason,
					evidence,
					deposit,
					created_at: now,
					// Set again when the group is drawn (to the same block, unless draws lag).
					expires_at: group_drawn_at.saturating_add(Self::voting_period()),
					quorum: T::Quorum::get(),
					group: Default::default(),
					status: ReportStatus::Open,
					group_drawn_at: None,
				},
			);
			Self::freeze_reported(&broadcaster)?;
			StreamsUnderReview::<T>::insert(stream_id, report_id);
			Self::deposit_event(Event::Reported {
				report_id,
				stream_id,
				broadcaster,
				reporter,
				reason,
				group_drawn_at,
			});
			Ok(())
		}

		/// Votes on report `report_id`: only its group's members, once each, once the group is
		/// drawn and before the report expires. The vote that reaches the guilty quorum of a full
		/// group upholds the report at once (and pays for it: the call is weighed for that case
		/// and refunds the rest).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::vote_upheld(T::GroupSize::get()).saturating_add(T::Sanctions::ban_weight()))]
		pub fn vote(
			origin: OriginFor<T>,
			report_id: ReportId,
			guilty: bool,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(!Banned::<T>::contains_key(&who), Error::<T>::AccountBanned);
			let mut report = Reports::<T>::get(report_id).ok_or(Error::<T>::UnknownReport)?;
			ensure!(report.status == ReportStatus::Open, Error::<T>::ReportClosed);
			ensure!(report.group_drawn_at.is_some(), Error::<T>::GroupNotDrawn);
			ensure!(
				frame_system::Pallet::<T>::block_number() < report.expires_at,
				Error::<T>::VotingClosed
			);
			let member = report
				.group
				.iter_mut()
				.find(|member| member.who == who)
				.ok_or(Error::<T>::NotGroupMember)?;
			ensure!(member.vote.is_none(), Error::<T>::AlreadyVoted);
			member.vote = Some(guilty);
			Self::deposit_event(Event::Voted { report_id, who, guilty });
			let (guilty_votes, _) = report.tally();
			// Drawn groups are always full; a smaller one could never ban.
			let full_group = u32::try_from(report.group.len()).unwrap_or(0) >= Self::group_size();
			if guilty && guilty_votes >= report.quorum && full_group {
				let size = u32::try_from(report.group.len()).unwrap_or(u32::MAX);
				let sanctions = Self::uphold(report_id, report);
				return Ok(Some(T::WeightInfo::vote_upheld(size).saturating_add(sanctions)).into());
			}
			Reports::<T>::insert(report_id, report);
			Ok(Some(T::WeightInfo::vote()).into())
		}

		/// Resolves an open report whose voting period is over (`on_initialize` does this too,
		/// a few per block). Anyone may call it.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::resolve_report(T::GroupSize::get()))]
		pub fn resolve_report(origin: OriginFor<T>, report_id: ReportId) -> DispatchResult {
			ensure_signed(origin)?;
			let report = Reports::<T>::get(report_id).ok_or(Error::<T>::UnknownReport)?;
			ensure!(report.status == ReportStatus::Open, Error::<T>::ReportClosed);
			ensure!(report.group_drawn_at.is_some(), Error::<T>::GroupNotDrawn);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now >= report.expires_at, Error::<T>::VotingStillOpen);
			Self::reject(report_id, report, now);
			Ok(())
		}

		/// Lifts the ban of `who` (a wrongful one): it may be tipped, create streams and jobs,
		/// report, vote and join the maintainers again. Nothing confiscated or ended by the ban
		/// is restored (see the crate docs, "Lifting a wrongful ban").
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::lift_ban())]
		pub fn lift_ban(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::LiftBanOrigin::ensure_origin(origin)?;
			ensure!(Banned::<T>::contains_key(&who), Error::<T>::NotBanned);
			Banned::<T>::remove(&who);
			Self::deposit_event(Event::BanLifted { who });
			Ok(())
		}
	}

	/// The ban list, for pallet-olc-token's and pallet-jobs' `BannedAccounts`.
	impl<T: Config> Contains<T::AccountId> for Pallet<T> {
		fn contains(who: &T::AccountId) -> bool {
			Banned::<T>::contains_key(who)
		}
	}

	/// Banned accounts and accounts with an open report against them, for pallet-jobs'
	/// `BannedOrUnderReview`.
	pub struct BannedOrUnderReview<T>(core::marker::PhantomData<T>);
	impl<T: Config> Contains<T::AccountId> for BannedOrUnderReview<T> {
		fn contains(who: &T::AccountId) -> bool {
			Banned::<T>::contains_key(who) || OpenReportsAgainst::<T>::contains_key(who)
		}
	}

	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// Blocks a new maintainer stays on probation (genesis override or the default).
		pub fn probation_period() -> BlockNumberFor<T> {
			ProbationPeriodOverride::<T>::get().unwrap_or_else(T::ProbationPeriod::get)
		}

		/// Blocks a group has to vote (genesis override or the default).
		pub fn voting_period() -> BlockNumberFor<T> {
			VotingPeriodOverride::<T>::get().unwrap_or_else(T::VotingPeriod::get)
		}

		/// Counts one more open report against `who` and freezes its whole balance (free and
		/// held: a freeze applies to the total, holds count towards it), so that nothing the
		/// ban would confiscate can be transferred out meanwhile. Holds still work (OLC on hold
		/// stays in reach: bonds and job deposits are released into the account by the ban).
		fn freeze_reported(who: &T::AccountId) -> DispatchResult {
			let total = T::Currency::total_balance(who);
			T::Currency::extend_freeze(&FreezeReason::UnderReview.into(), who, total)
				.map_err(|_| Error::<T>::CannotFreeze)?;
			OpenReportsAgainst::<T>::mutate(who, |count| *count = count.saturating_add(1));
			Ok(())
		}

		/// Counts one open report against `who` less; the freeze goes with the last one.
		fn release_reported(who: &T::AccountId) {
			let left = OpenReportsAgainst::<T>::mutate_exists(who, |count| {
				let left = count.unwrap_or(0).saturating_sub(1);
				*count = if left == 0 { None } else { Some(left) };
				left
			});
			if left == 0 {
				let _ = T::Currency::thaw(&FreezeReason::UnderReview.into(), who);
			}
		}

		/// OLC of `who` frozen while reports against it are open.
		pub fn frozen_under_review(who: &T::AccountId) -> BalanceOf<T> {
			T::Currency::balance_frozen(&FreezeReason::UnderReview.into(), who)
		}

		/// The address a maintainer gets from join number `counter` in this block.
		pub fn derive_address(who: &T::AccountId, counter: u64) -> Address {
			let parent = frame_system::Pallet::<T>::parent_hash();
			olc_primitives::blake2_256(&(ADDRESS_CONTEXT, who, parent, counter).encode())
		}

		/// Whether `who` is banned.
		pub fn is_banned(who: &T::AccountId) -> bool {
			Banned::<T>::contains_key(who)
		}

		/// The full maintainers now (in the set, probation over), with their addresses.
		pub fn full_maintainers(now: BlockNumberFor<T>) -> Vec<(T::AccountId, Address)> {
			MaintainerSet::<T>::get()
				.into_iter()
				.filter(|entry| entry.full_from <= now)
				.map(|entry| (entry.who, entry.address))
				.collect()
		}

		/// The size of every group.
		pub fn group_size() -> u32 {
			T::GroupSize::get().min(MAX_GROUP_SIZE)
		}

		/// The full maintainers now who may judge a report of `reporter` against `broadcaster`:
		/// neither of them.
		pub fn eligible(
			broadcaster: &T::AccountId,
			reporter: &T::AccountId,
			now: BlockNumberFor<T>,
		) -> Vec<(T::AccountId, Address)> {
			let mut candidates = Self::full_maintainers(now);
			candidates.retain(|(who, _)| who != broadcaster && who != reporter);
			candidates
		}

		/// The group of report `report_id` drawn now with `seed` (the parent hash), or `None`
		/// if fewer than `GroupSize` maintainers are eligible.
		pub fn draw_group(
			report_id: ReportId,
			report: &ReportOf<T>,
			seed: &[u8; 32],
			now: BlockNumberFor<T>,
		) -> Option<Vec<T::AccountId>> {
			let candidates = Self::eligible(&report.broadcaster, &report.reporter, now);
			let size = Self::group_size();
			if u32::try_from(candidates.len()).unwrap_or(u32::MAX) < size {
				return None;
			}
			let target = group_target(&report.stream_id, report_id, seed);
			Some(closest(&target, &candidates, size as usize))
		}

		/// Draws the groups of the reports filed two blocks ago or earlier, in report order, at
		/// most `MaxReportsPerBlock`. Returns the weight.
		pub(crate) fn run_draws(now: BlockNumberFor<T>) -> Weight {
			let end = NextReportId::<T>::get();
			let mut cursor = NextReportToDraw::<T>::get();
			let start = cursor;
			let mut drawn = 0u32;
			// The cursors' reads are in `on_initialize_idle`; this is the look at the next
			// report, which may not be due yet.
			let mut weight = T::DbWeight::get().reads(1);
			while drawn < T::MaxReportsPerBlock::get() && cursor < end {
				if let Some(report) = Reports::<T>::get(cursor) {
					if report.created_at.saturating_add(GROUP_DELAY.into()) > now {
						break;
					}
					if report.status == ReportStatus::Open && report.group_drawn_at.is_none() {
						Self::seat_group(cursor, report, now);
						drawn = drawn.saturating_add(1);
					}
				}
				cursor = cursor.saturating_add(1);
			}
			if cursor != start {
				NextReportToDraw::<T>::put(cursor);
			}
			if drawn > 0 {
				let set = MaintainerSet::<T>::decode_len().unwrap_or(0);
				let set = u32::try_from(set).unwrap_or(u32::MAX);
				let draws = T::WeightInfo::on_initialize_draw(set).saturating_mul(drawn.into());
				weight = weight.saturating_add(draws);
			}
			weight
		}

		/// Seats the group of `report` drawn from the parent hash, or voids the report if no
		/// full group can be drawn.
		fn seat_group(report_id: ReportId, mut report: ReportOf<T>, now: BlockNumberFor<T>) {
			let parent = frame_system::Pallet::<T>::parent_hash();
			let mut seed = [0u8; 32];
			for (to, from) in seed.iter_mut().zip(parent.as_ref().iter()) {
				*to = *from;
			}
			let members = Self::draw_group(report_id, &report, &seed, now);
			let group: Option<Group<T::AccountId>> = members.as_ref().and_then(|members| {
				members
					.iter()
					.map(|who| GroupMember { who: who.clone(), vote: None })
					.collect::<Vec<_>>()
					.try_into()
					.ok()
			});
			let (Some(members), Some(group)) = (members, group) else {
				// No full group: nobody judges the report, the reporter gets its deposit back.
				if !report.deposit.is_zero() {
					let _ = T::Currency::release(
						&HoldReason::ReportDeposit.into(),
						&report.reporter,
						report.deposit,
						Precision::BestEffort,
					);
				}
				report.status = ReportStatus::Rejected;
				report.expires_at = now;
				Self::release_reported(&report.broadcaster);
				StreamsUnderReview::<T>::remove(report.stream_id);
				Reports::<T>::insert(report_id, report);
				Self::deposit_event(Event::ReportVoided { report_id });
				return;
			};
			let expires_at = now.saturating_add(Self::voting_period());
			report.group = group;
			report.group_drawn_at = Some(now);
			report.expires_at = expires_at;
			let quorum = report.quorum;
			Reports::<T>::insert(report_id, report);
			let group = members;
			Self::deposit_event(Event::GroupDrawn { report_id, group, quorum, expires_at });
		}

		/// Takes a maintainer out of the set; its bond stays held until it can no longer be
		/// called to vote. Returns that block.
		fn retire(who: &T::AccountId, mut info: MaintainerOf<T>) -> BlockNumberFor<T> {
			let now = frame_system::Pallet::<T>::block_number();
			let mut withdrawable_at = now.saturating_add(Self::voting_period());
			if let MaintainerStatus::Leaving { withdrawable_at: earlier } = info.status {
				withdrawable_at = withdrawable_at.max(earlier);
			}
			MaintainerSet::<T>::mutate(|set| set.retain(|entry| entry.who != *who));
			info.status = MaintainerStatus::Leaving { withdrawable_at };
			Maintainers::<T>::insert(who, info);
			withdrawable_at
		}

		/// Expels a dissenter: slashes `DissentSlash` of its bond into the pot and retires it.
		fn expel(who: &T::AccountId, report_id: ReportId) {
			let Some(mut info) = Maintainers::<T>::get(who) else { return };
			let slash = T::DissentSlash::get().mul_floor(info.bond);
			let mut slashed = BalanceOf::<T>::zero();
			if !slash.is_zero() {
				if let Ok(moved) = T::Currency::transfer_on_hold(
					&HoldReason::MaintainerBond.into(),
					who,
					&T::MaintainersPot::get(),
					slash,
					Precision::BestEffort,
					Restriction::Free,
					Fortitude::Force,
				) {
					slashed = moved;
					info.bond = info.bond.saturating_sub(moved);
				}
			}
			Self::retire(who, info);
			Self::deposit_event(Event::Expelled { who: who.clone(), report_id, slashed });
		}

		/// Upholds a report (its guilty quorum was just reached). Returns the weight of the
		/// sanctions.
		fn uphold(report_id: ReportId, mut report: ReportOf<T>) -> Weight {
			let broadcaster = report.broadcaster.clone();
			let now = frame_system::Pallet::<T>::block_number();
			let mut weight = Weight::zero();
			if !Banned::<T>::contains_key(&broadcaster) {
				Banned::<T>::insert(&broadcaster, now);
				weight = T::Sanctions::ban(&broadcaster);
				Self::deposit_event(Event::BroadcasterBanned {
					who: broadcaster.clone(),
					report_id,
				});
			}
			// A banned maintainer's bond is confiscated with the rest.
			if let Some(info) = Maintainers::<T>::take(&broadcaster) {
				MaintainerSet::<T>::mutate(|set| set.retain(|entry| entry.who != broadcaster));
				let _ = T::Currency::release(
					&HoldReason::MaintainerBond.into(),
					&broadcaster,
					info.bond,
					Precision::BestEffort,
				);
			}

			// The freeze kept everything in reach; it goes now (with this report's count), so that
			// all of it can be confiscated, whatever other reports are still open.
			Self::release_reported(&broadcaster);
			let _ = T::Currency::thaw(&FreezeReason::UnderReview.into(), &broadcaster);
			let confiscated = T::Currency::reducible_balance(
				&broadcaster,
				Preservation::Expendable,
				Fortitude::Polite,
			);
			let guilty: Vec<T::AccountId> = report
				.group
				.iter()
				.filter(|member| member.vote == Some(true))
				.map(|member| member.who.clone())
				.collect();
			let (reporter_reward, per_voter) = Self::confiscation_shares(confiscated, guilty.len());
			if !reporter_reward.is_zero() {
				let _ = T::Currency::transfer(
					&broadcaster,
					&report.reporter,
					reporter_reward,
					Preservation::Expendable,
				);
			}
			if !per_voter.is_zero() {
				for voter in &guilty {
					let _ = T::Currency::transfer(
						&broadcaster,
						voter,
						per_voter,
						Preservation::Expendable,
					);
				}
			}
			if !report.deposit.is_zero() {
				let _ = T::Currency::release(
					&HoldReason::ReportDeposit.into(),
					&report.reporter,
					report.deposit,
					Precision::BestEffort,
				);
			}
			let dissenters: Vec<T::AccountId> = report
				.group
				.iter()
				.filter(|member| member.vote == Some(false))
				.map(|member| member.who.clone())
				.collect();
			for dissenter in &dissenters {
				Self::expel(dissenter, report_id);
			}
			report.status = ReportStatus::Upheld;
			StreamsUnderReview::<T>::remove(report.stream_id);
			Reports::<T>::insert(report_id, report);
			Self::deposit_event(Event::ReportUpheld {
				report_id,
				broadcaster,
				confiscated,
				reporter_reward,
				per_voter,
			});
			weight
		}

		/// How `confiscated` is shared: (the reporter's part, each of `guilty` voters' part).
		/// The reporter gets `ReporterReward` of it plus the remainder of the equal split.
		pub fn confiscation_shares(
			confiscated: BalanceOf<T>,
			guilty: usize,
		) -> (BalanceOf<T>, BalanceOf<T>) {
			let reporter = T::ReporterReward::get().mul_floor(confiscated);
			let rest = confiscated.saturating_sub(reporter);
			let voters: BalanceOf<T> = u32::try_from(guilty).unwrap_or(u32::MAX).into();
			let per_voter = rest.checked_div(&voters).unwrap_or_default();
			let shared = per_voter.saturating_mul(voters);
			(reporter.saturating_add(rest.saturating_sub(shared)), per_voter)
		}

		/// Rejects an expired report (no guilty quorum).
		fn reject(report_id: ReportId, mut report: ReportOf<T>, _now: BlockNumberFor<T>) {
			let round = T::Rounds::current_round();
			let (guilty, not_guilty) = report.tally();
			let missed: Vec<T::AccountId> = report
				.group
				.iter()
				.filter(|member| member.vote.is_none())
				.map(|member| member.who.clone())
				.collect();
			if !missed.is_empty() {
				MaintainerSet::<T>::mutate(|set| {
					for entry in set.iter_mut().filter(|entry| missed.contains(&entry.who)) {
						entry.missed_round = Some(round);
					}
				});
				for who in missed {
					Self::deposit_event(Event::VoteMissed { report_id, who, round });
				}
			}
			// The reporter forfeits its deposit to the account it froze for nothing (to the pot if
			// another report banned that account meanwhile: confiscated accounts receive nothing).
			let reason: <T::Currency as frame_support::traits::fungible::InspectHold<
				T::AccountId,
			>>::Reason = HoldReason::ReportDeposit.into();
			let beneficiary = if Banned::<T>::contains_key(&report.broadcaster) {
				T::MaintainersPot::get()
			} else {
				report.broadcaster.clone()
			};
			let mut forfeited = BalanceOf::<T>::zero();
			if !report.deposit.is_zero() {
				match T::Currency::transfer_on_hold(
					&reason,
					&report.reporter,
					&beneficiary,
					report.deposit,
					Precision::BestEffort,
					Restriction::Free,
					Fortitude::Force,
				) {
					Ok(amount) => forfeited = amount,
					Err(_) => {
						// Cannot happen (the deposit is on hold); the reporter keeps it rather
						// than having it stuck on hold.
						frame_support::defensive!("a report deposit could not be forfeited");
					},
				}
				let left = <T::Currency as frame_support::traits::fungible::InspectHold<
					T::AccountId,
				>>::balance_on_hold(&reason, &report.reporter)
				.min(report.deposit.saturating_sub(forfeited));
				if !left.is_zero() {
					let _ = T::Currency::release(
						&reason,
						&report.reporter,
						left,
						Precision::BestEffort,
					);
				}
			}
			Self::release_reported(&report.broadcaster);
			if not_guilty >= report.quorum {
				for member in report.group.iter().filter(|member| member.vote == Some(true)) {
					Self::expel(&member.who, report_id);
				}
			}
			report.status = ReportStatus::Rejected;
			StreamsUnderReview::<T>::remove(report.stream_id);
			Reports::<T>::insert(report_id, report);
			Self::deposit_event(Event::ReportRejected { report_id, guilty, not_guilty, forfeited });
		}

		/// Rejects the expired reports in report order, at most `MaxResolutionsPerBlock`.
		/// Returns how many report ids it looked at and the weight of the rejections.
		pub(crate) fn run_expiries(now: BlockNumberFor<T>) -> (u32, Weight) {
			let budget = T::MaxResolutionsPerBlock::get();
			let end = NextReportId::<T>::get();
			let mut cursor = NextReportToResolve::<T>::get();
			let start = cursor;
			let mut used = 0u32;
			let mut weight = Weight::zero();
			while used < budget && cursor < end {
				if let Some(report) = Reports::<T>::get(cursor) {
					if report.status == ReportStatus::Open {
						if report.expires_at > now || report.group_drawn_at.is_none() {
							break;
						}
						let size = u32::try_from(report.group.len()).unwrap_or(u32::MAX);
						Self::reject(cursor, report, now);
						weight = weight.saturating_add(T::WeightInfo::resolve_report(size));
					}
				}
				used = used.saturating_add(1);
				cursor = cursor.saturating_add(1);
			}
			if cursor != start {
				NextReportToResolve::<T>::put(cursor);
			}
			(used, weight)
		}

		/// Pays a few recipients of the commission in progress, or schedules the last round's
		/// commission when a new round has started. Returns the weight.
		pub(crate) fn run_commission(now: BlockNumberFor<T>) -> Weight {
			if let Some(mut payout) = PendingCommission::<T>::get() {
				let pot = T::MaintainersPot::get();
				let mut paid = 0u32;
				while paid < T::MaxCommissionPayoutsPerBlock::get() {
					let Some(who) = payout.recipients.pop() else { break };
					if T::Currency::transfer(&pot, &who, payout.per_member, Preservation::Preserve)
						.is_ok()
					{
						Self::deposit_event(Event::CommissionPaid {
							who,
							round: payout.round,
							amount: payout.per_member,
						});
					}
					paid = paid.saturating_add(1);
				}
				if payout.recipients.is_empty() {
					PendingCommission::<T>::kill();
				} else {
					PendingCommission::<T>::put(payout);
				}
				return T::WeightInfo::on_initialize_pay_commission(paid);
			}
			let current = T::Rounds::current_round();
			let round = CommissionRound::<T>::get();
			if current == round {
				return Weight::zero();
			}
			CommissionRound::<T>::put(current);
			let set = MaintainerSet::<T>::get();
			let size = u32::try_from(set.len()).unwrap_or(u32::MAX);
			let recipients: Vec<T::AccountId> = set
				.into_iter()
				.filter(|entry| {
					entry.full_from <= now && entry.missed_round.is_none_or(|missed| missed < round)
				})
				.map(|entry| entry.who)
				.collect();
			let count = u32::try_from(recipients.len()).unwrap_or(u32::MAX);
			let available = T::Currency::reducible_balance(
				&T::MaintainersPot::get(),
				Preservation::Preserve,
				Fortitude::Polite,
			);
			let per_member = available.checked_div(&count.into()).unwrap_or_default();
			if !per_member.is_zero() {
				if let Ok(recipients) = BoundedVec::try_from(recipients) {
					PendingCommission::<T>::put(CommissionPayout { round, per_member, recipients });
					Self::deposit_event(Event::CommissionScheduled {
						round,
						recipients: count,
						per_member,
					});
				}
			}
			T::WeightInfo::on_initialize_schedule_commission(size)
		}
	}
}
