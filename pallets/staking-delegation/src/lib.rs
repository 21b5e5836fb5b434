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
pub mod pallet;
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
