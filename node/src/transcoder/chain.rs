//! The worker's view of the chain through the node's own client (runtime APIs at the best
//! block, events of imported blocks) and its transactions, signed with the transcoder's key and
//! submitted to the node's own transaction pool.

use crate::service::FullClient;
use codec::{Decode, Encode};
use futures::StreamExt;
use olc_runtime::{
	opaque::Block, AccountId, Balance, BlockNumber, Nonce, RuntimeCall, RuntimeEvent,
	SignedPayload, TxExtension, UncheckedExtrinsic,
};
use pallet_jobs::{ClaimId, ClaimInfo, JobId, JobInfo, StreamInfo};
use pallet_jobs_runtime_api::JobsApi;
use pallet_staking_delegation_runtime_api::{DelegatorView, StakingDelegationApi, TranscoderView};
use pallet_verification::{ClaimCheckView, VerifierDuty};
use pallet_verification_runtime_api::VerificationApi;
use sc_client_api::StorageProvider;
use sc_transaction_pool_api::{TransactionPool, TransactionSource, TransactionStatus};
use sp_api::{Core, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_core::{sr25519, storage::StorageKey, Pair, H256};
use sp_runtime::{generic::Era, MultiSignature};
use std::sync::{Arc, Mutex};
use substrate_frame_rpc_system::AccountNonceApi;

/// The node's transaction pool.
pub type Pool = sc_transaction_pool::TransactionPoolHandle<Block, FullClient>;
/// A job as the runtime API returns it.
pub type Job = JobInfo<AccountId, Balance, BlockNumber>;
/// A claim as the runtime API returns it.
pub type Claim = ClaimInfo<AccountId, Balance, BlockNumber>;
/// A stream as the runtime API returns it.
pub type Stream = StreamInfo<AccountId, BlockNumber>;

/// Reads of the runtime at a block, each a named error on failure.
#[derive(Clone)]
pub struct Chain {
	client: Arc<FullClient>,
}

/// A runtime API call failed (e.g. the block was pruned).
#[derive(Debug, thiserror::Error)]
#[error("runtime API call failed: {0}")]
pub struct ApiError(String);

fn api_error(error: impl std::fmt::Display) -> ApiError {
	ApiError(error.to_string())
}

/// The page size of the worker's paged runtime API reads.
const PAGE: u32 = 100;

/// Reads every page of a paged runtime API list: `page(after)` returns up to [`PAGE`] items
/// after cursor `after`; `cursor` is an item's cursor. Stops at a short page.
fn all_pages<T, K>(
	mut page: impl FnMut(Option<K>) -> Result<Vec<T>, ApiError>,
	cursor: impl Fn(&T) -> K,
) -> Result<Vec<T>, ApiError> {
	let mut all = Vec::new();
	let mut after = None;
	loop {
		let items = page(after)?;
		let full = items.len() >= PAGE as usize;
		after = items.last().map(&cursor);
		all.extend(items);
		if !full || after.is_none() {
			return Ok(all);
		}
	}
}

impl Chain {
	pub fn new(client: Arc<FullClient>) -> Self {
		Self { client }
	}

	/// The best block's hash and number.
	pub fn best(&self) -> (H256, BlockNumber) {
		let info = self.client.info();
		(info.best_hash, info.best_number)
	}

	pub fn genesis(&self) -> H256 {
		self.client.info().genesis_hash
	}

	pub fn jobs_of_transcoder(
		&self,
		at: H256,
		who: &AccountId,
	) -> Result<Vec<(JobId, Job)>, ApiError> {
		self.client.runtime_api().jobs_of_transcoder(at, who.clone()).map_err(api_error)
	}

	pub fn job(&self, at: H256, job_id: JobId) -> Result<Option<Job>, ApiError> {
		self.client.runtime_api().job(at, job_id).map_err(api_error)
	}

	pub fn stream(
		&self,
		at: H256,
		stream_id: olc_primitives::StreamId,
	) -> Result<Option<Stream>, ApiError> {
		self.client.runtime_api().stream(at, stream_id).map_err(api_error)
	}

	/// Every unsettled claim of a job, read a page at a time.
	pub fn claims_of_job(
		&self,
		at: H256,
		job_id: JobId,
	) -> Result<Vec<(ClaimId, Claim)>, ApiError> {
		all_pages(
			|after| {
				self.client
					.runtime_api()
					.claims_of_job(at, job_id, after, PAGE)
					.map_err(api_error)
			},
			|(claim_id, _)| *claim_id,
		)
	}

	pub fn claim(&self, at: H256, claim_id: ClaimId) -> Result<Option<Claim>, ApiError> {
		self.client.runtime_api().claim(at, claim_id).map_err(api_error)
	}

	pub fn claim_check(
		&self,
		at: H256,
		claim_id: ClaimId,
	) -> Result<Option<ClaimCheckView<AccountId, Balance, BlockNumber>>, ApiError> {
		self.client.runtime_api().claim_check(at, claim_id).map_err(api_error)
	}

	/// Every segment `who` has to vote on, read a page at a time.
	pub fn duties(
		&self,
		at: H256,
		who: &AccountId,
	) -> Result<Vec<VerifierDuty<BlockNumber>>, ApiError> {
		all_pages(
			|after| {
				self.client
					.runtime_api()
					.duties(at, who.clone(), after, PAGE)
					.map_err(api_error)
			},
			|duty| (duty.claim_id, duty.seq),
		)
	}

	pub fn transcoder(
		&self,
		at: H256,
		who: &AccountId,
	) -> Result<Option<TranscoderView<Balance>>, ApiError> {
		self.client.runtime_api().transcoder(at, who.clone()).map_err(api_error)
	}

	pub fn delegator(
		&self,
		at: H256,
		who: &AccountId,
	) -> Result<Option<DelegatorView<AccountId, Balance>>, ApiError> {
		self.client.runtime_api().delegator(at, who.clone()).map_err(api_error)
	}

	pub fn account_nonce(&self, at: H256, who: &AccountId) -> Result<Nonce, ApiError> {
		self.client.runtime_api().account_nonce(at, who.clone()).map_err(api_error)
	}

	/// The hash of the best chain's block `number`, if the node has it.
	pub fn block_hash(&self, number: BlockNumber) -> Option<H256> {
		self.client.hash(number).ok().flatten()
	}

	/// How long ago block `at` was authored (its timestamp), if it has one.
	pub fn block_age(&self, at: H256) -> Option<std::time::Duration> {
		let key = StorageKey(
			[sp_crypto_hashing::twox_128(b"Timestamp"), sp_crypto_hashing::twox_128(b"Now")]
				.concat(),
		);
		let data = self.client.storage(at, &key).ok()??;
		let millis = u64::decode(&mut data.0.as_slice()).ok()?;
		let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?;
		Some(now.saturating_sub(std::time::Duration::from_millis(millis)))
	}

	/// The events of block `at` with the index of the extrinsic that emitted each (`None` for
	/// hooks). Empty if the block's events cannot be read or decoded (e.g. after a runtime
	/// upgrade changed the event types: the worker then learns from state alone).
	pub fn events(&self, at: H256) -> Vec<(Option<u32>, RuntimeEvent)> {
		let key = StorageKey(
			[sp_crypto_hashing::twox_128(b"System"), sp_crypto_hashing::twox_128(b"Events")]
				.concat(),
		);
		let Ok(Some(data)) = self.client.storage(at, &key) else { return Vec::new() };
		let Ok(records) =
			Vec::<frame_system::EventRecord<RuntimeEvent, H256>>::decode(&mut data.0.as_slice())
		else {
			return Vec::new();
		};
		records
			.into_iter()
			.map(|record| {
				let index = match record.phase {
					frame_system::Phase::ApplyExtrinsic(index) => Some(index),
					_ => None,
				};
				(index, record.event)
			})
			.collect()
	}
}

/// How a submitted transaction ended.
#[derive(Debug)]
pub enum Outcome {
	/// Included in a block; `events` are the transaction's own events; `error` names the
	/// dispatch error (e.g. `Jobs(DoubleClaim)`) if the call failed.
	Included { events: Vec<RuntimeEvent>, error: Option<String> },
	/// The pool refused or dropped it (bad nonce, fees, ...).
	NotIncluded(String),
}

/// Signs calls with the transcoder's key and submits them to the node's pool with consecutive
/// nonces. The next nonce is the larger of the chain's (at the best block) and the one after the
/// last submitted; if the chain's nonce stops advancing while transactions are outstanding (one
/// was dropped), the worker resets to the chain's.
pub struct Submitter {
	chain: Chain,
	pool: Arc<Pool>,
	pair: sr25519::Pair,
	account: AccountId,
	next_nonce: Mutex<Option<Nonce>>,
}

impl Submitter {
	pub fn new(chain: Chain, pool: Arc<Pool>, pair: sr25519::Pair) -> Self {
		let account = AccountId::from(pair.public());
		Self { chain, pool, pair, account, next_nonce: Mutex::new(None) }
	}

	pub fn account(&self) -> &AccountId {
		&self.account
	}

	/// Forgets the locally tracked nonce, so the next transaction takes the chain's.
	pub fn reset_nonce(&self) {
		if let Ok(mut next) = self.next_nonce.lock() {
			*next = None;
		}
	}

	/// Whether transactions were submitted that the best block has not included yet.
	pub fn outstanding(&self, chain_nonce: Nonce) -> bool {
		self.next_nonce
			.lock()
			.ok()
			.and_then(|next| *next)
			.is_some_and(|next| next > chain_nonce)
	}

	fn sign(
		&self,
		call: RuntimeCall,
		nonce: Nonce,
		best: H256,
	) -> Result<UncheckedExtrinsic, String> {
		let version = self
			.chain
			.client
			.runtime_api()
			.version(best)
			.map_err(|e| format!("cannot read the runtime version: {e}"))?;
		// Mortal for 64 blocks from the last finalized block (never on a fork, so every node
		// knows its hash): a transaction that cannot be included by then is dropped rather than
		// lingering in pools.
		let info = self.chain.client.info();
		let (birth, birth_number) = (info.finalized_hash, info.finalized_number);
		let era = Era::mortal(64, u64::from(birth_number));
		let tx_ext: TxExtension = (
			frame_system::AuthorizeCall::new(),
			frame_system::CheckNonZeroSender::new(),
			frame_system::CheckSpecVersion::new(),
			frame_system::CheckTxVersion::new(),
			frame_system::CheckGenesis::new(),
			frame_system::CheckEra::from(era),
			frame_system::CheckNonce::from(nonce),
			frame_system::CheckWeight::new(),
			pallet_transaction_payment::ChargeTransactionPayment::from(0),
			frame_metadata_hash_extension::CheckMetadataHash::new(false),
			frame_system::WeightReclaim::new(),
		);
		let implicit = (
			(),
			(),
			version.spec_version,
			version.transaction_version,
			self.chain.genesis(),
			birth,
			(),
			(),
			(),
			None,
			(),
		);
		let payload = SignedPayload::from_raw(call.clone(), tx_ext.clone(), implicit);
		let signature = payload.using_encoded(|bytes| self.pair.sign(bytes));
		Ok(UncheckedExtrinsic::new_signed(
			call,
			sp_runtime::MultiAddress::Id(self.account.clone()),
			MultiSignature::Sr25519(signature),
			tx_ext,
		))
	}

	/// Signs and submits `call`; resolves when it is in a block (or refused or dropped).
	pub async fn submit(&self, call: RuntimeCall) -> Outcome {
		let (best, _) = self.chain.best();
		let chain_nonce = match self.chain.account_nonce(best, &self.account) {
			Ok(nonce) => nonce,
			Err(error) => return Outcome::NotIncluded(error.to_string()),
		};
		let nonce = {
			let Ok(mut next) = self.next_nonce.lock() else {
				return Outcome::NotIncluded("nonce lock poisoned".into());
			};
			let nonce = next.map_or(chain_nonce, |next| next.max(chain_nonce));
			*next = Some(nonce.saturating_add(1));
			nonce
		};
		let xt = match self.sign(call, nonce, best) {
			Ok(xt) => xt,
			Err(error) => {
				self.reset_nonce();
				return Outcome::NotIncluded(error);
			},
		};
		let mut watcher =
			match self.pool.submit_and_watch(best, TransactionSource::Local, xt.into()).await {
				Ok(watcher) => watcher,
				Err(error) => {
					self.reset_nonce();
					return Outcome::NotIncluded(format!("refused by the pool: {error}"));
				},
			};
		while let Some(status) = watcher.next().await {
			match status {
				TransactionStatus::InBlock((block, index)) => {
					return self.outcome_in_block(block, index as u32)
				},
				TransactionStatus::Invalid
				| TransactionStatus::Dropped
				| TransactionStatus::Usurped(_)
				| TransactionStatus::FinalityTimeout(_) => {
					self.reset_nonce();
					return Outcome::NotIncluded(format!("{status:?}"));
				},
				_ => {},
			}
		}
		Outcome::NotIncluded("the pool stopped watching the transaction".into())
	}

	fn outcome_in_block(&self, block: H256, index: u32) -> Outcome {
		let mut events = Vec::new();
		let mut error = None;
		for (phase, event) in self.chain.events(block) {
			if phase != Some(index) {
				continue;
			}
			if let RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
				dispatch_error,
				..
			}) = &event
			{
				error =
					Some(match olc_runtime::RuntimeError::from_dispatch_error(*dispatch_error) {
						Some(named) => format!("{named:?}"),
						None => format!("{dispatch_error:?}"),
					});
			}
			events.push(event);
		}
		Outcome::Included { events, error }
	}
}
