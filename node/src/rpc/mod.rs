//! The node's RPC methods beyond the standard set: account nonces, transaction fees, staking
//! and delegation (`stakingDelegation_*`), streams and jobs (`jobs_*`), claim verification
//! (`verification_*`), and maintainers and reports (`reporting_*`).

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
	use staking::StakingDelegationApiServer;
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(staking::StakingDelegation::new(client.clone()).into_rpc())?;
	module.merge(jobs::Jobs::new(client.clone()).into_rpc())?;
	module.merge(reporting::Reporting::new(client.clone()).into_rpc())?;
	module.merge(verification::Verification::new(client).into_rpc())?;

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
