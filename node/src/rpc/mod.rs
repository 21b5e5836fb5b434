//! The node's RPC methods beyond the standard set: account nonces, transaction fees, staking
//! and delegation (`stakingDelegation_*`), streams and jobs (`jobs_*`), claim verification
//! (`verification_*`), maintainers and reports (`reporting_*`), and chat (`chat_submit`, and the
//! statement store's `statement_submit` and `statement_subscribeStatement`: see [`chat`]).
//!
//! Rules every custom method follows:
//! - **Block**: `at` (the last parameter) is a block hash, or omitted/null for the best block.
//!   A hash this node does not know is the [`Error::UnknownBlock`] error, never a hang.
//! - **Pages**: every list is a page. `limit` is 1 to the method's maximum ([`MAX_PAGE`] = 100
//!   unless the method says otherwise; omitted or null = the maximum); 0 or more than the
//!   maximum is the [`Error::InvalidLimit`] error. The cursor (`startAfter`, or `from` for the
//!   dense ids of jobs and reports) is the id of the last item of the previous page; a page
//!   shorter than `limit` is the last. Lists read through a pallet index are in storage order,
//!   not by id.
//! - **Threads**: runtime API reads run on blocking tasks (`tokio::task::spawn_blocking`), not
//!   on the RPC server's async threads, so a slow read does not hold up other connections.
//! - **Types**: answers are typed structs serialized with serde; balances are decimal strings
//!   (they exceed what a JSON number holds exactly), accounts SS58, hashes and bytes 0x-hex.
//! - **Errors**: each failure has its code in [`Error`]; malformed parameters (wrong JSON type,
//!   garbage ids) are JSON-RPC's own invalid-params error, -32602.
#![deny(missing_docs)]

pub mod chat;
pub mod jobs;
pub mod reporting;
pub mod staking;
pub mod verification;

use std::sync::Arc;

use jsonrpsee::{
	core::RpcResult,
	types::{error::ErrorObject, ErrorObjectOwned},
	RpcModule,
};
use olc_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce};
use sc_transaction_pool_api::TransactionPool;
use serde::Serialize;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use sp_runtime::traits::Block as BlockT;

/// A block hash of the chain.
pub type BlockHash = <Block as BlockT>::Hash;

/// The most items one page of a list returns, unless its method says otherwise.
pub const MAX_PAGE: u32 = 100;

/// What the RPC extensions need from the node.
pub struct FullDeps<C, P> {
	/// The client, for runtime API reads.
	pub client: Arc<C>,
	/// The transaction pool (`system_accountNextIndex`).
	pub pool: Arc<P>,
	/// The chat statement store (see [`crate::chat`]).
	pub chat_store: Arc<crate::chat::ChatStatementStore>,
	/// Runs subscriptions.
	pub subscription_executor: sc_rpc::SubscriptionTaskExecutor,
}

/// The node's RPC extensions: the standard `system_accountNextIndex` and `payment_*`, the
/// pallets' methods and chat.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>,
	C: HeaderBackend<Block> + HeaderMetadata<Block, Error = BlockChainError> + 'static,
	C: Send + Sync + 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: pallet_staking_delegation_runtime_api::StakingDelegationApi<
		Block,
		AccountId,
		Balance,
		BlockNumber,
	>,
	C::Api: pallet_jobs_runtime_api::JobsApi<Block, AccountId, Balance, BlockNumber>,
	C::Api: pallet_reporting_runtime_api::ReportingApi<Block, AccountId, Balance, BlockNumber>,
	C::Api:
		pallet_verification_runtime_api::VerificationApi<Block, AccountId, Balance, BlockNumber>,
	P: TransactionPool + 'static,
{
	use chat::ChatApiServer;
	use jobs::JobsApiServer;
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use reporting::ReportingApiServer;
	use sc_rpc::statement::StatementApiServer;
	use staking::StakingDelegationApiServer;
	use substrate_frame_rpc_system::{System, SystemApiServer};
	use verification::VerificationApiServer;

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, chat_store, subscription_executor } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(staking::StakingDelegation::new(client.clone()).into_rpc())?;
	module.merge(jobs::Jobs::new(client.clone()).into_rpc())?;
	module.merge(reporting::Reporting::new(client.clone()).into_rpc())?;
	module.merge(verification::Verification::new(client).into_rpc())?;

	// polkadot-sdk's statement RPC for `statement_subscribeStatement`; its `statement_submit`
	// is replaced by ours, which passes the chat check first.
	let mut statement =
		sc_rpc::statement::StatementStore::new(chat_store.inner().clone(), subscription_executor)
			.into_rpc();
	statement.remove_method("statement_submit");
	module.merge(statement)?;
	module.merge(chat::Chat::new(chat_store).into_rpc())?;

	Ok(module)
}

/// The error codes of the custom methods (JSON-RPC `error.code`; `error.data` carries the
/// detail as a string).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Error {
	/// 1: the runtime API call failed (e.g. the block's state was pruned, or the runtime is
	/// older than the API version the node calls).
	RuntimeApi = 1,
	/// 2: a submitted statement does not decode.
	BadStatement = 2,
	/// 3: the block given as `at` is not known to this node.
	UnknownBlock = 3,
	/// 4: `limit` is 0 or above the method's maximum.
	InvalidLimit = 4,
	/// 5: the statement store failed.
	StatementStore = 5,
	/// 6: `statement_submit` refused a statement (the data names the reason).
	StatementRefused = 6,
	/// 7: the blocking task that ran the read failed (a bug; see the node's log).
	Internal = 7,
}

impl Error {
	/// The message of the error's code.
	pub fn message(self) -> &'static str {
		match self {
			Error::RuntimeApi => "runtime API call failed",
			Error::BadStatement => "the statement does not decode",
			Error::UnknownBlock => "unknown block",
			Error::InvalidLimit => "invalid limit",
			Error::StatementStore => "the statement store failed",
			Error::StatementRefused => "statement refused",
			Error::Internal => "internal error",
		}
	}

	/// The JSON-RPC error object with `detail` as its data.
	pub fn with(self, detail: impl std::fmt::Display) -> ErrorObjectOwned {
		ErrorObject::owned(self as i32, self.message(), Some(detail.to_string()))
	}
}

/// The block to read at: `at` when this node knows it, the best block when `at` is omitted.
pub fn block_at<C: HeaderBackend<Block>>(
	client: &C,
	at: Option<BlockHash>,
) -> Result<BlockHash, ErrorObjectOwned> {
	let Some(hash) = at else { return Ok(client.info().best_hash) };
	match client.header(hash) {
		Ok(Some(_)) => Ok(hash),
		Ok(None) => Err(Error::UnknownBlock.with(format!("{hash:?}"))),
		Err(error) => Err(Error::UnknownBlock.with(format!("{hash:?}: {error}"))),
	}
}

/// The page size for `limit`: the maximum when omitted; 0 or above `max` is an error.
pub fn page_limit(limit: Option<u32>, max: u32) -> Result<u32, ErrorObjectOwned> {
	match limit {
		None => Ok(max),
		Some(limit) if (1..=max).contains(&limit) => Ok(limit),
		Some(limit) => Err(Error::InvalidLimit.with(format!("limit {limit} is not in 1..={max}"))),
	}
}

/// A page of a list the runtime API returns whole (bounded by a pallet constant): up to
/// `limit` items after the one whose cursor is `start_after`.
pub fn page_of<T, K: PartialEq>(
	items: Vec<T>,
	start_after: Option<K>,
	limit: u32,
	cursor: impl Fn(&T) -> K,
) -> Vec<T> {
	let skip = match start_after {
		None => 0,
		Some(after) => items
			.iter()
			.position(|item| cursor(item) == after)
			.map_or(items.len(), |i| i + 1),
	};
	items.into_iter().skip(skip).take(limit as usize).collect()
}

/// Runs `read` against the client at block `at` (see [`block_at`]) on a blocking task.
pub async fn read_at<C, R>(
	client: &Arc<C>,
	at: Option<BlockHash>,
	read: impl FnOnce(&C, BlockHash) -> RpcResult<R> + Send + 'static,
) -> RpcResult<R>
where
	C: HeaderBackend<Block> + Send + Sync + 'static,
	R: Send + 'static,
{
	let client = client.clone();
	tokio::task::spawn_blocking(move || {
		let at = block_at(&*client, at)?;
		read(&client, at)
	})
	.await
	.map_err(|error| Error::Internal.with(error))?
}

/// The error of a failed runtime API call.
pub fn runtime_error(error: impl std::fmt::Display) -> ErrorObjectOwned {
	Error::RuntimeApi.with(error)
}

/// A balance, serialized as a decimal string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount(pub Balance);

impl Serialize for Amount {
	fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
		serializer.collect_str(&self.0)
	}
}

/// Bytes as UTF-8 text (invalid sequences replaced).
pub fn text(bytes: &[u8]) -> String {
	String::from_utf8_lossy(bytes).into_owned()
}
