//! # pallet-chat
//!
//! Who may chat on OpenLive Coin streams. Chat messages themselves never touch the chain: they
//! are signed statements in the node's statement store, gossiped over the node's libp2p network
//! (README "Chat"; the message format is `olc_primitives::chat`). This pallet holds the state the
//! store and the validation read:
//!
//! - **Allowance.** [`Pallet::take_allowance`] holds [`Config::Deposit`] of the caller's OLC
//!   ([`HoldReason::ChatDeposit`]) and grants the statement store allowance
//!   ([`Config::MaxStatements`] statements, [`Config::MaxStatementBytes`] bytes of data at a
//!   time) to the account's own key. So spam costs OLC: every sender has a deposit at stake, and
//!   the store keeps at most that many live messages per key (a new message evicts the sender's
//!   oldest). [`Pallet::give_up_allowance`] ends it and releases the deposit.
//! - **Chat key.** [`Pallet::set_chat_key`] authorises one separate sr25519 key (for example one
//!   a browser keeps in local storage) to sign the account's messages, so a viewer signs one
//!   transaction with the wallet and then chats without a prompt per message. The key gets the
//!   same store allowance; setting another key revokes the previous one, and
//!   [`Pallet::remove_chat_key`] revokes it outright. A key belongs to at most one account.
//! - **Mute.** The owner of a stream (pallet-jobs, through [`Config::Streams`]) mutes an account
//!   on it with [`Pallet::mute`] and lifts it with [`Pallet::unmute`]. The mute list is on chain
//!   (not a signed statement that clients apply) so every node refuses a muted account's
//!   messages before storing or relaying them, and a late or misbehaving client cannot show them.
//! - **Validation.** [`Pallet::validate_chat_statement`] (runtime API `ChatApi`) decides whether
//!   the node accepts a chat statement: a well-formed payload, a signer that is a chat key or an
//!   account with an allowance, an account that is not banned ([`Config::BannedAccounts`],
//!   pallet-reporting's bans) and not muted on the stream, a stream that exists, and for a system
//!   notice a signer that owns the stream. Each refusal is a named
//!   [`olc_primitives::chat::ChatRefusal`].
//!
//! The statement store reads allowances from chain state under
//! `":statement_allowance:" ++ key` (`sp_statement_store::statement_allowance_key`); this pallet
//! is the only writer of those keys. A banned account keeps its deposit on hold until it gives
//! the allowance up; its statements are refused by the validation from the block of the ban on.
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
mod proptests;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // no clippy.toml option for tests
mod tests;
pub mod weights;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use olc_primitives::{
	chat::{validate_payload, ChatKind, ChatRefusal},
	StreamId,
};
use scale_info::TypeInfo;
pub use sp_statement_store::{StatementAllowance, STATEMENT_ALLOWANCE_PREFIX};
pub use weights::WeightInfo;

/// An sr25519 public key that signs chat statements.
pub type ChatKey = [u8; 32];

/// An account's chat allowance.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct AllowanceInfo<Balance> {
	/// The OLC held while the allowance lasts.
	pub deposit: Balance,
	/// The separate key authorised to sign the account's messages, if any.
	pub chat_key: Option<ChatKey>,
}

/// Who owns a stream (the runtime reads pallet-jobs).
pub trait StreamOwners<AccountId> {
	/// The owner of `stream`, if the stream exists.
	fn owner_of(stream: &StreamId) -> Option<AccountId>;
}

/// Creates streams for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Creates a stream owned by `owner` and returns its id.
	fn create_stream(owner: &AccountId) -> StreamId;
}

/// The statement store key of `key`'s allowance.
pub fn allowance_storage_key(key: &[u8]) -> Vec<u8> {
	let mut storage_key = STATEMENT_ALLOWANCE_PREFIX.to_vec();
	storage_key.extend_from_slice(key);
	storage_key
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
			fungible::{Inspect, Mutate, MutateHold},
			tokens::Precision,
			Contains,
		},
	};
	use frame_system::pallet_prelude::*;

	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The native currency (OLC); the deposit is a hold on it.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason: From<HoldReason>>;

		/// What a chat allowance holds.
		#[pallet::constant]
		type Deposit: Get<BalanceOf<Self>>;

		/// Live statements the store keeps per key (the account's and its chat key's each).
		#[pallet::constant]
		type MaxStatements: Get<u32>;

		/// Bytes of statement data the store keeps per key.
		#[pallet::constant]
		type MaxStatementBytes: Get<u32>;

		/// Banned accounts (pallet-reporting): they may not take an allowance and their messages
		/// are refused. `frame_support::traits::Nothing` bans nobody.
		type BannedAccounts: Contains<Self::AccountId>;

		/// Who owns a stream (pallet-jobs).
		type Streams: StreamOwners<Self::AccountId>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Creates streams for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds OLC.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a chat allowance.
		#[codec(index = 0)]
		ChatDeposit,
	}

	/// Accounts with a chat allowance.
	#[pallet::storage]
	pub type Allowances<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, AllowanceInfo<BalanceOf<T>>>;

	/// Authorised chat keys and their accounts.
	#[pallet::storage]
	pub type ChatKeys<T: Config> = StorageMap<_, Blake2_128Concat, ChatKey, T::AccountId>;

	/// Accounts muted on a stream by its owner.
	#[pallet::storage]
	pub type Muted<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, StreamId, Blake2_128Concat, T::AccountId, ()>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` took a chat allowance, holding `deposit`.
		AllowanceTaken { who: T::AccountId, deposit: BalanceOf<T> },
		/// `who` gave its allowance up; `deposit` was released.
		AllowanceGivenUp { who: T::AccountId, deposit: BalanceOf<T> },
		/// `who` authorised `key` to sign its chat messages.
		ChatKeySet { who: T::AccountId, key: ChatKey },
		/// `who` revoked its chat key `key`.
		ChatKeyRemoved { who: T::AccountId, key: ChatKey },
		/// The owner of `stream` muted `who` on it.
		Muted { stream: StreamId, who: T::AccountId },
		/// The owner of `stream` lifted the mute of `who`.
		Unmuted { stream: StreamId, who: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account already has a chat allowance.
		AlreadyHasAllowance,
		/// The account has no chat allowance.
		NoAllowance,
		/// The account is banned (pallet-reporting).
		Banned,
		/// The key is already authorised (by this or another account).
		ChatKeyInUse,
		/// The account has no chat key.
		NoChatKey,
		/// The account's own key cannot be its chat key: it already signs for itself.
		ChatKeyIsAccount,
		/// The stream does not exist.
		UnknownStream,
		/// Only the stream's owner may mute or unmute on it.
		NotStreamOwner,
		/// The owner cannot mute itself.
		CannotMuteOwner,
		/// The account is already muted on the stream.
		AlreadyMuted,
		/// The account is not muted on the stream.
		NotMuted,
		/// The account's key is not 32 bytes (the runtime's accounts are): it cannot sign
		/// statements.
		UnsupportedAccount,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// Take a chat allowance: hold [`Config::Deposit`] and let the account's own key store
		/// chat statements.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::take_allowance())]
		pub fn take_allowance(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Allowances::<T>::contains_key(&who), Error::<T>::AlreadyHasAllowance);
			ensure!(!T::BannedAccounts::contains(&who), Error::<T>::Banned);
			let own_key = Self::account_key(&who).ok_or(Error::<T>::UnsupportedAccount)?;
			// A key that already signs for another account cannot sign for this one too.
			ensure!(!ChatKeys::<T>::contains_key(own_key), Error::<T>::ChatKeyInUse);
			let deposit = T::Deposit::get();
			T::Currency::hold(&HoldReason::ChatDeposit.into(), &who, deposit)?;
			Allowances::<T>::insert(&who, AllowanceInfo { deposit, chat_key: None });
			Self::grant_store_allowance(&own_key);
			Self::deposit_event(Event::AllowanceTaken { who, deposit });
			Ok(())
		}

		/// Give the allowance up: revoke the account's and its chat key's store allowance and
		/// release the deposit. Allowed to banned accounts too (the deposit is not a penalty).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::give_up_allowance())]
		pub fn give_up_allowance(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Allowances::<T>::take(&who).ok_or(Error::<T>::NoAllowance)?;
			if let Some(key) = info.chat_key {
				ChatKeys::<T>::remove(key);
				Self::revoke_store_allowance(&key);
			}
			if let Some(own_key) = Self::account_key(&who) {
				Self::revoke_store_allowance(&own_key);
			}
			let released = T::Currency::release(
				&HoldReason::ChatDeposit.into(),
				&who,
				info.deposit,
				Precision::BestEffort,
			)?;
			Self::deposit_event(Event::AllowanceGivenUp { who, deposit: released });
			Ok(())
		}

		/// Authorise `key` (sr25519) to sign the account's chat messages, replacing (and
		/// revoking) the previous chat key.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_chat_key())]
		pub fn set_chat_key(origin: OriginFor<T>, key: ChatKey) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut info = Allowances::<T>::get(&who).ok_or(Error::<T>::NoAllowance)?;
			ensure!(!T::BannedAccounts::contains(&who), Error::<T>::Banned);
			ensure!(!ChatKeys::<T>::contains_key(key), Error::<T>::ChatKeyInUse);
			ensure!(Self::account_key(&who) != Some(key), Error::<T>::ChatKeyIsAccount);
			// A key that is some account's own key would sign for two accounts.
			ensure!(!Self::key_is_account_with_allowance(&key), Error::<T>::ChatKeyInUse);
			if let Some(old) = info.chat_key.replace(key) {
				ChatKeys::<T>::remove(old);
				Self::revoke_store_allowance(&old);
				Self::deposit_event(Event::ChatKeyRemoved { who: who.clone(), key: old });
			}
			ChatKeys::<T>::insert(key, &who);
			Allowances::<T>::insert(&who, info);
			Self::grant_store_allowance(&key);
			Self::deposit_event(Event::ChatKeySet { who, key });
			Ok(())
		}

		/// Revoke the account's chat key; the account keeps its allowance.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::remove_chat_key())]
		pub fn remove_chat_key(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut info = Allowances::<T>::get(&who).ok_or(Error::<T>::NoAllowance)?;
			let key = info.chat_key.take().ok_or(Error::<T>::NoChatKey)?;
			ChatKeys::<T>::remove(key);
			Allowances::<T>::insert(&who, info);
			Self::revoke_store_allowance(&key);
			Self::deposit_event(Event::ChatKeyRemoved { who, key });
			Ok(())
		}

		/// Mute `who` on `stream`; only the stream's owner may.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::mute())]
		pub fn mute(origin: OriginFor<T>, stream: StreamId, who: T::AccountId) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::ensure_owner(&stream, &owner)?;
			ensure!(owner != who, Error::<T>::CannotMuteOwner);
			ensure!(!Muted::<T>::contains_key(stream, &who), Error::<T>::AlreadyMuted);
			Muted::<T>::insert(stream, &who, ());
			Self::deposit_event(Event::Muted { stream, who });
			Ok(())
		}

		/// Lift the mute of `who` on `stream`; only the stream's owner may.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::unmute())]
		pub fn unmute(origin: OriginFor<T>, stream: StreamId, who: T::AccountId) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::ensure_owner(&stream, &owner)?;
			ensure!(Muted::<T>::take(stream, &who).is_some(), Error::<T>::NotMuted);
			Self::deposit_event(Event::Unmuted { stream, who });
			Ok(())
		}
	}

	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// Whether the node may store and relay a chat statement signed by `signer` on the topic
		/// `stream` with data `data`; the account it speaks for if so. The node checks the
		/// signature, the topics and the expiry itself (they need no chain state).
		pub fn validate_chat_statement(
			signer: ChatKey,
			stream: StreamId,
			data: &[u8],
		) -> Result<T::AccountId, ChatRefusal> {
			let payload = validate_payload(data)?;
			let who = Self::account_of_signer(&signer).ok_or(ChatRefusal::NoAllowance)?;
			if T::BannedAccounts::contains(&who) {
				return Err(ChatRefusal::Banned);
			}
			let owner = T::Streams::owner_of(&stream).ok_or(ChatRefusal::UnknownStream)?;
			if Muted::<T>::contains_key(stream, &who) {
				return Err(ChatRefusal::Muted);
			}
			if payload.message().kind == ChatKind::System && owner != who {
				return Err(ChatRefusal::SystemNotBroadcaster);
			}
			Ok(who)
		}

		/// The account `signer` speaks for: the owner of a chat key, or the account whose own
		/// key it is if that account has an allowance.
		pub fn account_of_signer(signer: &ChatKey) -> Option<T::AccountId> {
			if let Some(who) = ChatKeys::<T>::get(signer) {
				return Some(who);
			}
			let who = T::AccountId::decode(&mut &signer[..]).ok()?;
			Allowances::<T>::contains_key(&who).then_some(who)
		}

		/// The allowance of `who`, for the runtime API.
		pub fn allowance_view(who: &T::AccountId) -> Option<AllowanceInfo<BalanceOf<T>>> {
			Allowances::<T>::get(who)
		}

		/// The account's own 32-byte key (its encoding), if it is one.
		pub fn account_key(who: &T::AccountId) -> Option<ChatKey> {
			ChatKey::try_from(who.encode().as_slice()).ok()
		}

		fn key_is_account_with_allowance(key: &ChatKey) -> bool {
			T::AccountId::decode(&mut &key[..])
				.map(|account| Allowances::<T>::contains_key(&account))
				.unwrap_or(false)
		}

		fn ensure_owner(stream: &StreamId, who: &T::AccountId) -> DispatchResult {
			let owner = T::Streams::owner_of(stream).ok_or(Error::<T>::UnknownStream)?;
			ensure!(&owner == who, Error::<T>::NotStreamOwner);
			Ok(())
		}

		/// The store allowance of one key, as the statement store reads it.
		pub fn store_allowance() -> StatementAllowance {
			StatementAllowance {
				max_count: T::MaxStatements::get(),
				max_size: T::MaxStatementBytes::get(),
			}
		}

		fn grant_store_allowance(key: &ChatKey) {
			frame_support::storage::unhashed::put(
				&allowance_storage_key(key),
				&Self::store_allowance(),
			);
		}

		fn revoke_store_allowance(key: &ChatKey) {
			frame_support::storage::unhashed::kill(&allowance_storage_key(key));
		}

		/// The pallet's invariants: every chat key belongs to the account that lists it, every
		/// listed key is indexed, and every key with an allowance has its store allowance set.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			for (key, who) in ChatKeys::<T>::iter() {
				let info = Allowances::<T>::get(&who)
					.ok_or("a chat key of an account without allowance")?;
				ensure!(info.chat_key == Some(key), "a chat key its account does not list");
				ensure!(
					frame_support::storage::unhashed::exists(&allowance_storage_key(&key)),
					"a chat key without store allowance"
				);
			}
			for (who, info) in Allowances::<T>::iter() {
				if let Some(key) = info.chat_key {
					ensure!(
						ChatKeys::<T>::get(key).as_ref() == Some(&who),
						"a listed chat key that is not indexed"
					);
				}
				if let Some(own) = Self::account_key(&who) {
					ensure!(
						frame_support::storage::unhashed::exists(&allowance_storage_key(&own)),
						"an account with allowance but no store allowance"
					);
				}
			}
			Ok(())
		}
	}
}
