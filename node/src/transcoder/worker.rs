//! The worker's duties, run on every new best block: claim transcoded segments, prove the
//! challenged ones, check and vote on segments it verifies, withdraw fees, and tell the operator
//! where the account stands. Each duty is re-derived from the chain's state at the best block,
//! so a missed block or a restart loses nothing; what the chain cannot tell (the claims made,
//! the last withdrawal) is in the state file.

use super::{
	chain::{Chain, Job, Outcome, Submitter},
	metrics::{olc, Metrics},
	state::{ClaimRecord, Persisted, StateFile},
	verifier::{Duty, Verifier},
};
use codec::Encode;
use olc_primitives::{merkle, StreamId, TranscodeReceipt};
use olc_runtime::{AccountId, BlockNumber, RuntimeCall, RuntimeEvent};
use pallet_jobs::{ClaimId, JobId, JobStatus};
use pallet_verification::{CheckStatus, SegmentStatus, VerifierDuty};
use sc_service::SpawnTaskHandle;
use sp_core::H256;
use std::{
	collections::HashMap,
	path::PathBuf,
	sync::{Arc, Mutex},
	time::Duration,
};

const LOG: &str = "olc-transcoder";
/// Most segments one claim covers (the runtime's `MaxSegmentsPerClaim`).
const MAX_SEGMENTS_PER_CLAIM: u64 = 10_000;
/// A job this close to its expiry is claimed at once.
const EXPIRY_MARGIN: BlockNumber = 10;
/// How long a submission may take from signing to inclusion before it is given up.
const SUBMIT_TIMEOUT: Duration = Duration::from_secs(60);
/// A best block older than this means the node is behind the network (slots are 2 s).
const MAX_BEST_BLOCK_AGE: Duration = Duration::from_secs(12);
/// Blocks after which a submission that failed may be tried again.
const PENDING_EXPIRY: BlockNumber = 30;
/// How long one content check (all renditions of a segment) may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings from the command line.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
	/// Blocks between claims of a job's new segments.
	pub claim_every: BlockNumber,
	/// Blocks between fee withdrawals; 0: never.
	pub withdraw_every: BlockNumber,
	/// Test fault: never prove challenges.
	pub skip_proofs: bool,
	/// Report other transcoders' missed verifications for the finder fee.
	pub report_missed: bool,
	/// The service's data directory (receipts).
	pub service_dir: PathBuf,
	/// The address the service listens on, for the operator's messages.
	pub listen: String,
}

/// Something submitted and not yet resolved, so it is not submitted twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Pending {
	Claim(JobId),
	Proofs(ClaimId),
	Verdict(ClaimId, u64),
	Withdrawal,
	ReportMissed(ClaimId),
}

/// The worker.
pub struct Worker {
	chain: Chain,
	submitter: Arc<Submitter>,
	me: AccountId,
	config: WorkerConfig,
	metrics: Metrics,
	spawner: SpawnTaskHandle,
	verifier: Arc<Verifier>,
	/// Checks run one at a time.
	check_slot: Arc<tokio::sync::Semaphore>,
	state_file: StateFile,
	state: Arc<Mutex<Persisted>>,
	pending: Arc<Mutex<HashMap<Pending, BlockNumber>>>,
	last_claim: HashMap<JobId, BlockNumber>,
	last_status: String,
	/// The chain nonce and when it last moved, to notice a dropped transaction.
	nonce_seen: (u32, BlockNumber),
	/// Whether the claims on chain were compared with the state file yet.
	discovered: bool,
	/// Tells whether the node is syncing.
	sync: Arc<dyn sp_consensus::SyncOracle + Send + Sync>,
	waiting_for_sync: bool,
	/// Other transcoders' claims with challenges, and their proof deadlines (with
	/// `report_missed`).
	watched: HashMap<ClaimId, BlockNumber>,
}

impl Worker {
	#[allow(clippy::too_many_arguments)]
	pub fn new(
		chain: Chain,
		submitter: Arc<Submitter>,
		config: WorkerConfig,
		metrics: Metrics,
		spawner: SpawnTaskHandle,
		verifier: Verifier,
		state_file: StateFile,
		sync: Arc<dyn sp_consensus::SyncOracle + Send + Sync>,
	) -> Result<Self, String> {
		let state = state_file.load()?;
		let me = submitter.account().clone();
		Ok(Self {
			chain,
			submitter,
			me,
			config,
			metrics,
			spawner,
			verifier: Arc::new(verifier),
			check_slot: Arc::new(tokio::sync::Semaphore::new(1)),
			state_file,
			state: Arc::new(Mutex::new(state)),
			pending: Arc::new(Mutex::new(HashMap::new())),
			last_claim: HashMap::new(),
			last_status: String::new(),
			nonce_seen: (0, 0),
			watched: HashMap::new(),
			discovered: false,
			sync,
			waiting_for_sync: false,
		})
	}

	/// Runs the duties for new best block `hash` (`number`), unless the node is still catching
	/// up with the network: what it would submit then would rest on an old state.
	pub fn on_best_block(&mut self, hash: H256, number: BlockNumber) {
		let behind = self.sync.is_major_syncing()
			|| self.chain.block_age(hash).is_some_and(|age| age > MAX_BEST_BLOCK_AGE);
		if behind {
			if !self.waiting_for_sync {
				log::info!(target: LOG, "waiting for the node to catch up with the network before working");
				self.waiting_for_sync = true;
			}
			return;
		}
		self.waiting_for_sync = false;
		self.expire_pending(number);
		self.watch_events(hash);
		self.report_status(hash);
		self.watch_nonce(hash, number);
		match self.chain.jobs_of_transcoder(hash, &self.me) {
			Ok(jobs) => {
				// At start-up, and now and then in case a block was skipped while its events
				// told of a claim (made by a transaction submitted before a restart).
				if !self.discovered || number.is_multiple_of(20) {
					self.discover_claims(hash, &jobs);
				}
				self.metrics.jobs.set(jobs.len() as u64);
				for (job_id, job) in jobs {
					self.claim(number, job_id, &job);
				}
			},
			Err(error) => log::warn!(target: LOG, "cannot read my jobs: {error}"),
		}
		self.prove(hash, number);
		self.verify(hash, number);
		self.report_missed(hash, number);
		self.withdraw(hash, number);
	}

	fn is_pending(&self, what: Pending) -> bool {
		self.pending.lock().map(|pending| pending.contains_key(&what)).unwrap_or(true)
	}

	fn set_pending(&self, what: Pending, number: BlockNumber) {
		if let Ok(mut pending) = self.pending.lock() {
			pending.insert(what, number);
		}
	}

	/// Submits `call` on a task; `done` gets the outcome and says whether `what` may be
	/// submitted again at once (otherwise it stays pending until [`PENDING_EXPIRY`] blocks after
	/// `number`, so a call that failed is not repeated every block).
	fn submit(
		&self,
		what: Pending,
		number: BlockNumber,
		call: RuntimeCall,
		done: impl FnOnce(Outcome) -> bool + Send + 'static,
	) {
		self.set_pending(what, number);
		let submitter = self.submitter.clone();
		let pending = self.pending.clone();
		self.spawner.spawn("olc-transcoder-submit", Some("olc-transcoder"), async move {
			let outcome = match tokio::time::timeout(SUBMIT_TIMEOUT, submitter.submit(call)).await {
				Ok(outcome) => outcome,
				Err(_) => {
					submitter.reset_nonce();
					Outcome::NotIncluded("not included within 60 s".into())
				},
			};
			if done(outcome) {
				if let Ok(mut pending) = pending.lock() {
					pending.remove(&what);
				}
			}
		});
	}

	/// Forgets pending submissions older than [`PENDING_EXPIRY`] blocks.
	fn expire_pending(&self, number: BlockNumber) {
		if let Ok(mut pending) = self.pending.lock() {
			pending.retain(|_, since| number.saturating_sub(*since) <= PENDING_EXPIRY);
		}
	}

	fn save_state(state: &Mutex<Persisted>, file: &StateFile) {
		let snapshot = match state.lock() {
			Ok(state) => state.clone(),
			Err(_) => return,
		};
		if let Err(error) = file.save(&snapshot) {
			log::error!(target: LOG, "cannot save the worker state: {error}");
		}
	}

	/// Adds to the state the unsettled claims of this transcoder's jobs that it does not know
	/// (made just before a crash, before the state was saved), so they are proven.
	fn discover_claims(&mut self, hash: H256, jobs: &[(JobId, Job)]) {
		let mut found = Vec::new();
		for (job_id, job) in jobs {
			let Ok(claims) = self.chain.claims_of_job(hash, *job_id) else { return };
			for (claim_id, claim) in claims {
				if claim.transcoder == self.me {
					found.push((
						claim_id,
						ClaimRecord {
							job_id: *job_id,
							stream_id: format!("0x{}", hex::encode(job.stream_id.0)),
							start_seq: claim.start_seq,
							end_seq: claim.end_seq,
							merkle_root: format!("0x{}", hex::encode(claim.merkle_root)),
						},
					));
				}
			}
		}
		let added = match self.state.lock() {
			Ok(mut state) => found
				.into_iter()
				.filter(|(claim_id, record)| {
					state.claims.insert(*claim_id, record.clone()).is_none()
				})
				.count(),
			Err(_) => 0,
		};
		if added > 0 {
			log::info!(target: LOG, "found {added} unsettled claims on chain that the state file missed");
			Self::save_state(&self.state, &self.state_file);
		}
		if !self.discovered {
			let known = self.state.lock().map(|state| state.claims.len()).unwrap_or(0);
			log::info!(target: LOG, "{known} unsettled claims to follow");
		}
		self.discovered = true;
	}

	/// Records a claim of this transcoder seen in a block's events (whoever submitted it).
	fn note_claim(
		&self,
		hash: H256,
		claim_id: ClaimId,
		job_id: JobId,
		start_seq: u64,
		end_seq: u64,
		root: [u8; 32],
	) {
		let known = self
			.state
			.lock()
			.map(|state| state.claims.contains_key(&claim_id))
			.unwrap_or(true);
		if known {
			return;
		}
		let Ok(Some(job)) = self.chain.job(hash, job_id) else { return };
		if let Ok(mut state) = self.state.lock() {
			state.claims.insert(
				claim_id,
				ClaimRecord {
					job_id,
					stream_id: format!("0x{}", hex::encode(job.stream_id.0)),
					start_seq,
					end_seq,
					merkle_root: format!("0x{}", hex::encode(root)),
				},
			);
		}
		Self::save_state(&self.state, &self.state_file);
	}

	/// Slashes and (un)assignments of this transcoder in the block, for the operator; other
	/// transcoders' challenges, to report them if they are not proven.
	fn watch_events(&mut self, hash: H256) {
		for (_, event) in self.chain.events(hash) {
			match event {
				RuntimeEvent::Verification(pallet_verification::Event::ChallengesIssued {
					claim_id,
					proof_deadline,
					..
				}) if self.config.report_missed => {
					self.watched.insert(claim_id, proof_deadline);
				},
				RuntimeEvent::Verification(pallet_verification::Event::Slashed {
					transcoder,
					amount,
					reason,
					..
				}) if transcoder == self.me => {
					self.metrics.slashes.inc();
					self.metrics.slashed_stake.inc_by(olc(amount));
					log::warn!(target: LOG, "SLASHED {} OLC of stake: {reason:?}", olc(amount));
				},
				RuntimeEvent::Jobs(pallet_jobs::Event::TranscoderAssigned {
					job_id,
					transcoder,
					price_per_segment,
					..
				}) if transcoder == self.me => {
					log::info!(
						target: LOG,
						"job {job_id} assigned to me at {price_per_segment} per segment and profile"
					);
				},
				RuntimeEvent::Jobs(pallet_jobs::Event::WorkClaimed {
					claim_id,
					job_id,
					transcoder,
					start_seq,
					end_seq,
					merkle_root,
					..
				}) if transcoder == self.me => {
					self.note_claim(hash, claim_id, job_id, start_seq, end_seq, merkle_root);
				},
				RuntimeEvent::Jobs(pallet_jobs::Event::TranscoderUnassigned {
					job_id,
					transcoder,
				}) if transcoder == self.me => {
					log::warn!(target: LOG, "job {job_id} was taken from me (deactivated or slashed)");
				},
				_ => {},
			}
		}
	}

	/// Logs where the account stands whenever it changes, with the call to make if something
	/// is missing; updates the fee and activity gauges.
	fn report_status(&mut self, hash: H256) {
		let transcoder = self.chain.transcoder(hash, &self.me).ok().flatten();
		let delegator = self.chain.delegator(hash, &self.me).ok().flatten();
		if let Some(delegator) = &delegator {
			self.metrics.pending_fees.set(olc(delegator.fees));
		}
		self.metrics
			.active
			.set(u64::from(transcoder.as_ref().is_some_and(|t| t.active)));
		let status =
			describe_status(&self.me, transcoder.as_ref(), delegator.as_ref(), &self.config.listen);
		if status != self.last_status {
			log::info!(target: LOG, "{status}");
			self.last_status = status;
		}
	}

	/// Notices a submitted transaction that will never be included (the chain's nonce stays
	/// below ours for 10 blocks) and starts again from the chain's nonce.
	fn watch_nonce(&mut self, hash: H256, number: BlockNumber) {
		let Ok(nonce) = self.chain.account_nonce(hash, &self.me) else { return };
		if nonce != self.nonce_seen.0 {
			self.nonce_seen = (nonce, number);
		} else if self.submitter.outstanding(nonce) && number.saturating_sub(self.nonce_seen.1) > 10
		{
			log::warn!(target: LOG, "transactions from nonce {nonce} are not being included; resubmitting from it");
			self.submitter.reset_nonce();
			self.nonce_seen = (nonce, number);
		}
	}

	/// Claims the next gap-free range of job `job_id`'s transcoded segments when it is due: every
	/// `claim_every` blocks, at once when a gap closed it or the job is about to expire, never
	/// more than the deposit pays for or `MaxSegmentsPerClaim`. After the job ended or this
	/// transcoder was deactivated, the work it did stays claimable during its grace period (from
	/// the reservation kept for it, with its own cursor): it claims that at once.
	fn claim(&mut self, number: BlockNumber, job_id: JobId, job: &Job) {
		let Some(assignment) = &job.assignment else {
			// Deactivated and not re-elected yet: only a grace claim is left.
			if let Some(grace) = job.grace_of(&self.me) {
				let terms = (grace.price_per_segment, grace.next_claimable_seq, grace.reserved);
				self.claim_range(number, job_id, job, terms, true, grace.until);
			}
			return;
		};
		let assigned = job.status == JobStatus::Assigned && assignment.transcoder == self.me;
		if assigned {
			let terms = (assignment.price_per_segment, job.next_claimable_seq, job.deposit);
			let since = self.last_claim.get(&job_id).copied().unwrap_or(assignment.assigned_at);
			let due = number.saturating_sub(since) >= self.config.claim_every
				|| number.saturating_add(EXPIRY_MARGIN) >= job.expires_at;
			self.claim_range(number, job_id, job, terms, due, job.expires_at);
		} else if let Some(grace) = job.grace_of(&self.me) {
			let terms = (grace.price_per_segment, grace.next_claimable_seq, grace.reserved);
			self.claim_range(number, job_id, job, terms, true, grace.until);
		}
	}

	/// Claims from `cursor` on at `price` within `budget` (`terms`), if `due` (or a gap closed
	/// the run) and the chain still accepts claims (`number <= deadline`).
	fn claim_range(
		&mut self,
		number: BlockNumber,
		job_id: JobId,
		job: &Job,
		(price, cursor, budget): (u128, u64, u128),
		due: bool,
		deadline: BlockNumber,
	) {
		if number > deadline || self.is_pending(Pending::Claim(job_id)) {
			return;
		}
		let seqs: Vec<u64> =
			olc_transcoder::server::stored_receipt_seqs(&self.config.service_dir, &job.stream_id)
				.into_iter()
				.filter(|seq| *seq >= cursor)
				.collect();
		let Some((start, run, closed)) = first_run(&seqs) else { return };
		let per_segment = price.saturating_mul(job.profiles.len() as u128);
		// A free job (price 0) is bounded by the claim size alone.
		let affordable = budget.checked_div(per_segment).map_or(MAX_SEGMENTS_PER_CLAIM, |n| {
			u64::try_from(n).unwrap_or(u64::MAX).min(MAX_SEGMENTS_PER_CLAIM)
		});
		if affordable == 0 {
			log::warn!(
				target: LOG,
				"job {job_id}: the deposit left ({}) pays for no more segments; the broadcaster must top it up",
				budget
			);
			return;
		}
		let length = run.min(affordable);
		let due = due || closed || length < run;
		if !due {
			return;
		}
		let end = start.saturating_add(length).saturating_sub(1);
		let receipts = match load_receipts(&self.config.service_dir, &job.stream_id, start, end) {
			Ok(receipts) => receipts,
			Err(error) => {
				log::error!(target: LOG, "job {job_id}: cannot claim {start}..={end}: {error}");
				return;
			},
		};
		// Only receipts of this job's ladder count: stop at the first of another.
		let usable = receipts
			.iter()
			.take_while(|receipt| receipt.body.output_hashes.len() == job.profiles.len())
			.count();
		let Some(receipts) = receipts.get(..usable).filter(|r| !r.is_empty()) else { return };
		let end = start.saturating_add(receipts.len() as u64).saturating_sub(1);
		let root = match merkle::root(receipts) {
			Ok(root) => root,
			Err(error) => {
				log::error!(target: LOG, "job {job_id}: no Merkle root for {start}..={end}: {error:?}");
				return;
			},
		};
		self.last_claim.insert(job_id, number);
		let record = ClaimRecord {
			job_id,
			stream_id: format!("0x{}", hex::encode(job.stream_id.0)),
			start_seq: start,
			end_seq: end,
			merkle_root: format!("0x{}", hex::encode(root)),
		};
		log::info!(target: LOG, "job {job_id}: claiming segments {start}..={end}");
		let call = RuntimeCall::Jobs(pallet_jobs::Call::claim_work {
			job_id,
			start_seq: start,
			end_seq: end,
			merkle_root: root,
		});
		let metrics = self.metrics.clone();
		let state = self.state.clone();
		let file = self.state_file.clone();
		self.submit(Pending::Claim(job_id), number, call, move |outcome| match outcome {
			Outcome::Included { events, error: None, .. } => {
				let claim_id = events.iter().find_map(|event| match event {
					RuntimeEvent::Jobs(pallet_jobs::Event::WorkClaimed { claim_id, .. }) =>
						Some(*claim_id),
					_ => None,
				});
				metrics.claims.with_label_values(&["included"]).inc();
				metrics.claimed_segments.inc_by(end.saturating_sub(start).saturating_add(1));
				match claim_id {
					Some(claim_id) => {
						log::info!(target: LOG, "job {job_id}: claim {claim_id} of segments {start}..={end} included");
						if let Ok(mut state) = state.lock() {
							state.claims.insert(claim_id, record);
						}
						Worker::save_state(&state, &file);
					},
					None => log::error!(target: LOG, "job {job_id}: claim included without a WorkClaimed event"),
				}
				true
			},
			Outcome::Included { error: Some(error), .. } => {
				metrics.claims.with_label_values(&["failed"]).inc();
				log::warn!(target: LOG, "job {job_id}: claim of {start}..={end} failed: {error}");
				// The next block's state (e.g. a moved cursor) decides the next range.
				true
			},
			Outcome::NotIncluded(reason) => {
				metrics.claims.with_label_values(&["not_included"]).inc();
				log::warn!(target: LOG, "job {job_id}: claim of {start}..={end} not included: {reason}");
				true
			},
		});
	}

	/// Proves the challenged segments of this transcoder's claims with their receipts and
	/// Merkle proofs, as soon as the challenges are issued; forgets settled claims.
	fn prove(&mut self, hash: H256, number: BlockNumber) {
		let claims: Vec<(ClaimId, ClaimRecord)> = match self.state.lock() {
			Ok(state) => state.claims.iter().map(|(id, record)| (*id, record.clone())).collect(),
			Err(_) => return,
		};
		let mut settled = Vec::new();
		for (claim_id, record) in claims {
			let check = match self.chain.claim_check(hash, claim_id) {
				Ok(check) => check,
				Err(_) => continue,
			};
			let Some(check) = check else {
				if matches!(self.chain.claim(hash, claim_id), Ok(None)) {
					settled.push(claim_id);
				}
				continue;
			};
			if check.status != CheckStatus::AwaitingProofs
				|| self.is_pending(Pending::Proofs(claim_id))
			{
				continue;
			}
			let challenged: Vec<u64> = check
				.challenges
				.iter()
				.filter(|challenge| challenge.status == SegmentStatus::Challenged)
				.map(|challenge| challenge.seq)
				.collect();
			if challenged.is_empty() {
				continue;
			}
			if self.config.skip_proofs {
				log::warn!(target: LOG, "claim {claim_id}: fault no-proofs: not proving {challenged:?}");
				self.set_pending(Pending::Proofs(claim_id), number);
				continue;
			}
			let proofs = match build_proofs(&self.config.service_dir, &record, &challenged) {
				Ok(proofs) => proofs,
				Err(error) => {
					log::error!(target: LOG, "claim {claim_id}: cannot prove {challenged:?}: {error}");
					continue;
				},
			};
			let Ok(proofs) = proofs.try_into() else {
				log::error!(target: LOG, "claim {claim_id}: more challenges than a call takes");
				continue;
			};
			log::info!(target: LOG, "claim {claim_id}: proving segments {challenged:?}");
			let call = RuntimeCall::Verification(pallet_verification::Call::submit_proofs {
				claim_id,
				proofs,
			});
			let metrics = self.metrics.clone();
			self.submit(Pending::Proofs(claim_id), number, call, move |outcome| match outcome {
				Outcome::Included { error: None, .. } => {
					metrics.proofs.with_label_values(&["included"]).inc();
					log::info!(target: LOG, "claim {claim_id}: proofs included");
					true
				},
				Outcome::Included { error: Some(error), .. } => {
					metrics.proofs.with_label_values(&["failed"]).inc();
					log::error!(target: LOG, "claim {claim_id}: proofs failed: {error}");
					// The same proofs would fail again: wait before trying once more.
					false
				},
				Outcome::NotIncluded(reason) => {
					metrics.proofs.with_label_values(&["not_included"]).inc();
					log::warn!(target: LOG, "claim {claim_id}: proofs not included: {reason}");
					true
				},
			});
		}
		if !settled.is_empty() {
			if let Ok(mut state) = self.state.lock() {
				for claim_id in &settled {
					state.claims.remove(claim_id);
				}
			}
			Self::save_state(&self.state, &self.state_file);
		}
	}

	/// Checks, on a blocking thread, every segment this transcoder must vote on, and votes
	/// what it found.
	fn verify(&mut self, hash: H256, number: BlockNumber) {
		let duties = match self.chain.duties(hash, &self.me) {
			Ok(duties) => duties,
			Err(error) => {
				log::warn!(target: LOG, "cannot read my verification duties: {error}");
				return;
			},
		};
		for duty in duties {
			let what = Pending::Verdict(duty.claim_id, duty.seq);
			if self.is_pending(what) {
				continue;
			}
			let Some(check) = self.duty_to_check(hash, &duty) else { continue };
			self.set_pending(what, number);
			let verifier = self.verifier.clone();
			let slot = self.check_slot.clone();
			let submitter = self.submitter.clone();
			let pending = self.pending.clone();
			let metrics = self.metrics.clone();
			let (chain, me) = (self.chain.clone(), self.me.clone());
			let (claim_id, seq) = (duty.claim_id, duty.seq);
			self.spawner.spawn("olc-transcoder-verify", Some("olc-transcoder"), async move {
				let permit = slot.acquire().await;
				log::info!(target: LOG, "claim {claim_id} segment {seq}: checking as a verifier");
				let task = tokio::task::spawn_blocking(move || verifier.check(&check));
				let (ok, reason) = match tokio::time::timeout(CHECK_TIMEOUT, task).await {
					Ok(Ok(result)) => {
						metrics.checks.inc();
						metrics.check_cpu_seconds.inc_by(result.cpu.as_secs_f64());
						log::info!(
							target: LOG,
							"claim {claim_id} segment {seq}: checked in {} ms (cpu {} ms): {}",
							result.wall.as_millis(),
							result.cpu.as_millis(),
							result.reason
						);
						(result.ok, result.reason)
					},
					Ok(Err(_)) => (false, "the check panicked".to_string()),
					Err(_) => {
						(false, format!("the check took longer than {} s", CHECK_TIMEOUT.as_secs()))
					},
				};
				// The next check may start while this vote is being included.
				drop(permit);
				if !ok {
					metrics.checks_failed.inc();
				}
				// The committee may have decided meanwhile (the other members' votes).
				let (best, _) = chain.best();
				let still_due = chain
					.duties(best, &me)
					.map(|duties| duties.iter().any(|d| d.claim_id == claim_id && d.seq == seq))
					.unwrap_or(true);
				if !still_due {
					log::info!(target: LOG, "claim {claim_id} segment {seq}: decided before my vote ({ok})");
					if let Ok(mut pending) = pending.lock() {
						pending.remove(&what);
					}
					return;
				}
				let call = RuntimeCall::Verification(pallet_verification::Call::submit_verdict {
					claim_id,
					seq,
					ok,
				});
				match tokio::time::timeout(SUBMIT_TIMEOUT, submitter.submit(call)).await {
					Ok(Outcome::Included { error: None, .. }) => {
						metrics
							.verdicts
							.with_label_values(&[if ok { "true" } else { "false" }])
							.inc();
						log::info!(target: LOG, "claim {claim_id} segment {seq}: voted {ok} ({reason})");
					},
					Ok(Outcome::Included { error: Some(error), .. }) => {
						log::warn!(target: LOG, "claim {claim_id} segment {seq}: vote failed: {error}")
					},
					Ok(Outcome::NotIncluded(why)) => {
						log::warn!(target: LOG, "claim {claim_id} segment {seq}: vote not included: {why}")
					},
					Err(_) => {
						submitter.reset_nonce();
						log::warn!(target: LOG, "claim {claim_id} segment {seq}: vote not included within 60 s");
					},
				}
				if let Ok(mut pending) = pending.lock() {
					pending.remove(&what);
				}
			});
		}
	}

	/// What to fetch and check for `duty`: the claim's stream and profiles, the claimant's URI.
	fn duty_to_check(&self, hash: H256, duty: &VerifierDuty<BlockNumber>) -> Option<Duty> {
		let claim = self.chain.claim(hash, duty.claim_id).ok().flatten()?;
		let job = self.chain.job(hash, claim.job_id).ok().flatten()?;
		let registered = self
			.chain
			.transcoder(hash, &claim.transcoder)
			.ok()
			.flatten()
			.map(|view| view.service_uri.to_vec())
			.filter(|uri| !uri.is_empty());
		// A claimant that was deactivated since keeps serving at the URI the job had.
		let uri = registered.or_else(|| {
			job.assignment
				.as_ref()
				.filter(|a| a.transcoder == claim.transcoder)
				.map(|a| a.service_uri.to_vec())
		});
		// What the committee samples comes from the claim's challenge seed (the hash of the block
		// after the claim, as pallet-verification draws the challenges): the same for every
		// member, unknown to the claimant when it claimed.
		let next = self.chain.block_hash(claim.claimed_at.saturating_add(1))?;
		let sample_seed = olc_primitives::blake2_256(
			&(b"olc-check-sample", next, duty.claim_id, duty.seq).encode(),
		);
		Some(Duty {
			sample_seed,
			service_uri: String::from_utf8_lossy(&uri.unwrap_or_default()).into_owned(),
			stream_id: job.stream_id,
			seq: duty.seq,
			input_hash: duty.input_hash,
			output_hashes: duty.output_hashes.clone(),
			profiles: job.profiles.to_vec(),
		})
	}

	/// Reports the watched claims whose proof deadline passed with challenges unproven (the
	/// claimant's own, never: it is not among the watched unless it failed to prove itself).
	fn report_missed(&mut self, hash: H256, number: BlockNumber) {
		let due: Vec<ClaimId> = self
			.watched
			.iter()
			.filter(|(_, deadline)| number > **deadline)
			.map(|(claim_id, _)| *claim_id)
			.collect();
		for claim_id in due {
			if self.is_pending(Pending::ReportMissed(claim_id)) {
				continue;
			}
			let awaiting = matches!(
				self.chain.claim_check(hash, claim_id),
				Ok(Some(check)) if check.status == CheckStatus::AwaitingProofs
			);
			let mine = matches!(self.chain.claim(hash, claim_id), Ok(Some(claim)) if claim.transcoder == self.me);
			if !awaiting || mine {
				// Proven, reported by someone else or by the pallet itself, or settled.
				self.watched.remove(&claim_id);
				continue;
			}
			let call =
				RuntimeCall::Verification(pallet_verification::Call::report_missed { claim_id });
			let metrics = self.metrics.clone();
			self.submit(Pending::ReportMissed(claim_id), number, call, move |outcome| {
				match outcome {
					Outcome::Included { error: None, .. } => {
						metrics.missed_reported.inc();
						log::info!(target: LOG, "reported claim {claim_id}'s missed verification (finder fee)");
					},
					Outcome::Included { error: Some(error), .. } =>
						log::info!(target: LOG, "claim {claim_id}: missed verification not reported: {error}"),
					Outcome::NotIncluded(reason) =>
						log::warn!(target: LOG, "claim {claim_id}: report of the missed verification not included: {reason}"),
				}
				// Retried while the claim still awaits proofs (the check above).
				true
			});
		}
	}

	/// Withdraws the fees earned every `withdraw_every` blocks.
	fn withdraw(&mut self, hash: H256, number: BlockNumber) {
		if self.config.withdraw_every == 0 || self.is_pending(Pending::Withdrawal) {
			return;
		}
		let last = self.state.lock().map(|state| state.last_withdrawal).unwrap_or(0);
		if number.saturating_sub(last) < self.config.withdraw_every {
			return;
		}
		let fees = match self.chain.delegator(hash, &self.me) {
			Ok(Some(delegator)) => delegator.fees,
			_ => return,
		};
		if fees == 0 {
			return;
		}
		let call = RuntimeCall::StakingDelegation(pallet_staking_delegation::Call::withdraw_fees {
			amount: fees,
		});
		let metrics = self.metrics.clone();
		let state = self.state.clone();
		let file = self.state_file.clone();
		self.submit(Pending::Withdrawal, number, call, move |outcome| match outcome {
			Outcome::Included { error: None, .. } => {
				metrics.withdrawn_fees.inc_by(olc(fees));
				log::info!(target: LOG, "withdrew {} OLC of fees", olc(fees));
				if let Ok(mut state) = state.lock() {
					state.last_withdrawal = number;
				}
				Worker::save_state(&state, &file);
				true
			},
			Outcome::Included { error: Some(error), .. } => {
				log::warn!(target: LOG, "fee withdrawal failed: {error}");
				false
			},
			Outcome::NotIncluded(reason) => {
				log::warn!(target: LOG, "fee withdrawal not included: {reason}");
				true
			},
		});
	}
}

/// The first gap-free run of `seqs` (sorted): its start, length, and whether a later segment
/// exists after a gap (then the run is final and claimed at once).
fn first_run(seqs: &[u64]) -> Option<(u64, u64, bool)> {
	let start = *seqs.first()?;
	let mut end = start;
	for seq in seqs.iter().skip(1) {
		if *seq == end.saturating_add(1) {
			end = *seq;
		} else {
			return Some((start, end - start + 1, true));
		}
	}
	Some((start, end - start + 1, false))
}

/// The stored receipts of `start..=end`, in order; a missing one is an error.
fn load_receipts(
	dir: &std::path::Path,
	stream_id: &StreamId,
	start: u64,
	end: u64,
) -> Result<Vec<TranscodeReceipt>, String> {
	(start..=end)
		.map(|seq| {
			olc_transcoder::server::load_receipt(dir, stream_id, seq)
				.ok_or_else(|| format!("the receipt of segment {seq} is missing"))
		})
		.collect()
}

/// The (receipt, Merkle proof) of each challenged segment of a claim.
fn build_proofs(
	dir: &std::path::Path,
	record: &ClaimRecord,
	challenged: &[u64],
) -> Result<Vec<(TranscodeReceipt, merkle::MerkleProof)>, String> {
	let stream_bytes = hex::decode(record.stream_id.trim_start_matches("0x"))
		.map_err(|e| format!("bad stream id in the state file: {e}"))?;
	let stream_id = StreamId(
		stream_bytes
			.try_into()
			.map_err(|_| "bad stream id in the state file".to_string())?,
	);
	let receipts = load_receipts(dir, &stream_id, record.start_seq, record.end_seq)?;
	let root = merkle::root(&receipts).map_err(|e| format!("{e:?}"))?;
	if format!("0x{}", hex::encode(root)) != record.merkle_root {
		return Err("the stored receipts do not give the claimed root".into());
	}
	challenged
		.iter()
		.map(|seq| {
			let index = u32::try_from(seq.saturating_sub(record.start_seq))
				.map_err(|_| "claim too long".to_string())?;
			let receipt = receipts
				.get(index as usize)
				.cloned()
				.ok_or_else(|| format!("segment {seq} is outside the claim"))?;
			let proof = merkle::proof(&receipts, index).map_err(|e| format!("{e:?}"))?;
			Ok((receipt, proof))
		})
		.collect()
}

/// Where the account stands, in words, with the next call to make.
fn describe_status(
	me: &AccountId,
	transcoder: Option<&pallet_staking_delegation_runtime_api::TranscoderView<u128>>,
	delegator: Option<&pallet_staking_delegation_runtime_api::DelegatorView<AccountId, u128>>,
	listen: &str,
) -> String {
	match (transcoder, delegator) {
		(Some(t), _) if t.registered && t.active => format!(
			"transcoder {me}: active this round; stake {} OLC, price {} per segment and profile, service URI {}",
			olc(t.stake),
			t.round_terms.as_ref().map_or(0, |terms| terms.price_per_segment),
			String::from_utf8_lossy(&t.service_uri),
		),
		(Some(t), _) if t.registered => format!(
			"transcoder {me}: registered (stake {} OLC, service URI {}) but not in this round's active set: the largest stakes are chosen at each round start",
			olc(t.stake),
			String::from_utf8_lossy(&t.service_uri),
		),
		(_, Some(d)) if d.transcoder == *me => format!(
			"transcoder {me}: self-bonded {} OLC but not registered: call stakingDelegation.registerTranscoder(rewardCut, feeShare, pricePerSegment, serviceUri) with the URI where broadcasters reach this node's service (it listens on {listen})",
			olc(d.stake),
		),
		(_, Some(d)) => format!(
			"transcoder {me}: bonded to another transcoder ({}); unbond and bond at least 1,000 OLC to yourself, then registerTranscoder",
			d.transcoder,
		),
		_ => format!(
			"transcoder {me}: not bonded: call stakingDelegation.bond(amount >= 1,000 OLC, {me}), then stakingDelegation.registerTranscoder(rewardCut, feeShare, pricePerSegment, serviceUri) with the URI of this node's service (it listens on {listen})",
		),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn runs_end_at_gaps() {
		assert_eq!(first_run(&[]), None);
		assert_eq!(first_run(&[5]), Some((5, 1, false)));
		assert_eq!(first_run(&[5, 6, 7]), Some((5, 3, false)));
		assert_eq!(first_run(&[5, 6, 8, 9]), Some((5, 2, true)));
		assert_eq!(first_run(&[8, 9]), Some((8, 2, false)));
	}
}
