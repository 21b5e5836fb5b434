//! The FRAME pallet: configuration, storage, genesis, events, errors, hooks, calls and the ban
//! list other pallets read (in the `pallet` macro module, re-exported here and at the crate
//! root). The logic behind them is in `impl<T: Config> Pallet<T>` blocks by responsibility:
//! - `impls`: maintainers (probation, addresses, retiring, expelling), bans and freezes;
//! - `groups`: drawing and seating the group that votes on a report;
//! - `resolution`: upholding or rejecting reports and sharing what a ban confiscates;
//! - `commission`: paying the maintainers' commission;
//! - `retention`: removing resolved reports after their retention period.

mod commission;
mod groups;
mod impls;
mod resolution;
mod retention;

pub use self::pallet::*;

use super::*;
use frame_support::{
	pallet_prelude::*,
	traits::{
		defensive_prelude::*,
		fungible::{Inspect, InspectFreeze, Mutate, MutateFreeze, MutateHold},
		tokens::{Fortitude, Precision, Preservation, Restriction},
		BuildGenesisConfig, Contains,
	},
	weights::WeightMeter,
};
use frame_system::pallet_prelude::*;
use sp_runtime::{
	traits::{CheckedDiv, Saturating, Zero},
	Perbill,
};

#[frame_support::pallet]
pub mod pallet {
	// FRAME's macro expansions (pallet info, errors, storage metadata) call `expect` on values
	// they prove present; our own code in this module denies it again below. The module keeps
	// FRAME's usual name; `crate::pallet` re-exports it, so its paths are those of a pallet
	// defined in lib.rs.
	#![allow(clippy::expect_used, clippy::module_inception)]
	use super::*;

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

		/// Most expired reports `on_initialize` resolves in one block (also the most resolved
		/// reports `on_idle` removes in one block).
		#[pallet::constant]
		type MaxResolutionsPerBlock: Get<u32>;

		/// Blocks a resolved report stays in storage after its voting period ended (for a
		/// voided report, after it was voided) before `on_idle` removes it (see the crate docs,
		/// "Retention").
		#[pallet::constant]
		type ReportRetention: Get<BlockNumberFor<Self>>;

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

	/// The retention cursor: every report below it was resolved and removed after its
	/// retention period.
	#[pallet::storage]
	pub type NextReportToRemove<T: Config> = StorageValue<_, ReportId, ValueQuery>;

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
		/// A resolved report was removed from storage after its retention period.
		ReportRemoved { report_id: ReportId },
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

		/// Removes resolved reports whose retention period is over, with the weight the block
		/// has left.
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::run_retention(now, remaining)
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
}
