//! The transcoder's HTTP service.
//!
//! - `POST /live/{stream_id}/{seq}.ts` — a broadcaster's segment, with its signed header in the
//!   `x-olc-segment-header` field (hex of the SCALE-encoded [`SignedSegmentHeader`]). Rejected
//!   with a 4xx and a plain-text reason when the header is missing, malformed, for another
//!   segment, badly signed, from a key the stream is not bound to, out of the sequence window,
//!   too large, empty, not MPEG-TS, or not transcodable. On success the segment is transcoded
//!   into the ladder and the response body is the hex SCALE receipt.
//! - `GET /hls/{stream_id}/master.m3u8`, `GET /hls/{stream_id}/{rendition}/index.m3u8`,
//!   `GET /hls/{stream_id}/{rendition}/{seq}.ts` — HLS output (renditions by profile name, plus
//!   `source`), with CORS.
//! - `GET /receipts/{stream_id}/{seq}` — the hex SCALE receipt of a segment.
//!
//! Inputs, outputs and receipts are kept on disk for the retention time, then deleted; streams
//! without new segments for that long are forgotten. At most `max_concurrent_transcodes`
//! segments are transcoded at once.

use crate::{
	hls::{self, SlidingWindow, Variant},
	ladder::{LadderConfig, StreamTranscoder},
	media::MediaError,
};
use axum::{
	body::Bytes,
	extract::{DefaultBodyLimit, Path as UrlPath, State},
	http::{header, HeaderMap, StatusCode},
	response::{IntoResponse, Response},
	routing::{get, post},
	Router,
};
use codec::{Decode, Encode};
use olc_primitives::{
	blake2_256, SignatureError, SignedSegmentHeader, StreamId, TranscodeReceipt,
};
use sp_core::{sr25519, Pair};
use std::{
	collections::HashMap,
	path::{Path, PathBuf},
	sync::{Arc, Mutex},
	time::Duration,
};
use tower_http::cors::{Any, CorsLayer};

/// Name of the HTTP header field carrying the signed segment header.
pub const SEGMENT_HEADER_FIELD: &str = "x-olc-segment-header";
/// Name of the source rendition in HLS paths.
pub const SOURCE_RENDITION: &str = "source";

/// Service configuration.
#[derive(Clone)]
pub struct ServerConfig {
	/// Where inputs, outputs and receipts are stored.
	pub data_dir: PathBuf,
	/// The ladder every stream is transcoded into.
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
	/// If set, only these broadcaster keys may publish; otherwise a stream is bound to the
	/// first key that publishes to it.
	pub allowed_broadcasters: Option<Vec<sr25519::Public>>,
	/// Segments transcoded at the same time, over all streams; further requests wait.
	pub max_concurrent_transcodes: usize,
}

impl ServerConfig {
	/// Defaults for everything but the data dir and key: default ladder, 16 MiB bodies, 30
	/// segments ahead, 6-segment playlists, one hour retention, any broadcaster, one
	/// transcode per core at a time.
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
		}
	}
}

struct StreamState {
	/// Last time a segment was accepted (or the stream was created).
	last_activity: std::time::Instant,
	broadcaster: sr25519::Public,
	highest_seq: Option<u64>,
	transcoder: StreamTranscoder,
	window: SlidingWindow,
	variants: Vec<Variant>,
}

/// Shared service state.
pub struct AppState {
	config: ServerConfig,
	streams: Mutex<HashMap<StreamId, Arc<Mutex<StreamState>>>>,
	transcode_slots: tokio::sync::Semaphore,
}

impl AppState {
	/// Forgets streams without a new segment for longer than `max_idle` (their encoder sessions
	/// and playlists); returns how many. A stream in the middle of a transcode is kept.
	pub fn evict_idle_streams(&self, max_idle: Duration) -> usize {
		let Ok(mut streams) = self.streams.lock() else { return 0 };
		let before = streams.len();
		streams.retain(|_, stream| match stream.try_lock() {
			Ok(state) => state.last_activity.elapsed() <= max_idle,
			Err(_) => true,
		});
		before.saturating_sub(streams.len())
	}
}

/// A rejection: status and plain-text reason.
#[derive(Debug)]
pub struct Rejection(pub StatusCode, pub String);

impl IntoResponse for Rejection {
	fn into_response(self) -> Response {
		(self.0, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], self.1).into_response()
	}
}

fn reject(status: StatusCode, reason: impl Into<String>) -> Rejection {
	Rejection(status, reason.into())
}

/// Builds the router over a fresh state.
pub fn router(config: ServerConfig) -> (Router, Arc<AppState>) {
	let max_body = config.max_segment_bytes;
	let slots = tokio::sync::Semaphore::new(config.max_concurrent_transcodes.max(1));
	let state = Arc::new(AppState { config, streams: Mutex::new(HashMap::new()), transcode_slots: slots });
	let cors = CorsLayer::new().allow_origin(Any).allow_methods(Any).allow_headers(Any);
	let router = Router::new()
		.route("/live/{stream_id}/{file}", post(ingest_segment))
		.route("/hls/{stream_id}/master.m3u8", get(master_playlist))
		.route("/hls/{stream_id}/{rendition}/{file}", get(rendition_file))
		.route("/receipts/{stream_id}/{seq}", get(receipt))
		.layer(DefaultBodyLimit::max(max_body))
		.layer(cors)
		.with_state(state.clone());
	(router, state)
}

/// Serves until the listener fails, deleting expired files in the background.
pub async fn serve(listener: tokio::net::TcpListener, config: ServerConfig) -> std::io::Result<()> {
	let retention = config.retention;
	let data_dir = config.data_dir.clone();
	let (router, state) = router(config);
	tokio::spawn(async move {
		let period = (retention / 4).clamp(Duration::from_secs(1), Duration::from_secs(60));
		loop {
			tokio::time::sleep(period).await;
			let dir = data_dir.clone();
			let _ = tokio::task::spawn_blocking(move || remove_expired(&dir, retention)).await;
			state.evict_idle_streams(retention);
		}
	});
	axum::serve(listener, router).await
}

/// Deletes stored files older than `retention` under `data_dir`; returns how many.
pub fn remove_expired(data_dir: &Path, retention: Duration) -> usize {
	let mut removed = 0;
	let mut pending = vec![data_dir.to_path_buf()];
	while let Some(dir) = pending.pop() {
		let Ok(entries) = std::fs::read_dir(&dir) else { continue };
		for entry in entries.flatten() {
			let path = entry.path();
			let Ok(metadata) = entry.metadata() else { continue };
			if metadata.is_dir() {
				pending.push(path);
			} else if metadata.modified().ok().and_then(|m| m.elapsed().ok()).is_some_and(|age| age > retention)
				&& std::fs::remove_file(&path).is_ok()
			{
				removed += 1;
			}
		}
	}
	removed
}

fn parse_stream_id(text: &str) -> Result<StreamId, Rejection> {
	let text = text.strip_prefix("0x").unwrap_or(text);
	let bytes = hex::decode(text)
		.map_err(|_| reject(StatusCode::BAD_REQUEST, "stream id must be 64 hex digits"))?;
	let bytes: [u8; 32] = bytes
		.try_into()
		.map_err(|_| reject(StatusCode::BAD_REQUEST, "stream id must be 64 hex digits"))?;
	Ok(StreamId(bytes))
}

fn parse_seq_file(file: &str) -> Result<u64, Rejection> {
	file.strip_suffix(".ts")
		.and_then(|seq| seq.parse().ok())
		.ok_or_else(|| reject(StatusCode::NOT_FOUND, "expected {seq}.ts"))
}

fn stream_dir(data_dir: &Path, stream_id: &StreamId) -> PathBuf {
	data_dir.join("streams").join(hex::encode(stream_id.0))
}

/// True when `body` looks like MPEG-TS: sync bytes every 188 bytes at the start.
fn looks_like_mpeg_ts(body: &[u8]) -> bool {
	const PACKET: usize = 188;
	let packets = (body.len() / PACKET).min(4);
	packets > 0 && (0..packets).all(|i| body.get(i * PACKET) == Some(&0x47))
}

async fn ingest_segment(
	State(state): State<Arc<AppState>>,
	UrlPath((stream_text, file)): UrlPath<(String, String)>,
	headers: HeaderMap,
	body: Bytes,
) -> Result<Response, Rejection> {
	let stream_id = parse_stream_id(&stream_text)?;
	let seq = parse_seq_file(&file)?;
	let header_hex = headers
		.get(SEGMENT_HEADER_FIELD)
		.ok_or_else(|| reject(StatusCode::BAD_REQUEST, format!("missing {SEGMENT_HEADER_FIELD}")))?
		.to_str()
		.map_err(|_| reject(StatusCode::BAD_REQUEST, "segment header is not text"))?;
	let header_bytes = hex::decode(header_hex.strip_prefix("0x").unwrap_or(header_hex))
		.map_err(|_| reject(StatusCode::BAD_REQUEST, "segment header is not hex"))?;
	let signed = SignedSegmentHeader::decode(&mut header_bytes.as_slice())
		.map_err(|_| reject(StatusCode::BAD_REQUEST, "segment header does not decode"))?;
	if signed.header.stream_id != stream_id || signed.header.seq != seq {
		return Err(reject(StatusCode::BAD_REQUEST, "segment header is for another stream or sequence number"));
	}
	if body.is_empty() {
		return Err(reject(StatusCode::BAD_REQUEST, "empty segment"));
	}
	signed.verify_segment(&body).map_err(|e| match e {
		SignatureError::SegmentHashMismatch => {
			reject(StatusCode::BAD_REQUEST, "segment bytes do not match the signed hash")
		},
		_ => reject(StatusCode::UNAUTHORIZED, "bad broadcaster signature"),
	})?;
	if let Some(allowed) = &state.config.allowed_broadcasters {
		if !allowed.contains(&signed.header.broadcaster) {
			return Err(reject(StatusCode::FORBIDDEN, "broadcaster is not allowed on this transcoder"));
		}
	}
	if !looks_like_mpeg_ts(&body) {
		return Err(reject(StatusCode::UNSUPPORTED_MEDIA_TYPE, "segment is not MPEG-TS"));
	}

	let stream = {
		let mut streams = state.streams.lock().map_err(|_| internal("stream table poisoned"))?;
		match streams.get(&stream_id) {
			Some(stream) => stream.clone(),
			None => {
				let transcoder = StreamTranscoder::new(state.config.ladder.clone())
					.map_err(|e| internal(e.to_string()))?;
				let stream = Arc::new(Mutex::new(StreamState {
					last_activity: std::time::Instant::now(),
					broadcaster: signed.header.broadcaster,
					highest_seq: None,
					transcoder,
					window: SlidingWindow::new(state.config.playlist_window),
					variants: Vec::new(),
				}));
				streams.insert(stream_id, stream.clone());
				stream
			},
		}
	};
	// Bounded work: at most `max_concurrent_transcodes` segments are transcoded at once.
	let _slot = state
		.transcode_slots
		.acquire()
		.await
		.map_err(|_| reject(StatusCode::SERVICE_UNAVAILABLE, "transcoder is shutting down"))?;
	let state2 = state.clone();
	let receipt = tokio::task::spawn_blocking(move || {
		transcode_locked(&state2, &stream, stream_id, signed, &body)
	})
	.await
	.map_err(|_| internal("transcoding task failed"))??;
	Ok((
		StatusCode::OK,
		[(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
		hex::encode(receipt.encode()),
	)
		.into_response())
}

fn internal(reason: impl Into<String>) -> Rejection {
	reject(StatusCode::INTERNAL_SERVER_ERROR, reason)
}

/// Checks the window, stores the input, transcodes, signs and stores the receipt.
fn transcode_locked(
	state: &AppState,
	stream: &Mutex<StreamState>,
	stream_id: StreamId,
	signed: SignedSegmentHeader,
	body: &[u8],
) -> Result<TranscodeReceipt, Rejection> {
	let mut stream = stream.lock().map_err(|_| internal("stream poisoned"))?;
	let seq = signed.header.seq;
	if signed.header.broadcaster != stream.broadcaster {
		return Err(reject(StatusCode::FORBIDDEN, "stream belongs to another broadcaster"));
	}
	if let Some(highest) = stream.highest_seq {
		if seq <= highest {
			return Err(reject(
				StatusCode::CONFLICT,
				format!("sequence number {seq} is stale or duplicate (highest received {highest})"),
			));
		}
		if seq > highest.saturating_add(state.config.max_seq_ahead) {
			return Err(reject(
				StatusCode::CONFLICT,
				format!("sequence number {seq} is too far ahead (highest received {highest})"),
			));
		}
	}
	let dir = stream_dir(&state.config.data_dir, &stream_id);
	let source_dir = dir.join(SOURCE_RENDITION);
	let receipts_dir = dir.join("receipts");
	let profiles = state.config.ladder.profiles.clone();
	let profile_names: Vec<String> =
		profiles.iter().map(|p| p.name_str().unwrap_or("unnamed").to_string()).collect();
	for sub in [&source_dir, &receipts_dir] {
		std::fs::create_dir_all(sub).map_err(|e| internal(e.to_string()))?;
	}
	for name in &profile_names {
		std::fs::create_dir_all(dir.join(name)).map_err(|e| internal(e.to_string()))?;
	}
	let input_path = source_dir.join(format!("{seq}.ts"));
	std::fs::write(&input_path, body).map_err(|e| internal(e.to_string()))?;
	let output_paths: Vec<PathBuf> =
		profile_names.iter().map(|name| dir.join(name).join(format!("{seq}.ts"))).collect();

	let result = match stream.transcoder.transcode_segment(&input_path, &output_paths) {
		Ok(result) => result,
		Err(error) => {
			let _ = std::fs::remove_file(&input_path);
			let status = match error {
				MediaError::Io(_) | MediaError::Mux(_) | MediaError::Scale(_) => {
					StatusCode::INTERNAL_SERVER_ERROR
				},
				_ => StatusCode::UNPROCESSABLE_ENTITY,
			};
			return Err(reject(status, format!("segment {seq}: {error}")));
		},
	};
	let mut output_hashes = Vec::with_capacity(output_paths.len());
	for path in &output_paths {
		let bytes = std::fs::read(path).map_err(|e| internal(e.to_string()))?;
		output_hashes.push(blake2_256(&bytes));
	}
	let receipt = TranscodeReceipt::sign(&state.config.transcoder_key, signed, output_hashes)
		.map_err(|e| internal(format!("{e:?}")))?;
	std::fs::write(receipts_dir.join(format!("{seq}.scale")), receipt.encode())
		.map_err(|e| internal(e.to_string()))?;

	let duration = if result.input_frames > 0 {
		f64::from(receipt.body.segment.header.duration_ms) / 1000.0
	} else {
		0.0
	};
	if stream.variants.is_empty() {
		let fps = f64::from(profiles.first().map_or(30, |p| p.fps));
		let mut variants = vec![Variant {
			name: SOURCE_RENDITION.into(),
			width: result.input_width,
			height: result.input_height,
			bandwidth: (body.len() as u64).saturating_mul(8).saturating_mul(1000)
				/ u64::from(receipt.body.segment.header.duration_ms.max(1)),
			fps,
		}];
		for (output, profile) in result.outputs.iter().zip(&profiles) {
			variants.push(Variant {
				name: output.profile_name.clone(),
				width: output.width,
				height: output.height,
				// Peak: the VBV allows up to the target; add room for audio and TS overhead.
				bandwidth: u64::from(profile.bitrate_kbps).saturating_mul(1000) * 12 / 10 + 128_000,
				fps: f64::from(profile.fps),
			});
		}
		stream.variants = variants;
	}
	stream.window.push(seq, duration);
	stream.highest_seq = Some(seq);
	stream.last_activity = std::time::Instant::now();
	Ok(receipt)
}

fn text_response(mime: &'static str, body: impl Into<axum::body::Body>) -> Response {
	(StatusCode::OK, [(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "no-cache")], body.into())
		.into_response()
}

fn find_stream(state: &AppState, stream_text: &str) -> Result<(StreamId, Arc<Mutex<StreamState>>), Rejection> {
	let stream_id = parse_stream_id(stream_text)?;
	let streams = state.streams.lock().map_err(|_| internal("stream table poisoned"))?;
	let stream = streams
		.get(&stream_id)
		.cloned()
		.ok_or_else(|| reject(StatusCode::NOT_FOUND, "unknown stream"))?;
	Ok((stream_id, stream))
}

async fn master_playlist(
	State(state): State<Arc<AppState>>,
	UrlPath(stream_text): UrlPath<String>,
) -> Result<Response, Rejection> {
	let (_, stream) = find_stream(&state, &stream_text)?;
	let text = {
		let stream = stream.lock().map_err(|_| internal("stream poisoned"))?;
		hls::master_playlist(&stream.variants)
	};
	Ok(text_response(hls::PLAYLIST_MIME, text))
}

async fn rendition_file(
	State(state): State<Arc<AppState>>,
	UrlPath((stream_text, rendition, file)): UrlPath<(String, String, String)>,
) -> Result<Response, Rejection> {
	let (stream_id, stream) = find_stream(&state, &stream_text)?;
	let known = rendition == SOURCE_RENDITION
		|| state.config.ladder.profiles.iter().any(|p| p.name_str() == Some(rendition.as_str()));
	if !known {
		return Err(reject(StatusCode::NOT_FOUND, "unknown rendition"));
	}
	if file == hls::MEDIA_PLAYLIST_NAME {
		let text = {
			let stream = stream.lock().map_err(|_| internal("stream poisoned"))?;
			stream.window.media_playlist(false)
		};
		return Ok(text_response(hls::PLAYLIST_MIME, text));
	}
	let seq = parse_seq_file(&file)?;
	let path = stream_dir(&state.config.data_dir, &stream_id).join(&rendition).join(format!("{seq}.ts"));
	let bytes = tokio::fs::read(&path)
		.await
		.map_err(|_| reject(StatusCode::NOT_FOUND, "no such segment (or it expired)"))?;
	Ok(text_response(hls::SEGMENT_MIME, bytes))
}

async fn receipt(
	State(state): State<Arc<AppState>>,
	UrlPath((stream_text, seq)): UrlPath<(String, String)>,
) -> Result<Response, Rejection> {
	let stream_id = parse_stream_id(&stream_text)?;
	let seq: u64 = seq.parse().map_err(|_| reject(StatusCode::BAD_REQUEST, "bad sequence number"))?;
	let path = stream_dir(&state.config.data_dir, &stream_id).join("receipts").join(format!("{seq}.scale"));
	let bytes = tokio::fs::read(&path)
		.await
		.map_err(|_| reject(StatusCode::NOT_FOUND, "no such receipt (or it expired)"))?;
	Ok(text_response("text/plain; charset=utf-8", hex::encode(bytes)))
}

/// The public key the service signs receipts with.
pub fn transcoder_public(config: &ServerConfig) -> sr25519::Public {
	config.transcoder_key.public()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn mpeg_ts_sniffing() {
		let mut ts = vec![0u8; 188 * 3];
		for i in 0..3 {
			ts[i * 188] = 0x47;
		}
		assert!(looks_like_mpeg_ts(&ts));
		ts[188] = 0;
		assert!(!looks_like_mpeg_ts(&ts));
		assert!(!looks_like_mpeg_ts(b"GIF89a"));
		assert!(!looks_like_mpeg_ts(&[]));
	}

	#[test]
	fn path_parsing() {
		assert_eq!(parse_seq_file("12.ts").unwrap(), 12);
		assert!(parse_seq_file("12.mp4").is_err());
		assert!(parse_seq_file("x.ts").is_err());
		assert!(parse_stream_id(&"ab".repeat(32)).is_ok());
		assert!(parse_stream_id("abcd").is_err());
	}
}
