//! The transcoder's HTTP service.
//!
//! # Endpoints
//!
//! - `POST /live/{stream_id}/{seq}.ts`: a broadcaster's segment, with its signed header in the
//!   `x-olc-segment-header` field (hex of the SCALE-encoded [`SignedSegmentHeader`]). On success
//!   (200) the segment is transcoded, listed in the playlists, and the response body is the hex
//!   SCALE [`TranscodeReceipt`]: the answer comes after the segment is in the playlist, so the
//!   request's duration is the broadcaster's push-to-playlist latency.
//! - `GET /hls/{stream_id}/master.m3u8`, `GET /hls/{stream_id}/{rendition}/index.m3u8`: HLS
//!   playlists of a stream this process is serving (renditions by profile name, plus `source`).
//! - `GET /hls/{stream_id}/{rendition}/{seq}.ts`: a stored segment, read from disk.
//! - `GET /receipts/{stream_id}/{seq}`: the hex SCALE receipt of a segment, read from disk.
//! - `GET /watch`, `/studio`, `/overlay`, `/web/{file}`: the web app's pages and files, built
//!   into the binary from `web/dist/` ([`web`]).
//! - `GET /metrics`: the service's counters in the Prometheus text format
//!   ([`AppState::metrics_text`]): refusals by named reason, live streams, uploads and
//!   transcodes in progress, each with its configured limit.
//!
//! Every GET answers with permissive CORS; playlists are `application/vnd.apple.mpegurl` with
//! `Cache-Control: no-cache`, segments `video/mp2t` with `Cache-Control: public,
//! max-age=31536000, immutable` (a published segment never changes). The HLS tags are described
//! in [`crate::hls`]: `CODECS` of each variant read from its encoded stream, each variant's frame
//! rate, `EXT-X-PROGRAM-DATE-TIME` (when the segment was published here),
//! `EXT-X-DISCONTINUITY` at a gap in the sequence, and `EXT-X-ENDLIST` once the stream ended:
//! [`AppState::end_stream`], [`StreamAuthority::ended`], or no segment for
//! [`ServerConfig::stream_end_idle`] (the CLI's `--stream-idle-secs`). A new segment reopens
//! a stream ended by `end_stream` or idleness.
//!
//! # Limits
//!
//! All in [`ServerConfig`], with defaults a real-time broadcaster never meets: live streams
//! (`max_streams`, 64; when full, streams idle for [`IDLE_BEFORE_MAKING_ROOM`] are forgotten to
//! make room), uploads at once (`max_concurrent_uploads`, 32, a semaphore taken before
//! the body is read and held until the answer), body size (`max_segment_bytes`, 16 MiB: a
//! Content-Length above it is refused before the body is read, and a body without one is cut
//! off as soon as the bytes received pass it), a read
//! timeout per piece of body (`upload_read_timeout`, 10 s) and for the whole body
//! (`body_timeout`, 60 s), the wait of a received segment for a transcode slot
//! (`transcode_wait_timeout`, 30 s), a request's head (`header_read_timeout`, 10 s: then the
//! connection is closed), a stream's rate (`max_segments_per_duration`, 2 per segment duration
//! averaged over `stream_rate_window`, 20 s: a catch-up burst of 20 two-second segments passes),
//! and per segment ([`SegmentLimits`]): picture within 1920×1080 (or 1080×1920: portrait), at most 600 frames, and a
//! media duration within 10 % plus one frame of the signed `duration_ms`. Segments are opened
//! with the `mpegts` demuxer forced (never probed) and the H.264 decoder only (AAC audio is
//! copied), and every stream's codec is checked before a frame is decoded
//! ([`crate::ingest_check`]); the frame count and duration are checked right after demuxing,
//! before anything is decoded, so a lying segment costs little. Both CLIs set these limits
//! (`olc-transcoder serve --max-*`, `olc-node --transcoder-max-*`). [`AppState::refusal_counts`] counts refusals by name.
//!
//! # Order of the ingest checks
//!
//! Everything about the header is checked before the body is read, so nobody can make the
//! service buffer a large body for a segment it will refuse: the header field decodes, names the
//! stream and seq of the URL, and is validly signed; the broadcaster is allowed; with a chain
//! ([`StreamAuthority`]) the stream exists, one of its open jobs is assigned to this transcoder
//! and the header is signed by the stream owner. Then the stream count, the stream's rate and
//! the upload slots are checked, the body is read with the size limit and timeouts and must hash
//! to the signed hash and look like MPEG-TS. Under the stream's work lock come the
//! stored-receipt check (idempotent retries), the sequence window, and the transcode into the
//! job's profiles.
//!
//! A refusal is a 4xx/5xx with a plain-text body that starts with a named reason, then `: ` and
//! details (e.g. `NotAssigned: no open job of this stream is assigned to this transcoder`):
//!
//! | status | reason | meaning |
//! |---|---|---|
//! | 400 | `BadStreamId` | the stream id in the URL is not 64 hex digits |
//! | 404 | `BadPath` | the file name is not `{seq}.ts` |
//! | 400 | `MissingHeader` | no `x-olc-segment-header` field |
//! | 400 | `MalformedHeader` | the field is not hex of a SCALE `SignedSegmentHeader` |
//! | 400 | `HeaderMismatch` | the header is for another stream or seq than the URL |
//! | 401 | `BadSignature` | the broadcaster's signature over the header does not verify |
//! | 403 | `BroadcasterNotAllowed` | the key is not on the `--broadcaster` allow list |
//! | 404 | `UnknownStream` | (chain) no stream with this id on chain |
//! | 403 | `NotAssigned` | (chain) no open job of the stream is assigned to this transcoder |
//! | 403 | `WrongBroadcasterKey` | signed by another key than the stream's segment key (recorded on chain by `jobs.createStream`) or the key the stream is bound to (no chain) |
//! | 503 | `ChainUnavailable` | (chain) the chain could not be read |
//! | 422 | `BadJobProfiles` | (chain) the job's profiles cannot be served (bad names, too many) |
//! | 413 | `SegmentTooLarge` | the Content-Length or the bytes received exceed `max_segment_bytes` |
//! | 503 | `MaxStreams` | `max_streams` streams are live here; another cannot start |
//! | 429 | `StreamRateExceeded` | the stream sends faster than `max_segments_per_duration` |
//! | 503 | `TooManyUploads` | `max_concurrent_uploads` bodies are being received or transcoded |
//! | 408 | `UploadTimeout` | no piece of the body for `upload_read_timeout` |
//! | 408 | `BodyTimeout` | the body did not arrive within `body_timeout` |
//! | 503 | `TranscoderBusy` | no transcode slot came free within `transcode_wait_timeout` |
//! | 400 | `BodyReadFailed` | the body could not be read (connection broke) |
//! | 400 | `EmptySegment` | the body is empty |
//! | 400 | `SegmentHashMismatch` | the body is not the segment the header was signed for |
//! | 415 | `UnsupportedContainer` | the body has no MPEG-TS framing, or the `mpegts` demuxer refuses it |
//! | 415 | `UnsupportedCodec` | a video stream is not H.264 or an audio stream is not AAC |
//! | 422 | `ResolutionTooLarge` | the picture exceeds `segment_limits` (1920×1080 by default) |
//! | 422 | `TooManyFrames` | more video frames than `segment_limits.max_frames` |
//! | 422 | `DurationMismatch` | the media's duration is not the signed `duration_ms` (± 10 % + one frame) |
//! | 409 | `AlreadyTranscoded` | this seq was already transcoded from a different header |
//! | 409 | `StaleSequence` | the seq is at or below the highest received (and not stored) |
//! | 409 | `TooFarAhead` | the seq is more than `max_seq_ahead` past the highest received |
//! | 422 | `Untranscodable` | the media cannot be transcoded (the reason follows) |
//! | 503 | `ShuttingDown` | the service is stopping |
//! | 500 | `Internal` | a storage or encoder failure on our side |
//!
//! GETs answer 404 with `UnknownStream` (playlists of a stream not live in this process),
//! `UnknownRendition`, `NoSuchSegment` or `NoSuchReceipt`.
//!
//! # The chain
//!
//! Without an authority (`olc-transcoder serve`) any broadcaster may publish: a stream is bound
//! to the first key that publishes to it (restored from the newest stored receipt after a
//! restart), and every stream gets the configured ladder. With an authority (`olc-node
//! --transcoder`), each segment's terms come from [`StreamAuthority::terms`], called on a
//! blocking thread since it executes runtime code: the segment must be signed by the stream
//! owner and is transcoded into the job's profiles, in the job's order (receipts hash the outputs
//! in that order). A stream's encoder sessions are rebuilt when its job's profiles change.
//!
//! # Restart safety
//!
//! Inputs, outputs and receipts live under `data_dir/streams/<hex id>/` (`source/`, one
//! directory per rendition, `receipts/`); receipts are written last and atomically, so a stored
//! receipt means its outputs are complete. After a restart the in-memory stream table is empty,
//! yet a retried POST whose receipt is stored for the same header gets the stored receipt
//! (another header for that seq gets `AlreadyTranscoded`), and stored segments and receipts are
//! still served, for whatever renditions exist on disk. Playlists start empty and fill with new
//! segments. [`stored_receipt_seqs`] and [`load_receipt`] give the node's claim logic the stored
//! receipts.
//!
//! # Locking: viewers never wait on a transcode
//!
//! Each stream has three separately locked parts: its encoder sessions (taken only by the ingest
//! path, on a blocking thread, for the whole transcode), its playlist view (window and variants,
//! under a read-write lock held only to push an entry or render a playlist), and its chain-less
//! key binding (set once). Playlist requests therefore never wait for a transcode. At most
//! `max_concurrent_transcodes` segments are transcoded at once.
//!
//! Inputs, outputs and receipts are deleted after the retention time; streams without new
//! segments for that long are forgotten.

mod ingest;
mod store;
pub mod web;

pub use store::{load_receipt, remove_expired, stored_receipt_seqs};

use crate::{
	hls::{self, SlidingWindow, Variant},
	ladder::{LadderConfig, SegmentLimits, StreamTranscoder},
};
use axum::{
	extract::{Path as UrlPath, State},
	http::{header, StatusCode},
	response::{IntoResponse, Response},
	routing::{get, post},
	Router,
};
use olc_primitives::{Profile, SignedSegmentHeader, StreamId, TranscodeReceipt};
use parking_lot::{Mutex, RwLock};
use sp_core::{sr25519, Pair};
use std::{
	collections::{BTreeMap, HashMap, VecDeque},
	path::PathBuf,
	sync::{Arc, OnceLock},
	time::{Duration, Instant},
};
use tower_http::cors::{Any, CorsLayer};

/// Name of the HTTP header field carrying the signed segment header.
pub const SEGMENT_HEADER_FIELD: &str = "x-olc-segment-header";
/// Name of the source rendition in HLS paths.
pub const SOURCE_RENDITION: &str = "source";
/// Default longest time a segment body may take to arrive once its header is accepted
/// ([`ServerConfig::body_timeout`]).
pub const BODY_TIMEOUT: Duration = Duration::from_secs(60);

/// Default longest time a request's head may take ([`ServerConfig::header_read_timeout`]).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Default longest wait of a received segment for a transcode slot
/// ([`ServerConfig::transcode_wait_timeout`]).
pub const TRANSCODE_WAIT_TIMEOUT: Duration = Duration::from_secs(30);

/// When `max_streams` are live, streams idle for longer than this are forgotten to make room
/// for a new one.
pub const IDLE_BEFORE_MAKING_ROOM: Duration = Duration::from_secs(120);

/// What the chain says about a stream's job on this transcoder.
#[derive(Clone, Debug)]
pub struct StreamTerms {
	/// The job this transcoder works on for the stream.
	pub job_id: u64,
	/// The job's renditions, in the job's order (receipts hash outputs in this order).
	pub profiles: Vec<Profile>,
	/// The stream's segment key (recorded on chain at its creation): segments must be signed by it.
	pub broadcaster: sr25519::Public,
}

/// Why the chain refuses a stream's segments here.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
	/// The stream does not exist on chain.
	#[error("UnknownStream: no stream with this id on chain")]
	UnknownStream,
	/// The stream exists, but none of its open jobs is assigned to this transcoder.
	#[error("NotAssigned: no open job of this stream is assigned to this transcoder")]
	NotAssigned,
	/// The chain could not be read (the reason follows).
	#[error("ChainUnavailable: {0}")]
	Unavailable(String),
}

impl AuthError {
	/// The named reason (the first word of the message).
	pub fn reason(&self) -> &'static str {
		match self {
			Self::UnknownStream => "UnknownStream",
			Self::NotAssigned => "NotAssigned",
			Self::Unavailable(_) => "ChainUnavailable",
		}
	}

	/// The HTTP status the service answers with.
	pub fn status(&self) -> StatusCode {
		match self {
			Self::UnknownStream => StatusCode::NOT_FOUND,
			Self::NotAssigned => StatusCode::FORBIDDEN,
			Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
		}
	}
}

/// The chain as the service needs it (implemented by olc-node's worker).
pub trait StreamAuthority: Send + Sync + 'static {
	/// The terms of `stream_id`'s job on this transcoder, at the best block.
	fn terms(&self, stream_id: &StreamId) -> Result<StreamTerms, AuthError>;
	/// A segment was transcoded and its receipt stored (for claims and metrics). Default: nothing.
	///
	/// Called on the blocking thread that transcoded the segment, before the response is sent;
	/// not called again when a retry is answered with the stored receipt.
	fn transcoded(
		&self,
		_terms: &StreamTerms,
		_receipt: &TranscodeReceipt,
		_transcode_time: Duration,
	) {
	}
	/// A segment was refused (for metrics). Default: nothing.
	///
	/// `reason` is the named reason the response body starts with (e.g. `NotAssigned`, see the
	/// module docs). Called on an async thread: it must not block.
	fn refused(&self, _reason: &str) {}
	/// Whether `stream_id` has ended (its media playlists then carry `EXT-X-ENDLIST`, so players
	/// stop polling). Default: never. Consulted on every media playlist request of a live
	/// stream, on an async thread: it must be cheap and must not block (cache the answer).
	fn ended(&self, _stream_id: &StreamId) -> bool {
		false
	}
}

/// Deliberate misbehaviour, for the network's defence tests only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
	/// Transcode something that is not the input (every frame's luma inverted) into valid
	/// renditions of the right size, frame rate and duration, and sign receipts whose output
	/// hashes match the served (wrong) files: only a content check catches it.
	WrongContent,
}

impl std::str::FromStr for Fault {
	type Err = String;

	/// `wrong-content`.
	fn from_str(text: &str) -> Result<Self, Self::Err> {
		match text {
			"wrong-content" => Ok(Self::WrongContent),
			other => Err(format!("unknown fault {other:?}; known: wrong-content")),
		}
	}
}

/// Service configuration.
#[derive(Clone)]
pub struct ServerConfig {
	/// Where inputs, outputs and receipts are stored.
	pub data_dir: PathBuf,
	/// The ladder every stream is transcoded into without an authority; with one, its x264
	/// settings and segment length are used with each job's profiles.
	pub ladder: LadderConfig,
	/// The transcoder's key, which signs receipts.
	pub transcoder_key: sr25519::Pair,
	/// Largest accepted segment body in bytes.
	pub max_segment_bytes: usize,
	/// How far ahead of the highest sequence number received a new segment may be.
	pub max_seq_ahead: u64,
	/// Segments listed in each media playlist.
	pub playlist_window: usize,
	/// How long inputs, outputs and receipts are kept.
	pub retention: Duration,
	/// If set, only these broadcaster keys may publish; otherwise (without an authority) a
	/// stream is bound to the first key that publishes to it.
	pub allowed_broadcasters: Option<Vec<sr25519::Public>>,
	/// Segments transcoded at the same time, over all streams; further requests wait.
	pub max_concurrent_transcodes: usize,
	/// The chain: who may publish, and into which profiles. `None`: any broadcaster, bound per
	/// stream, and the default ladder (`olc-transcoder serve`).
	pub authority: Option<Arc<dyn StreamAuthority>>,
	/// Deliberate misbehaviour for defence tests; `None` in production.
	pub fault: Option<Fault>,
	/// Streams live in this process at once; a segment of a further stream is refused with
	/// `MaxStreams` (503) until one is forgotten (idle for the retention time).
	pub max_streams: usize,
	/// Segment bodies being received or waiting for a transcode at once, over all streams; a
	/// further POST is refused with `TooManyUploads` (503) before its body is read. Bounds the
	/// memory held in bodies to this times `max_segment_bytes`.
	pub max_concurrent_uploads: usize,
	/// Longest wait for the next piece of a body; a stalled upload is refused with
	/// `UploadTimeout` (408).
	pub upload_read_timeout: Duration,
	/// Longest time a whole body may take to arrive (`BodyTimeout`, 408).
	pub body_timeout: Duration,
	/// Longest time a request's head (request line and header fields) may take to arrive;
	/// then the connection is closed ([`serve`]).
	pub header_read_timeout: Duration,
	/// Longest wait of a received segment for a transcode slot (`max_concurrent_transcodes`
	/// are busy); then it is refused with `TranscoderBusy` (503) and its upload slot freed.
	pub transcode_wait_timeout: Duration,
	/// Per-stream rate limit: at most this many segments per segment duration
	/// (`ladder.segment_seconds`) on average over `stream_rate_window`, counting every POST
	/// that passes the header checks; more is refused with `StreamRateExceeded` (429). A
	/// real-time broadcaster sends 1.
	pub max_segments_per_duration: f64,
	/// The window the stream rate is averaged over (allows a catch-up burst of
	/// `max_segments_per_duration × window / segment duration` segments).
	pub stream_rate_window: Duration,
	/// What a segment may be: picture box, frames, duration tolerance (the declared duration
	/// is each segment's signed `duration_ms`). Refusals: `ResolutionTooLarge`,
	/// `TooManyFrames`, `DurationMismatch` (422).
	pub segment_limits: SegmentLimits,
	/// End a stream (`EXT-X-ENDLIST` in its playlists) after this long without a new segment;
	/// `None`: only [`AppState::end_stream`] or [`StreamAuthority::ended`] end a stream. A new
	/// segment reopens it.
	pub stream_end_idle: Option<Duration>,
	/// Serve the web app's pages (`/watch`, `/studio`, `/overlay`, `/web/…`) from this
	/// directory (a `web/dist/`) instead of the copy embedded at compile time ([`web`]).
	pub web_dir: Option<PathBuf>,
}

impl ServerConfig {
	/// Defaults for everything but the data dir and key: default ladder, 16 MiB bodies, 30
	/// segments ahead, 6-segment playlists, one hour retention, any broadcaster, one
	/// transcode per core at a time, no chain, no fault; 64 streams, 32 uploads at once, 10 s
	/// read timeout, 60 s body timeout, 30 s wait for a transcode slot and 10 s for a request's
	/// head, 2 segments per segment duration averaged over 20 s,
	/// [`SegmentLimits::new`] (1920×1080, 600 frames, 10 %), streams ended only explicitly.
	pub fn new(data_dir: PathBuf, transcoder_key: sr25519::Pair) -> Self {
		Self {
			data_dir,
			ladder: LadderConfig::default_ladder(),
			transcoder_key,
			max_segment_bytes: 16 * 1024 * 1024,
			max_seq_ahead: 30,
			playlist_window: 6,
			retention: Duration::from_secs(3600),
			allowed_broadcasters: None,
			max_concurrent_transcodes: std::thread::available_parallelism().map_or(2, |n| n.get()),
			authority: None,
			fault: None,
			max_streams: 64,
			max_concurrent_uploads: 32,
			upload_read_timeout: Duration::from_secs(10),
			body_timeout: BODY_TIMEOUT,
			transcode_wait_timeout: TRANSCODE_WAIT_TIMEOUT,
			header_read_timeout: HEADER_READ_TIMEOUT,
			max_segments_per_duration: 2.0,
			stream_rate_window: Duration::from_secs(20),
			segment_limits: SegmentLimits::new(),
			stream_end_idle: None,
			web_dir: None,
		}
	}

	/// The ladder a stream with these profiles is transcoded with.
	fn ladder_for(&self, profiles: Vec<Profile>) -> LadderConfig {
		LadderConfig {
			profiles,
			tamper: self.ladder.tamper || matches!(self.fault, Some(Fault::WrongContent)),
			..self.ladder.clone()
		}
	}
}

/// What viewers read: held only to push an entry or render a playlist.
struct StreamView {
	/// Last time a segment was accepted (or the stream was created).
	last_activity: Instant,
	window: SlidingWindow,
	/// Master playlist entries, set by the first segment transcoded with the current profiles.
	variants: Vec<Variant>,
	/// Names of the current profiles (without `source`).
	renditions: Vec<String>,
	/// Ended by [`AppState::end_stream`]; a new segment clears it.
	ended: bool,
}

/// The ingest side: held for a whole transcode, only by the ingest path on a blocking thread.
struct StreamWork {
	highest_seq: Option<u64>,
	/// Built for the first segment, rebuilt when the profiles change.
	transcoder: Option<StreamTranscoder>,
}

/// One stream live in this process.
struct Stream {
	/// Without an authority: the key the stream is bound to, set by its first segment.
	bound: OnceLock<sr25519::Public>,
	view: RwLock<StreamView>,
	work: Mutex<StreamWork>,
	/// When the POSTs counted by the stream rate limit arrived, oldest first.
	posts: Mutex<VecDeque<Instant>>,
}

impl Stream {
	fn new(playlist_window: usize) -> Self {
		Self {
			bound: OnceLock::new(),
			view: RwLock::new(StreamView {
				last_activity: Instant::now(),
				window: SlidingWindow::new(playlist_window),
				variants: Vec::new(),
				renditions: Vec::new(),
				ended: false,
			}),
			work: Mutex::new(StreamWork { highest_seq: None, transcoder: None }),
			posts: Mutex::new(VecDeque::new()),
		}
	}
}

/// Shared service state.
pub struct AppState {
	config: ServerConfig,
	streams: Mutex<HashMap<StreamId, Arc<Stream>>>,
	transcode_slots: tokio::sync::Semaphore,
	upload_slots: Arc<tokio::sync::Semaphore>,
	/// Refused segments by named reason.
	refusals: Mutex<BTreeMap<&'static str, u64>>,
}

impl AppState {
	/// Forgets streams without a new segment for longer than `max_idle` (their encoder sessions
	/// and playlists; stored files stay until they expire); returns how many. A stream a
	/// request is working on is kept.
	pub fn evict_idle_streams(&self, max_idle: Duration) -> usize {
		let mut streams = self.streams.lock();
		let before = streams.len();
		// The table holds one reference; any other is a request in flight.
		streams.retain(|_, stream| {
			Arc::strong_count(stream) > 1 || stream.view.read().last_activity.elapsed() <= max_idle
		});
		before.saturating_sub(streams.len())
	}

	/// The service configuration.
	pub fn config(&self) -> &ServerConfig {
		&self.config
	}

	/// Ends a live stream: its media playlists get `EXT-X-ENDLIST` (players stop polling) until
	/// a new segment arrives. Returns false when the stream is not live in this process.
	pub fn end_stream(&self, stream_id: &StreamId) -> bool {
		match self.live_stream(stream_id) {
			Some(stream) => {
				stream.view.write().ended = true;
				true
			},
			None => false,
		}
	}

	/// Segments refused so far, by named reason (e.g. `("MaxStreams", 2)`), for metrics.
	pub fn refusal_counts(&self) -> Vec<(&'static str, u64)> {
		self.refusals.lock().iter().map(|(reason, count)| (*reason, *count)).collect()
	}

	/// Streams live in this process.
	pub fn live_streams(&self) -> usize {
		self.streams.lock().len()
	}

	/// Segment uploads in progress (bodies being received, waiting for or in a transcode).
	pub fn uploads_in_progress(&self) -> usize {
		self.config
			.max_concurrent_uploads
			.max(1)
			.saturating_sub(self.upload_slots.available_permits())
	}

	/// Segments being transcoded now.
	pub fn transcodes_in_progress(&self) -> usize {
		self.config
			.max_concurrent_transcodes
			.max(1)
			.saturating_sub(self.transcode_slots.available_permits())
	}

	/// The service's metrics in the Prometheus text format (served at `GET /metrics`).
	pub fn metrics_text(&self) -> String {
		use std::fmt::Write as _;
		let mut text = String::new();
		let _ = writeln!(
			text,
			"# HELP olc_service_segments_refused_total Segments refused, by named reason."
		);
		let _ = writeln!(text, "# TYPE olc_service_segments_refused_total counter");
		for (reason, count) in self.refusal_counts() {
			let _ =
				writeln!(text, "olc_service_segments_refused_total{{reason=\"{reason}\"}} {count}");
		}
		for (name, help, value, limit) in [
			(
				"live_streams",
				"Streams live in this process",
				self.live_streams(),
				self.config.max_streams,
			),
			(
				"uploads_in_progress",
				"Segment uploads being received or transcoded",
				self.uploads_in_progress(),
				self.config.max_concurrent_uploads,
			),
			(
				"transcodes_in_progress",
				"Segments being transcoded",
				self.transcodes_in_progress(),
				self.config.max_concurrent_transcodes,
			),
		] {
			let _ = writeln!(text, "# HELP olc_service_{name} {help}.");
			let _ = writeln!(text, "# TYPE olc_service_{name} gauge");
			let _ = writeln!(text, "olc_service_{name} {value}");
			let _ = writeln!(
				text,
				"# HELP olc_service_{name}_limit The configured limit of olc_service_{name}."
			);
			let _ = writeln!(text, "# TYPE olc_service_{name}_limit gauge");
			let _ = writeln!(text, "olc_service_{name}_limit {limit}");
		}
		text
	}

	fn count_refusal(&self, reason: &'static str) {
		let mut refusals = self.refusals.lock();
		let count = refusals.entry(reason).or_insert(0);
		*count = count.saturating_add(1);
	}

	fn live_stream(&self, stream_id: &StreamId) -> Option<Arc<Stream>> {
		self.streams.lock().get(stream_id).cloned()
	}

	/// The live stream, or a new one if fewer than `max_streams` are live (`MaxStreams`).
	fn admit_stream(&self, stream_id: StreamId) -> Result<Arc<Stream>, Rejection> {
		let mut streams = self.streams.lock();
		if let Some(stream) = streams.get(&stream_id) {
			return Ok(stream.clone());
		}
		if streams.len() >= self.config.max_streams {
			// Full: make room by forgetting streams idle for a while (not just for the
			// retention time, which is when they are forgotten otherwise).
			streams.retain(|_, stream| {
				Arc::strong_count(stream) > 1
					|| stream.view.read().last_activity.elapsed() <= IDLE_BEFORE_MAKING_ROOM
			});
		}
		if streams.len() >= self.config.max_streams {
			return Err(reject(
				StatusCode::SERVICE_UNAVAILABLE,
				"MaxStreams",
				format!(
					"this transcoder serves at most {} streams at once",
					self.config.max_streams
				),
			));
		}
		let stream = Arc::new(Stream::new(self.config.playlist_window));
		streams.insert(stream_id, stream.clone());
		Ok(stream)
	}

	/// Whether a stream's playlists end: explicitly, by the authority, or by idleness.
	fn stream_ended(&self, stream_id: &StreamId, view: &StreamView) -> bool {
		view.ended
			|| self
				.config
				.stream_end_idle
				.is_some_and(|idle| view.last_activity.elapsed() > idle)
			|| self
				.config
				.authority
				.as_ref()
				.is_some_and(|authority| authority.ended(stream_id))
	}
}

/// A refusal: status, named reason and details; the body is `{reason}: {detail}`.
#[derive(Debug)]
pub struct Rejection {
	/// The HTTP status.
	pub status: StatusCode,
	/// The named reason, e.g. `NotAssigned` (see the module docs).
	pub reason: &'static str,
	/// Human-readable details.
	pub detail: String,
}

impl Rejection {
	/// The plain-text body: `{reason}: {detail}`.
	pub fn body(&self) -> String {
		format!("{}: {}", self.reason, self.detail)
	}
}

impl IntoResponse for Rejection {
	fn into_response(self) -> Response {
		if self.reason == "Internal" {
			tracing::error!(status = %self.status, "request failed: {}", self.detail);
		} else {
			// Refusals are the service doing its job (hostile or late clients): debug only.
			tracing::debug!(status = %self.status, reason = self.reason, "refused: {}", self.detail);
		}
		let body = self.body();
		(self.status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
	}
}

fn reject(status: StatusCode, reason: &'static str, detail: impl Into<String>) -> Rejection {
	Rejection { status, reason, detail: detail.into() }
}

fn internal(detail: impl Into<String>) -> Rejection {
	reject(StatusCode::INTERNAL_SERVER_ERROR, "Internal", detail)
}

/// Builds the router over a fresh state.
pub fn router(config: ServerConfig) -> (Router, Arc<AppState>) {
	let slots = tokio::sync::Semaphore::new(config.max_concurrent_transcodes.max(1));
	let uploads = Arc::new(tokio::sync::Semaphore::new(config.max_concurrent_uploads.max(1)));
	let state = Arc::new(AppState {
		config,
		streams: Mutex::new(HashMap::new()),
		transcode_slots: slots,
		upload_slots: uploads,
		refusals: Mutex::new(BTreeMap::new()),
	});
	let cors = CorsLayer::new().allow_origin(Any).allow_methods(Any).allow_headers(Any);
	let router = Router::new()
		.route("/live/{stream_id}/{file}", post(ingest::ingest_segment))
		.route("/hls/{stream_id}/master.m3u8", get(master_playlist))
		.route("/hls/{stream_id}/{rendition}/{file}", get(rendition_file))
		.route("/receipts/{stream_id}/{seq}", get(receipt))
		.route("/metrics", get(metrics))
		.route("/watch", get(web::page))
		.route("/studio", get(web::page))
		.route("/overlay", get(web::page))
		.route("/web/{file}", get(web::asset))
		.layer(cors)
		.with_state(state.clone());
	(router, state)
}

/// Serves on `listener` ([`serve_router`]), deleting expired files in the background.
pub async fn serve(listener: tokio::net::TcpListener, config: ServerConfig) -> std::io::Result<()> {
	let retention = config.retention;
	let header_read_timeout = config.header_read_timeout;
	let data_dir = config.data_dir.clone();
	let (router, state) = router(config);
	tokio::spawn(async move {
		let period = (retention / 4).clamp(Duration::from_secs(1), Duration::from_secs(60));
		loop {
			tokio::time::sleep(period).await;
			let dir = data_dir.clone();
			let removed =
				tokio::task::spawn_blocking(move || remove_expired(&dir, retention)).await;
			if let Ok(removed @ 1..) = removed {
				tracing::debug!(removed, "expired files deleted");
			}
			state.evict_idle_streams(retention);
		}
	});
	serve_router(listener, router, header_read_timeout).await
}

/// Serves `router` on `listener`, one task per connection, closing a connection whose request
/// head does not arrive within `header_read_timeout` (a client holding connections open with
/// partial headers costs nothing for long). Accept errors (e.g. out of file descriptors) are
/// logged and retried after a short pause.
pub async fn serve_router(
	listener: tokio::net::TcpListener,
	router: Router,
	header_read_timeout: Duration,
) -> std::io::Result<()> {
	use hyper_util::{
		rt::{TokioExecutor, TokioIo, TokioTimer},
		server::conn::auto::Builder,
		service::TowerToHyperService,
	};
	loop {
		let socket = match listener.accept().await {
			Ok((socket, _)) => socket,
			Err(error) => {
				tracing::warn!("cannot accept a connection: {error}");
				tokio::time::sleep(Duration::from_millis(100)).await;
				continue;
			},
		};
		let service = TowerToHyperService::new(router.clone());
		tokio::spawn(async move {
			let mut builder = Builder::new(TokioExecutor::new());
			builder
				.http1()
				.timer(TokioTimer::new())
				.header_read_timeout(header_read_timeout);
			if let Err(error) = builder.serve_connection(TokioIo::new(socket), service).await {
				tracing::trace!("connection ended: {error}");
			}
		});
	}
}

fn parse_stream_id(text: &str) -> Result<StreamId, Rejection> {
	let bad = || reject(StatusCode::BAD_REQUEST, "BadStreamId", "stream id must be 64 hex digits");
	let text = text.strip_prefix("0x").unwrap_or(text);
	let bytes = hex::decode(text).map_err(|_| bad())?;
	let bytes: [u8; 32] = bytes.try_into().map_err(|_| bad())?;
	Ok(StreamId(bytes))
}

fn parse_seq_file(file: &str) -> Result<u64, Rejection> {
	file.strip_suffix(".ts")
		.and_then(|seq| seq.parse().ok())
		.ok_or_else(|| reject(StatusCode::NOT_FOUND, "BadPath", "expected {seq}.ts"))
}

/// `Cache-Control` of playlists and receipts: always revalidated.
pub const CACHE_PLAYLIST: &str = "no-cache";
/// `Cache-Control` of segments: a segment never changes once published.
pub const CACHE_SEGMENT: &str = "public, max-age=31536000, immutable";

fn text_response(mime: &'static str, body: impl Into<axum::body::Body>) -> Response {
	cached_response(mime, CACHE_PLAYLIST, body)
}

fn cached_response(
	mime: &'static str,
	cache: &'static str,
	body: impl Into<axum::body::Body>,
) -> Response {
	(StatusCode::OK, [(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, cache)], body.into())
		.into_response()
}

fn not_live(stream_id: &StreamId) -> Rejection {
	reject(
		StatusCode::NOT_FOUND,
		"UnknownStream",
		format!("stream 0x{} is not live on this transcoder", hex::encode(stream_id.0)),
	)
}

fn unknown_rendition(rendition: &str) -> Rejection {
	reject(StatusCode::NOT_FOUND, "UnknownRendition", format!("no rendition {rendition:?}"))
}

async fn master_playlist(
	State(state): State<Arc<AppState>>,
	UrlPath(stream_text): UrlPath<String>,
) -> Result<Response, Rejection> {
	let stream_id = parse_stream_id(&stream_text)?;
	let stream = state.live_stream(&stream_id).ok_or_else(|| not_live(&stream_id))?;
	let text = hls::master_playlist(&stream.view.read().variants);
	Ok(text_response(hls::PLAYLIST_MIME, text))
}

async fn rendition_file(
	State(state): State<Arc<AppState>>,
	UrlPath((stream_text, rendition, file)): UrlPath<(String, String, String)>,
) -> Result<Response, Rejection> {
	let stream_id = parse_stream_id(&stream_text)?;
	if !store::is_rendition_dir(&rendition) {
		return Err(unknown_rendition(&rendition));
	}
	if file == hls::MEDIA_PLAYLIST_NAME {
		let stream = state.live_stream(&stream_id).ok_or_else(|| not_live(&stream_id))?;
		let text = {
			let view = stream.view.read();
			if rendition != SOURCE_RENDITION && !view.renditions.contains(&rendition) {
				return Err(unknown_rendition(&rendition));
			}
			view.window.media_playlist(state.stream_ended(&stream_id, &view))
		};
		return Ok(text_response(hls::PLAYLIST_MIME, text));
	}
	// Segments come from disk, whether or not the stream is live in this process (verifiers
	// fetch old segments, possibly after a restart).
	let seq = parse_seq_file(&file)?;
	let path = store::segment_path(&state.config.data_dir, &stream_id, &rendition, seq);
	let bytes = tokio::fs::read(&path).await.map_err(|_| {
		reject(
			StatusCode::NOT_FOUND,
			"NoSuchSegment",
			format!("no {rendition} segment {seq} (or it expired)"),
		)
	})?;
	Ok(cached_response(hls::SEGMENT_MIME, CACHE_SEGMENT, bytes))
}

async fn receipt(
	State(state): State<Arc<AppState>>,
	UrlPath((stream_text, seq)): UrlPath<(String, String)>,
) -> Result<Response, Rejection> {
	let stream_id = parse_stream_id(&stream_text)?;
	let seq: u64 = seq
		.parse()
		.map_err(|_| reject(StatusCode::BAD_REQUEST, "BadPath", "bad sequence number"))?;
	let path = store::receipt_path(&state.config.data_dir, &stream_id, seq);
	let bytes = tokio::fs::read(&path).await.map_err(|_| {
		reject(
			StatusCode::NOT_FOUND,
			"NoSuchReceipt",
			format!("no receipt for segment {seq} (or it expired)"),
		)
	})?;
	Ok(text_response("text/plain; charset=utf-8", hex::encode(bytes)))
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
	text_response("text/plain; version=0.0.4; charset=utf-8", state.metrics_text())
}

/// Parses a `WIDTHxHEIGHT` picture box (e.g. `1920x1080`), for the CLIs' `--max-resolution`.
pub fn parse_resolution(text: &str) -> Result<(u32, u32), String> {
	text.split_once('x')
		.and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
		.filter(|(w, h): &(u32, u32)| *w > 0 && *h > 0)
		.ok_or_else(|| format!("{text:?} is not WIDTHxHEIGHT (e.g. 1920x1080)"))
}

/// The public key the service signs receipts with.
pub fn transcoder_public(config: &ServerConfig) -> sr25519::Public {
	config.transcoder_key.public()
}

/// A key as `0x` hex, for messages.
fn key_hex(key: &sr25519::Public) -> String {
	format!("0x{}", hex::encode(key.0))
}

/// The decoded header of an ingest request.
fn header_of(headers: &axum::http::HeaderMap) -> Result<SignedSegmentHeader, Rejection> {
	use codec::DecodeAll;
	let malformed = |detail: &str| reject(StatusCode::BAD_REQUEST, "MalformedHeader", detail);
	let text = headers
		.get(SEGMENT_HEADER_FIELD)
		.ok_or_else(|| {
			reject(
				StatusCode::BAD_REQUEST,
				"MissingHeader",
				format!("missing {SEGMENT_HEADER_FIELD}"),
			)
		})?
		.to_str()
		.map_err(|_| malformed("segment header is not text"))?;
	let bytes = hex::decode(text.trim().strip_prefix("0x").unwrap_or(text.trim()))
		.map_err(|_| malformed("segment header is not hex"))?;
	SignedSegmentHeader::decode_all(&mut bytes.as_slice())
		.map_err(|_| malformed("segment header does not decode as a SignedSegmentHeader"))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn path_parsing() {
		assert_eq!(parse_seq_file("12.ts").unwrap(), 12);
		assert!(parse_seq_file("12.mp4").is_err());
		assert!(parse_seq_file("x.ts").is_err());
		assert!(parse_stream_id(&"ab".repeat(32)).is_ok());
		assert!(parse_stream_id(&format!("0x{}", "ab".repeat(32))).is_ok());
		assert_eq!(parse_stream_id("abcd").unwrap_err().reason, "BadStreamId");
	}

	#[test]
	fn auth_errors_start_with_their_reason() {
		for error in [
			AuthError::UnknownStream,
			AuthError::NotAssigned,
			AuthError::Unavailable("down".into()),
		] {
			assert!(error.to_string().starts_with(&format!("{}: ", error.reason())), "{error}");
		}
		assert_eq!(AuthError::Unavailable("x".into()).status(), StatusCode::SERVICE_UNAVAILABLE);
	}

	#[test]
	fn faults_parse() {
		assert_eq!("wrong-content".parse::<Fault>(), Ok(Fault::WrongContent));
		assert!("other".parse::<Fault>().is_err());
	}
}
