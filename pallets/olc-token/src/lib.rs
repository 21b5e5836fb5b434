//! # pallet-olc-token
//!
//! OpenLive Coin's own token logic on top of `pallet-balances`:
//!
//! - [`Pallet::tip`]: a viewer tips a broadcaster. Exactly `amount` moves from the viewer to the
//!   broadcaster: the chain takes no platform cut, the viewer only pays the transaction fee.
//!   Banned accounts ([`Config::BannedAccounts`]) can neither receive nor send tips
//!   (`RecipientBanned`, `SenderBanned`).
//! - The maintainers pot: an account owned by this pallet that receives
//!   [`types::MAINTAINERS_FEE_PERCENT`] of every transaction fee through [`SplitFees`]; the rest
//!   goes to the block author. A later pallet pays the pot out to network maintainers.
//! - [`monetary`]: the monetary policy (Livepeer's Minter): per-round inflation moving toward a
//!   target bonding rate, and minting, behind the [`monetary::MonetaryPolicy`] trait that
//!   pallet-staking-delegation asks each round.
//!
//! Invariants ([`Pallet::do_try_state`], run by the `try_state` hook and after every unit test):
//! the maintainers pot always holds at least the existential deposit, the fee split gives out
//! every fee, and the storage on chain has the layout this code reads.
#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code must never panic or overflow silently: see `[workspace.lints]`.

pub use pallet::*;

pub mod accounts;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod fees;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // no clippy.toml option for tests
mod mock;
pub mod monetary;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // no clippy.toml option for tests
mod tests;
// Not gated on try-runtime: the unit tests run these invariants too.
mod try_state;
pub mod types;
pub mod weights;

pub use accounts::ensure_existential_deposit;
pub use fees::SplitFees;
pub use types::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	// FRAME's macro expansions (pallet info, errors, storage metadata) call `expect` on values
	// they prove present; our own code in this module denies it again below.
	#![allow(clippy::expect_used)]
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate},
			tokens::{Fortitude, Preservation},
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::AccountIdConversion, Perbill, Saturating};

	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	/// The storage layout's version (migrations compare against it).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The native currency (OLC).
		type Currency: Mutate<Self::AccountId>;

		/// The smallest tip accepted: keeps dust tips from flooding a broadcaster's event feed.
		#[pallet::constant]
		type MinTip: Get<BalanceOf<Self>>;

		/// Derives the maintainers pot account.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Accounts that may neither receive nor send tips (banned by pallet-reporting);
		/// `frame_support::traits::Nothing` bans nobody.
		type BannedAccounts: frame_support::traits::Contains<Self::AccountId>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A viewer tipped a broadcaster; `amount` reached the broadcaster in full.
		Tipped {
			from: T::AccountId,
			to: T::AccountId,
			amount: BalanceOf<T>,
			gift: GiftId,
			nickname: Nickname,
			message: Message,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The tip is smaller than `MinTip` (zero included).
		TipBelowMinimum,
		/// A broadcaster cannot tip itself.
		TipToSelf,
		/// The nickname is not valid UTF-8.
		NicknameNotUtf8,
		/// The message is not valid UTF-8.
		MessageNotUtf8,
		/// The recipient has no account and the tip is below the existential deposit, so the
		/// account could not be created: the OLC would be lost.
		RecipientBelowExistentialDeposit,
		/// The sender's spendable balance (keeping its existential deposit) is below the tip.
		InsufficientBalance,
		/// The recipient is a banned broadcaster: it cannot receive tips.
		RecipientBanned,
		/// The sender is banned: it cannot send tips.
		SenderBanned,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::type_value]
	pub fn DefaultInflation() -> Perbill {
		monetary::DEFAULT_INFLATION
	}
	#[pallet::type_value]
	pub fn DefaultInflationChange() -> Perbill {
		monetary::DEFAULT_INFLATION_CHANGE
	}
	#[pallet::type_value]
	pub fn DefaultTargetBondingRate() -> Perbill {
		monetary::DEFAULT_TARGET_BONDING_RATE
	}

	/// Inflation per round: the share of total issuance a staking round may mint (see
	/// [`monetary`]).
	#[pallet::storage]
	pub type Inflation<T: Config> = StorageValue<_, Perbill, ValueQuery, DefaultInflation>;

	/// How much the inflation moves per round toward the target bonding rate.
	#[pallet::storage]
	pub type InflationChange<T: Config> =
		StorageValue<_, Perbill, ValueQuery, DefaultInflationChange>;

	/// The share of all OLC the monetary policy wants bonded to transcoders.
	#[pallet::storage]
	pub type TargetBondingRate<T: Config> =
		StorageValue<_, Perbill, ValueQuery, DefaultTargetBondingRate>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Inflation per round at genesis; `None` keeps [`monetary::DEFAULT_INFLATION`].
		pub inflation: Option<Perbill>,
		/// Inflation change per round; `None` keeps [`monetary::DEFAULT_INFLATION_CHANGE`].
		pub inflation_change: Option<Perbill>,
		/// Target bonding rate; `None` keeps [`monetary::DEFAULT_TARGET_BONDING_RATE`].
		pub target_bonding_rate: Option<Perbill>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(inflation) = self.inflation {
				Inflation::<T>::put(inflation);
			}
			if let Some(change) = self.inflation_change {
				InflationChange::<T>::put(change);
			}
			if let Some(target) = self.target_bonding_rate {
				TargetBondingRate::<T>::put(target);
			}
			// The pot must exist from block 0: fee shares below the existential deposit credited
			// to a missing account would be burned instead.
			crate::ensure_existential_deposit::<_, T::Currency>(&Pallet::<T>::maintainers_pot());
		}
	}

	#[pallet::call]
	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// Tip broadcaster `to` with `amount` OLC, showing `gift`, `nickname` and `message`.
		///
		/// The whole `amount` reaches `to`; the signer only pays the transaction fee on top. The
		/// signer keeps at least the existential deposit, so a tip never reaps its account.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::tip())]
		pub fn tip(
			origin: OriginFor<T>,
			to: T::AccountId,
			amount: BalanceOf<T>,
			gift: GiftId,
			nickname: Nickname,
			message: Message,
		) -> DispatchResult {
			let from = ensure_signed(origin)?;
			ensure!(amount >= T::MinTip::get(), Error::<T>::TipBelowMinimum);
			ensure!(from != to, Error::<T>::TipToSelf);
			ensure!(
				!<T::BannedAccounts as frame_support::traits::Contains<T::AccountId>>::contains(
					&from
				),
				Error::<T>::SenderBanned
			);
			ensure!(
				!<T::BannedAccounts as frame_support::traits::Contains<T::AccountId>>::contains(
					&to
				),
				Error::<T>::RecipientBanned
			);
			ensure!(core::str::from_utf8(&nickname).is_ok(), Error::<T>::NicknameNotUtf8);
			ensure!(core::str::from_utf8(&message).is_ok(), Error::<T>::MessageNotUtf8);
			ensure!(
				T::Currency::total_balance(&to).saturating_add(amount)
					>= T::Currency::minimum_balance(),
				Error::<T>::RecipientBelowExistentialDeposit
			);
			ensure!(
				T::Currency::reducible_balance(&from, Preservation::Preserve, Fortitude::Polite)
					>= amount,
				Error::<T>::InsufficientBalance
			);

			T::Currency::transfer(&from, &to, amount, Preservation::Preserve)?;

			Self::deposit_event(Event::Tipped { from, to, amount, gift, nickname, message });
			Ok(())
		}
	}

	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// The account that collects the maintainers' share of transaction fees.
		pub fn maintainers_pot() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}
	}
}
