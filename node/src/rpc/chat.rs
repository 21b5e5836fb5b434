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

use crate::chat::{ChatStatementStore, ChatSubmitOutcome};
use codec::Decode;
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::ErrorObject, ErrorObjectOwned},
};
use serde_json::{json, Value};
use sp_core::{crypto::Ss58Codec, Bytes};
use sp_statement_store::{Statement, StatementSource, StatementStore, SubmitResult};

#[rpc(server)]
pub trait ChatApi {
	/// Checks and submits a SCALE-encoded chat statement; the outcome names any refusal.
	#[method(name = "chat_submit")]
	fn chat_submit(&self, statement: Bytes) -> RpcResult<Value>;

	/// Submits a SCALE-encoded statement through the chat check (polkadot-sdk's answer).
	#[method(name = "statement_submit")]
	fn statement_submit(&self, statement: Bytes) -> RpcResult<SubmitResult>;
}

pub struct Chat {
	store: Arc<ChatStatementStore>,
}

impl Chat {
	pub fn new(store: Arc<ChatStatementStore>) -> Self {
		Self { store }
	}
}

fn decode(statement: &[u8]) -> Result<Statement, ErrorObjectOwned> {
	Statement::decode(&mut &*statement).map_err(|e| {
		ErrorObject::owned(2, "the statement does not decode", Some(e.to_string()))
	})
}

impl ChatApiServer for Chat {
	fn chat_submit(&self, statement: Bytes) -> RpcResult<Value> {
		let statement = decode(&statement)?;
		Ok(match self.store.check_and_submit(statement) {
			ChatSubmitOutcome::New(who) => json!({ "status": "new", "account": who.to_ss58check() }),
			ChatSubmitOutcome::Known(who) =>
				json!({ "status": "known", "account": who.to_ss58check() }),
			ChatSubmitOutcome::Refused(reason) =>
				json!({ "status": "refused", "reason": reason.name() }),
			ChatSubmitOutcome::Rejected(reason) =>
				json!({ "status": "rejected", "reason": reason.label() }),
			ChatSubmitOutcome::Error(e) =>
				return Err(ErrorObject::owned(1, "the statement store failed", Some(e))),
		})
	}

	fn statement_submit(&self, statement: Bytes) -> RpcResult<SubmitResult> {
		let statement = decode(&statement)?;
		match self.store.submit(statement, StatementSource::Local) {
			SubmitResult::InternalError(e) =>
				Err(ErrorObject::owned(1, "statement refused", Some(e.to_string()))),
			result => Ok(result),
		}
	}
}
