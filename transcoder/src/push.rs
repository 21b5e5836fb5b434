//! The broadcaster's pusher: delivers each signed segment to the transcoder of every open job of
//! its stream, following the chain's assignments.
//!
//! Where segments go comes from an [`AssignmentLookup`]: a node's `jobs_openJobsOfStream` RPC
//! ([`RpcLookup`], `broadcast --rpc`) or one fixed service ([`FixedTarget`], `broadcast
//! --push`). A stream has at most four open jobs (a ladder may be split over transcoders); each
//! segment is POSTed to the service URI of every assigned job.
//!
//! Rules, per segment:
//! - it is retried until the current transcoder of each open job accepted it, that transcoder
//!   refused it permanently (a 4xx other than those below: logged, then skipped for that job), or
//!   [`PushConfig::give_up`] (120 s) passed since the segment was produced. The deadline counts
//!   from production, not from the first attempt, so after an outage the backlog drains instead
//!   of every queued segment waiting the full time again;
//! - retries back off exponentially from [`PushConfig::backoff_start`] up to
//!   [`PushConfig::backoff_cap`] (5 s);
//! - the assignments are re-read after a connection error, a `403 NotAssigned` or a
//!   `404 UnknownStream` (a re-election moved the job), while a job awaits a transcoder, and at
//!   least every [`PushConfig::refresh_every`] (10 s). A failed lookup keeps the last known
//!   assignments;
//! - `408`, `429` and `5xx` answers (e.g. `503 ChainUnavailable`) are retried with the same
//!   transcoder;
//! - segments are pushed in order: a transcoder refuses a segment below one it already has, so a
//!   segment is finished (or given up) before the next is sent.
//!
//! The queue between the segmenter and the pusher holds [`QUEUE_SEGMENTS`] segments (over two
//! minutes of 2 s segments), so a realtime source is not stalled while a transcoder restarts.

use olc_primitives::StreamId;
use serde::Deserialize;
use std::{
	collections::HashSet,
	future::Future,
	time::{Duration, Instant},
};

/// Segments the queue between the segmenter and the pusher holds.
pub const QUEUE_SEGMENTS: usize = 64;

/// One open job of a stream, as the pusher needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobTarget {
	/// The job's id (0 for a fixed `--push` service).
	pub job_id: u64,
	/// The assigned transcoder's service URI; `None` while the job awaits a transcoder.
	pub service_uri: Option<String>,
}

/// Why a stream's jobs could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
	/// The node could not be reached or answered with an error.
	#[error("RpcUnavailable: {0}")]
	Rpc(String),
	/// The node's answer is not a list of jobs.
	#[error("BadRpcResponse: {0}")]
	BadResponse(String),
}

/// Where a stream's segments go.
pub trait AssignmentLookup: Send {
	/// The stream's open jobs and their transcoders, now.
	fn open_jobs(&mut self) -> impl Future<Output = Result<Vec<JobTarget>, LookupError>> + Send;

	/// Whether re-reading can move a job to another transcoder. If not (a fixed service), a
	/// `403 NotAssigned` or `404 UnknownStream` is final for the segment rather than retried.
	fn follows_reelection(&self) -> bool {
		true
	}
}

/// One fixed transcoder service (`broadcast --push URL`), as job 0.
#[derive(Clone, Debug)]
pub struct FixedTarget(pub String);

impl AssignmentLookup for FixedTarget {
	async fn open_jobs(&mut self) -> Result<Vec<JobTarget>, LookupError> {
		Ok(vec![JobTarget { job_id: 0, service_uri: Some(self.0.clone()) }])
	}

	fn follows_reelection(&self) -> bool {
		false
	}
}

/// The stream's open jobs from a node's `jobs_openJobsOfStream` RPC, over one WebSocket
/// connection, re-opened when it drops (e.g. the node restarted).
pub struct RpcLookup {
	url: String,
	stream_id: StreamId,
	client: Option<jsonrpsee::ws_client::WsClient>,
}

impl RpcLookup {
	/// A lookup against the node at `url` (e.g. `ws://127.0.0.1:9944`); connects on first use.
	pub fn new(url: impl Into<String>, stream_id: StreamId) -> Self {
		Self { url: url.into(), stream_id, client: None }
	}
}

impl AssignmentLookup for RpcLookup {
	async fn open_jobs(&mut self) -> Result<Vec<JobTarget>, LookupError> {
		use jsonrpsee::core::client::ClientT as _;
		let client = match self.client.take() {
			Some(client) if client.is_connected() => client,
			_ => jsonrpsee::ws_client::WsClientBuilder::default()
				.connection_timeout(Duration::from_secs(5))
				.request_timeout(Duration::from_secs(10))
				.build(&self.url)
				.await
				.map_err(|e| LookupError::Rpc(format!("cannot connect to {}: {e}", self.url)))?,
		};
		let stream = format!("0x{}", hex::encode(self.stream_id.0));
		let answer: Result<serde_json::Value, _> =
			client.request("jobs_openJobsOfStream", jsonrpsee::rpc_params![stream]).await;
		self.client = Some(client);
		parse_open_jobs(
			answer.map_err(|e| LookupError::Rpc(format!("jobs_openJobsOfStream: {e}")))?,
		)
	}
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RpcJob {
	id: u64,
	status: String,
	assignment: Option<RpcAssignment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RpcAssignment {
	service_uri: String,
}

/// The open jobs in a `jobs_openJobsOfStream` answer (ended jobs are left out).
pub fn parse_open_jobs(value: serde_json::Value) -> Result<Vec<JobTarget>, LookupError> {
	let jobs: Vec<RpcJob> =
		serde_json::from_value(value).map_err(|e| LookupError::BadResponse(e.to_string()))?;
	Ok(jobs
		.into_iter()
		.filter(|job| job.status != "ended")
		.map(|job| JobTarget {
			job_id: job.id,
			service_uri: job.assignment.map(|a| a.service_uri.trim_end_matches('/').to_string()),
		})
		.collect())
}

/// Timing of the pusher.
#[derive(Clone, Debug)]
pub struct PushConfig {
	/// A segment not delivered this long after it was produced is given up.
	pub give_up: Duration,
	/// The assignments are re-read at least this often.
	pub refresh_every: Duration,
	/// First wait before a retry; doubled after each failed round.
	pub backoff_start: Duration,
	/// Longest wait between retries.
	pub backoff_cap: Duration,
	/// Longest time one POST may take (it includes the transcode).
	pub request_timeout: Duration,
}

impl Default for PushConfig {
	/// 120 s give-up, 10 s refresh, backoff 250 ms doubling to 5 s, 30 s per POST.
	fn default() -> Self {
		Self {
			give_up: Duration::from_secs(120),
			refresh_every: Duration::from_secs(10),
			backoff_start: Duration::from_millis(250),
			backoff_cap: Duration::from_secs(5),
			request_timeout: Duration::from_secs(30),
		}
	}
}

/// A signed segment waiting to be pushed.
#[derive(Clone, Debug)]
pub struct QueuedSegment {
	/// Sequence number.
	pub seq: u64,
	/// The MPEG-TS bytes.
	pub bytes: Vec<u8>,
	/// Hex SCALE of the signed header (the `x-olc-segment-header` field).
	pub header_hex: String,
	/// When the segmenter finished it: the give-up time counts from here.
	pub produced: Instant,
}

/// What the pusher did, for progress output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushEvent {
	/// The stream's jobs changed (or were read for the first time).
	Assignments {
		/// The open jobs and their transcoders.
		jobs: Vec<JobTarget>,
	},
	/// The jobs could not be re-read; the last known ones are kept.
	LookupFailed {
		/// Why.
		error: String,
	},
	/// A transcoder accepted a segment; `latency` is the POST's duration, which is the
	/// push-to-playlist latency (the service answers once the segment is in its playlist).
	Accepted {
		/// The segment.
		seq: u64,
		/// The transcoder's service URI.
		uri: String,
		/// Duration of the accepted POST.
		latency: Duration,
	},
	/// A transcoder refused a segment permanently; it is not sent there again.
	Refused {
		/// The segment.
		seq: u64,
		/// The transcoder's service URI.
		uri: String,
		/// HTTP status (0 when the request could not even be built, e.g. a bad URI).
		status: u16,
		/// The refusal's text (a named reason first).
		reason: String,
	},
	/// A round failed; the segment is retried after `wait`.
	Retrying {
		/// The segment.
		seq: u64,
		/// What failed, per transcoder, or why nothing could be sent.
		reasons: Vec<String>,
		/// The backoff before the next round.
		wait: Duration,
	},
	/// The segment was not delivered everywhere within the give-up time.
	GaveUp {
		/// The segment.
		seq: u64,
		/// The jobs (and transcoders) that did not get it.
		missing: Vec<String>,
	},
}

/// How one segment ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentOutcome {
	/// Accepted by the transcoder of every open job.
	Accepted,
	/// Refused permanently by at least one transcoder.
	Refused,
	/// Not delivered everywhere within the give-up time.
	GaveUp,
}

/// Totals of a run.
#[derive(Clone, Debug, Default)]
pub struct PushSummary {
	/// Segments taken from the queue.
	pub sent: u64,
	/// Segments accepted by the transcoder of every open job.
	pub accepted: u64,
	/// Segments refused permanently by at least one transcoder.
	pub refused: u64,
	/// Segments given up.
	pub given_up: u64,
	/// Duration of every accepted POST.
	pub latencies: Vec<Duration>,
}

impl PushSummary {
	/// The `p`-th percentile (0–100, nearest rank) of the accepted POSTs' durations.
	pub fn latency_percentile(&self, p: f64) -> Option<Duration> {
		let mut sorted = self.latencies.clone();
		sorted.sort_unstable();
		let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
		sorted.get(rank.saturating_sub(1).min(sorted.len().saturating_sub(1))).copied()
	}
}

/// Why the pusher could not start.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
	/// The HTTP client could not be built.
	#[error("cannot build the HTTP client: {0}")]
	Client(String),
}

/// What one POST came to.
enum Attempt {
	Accepted(Duration),
	/// Permanent: do not send this segment to this transcoder again.
	Refused(u16, String),
	/// Transient; `reread` when the assignment may have moved.
	Failed {
		reason: String,
		reread: bool,
	},
}

/// Pushes a stream's segments to its transcoders (see the module docs).
pub struct Pusher<L> {
	lookup: L,
	config: PushConfig,
	stream_hex: String,
	client: reqwest::Client,
	jobs: Vec<JobTarget>,
	last_lookup: Option<Instant>,
	reread: bool,
}

impl<L: AssignmentLookup> Pusher<L> {
	/// A pusher for `stream_id`'s segments.
	pub fn new(lookup: L, stream_id: StreamId, config: PushConfig) -> Result<Self, PushError> {
		let client = reqwest::Client::builder()
			.connect_timeout(Duration::from_secs(5))
			.timeout(config.request_timeout)
			.build()
			.map_err(|e| PushError::Client(e.to_string()))?;
		Ok(Self {
			lookup,
			config,
			stream_hex: hex::encode(stream_id.0),
			client,
			jobs: Vec::new(),
			last_lookup: None,
			reread: true,
		})
	}

	/// Pushes every segment from `segments`, in order, until the queue is closed and empty.
	pub async fn run(
		mut self,
		mut segments: tokio::sync::mpsc::Receiver<QueuedSegment>,
		mut on_event: impl FnMut(PushEvent) + Send,
	) -> PushSummary {
		let mut summary = PushSummary::default();
		while let Some(segment) = segments.recv().await {
			summary.sent = summary.sent.saturating_add(1);
			let outcome = self
				.push_segment(&segment, &mut |event: PushEvent| {
					if let PushEvent::Accepted { latency, .. } = &event {
						summary.latencies.push(*latency);
					}
					on_event(event)
				})
				.await;
			let counter = match outcome {
				SegmentOutcome::Accepted => &mut summary.accepted,
				SegmentOutcome::Refused => &mut summary.refused,
				SegmentOutcome::GaveUp => &mut summary.given_up,
			};
			*counter = counter.saturating_add(1);
		}
		summary
	}

	/// Delivers one segment to the current transcoder of every open job (see the module docs).
	pub async fn push_segment(
		&mut self,
		segment: &QueuedSegment,
		on_event: &mut (dyn FnMut(PushEvent) + Send),
	) -> SegmentOutcome {
		// Only an absurd give-up time overflows; then give up at once rather than never.
		let deadline =
			segment.produced.checked_add(self.config.give_up).unwrap_or(segment.produced);
		// (job, transcoder) pairs that accepted or permanently refused this segment.
		let mut done: HashSet<(u64, String)> = HashSet::new();
		let mut refused = false;
		let mut backoff = self.config.backoff_start;
		loop {
			self.refresh_if_due(on_event).await;
			let pending: Vec<&JobTarget> = self
				.jobs
				.iter()
				.filter(|job| match &job.service_uri {
					Some(uri) => !done.contains(&(job.job_id, uri.clone())),
					None => true,
				})
				.collect();
			if !self.jobs.is_empty() && pending.is_empty() {
				return if refused { SegmentOutcome::Refused } else { SegmentOutcome::Accepted };
			}
			if Instant::now() >= deadline {
				let missing = if pending.is_empty() {
					vec!["no open job for the stream".to_string()]
				} else {
					pending.iter().map(|job| describe(job)).collect()
				};
				on_event(PushEvent::GaveUp { seq: segment.seq, missing });
				return SegmentOutcome::GaveUp;
			}

			let mut attempts = tokio::task::JoinSet::new();
			for job in &pending {
				if let Some(uri) = &job.service_uri {
					let request = self.request(uri, segment);
					let (job_id, uri) = (job.job_id, uri.clone());
					let follows = self.lookup.follows_reelection();
					attempts.spawn(async move { (job_id, uri, attempt(request, follows).await) });
				}
			}
			let mut reasons: Vec<String> = pending
				.iter()
				.filter(|job| job.service_uri.is_none())
				.map(|job| format!("job {} awaits a transcoder", job.job_id))
				.collect();
			if self.jobs.is_empty() {
				reasons.push("no open job for the stream".into());
			}
			// A job without a transcoder needs the assignment re-read.
			self.reread |= !reasons.is_empty();
			while let Some(joined) = attempts.join_next().await {
				let Ok((job_id, uri, result)) = joined else {
					reasons.push("a push task failed".into());
					continue;
				};
				match result {
					Attempt::Accepted(latency) => {
						on_event(PushEvent::Accepted {
							seq: segment.seq,
							uri: uri.clone(),
							latency,
						});
						done.insert((job_id, uri));
					},
					Attempt::Refused(status, reason) => {
						on_event(PushEvent::Refused {
							seq: segment.seq,
							uri: uri.clone(),
							status,
							reason,
						});
						refused = true;
						done.insert((job_id, uri));
					},
					Attempt::Failed { reason, reread } => {
						self.reread |= reread;
						reasons.push(format!("{uri}: {reason}"));
					},
				}
			}
			if reasons.is_empty() {
				// Every transcoder answered for good; the next round sees it finished.
				continue;
			}
			let wait = backoff.min(deadline.saturating_duration_since(Instant::now()));
			on_event(PushEvent::Retrying { seq: segment.seq, reasons, wait });
			tokio::time::sleep(wait).await;
			backoff = backoff.saturating_mul(2).min(self.config.backoff_cap);
		}
	}

	fn request(&self, uri: &str, segment: &QueuedSegment) -> reqwest::RequestBuilder {
		let url =
			format!("{}/live/0x{}/{}.ts", uri.trim_end_matches('/'), self.stream_hex, segment.seq);
		self.client
			.post(url)
			.header(crate::server::SEGMENT_HEADER_FIELD, segment.header_hex.as_str())
			.body(segment.bytes.clone())
	}

	/// Re-reads the jobs when asked to or when the last read is older than `refresh_every`.
	async fn refresh_if_due(&mut self, on_event: &mut (dyn FnMut(PushEvent) + Send)) {
		let due = self.reread
			|| self.last_lookup.is_none_or(|at| at.elapsed() >= self.config.refresh_every);
		if !due {
			return;
		}
		self.last_lookup = Some(Instant::now());
		self.reread = false;
		match self.lookup.open_jobs().await {
			Ok(jobs) => {
				if jobs != self.jobs {
					tracing::debug!(?jobs, "stream jobs changed");
					self.jobs = jobs;
					on_event(PushEvent::Assignments { jobs: self.jobs.clone() });
				}
			},
			Err(error) => on_event(PushEvent::LookupFailed { error: error.to_string() }),
		}
	}
}

fn describe(job: &JobTarget) -> String {
	match &job.service_uri {
		Some(uri) => format!("job {} at {uri}", job.job_id),
		None => format!("job {} (awaiting a transcoder)", job.job_id),
	}
}

/// Sends one POST and classifies the answer; `follows` as [`AssignmentLookup::follows_reelection`].
async fn attempt(request: reqwest::RequestBuilder, follows: bool) -> Attempt {
	let started = Instant::now();
	let response = match request.send().await {
		Ok(response) => response,
		// A URI that cannot even make a request will not work later either.
		Err(error) if error.is_builder() => {
			return Attempt::Refused(0, format!("bad service URI: {error}"))
		},
		Err(error) => {
			let reason = if error.is_timeout() { "timed out" } else { "connection failed" };
			return Attempt::Failed { reason: format!("{reason}: {error}"), reread: true };
		},
	};
	let status = response.status();
	if status.is_success() {
		// The receipt; reading it completes the exchange the latency measures.
		let _ = response.bytes().await;
		return Attempt::Accepted(started.elapsed());
	}
	let text = response.text().await.unwrap_or_default();
	let text = text.trim().to_string();
	let reason = text.split(':').next().unwrap_or_default();
	let code = status.as_u16();
	match code {
		403 if follows && reason == "NotAssigned" => {
			Attempt::Failed { reason: format!("{code} {text}"), reread: true }
		},
		404 if follows && reason == "UnknownStream" => {
			Attempt::Failed { reason: format!("{code} {text}"), reread: true }
		},
		408 | 429 | 500..=599 => {
			Attempt::Failed { reason: format!("{code} {text}"), reread: false }
		},
		_ => Attempt::Refused(code, text),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn open_jobs_are_parsed_from_the_rpc_answer() {
		let answer = serde_json::json!([
			{"id": 3, "streamId": "0x00", "status": "assigned", "profiles": [{"name": "480p", "width": 854,
				"height": 480, "bitrateKbps": 1600, "fps": 30}], "assignment": {"transcoder": "5Gr",
				"pricePerSegment": "1000000", "serviceUri": "http://127.0.0.1:8935/", "assignedAt": 12}},
			{"id": 4, "status": "awaitingTranscoder", "assignment": null},
			{"id": 5, "status": "ended", "assignment": null}
		]);
		assert_eq!(
			parse_open_jobs(answer).unwrap(),
			vec![
				JobTarget { job_id: 3, service_uri: Some("http://127.0.0.1:8935".into()) },
				JobTarget { job_id: 4, service_uri: None },
			]
		);
		assert!(matches!(
			parse_open_jobs(serde_json::json!({"id": 1})),
			Err(LookupError::BadResponse(_))
		));
		assert_eq!(parse_open_jobs(serde_json::json!([])).unwrap(), vec![]);
	}

	#[test]
	fn latency_percentiles() {
		let summary = PushSummary {
			latencies: (1..=100).map(Duration::from_millis).collect(),
			..PushSummary::default()
		};
		assert_eq!(summary.latency_percentile(50.0), Some(Duration::from_millis(50)));
		assert_eq!(summary.latency_percentile(95.0), Some(Duration::from_millis(95)));
		assert_eq!(summary.latency_percentile(100.0), Some(Duration::from_millis(100)));
		assert_eq!(PushSummary::default().latency_percentile(50.0), None);
	}
}
