//! Storage and call types of pallet-staking-delegation.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use sp_arithmetic::{FixedU128, Perbill};

/// Number of a round, counted from 0 at genesis.
pub type RoundIndex = u32;
/// Identifies one unbonding lock of a delegator (unique per delegator, never reused).
pub type LockId = u32;

/// Longest service URI a transcoder may publish, in bytes.
pub const MAX_SERVICE_URI_LEN: u32 = 256;
/// Where broadcasters reach a transcoder (e.g. `https://t1.example:8935`).
pub type ServiceUri = BoundedVec<u8, ConstU32<MAX_SERVICE_URI_LEN>>;

/// A transcoder's terms: what it keeps of rewards and fees, and what it charges.
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
pub struct TranscoderTerms<Balance> {
	/// Share of each round's inflation reward the transcoder keeps; the rest goes to all stake
	/// delegated to it (its own included), pro rata.
	pub reward_cut: Perbill,
	/// Share of fees that goes to the delegated stake (its own included); the transcoder keeps
	/// the rest.
	pub fee_share: Perbill,
	/// Price per transcoded segment, in the smallest OLC unit.
	pub price_per_segment: Balance,
}

/// A registered transcoder.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Transcoder<Balance> {
	/// The terms as last set: they are snapshotted into the active set at each round start, so a
	/// change takes effect at the next round.
	pub terms: TranscoderTerms<Balance>,
	/// Where broadcasters reach the transcoder.
	pub service_uri: ServiceUri,
	/// The round in which it registered.
	pub registered_round: RoundIndex,
	/// Global registration order: breaks stake ties in favour of the earlier registration.
	pub registration_index: u64,
}

/// The cumulative factors of a transcoder's pool (LIP-36 style). A delegator records them when
/// it settles; everything it earned since then follows from the ratio of the current factors to
/// the recorded ones, in O(1) however many rounds have passed.
///
/// All three are fixed-point numbers with 18 decimals.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Factors {
	/// Value of one unit of stake bonded when the factor was 1: grows with each round's
	/// reward (× (stake + reward) / stake) and shrinks with each slash (× (1 − fraction)).
	pub stake: FixedU128,
	/// The slash part of `stake` alone: the product of (1 − fraction) over all slashes. The
	/// original principal left after slashes is `bonded × slash_now / slash_then`.
	pub slash: FixedU128,
	/// Fees earned per unit of "stake at factor 1": grows by
	/// `delegators' fees × stake factor / pool stake` with each fee credit.
	pub fee: FixedU128,
	/// Counts the pool's wipe-outs: a slash that would take a factor below
	/// [`crate::MIN_FACTOR`] takes everything and starts the factors afresh in a new epoch;
	/// stake recorded in an older epoch is worth nothing.
	pub epoch: u32,
}

impl Default for Factors {
	fn default() -> Self {
		Self {
			stake: FixedU128::from_u32(1),
			slash: FixedU128::from_u32(1),
			fee: FixedU128::from_inner(0),
			epoch: 0,
		}
	}
}

/// The pool of stake delegated to one transcoder (its own self-bond included). It outlives the
/// transcoder's registration while delegators, unbonding locks or activation snapshots refer to
/// its factors, and leaves storage with the last of them (see the crate docs, "Storage that only
/// grows").
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen, Default)]
pub struct Pool<Balance> {
	/// The current cumulative factors.
	pub factors: Factors,
	/// Stake that earns in the current round: the sum of the delegators' earning bonds at their
	/// current value (including rewards not yet claimed, after slashes).
	pub earning: Balance,
	/// Stake bonded during a round in which the transcoder is active: it only starts earning at
	/// `pending_round`.
	pub pending: Balance,
	/// The round at whose start `pending` becomes earning stake.
	pub pending_round: RoundIndex,
	/// How many accounts hold a part of `pending`: the number of references to the factor
	/// snapshot taken at `pending_round`'s start.
	pub pending_refs: u32,
	/// Delegators' rewards minted into the pallet's pot and not yet moved into their bonds.
	pub unpaid_rewards: Balance,
	/// Delegators' fees paid into the pot and not yet settled to them.
	pub unpaid_fees: Balance,
	/// The last round in which the transcoder was in the active set.
	pub active_round: Option<RoundIndex>,
	/// How many accounts have a part of `earning`.
	pub earners: u32,
	/// How many accounts have a part of `pending` but none of `earning`: they join `earners`
	/// at `pending_round`.
	pub newcomers: u32,
}

/// One account's bond. Everything bonded stays on hold in the account itself.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Delegator<AccountId, Balance> {
	/// The transcoder the whole bond is delegated to (the account itself for a transcoder).
	pub transcoder: AccountId,
	/// The earning part of the bond, as held, valued at `base`.
	pub bonded: Balance,
	/// The pool's factors when `bonded` was last settled.
	pub base: Factors,
	/// Bonded while the transcoder was active: earns from the start of `pending_round`.
	pub pending: Balance,
	/// The round at whose start `pending` starts earning.
	pub pending_round: RoundIndex,
	/// The pool's factors when `pending` was bonded (or last settled): slashes before it starts
	/// earning reduce it too.
	pub pending_base: Factors,
	/// Settled fees the account may withdraw with `withdraw_fees`.
	pub fees: Balance,
	/// The round of the last settlement.
	pub last_claim_round: RoundIndex,
	/// The id the next unbonding lock gets.
	pub next_lock_id: LockId,
	/// How many unbonding locks the account has.
	pub lock_count: u32,
}

impl<AccountId, Balance: Default> Delegator<AccountId, Balance> {
	/// A fresh record delegating to `transcoder`.
	pub fn new(transcoder: AccountId, round: RoundIndex) -> Self {
		Self {
			transcoder,
			bonded: Balance::default(),
			base: Factors::default(),
			pending: Balance::default(),
			pending_round: round,
			pending_base: Factors::default(),
			fees: Balance::default(),
			last_claim_round: round,
			next_lock_id: 0,
			lock_count: 0,
		}
	}
}

/// OLC on its way out of a bond: still on hold, withdrawable from `withdraw_round`.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct UnbondingLock<AccountId, Balance> {
	/// The transcoder it was delegated to: its slashes reach the lock until it is withdrawn.
	pub transcoder: AccountId,
	/// The amount as held.
	pub amount: Balance,
	/// The transcoder pool's factors when the lock was created (its slash factor and epoch
	/// count).
	pub base: Factors,
	/// The first round in which it can be withdrawn.
	pub withdraw_round: RoundIndex,
}

/// The pool factors at the start of a round, kept while delegators whose pending stake started
/// earning then have not settled.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct ActivationSnapshot {
	/// The factors at the round's start, before its reward.
	pub factors: Factors,
	/// Delegators that still have to settle against it.
	pub refs: u32,
}

/// A member of a round's active set, with the stake and terms snapshotted at round start.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct ActiveTranscoder<AccountId, Balance> {
	/// The transcoder.
	pub who: AccountId,
	/// Its total delegated stake at round start.
	pub stake: Balance,
	/// Its terms for the whole round.
	pub terms: TranscoderTerms<Balance>,
}

/// The current round.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen, Default)]
pub struct RoundInfo<BlockNumber> {
	/// Its number.
	pub index: RoundIndex,
	/// The block in which it started.
	pub start: BlockNumber,
}

/// An account's bond as the runtime API shows it: what a settlement now would give.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct DelegatorView<AccountId, Balance> {
	/// The transcoder the bond is delegated to.
	pub transcoder: AccountId,
	/// The whole bond after settlement: earning and pending stake, rewards included, slashes
	/// deducted.
	pub stake: Balance,
	/// The part of `stake` not earning before the next round start.
	pub pending_stake: Balance,
	/// Rewards a claim would compound into the bond now (included in `stake`).
	pub unclaimed_rewards: Balance,
	/// Fees withdrawable after a claim (settled and unsettled).
	pub fees: Balance,
	/// The round of the last settlement.
	pub last_claim_round: RoundIndex,
	/// How many unbonding locks the account has.
	pub unbonding_locks: u32,
}

/// A transcoder as the runtime API shows it.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct TranscoderView<Balance> {
	/// Whether it is registered (it may still be active until the round ends after resigning).
	pub registered: bool,
	/// Whether it is in the current round's active set.
	pub active: bool,
	/// Its terms as last set (effective from the next round start).
	pub terms: Option<TranscoderTerms<Balance>>,
	/// The terms in effect this round, if active.
	pub round_terms: Option<TranscoderTerms<Balance>>,
	/// Where broadcasters reach it (empty when not registered).
	pub service_uri: ServiceUri,
	/// Total stake delegated to it now (earning and pending).
	pub stake: Balance,
	/// Its stake snapshotted at the current round start, if active.
	pub round_stake: Option<Balance>,
}

/// The current round as the runtime API shows it.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct RoundView<BlockNumber> {
	/// Its number.
	pub index: RoundIndex,
	/// The block in which it started.
	pub start: BlockNumber,
	/// Round length in blocks.
	pub length: BlockNumber,
	/// Blocks left in it, the current one included.
	pub blocks_left: BlockNumber,
	/// Whether transcoders' terms are locked (the last 10% of the round).
	pub lock_window: bool,
}

/// Stake that joined a pool during round `round − 1` (bonded, rebonded or moved in): it shares
/// the fees of claims made from `round` on, never those of earlier claims paid later (see the
/// crate docs, "Fees belong to the stake that did the work"). Kept while it has members.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen, Default)]
pub struct FeeCohort {
	/// Its earning stake in units of the pool's stake factor (value ÷ stake factor, with 9 more
	/// decimals: [`crate::COHORT_UNIT`]): what its members' [`FeeCohortMember::units`] add up to.
	pub units: u128,
	/// Its stake still pending (bonded while the transcoder was active), in the same units: it
	/// joins `units` when it starts earning, at the start of `round`.
	pub pending_units: u128,
	/// Fee factor growth its members must give back: what each payout of a claim made before
	/// `round` added to the pool's fee factor while its stake was earning.
	pub excluded: FixedU128,
	/// `excluded` when the pending units started earning (`None` before).
	pub excluded_at_activation: Option<FixedU128>,
	/// Accounts with a membership ([`FeeCohortMember`]).
	pub members: u32,
}

/// An account's part of a pool's [`FeeCohort`] (at most one at a time).
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct FeeCohortMember {
	/// The pool's epoch when it joined (a wipe-out ends the cohort).
	pub epoch: u32,
	/// The cohort's round: the first round whose claims its stake shares.
	pub round: RoundIndex,
	/// Its earning stake in the cohort, in units of the pool's stake factor.
	pub units: u128,
	/// Its pending stake in the cohort (earning from the start of `round`), in the same units.
	pub pending_units: u128,
	/// The cohort's `excluded` when the account last settled.
	pub excluded_base: FixedU128,
}
