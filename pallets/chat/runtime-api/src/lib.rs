//! Runtime API of pallet-chat: the node asks it about every chat statement before it stores or
//! relays one, and clients read an account's allowance and chat key.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use olc_primitives::{chat::ChatRefusal, StreamId};
pub use pallet_chat::AllowanceInfo;

sp_api::decl_runtime_apis! {
	/// Chat statements and allowances. A runtime implements it with pallet-chat's
	/// `validate_chat_statement` and `allowance_view`.
	pub trait ChatApi<AccountId, Balance>
	where
		AccountId: Codec,
		Balance: Codec,
	{
		/// Validates a chat statement signed by the sr25519 key `signer` on the topic `stream`,
		/// carrying `data`: its payload (olc-primitives `chat`), the signer's allowance, ban,
		/// mute, and for a system notice the stream's ownership. Returns the account the message
		/// is from, or the named refusal. The signature itself is checked by the node.
		fn validate_chat_statement(signer: [u8; 32], stream: StreamId, data: Vec<u8>) -> Result<AccountId, ChatRefusal>;

		/// The allowance of an account (its deposit and chat key), if it has one.
		fn allowance(who: AccountId) -> Option<AllowanceInfo<Balance>>;

		/// The account a chat key belongs to.
		fn chat_key_owner(key: [u8; 32]) -> Option<AccountId>;
	}
}
