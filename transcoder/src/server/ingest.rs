//! `POST /live/{stream_id}/{seq}.ts`: header checks, the chain's terms, the body, then the
//! transcode under the stream's work lock on a blocking thread. The order of the checks and the
//! refusal names are in the parent module's docs.

use super::{
	header_of, internal, key_hex, parse_seq_file, parse_stream_id, reject, store, AppState,
	Rejection, Stream, StreamAuthority, StreamTerms, SOURCE_RENDITION,
};
use crate::{
	hls::{self, Variant},
	ladder::{SegmentLimits, SegmentTranscode, StreamTranscoder},
	media::MediaError,
};
use axum::{
	body::{Body, HttpBody as _},
	extract::{Path as UrlPath, State},
	http::{header, HeaderMap, StatusCode},
	response::{IntoResponse, Response},
};
use codec::Encode;
use olc_primitives::{blake2_256, Profile, SignedSegmentHeader, StreamId, TranscodeReceipt};
use sp_core::sr25519;
use std::{
	path::PathBuf,
	pin::Pin,
	sync::Arc,
	time::{Duration, Instant},
};

/// How long a refused request's unread body is drained (read and discarded, up to twice the
/// segment size limit), so the client reads the refusal instead of a connection reset. A body
/// whose Content-Length is above that is not read at all: the refusal closes the connection.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// A segment whose header passed every check, on its way to the transcoder.
struct Segment {
	stream_id: StreamId,
	signed: SignedSegmentHeader,
	/// The renditions to produce, in receipt order.
	profiles: Vec<Profile>,
	/// The chain's terms, with an authority.
	terms: Option<StreamTerms>,
}

/// The handler: a receipt (200) or a named refusal.
pub(super) async fn ingest_segment(
	State(state): State<Arc<AppState>>,
	UrlPath((stream_text, file)): UrlPath<(String, String)>,
	headers: HeaderMap,
	body: Body,
) -> Response {
	let mut body = Some(body);
	match ingest(&state, &stream_text, &file, &headers, &mut body).await {
		Ok(receipt) => (
			StatusCode::OK,
			[(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
			hex::encode(receipt.encode()),
		)
			.into_response(),
		Err(rejection) => {
			tracing::info!(
				stream = %stream_text,
				file = %file,
				status = rejection.status.as_u16(),
				"segment refused: {}",
				rejection.body()
			);
			state.count_refusal(rejection.reason);
			if let Some(authority) = &state.config.authority {
				authority.refused(rejection.reason);
			}
			let drain_limit = state.config.max_segment_bytes.saturating_mul(2);
			let declared = headers
				.get(header::CONTENT_LENGTH)
				.and_then(|v| v.to_str().ok())
				.and_then(|v| v.parse::<u64>().ok());
			match body.take() {
				// A body announced as far too large is not read at all: answer and close.
				Some(_) if declared.is_some_and(|length| length > drain_limit as u64) => {
					let mut response = rejection.into_response();
					response
						.headers_mut()
						.insert(header::CONNECTION, header::HeaderValue::from_static("close"));
					return response;
				},
				Some(body) => drain(body, drain_limit).await,
				None => {},
			}
			rejection.into_response()
		},
	}
}

async fn ingest(
	state: &Arc<AppState>,
	stream_text: &str,
	file: &str,
	headers: &HeaderMap,
	body: &mut Option<Body>,
) -> Result<TranscodeReceipt, Rejection> {
	let config = &state.config;
	let stream_id = parse_stream_id(stream_text)?;
	let seq = parse_seq_file(file)?;
	let signed = header_of(headers)?;
	if signed.header.stream_id != stream_id || signed.header.seq != seq {
		return Err(reject(
			StatusCode::BAD_REQUEST,
			"HeaderMismatch",
			format!(
				"the header is for stream 0x{} segment {}, the URL names segment {seq} of 0x{}",
				hex::encode(signed.header.stream_id.0),
				signed.header.seq,
				hex::encode(stream_id.0)
			),
		));
	}
	signed.verify_signature().map_err(|_| {
		reject(StatusCode::UNAUTHORIZED, "BadSignature", "bad broadcaster signature")
	})?;
	let broadcaster = signed.header.broadcaster;
	if let Some(allowed) = &config.allowed_broadcasters {
		if !allowed.contains(&broadcaster) {
			return Err(reject(
				StatusCode::FORBIDDEN,
				"BroadcasterNotAllowed",
				format!("key {} may not publish to this transcoder", key_hex(&broadcaster)),
			));
		}
	}
	let terms = match &config.authority {
		Some(authority) => Some(chain_terms(authority.clone(), stream_id, &broadcaster).await?),
		None => {
			// Checked again under the work lock; this only refuses early, before the body.
			if let Some(bound) = state.live_stream(&stream_id).and_then(|s| s.bound.get().copied())
			{
				if bound != broadcaster {
					return Err(wrong_key_for_binding(&broadcaster, &bound));
				}
			}
			None
		},
	};

	// Limits, all before the body is read: live streams, the stream's rate, uploads at once.
	let stream = state.admit_stream(stream_id)?;
	check_rate(config, &stream)?;
	let _upload = state.upload_slots.clone().try_acquire_owned().map_err(|_| {
		reject(
			StatusCode::SERVICE_UNAVAILABLE,
			"TooManyUploads",
			format!(
				"{} segment uploads are in progress; retry shortly",
				config.max_concurrent_uploads
			),
		)
	})?;
	let bytes = read_body(body.take(), headers, config).await?;
	if bytes.is_empty() {
		return Err(reject(StatusCode::BAD_REQUEST, "EmptySegment", "the body is empty"));
	}
	if blake2_256(&bytes) != signed.header.segment_hash {
		return Err(reject(
			StatusCode::BAD_REQUEST,
			"SegmentHashMismatch",
			"the segment bytes do not match the signed hash",
		));
	}
	if !crate::ingest_check::looks_like_mpeg_ts(&bytes) {
		return Err(reject(
			StatusCode::UNSUPPORTED_MEDIA_TYPE,
			"UnsupportedContainer",
			"the segment is not MPEG-TS (no sync byte every 188 bytes)",
		));
	}

	let profiles = terms
		.as_ref()
		.map_or_else(|| config.ladder.profiles.clone(), |t| t.profiles.clone());
	let segment = Segment { stream_id, signed, profiles, terms };
	// Bounded work: at most `max_concurrent_transcodes` segments are transcoded at once.
	let _slot =
		tokio::time::timeout(config.transcode_wait_timeout, state.transcode_slots.acquire())
			.await
			.map_err(|_| {
				reject(
					StatusCode::SERVICE_UNAVAILABLE,
					"TranscoderBusy",
					format!(
						"no transcode slot became free within {} ms; retry shortly",
						config.transcode_wait_timeout.as_millis()
					),
				)
			})?
			.map_err(|_| {
				reject(
					StatusCode::SERVICE_UNAVAILABLE,
					"ShuttingDown",
					"the transcoder is shutting down",
				)
			})?;
	let state = state.clone();
	tokio::task::spawn_blocking(move || transcode_locked(&state, &stream, segment, &bytes))
		.await
		.map_err(|_| internal("the transcoding task failed"))?
}

/// The chain's terms for the stream, checked against the header's key and usable profiles.
async fn chain_terms(
	authority: Arc<dyn StreamAuthority>,
	stream_id: StreamId,
	broadcaster: &sr25519::Public,
) -> Result<StreamTerms, Rejection> {
	let terms = tokio::task::spawn_blocking(move || authority.terms(&stream_id))
		.await
		.map_err(|_| internal("the chain lookup task failed"))?
		.map_err(|error| {
			let message = error.to_string();
			let prefix = format!("{}: ", error.reason());
			let detail = message.strip_prefix(&prefix).unwrap_or(&message).to_string();
			reject(error.status(), error.reason(), detail)
		})?;
	if terms.broadcaster != *broadcaster {
		return Err(reject(
			StatusCode::FORBIDDEN,
			"WrongBroadcasterKey",
			format!(
				"segment signed by {}, the stream's segment key (on chain) is {}",
				key_hex(broadcaster),
				key_hex(&terms.broadcaster)
			),
		));
	}
	check_profiles(&terms.profiles)?;
	Ok(terms)
}

fn wrong_key_for_binding(signer: &sr25519::Public, bound: &sr25519::Public) -> Rejection {
	reject(
		StatusCode::FORBIDDEN,
		"WrongBroadcasterKey",
		format!(
			"segment signed by {}, the stream is bound to {} (the first key that published to it)",
			key_hex(signer),
			key_hex(bound)
		),
	)
}

/// A job's profiles must be valid, named as safe directory names (not `source`), distinct, and
/// at most as many as a receipt holds.
fn check_profiles(profiles: &[Profile]) -> Result<(), Rejection> {
	let bad = |detail: String| reject(StatusCode::UNPROCESSABLE_ENTITY, "BadJobProfiles", detail);
	if profiles.is_empty() || profiles.len() > olc_primitives::MAX_PROFILES as usize {
		return Err(bad(format!(
			"{} profiles; a job has 1 to {}",
			profiles.len(),
			olc_primitives::MAX_PROFILES
		)));
	}
	let mut names = Vec::with_capacity(profiles.len());
	for profile in profiles {
		profile.validate().map_err(|e| bad(format!("invalid profile: {e:?}")))?;
		let name = profile.name_str().unwrap_or_default();
		if !store::is_rendition_dir(name) || name == SOURCE_RENDITION || names.contains(&name) {
			return Err(bad(format!(
				"profile name {:?} cannot name a rendition",
				String::from_utf8_lossy(&profile.name)
			)));
		}
		names.push(name);
	}
	Ok(())
}

/// Counts a POST against the stream's rate: at most `max_segments_per_duration` per segment
/// duration on average over `stream_rate_window` (`StreamRateExceeded`, 429).
fn check_rate(config: &super::ServerConfig, stream: &Stream) -> Result<(), Rejection> {
	let window = config.stream_rate_window;
	let segment_seconds = f64::from(config.ladder.segment_seconds.max(1));
	let allowed = (config.max_segments_per_duration * window.as_secs_f64() / segment_seconds)
		.floor()
		.clamp(1.0, 1e9) as usize;
	let now = Instant::now();
	let mut posts = stream.posts.lock();
	while posts.front().is_some_and(|at| now.saturating_duration_since(*at) > window) {
		posts.pop_front();
	}
	if posts.len() >= allowed {
		return Err(reject(
			StatusCode::TOO_MANY_REQUESTS,
			"StreamRateExceeded",
			format!(
				"more than {allowed} segments in {} s ({} per {} s segment on average)",
				window.as_secs(),
				config.max_segments_per_duration,
				segment_seconds
			),
		));
	}
	posts.push_back(now);
	Ok(())
}

/// Reads the body, at most `max_segment_bytes`, within `body_timeout`, each piece within
/// `upload_read_timeout`.
async fn read_body(
	body: Option<Body>,
	headers: &HeaderMap,
	config: &super::ServerConfig,
) -> Result<Vec<u8>, Rejection> {
	let limit = config.max_segment_bytes;
	let too_large = || {
		reject(
			StatusCode::PAYLOAD_TOO_LARGE,
			"SegmentTooLarge",
			format!("segments may be at most {limit} bytes"),
		)
	};
	let mut body = body.ok_or_else(|| internal("the body was already taken"))?;
	let declared = headers
		.get(header::CONTENT_LENGTH)
		.and_then(|v| v.to_str().ok())
		.and_then(|v| v.parse::<u64>().ok());
	if declared.is_some_and(|length| length > limit as u64) {
		return Err(too_large());
	}
	let read = async {
		let mut bytes = Vec::with_capacity(declared.map_or(0, |d| d as usize));
		loop {
			let next = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx));
			let Some(frame) =
				tokio::time::timeout(config.upload_read_timeout, next).await.map_err(|_| {
					reject(
						StatusCode::REQUEST_TIMEOUT,
						"UploadTimeout",
						format!(
							"no body data for {} ms (after {} bytes)",
							config.upload_read_timeout.as_millis(),
							bytes.len()
						),
					)
				})?
			else {
				break;
			};
			let frame = frame
				.map_err(|e| reject(StatusCode::BAD_REQUEST, "BodyReadFailed", e.to_string()))?;
			if let Ok(data) = frame.into_data() {
				if bytes.len().saturating_add(data.len()) > limit {
					return Err(too_large());
				}
				bytes.extend_from_slice(&data);
			}
		}
		Ok::<_, Rejection>(bytes)
	};
	tokio::time::timeout(config.body_timeout, read).await.map_err(|_| {
		reject(
			StatusCode::REQUEST_TIMEOUT,
			"BodyTimeout",
			format!("the body did not arrive within {} ms", config.body_timeout.as_millis()),
		)
	})?
}

/// Reads and discards up to `limit` bytes of an unread body (for at most [`DRAIN_TIMEOUT`]).
async fn drain(mut body: Body, limit: usize) {
	let drained = async {
		let mut total = 0usize;
		while let Some(Ok(frame)) =
			std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
		{
			total = total.saturating_add(frame.data_ref().map_or(0, |data| data.len()));
			if total > limit {
				break;
			}
		}
	};
	let _ = tokio::time::timeout(DRAIN_TIMEOUT, drained).await;
}

/// The key the newest stored receipt of a stream was signed for (restores a chain-less
/// stream's binding after a restart).
fn stored_broadcaster(state: &AppState, stream_id: &StreamId) -> Option<sr25519::Public> {
	let data_dir = &state.config.data_dir;
	let newest = *store::stored_receipt_seqs(data_dir, stream_id).last()?;
	store::load_receipt(data_dir, stream_id, newest).map(|r| r.body.segment.header.broadcaster)
}

fn io_error(error: std::io::Error) -> Rejection {
	internal(format!("storage: {error}"))
}

/// Under the stream's work lock: binding, stored receipt, sequence window, transcode, receipt,
/// playlist.
fn transcode_locked(
	state: &AppState,
	stream: &Stream,
	segment: Segment,
	body: &[u8],
) -> Result<TranscodeReceipt, Rejection> {
	let config = &state.config;
	let data_dir = &config.data_dir;
	let Segment { stream_id, signed, profiles, terms } = segment;
	let seq = signed.header.seq;
	let mut work = stream.work.lock();

	if terms.is_none() {
		let broadcaster = signed.header.broadcaster;
		let bound = *stream
			.bound
			.get_or_init(|| stored_broadcaster(state, &stream_id).unwrap_or(broadcaster));
		if bound != broadcaster {
			return Err(wrong_key_for_binding(&broadcaster, &bound));
		}
	}
	// A stored receipt answers a retry (even across restarts); another header for the same seq
	// is a conflict.
	if let Some(stored) = store::load_receipt(data_dir, &stream_id, seq) {
		if stored.body.segment.header == signed.header {
			tracing::debug!(seq, "retried segment answered with its stored receipt");
			return Ok(stored);
		}
		return Err(reject(
			StatusCode::CONFLICT,
			"AlreadyTranscoded",
			format!(
				"segment {seq} was already transcoded from another header (segment hash 0x{})",
				hex::encode(stored.input_hash())
			),
		));
	}
	if let Some(highest) = work.highest_seq {
		if seq <= highest {
			return Err(reject(
				StatusCode::CONFLICT,
				"StaleSequence",
				format!("segment {seq} is at or below the highest received ({highest})"),
			));
		}
		if seq > highest.saturating_add(config.max_seq_ahead) {
			return Err(reject(
				StatusCode::CONFLICT,
				"TooFarAhead",
				format!(
					"segment {seq} is more than {} past the highest received ({highest})",
					config.max_seq_ahead
				),
			));
		}
	}

	let names: Vec<String> =
		profiles.iter().map(|p| p.name_str().unwrap_or("unnamed").to_string()).collect();
	if work.transcoder.as_ref().is_none_or(|t| t.config().profiles != profiles) {
		let transcoder = StreamTranscoder::new(config.ladder_for(profiles.clone()))
			.map_err(|e| internal(e.to_string()))?;
		let replaced = work.transcoder.replace(transcoder).is_some();
		let mut view = stream.view.write();
		if view.renditions != names {
			if replaced {
				tracing::info!(stream = ?stream_id, renditions = ?names, "the stream's renditions changed");
				view.window.clear();
			}
			view.variants.clear();
			view.renditions = names.clone();
		}
	}
	let transcoder = work.transcoder.as_mut().ok_or_else(|| internal("no transcoder"))?;

	store::create_dirs(data_dir, &stream_id, &names).map_err(io_error)?;
	let input_path = store::segment_path(data_dir, &stream_id, SOURCE_RENDITION, seq);
	std::fs::write(&input_path, body).map_err(io_error)?;
	let output_paths: Vec<PathBuf> = names
		.iter()
		.map(|name| store::segment_path(data_dir, &stream_id, name, seq))
		.collect();
	let started = Instant::now();
	let limits = SegmentLimits {
		declared_duration_ms: Some(signed.header.duration_ms),
		..config.segment_limits.clone()
	};
	let result = match transcoder.transcode_ingest(&input_path, &output_paths, &limits) {
		Ok(result) => result,
		Err(error) => {
			let _ = std::fs::remove_file(&input_path);
			return Err(media_refusal(seq, error));
		},
	};
	let transcode_time = started.elapsed();
	let mut output_hashes = Vec::with_capacity(output_paths.len());
	for path in &output_paths {
		output_hashes.push(blake2_256(&std::fs::read(path).map_err(io_error)?));
	}
	let duration_ms = signed.header.duration_ms;
	let receipt = TranscodeReceipt::sign(&config.transcoder_key, signed, output_hashes)
		.map_err(|e| internal(format!("cannot sign the receipt: {e:?}")))?;
	store::store_receipt(data_dir, &receipt).map_err(io_error)?;

	work.highest_seq = Some(seq);
	{
		let mut view = stream.view.write();
		if view.variants.is_empty() {
			view.variants = variants(&result, &profiles, body.len(), duration_ms);
		}
		let duration = if result.input_frames > 0 { f64::from(duration_ms) / 1000.0 } else { 0.0 };
		view.window.push(seq, duration);
		view.last_activity = Instant::now();
		view.ended = false;
	}
	drop(work);
	tracing::debug!(stream = ?stream_id, seq, ms = transcode_time.as_millis() as u64, "segment transcoded");
	if let (Some(authority), Some(terms)) = (&config.authority, &terms) {
		authority.transcoded(terms, &receipt, transcode_time);
	}
	Ok(receipt)
}

/// The named refusal of a segment the ladder could not or would not transcode
/// ([`crate::ingest_check::refusal`]).
fn media_refusal(seq: u64, error: MediaError) -> Rejection {
	let (status, reason) = crate::ingest_check::refusal(&error);
	let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
	reject(status, reason, format!("segment {seq}: {error}"))
}

/// The master playlist's entries: the source at its own frame rate, then each rendition at the
/// frame rate it was encoded with.
fn variants(
	result: &SegmentTranscode,
	profiles: &[Profile],
	input_bytes: usize,
	duration_ms: u32,
) -> Vec<Variant> {
	let measured = (duration_ms > 0 && result.input_frames > 1)
		.then(|| result.input_frames as f64 * 1000.0 / f64::from(duration_ms));
	let fallback = result.outputs.iter().map(|o| f64::from(o.fps)).fold(0.0, f64::max);
	let source_fps =
		result
			.input_fps
			.or(measured)
			.unwrap_or(if fallback > 0.0 { fallback } else { 30.0 });
	let mut variants = vec![Variant {
		name: SOURCE_RENDITION.into(),
		width: result.input_width,
		height: result.input_height,
		bandwidth: (input_bytes as u64).saturating_mul(8).saturating_mul(1000)
			/ u64::from(duration_ms.max(1)),
		fps: source_fps,
		codecs: hls::codecs_attribute(result.input_video_codec.as_deref(), result.has_audio),
	}];
	for (output, profile) in result.outputs.iter().zip(profiles) {
		variants.push(Variant {
			name: output.profile_name.clone(),
			width: output.width,
			height: output.height,
			// Peak: the VBV allows up to the target; add room for audio and TS overhead.
			bandwidth: u64::from(profile.bitrate_kbps).saturating_mul(1000) * 12 / 10 + 128_000,
			fps: f64::from(output.fps),
			codecs: hls::codecs_attribute(output.video_codec.as_deref(), result.has_audio),
		});
	}
	variants
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn job_profiles_must_name_safe_distinct_renditions() {
		let profile = |name: &[u8]| Profile::new(name, 426, 240, 250, 30).unwrap();
		assert!(check_profiles(&[profile(b"240p"), profile(b"144p")]).is_ok());
		for bad in [
			vec![],
			vec![profile(b"240p"), profile(b"240p")],
			vec![profile(b"../x")],
			vec![profile(b"source")],
			vec![profile(b"receipts")],
			(0..9).map(|i| profile(format!("p{i}").as_bytes())).collect(),
		] {
			assert_eq!(check_profiles(&bad).unwrap_err().reason, "BadJobProfiles", "{bad:?}");
		}
		let mut zero_fps = profile(b"240p");
		zero_fps.fps = 0;
		assert!(check_profiles(&[zero_fps]).is_err());
	}
}
