//! Runtime API of pallet-staking-delegation, for RPC and clients: an account's pending stake and
//! fees, a transcoder's terms, stake and status, the active set, the current round.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use pallet_staking_delegation::{
	ActiveTranscoder, DelegatorView, LockId, RoundView, TranscoderView, UnbondingLock,
};

sp_api::decl_runtime_apis! {
	/// Reads of pallet-staking-delegation. A runtime implements it with the pallet's
	/// `delegator_view`, `transcoder_view`, `active_set_view`, `round_view` and
	/// `unbonding_locks_view`.
	pub trait StakingDelegationApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// `who`'s bond with what a claim now would settle: stake with rewards compounded and
		/// slashes deducted, and withdrawable fees. `None` if the account has no bond record.
		fn delegator(who: AccountId) -> Option<DelegatorView<AccountId, Balance>>;

		/// A transcoder's terms, service URI, stake and whether it is active.
		fn transcoder(who: AccountId) -> Option<TranscoderView<Balance>>;

		/// The current round's active set, with the stake and terms snapshotted at its start.
		fn active_set() -> Vec<ActiveTranscoder<AccountId, Balance>>;

		/// The current round, its length and the blocks left in it.
		fn round() -> RoundView<BlockNumber>;

		/// `who`'s unbonding locks (amounts before any pending slash).
		fn unbonding_locks(who: AccountId) -> Vec<(LockId, UnbondingLock<AccountId, Balance>)>;
	}
}
