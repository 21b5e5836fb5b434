//! The runtime APIs the node and clients call.

use crate::*;
use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use pallet_grandpa::AuthorityId as GrandpaId;
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(owner: Vec<u8>, seed: Option<Vec<u8>>) -> sp_session::OpaqueGeneratedSessionKeys {
			opaque::SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			opaque::SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			_key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			None
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			_authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			// No historical session proofs on a fixed-authority chain.
			None
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_staking_delegation_runtime_api::StakingDelegationApi<Block, AccountId, Balance, BlockNumber>
		for Runtime
	{
		fn delegator(
			who: AccountId,
		) -> Option<pallet_staking_delegation::DelegatorView<AccountId, Balance>> {
			StakingDelegation::delegator_view(&who)
		}

		fn transcoder(who: AccountId) -> Option<pallet_staking_delegation::TranscoderView<Balance>> {
			StakingDelegation::transcoder_view(&who)
		}

		fn active_set() -> Vec<pallet_staking_delegation::ActiveTranscoder<AccountId, Balance>> {
			StakingDelegation::active_set_view()
		}

		fn round() -> pallet_staking_delegation::RoundView<BlockNumber> {
			StakingDelegation::round_view()
		}

		fn unbonding_locks(
			who: AccountId,
		) -> Vec<(
			pallet_staking_delegation::LockId,
			pallet_staking_delegation::UnbondingLock<AccountId, Balance>,
		)> {
			StakingDelegation::unbonding_locks_view(&who)
		}
	}

	impl pallet_reporting_runtime_api::ReportingApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn maintainers() -> Vec<pallet_reporting::MaintainerView<AccountId, Balance, BlockNumber>> {
			Reporting::maintainers_view()
		}

		fn maintainer(
			who: AccountId,
		) -> Option<pallet_reporting::MaintainerView<AccountId, Balance, BlockNumber>> {
			Reporting::maintainer_view(who)
		}

		fn full_maintainers() -> Vec<(AccountId, pallet_reporting::Address)> {
			Reporting::full_maintainers_view()
		}

		fn reports(
			from: pallet_reporting::ReportId,
			limit: u32,
		) -> Vec<(pallet_reporting::ReportId, pallet_reporting::ReportInfo<AccountId, Balance, BlockNumber>)> {
			Reporting::reports_view(from, limit)
		}

		fn report(
			report_id: pallet_reporting::ReportId,
		) -> Option<pallet_reporting::ReportInfo<AccountId, Balance, BlockNumber>> {
			Reporting::report_view(report_id)
		}

		fn stream_review(stream_id: pallet_jobs::StreamId) -> Option<pallet_reporting::ReportId> {
			Reporting::stream_review_view(stream_id)
		}

		fn is_banned(who: AccountId) -> bool {
			Reporting::is_banned_view(who)
		}
	}

	impl pallet_verification_runtime_api::VerificationApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn challenges(claim_id: pallet_jobs::ClaimId) -> Option<Vec<pallet_jobs::SegmentSeq>> {
			Verification::challenges_view(claim_id)
		}

		fn claim_check(
			claim_id: pallet_jobs::ClaimId,
		) -> Option<pallet_verification::ClaimCheckView<AccountId, Balance, BlockNumber>> {
			Verification::claim_check_view(claim_id)
		}

		fn duties(
			who: AccountId,
			start_after: Option<(pallet_jobs::ClaimId, pallet_jobs::SegmentSeq)>,
			limit: u32,
		) -> Vec<pallet_verification::VerifierDuty<BlockNumber>> {
			Verification::duties_view(who, start_after, limit)
		}
	}

	impl pallet_jobs_runtime_api::JobsApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn streams(
			start_after: Option<pallet_jobs::StreamId>,
			limit: u32,
		) -> Vec<(pallet_jobs::StreamId, pallet_jobs::StreamInfo<AccountId, BlockNumber>)> {
			Jobs::streams_view(start_after, limit)
		}

		fn stream(
			stream_id: pallet_jobs::StreamId,
		) -> Option<pallet_jobs::StreamInfo<AccountId, BlockNumber>> {
			Jobs::stream_view(stream_id)
		}

		fn jobs_of_stream(
			stream_id: pallet_jobs::StreamId,
			start_after: Option<pallet_jobs::JobId>,
			limit: u32,
		) -> Vec<(pallet_jobs::JobId, pallet_jobs::JobInfo<AccountId, Balance, BlockNumber>)> {
			Jobs::jobs_of_stream_view(stream_id, start_after, limit)
		}

		fn jobs(
			from: pallet_jobs::JobId,
			limit: u32,
		) -> Vec<(pallet_jobs::JobId, pallet_jobs::JobInfo<AccountId, Balance, BlockNumber>)> {
			Jobs::jobs_view(from, limit)
		}

		fn job(
			job_id: pallet_jobs::JobId,
		) -> Option<pallet_jobs::JobInfo<AccountId, Balance, BlockNumber>> {
			Jobs::job_view(job_id)
		}

		fn claims_of_job(
			job_id: pallet_jobs::JobId,
			start_after: Option<pallet_jobs::ClaimId>,
			limit: u32,
		) -> Vec<(pallet_jobs::ClaimId, pallet_jobs::ClaimInfo<AccountId, Balance, BlockNumber>)> {
			Jobs::claims_of_job_view(job_id, start_after, limit)
		}

		fn jobs_of_transcoder(
			who: AccountId,
		) -> Vec<(pallet_jobs::JobId, pallet_jobs::JobInfo<AccountId, Balance, BlockNumber>)> {
			Jobs::jobs_of_transcoder_view(who)
		}

		fn claim(
			claim_id: pallet_jobs::ClaimId,
		) -> Option<pallet_jobs::ClaimInfo<AccountId, Balance, BlockNumber>> {
			Jobs::claim_view(claim_id)
		}
	}

	impl pallet_chat_runtime_api::ChatApi<Block, AccountId, Balance> for Runtime {
		fn validate_chat_statement(
			signer: [u8; 32],
			stream: pallet_chat_runtime_api::StreamId,
			data: Vec<u8>,
		) -> Result<AccountId, pallet_chat_runtime_api::ChatRefusal> {
			Chat::validate_chat_statement(signer, stream, &data)
		}

		fn allowance(who: AccountId) -> Option<pallet_chat::AllowanceInfo<Balance>> {
			Chat::allowance_view(&who)
		}

		fn chat_key_owner(key: [u8; 32]) -> Option<AccountId> {
			pallet_chat::ChatKeys::<Runtime>::get(key)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);

			let storage_info = AllPalletsWithSystem::storage_info();
			(list, storage_info)
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::BenchmarkBatch;
			use frame_support::traits::WhitelistedStorageKeys;
			use sp_storage::TrackedStorageKey;

			let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	// The try-runtime CLI's entry points (`try-runtime` feature only: never in a release's
	// runtime). A failed check panics on purpose: the tool reports the panic and its message.
	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			let weight = Executive::try_runtime_upgrade(checks)
				.unwrap_or_else(|error| panic!("try_runtime_upgrade failed: {error:?}"));
			(weight, RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect,
		) -> Weight {
			Executive::try_execute_block(block, state_root_check, signature_check, select)
				.unwrap_or_else(|error| panic!("try_execute_block failed: {error:?}"))
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}
