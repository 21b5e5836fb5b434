//! Chat between nodes: the statement store (`sc-statement-store`, ParityDB under the chain's data
//! path), its gossip protocol (`sc-network-statement`) and the check every chat statement passes
//! before the store keeps it or the node relays it.
//!
//! The store itself verifies a statement's signature and the signer's allowance (which
//! pallet-chat writes into chain state). [`ChatStatementStore`] wraps it and refuses, before
//! that, anything that is not a well-formed chat statement of an allowed account: the shape and
//! expiry here, the payload, ban, mute and stream through the runtime API
//! `ChatApi::validate_chat_statement` at the best block. The network handler and the RPC submit
//! through the wrapper, so a refused statement is neither stored nor relayed; a peer that sends
//! a malformed one loses reputation.
//!
//! The store's limits for chat traffic are [`store_config`] (README "Chat").

use crate::service::FullClient;
use olc_primitives::{
	chat::{validate_expiry, ChatRefusal},
	StreamId,
};
use olc_runtime::{opaque::Block, AccountId};
use pallet_chat_runtime_api::ChatApi;
use sc_client_api::HeaderBackend;
use sp_api::ProvideRuntimeApi;
use sp_statement_store::{
	AdmittedBatch, FilterDecision, Hash, InvalidReason, Proof, RejectionReason, Result, Statement,
	StatementSource, StatementStore, SubmitResult, Topic,
};
use std::sync::Arc;

/// The store's limits, sized for chat: a message is at most ~330 bytes encoded and lives at
/// most 5 minutes, so 100,000 statements (at most ~33 MB of statements) hold the chat of many
/// busy streams; a peer may send 2,000 statements per second (bursts of 5x) before the node
/// drops its excess; evicted and expired statements are remembered for 10 minutes, longer than
/// any message lives, so none can be replayed.
pub fn store_config() -> sc_statement_store::Config {
	sc_statement_store::Config {
		max_total_statements: 100_000,
		max_total_size: 64 * 1024 * 1024,
		purge_after_sec: 600,
		network_workers: 1,
		rate_limit: 2_000,
	}
}

/// The statement store behind the chat check.
pub struct ChatStatementStore {
	inner: Arc<sc_statement_store::Store>,
	client: Arc<FullClient>,
}

/// Why the chat check could not decide.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
	/// The statement is refused for a named reason.
	#[error("chat statement refused: {}", .0.name())]
	Refused(ChatRefusal),
	/// The runtime API call failed.
	#[error("runtime API call failed: {0}")]
	Runtime(String),
}

impl ChatStatementStore {
	pub fn new(inner: Arc<sc_statement_store::Store>, client: Arc<FullClient>) -> Self {
		Self { inner, client }
	}

	/// The store without the check, for reads and subscriptions.
	pub fn inner(&self) -> &Arc<sc_statement_store::Store> {
		&self.inner
	}

	/// Checks a chat statement (everything but the signature, which the store verifies);
	/// returns the account it speaks for.
	pub fn check(&self, statement: &Statement) -> std::result::Result<AccountId, CheckError> {
		let refuse = CheckError::Refused;
		if statement.channel().is_some() || statement.decryption_key().is_some() {
			return Err(refuse(ChatRefusal::UnexpectedField));
		}
		let [topic] = statement.topics() else {
			return Err(refuse(ChatRefusal::WrongTopics));
		};
		let signer = match statement.proof() {
			Some(Proof::Sr25519 { signer, .. }) => *signer,
			_ => return Err(refuse(ChatRefusal::NoProof)),
		};
		validate_expiry(statement.expiry(), unix_now_secs()).map_err(refuse)?;
		let data = statement.data().ok_or(refuse(ChatRefusal::NoData))?;
		let best = self.client.info().best_hash;
		self.client
			.runtime_api()
			.validate_chat_statement(best, signer, StreamId(topic.0), data.clone())
			.map_err(|e| CheckError::Runtime(e.to_string()))?
			.map_err(refuse)
	}

	/// Checks a statement, signature included, and submits it: what `chat_submit` returns.
	pub fn check_and_submit(&self, statement: Statement) -> ChatSubmitOutcome {
		match statement.verify_signature() {
			sp_statement_store::SignatureVerificationResult::Valid(_) => {},
			sp_statement_store::SignatureVerificationResult::Invalid => {
				return ChatSubmitOutcome::Refused(ChatRefusal::BadSignature)
			},
			sp_statement_store::SignatureVerificationResult::NoSignature => {
				return ChatSubmitOutcome::Refused(ChatRefusal::NoProof)
			},
		}
		let account = match self.check(&statement) {
			Ok(account) => account,
			Err(CheckError::Refused(refusal)) => return ChatSubmitOutcome::Refused(refusal),
			Err(CheckError::Runtime(e)) => return ChatSubmitOutcome::Error(e),
		};
		match self.inner.submit(statement, StatementSource::Local) {
			SubmitResult::New => ChatSubmitOutcome::New(account),
			SubmitResult::Known | SubmitResult::KnownExpired => ChatSubmitOutcome::Known(account),
			SubmitResult::Rejected(reason) => ChatSubmitOutcome::Rejected(reason),
			SubmitResult::Invalid(reason) => ChatSubmitOutcome::Refused(match reason {
				InvalidReason::NoProof => ChatRefusal::NoProof,
				InvalidReason::BadProof => ChatRefusal::BadSignature,
				InvalidReason::EncodingTooLarge { .. } => ChatRefusal::PayloadTooLarge,
				InvalidReason::AlreadyExpired => ChatRefusal::Expired,
			}),
			SubmitResult::InternalError(e) => ChatSubmitOutcome::Error(e.to_string()),
		}
	}
}

/// The outcome of a checked submission.
pub enum ChatSubmitOutcome {
	/// Stored and gossiped; from this account.
	New(AccountId),
	/// Already in the store.
	Known(AccountId),
	/// Refused for a named reason: not stored, not relayed.
	Refused(ChatRefusal),
	/// Valid, but the store has no room (the sender's quota or the store is full).
	Rejected(RejectionReason),
	/// The node could not decide (an internal error).
	Error(String),
}

fn unix_now_secs() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_secs())
		.unwrap_or_default()
}

impl StatementStore for ChatStatementStore {
	fn statements(&self) -> Result<Vec<(Hash, Statement)>> {
		self.inner.statements()
	}

	fn take_recent_statements(&self) -> Result<Vec<(u64, Hash, Statement)>> {
		self.inner.take_recent_statements()
	}

	fn statement(&self, hash: &Hash) -> Result<Option<Statement>> {
		self.inner.statement(hash)
	}

	fn has_statement(&self, hash: &Hash) -> bool {
		self.inner.has_statement(hash)
	}

	fn statements_by_hashes(
		&self,
		hashes: &[Hash],
		filter: &mut dyn FnMut(&Hash, &[u8], &Statement) -> FilterDecision,
	) -> Result<(Vec<(Hash, Statement)>, usize)> {
		self.inner.statements_by_hashes(hashes, filter)
	}

	fn admission_watermark(&self) -> Result<u64> {
		self.inner.admission_watermark()
	}

	fn admitted_statements(
		&self,
		cursor: u64,
		watermark: u64,
		scan_limit: usize,
		filter: &mut dyn FnMut(&Hash, &[u8], &Statement) -> FilterDecision,
	) -> Result<AdmittedBatch> {
		self.inner.admitted_statements(cursor, watermark, scan_limit, filter)
	}

	fn broadcasts(&self, match_all_topics: &[Topic]) -> Result<Vec<Vec<u8>>> {
		self.inner.broadcasts(match_all_topics)
	}

	fn posted(&self, match_all_topics: &[Topic], dest: [u8; 32]) -> Result<Vec<Vec<u8>>> {
		self.inner.posted(match_all_topics, dest)
	}

	fn posted_clear(&self, match_all_topics: &[Topic], dest: [u8; 32]) -> Result<Vec<Vec<u8>>> {
		self.inner.posted_clear(match_all_topics, dest)
	}

	fn broadcasts_stmt(&self, match_all_topics: &[Topic]) -> Result<Vec<Vec<u8>>> {
		self.inner.broadcasts_stmt(match_all_topics)
	}

	fn posted_stmt(&self, match_all_topics: &[Topic], dest: [u8; 32]) -> Result<Vec<Vec<u8>>> {
		self.inner.posted_stmt(match_all_topics, dest)
	}

	fn posted_clear_stmt(
		&self,
		match_all_topics: &[Topic],
		dest: [u8; 32],
	) -> Result<Vec<Vec<u8>>> {
		self.inner.posted_clear_stmt(match_all_topics, dest)
	}

	/// The chat check, then the store's own. A statement the store already has skips the check
	/// (it passed it when it came in). A refusal that depends on chain state (no allowance, ban,
	/// mute) is a rejection, so a peer whose chain is a block ahead or behind is not punished; a
	/// malformed statement is invalid, and its sender loses reputation. A local submission gets
	/// the refusal's name in the error.
	fn submit(&self, statement: Statement, source: StatementSource) -> SubmitResult {
		if self.inner.has_statement(&statement.hash()) {
			return self.inner.submit(statement, source);
		}
		match self.check(&statement) {
			Ok(_) => self.inner.submit(statement, source),
			Err(error) if source == StatementSource::Local => {
				SubmitResult::InternalError(sp_statement_store::Error::Storage(error.to_string()))
			},
			Err(CheckError::Refused(refusal)) if refusal.depends_on_chain_state() => {
				SubmitResult::Rejected(RejectionReason::NoAllowance)
			},
			Err(CheckError::Refused(_)) => SubmitResult::Invalid(InvalidReason::BadProof),
			Err(CheckError::Runtime(e)) => {
				SubmitResult::InternalError(sp_statement_store::Error::Storage(e))
			},
		}
	}

	fn remove(&self, hash: &Hash) -> Result<()> {
		self.inner.remove(hash)
	}

	fn remove_by(&self, who: [u8; 32]) -> Result<()> {
		self.inner.remove_by(who)
	}
}

/// Opens the statement store under `config.data_path`, and starts its maintenance and the
/// gossip handler on the node's network.
pub fn start<N, S>(
	config: &sc_service::Configuration,
	task_manager: &sc_service::TaskManager,
	client: Arc<FullClient>,
	keystore: Arc<sc_keystore::LocalKeystore>,
	network: N,
	sync: S,
	handler_prototype: sc_network_statement::StatementHandlerPrototype,
) -> std::result::Result<Arc<ChatStatementStore>, sc_service::Error>
where
	N: sc_network::NetworkPeers + sc_network::NetworkEventStream + Send + 'static,
	S: sc_network_sync::SyncEventStream + sp_consensus::SyncOracle + Send + 'static,
{
	let store_config = store_config();
	let inner = sc_statement_store::Store::new_shared::<
		Block,
		FullClient,
		sc_service::TFullBackend<Block>,
	>(
		&config.data_path,
		store_config,
		client.clone(),
		keystore,
		config.prometheus_registry(),
		Box::new(task_manager.spawn_handle()),
	)
	.map_err(|e| sc_service::Error::Application(Box::new(e)))?;
	let store = Arc::new(ChatStatementStore::new(inner, client));

	let spawn_handle = task_manager.spawn_handle();
	let handler = handler_prototype
		.build(
			network,
			sync,
			store.clone(),
			config.prometheus_registry(),
			move |future| {
				spawn_handle.spawn("network-statement-validator", Some("networking"), future)
			},
			store_config.network_workers,
			store_config.rate_limit,
		)
		.map_err(|e| sc_service::Error::Application(Box::new(e)))?;
	task_manager.spawn_handle().spawn(
		"network-statement-handler",
		Some("networking"),
		handler.run(),
	);
	Ok(store)
}

#[cfg(test)]
mod tests {
	use super::*;
	use olc_primitives::chat::{MAX_CLOCK_SKEW_SECS, MAX_TTL_SECS};

	#[test]
	fn the_store_limits_are_valid_and_remember_refused_statements_longer_than_any_lives() {
		let config = store_config();
		assert!(config.validate().is_ok());
		// An evicted or expired statement must not be accepted again while it could still be
		// valid: its hash is remembered for longer than the longest lifetime.
		assert!(config.purge_after_sec > MAX_TTL_SECS + MAX_CLOCK_SKEW_SECS);
		// The store holds at least the full quota of 1,000 busy keys.
		assert!(config.max_total_statements >= 1_000 * 64);
		assert!(config.max_total_size >= config.max_total_statements * 330);
	}
}
