//! The FRAME pallet: configuration, storage, genesis, events, errors, hooks and calls (in the
//! `pallet` macro module, re-exported here and at the crate root). The logic behind the calls and
//! hooks is in `impl<T: Config> Pallet<T>` blocks by responsibility:
//! - `impls`: the interface to the runtime and other pallets, and the helpers the calls share;
//! - `bonding`: bonds, pool membership, unbonding locks and rebonding;
//! - `settlement`: settling an account against its pool;
//! - `references`: account records, epoch reference counts and removing unreferenced pools;
//! - `rounds`: round start, the active set and rewards;
//! - `fees`: crediting fees ([`TranscoderFees`]);
//! - `slashing`: slashing pools ([`Slashing`]).
//!
//! Fee cohorts are in `crate::fee_cohorts`, the runtime API views in `crate::api`.

mod bonding;
mod fees;
mod impls;
mod references;
mod rounds;
mod settlement;
mod slashing;

pub use self::pallet::*;

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

// The FRAME macros expand to `expect`s (e.g. "pallet is in the runtime") attributed to this
// module's `#[pallet::…]` attributes; every block of our own code (below and in the impl files)
// denies them again.
#[frame_support::pallet]
pub mod pallet {
	// The module keeps FRAME's usual name; `crate::pallet` re-exports it, so its paths are those
	// of a pallet defined in lib.rs.
	#![allow(clippy::expect_used, clippy::module_inception)]
	use super::*;

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
}
