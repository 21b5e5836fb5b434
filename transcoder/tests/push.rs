//! The broadcaster's pusher against real services: it follows a re-election to a new
//! transcoder, feeds a ladder split over two transcoders, rides out a transcoder that is down,
//! skips permanent refusals and gives up on time. The chain is a fake lookup and fake
//! authorities.

mod common;

use codec::Encode;
use common::*;
use olc_primitives::{SignedSegmentHeader, StreamId};
use olc_transcoder::{
	push::{
		AssignmentLookup, FixedTarget, JobTarget, LookupError, PushConfig, PushEvent, Pusher,
		QueuedSegment,
	},
	server::StreamAuthority,
};
use sp_core::Pair;
use std::{
	sync::{
		atomic::{AtomicUsize, Ordering},
		Arc, Mutex,
	},
	time::{Duration, Instant},
};
use tokio::sync::mpsc;

const STREAM: StreamId = StreamId([0x77; 32]);

/// The chain's view of the stream's jobs, changed by the test.
#[derive(Clone, Default)]
struct FakeLookup {
	jobs: Arc<Mutex<Vec<JobTarget>>>,
	calls: Arc<AtomicUsize>,
}

impl FakeLookup {
	fn set(&self, jobs: Vec<(u64, Option<&str>)>) {
		*self.jobs.lock().unwrap() = jobs
			.into_iter()
			.map(|(job_id, uri)| JobTarget { job_id, service_uri: uri.map(String::from) })
			.collect();
	}
}

impl AssignmentLookup for FakeLookup {
	async fn open_jobs(&mut self) -> Result<Vec<JobTarget>, LookupError> {
		self.calls.fetch_add(1, Ordering::SeqCst);
		Ok(self.jobs.lock().unwrap().clone())
	}
}

fn fast() -> PushConfig {
	PushConfig {
		give_up: Duration::from_secs(60),
		refresh_every: Duration::from_secs(10),
		backoff_start: Duration::from_millis(50),
		backoff_cap: Duration::from_millis(400),
		request_timeout: Duration::from_secs(30),
	}
}

fn queued(seq: u64, body: &[u8], header_seq: u64) -> QueuedSegment {
	let header = SignedSegmentHeader::sign(&pair("//Alice"), STREAM, header_seq, 2000, body);
	QueuedSegment {
		seq,
		bytes: body.to_vec(),
		header_hex: hex::encode(header.encode()),
		produced: Instant::now(),
	}
}

async fn chain_service(dir: &std::path::Path, chain: &Arc<FakeChain>) -> Service {
	let mut config = service_config(dir.to_path_buf(), vec![]);
	config.authority = Some(chain.clone() as Arc<dyn StreamAuthority>);
	start_service(config).await
}

/// Starts a pusher; returns the segment queue, the event stream and the run's handle.
fn spawn_pusher<L: AssignmentLookup + 'static>(
	lookup: L,
	config: PushConfig,
) -> (
	mpsc::Sender<QueuedSegment>,
	mpsc::UnboundedReceiver<PushEvent>,
	tokio::task::JoinHandle<olc_transcoder::push::PushSummary>,
) {
	let (segments, queue) = mpsc::channel(64);
	let (events_tx, events) = mpsc::unbounded_channel();
	let pusher = Pusher::new(lookup, STREAM, config).unwrap();
	let run = tokio::spawn(pusher.run(queue, move |event| {
		let _ = events_tx.send(event);
	}));
	(segments, events, run)
}

/// Waits for an event matching `wanted`, returning every event seen up to it.
async fn wait_for(
	events: &mut mpsc::UnboundedReceiver<PushEvent>,
	wanted: impl Fn(&PushEvent) -> bool,
) -> Vec<PushEvent> {
	let mut seen = Vec::new();
	loop {
		let event = tokio::time::timeout(Duration::from_secs(60), events.recv())
			.await
			.unwrap_or_else(|_| panic!("timed out; seen {seen:?}"))
			.unwrap_or_else(|| panic!("pusher ended; seen {seen:?}"));
		let done = wanted(&event);
		seen.push(event);
		if done {
			return seen;
		}
	}
}

fn accepted(events: &[PushEvent]) -> Vec<(u64, String)> {
	events
		.iter()
		.filter_map(|e| match e {
			PushEvent::Accepted { seq, uri, .. } => Some((*seq, uri.clone())),
			_ => None,
		})
		.collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pusher_follows_a_reelection_to_a_new_transcoder() {
	let media = tempfile::tempdir().unwrap();
	let segments = segment_bytes(media.path(), 8.0);
	let alice = pair("//Alice").public();
	let ladder = vec![profile("144p", 256, 144, 120)];
	let chain_a = FakeChain::new(STREAM, alice, 7, ChainMode::Assigned, ladder.clone());
	let chain_b = FakeChain::new(STREAM, alice, 7, ChainMode::NotAssigned, ladder);
	let dir = tempfile::tempdir().unwrap();
	let a = chain_service(&dir.path().join("a"), &chain_a).await;
	let b = chain_service(&dir.path().join("b"), &chain_b).await;

	let lookup = FakeLookup::default();
	lookup.set(vec![(7, Some(&a.base))]);
	let (queue, mut events, run) = spawn_pusher(lookup.clone(), fast());
	for seq in 0..2 {
		queue.send(queued(seq, &segments[seq as usize], seq)).await.unwrap();
	}
	let mut seen = wait_for(&mut events, |e| matches!(e, PushEvent::Accepted { seq: 1, .. })).await;

	// Re-election: job 7 moves from A to B. A refuses with NotAssigned before the lookup
	// knows, so the pusher must re-read the assignment and retry at B.
	chain_a.set_mode(ChainMode::NotAssigned);
	chain_b.set_mode(ChainMode::Assigned);
	lookup.set(vec![(7, Some(&b.base))]);
	for seq in 2..4 {
		queue.send(queued(seq, &segments[seq as usize], seq)).await.unwrap();
	}
	drop(queue);
	let summary = run.await.unwrap();
	while let Ok(event) = events.try_recv() {
		seen.push(event);
	}

	assert_eq!(
		accepted(&seen),
		vec![(0, a.base.clone()), (1, a.base.clone()), (2, b.base.clone()), (3, b.base.clone())],
		"{seen:?}"
	);
	assert!(
		seen.iter().any(|e| matches!(e, PushEvent::Retrying { seq: 2, reasons, .. } if reasons.iter().any(|r| r.contains("403 NotAssigned")))),
		"{seen:?}"
	);
	assert!(seen.contains(&PushEvent::Assignments {
		jobs: vec![JobTarget { job_id: 7, service_uri: Some(b.base.clone()) }]
	}));
	assert_eq!((summary.sent, summary.accepted, summary.refused, summary.given_up), (4, 4, 0, 0));
	assert_eq!(summary.latencies.len(), 4);
	assert!(lookup.calls.load(Ordering::SeqCst) >= 2);
	assert_eq!(chain_a.transcoded_seqs(), [0, 1]);
	assert_eq!(chain_b.transcoded_seqs(), [2, 3]);
	let (_, playlist) =
		get(&b.base, &format!("/hls/{}/144p/index.m3u8", hex::encode(STREAM.0))).await;
	assert_eq!(playlist_uris(&playlist), ["2.ts", "3.ts"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ladder_split_over_two_transcoders_gets_every_segment_at_both() {
	let media = tempfile::tempdir().unwrap();
	let segments = segment_bytes(media.path(), 4.0);
	let alice = pair("//Alice").public();
	let chain_a =
		FakeChain::new(STREAM, alice, 1, ChainMode::Assigned, vec![profile("144p", 256, 144, 120)]);
	let chain_b =
		FakeChain::new(STREAM, alice, 2, ChainMode::Assigned, vec![profile("72p", 128, 72, 60)]);
	let dir = tempfile::tempdir().unwrap();
	let a = chain_service(&dir.path().join("a"), &chain_a).await;
	let b = chain_service(&dir.path().join("b"), &chain_b).await;
	let lookup = FakeLookup::default();
	lookup.set(vec![(1, Some(&a.base)), (2, Some(&b.base))]);
	let (queue, mut events, run) = spawn_pusher(lookup, fast());
	for (seq, body) in segments.iter().enumerate() {
		queue.send(queued(seq as u64, body, seq as u64)).await.unwrap();
	}
	drop(queue);
	let summary = run.await.unwrap();
	let mut seen = Vec::new();
	while let Ok(event) = events.try_recv() {
		seen.push(event);
	}
	let mut delivered = accepted(&seen);
	delivered.sort();
	// Sorted the same way: which service's URI sorts first depends on the ports it got.
	let mut expected =
		vec![(0, a.base.clone()), (0, b.base.clone()), (1, a.base.clone()), (1, b.base.clone())];
	expected.sort();
	assert_eq!(delivered, expected, "{seen:?}");
	assert_eq!((summary.sent, summary.accepted), (2, 2));
	assert_eq!(chain_a.transcoded_seqs(), [0, 1]);
	assert_eq!(chain_b.transcoded_seqs(), [0, 1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pusher_waits_out_a_down_transcoder_and_skips_permanent_refusals() {
	let media = tempfile::tempdir().unwrap();
	let segments = segment_bytes(media.path(), 4.0);
	// A port with nothing listening yet.
	let address = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
	let base = format!("http://{address}");
	let (queue, mut events, run) = spawn_pusher(FixedTarget(base.clone()), fast());
	queue.send(queued(0, &segments[0], 0)).await.unwrap();
	let seen = wait_for(&mut events, |e| matches!(e, PushEvent::Retrying { .. })).await;
	assert!(
		seen.iter().any(|e| matches!(e, PushEvent::Retrying { seq: 0, reasons, .. } if reasons.iter().any(|r| r.contains("connection failed")))),
		"{seen:?}"
	);

	// The transcoder comes up: segment 0 gets through.
	let dir = tempfile::tempdir().unwrap();
	let listener = tokio::net::TcpListener::bind(address).await.unwrap();
	let _service = serve_on(
		listener,
		service_config(dir.path().join("data"), vec![profile("144p", 256, 144, 120)]),
	);
	wait_for(&mut events, |e| matches!(e, PushEvent::Accepted { seq: 0, .. })).await;

	// A segment whose header names another seq is refused for good and skipped; the next one
	// goes through.
	queue.send(queued(1, &segments[1], 5)).await.unwrap();
	queue.send(queued(1, &segments[1], 1)).await.unwrap();
	drop(queue);
	let summary = run.await.unwrap();
	let mut rest = Vec::new();
	while let Ok(event) = events.try_recv() {
		rest.push(event);
	}
	assert!(
		rest.iter().any(|e| matches!(e, PushEvent::Refused { seq: 1, status: 400, reason, .. } if reason.starts_with("HeaderMismatch: "))),
		"{rest:?}"
	);
	assert_eq!(accepted(&rest), vec![(1, base.clone())]);
	assert_eq!((summary.sent, summary.accepted, summary.refused, summary.given_up), (3, 2, 1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_segment_nobody_takes_is_given_up_on_time() {
	let lookup = FakeLookup::default();
	lookup.set(vec![(4, None)]);
	let config = PushConfig { give_up: Duration::from_millis(600), ..fast() };
	let (queue, mut events, run) = spawn_pusher(lookup.clone(), config);
	let started = Instant::now();
	queue.send(queued(0, b"\x47segment", 0)).await.unwrap();
	drop(queue);
	let summary = run.await.unwrap();
	let elapsed = started.elapsed();
	let mut seen = Vec::new();
	while let Ok(event) = events.try_recv() {
		seen.push(event);
	}
	assert!(
		seen.contains(&PushEvent::GaveUp {
			seq: 0,
			missing: vec!["job 4 (awaiting a transcoder)".into()]
		}),
		"{seen:?}"
	);
	assert_eq!((summary.sent, summary.given_up), (1, 1));
	assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
	// A job awaiting a transcoder makes the pusher re-read the assignment on every round.
	assert!(lookup.calls.load(Ordering::SeqCst) >= 3);
}
