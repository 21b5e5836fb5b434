//! `olc-transcoder broadcast`: the broadcaster, cutting, signing and pushing segments.

use super::{default_stream_id, parse_stream_id, KeyArgs, DEFAULT_SEED};
use anyhow::{bail, Context as _};
use clap::Args;
use codec::Encode as _;
use olc_primitives::{SignedSegmentHeader, StreamId};
use olc_transcoder::{
	push::{
		self, FixedTarget, PushConfig, PushEvent, PushSummary, Pusher, QueuedSegment, RpcLookup,
	},
	segmenter::{self, SegmenterConfig, Source},
};
use sp_core::Pair as _;
use std::{path::PathBuf, process::ExitCode};

/// Cut a source into signed 2 s MPEG-TS segments; push them to the transcoders the chain
/// assigned to the stream (--rpc) or to one transcoder (--push), and/or write them to a
/// directory (--out-dir). Progress goes to the log: one line per segment cut, accepted, refused
/// or retried, and a summary with the push latencies.
#[derive(Args)]
pub struct BroadcastCmd {
	/// A file, `testsrc[:WxH@FPS]`, or `rtmp://127.0.0.1:1935/live/KEY` to listen for OBS.
	#[arg(long)]
	input: String,
	/// The stream's segment key, which signs every segment header.
	#[command(flatten)]
	key: KeyArgs,
	/// Stream id (64 hex digits): the stream created on chain (required with --rpc); default
	/// derived from the broadcaster key.
	#[arg(long)]
	stream_id: Option<String>,
	/// Write `{seq}.ts` and `{seq}.header` (hex SCALE signed header) here.
	#[arg(long)]
	out_dir: Option<PathBuf>,
	/// A node's WebSocket RPC, e.g. ws://127.0.0.1:9944: segments go to the transcoder of every
	/// open job of the stream (`jobs_openJobsOfStream`), following re-elections.
	#[arg(long, requires = "stream_id", conflicts_with = "push")]
	rpc: Option<String>,
	/// One transcoder's base URL to POST segments to, without a chain, e.g.
	/// http://127.0.0.1:8935.
	#[arg(long)]
	push: Option<String>,
	/// Replay a file as a live stream, forever, in real time.
	#[arg(long = "loop")]
	loop_input: bool,
	/// Pace output in real time (implied by --loop and testsrc without --segments).
	#[arg(long)]
	realtime: bool,
	/// Stop after this many segments.
	#[arg(long)]
	segments: Option<u64>,
	/// Segment duration in seconds (each segment starts with a keyframe).
	#[arg(long, default_value_t = 2)]
	segment_seconds: u32,
	/// Video bitrate in kbit/s when the source is re-encoded (test patterns, sources without
	/// regular keyframes).
	#[arg(long, default_value_t = 4000)]
	bitrate_kbps: u32,
	/// x264 preset when the source is re-encoded.
	#[arg(long, default_value = "veryfast")]
	preset: String,
}

/// Where `broadcast` pushes segments.
enum PushTarget {
	/// The transcoders of the stream's open jobs, from a node's RPC.
	Rpc(String),
	/// One fixed transcoder service.
	Fixed(String),
}

impl BroadcastCmd {
	pub fn run(self) -> anyhow::Result<ExitCode> {
		let source = Source::parse(&self.input).map_err(anyhow::Error::msg)?;
		let pair = self.key.load()?;
		let stream_id = match &self.stream_id {
			Some(text) => parse_stream_id(text)?,
			None => default_stream_id(&pair.public()),
		};
		if self.out_dir.is_none() && self.push.is_none() && self.rpc.is_none() {
			bail!("nothing to do: give --rpc or --push, and/or --out-dir");
		}
		if self.rpc.is_some() && self.key.is_dev_default() {
			tracing::warn!(
				"signing with the public dev seed {DEFAULT_SEED}; the stream's segment key \
				 (--key-file) is needed outside a dev chain"
			);
		}
		let target = match (self.rpc, self.push) {
			(Some(url), _) => Some(PushTarget::Rpc(url)),
			(None, Some(url)) => Some(PushTarget::Fixed(url)),
			(None, None) => None,
		};
		let realtime = self.realtime
			|| self.loop_input
			|| (matches!(source, Source::TestPattern { .. }) && self.segments.is_none());
		let config = SegmenterConfig {
			segment_seconds: self.segment_seconds,
			video_bitrate_kbps: self.bitrate_kbps,
			x264_preset: self.preset,
			max_segments: self.segments,
			realtime,
			loop_input: self.loop_input,
			work_dir: std::env::temp_dir().join(format!("olc-broadcast-{}", std::process::id())),
		};
		broadcast(source, pair, stream_id, self.out_dir, target, config)
	}
}

fn broadcast(
	source: Source,
	pair: sp_core::sr25519::Pair,
	stream_id: StreamId,
	out_dir: Option<PathBuf>,
	target: Option<PushTarget>,
	config: SegmenterConfig,
) -> anyhow::Result<ExitCode> {
	if let Some(dir) = &out_dir {
		std::fs::create_dir_all(dir)?;
	}
	tracing::info!("stream id 0x{}", hex::encode(stream_id.0));
	// Pushing runs on its own runtime so a slow or restarting transcoder does not stall
	// encoding; the queue drops nothing and applies back-pressure only when it is full.
	let runtime = tokio::runtime::Builder::new_multi_thread()
		.worker_threads(2)
		.enable_all()
		.build()?;
	let (sender, receiver) = tokio::sync::mpsc::channel::<QueuedSegment>(push::QUEUE_SEGMENTS);
	let pusher = match target {
		Some(PushTarget::Rpc(url)) => {
			tracing::info!("following the stream's jobs through {url}");
			let pusher =
				Pusher::new(RpcLookup::new(url, stream_id), stream_id, PushConfig::default())?;
			Some(runtime.spawn(pusher.run(receiver, |event| log_push_event(event, true))))
		},
		Some(PushTarget::Fixed(url)) => {
			let pusher = Pusher::new(FixedTarget(url), stream_id, PushConfig::default())?;
			Some(runtime.spawn(pusher.run(receiver, |event| log_push_event(event, false))))
		},
		None => None,
	};
	let pushing = pusher.is_some();
	let mut sink = |segment: segmenter::CutSegment| -> Result<(), String> {
		let signed = SignedSegmentHeader::sign(
			&pair,
			stream_id,
			segment.seq,
			segment.duration_ms,
			&segment.bytes,
		);
		let header_hex = hex::encode(signed.encode());
		if let Some(dir) = &out_dir {
			std::fs::write(dir.join(format!("{}.ts", segment.seq)), &segment.bytes)
				.map_err(|e| e.to_string())?;
			std::fs::write(dir.join(format!("{}.header", segment.seq)), &header_hex)
				.map_err(|e| e.to_string())?;
		}
		tracing::info!(
			"segment {}: {} bytes, {} ms",
			segment.seq,
			segment.bytes.len(),
			segment.duration_ms
		);
		if pushing {
			let queued = QueuedSegment {
				seq: segment.seq,
				bytes: segment.bytes,
				header_hex,
				produced: std::time::Instant::now(),
			};
			sender.blocking_send(queued).map_err(|_| "the pusher stopped".to_string())?;
		}
		Ok(())
	};
	let result = segmenter::run(&source, &config, &mut sink);
	// Closing the queue ends the pusher once it has delivered (or given up) everything.
	drop(sender);
	let summary = pusher.map(|pusher| runtime.block_on(pusher)).transpose();
	let _ = std::fs::remove_dir_all(&config.work_dir);
	let summary = summary.context("the pusher failed")?;
	let cut = result?;
	let mode = match cut.mode {
		segmenter::CutMode::Copy => "copied at the source's keyframes",
		segmenter::CutMode::Reencode => "re-encoded",
	};
	tracing::info!("{} segments, {mode}", cut.segments);
	if let Some(summary) = summary {
		log_push_summary(&summary);
	}
	Ok(ExitCode::SUCCESS)
}

/// One log line per pusher event (tests and the worker benchmark read the `accepted by ... in
/// N ms` lines).
fn log_push_event(event: PushEvent, chain: bool) {
	match event {
		PushEvent::Assignments { jobs } if chain => {
			if jobs.is_empty() {
				tracing::info!("the stream has no open job; waiting for one");
			}
			for job in jobs {
				match job.service_uri {
					Some(uri) => tracing::info!("job {}: transcoder at {uri}", job.job_id),
					None => tracing::info!("job {}: awaiting a transcoder", job.job_id),
				}
			}
		},
		PushEvent::Assignments { .. } => {},
		PushEvent::LookupFailed { error } => {
			tracing::warn!("cannot read the stream's jobs: {error}")
		},
		PushEvent::Accepted { seq, uri, latency } => {
			tracing::info!("segment {seq}: accepted by {uri} in {} ms", latency.as_millis());
		},
		PushEvent::Refused { seq, uri, status, reason } => {
			tracing::warn!("segment {seq}: refused by {uri} ({status}): {reason}; skipped there");
		},
		PushEvent::Retrying { seq, reasons, wait } => {
			tracing::info!(
				"segment {seq}: {}; retrying in {} ms",
				reasons.join("; "),
				wait.as_millis()
			);
		},
		PushEvent::GaveUp { seq, missing } => {
			tracing::warn!("segment {seq}: given up, not delivered to {}", missing.join(", "));
		},
	}
}

fn log_push_summary(summary: &PushSummary) {
	let millis = |p: f64| {
		summary
			.latency_percentile(p)
			.map_or_else(|| "-".to_string(), |d| format!("{} ms", d.as_millis()))
	};
	tracing::info!(
		"pushed: {} segments sent, {} accepted, {} refused, {} given up; push latency p50 {}, p95 {}",
		summary.sent,
		summary.accepted,
		summary.refused,
		summary.given_up,
		millis(50.0),
		millis(95.0)
	);
}
