//! # pallet-staking-delegation
//!
//! OLC holders bond OLC and delegate it to transcoders; transcoders with the most delegated
//! stake form each round's active set, earn the round's inflation reward and the fees other
//! pallets credit to them, and share both with their delegators. Modelled on Livepeer's
//! BondingManager, RoundsManager and Minter, without a reward call that someone has to make and
//! pay for, and with claims whose cost does not grow with the rounds since the last claim.
//!
//! ## Bonds
//!
//! [`Pallet::bond`] places OLC on hold ([`HoldReason::Staking`]) in the bonder's own account and
//! delegates the account's whole bond to one transcoder; bonding to another transcoder moves the
//! whole bond. An account bonds to itself before it registers as a transcoder
//! ([`Pallet::register_transcoder`], at least [`Config::MinSelfBond`]); a registered transcoder
//! cannot delegate elsewhere. [`Pallet::unbond`] turns part of the bond into an unbonding lock,
//! withdrawable ([`Pallet::withdraw_unbonded`]) [`Config::UnbondingPeriod`] rounds later, or
//! rebondable before that ([`Pallet::rebond`], [`Pallet::rebond_to`]). Unbonding all of a
//! transcoder's self-bond resigns it; a partial unbond must leave at least `MinSelfBond`.
//! A banned account ([`Config::BannedAccounts`], pallet-reporting's ban list) may not bond,
//! rebond or register ([`Error::AccountBanned`]).
//!
//! ## Rounds
//!
//! A round lasts [`RoundLength`] blocks (genesis configuration). The first block of a round
//! starts it in `on_initialize`, with no call from anyone:
//! 1. stake bonded during the previous round to its then active transcoders starts earning;
//! 2. the active set becomes the [`Config::MaxActiveTranscoders`] registered transcoders with
//!    the most delegated stake (ties: earlier registration), with their stake and terms
//!    (reward cut, fee share, price) snapshotted for the whole round — so registrations,
//!    resignations and term changes take effect at the next round start;
//! 3. the monetary policy of pallet-olc-token ([`MonetaryPolicy`]) moves the inflation toward
//!    the target bonding rate and returns the mintable amount, `total issuance × inflation`;
//! 4. each active transcoder is rewarded at once with `mintable × its stake / active stake`:
//!    `reward_cut` of it is bonded to the transcoder itself (earning from the next round), the
//!    rest is minted into the pallet's pot for the pool of stake delegated to it.
//!
//! During the last 10% of a round's blocks (the lock window: `round length / 10` blocks, so
//! none for rounds shorter than 10 blocks) a transcoder may not change its reward cut or fee
//! share and may only lower its price: delegators must be able to react to a change before it
//! takes effect. The service URI may change at any time.
//!
//! ## Earnings accounting (LIP-36 cumulative factors)
//!
//! Each transcoder has a pool ([`types::Pool`]) with three cumulative factors
//! ([`types::Factors`]): the *stake factor* (what one unit bonded at factor 1 is worth now: it
//! grows by `(stake + reward) / stake` with each round's reward and shrinks by `1 − fraction`
//! with each slash), the *slash factor* (the slash part alone) and the *fee factor* (fees per
//! unit bonded at factor 1). A delegator records the factors when it settles; at its next
//! settlement its stake is `bonded × stake_now / stake_then`, the principal that survived
//! slashes `bonded × slash_now / slash_then`, the reward the difference of the two (moved from
//! the pot into its hold, so rewards compound), and its fees `bonded × (fee_now − fee_then) /
//! stake_then` (withdrawable with [`Pallet::withdraw_fees`]). That is O(1) however many rounds
//! passed, and a round in which the transcoder was not active does not move the factors, so it
//! earns nothing.
//!
//! Stake changes count from the next round: stake bonded to a transcoder that is active in the
//! current round is *pending* until the next round start, when it joins the pool's earning
//! stake and the pool's factors at that moment are kept ([`ActivationFactors`]) until every
//! delegator concerned has settled against them. Stake bonded to an inactive transcoder earns as
//! soon as it becomes active. Unbonded stake stops earning at once. Fees go to the stake that
//! was earning when the work was claimed (see "Fees belong to the stake that did the work").
//!
//! All amounts round down, so the pot always holds at least what it owes. The price is rounding
//! dust: each settlement rounds a delegator's stake down by less than one unit, and the pool
//! keeps counting that fraction as stake nobody owns; its share of later rewards and fees stays
//! in the pot. The pool drops it when its last earner leaves and whenever a single earner
//! settles. At realistic reward rates it is a few planck per settlement.
//!
//! ## Slashing
//!
//! Other pallets slash through [`Slashing::slash`]: the transcoder's pool loses `fraction` of
//! its stake (its own and its delegators', earning and pending) by multiplying its factors, in
//! O(1); each delegator's lost principal is burned from its hold when it next settles. The
//! slashed share of rewards still in the pot is burned at once. The finder, if any, is paid
//! `finder_fee` of what the transcoder's *own* bond lost — never of its delegators' losses — so
//! a finder fee never exceeds what the offender itself paid, and reporting one's own offence
//! through a sybil never pays (minted at once; the whole slashed stake is burned, so issuance
//! falls by the slashed stake minus the finder fee once everyone has settled). A pool whose
//! transcoder has no bond of its own pays no finder fee.
//!
//! The consequence is proportional: a slash of at least [`Config::ResignSlashThreshold`] of the
//! pool's stake (a missed or failed verification) resigns the transcoder — it leaves the active
//! set at the next round start — and it may register again only from [`Config::SlashCooldown`]
//! rounds after the round of the slash ([`RegisterCooldown`], [`Error::SlashCooldown`]). A smaller
//! slash (a missed or losing committee vote) only takes the stake.
//!
//! A slash that would take a factor below [`MIN_FACTOR`] (10⁻⁹ — a full slash, or slashes
//! compounding to that) takes all of the pool's stake and starts the pool afresh in a new
//! *epoch*: bonds and locks recorded in an older epoch are worth nothing, fees earned before
//! stay claimable ([`EpochEnds`]). So later bonds to the same transcoder remain exact and fully
//! slashable.
//!
//! **Unbonding locks stay slashable until they are withdrawn**: a lock records its transcoder's
//! slash factor when it is created, and withdrawing or rebonding it applies every slash of that
//! transcoder since. The pallet does not know when an offence happened, only when it is
//! reported, and an offence always precedes its report: so every lock created after an offence
//! and before its slash is slashed too, and unbonding cannot dodge a pending report. Locks still
//! waiting to be withdrawn when a slash lands are slashed as well, even if created before the
//! offence: withdraw a lock when its period ends.
//!
//! ## Exposure: a transcoder cannot leave its slash to its delegators
//!
//! An offence is slashed some blocks after it happened (pallet-verification: a missed proof
//! deadline, a committee's verdict, a vote not cast). If the transcoder could take its own bond
//! out of its pool meanwhile, the slash would fall on its delegators alone. So while
//! [`Config::SlashExposure`] says a transcoder is *exposed* — it has a claim, challenge or
//! committee seat whose outcome can still slash it — its own bond stays in its pool:
//! - its self-bond cannot move to another transcoder ([`Pallet::bond`], [`Pallet::rebond_to`]);
//! - its self-bond cannot be unbonded, in part or whole ([`Pallet::unbond`]);
//! - a lock it unbonded from its own pool cannot be rebonded to another transcoder
//!   ([`Pallet::rebond`], [`Pallet::rebond_to`]).
//!
//! Each fails with [`Error::ExposedToSlash`] and changes nothing. Resigning
//! ([`Pallet::resign_transcoder`]) stays possible — it stops new jobs and committee seats from
//! coming, so that the exposure can end — but does not free the bond. Withdrawing a matured lock
//! stays possible too: since unbonding is refused while exposed, every lock of its own pool was
//! unbonded before the claims and seats that expose it, and has served its unbonding period.
//! Delegators are never held back: they are not the offender. The calls that may refuse ask
//! [`SlashExposure::exposed`] at most once and are weighed with
//! [`SlashExposure::exposed_weight`] on top of their benchmarked weight. ([`Pallet::release_all`],
//! the confiscation of a banned broadcaster's stake by pallet-reporting, does not ask: a ban
//! takes everything anyway.)
//!
//! ## Fees
//!
//! Other pallets credit fees to a transcoder through [`TranscoderFees::add_fees_for_claim`]
//! (pallet-jobs, when a claim's verification window has passed) or
//! [`TranscoderFees::add_fees`] (work of the current round): `fee_share` of them goes to the
//! pool's earning stake through the fee factor, the rest to the transcoder's withdrawable fees.
//! A transcoder that left the active set, or resigned, is still paid for its past work.
//!
//! ### Fees belong to the stake that did the work
//!
//! A payout arrives some blocks after the work (pallet-jobs: a verification window of 80
//! blocks after the claim), possibly rounds later. It belongs to the stake that was delegated
//! to the transcoder in the round of the claim, as in Livepeer, where fees are recorded in the
//! earnings pool of the round of the work; stake bonded just before a payout (say, to a
//! transcoder that has left the active set, where stake earns at once) gets none of it.
//!
//! Stake added to a bond during round `c` — by [`Pallet::bond`], [`Pallet::rebond`],
//! [`Pallet::rebond_to`], or a bond moved in from another transcoder; not a reward cut —
//! shares only the fees of claims made from round `c + 1` on. The pool keeps such stake in a
//! *fee cohort* per round ([`FeeCohorts`], [`FeeCohortMembers`]): a payout of a claim made in
//! round `r` is shared by the pool's earning stake minus the cohorts of the rounds after `r`, and
//! what it adds to the fee factor is also recorded in those cohorts, whose members give it back
//! when they settle. A settlement reads one cohort: still O(1). When stake leaves a bond, the
//! oldest part of it counts as leaving first; when a bond gets more stake while an earlier
//! addition's cohort is still tracked, that earlier addition joins the new cohort as well (it
//! then shares only claims from the later round: adding stake twice in a short time costs a
//! little, never gains). When every earning account of the pool has stake in a left-out
//! cohort, what is left of the pool's stake is rounding dust nobody owns, and the transcoder
//! keeps the whole fee.
//!
//! Cohorts are tracked for [`FEE_ATTRIBUTION_ROUNDS`] rounds (24: a day of 1-hour rounds): a
//! payout of an older claim counts as a claim of the oldest round tracked, so a payout reads at
//! most 25 cohorts (weighed by [`TranscoderFees::add_fees_weight`]). After that, a member
//! settles once more against its cohort and becomes ordinary stake of the pool; a cohort is
//! removed with its last member. The round of a claim is counted back from the current round's
//! first block in rounds of [`RoundLength`] blocks ([`Pallet::round_of_block`]).
//!
//! ## Storage that only grows
//!
//! A pool ([`Pools`]) outlives its transcoder's registration while something still refers to it,
//! and no longer: [`EpochRefs`] counts, per pool and epoch, the account records delegated to it
//! (under the epoch of their last settlement), the unbonding locks taken from it (under the
//! epoch they were created in) and its activation snapshots ([`ActivationFactors`], under the
//! epoch of their factors). The count is kept by the calls that create, move, settle or remove
//! these, and the removal happens in the call that drops the last reference, in O(1) (no scan,
//! no retention period):
//! - an ended epoch's [`EpochEnds`] entry (left by a full slash, for its fees) is removed when
//!   the last record, lock or snapshot of that epoch settles, moves or is withdrawn; a wipe-out
//!   that nothing refers to leaves none;
//! - the pool is removed when its transcoder is not registered and no epoch of it has a
//!   reference. Nobody is delegated to it then, so what it still counts is rounding dust nobody
//!   owns: its stake leaves [`TotalBonded`] and its unpaid rewards and fees stay in the pot.
//!   Activation snapshots and fee cohorts cannot outlive it (they are referenced, or have
//!   members, while they exist).
//!
//! An account record ([`Delegators`]) with no bond, fees or unbonding locks is removed by the
//! call that empties it (a claim included). A later bond to the same transcoder starts a fresh
//! pool. A fee payout to a transcoder that is neither registered nor in the active set and has
//! no pool fails with [`Error::TranscoderNotActive`], as for an account that never was one (the
//! pool can only be gone after its own bond left and its unbonding period passed).
#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code must never panic or overflow silently: see `[workspace.lints]`.

extern crate alloc;

pub use pallet::*;

mod api;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod fee_cohorts;
pub mod migrations;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // no clippy.toml option for tests
mod mock;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // no clippy.toml option for tests
mod proptests;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // no clippy.toml option for tests
mod tests;
// Not gated on try-runtime: the sibling pallets' tests run these invariants too (generic, so
// nothing of it reaches a runtime that does not call it).
mod try_state;
pub mod types;
pub mod weights;

pub use pallet_olc_token::monetary::MonetaryPolicy;
pub use types::*;
pub use weights::WeightInfo;

use sp_arithmetic::Perbill;
use sp_runtime::DispatchError;

/// Credits fees to a transcoder: implemented by this pallet for the pallets that collect them.
pub trait TranscoderFees<AccountId, Balance> {
	/// Moves `amount` from `payer` (keeping its existential deposit) to the pot and credits it
	/// to `transcoder`: `fee_share` of it to the stake delegated to it, the rest to the
	/// transcoder. A transcoder that left the active set is still paid for its past work (see the
	/// implementation for which terms apply).
	fn add_fees(
		payer: &AccountId,
		transcoder: &AccountId,
		amount: Balance,
	) -> Result<(), DispatchError>;

	/// [`Self::add_fees`] for work claimed in block `claimed_at`: the fees go only to the stake
	/// that was delegated to `transcoder` in the round of that block (see the crate docs,
	/// "Fees belong to the stake that did the work"). Without such rounds (the default), the
	/// same as `add_fees`.
	fn add_fees_for_claim(
		payer: &AccountId,
		transcoder: &AccountId,
		amount: Balance,
		claimed_at: u64,
	) -> Result<(), DispatchError> {
		let _ = claimed_at;
		Self::add_fees(payer, transcoder, amount)
	}

	/// The weight of [`Self::add_fees`] and of [`Self::add_fees_for_claim`], for the caller to
	/// charge.
	fn add_fees_weight() -> frame_support::weights::Weight;
}

/// Slashes a transcoder: implemented by this pallet for the pallets that detect offences.
pub trait Slashing<AccountId, Balance> {
	/// Slashes `fraction` of all stake delegated to `transcoder` (its own and its delegators',
	/// including their unbonding locks not yet withdrawn), pays `finder` `finder_fee` of what
	/// the transcoder's own bond lost (never of its delegators' losses), burns the rest and,
	/// if `fraction` is at least `ResignSlashThreshold`, resigns the transcoder from the next
	/// round for at least `SlashCooldown` rounds. Returns the slashed stake (locks excluded:
	/// they are slashed when withdrawn).
	fn slash(
		transcoder: &AccountId,
		fraction: Perbill,
		finder: Option<AccountId>,
		finder_fee: Perbill,
	) -> Balance;

	/// The weight of [`Self::slash`], for the caller to charge.
	fn slash_weight() -> frame_support::weights::Weight;
}

/// Whether a transcoder can still be slashed for something it already did: implemented by
/// pallet-verification, which knows the claims not yet decided and the committee seats not yet
/// voted. While it is, the transcoder's own bond cannot leave its pool (see the crate docs,
/// "Exposure").
pub trait SlashExposure<AccountId> {
	/// Whether `who` has a claim, challenge or committee seat whose outcome can still slash it.
	fn exposed(who: &AccountId) -> bool;

	/// The weight of [`Self::exposed`] (the calls that ask add it to theirs).
	fn exposed_weight() -> frame_support::weights::Weight;
}

/// Nobody is ever exposed.
impl<AccountId> SlashExposure<AccountId> for () {
	fn exposed(_: &AccountId) -> bool {
		false
	}

	fn exposed_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
}

/// Learns when a transcoder stops working for the network: it resigned (or unbonded its whole
/// self-bond), was evicted from a full pool, was slashed, or left the active set at a round
/// start. pallet-jobs re-elects its running jobs.
pub trait OnTranscoderDeactivated<AccountId> {
	/// `who` was deactivated.
	fn on_transcoder_deactivated(who: &AccountId);

	/// The most one call of [`Self::on_transcoder_deactivated`] may weigh.
	fn weight() -> frame_support::weights::Weight;
}

impl<AccountId> OnTranscoderDeactivated<AccountId> for () {
	fn on_transcoder_deactivated(_: &AccountId) {}

	fn weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
}

// The FRAME macros expand to `expect`s (e.g. "pallet is in the runtime") attributed to this
// module's `#[pallet::…]` attributes; every block of our own code below denies them again.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, InspectHold, Mutate, MutateHold},
			tokens::{Fortitude, Precision, Preservation},
			BuildGenesisConfig, Contains, DefensiveOption,
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_arithmetic::{
		helpers_128bit::multiply_by_rational_with_rounding, per_things::Rounding, FixedU128,
	};
	use sp_runtime::{
		traits::{AccountIdConversion, Saturating, UniqueSaturatedInto, Zero},
		Perbill,
	};

	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	pub type DelegatorOf<T> = Delegator<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	pub type LockOf<T> = UnbondingLock<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	pub type ActiveTranscoderOf<T> =
		ActiveTranscoder<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	pub type ActiveSetOf<T> =
		BoundedVec<ActiveTranscoderOf<T>, <T as Config>::MaxActiveTranscoders>;

	/// The smallest value a cumulative factor may reach (1e-9): slashes saturate there, so a
	/// factor never becomes zero and later bonds keep a usable baseline.
	pub const MIN_FACTOR: FixedU128 = FixedU128::from_inner(1_000_000_000);

	/// The storage layout's version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The native currency (OLC); bonds are holds on it.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason: From<HoldReason>>;

		/// Inflation and minting (pallet-olc-token).
		type MonetaryPolicy: MonetaryPolicy<Self::AccountId, BalanceOf<Self>>;

		/// The self-bond a transcoder needs to register and keep while registered.
		#[pallet::constant]
		type MinSelfBond: Get<BalanceOf<Self>>;

		/// The size of the active set.
		#[pallet::constant]
		type MaxActiveTranscoders: Get<u32>;

		/// How many transcoders may be registered; when full, a newcomer must have more stake
		/// than the weakest, which it evicts.
		#[pallet::constant]
		type MaxTranscoders: Get<u32>;

		/// Rounds between an unbond and the withdrawal of its lock (7 on OLC).
		#[pallet::constant]
		type UnbondingPeriod: Get<RoundIndex>;

		/// How many unbonding locks an account may have at once.
		#[pallet::constant]
		type MaxUnbondingLocks: Get<u32>;

		/// A slash of at least this fraction of the pool's stake resigns the transcoder (a missed
		/// or failed verification); a smaller one (a missed or losing committee vote) only takes
		/// the stake. Zero: every slash resigns.
		#[pallet::constant]
		type ResignSlashThreshold: Get<Perbill>;

		/// A transcoder resigned by a slash in round `r` may register again from round
		/// `r + SlashCooldown` (zero: at once).
		#[pallet::constant]
		type SlashCooldown: Get<RoundIndex>;

		/// Derives the pot account holding minted rewards and paid fees until settled.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Told when a transcoder is deactivated (see [`OnTranscoderDeactivated`]).
		type OnTranscoderDeactivated: OnTranscoderDeactivated<Self::AccountId>;

		/// Whether a transcoder can still be slashed for what it did (pallet-verification):
		/// while it is, its own bond stays in its pool (see [`SlashExposure`]).
		type SlashExposure: SlashExposure<Self::AccountId>;

		/// Banned accounts (pallet-reporting's ban list): they may not bond, rebond or register
		/// as transcoders ([`Error::AccountBanned`]).
		type BannedAccounts: Contains<Self::AccountId>;

		/// Weights of this pallet's calls and round start, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds OLC.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Bonded to a transcoder, or unbonding.
		#[codec(index = 0)]
		Staking,
	}

	#[pallet::type_value]
	pub fn DefaultRoundLength<T: Config>() -> BlockNumberFor<T> {
		DEFAULT_ROUND_LENGTH.into()
	}

	/// Length of a round, in blocks (at least 1).
	#[pallet::storage]
	pub type RoundLength<T: Config> =
		StorageValue<_, BlockNumberFor<T>, ValueQuery, DefaultRoundLength<T>>;

	/// The current round.
	#[pallet::storage]
	pub type CurrentRound<T: Config> = StorageValue<_, RoundInfo<BlockNumberFor<T>>, ValueQuery>;

	/// The current round's active set, with stake and terms snapshotted at round start.
	#[pallet::storage]
	pub type ActiveSet<T: Config> = StorageValue<_, ActiveSetOf<T>, ValueQuery>;

	/// Registered transcoders.
	#[pallet::storage]
	pub type Transcoders<T: Config> =
		StorageMap<_, Twox64Concat, T::AccountId, Transcoder<BalanceOf<T>>, OptionQuery>;

	/// The registered transcoders, for the active-set election.
	#[pallet::storage]
	pub type Candidates<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxTranscoders>, ValueQuery>;

	/// The next registration index.
	#[pallet::storage]
	pub type NextRegistrationIndex<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The stake pool of each registered transcoder and of each account that records, locks or
	/// snapshots still refer to ([`EpochRefs`]); see the crate docs, "Storage that only grows".
	#[pallet::storage]
	pub type Pools<T: Config> =
		StorageMap<_, Twox64Concat, T::AccountId, Pool<BalanceOf<T>>, ValueQuery>;

	/// A pool's factors at the start of a round in which pending stake started earning, kept
	/// until the delegators concerned have settled.
	#[pallet::storage]
	pub type ActivationFactors<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		T::AccountId,
		Twox64Concat,
		RoundIndex,
		ActivationSnapshot,
		OptionQuery,
	>;

	/// Transcoders resigned by a slash: the first round in which each may register again.
	#[pallet::storage]
	pub type RegisterCooldown<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, RoundIndex>;

	/// The factors a wiped-out epoch of a pool ended with (zero stake and slash factors, the
	/// final fee factor), while delegators, locks or snapshots still refer to it ([`EpochRefs`]).
	#[pallet::storage]
	pub type EpochEnds<T: Config> =
		StorageDoubleMap<_, Twox64Concat, T::AccountId, Twox64Concat, u32, Factors, OptionQuery>;

	/// Stake that joined a pool recently, by pool and (epoch, first round whose claims it
	/// shares): see the crate docs, "Fees belong to the stake that did the work".
	#[pallet::storage]
	pub type FeeCohorts<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		T::AccountId,
		Twox64Concat,
		(u32, RoundIndex),
		FeeCohort,
		OptionQuery,
	>;

	/// Each account's part of a fee cohort of its transcoder's pool, while it has one.
	#[pallet::storage]
	pub type FeeCohortMembers<T: Config> =
		StorageMap<_, Twox64Concat, T::AccountId, FeeCohortMember, OptionQuery>;

	/// How many records refer to each epoch of a pool: the account records delegated to the
	/// pool's transcoder (counted under the epoch of their `base`), the unbonding locks taken
	/// from it (under the epoch of theirs) and its activation snapshots ([`ActivationFactors`],
	/// under the epoch of their factors). No entry means none. An ended epoch's [`EpochEnds`]
	/// entry leaves when its count falls to zero; the pool itself (and anything left of it)
	/// when its transcoder is not registered and no epoch of it has a count (see the crate
	/// docs, "Storage that only grows").
	#[pallet::storage]
	pub type EpochRefs<T: Config> =
		StorageDoubleMap<_, Twox64Concat, T::AccountId, Twox64Concat, u32, u32, OptionQuery>;

	/// Every account's bond.
	#[pallet::storage]
	pub type Delegators<T: Config> =
		StorageMap<_, Twox64Concat, T::AccountId, DelegatorOf<T>, OptionQuery>;

	/// Unbonding locks, by account and lock id.
	#[pallet::storage]
	pub type UnbondingLocks<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		T::AccountId,
		Twox64Concat,
		LockId,
		LockOf<T>,
		OptionQuery,
	>;

	/// All stake delegated to all transcoders (earning and pending): the bonding rate's
	/// numerator. Rounding makes it at most a few units above the exact sum.
	#[pallet::storage]
	pub type TotalBonded<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A new round started with `active` transcoders; `minted` of the round's `mintable`
		/// OLC were minted as rewards (the rest is rounding).
		NewRound { round: RoundIndex, active: u32, mintable: BalanceOf<T>, minted: BalanceOf<T> },
		/// An active transcoder was rewarded at the start of `round`.
		Rewarded {
			transcoder: T::AccountId,
			round: RoundIndex,
			delegators_reward: BalanceOf<T>,
			transcoder_reward: BalanceOf<T>,
		},
		/// A transcoder registered; it can be elected from the next round.
		TranscoderRegistered {
			transcoder: T::AccountId,
			terms: TranscoderTerms<BalanceOf<T>>,
			service_uri: ServiceUri,
		},
		/// A transcoder changed its terms or service URI, effective from the next round.
		TranscoderUpdated {
			transcoder: T::AccountId,
			terms: TranscoderTerms<BalanceOf<T>>,
			service_uri: ServiceUri,
		},
		/// A transcoder resigned; it leaves the active set at the next round start.
		TranscoderResigned { transcoder: T::AccountId },
		/// A registration into a full transcoder pool evicted the weakest transcoder.
		TranscoderEvicted { transcoder: T::AccountId, by: T::AccountId },
		/// `amount` was added to `delegator`'s bond, now `bond` in total, with `transcoder`.
		Bonded {
			delegator: T::AccountId,
			transcoder: T::AccountId,
			amount: BalanceOf<T>,
			bond: BalanceOf<T>,
		},
		/// `delegator`'s whole bond moved from one transcoder to another.
		BondMoved {
			delegator: T::AccountId,
			from: T::AccountId,
			to: T::AccountId,
			amount: BalanceOf<T>,
		},
		/// Part of a bond became an unbonding lock.
		Unbonded {
			delegator: T::AccountId,
			transcoder: T::AccountId,
			amount: BalanceOf<T>,
			lock_id: LockId,
			withdraw_round: RoundIndex,
		},
		/// An unbonding lock was bonded again (after any slash of it).
		Rebonded {
			delegator: T::AccountId,
			transcoder: T::AccountId,
			lock_id: LockId,
			amount: BalanceOf<T>,
		},
		/// An unbonding lock was released into the free balance (after any slash of it).
		Withdrawn { delegator: T::AccountId, lock_id: LockId, amount: BalanceOf<T> },
		/// Earnings were settled (by a claim or before any change of the bond): `rewards`
		/// compounded into the bond, `fees` made withdrawable.
		EarningsClaimed {
			delegator: T::AccountId,
			transcoder: T::AccountId,
			rewards: BalanceOf<T>,
			fees: BalanceOf<T>,
		},
		/// Settled fees were paid out to the free balance.
		FeesWithdrawn { delegator: T::AccountId, amount: BalanceOf<T> },
		/// Fees were credited to an active transcoder.
		FeesAdded {
			transcoder: T::AccountId,
			payer: T::AccountId,
			delegators_fees: BalanceOf<T>,
			transcoder_fees: BalanceOf<T>,
		},
		/// A transcoder's pool was slashed by `fraction`: `slashed` stake, of which
		/// `burned_from_pot` (unclaimed rewards) was burned at once; the rest is burned from the
		/// delegators' holds as they settle.
		Slashed {
			transcoder: T::AccountId,
			fraction: Perbill,
			slashed: BalanceOf<T>,
			burned_from_pot: BalanceOf<T>,
			finder: Option<T::AccountId>,
			finder_reward: BalanceOf<T>,
		},
		/// A slash reached `who`'s held OLC: `amount` was burned from its hold.
		SlashBurned { who: T::AccountId, amount: BalanceOf<T> },
		/// All of `who`'s stake (bond, unbonding locks after slashes, settled fees) was released
		/// into its free balance at once, for confiscation (see [`Pallet::release_all`]).
		StakeReleased { who: T::AccountId, amount: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount is zero.
		ZeroAmount,
		/// The target is not a registered transcoder.
		NotATranscoder,
		/// The account is already a registered transcoder.
		AlreadyTranscoder,
		/// The self-bond would be below `MinSelfBond`.
		SelfBondBelowMinimum,
		/// A transcoder must be bonded to itself: the account's bond is delegated elsewhere.
		NotSelfBonded,
		/// A registered transcoder cannot delegate to another transcoder.
		TranscoderCannotDelegate,
		/// The transcoder pool is full and the newcomer's stake does not exceed the weakest's.
		TranscoderPoolFull,
		/// The free balance (keeping the existential deposit) is too low.
		InsufficientBalance,
		/// The account has no bond.
		NotBonded,
		/// The amount exceeds the bond.
		InsufficientBond,
		/// The account has `MaxUnbondingLocks` unbonding locks already.
		TooManyUnbondingLocks,
		/// No unbonding lock with this id.
		UnknownLock,
		/// The lock's unbonding period has not ended.
		LockNotWithdrawable,
		/// The amount exceeds the settled fees.
		InsufficientFees,
		/// In the lock window at the end of a round, reward cut and fee share cannot change.
		RatesLockedInWindow,
		/// In the lock window at the end of a round, the price can only go down.
		PriceIncreaseInWindow,
		/// Fees can only be credited to an account that is or was a transcoder.
		TranscoderNotActive,
		/// An amount or factor does not fit its type.
		Overflow,
		/// The pot cannot pay what it owes (a bug: the pot always holds at least that).
		PotExhausted,
		/// The account holds less than its bond and locks (a bug: holds follow the bond).
		HoldMismatch,
		/// The recipient has no account and the payout is below the existential deposit.
		RecipientBelowExistentialDeposit,
		/// The account has a claim or committee seat whose outcome can still slash it: its own
		/// bond cannot be moved to another transcoder, unbonded or rebonded elsewhere until then.
		ExposedToSlash,
		/// The signer is banned (`BannedAccounts`): it may not bond, rebond or register as a
		/// transcoder.
		AccountBanned,
		/// The transcoder was resigned by a slash and may not register again before
		/// `SlashCooldown` rounds after the slash (`RegisterCooldown`).
		SlashCooldown,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Round length in blocks; `None` keeps the default, `DEFAULT_ROUND_LENGTH`.
		pub round_length: Option<BlockNumberFor<T>>,
	}

	#[pallet::genesis_build]
	#[deny(clippy::expect_used)]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(length) = self.round_length {
				RoundLength::<T>::put(length.max(1u32.into()));
			}
			// The pot must exist: rewards below the existential deposit could not be minted
			// into a missing account.
			Pallet::<T>::ensure_pot();
		}
	}

	#[pallet::hooks]
	#[deny(clippy::expect_used)]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let round = CurrentRound::<T>::get();
			let length = RoundLength::<T>::get().max(1u32.into());
			let check = T::DbWeight::get().reads(2);
			if now >= round.start.saturating_add(length) {
				check.saturating_add(Self::start_round(now))
			} else {
				check
			}
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MaxActiveTranscoders::get() >= 1, "the active set needs a member");
			assert!(
				T::MaxTranscoders::get() >= T::MaxActiveTranscoders::get(),
				"the transcoder pool must hold at least the active set"
			);
		}
	}

	#[pallet::call]
	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// Registers the signer as a transcoder with the given terms, from the next round. The
		/// signer must be bonded to itself with at least `MinSelfBond`. If the transcoder pool
		/// is full, the signer's stake must exceed the weakest transcoder's, which is evicted.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_transcoder(T::MaxTranscoders::get()).saturating_add(T::OnTranscoderDeactivated::weight()).saturating_add(Pallet::<T>::reference_drops_weight(1)))]
		pub fn register_transcoder(
			origin: OriginFor<T>,
			reward_cut: Perbill,
			fee_share: Perbill,
			price_per_segment: BalanceOf<T>,
			service_uri: ServiceUri,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!T::BannedAccounts::contains(&who), Error::<T>::AccountBanned);
			ensure!(!Transcoders::<T>::contains_key(&who), Error::<T>::AlreadyTranscoder);
			if let Some(from) = RegisterCooldown::<T>::get(&who) {
				ensure!(CurrentRound::<T>::get().index >= from, Error::<T>::SlashCooldown);
			}
			let delegator = Delegators::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
			let self_bond = delegator.bonded.saturating_add(delegator.pending);
			ensure!(!self_bond.is_zero(), Error::<T>::NotBonded);
			ensure!(delegator.transcoder == who, Error::<T>::NotSelfBonded);
			ensure!(self_bond >= T::MinSelfBond::get(), Error::<T>::SelfBondBelowMinimum);

			let mut candidates = Candidates::<T>::get();
			if candidates.is_full() {
				let stake_of = |t: &T::AccountId| {
					let pool = Pools::<T>::get(t);
					pool.earning.saturating_add(pool.pending)
				};
				// The weakest: least stake, then latest registration.
				let weakest = candidates
					.iter()
					.map(|t| {
						let index = Transcoders::<T>::get(t)
							.map(|info| info.registration_index)
							.unwrap_or(u64::MAX);
						(stake_of(t), core::cmp::Reverse(index), t.clone())
					})
					.min()
					.ok_or(Error::<T>::TranscoderPoolFull)?;
				ensure!(stake_of(&who) > weakest.0, Error::<T>::TranscoderPoolFull);
				Self::do_resign(&weakest.2);
				Self::deposit_event(Event::TranscoderEvicted {
					transcoder: weakest.2,
					by: who.clone(),
				});
				candidates = Candidates::<T>::get();
			}
			candidates.try_push(who.clone()).map_err(|_| Error::<T>::TranscoderPoolFull)?;
			Candidates::<T>::put(candidates);

			let registration_index = NextRegistrationIndex::<T>::get();
			NextRegistrationIndex::<T>::put(registration_index.saturating_add(1));
			let terms = TranscoderTerms { reward_cut, fee_share, price_per_segment };
			RegisterCooldown::<T>::remove(&who);
			Transcoders::<T>::insert(
				&who,
				Transcoder {
					terms,
					service_uri: service_uri.clone(),
					registered_round: CurrentRound::<T>::get().index,
					registration_index,
				},
			);
			Self::deposit_event(Event::TranscoderRegistered {
				transcoder: who,
				terms,
				service_uri,
			});
			Ok(())
		}

		/// Changes the signer's transcoder terms and service URI, from the next round. In the
		/// lock window (the last 10% of a round's blocks) reward cut and fee share must stay
		/// and the price may only go down.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_transcoder())]
		pub fn update_transcoder(
			origin: OriginFor<T>,
			reward_cut: Perbill,
			fee_share: Perbill,
			price_per_segment: BalanceOf<T>,
			service_uri: ServiceUri,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut info = Transcoders::<T>::get(&who).ok_or(Error::<T>::NotATranscoder)?;
			if Self::in_lock_window() {
				ensure!(
					reward_cut == info.terms.reward_cut && fee_share == info.terms.fee_share,
					Error::<T>::RatesLockedInWindow
				);
				ensure!(
					price_per_segment <= info.terms.price_per_segment,
					Error::<T>::PriceIncreaseInWindow
				);
			}
			info.terms = TranscoderTerms { reward_cut, fee_share, price_per_segment };
			info.service_uri = service_uri.clone();
			let terms = info.terms;
			Transcoders::<T>::insert(&who, info);
			Self::deposit_event(Event::TranscoderUpdated { transcoder: who, terms, service_uri });
			Ok(())
		}

		/// Resigns the signer as a transcoder from the next round. Its bond and its delegators'
		/// stay; they earn nothing until moved to an active transcoder.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::resign_transcoder(T::MaxTranscoders::get()).saturating_add(T::OnTranscoderDeactivated::weight()).saturating_add(Pallet::<T>::reference_drops_weight(1)))]
		pub fn resign_transcoder(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Transcoders::<T>::contains_key(&who), Error::<T>::NotATranscoder);
			Self::do_resign(&who);
			Ok(())
		}

		/// Bonds `amount` more (placed on hold) and delegates the whole bond to `transcoder`,
		/// after settling earnings. Bonding to another transcoder than the current one moves the
		/// whole bond (`amount` may then be zero). The target must be a registered transcoder or
		/// the signer itself (a self-bond before registering). A self-bond cannot move while its
		/// owner is exposed to a slash ([`Error::ExposedToSlash`]).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::bond().saturating_add(T::SlashExposure::exposed_weight()).saturating_add(Pallet::<T>::reference_drops_weight(2)))]
		pub fn bond(
			origin: OriginFor<T>,
			amount: BalanceOf<T>,
			transcoder: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::check_bond_target(&who, &transcoder)?;
			if !amount.is_zero() {
				ensure!(
					T::Currency::can_hold(&HoldReason::Staking.into(), &who, amount),
					Error::<T>::InsufficientBalance
				);
			}
			let mut delegator = Self::delegator_or_new(&who, &transcoder);
			let moving = delegator.transcoder != transcoder && !Self::bond_of(&delegator).is_zero();
			ensure!(!amount.is_zero() || moving, Error::<T>::ZeroAmount);
			if moving && delegator.transcoder == who {
				ensure!(!T::SlashExposure::exposed(&who), Error::<T>::ExposedToSlash);
			}
			if !amount.is_zero() {
				T::Currency::hold(&HoldReason::Staking.into(), &who, amount)
					.map_err(|_| Error::<T>::InsufficientBalance)?;
				TotalBonded::<T>::mutate(|total| *total = total.saturating_add(amount));
			}
			Self::do_bond(&who, &mut delegator, &transcoder, amount)?;
			Self::put_delegator(&who, Some(&delegator));
			Ok(())
		}

		/// Turns `amount` of the bond into an unbonding lock, withdrawable after
		/// `UnbondingPeriod` rounds, after settling earnings. A transcoder unbonding all of its
		/// self-bond resigns; a partial unbond must leave it at least `MinSelfBond`. A self-bond
		/// cannot be unbonded while its owner is exposed to a slash ([`Error::ExposedToSlash`]).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::unbond(T::MaxTranscoders::get()).saturating_add(T::OnTranscoderDeactivated::weight()).saturating_add(T::SlashExposure::exposed_weight()).saturating_add(Pallet::<T>::reference_drops_weight(2)))]
		pub fn unbond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut delegator = Delegators::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
			ensure!(
				delegator.lock_count < T::MaxUnbondingLocks::get(),
				Error::<T>::TooManyUnbondingLocks
			);
			if delegator.transcoder == who {
				ensure!(!T::SlashExposure::exposed(&who), Error::<T>::ExposedToSlash);
			}
			let transcoder = delegator.transcoder.clone();
			let mut pool = Pools::<T>::get(&transcoder);
			Self::settle(&who, &mut delegator, &mut pool)?;
			let bond = Self::bond_of(&delegator);
			ensure!(!bond.is_zero(), Error::<T>::NotBonded);
			ensure!(amount <= bond, Error::<T>::InsufficientBond);
			let remaining = bond.saturating_sub(amount);
			let resigns = Transcoders::<T>::contains_key(&who) && remaining.is_zero();
			if Transcoders::<T>::contains_key(&who) && !remaining.is_zero() {
				ensure!(remaining >= T::MinSelfBond::get(), Error::<T>::SelfBondBelowMinimum);
			}

			Self::remove_stake(&mut delegator, &mut pool, amount);
			Self::cap_cohort(&who, &transcoder, &delegator, &pool);
			TotalBonded::<T>::mutate(|total| *total = total.saturating_sub(amount));
			let round = CurrentRound::<T>::get().index;
			let withdraw_round = round.saturating_add(T::UnbondingPeriod::get());
			let lock_id = delegator.next_lock_id;
			delegator.next_lock_id = lock_id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			delegator.lock_count = delegator.lock_count.saturating_add(1);
			UnbondingLocks::<T>::insert(
				&who,
				lock_id,
				UnbondingLock {
					transcoder: transcoder.clone(),
					amount,
					base: pool.factors,
					withdraw_round,
				},
			);
			Self::add_ref(&transcoder, pool.factors.epoch);
			Pools::<T>::insert(&transcoder, pool);
			Self::put_delegator(&who, Some(&delegator));
			if resigns {
				Self::do_resign(&who);
			}
			Self::deposit_event(Event::Unbonded {
				delegator: who,
				transcoder,
				amount,
				lock_id,
				withdraw_round,
			});
			Ok(())
		}

		/// Bonds unbonding lock `lock_id` again to the signer's current transcoder (see
		/// [`Pallet::rebond_to`] for when an exposed transcoder may not).
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::rebond().saturating_add(T::SlashExposure::exposed_weight()).saturating_add(Pallet::<T>::reference_drops_weight(3)))]
		pub fn rebond(origin: OriginFor<T>, lock_id: LockId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let delegator = Delegators::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
			ensure!(!Self::bond_of(&delegator).is_zero(), Error::<T>::NotBonded);
			Self::do_rebond(who, delegator.transcoder, lock_id)
		}

		/// Bonds unbonding lock `lock_id` again, delegating the whole bond to `transcoder`
		/// (moving the existing bond if it is delegated elsewhere). While the signer is exposed
		/// to a slash, neither its self-bond nor a lock unbonded from its own pool may go to
		/// another transcoder ([`Error::ExposedToSlash`]).
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::rebond_to().saturating_add(T::SlashExposure::exposed_weight()).saturating_add(Pallet::<T>::reference_drops_weight(3)))]
		pub fn rebond_to(
			origin: OriginFor<T>,
			transcoder: T::AccountId,
			lock_id: LockId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_rebond(who, transcoder, lock_id)
		}

		/// Releases unbonding lock `lock_id` into the free balance, once its unbonding period
		/// has ended (after any slash of it).
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded().saturating_add(Pallet::<T>::reference_drops_weight(1)))]
		pub fn withdraw_unbonded(origin: OriginFor<T>, lock_id: LockId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let lock = UnbondingLocks::<T>::get(&who, lock_id).ok_or(Error::<T>::UnknownLock)?;
			ensure!(
				CurrentRound::<T>::get().index >= lock.withdraw_round,
				Error::<T>::LockNotWithdrawable
			);
			let mut delegator = Delegators::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
			let amount = Self::take_lock(&who, &mut delegator, lock_id, &lock)?;
			if !amount.is_zero() {
				T::Currency::release(&HoldReason::Staking.into(), &who, amount, Precision::Exact)
					.map_err(|_| Error::<T>::HoldMismatch)?;
			}
			Self::store_or_remove(&who, delegator);
			Self::deposit_event(Event::Withdrawn { delegator: who, lock_id, amount });
			Ok(())
		}

		/// Settles the signer's earnings up to now: rewards are compounded into the bond, fees
		/// become withdrawable. The cost does not depend on the rounds since the last claim. A
		/// record left with no bond, fees or locks (a full slash took the bond) is removed.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::claim_earnings().saturating_add(Pallet::<T>::reference_drops_weight(2)))]
		pub fn claim_earnings(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut delegator = Delegators::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
			let transcoder = delegator.transcoder.clone();
			let mut pool = Pools::<T>::get(&transcoder);
			let fees_before = delegator.fees;
			let (rewards, _) = Self::settle(&who, &mut delegator, &mut pool)?;
			if rewards.is_zero() && delegator.fees == fees_before {
				// `settle` reports only non-zero earnings; a claim always gets an answer.
				Self::deposit_event(Event::EarningsClaimed {
					delegator: who.clone(),
					transcoder: transcoder.clone(),
					rewards,
					fees: Zero::zero(),
				});
			}
			Pools::<T>::insert(&transcoder, pool);
			Self::store_or_remove(&who, delegator);
			Ok(())
		}

		/// Pays `amount` of the signer's fees out of the pot into its free balance, after
		/// settling earnings.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::withdraw_fees().saturating_add(Pallet::<T>::reference_drops_weight(2)))]
		pub fn withdraw_fees(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut delegator = Delegators::<T>::get(&who).ok_or(Error::<T>::InsufficientFees)?;
			let transcoder = delegator.transcoder.clone();
			let mut pool = Pools::<T>::get(&transcoder);
			Self::settle(&who, &mut delegator, &mut pool)?;
			ensure!(amount <= delegator.fees, Error::<T>::InsufficientFees);
			// The pot always holds what it owes: the transfer fails when `who` has no account and
			// `amount` is below the existential deposit, otherwise only on a bug.
			let ed = T::Currency::minimum_balance();
			ensure!(
				amount >= ed || !T::Currency::balance(&who).is_zero(),
				Error::<T>::RecipientBelowExistentialDeposit
			);
			T::Currency::transfer(&Self::pot(), &who, amount, Preservation::Preserve)
				.map_err(|_| Error::<T>::PotExhausted)?;
			delegator.fees = delegator.fees.saturating_sub(amount);
			Pools::<T>::insert(&transcoder, pool);
			Self::store_or_remove(&who, delegator);
			Self::deposit_event(Event::FeesWithdrawn { delegator: who, amount });
			Ok(())
		}
	}

	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// The pot: minted rewards and paid fees wait here until settled to their owners.
		pub fn pot() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		/// Creates the pot with the existential deposit if it does not exist.
		pub fn ensure_pot() {
			let pot = Self::pot();
			let ed = T::Currency::minimum_balance();
			if T::Currency::balance(&pot) < ed {
				// Minting into an empty account at least the existential deposit cannot fail;
				// if it did, rewards would be skipped (see `reward`), never lost.
				let _ = T::Currency::mint_into(&pot, ed);
			}
		}

		/// `amount × numerator / denominator`, rounded down.
		pub(crate) fn mul_div(
			amount: BalanceOf<T>,
			numerator: u128,
			denominator: u128,
		) -> Result<BalanceOf<T>, Error<T>> {
			Self::mul_div_rounding(amount, numerator, denominator, Rounding::Down)
		}

		/// `amount × numerator / denominator`, rounded as asked.
		pub(crate) fn mul_div_rounding(
			amount: BalanceOf<T>,
			numerator: u128,
			denominator: u128,
			rounding: Rounding,
		) -> Result<BalanceOf<T>, Error<T>> {
			let amount: u128 = amount.unique_saturated_into();
			let product =
				multiply_by_rational_with_rounding(amount, numerator, denominator, rounding)
					.ok_or(Error::<T>::Overflow)?;
			product.try_into().map_err(|_| Error::<T>::Overflow)
		}

		/// An account's whole bond (earning and pending).
		pub fn bond_of(delegator: &DelegatorOf<T>) -> BalanceOf<T> {
			delegator.bonded.saturating_add(delegator.pending)
		}

		/// Whether the current block is in the lock window: the last 10% of the round.
		pub fn in_lock_window() -> bool {
			let length = RoundLength::<T>::get().max(1u32.into());
			let window = length.checked_div(&10u32.into()).unwrap_or_default();
			!window.is_zero() && Self::blocks_left() <= window
		}

		/// Blocks left in the current round, the current one included.
		pub fn blocks_left() -> BlockNumberFor<T> {
			let round = CurrentRound::<T>::get();
			let end = round.start.saturating_add(RoundLength::<T>::get().max(1u32.into()));
			end.saturating_sub(frame_system::Pallet::<T>::block_number())
		}

		/// Whether `transcoder` is in the current round's active set.
		pub fn is_active(transcoder: &T::AccountId) -> bool {
			Pools::<T>::get(transcoder).active_round == Some(CurrentRound::<T>::get().index)
		}

		fn check_bond_target(who: &T::AccountId, transcoder: &T::AccountId) -> DispatchResult {
			ensure!(!T::BannedAccounts::contains(who), Error::<T>::AccountBanned);
			if transcoder == who {
				return Ok(());
			}
			ensure!(!Transcoders::<T>::contains_key(who), Error::<T>::TranscoderCannotDelegate);
			ensure!(Transcoders::<T>::contains_key(transcoder), Error::<T>::NotATranscoder);
			Ok(())
		}

		fn delegator_or_new(who: &T::AccountId, transcoder: &T::AccountId) -> DelegatorOf<T> {
			Delegators::<T>::get(who).unwrap_or_else(|| {
				Delegator::new(transcoder.clone(), CurrentRound::<T>::get().index)
			})
		}

		/// Settles `delegator`'s earnings with its transcoder's pool and adds `amount` (already
		/// on hold) to its bond, moving the whole bond if `transcoder` is another one.
		fn do_bond(
			who: &T::AccountId,
			delegator: &mut DelegatorOf<T>,
			transcoder: &T::AccountId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let previous = delegator.transcoder.clone();
			if Self::bond_of(delegator).is_zero() {
				// Nothing delegated: only fees and locks may be left; start afresh.
				delegator.transcoder = transcoder.clone();
			}
			let mut pool = Pools::<T>::get(&delegator.transcoder);
			Self::settle(who, delegator, &mut pool)?;
			if delegator.transcoder != *transcoder {
				let moved = Self::bond_of(delegator);
				Self::remove_stake(delegator, &mut pool, moved);
				Self::cap_cohort(who, &previous, delegator, &pool);
				Pools::<T>::insert(&previous, pool);
				delegator.transcoder = transcoder.clone();
				pool = Pools::<T>::get(transcoder);
				delegator.base = pool.factors;
				Self::add_stake(delegator, &mut pool, moved.saturating_add(amount))?;
				Self::join_cohort(who, transcoder, &pool, moved.saturating_add(amount));
				Self::deposit_event(Event::BondMoved {
					delegator: who.clone(),
					from: previous,
					to: transcoder.clone(),
					amount: moved,
				});
			} else {
				Self::add_stake(delegator, &mut pool, amount)?;
				Self::join_cohort(who, transcoder, &pool, amount);
			}
			Pools::<T>::insert(transcoder, pool);
			Self::deposit_event(Event::Bonded {
				delegator: who.clone(),
				transcoder: transcoder.clone(),
				amount,
				bond: Self::bond_of(delegator),
			});
			Ok(())
		}

		/// Adds `amount` to a settled delegator's stake in `pool`: pending until the next round
		/// if the transcoder is active now, earning at once otherwise (its factors cannot move
		/// before it is active).
		fn add_stake(
			delegator: &mut DelegatorOf<T>,
			pool: &mut Pool<BalanceOf<T>>,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			if amount.is_zero() {
				return Ok(());
			}
			let before = Self::membership(delegator);
			let round = CurrentRound::<T>::get().index;
			if pool.active_round == Some(round) {
				let next = round.checked_add(1).ok_or(Error::<T>::Overflow)?;
				if delegator.pending.is_zero() {
					delegator.pending_base = pool.factors;
					delegator.pending_round = next;
				}
				delegator.pending =
					delegator.pending.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
				pool.pending = pool.pending.saturating_add(amount);
				pool.pending_round = next;
			} else {
				delegator.bonded =
					delegator.bonded.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
				pool.earning = pool.earning.saturating_add(amount);
			}
			Self::update_membership(pool, before, Self::membership(delegator));
			Ok(())
		}

		/// Takes `amount` out of a settled delegator's stake in `pool`, pending part first (it
		/// earns nothing yet).
		fn remove_stake(
			delegator: &mut DelegatorOf<T>,
			pool: &mut Pool<BalanceOf<T>>,
			amount: BalanceOf<T>,
		) {
			let before = Self::membership(delegator);
			let from_pending = amount.min(delegator.pending);
			delegator.pending = delegator.pending.saturating_sub(from_pending);
			pool.pending = pool.pending.saturating_sub(from_pending);
			let from_bonded = amount.saturating_sub(from_pending).min(delegator.bonded);
			delegator.bonded = delegator.bonded.saturating_sub(from_bonded);
			pool.earning = pool.earning.saturating_sub(from_bonded);
			Self::update_membership(pool, before, Self::membership(delegator));
		}

		/// Which of a pool's stake an account has a part of: (earning, pending) — earning
		/// includes pending stake whose round has started but that is not settled yet.
		fn membership(delegator: &DelegatorOf<T>) -> Membership {
			let started = delegator.pending_round <= CurrentRound::<T>::get().index;
			let pending = !delegator.pending.is_zero();
			Membership {
				earning: !delegator.bonded.is_zero() || (pending && started),
				pending: pending && !started,
			}
		}

		/// Counts an account's change of membership in `pool`'s earning and pending stake. When
		/// the last member leaves either, what the pool still counts there is rounding dust
		/// nobody owns: it is dropped, so that later rewards and fees do not go to it.
		fn update_membership(pool: &mut Pool<BalanceOf<T>>, before: Membership, after: Membership) {
			match (before.earning, after.earning) {
				(false, true) => pool.earners = pool.earners.saturating_add(1),
				(true, false) => pool.earners = pool.earners.saturating_sub(1),
				_ => {},
			}
			match (before.pending, after.pending) {
				(false, true) => pool.pending_refs = pool.pending_refs.saturating_add(1),
				(true, false) => pool.pending_refs = pool.pending_refs.saturating_sub(1),
				_ => {},
			}
			// Pending holders that earn nothing yet join the earners when their stake starts.
			match (before.pending && !before.earning, after.pending && !after.earning) {
				(false, true) => pool.newcomers = pool.newcomers.saturating_add(1),
				(true, false) => pool.newcomers = pool.newcomers.saturating_sub(1),
				_ => {},
			}
			Self::drop_dust(pool);
		}

		/// Drops stake the pool counts but no member owns (see `update_membership`).
		fn drop_dust(pool: &mut Pool<BalanceOf<T>>) {
			let mut dust = BalanceOf::<T>::zero();
			if pool.earners == 0 {
				dust = dust.saturating_add(pool.earning);
				pool.earning = Zero::zero();
			}
			if pool.pending_refs == 0 {
				dust = dust.saturating_add(pool.pending);
				pool.pending = Zero::zero();
			}
			TotalBonded::<T>::mutate(|total| *total = total.saturating_sub(dust));
		}

		/// The factors at the end of `epoch` of `transcoder`'s pool: the current ones for the
		/// current epoch; for a wiped-out epoch, zero stake and slash factors with the fee
		/// factor it ended with.
		fn factors_of_epoch(
			transcoder: &T::AccountId,
			pool: &Pool<BalanceOf<T>>,
			epoch: u32,
		) -> Factors {
			if epoch == pool.factors.epoch {
				pool.factors
			} else {
				EpochEnds::<T>::get(transcoder, epoch).unwrap_or(Factors {
					stake: FixedU128::from_inner(0),
					slash: FixedU128::from_inner(0),
					fee: FixedU128::from_inner(0),
					epoch,
				})
			}
		}

		/// What a settlement of `delegator` against `pool` now would do, without doing it.
		pub(crate) fn compute_settlement(
			who: &T::AccountId,
			delegator: &DelegatorOf<T>,
			pool: &Pool<BalanceOf<T>>,
		) -> Result<Settlement<BalanceOf<T>>, Error<T>> {
			let transcoder = &delegator.transcoder;
			let round = CurrentRound::<T>::get().index;
			let mut out = Settlement::default();

			let end = Self::factors_of_epoch(transcoder, pool, delegator.base.epoch);
			let earning = Self::accrue(delegator.bonded, &delegator.base, &end)?;
			out.burn = delegator.bonded.saturating_sub(earning.principal);
			let mut stake = earning.stake;
			let mut principal = earning.principal;
			let mut fees = earning.fees;

			out.pending_base = delegator.pending_base;
			if !delegator.pending.is_zero() {
				let base = &delegator.pending_base;
				if delegator.pending_round <= round {
					// Started earning at `pending_round`: value it at that moment (slashes
					// before count), then accrue from there.
					let start = ActivationFactors::<T>::get(transcoder, delegator.pending_round)
						.map(|snapshot| snapshot.factors)
						// Cannot be missing; if it were, earning nothing is the safe choice.
						.unwrap_or(pool.factors);
					let slash_then = if start.epoch == base.epoch {
						start.slash
					} else {
						Self::factors_of_epoch(transcoder, pool, base.epoch).slash
					};
					let value = Self::mul_div(
						delegator.pending,
						slash_then.into_inner(),
						base.slash.into_inner(),
					)?
					.min(delegator.pending);
					let end = Self::factors_of_epoch(transcoder, pool, start.epoch);
					let activated = Self::accrue(value, &start, &end)?;
					out.burn = out
						.burn
						.saturating_add(delegator.pending.saturating_sub(activated.principal));
					stake = stake.saturating_add(activated.stake);
					principal = principal.saturating_add(activated.principal);
					fees = fees.saturating_add(activated.fees);
					out.activated = Some(delegator.pending_round);
				} else {
					let slash_now = Self::factors_of_epoch(transcoder, pool, base.epoch).slash;
					let value = Self::mul_div(
						delegator.pending,
						slash_now.into_inner(),
						base.slash.into_inner(),
					)?
					.min(delegator.pending);
					out.burn = out.burn.saturating_add(delegator.pending.saturating_sub(value));
					out.pending = value;
					out.pending_base = pool.factors;
				}
			}
			out.owed_reward = stake.saturating_sub(principal);
			// Fees of claims made before the account's newest stake arrived are not its own.
			let fees = fees.saturating_sub(Self::cohort_exclusion(who, transcoder));
			out.owed_fees = fees;
			// Rewards round down (see `accrue`), so what all delegators are owed stays within
			// what the pool holds; the caps only guard the pot against a bug.
			out.reward = out.owed_reward.min(pool.unpaid_rewards);
			out.fees = fees.min(pool.unpaid_fees);
			out.bonded = principal.saturating_add(out.reward);
			Ok(out)
		}

		/// Value, surviving principal and fees of `amount` bonded at factors `base`, now.
		fn accrue(
			amount: BalanceOf<T>,
			base: &Factors,
			now: &Factors,
		) -> Result<Accrual<BalanceOf<T>>, Error<T>> {
			if amount.is_zero() {
				return Ok(Accrual::default());
			}
			let stake = Self::mul_div(amount, now.stake.into_inner(), base.stake.into_inner())?;
			// The surviving principal rounds up (never above the value) so the reward,
			// value − principal, rounds down: every delegator's share of the pool's unpaid
			// rewards is then at most its exact share, and together they fit in the pool.
			let principal = Self::mul_div_rounding(
				amount,
				now.slash.into_inner(),
				base.slash.into_inner(),
				Rounding::Up,
			)?
			.min(amount)
			.min(stake);
			let fee_growth = now.fee.into_inner().saturating_sub(base.fee.into_inner());
			let fees = Self::mul_div(amount, fee_growth, base.stake.into_inner())?;
			Ok(Accrual { stake, principal, fees })
		}

		/// Settles `delegator`'s earnings with `pool` (its transcoder's): burns slashed
		/// principal from its hold, moves rewards from the pot into its hold, credits fees.
		/// Returns the rewards and the burned amount. Storage of the delegator and the pool is
		/// left to the caller.
		pub(crate) fn settle(
			who: &T::AccountId,
			delegator: &mut DelegatorOf<T>,
			pool: &mut Pool<BalanceOf<T>>,
		) -> Result<(BalanceOf<T>, BalanceOf<T>), DispatchError> {
			let settlement = Self::compute_settlement(who, delegator, pool)?;
			let reason: <T::Currency as frame_support::traits::fungible::InspectHold<
				T::AccountId,
			>>::Reason = HoldReason::Staking.into();
			if !settlement.burn.is_zero() {
				T::Currency::burn_held(
					&reason,
					who,
					settlement.burn,
					Precision::Exact,
					Fortitude::Force,
				)
				.map_err(|_| Error::<T>::HoldMismatch)?;
				Self::deposit_event(Event::SlashBurned {
					who: who.clone(),
					amount: settlement.burn,
				});
			}
			if !settlement.reward.is_zero() {
				T::Currency::transfer_and_hold(
					&reason,
					&Self::pot(),
					who,
					settlement.reward,
					Precision::Exact,
					Preservation::Preserve,
					Fortitude::Polite,
				)
				.map_err(|_| Error::<T>::PotExhausted)?;
				pool.unpaid_rewards = pool.unpaid_rewards.saturating_sub(settlement.reward);
			}
			pool.unpaid_fees = pool.unpaid_fees.saturating_sub(settlement.fees);
			delegator.fees =
				delegator.fees.checked_add(&settlement.fees).ok_or(Error::<T>::Overflow)?;
			if let Some(round) = settlement.activated {
				let ended = ActivationFactors::<T>::mutate_exists(
					&delegator.transcoder,
					round,
					|snapshot| {
						let s = snapshot.as_mut()?;
						s.refs = s.refs.saturating_sub(1);
						if s.refs > 0 {
							return None;
						}
						let epoch = s.factors.epoch;
						*snapshot = None;
						Some(epoch)
					},
				);
				// The account's own record still refers to the pool: at most an ended epoch's
				// `EpochEnds` leaves here, never the pool.
				if let Some(epoch) = ended {
					Self::drop_ref(&delegator.transcoder, epoch);
				}
			}
			if !settlement.reward.is_zero() || !settlement.fees.is_zero() {
				Self::deposit_event(Event::EarningsClaimed {
					delegator: who.clone(),
					transcoder: delegator.transcoder.clone(),
					rewards: settlement.reward,
					fees: settlement.fees,
				});
			}
			let before = Self::membership(delegator);
			delegator.bonded = settlement.bonded;
			delegator.pending = settlement.pending;
			delegator.pending_base = settlement.pending_base;
			delegator.base = pool.factors;
			delegator.last_claim_round = CurrentRound::<T>::get().index;
			Self::settle_cohort(who, &delegator.transcoder, pool);
			Self::update_membership(pool, before, Self::membership(delegator));
			if pool.earners == 1 && !delegator.bonded.is_zero() && pool.earning > delegator.bonded {
				// The only earner: the rest of the pool's earning stake is rounding dust
				// (see `update_membership`).
				let dust = pool.earning.saturating_sub(delegator.bonded);
				TotalBonded::<T>::mutate(|total| *total = total.saturating_sub(dust));
				pool.earning = delegator.bonded;
			}
			Ok((settlement.reward, settlement.burn))
		}

		/// Removes lock `lock_id` (already read as `lock`), burning what slashes took from it;
		/// returns what is left, still on hold.
		fn take_lock(
			who: &T::AccountId,
			delegator: &mut DelegatorOf<T>,
			lock_id: LockId,
			lock: &LockOf<T>,
		) -> Result<BalanceOf<T>, DispatchError> {
			let pool = Pools::<T>::get(&lock.transcoder);
			let slash_now = Self::factors_of_epoch(&lock.transcoder, &pool, lock.base.epoch).slash;
			let left =
				Self::mul_div(lock.amount, slash_now.into_inner(), lock.base.slash.into_inner())?
					.min(lock.amount);
			let burn = lock.amount.saturating_sub(left);
			if !burn.is_zero() {
				T::Currency::burn_held(
					&HoldReason::Staking.into(),
					who,
					burn,
					Precision::Exact,
					Fortitude::Force,
				)
				.map_err(|_| Error::<T>::HoldMismatch)?;
				Self::deposit_event(Event::SlashBurned { who: who.clone(), amount: burn });
			}
			UnbondingLocks::<T>::remove(who, lock_id);
			delegator.lock_count = delegator.lock_count.saturating_sub(1);
			Self::drop_ref(&lock.transcoder, lock.base.epoch);
			Ok(left)
		}

		fn do_rebond(
			who: T::AccountId,
			transcoder: T::AccountId,
			lock_id: LockId,
		) -> DispatchResult {
			Self::check_bond_target(&who, &transcoder)?;
			let lock = UnbondingLocks::<T>::get(&who, lock_id).ok_or(Error::<T>::UnknownLock)?;
			let mut delegator = Delegators::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
			if transcoder != who {
				let moves_self_bond =
					delegator.transcoder == who && !Self::bond_of(&delegator).is_zero();
				if moves_self_bond || lock.transcoder == who {
					ensure!(!T::SlashExposure::exposed(&who), Error::<T>::ExposedToSlash);
				}
			}
			let amount = Self::take_lock(&who, &mut delegator, lock_id, &lock)?;
			TotalBonded::<T>::mutate(|total| *total = total.saturating_add(amount));
			Self::do_bond(&who, &mut delegator, &transcoder, amount)?;
			// A lock that slashes emptied leaves nothing when rebonded with no bond.
			Self::store_or_remove(&who, delegator);
			Self::deposit_event(Event::Rebonded { delegator: who, transcoder, lock_id, amount });
			Ok(())
		}

		/// Ends `who`'s staking at once, for a broadcaster banned by pallet-reporting, which
		/// confiscates the result: settles its earnings, takes its whole bond out of its
		/// transcoder's pool (and `TotalBonded`), ends its unbonding locks (applying the slashes
		/// they suffered), pays its settled fees out of the pot, releases all of it into its
		/// free balance and resigns it if it is a registered transcoder (it leaves the active
		/// set at the next round start; its delegators stay bonded to it and earn nothing until
		/// they move). Returns the amount that reached the free balance. At most
		/// `MaxUnbondingLocks` locks; weight [`Self::release_all_weight`]. On error nothing
		/// changed (the caller runs it in a storage layer).
		pub fn release_all(who: &T::AccountId) -> Result<BalanceOf<T>, DispatchError> {
			let Some(mut delegator) = Delegators::<T>::get(who) else {
				return Ok(Zero::zero());
			};
			let transcoder = delegator.transcoder.clone();
			let mut pool = Pools::<T>::get(&transcoder);
			Self::settle(who, &mut delegator, &mut pool)?;
			let bond = Self::bond_of(&delegator);
			if !bond.is_zero() {
				Self::remove_stake(&mut delegator, &mut pool, bond);
				Self::cap_cohort(who, &transcoder, &delegator, &pool);
				TotalBonded::<T>::mutate(|total| *total = total.saturating_sub(bond));
			}
			Pools::<T>::insert(&transcoder, pool);
			let mut released = bond;
			let locks: Vec<(LockId, LockOf<T>)> = UnbondingLocks::<T>::iter_prefix(who)
				.take(T::MaxUnbondingLocks::get() as usize)
				.collect();
			for (lock_id, lock) in locks {
				let left = Self::take_lock(who, &mut delegator, lock_id, &lock)?;
				released = released.saturating_add(left);
			}
			if !released.is_zero() {
				T::Currency::release(&HoldReason::Staking.into(), who, released, Precision::Exact)
					.map_err(|_| Error::<T>::HoldMismatch)?;
			}
			let fees = delegator.fees;
			if !fees.is_zero() {
				T::Currency::transfer(&Self::pot(), who, fees, Preservation::Preserve)
					.map_err(|_| Error::<T>::RecipientBelowExistentialDeposit)?;
				delegator.fees = Zero::zero();
			}
			if Transcoders::<T>::contains_key(who) {
				Self::do_resign(who);
			}
			Self::store_or_remove(who, delegator);
			let amount = released.saturating_add(fees);
			Self::deposit_event(Event::StakeReleased { who: who.clone(), amount });
			Ok(amount)
		}

		/// The most [`Self::release_all`] can weigh.
		pub fn release_all_weight() -> Weight {
			T::WeightInfo::unbond(T::MaxTranscoders::get())
				.saturating_add(
					T::WeightInfo::withdraw_unbonded()
						.saturating_mul(u64::from(T::MaxUnbondingLocks::get())),
				)
				.saturating_add(T::WeightInfo::withdraw_fees())
				.saturating_add(T::OnTranscoderDeactivated::weight())
				.saturating_add(Self::reference_drops_weight(
					T::MaxUnbondingLocks::get().saturating_add(2),
				))
		}

		/// What `drops` references dropped by a call may weigh beyond its benchmark, which
		/// measures one path: each may remove an ended epoch's [`EpochEnds`] entry and the
		/// pool with its last reference (reads of the old record, the count, the pool, the
		/// registration and the pool's other counts; writes of the count, the epoch end, the
		/// pool and [`TotalBonded`]).
		pub fn reference_drops_weight(drops: u32) -> Weight {
			T::DbWeight::get().reads_writes(5, 4).saturating_mul(u64::from(drops))
		}

		/// Stores a delegator record, or removes it when nothing is left in it.
		fn store_or_remove(who: &T::AccountId, delegator: DelegatorOf<T>) {
			if Self::bond_of(&delegator).is_zero()
				&& delegator.fees.is_zero()
				&& delegator.lock_count == 0
			{
				Self::put_delegator(who, None);
			} else {
				Self::put_delegator(who, Some(&delegator));
			}
		}

		/// Stores (`Some`) or removes (`None`) `who`'s record, moving its reference from the
		/// pool epoch the stored record referred to ([`EpochRefs`]) to the new one's. Called
		/// after the paths that change the pools have stored them, so that a pool whose last
		/// reference goes leaves storage for good.
		pub(crate) fn put_delegator(who: &T::AccountId, delegator: Option<&DelegatorOf<T>>) {
			let old = Delegators::<T>::get(who).map(|d| (d.transcoder, d.base.epoch));
			let new = delegator.map(|d| (d.transcoder.clone(), d.base.epoch));
			match delegator {
				Some(delegator) => Delegators::<T>::insert(who, delegator),
				None => Delegators::<T>::remove(who),
			}
			if old != new {
				// The new reference first: a move between two epochs of one pool never lets
				// its count fall to zero on the way.
				if let Some((transcoder, epoch)) = new {
					Self::add_ref(&transcoder, epoch);
				}
				if let Some((transcoder, epoch)) = old {
					Self::drop_ref(&transcoder, epoch);
				}
			}
		}

		/// Counts one more reference to `epoch` of `transcoder`'s pool.
		pub(crate) fn add_ref(transcoder: &T::AccountId, epoch: u32) {
			EpochRefs::<T>::mutate(transcoder, epoch, |refs| {
				*refs = Some(refs.unwrap_or(0).saturating_add(1));
			});
		}

		/// Counts one reference less to `epoch` of `transcoder`'s pool; with its last one, an
		/// ended epoch's [`EpochEnds`] entry leaves, and so does the pool if nothing else refers
		/// to it and its transcoder is not registered.
		pub(crate) fn drop_ref(transcoder: &T::AccountId, epoch: u32) {
			let left = EpochRefs::<T>::mutate_exists(transcoder, epoch, |refs| {
				let left = (*refs)
					.defensive_ok_or("a reference that was never counted")
					.unwrap_or(1)
					.saturating_sub(1);
				*refs = (left > 0).then_some(left);
				left
			});
			if left > 0 {
				return;
			}
			if Pools::<T>::get(transcoder).factors.epoch != epoch {
				EpochEnds::<T>::remove(transcoder, epoch);
			}
			Self::remove_pool_if_unreferenced(transcoder);
		}

		/// Removes `transcoder`'s pool if its transcoder is not registered and nothing refers to
		/// it ([`EpochRefs`]). With no account delegated to it, what the pool still counts as
		/// stake or as unpaid rewards and fees is rounding dust nobody owns: the stake leaves
		/// [`TotalBonded`], the unpaid amounts stay in the pot. Returns whether it was removed.
		pub(crate) fn remove_pool_if_unreferenced(transcoder: &T::AccountId) -> bool {
			if Transcoders::<T>::contains_key(transcoder)
				|| EpochRefs::<T>::iter_key_prefix(transcoder).next().is_some()
				|| !Pools::<T>::contains_key(transcoder)
			{
				return false;
			}
			let pool = Pools::<T>::take(transcoder);
			let dust = pool.earning.saturating_add(pool.pending);
			TotalBonded::<T>::mutate(|total| *total = total.saturating_sub(dust));
			true
		}

		/// Deregisters a transcoder; it stays in the current active set until the round ends.
		fn do_resign(who: &T::AccountId) {
			Transcoders::<T>::remove(who);
			Candidates::<T>::mutate(|candidates| candidates.retain(|c| c != who));
			Self::deposit_event(Event::TranscoderResigned { transcoder: who.clone() });
			T::OnTranscoderDeactivated::on_transcoder_deactivated(who);
			// A transcoder whose own record is gone (a full slash emptied it and a claim
			// removed it) may leave nothing that refers to its pool.
			Self::remove_pool_if_unreferenced(who);
		}

		/// Starts a new round at block `now`; see the crate docs. Returns its weight.
		pub(crate) fn start_round(now: BlockNumberFor<T>) -> Weight {
			let previous = ActiveSet::<T>::take();
			let previous_count = previous.len() as u32;
			let round = CurrentRound::<T>::get().index.saturating_add(1);
			CurrentRound::<T>::put(RoundInfo { index: round, start: now });

			// 1. Stake bonded last round to then active transcoders starts earning.
			for member in previous.iter() {
				Self::activate_pending(&member.who, round);
			}

			// 2. Elect the active set.
			let candidates = Candidates::<T>::get();
			let candidate_count = candidates.len() as u32;
			// (stake, registration index, transcoder, terms)
			type Ranked<T> = (
				BalanceOf<T>,
				u64,
				<T as frame_system::Config>::AccountId,
				TranscoderTerms<BalanceOf<T>>,
			);
			let mut ranked: Vec<Ranked<T>> = candidates
				.into_iter()
				.filter_map(|who| {
					let info = Transcoders::<T>::get(&who)?;
					let pool = Pools::<T>::get(&who);
					let stake = pool.earning.saturating_add(pool.pending);
					(!stake.is_zero()).then_some((stake, info.registration_index, who, info.terms))
				})
				.collect();
			ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
			ranked.truncate(T::MaxActiveTranscoders::get() as usize);
			let active_stake = ranked
				.iter()
				.fold(BalanceOf::<T>::zero(), |sum, member| sum.saturating_add(member.0));

			// 3. Ask the monetary policy what the round may mint.
			let mintable = T::MonetaryPolicy::mintable_for_round(TotalBonded::<T>::get());

			// 4. Reward every active transcoder.
			let mut minted = BalanceOf::<T>::zero();
			let mut active = ActiveSetOf::<T>::default();
			for (stake, _, who, terms) in ranked {
				let reward = if active_stake.is_zero() {
					Zero::zero()
				} else {
					Self::mul_div(
						mintable,
						stake.unique_saturated_into(),
						active_stake.unique_saturated_into(),
					)
					.unwrap_or_else(|_| Zero::zero())
				};
				minted = minted.saturating_add(Self::reward(&who, round, &terms, reward));
				// Cannot fail: `ranked` was truncated to the bound.
				let _ = active.try_push(ActiveTranscoder { who, stake, terms });
			}
			let active_count = active.len() as u32;
			// Members that dropped out of the set (resigned ones were told when they resigned).
			let mut dropped = 0u32;
			for member in previous.iter() {
				let still_active = active.iter().any(|now| now.who == member.who);
				if !still_active && Transcoders::<T>::contains_key(&member.who) {
					T::OnTranscoderDeactivated::on_transcoder_deactivated(&member.who);
					dropped = dropped.saturating_add(1);
				}
			}
			ActiveSet::<T>::put(active);
			Self::deposit_event(Event::NewRound { round, active: active_count, mintable, minted });
			T::WeightInfo::start_round(candidate_count.max(previous_count))
				.saturating_add(T::OnTranscoderDeactivated::weight().saturating_mul(dropped.into()))
		}

		/// Turns a pool's pending stake into earning stake at the start of `round`, keeping the
		/// factors for the delegators concerned.
		fn activate_pending(transcoder: &T::AccountId, round: RoundIndex) {
			let mut pool = Pools::<T>::get(transcoder);
			if pool.pending_round != round || (pool.pending.is_zero() && pool.pending_refs == 0) {
				return;
			}
			Self::activate_cohort(transcoder, pool.factors.epoch, round);
			if pool.pending_refs > 0 {
				ActivationFactors::<T>::insert(
					transcoder,
					round,
					ActivationSnapshot { factors: pool.factors, refs: pool.pending_refs },
				);
				Self::add_ref(transcoder, pool.factors.epoch);
			}
			pool.earning = pool.earning.saturating_add(pool.pending);
			pool.pending = Zero::zero();
			pool.pending_refs = 0;
			pool.earners = pool.earners.saturating_add(pool.newcomers);
			pool.newcomers = 0;
			Self::drop_dust(&mut pool);
			Pools::<T>::insert(transcoder, pool);
		}

		/// Pays an active transcoder's reward for `round`; returns what was minted.
		fn reward(
			who: &T::AccountId,
			round: RoundIndex,
			terms: &TranscoderTerms<BalanceOf<T>>,
			reward: BalanceOf<T>,
		) -> BalanceOf<T> {
			let mut pool = Pools::<T>::get(who);
			pool.active_round = Some(round);
			let own = Delegators::<T>::get(who).filter(|d| d.transcoder == *who);
			let mut transcoder_reward = terms.reward_cut.mul_floor(reward);
			let mut delegators_reward = reward.saturating_sub(transcoder_reward);
			if pool.earning.is_zero() {
				// Nobody earns in the pool: all of it is the transcoder's.
				transcoder_reward = reward;
				delegators_reward = Zero::zero();
			} else if own.is_none() {
				// No self-bond to add the cut to: the pool gets it.
				delegators_reward = reward;
				transcoder_reward = Zero::zero();
			}
			if pool.earning.is_zero() && own.is_none() {
				Pools::<T>::insert(who, pool);
				return Zero::zero();
			}

			let mut minted = BalanceOf::<T>::zero();
			if !delegators_reward.is_zero() {
				// Every unit of earning stake grows by (earning + reward) / earning.
				let factor = multiply_by_rational_with_rounding(
					pool.factors.stake.into_inner(),
					pool.earning.saturating_add(delegators_reward).unique_saturated_into(),
					pool.earning.unique_saturated_into(),
					Rounding::Down,
				)
				.filter(|inner| *inner > 0)
				.map(FixedU128::from_inner);
				match factor {
					Some(factor)
						if T::MonetaryPolicy::mint(&Self::pot(), delegators_reward).is_ok() =>
					{
						pool.factors.stake = factor;
						pool.earning = pool.earning.saturating_add(delegators_reward);
						pool.unpaid_rewards = pool.unpaid_rewards.saturating_add(delegators_reward);
						// Counted at once: settling the transcoder's own bond below may drop
						// rounding dust from the pool and from this total, which must include
						// the reward by then (else the subtraction saturates at zero).
						TotalBonded::<T>::mutate(|total| {
							*total = total.saturating_add(delegators_reward)
						});
						minted = minted.saturating_add(delegators_reward);
					},
					_ => delegators_reward = Zero::zero(),
				}
			}
			if let (false, Some(mut own)) = (transcoder_reward.is_zero(), own) {
				match Self::bond_reward_cut(who, &mut own, &mut pool, transcoder_reward) {
					Ok(()) => {
						TotalBonded::<T>::mutate(|total| {
							*total = total.saturating_add(transcoder_reward)
						});
						minted = minted.saturating_add(transcoder_reward);
						Self::put_delegator(who, Some(&own));
					},
					Err(_) => transcoder_reward = Zero::zero(),
				}
			}
			Pools::<T>::insert(who, pool);
			Self::deposit_event(Event::Rewarded {
				transcoder: who.clone(),
				round,
				delegators_reward,
				transcoder_reward,
			});
			minted
		}

		/// Mints the transcoder's reward cut into its account and bonds it to itself (all or
		/// nothing).
		fn bond_reward_cut(
			who: &T::AccountId,
			own: &mut DelegatorOf<T>,
			pool: &mut Pool<BalanceOf<T>>,
			cut: BalanceOf<T>,
		) -> DispatchResult {
			let mut new_own = own.clone();
			let mut new_pool = pool.clone();
			frame_support::storage::with_storage_layer(|| -> DispatchResult {
				Self::settle(who, &mut new_own, &mut new_pool)?;
				T::MonetaryPolicy::mint(who, cut)?;
				T::Currency::hold(&HoldReason::Staking.into(), who, cut)?;
				Self::add_stake(&mut new_own, &mut new_pool, cut)
			})?;
			*own = new_own;
			*pool = new_pool;
			Ok(())
		}
	}

	/// What a settlement does.
	#[derive(Default, Clone, PartialEq, Eq, Debug)]
	pub(crate) struct Settlement<Balance> {
		/// The earning bond afterwards.
		pub bonded: Balance,
		/// The pending bond afterwards (zero once it started earning).
		pub pending: Balance,
		/// The factors the pending bond is valued at afterwards.
		pub pending_base: Factors,
		/// Slashed principal to burn from the hold.
		pub burn: Balance,
		/// Rewards to move from the pot into the hold.
		pub reward: Balance,
		/// Fees to credit.
		pub fees: Balance,
		/// Rewards earned, before capping them at what the pool holds.
		pub owed_reward: Balance,
		/// Fees earned, before capping them at what the pool holds.
		pub owed_fees: Balance,
		/// The round whose activation snapshot the settlement used up.
		pub activated: Option<RoundIndex>,
	}

	/// Whether an account has a part of a pool's earning and of its pending stake.
	#[derive(Clone, Copy)]
	struct Membership {
		earning: bool,
		pending: bool,
	}

	#[derive(Default)]
	struct Accrual<Balance> {
		stake: Balance,
		principal: Balance,
		fees: Balance,
	}

	#[deny(clippy::expect_used)]
	impl<T: Config> TranscoderFees<T::AccountId, BalanceOf<T>> for Pallet<T> {
		fn add_fees(
			payer: &T::AccountId,
			transcoder: &T::AccountId,
			amount: BalanceOf<T>,
		) -> Result<(), DispatchError> {
			Self::add_fees_for_round(payer, transcoder, amount, CurrentRound::<T>::get().index)
		}

		fn add_fees_for_claim(
			payer: &T::AccountId,
			transcoder: &T::AccountId,
			amount: BalanceOf<T>,
			claimed_at: u64,
		) -> Result<(), DispatchError> {
			let block: BlockNumberFor<T> = claimed_at.unique_saturated_into();
			Self::add_fees_for_round(payer, transcoder, amount, Self::round_of_block(block))
		}

		fn add_fees_weight() -> Weight {
			T::WeightInfo::add_fees()
				.saturating_add(Self::fee_cohorts_weight())
				.saturating_add(Self::reference_drops_weight(1))
		}
	}

	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// The most a payout's fee cohorts weigh on top of the benchmarked `add_fees` (which
		/// has none): a read of each cohort it may leave out and a write of each.
		pub fn fee_cohorts_weight() -> Weight {
			let cohorts = u64::from(FEE_ATTRIBUTION_ROUNDS).saturating_add(1);
			T::DbWeight::get().reads_writes(cohorts, cohorts)
		}

		/// Credits `amount` of fees for work claimed in round `claim_round` (see
		/// [`TranscoderFees::add_fees_for_claim`]).
		pub fn add_fees_for_round(
			payer: &T::AccountId,
			transcoder: &T::AccountId,
			amount: BalanceOf<T>,
			claim_round: RoundIndex,
		) -> Result<(), DispatchError> {
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			// Fees pay for work already done, so a transcoder that has left the active set (or
			// resigned) is still paid: with this round's terms if active, else its registered
			// terms, else all to itself (its delegators' terms are gone with its registration).
			let terms = ActiveSet::<T>::get()
				.into_iter()
				.find(|member| member.who == *transcoder)
				.map(|member| member.terms)
				.or_else(|| Transcoders::<T>::get(transcoder).map(|info| info.terms));
			let fee_share = match terms {
				Some(terms) => terms.fee_share,
				None if Pools::<T>::contains_key(transcoder) => Perbill::zero(),
				None => return Err(Error::<T>::TranscoderNotActive.into()),
			};
			frame_support::storage::with_storage_layer(|| {
				T::Currency::transfer(payer, &Self::pot(), amount, Preservation::Preserve)
					.map_err(|_| Error::<T>::InsufficientBalance)?;
				let mut pool = Pools::<T>::get(transcoder);
				let mut delegators_fees = fee_share.mul_floor(amount);
				// Stake that joined after the claim's round shares none of it.
				let (newcomers, members, cohorts) =
					Self::excluded_cohorts(transcoder, &pool, claim_round);
				let sharing = pool.earning.saturating_sub(newcomers);
				// When every earning account has stake that joined later, what is left of the
				// pool's stake is rounding dust nobody owns: the transcoder keeps the fee.
				if sharing.is_zero() || members >= pool.earners {
					delegators_fees = Zero::zero();
				}
				if !delegators_fees.is_zero() {
					let growth = multiply_by_rational_with_rounding(
						delegators_fees.unique_saturated_into(),
						pool.factors.stake.into_inner(),
						sharing.unique_saturated_into(),
						Rounding::Down,
					)
					.ok_or(Error::<T>::Overflow)?;
					for (key, mut cohort) in cohorts {
						cohort.excluded = FixedU128::from_inner(
							cohort.excluded.into_inner().saturating_add(growth),
						);
						FeeCohorts::<T>::insert(transcoder, key, cohort);
					}
					let fee = pool
						.factors
						.fee
						.into_inner()
						.checked_add(growth)
						.ok_or(Error::<T>::Overflow)?;
					pool.factors.fee = FixedU128::from_inner(fee);
					pool.unpaid_fees = pool.unpaid_fees.saturating_add(delegators_fees);
				}
				let transcoder_fees = amount.saturating_sub(delegators_fees);
				let factors = pool.factors;
				Pools::<T>::insert(transcoder, pool);
				if !transcoder_fees.is_zero() {
					let mut own = Delegators::<T>::get(transcoder).unwrap_or_else(|| {
						// A new record refers to the pool's current epoch.
						let mut own =
							Delegator::new(transcoder.clone(), CurrentRound::<T>::get().index);
						own.base = factors;
						own
					});
					own.fees =
						own.fees.checked_add(&transcoder_fees).ok_or(Error::<T>::Overflow)?;
					Self::put_delegator(transcoder, Some(&own));
				}
				// A resigned transcoder whose own record went to another pool: nothing may
				// refer to its pool any more (see `remove_pool_if_unreferenced`).
				Self::remove_pool_if_unreferenced(transcoder);
				Self::deposit_event(Event::FeesAdded {
					transcoder: transcoder.clone(),
					payer: payer.clone(),
					delegators_fees,
					transcoder_fees,
				});
				Ok(())
			})
		}
	}

	#[deny(clippy::expect_used)]
	impl<T: Config> Slashing<T::AccountId, BalanceOf<T>> for Pallet<T> {
		fn slash(
			transcoder: &T::AccountId,
			fraction: Perbill,
			finder: Option<T::AccountId>,
			finder_fee: Perbill,
		) -> BalanceOf<T> {
			if fraction.is_zero() || !Pools::<T>::contains_key(transcoder) {
				return Zero::zero();
			}
			let mut pool = Pools::<T>::get(transcoder);
			// The transcoder's own stake now (settled against the pool before the slash): the
			// finder fee is a share of what the offender itself loses, so that a finder (a
			// sybil of the transcoder, say) never gains more than the offender pays.
			let own_stake = Delegators::<T>::get(transcoder)
				.filter(|own| own.transcoder == *transcoder)
				.and_then(|own| Self::compute_settlement(transcoder, &own, &pool).ok())
				.map_or_else(Zero::zero, |own| own.bonded.saturating_add(own.pending));
			let keep = Perbill::one().saturating_sub(fraction);
			let scale =
				|factor: FixedU128| FixedU128::from_inner(keep.mul_floor(factor.into_inner()));
			let stake_factor = scale(pool.factors.stake);
			let slash_factor = scale(pool.factors.slash);
			// Below the smallest factor, what is left is dust: the slash takes everything and
			// the pool starts a new epoch (see `Factors::epoch`).
			let wipe = stake_factor < MIN_FACTOR || slash_factor < MIN_FACTOR;
			let (slashed_earning, slashed_pending, slashed_rewards) = if wipe {
				// Kept while accounts, locks or snapshots of the ended epoch remain.
				if EpochRefs::<T>::contains_key(transcoder, pool.factors.epoch) {
					EpochEnds::<T>::insert(
						transcoder,
						pool.factors.epoch,
						Factors {
							stake: FixedU128::from_inner(0),
							slash: FixedU128::from_inner(0),
							fee: pool.factors.fee,
							epoch: pool.factors.epoch,
						},
					);
				}
				pool.factors =
					Factors { epoch: pool.factors.epoch.saturating_add(1), ..Factors::default() };
				(pool.earning, pool.pending, pool.unpaid_rewards)
			} else {
				pool.factors.stake = stake_factor;
				pool.factors.slash = slash_factor;
				(
					fraction.mul_floor(pool.earning),
					fraction.mul_floor(pool.pending),
					fraction.mul_floor(pool.unpaid_rewards),
				)
			};
			let slashed = slashed_earning.saturating_add(slashed_pending);
			let own_slashed =
				if wipe { own_stake } else { fraction.mul_floor(own_stake) }.min(slashed);
			pool.earning = pool.earning.saturating_sub(slashed_earning);
			pool.pending = pool.pending.saturating_sub(slashed_pending);
			TotalBonded::<T>::mutate(|total| *total = total.saturating_sub(slashed));

			// The slashed share of unclaimed rewards is in the pot: burn it now.
			let from_pot = slashed_rewards;
			let burned_from_pot = if from_pot.is_zero() {
				Zero::zero()
			} else {
				T::Currency::burn_from(
					&Self::pot(),
					from_pot,
					Preservation::Preserve,
					Precision::BestEffort,
					Fortitude::Force,
				)
				.unwrap_or_else(|_| Zero::zero())
			};
			pool.unpaid_rewards = pool.unpaid_rewards.saturating_sub(burned_from_pot);
			Pools::<T>::insert(transcoder, pool);

			let mut finder_reward = BalanceOf::<T>::zero();
			if let Some(finder) = &finder {
				let fee = finder_fee.mul_floor(own_slashed);
				if !fee.is_zero() && T::Currency::mint_into(finder, fee).is_ok() {
					finder_reward = fee;
				}
			}
			// Proportional: a large slash resigns the transcoder and keeps it out for a while; a
			// small one (a vote) only costs stake.
			if fraction >= T::ResignSlashThreshold::get()
				&& Transcoders::<T>::contains_key(transcoder)
			{
				Self::do_resign(transcoder);
				let cooldown = T::SlashCooldown::get();
				if cooldown > 0 {
					let from = CurrentRound::<T>::get().index.saturating_add(cooldown);
					RegisterCooldown::<T>::insert(transcoder, from);
				}
			}
			Self::deposit_event(Event::Slashed {
				transcoder: transcoder.clone(),
				fraction,
				slashed,
				burned_from_pot,
				finder,
				finder_reward,
			});
			slashed
		}

		fn slash_weight() -> Weight {
			T::WeightInfo::slash(T::MaxTranscoders::get())
				.saturating_add(T::OnTranscoderDeactivated::weight())
				.saturating_add(Self::reference_drops_weight(1))
		}
	}
}

/// Default round length in blocks when the genesis config sets none: one hour of 2 s blocks.
pub const DEFAULT_ROUND_LENGTH: u32 = 1_800;

/// For how many rounds a payout is attributed to the round of its claim (see the crate docs,
/// "Fees belong to the stake that did the work"): a payout of an older claim counts as one of
/// the oldest round still tracked. 24 rounds are a day of 1-hour rounds, and cover pallet-jobs'
/// 80-block verification window even with the 5-block rounds of the dev chain.
pub const FEE_ATTRIBUTION_ROUNDS: RoundIndex = 24;

/// One unit of stake-factor value in a fee cohort's units: `value × COHORT_UNIT ÷ stake factor`
/// (1e27 over a fixed-point factor of 1e18: 9 decimals more than a balance, so that rounding
/// a member's units costs it far less than a planck of fees).
pub const COHORT_UNIT: u128 = 1_000_000_000_000_000_000_000_000_000;
