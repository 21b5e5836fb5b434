//! # pallet-validator-manager
//!
//! Who validates OpenLive Coin. Validators author blocks (Aura) and vote on finality (GRANDPA);
//! this pallet keeps the list of their accounts and hands it to pallet-session, which turns it
//! into Aura and GRANDPA authorities through each validator's session keys.
//!
//! - **The set.** [`Validators`] is the set the next session will be planned with, at most
//!   [`Config::MaxValidators`] accounts, in the order they were added. [`Pallet::add_validator`]
//!   appends an account and [`Pallet::remove_validator`] removes one; both need
//!   [`Config::ManagerOrigin`] (root through sudo today; a governance origin can take it over by
//!   changing only that type in the runtime). The set never shrinks below
//!   [`Config::MinValidators`], so the last validators cannot be removed and the chain cannot be
//!   left without block authors.
//! - **Session keys first.** An account is added only once it has session keys registered in
//!   pallet-session ([`Config::ValidatorRegistration`]): the operator runs
//!   `author_rotateKeysWithOwner` (or `author_rotateKeys`) on the validator's node and submits
//!   `session.setKeys(keys, proof)` from the account. pallet-session drops a validator without
//!   keys from the set it queues, so adding one would do nothing.
//! - **When a change applies.** pallet-session asks for the next set once per session (at the end
//!   of session `n` it plans session `n + 2` and activates the set it planned for `n + 1`). A
//!   change is therefore queued at the first session boundary after the call and becomes active
//!   (authors blocks, votes) at the second one: within two sessions. Several changes in one
//!   session are handed over together. [`Event::ValidatorSetPlanned`] tells when a change was
//!   handed over.
//! - **Session length.** [`SessionLength`] (blocks per session) is fixed at genesis: production
//!   chains keep [`Config::DefaultSessionLength`]; the dev and local chains use a short one so
//!   that tests see validator changes within a minute. [`SessionLengthOf`] reads it for
//!   `pallet_session::PeriodicSessions`.
//!
//! Removing a validator does not remove its session keys: it may purge them with
//! `session.purgeKeys` (which releases its key deposit) once it left the active set.
#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code must never panic or overflow silently: see `[workspace.lints]`.

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // no clippy.toml option for tests
mod mock;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // no clippy.toml option for tests
mod tests;
pub mod weights;

use alloc::vec::Vec;
use frame_support::traits::{Get, ValidatorRegistration};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_staking::SessionIndex;
pub use weights::WeightInfo;

/// Sets up what [`Pallet::add_validator`] needs in benchmarks: session keys for an account.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers session keys for `who`, so that it may be added.
	fn register_keys(who: &AccountId);
}

#[frame_support::pallet]
pub mod pallet {
	// FRAME's macro expansions (pallet info, errors, storage metadata) call `expect` on values
	// they prove present; the calls below deny it again.
	#![allow(clippy::expect_used)]
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The storage layout's version (no migration yet).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who may add and remove validators: root now, a governance origin later.
		type ManagerOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Whether an account has session keys (pallet-session).
		type ValidatorRegistration: ValidatorRegistration<Self::AccountId>;
		/// The most validators the set may hold (at most the Aura and GRANDPA authority bounds).
		#[pallet::constant]
		type MaxValidators: Get<u32>;
		/// The fewest validators the set may hold: a removal below it is refused.
		#[pallet::constant]
		type MinValidators: Get<u32>;
		/// Blocks per session when the genesis does not set [`SessionLength`].
		#[pallet::constant]
		type DefaultSessionLength: Get<BlockNumberFor<Self>>;
		/// The calls' weights.
		type WeightInfo: WeightInfo;
		/// Benchmark set-up (session keys for new validators).
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The validator set the next session will be planned with, in the order of addition.
	#[pallet::storage]
	pub type Validators<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// Whether [`Validators`] changed since it was last handed to pallet-session.
	#[pallet::storage]
	pub type SetChanged<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// Blocks per session (0 or unset: [`Config::DefaultSessionLength`]). Set at genesis only:
	/// changing it on a running chain would move the session boundaries.
	#[pallet::storage]
	pub type SessionLength<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The first validators (they also need session keys in pallet-session's genesis).
		pub validators: Vec<T::AccountId>,
		/// Blocks per session; `None` keeps [`Config::DefaultSessionLength`].
		pub session_length: Option<BlockNumberFor<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// A broken genesis must not start a chain: these panics run only when a chain spec
			// is built, never in a block.
			#![allow(clippy::expect_used, clippy::panic)]
			let mut set = BoundedVec::<T::AccountId, T::MaxValidators>::default();
			for who in &self.validators {
				assert!(!set.contains(who), "genesis: duplicate validator");
				set.try_push(who.clone()).expect("genesis: more validators than MaxValidators");
			}
			// An empty set leaves the first set to pallet-session's genesis keys (test runtimes).
			assert!(
				set.is_empty() || set.len() >= T::MinValidators::get() as usize,
				"genesis: fewer validators than MinValidators"
			);
			Validators::<T>::put(set);
			if let Some(length) = self.session_length {
				assert!(length > Zero::zero(), "genesis: session length 0");
				SessionLength::<T>::put(length);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` joins the set; it authors from the second session boundary on.
		ValidatorAdded { who: T::AccountId },
		/// `who` leaves the set; it stops authoring from the second session boundary on.
		ValidatorRemoved { who: T::AccountId },
		/// The changed set (`validators` accounts) was handed to pallet-session for session
		/// `session`, which activates it when that session starts.
		ValidatorSetPlanned { session: SessionIndex, validators: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already in the set.
		AlreadyValidator,
		/// The account is not in the set.
		NotValidator,
		/// The set holds [`Config::MaxValidators`] accounts already.
		TooManyValidators,
		/// The removal would leave fewer than [`Config::MinValidators`] validators.
		TooFewValidators,
		/// The account has no session keys: submit `session.setKeys` from it first.
		NoSessionKeys,
	}

	#[pallet::call]
	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// Adds `who` to the validator set (origin: [`Config::ManagerOrigin`]). `who` must have
		/// session keys. It authors and votes from the second session boundary on.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_validator(T::MaxValidators::get()))]
		pub fn add_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			ensure!(T::ValidatorRegistration::is_registered(&who), Error::<T>::NoSessionKeys);
			Validators::<T>::try_mutate(|set| -> DispatchResult {
				ensure!(!set.contains(&who), Error::<T>::AlreadyValidator);
				set.try_push(who.clone()).map_err(|_| Error::<T>::TooManyValidators)?;
				Ok(())
			})?;
			SetChanged::<T>::put(true);
			Self::deposit_event(Event::ValidatorAdded { who });
			Ok(())
		}

		/// Removes `who` from the validator set (origin: [`Config::ManagerOrigin`]), unless that
		/// leaves fewer than [`Config::MinValidators`]. It stops authoring from the second
		/// session boundary on.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_validator(T::MaxValidators::get()))]
		pub fn remove_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			Validators::<T>::try_mutate(|set| -> DispatchResult {
				let position =
					set.iter().position(|v| *v == who).ok_or(Error::<T>::NotValidator)?;
				ensure!(set.len() > T::MinValidators::get() as usize, Error::<T>::TooFewValidators);
				set.remove(position);
				Ok(())
			})?;
			SetChanged::<T>::put(true);
			Self::deposit_event(Event::ValidatorRemoved { who });
			Ok(())
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Blocks per session: the genesis value, or [`Config::DefaultSessionLength`].
	pub fn session_length() -> BlockNumberFor<T> {
		SessionLength::<T>::get()
			.filter(|length| !sp_runtime::traits::Zero::is_zero(length))
			.unwrap_or_else(T::DefaultSessionLength::get)
	}

	/// The invariants: no duplicate validator, at least [`Config::MinValidators`] of them (or
	/// none: a chain whose genesis left the set to pallet-session), a non-zero session length.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let set = Validators::<T>::get();
		let mut sorted: Vec<_> = set.iter().collect();
		sorted.sort();
		sorted.dedup();
		frame_support::ensure!(sorted.len() == set.len(), "duplicate validator");
		frame_support::ensure!(
			set.is_empty() || set.len() >= T::MinValidators::get() as usize,
			"fewer validators than MinValidators"
		);
		frame_support::ensure!(
			!sp_runtime::traits::Zero::is_zero(&Self::session_length()),
			"session length 0"
		);
		Ok(())
	}
}

/// The session length for `pallet_session::PeriodicSessions`.
pub struct SessionLengthOf<T>(core::marker::PhantomData<T>);
impl<T: Config> Get<BlockNumberFor<T>> for SessionLengthOf<T> {
	fn get() -> BlockNumberFor<T> {
		Pallet::<T>::session_length()
	}
}

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	/// Hands over the set when it changed since the last planning; otherwise pallet-session keeps
	/// the current one.
	fn new_session(new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		if !SetChanged::<T>::take() {
			return None;
		}
		let set = Validators::<T>::get();
		Self::deposit_event(Event::ValidatorSetPlanned {
			session: new_index,
			validators: set.len() as u32,
		});
		Some(set.into_inner())
	}

	/// At genesis the set of this pallet's genesis (when not empty) is the first set.
	fn new_session_genesis(_new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		let set = Validators::<T>::get();
		(!set.is_empty()).then(|| set.into_inner())
	}

	fn end_session(_end_index: SessionIndex) {}

	fn start_session(_start_index: SessionIndex) {}
}
