//! The node's RPC methods beyond the standard set: account nonces, transaction fees, staking
//! and delegation (`stakingDelegation_*`), streams and jobs (`jobs_*`), claim verification
//! (`verification_*`), maintainers and reports (`reporting_*`), and chat (`chat_submit`, and the
//! statement store's `statement_submit` and `statement_subscribeStatement`: see [`chat`]).

mod chat;
mod jobs;
mod reporting;
mod staking;
mod verification;

use std::sync::Arc;

use jsonrpsee::{
	types::{error::ErrorObject, ErrorObjectOwned},
	RpcModule,
};
use olc_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

pub struct FullDeps<C, P> {
	pub client: Arc<C>,
	pub pool: Arc<P>,
	/// The chat statement store (see [`crate::chat`]).
	pub chat_store: Arc<crate::chat::ChatStatementStore>,
	/// Runs subscriptions.
	pub subscription_executor: sc_rpc::SubscriptionTaskExecutor,
}

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
	C::Api: pallet_verification_runtime_api::VerificationApi<Block, AccountId, Balance, BlockNumber>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use jobs::JobsApiServer;
	use reporting::ReportingApiServer;
	use verification::VerificationApiServer;
	use chat::ChatApiServer;
	use sc_rpc::statement::StatementApiServer;
	use staking::StakingDelegationApiServer;
	use substrate_frame_rpc_system::{System, SystemApiServer};

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
	let mut statement = sc_rpc::statement::StatementStore::new(
		chat_store.inner().clone(),
		subscription_executor,
	)
	.into_rpc();
	statement.remove_method("statement_submit");
	module.merge(statement)?;
	module.merge(chat::Chat::new(chat_store).into_rpc())?;

	Ok(module)
}

/// The error of a method whose runtime API call failed.
fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(1, "runtime API call failed", Some(e.to_string()))
}

/// Bytes as 0x-prefixed hex.
fn hex(bytes: &[u8]) -> String {
	format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&bytes))
}
