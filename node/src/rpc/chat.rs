//! Chat RPC methods. Both are safe on a public RPC node: they only submit statements that pass
//! the chat check and the store's quotas, and read nothing private.
//!
//! - `chat_submit(statement)`: submits a SCALE-encoded chat statement (olc-primitives `chat`)
//!   and answers `{ "status": "new" | "known", "account": ss58 }`,
//!   `{ "status": "refused", "reason": <ChatRefusal name> }` (not stored, not relayed), or
//!   `{ "status": "rejected", "reason": <store rejection> }` (valid, but over the sender's quota
//!   or the store is full).
//! - `statement_submit(statement)`: polkadot-sdk's method with its `SubmitResult` answer, through
//!   the same check: a refused statement is an error naming the reason. It replaces the stock
//!   `statement_submit`, which would submit past the chat check.
//!
//! `statement_subscribeStatement` (subscribe with a topic filter; the stored matches first, then
//! live ones) is polkadot-sdk's unchanged method.

use std::sync::Arc;

use super::Error;
use crate::chat::{ChatStatementStore, ChatSubmitOutcome};
use codec::Decode;
use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObjectOwned};
use olc_runtime::AccountId;
use serde::Serialize;
use sp_core::Bytes;
use sp_statement_store::{Statement, StatementSource, StatementStore, SubmitResult};

/// The chat methods.
#[rpc(server)]
pub trait ChatApi {
	/// Checks and submits a SCALE-encoded chat statement; the outcome names any refusal.
	#[method(name = "chat_submit")]
	fn chat_submit(&self, statement: Bytes) -> RpcResult<ChatSubmitted>;

	/// Submits a SCALE-encoded statement through the chat check (polkadot-sdk's answer).
	#[method(name = "statement_submit")]
	fn statement_submit(&self, statement: Bytes) -> RpcResult<SubmitResult>;
}

/// The answer of `chat_submit`, tagged by `status`.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum ChatSubmitted {
	/// Stored and relayed.
	New {
		/// The sender's account.
		account: AccountId,
	},
	/// Already stored.
	Known {
		/// The sender's account.
		account: AccountId,
	},
	/// Not stored, not relayed: the chat check refused it.
	Refused {
		/// The `ChatRefusal` name, e.g. `textTooLong`.
		reason: &'static str,
	},
	/// Valid, but over the sender's quota or the store is full.
	Rejected {
		/// The store's rejection.
		reason: &'static str,
	},
}

/// The chat methods over the chat statement store.
pub struct Chat {
	store: Arc<ChatStatementStore>,
}

impl Chat {
	/// The methods submitting to `store`.
	pub fn new(store: Arc<ChatStatementStore>) -> Self {
		Self { store }
	}
}

fn decode(statement: &[u8]) -> Result<Statement, ErrorObjectOwned> {
	Statement::decode(&mut &*statement).map_err(|e| Error::BadStatement.with(e))
}

impl ChatApiServer for Chat {
	fn chat_submit(&self, statement: Bytes) -> RpcResult<ChatSubmitted> {
		let statement = decode(&statement)?;
		Ok(match self.store.check_and_submit(statement) {
			ChatSubmitOutcome::New(account) => ChatSubmitted::New { account },
			ChatSubmitOutcome::Known(account) => ChatSubmitted::Known { account },
			ChatSubmitOutcome::Refused(reason) => ChatSubmitted::Refused { reason: reason.name() },
			ChatSubmitOutcome::Rejected(reason) => {
				ChatSubmitted::Rejected { reason: reason.label() }
			},
			ChatSubmitOutcome::Error(e) => return Err(Error::StatementStore.with(e)),
		})
	}

	fn statement_submit(&self, statement: Bytes) -> RpcResult<SubmitResult> {
		let statement = decode(&statement)?;
		match self.store.submit(statement, StatementSource::Local) {
			SubmitResult::InternalError(e) => Err(Error::StatementRefused.with(e)),
			result => Ok(result),
		}
	}
}
