//! The untrusted side of ingest: what a broadcaster's bytes go through before anything is
//! encoded, shared by the service ([`crate::server`]), the fuzz target
//! (`fuzz/fuzz_targets/segment.rs`) and its stable replay (`tests/fuzz_replay.rs`).
//!
//! A segment is accepted only as MPEG-TS with H.264 video and AAC audio: the container is sniffed
//! (sync bytes every 188 bytes), then opened with the `mpegts` demuxer forced (never probed,
//! see [`media::open_segment_input`]) and only the H.264 and AAC decoders allowed; every video
//! and audio stream's codec is checked before a frame is decoded; the frame count and the
//! media's duration against the signed `duration_ms` are checked on the demuxed packets, and
//! the picture size on the stream parameters and on every decoded frame ([`SegmentLimits`]).
//! Each failure has a name ([`refusal`]).
//!
//! [`check_fuzz_input`] is the fuzz target's entry point: a fuzz input is a SCALE
//! [`SignedSegmentHeader`] followed by the segment's bytes ([`fuzz_input`] builds one). It runs
//! the header decoding and the media path above (demux, then decode every video frame); it
//! skips the two cryptographic checks (the broadcaster's signature and the body's hash), which a
//! mutating fuzzer could never pass and which the service's own tests cover.

use crate::{
	ladder::{self, SegmentLimits},
	media::{self, MediaError},
};
use codec::Decode;
use ffmpeg_next::{media::Type as MediaType, Packet};
use olc_primitives::SignedSegmentHeader;
use std::{
	path::Path,
	sync::atomic::{AtomicU64, Ordering},
};

/// Every reason a segment's media can be refused with (the first word of the refusal body).
pub const MEDIA_REASONS: [&str; 7] = [
	"EmptySegment",
	"UnsupportedContainer",
	"UnsupportedCodec",
	"ResolutionTooLarge",
	"TooManyFrames",
	"DurationMismatch",
	"Untranscodable",
];

/// A named refusal of an untrusted segment: HTTP status, reason, details.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}: {detail}")]
pub struct SegmentRefusal {
	/// The HTTP status the service answers with.
	pub status: u16,
	/// The named reason (one of [`MEDIA_REASONS`], or `MalformedHeader`, or `Internal` for a
	/// failure on our side).
	pub reason: &'static str,
	/// Human-readable details.
	pub detail: String,
}

impl SegmentRefusal {
	fn new(status: u16, reason: &'static str, detail: impl Into<String>) -> Self {
		Self { status, reason, detail: detail.into() }
	}
}

/// The status and named reason of a media error of an ingest segment. Errors on our side
/// (storage, muxing, scaling) are `Internal` (500).
pub fn refusal(error: &MediaError) -> (u16, &'static str) {
	match error {
		MediaError::Io(_) | MediaError::Mux(_) | MediaError::Scale(_) => (500, "Internal"),
		MediaError::EmptyInput => (400, "EmptySegment"),
		MediaError::UnsupportedContainer(_) => (415, "UnsupportedContainer"),
		MediaError::UnsupportedVideoCodec(_) | MediaError::UnsupportedAudioCodec(_) => {
			(415, "UnsupportedCodec")
		},
		MediaError::ResolutionAboveLimit { .. } | MediaError::ResolutionTooLarge { .. } => {
			(422, "ResolutionTooLarge")
		},
		MediaError::TooManyFrames { .. } => (422, "TooManyFrames"),
		MediaError::DurationMismatch { .. } => (422, "DurationMismatch"),
		MediaError::NotMedia(_)
		| MediaError::NoVideo
		| MediaError::InvalidResolution { .. }
		| MediaError::NoDecodableFrames
		| MediaError::Demux(_)
		| MediaError::Encoder(_) => (422, "Untranscodable"),
	}
}

/// True when `body` looks like MPEG-TS: a sync byte at the start of each of its first four
/// 188-byte packets (a cheap refusal of other containers before FFmpeg sees them).
pub fn looks_like_mpeg_ts(body: &[u8]) -> bool {
	const PACKET: usize = 188;
	let packets = (body.len() / PACKET).min(4);
	packets > 0 && (0..packets).all(|i| body.get(i.saturating_mul(PACKET)) == Some(&0x47))
}

/// What the checks found in a segment that passed them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentFacts {
	/// Picture size of the decoded frames.
	pub width: u32,
	/// See `width`.
	pub height: u32,
	/// Video frames decoded.
	pub frames: u64,
	/// Whether the segment carries (AAC) audio.
	pub has_audio: bool,
}

/// Opens the segment at `path` as [`media::open_segment_input`] does, checks it against
/// `limits` and decodes every video frame with the H.264 decoder (sizes and count checked on
/// each). Corrupt packets are skipped as the ladder skips them; a segment without one decodable
/// frame is `NoDecodableFrames`.
pub fn check_segment_file(path: &Path, limits: &SegmentLimits) -> Result<SegmentFacts, MediaError> {
	let mut input = media::open_segment_input(path)?;
	let video_index = media::best_stream(&input, MediaType::Video).ok_or(MediaError::NoVideo)?;
	let has_audio = media::best_stream(&input, MediaType::Audio).is_some();
	let stream = input.stream(video_index).ok_or(MediaError::NoVideo)?;
	let time_base = stream.time_base();
	let fps =
		media::stream_fps(stream.avg_frame_rate()).or_else(|| media::stream_fps(stream.rate()));
	let mut decoder = media::open_h264_decoder(stream.parameters())?;
	check_picture(decoder.width(), decoder.height(), limits)?;
	let (packets, read_error) = media::read_all_packets(&mut input);
	let video: Vec<Packet> =
		packets.into_iter().filter(|packet| packet.stream() == video_index).collect();
	if video.is_empty() {
		return Err(read_error.map_or(MediaError::NoDecodableFrames, MediaError::Demux));
	}
	ladder::check_packets(&video, video_index, time_base, fps, limits)?;

	let mut facts = SegmentFacts { width: 0, height: 0, frames: 0, has_audio };
	let mut frame = ffmpeg_next::frame::Video::empty();
	let mut receive = |decoder: &mut ffmpeg_next::decoder::Video,
	                   facts: &mut SegmentFacts|
	 -> Result<(), MediaError> {
		while decoder.receive_frame(&mut frame).is_ok() {
			check_picture(frame.width(), frame.height(), limits)?;
			facts.frames = facts.frames.saturating_add(1);
			if facts.frames > limits.max_frames {
				return Err(MediaError::TooManyFrames { max: limits.max_frames });
			}
			(facts.width, facts.height) = (frame.width(), frame.height());
		}
		Ok(())
	};
	for packet in &video {
		// A packet the decoder refuses is skipped, as a player would.
		if decoder.send_packet(packet).is_ok() {
			receive(&mut decoder, &mut facts)?;
		}
	}
	if decoder.send_eof().is_ok() {
		receive(&mut decoder, &mut facts)?;
	}
	if facts.frames == 0 {
		return Err(MediaError::NoDecodableFrames);
	}
	Ok(facts)
}

/// Picture size within `limits` and within [`media::MAX_INPUT_PIXELS`] (0×0: not known yet).
fn check_picture(width: u32, height: u32, limits: &SegmentLimits) -> Result<(), MediaError> {
	if width == 0 && height == 0 {
		return Ok(());
	}
	if u64::from(width).saturating_mul(u64::from(height)) > media::MAX_INPUT_PIXELS {
		return Err(MediaError::ResolutionTooLarge {
			width,
			height,
			max_pixels: media::MAX_INPUT_PIXELS,
		});
	}
	limits.check_size(width, height)
}

/// A fuzz input: the SCALE header followed by the segment's bytes.
pub fn fuzz_input(header: &SignedSegmentHeader, body: &[u8]) -> Vec<u8> {
	let mut bytes = codec::Encode::encode(header);
	bytes.extend_from_slice(body);
	bytes
}

/// The fuzz target's entry point (see the module docs): decodes the header at the start of
/// `data`, then checks the rest as a segment declared to last the header's `duration_ms`,
/// under `limits` (its `declared_duration_ms` is replaced by the header's). The bytes are
/// written to a file in `scratch_dir` (FFmpeg opens segments by path), removed afterwards.
/// Never panics: every outcome is the segment's facts or a named refusal.
pub fn check_fuzz_input(
	data: &[u8],
	limits: &SegmentLimits,
	scratch_dir: &Path,
) -> Result<SegmentFacts, SegmentRefusal> {
	let mut rest = data;
	let header = SignedSegmentHeader::decode(&mut rest).map_err(|_| {
		SegmentRefusal::new(
			400,
			"MalformedHeader",
			"the input does not start with a SCALE SignedSegmentHeader",
		)
	})?;
	if rest.is_empty() {
		return Err(SegmentRefusal::new(400, "EmptySegment", "the body is empty"));
	}
	if !looks_like_mpeg_ts(rest) {
		return Err(SegmentRefusal::new(
			415,
			"UnsupportedContainer",
			"the segment is not MPEG-TS (no sync byte every 188 bytes)",
		));
	}
	static NEXT: AtomicU64 = AtomicU64::new(0);
	let name =
		format!("segment-{}-{}.ts", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
	let path = scratch_dir.join(name);
	std::fs::write(&path, rest)
		.map_err(|e| SegmentRefusal::new(500, "Internal", format!("scratch file: {e}")))?;
	let limits =
		SegmentLimits { declared_duration_ms: Some(header.header.duration_ms), ..limits.clone() };
	let result = check_segment_file(&path, &limits);
	let _ = std::fs::remove_file(&path);
	result.map_err(|error| {
		let (status, reason) = refusal(&error);
		SegmentRefusal::new(status, reason, error.to_string())
	})
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
	fn every_media_error_has_a_named_reason() {
		for error in [
			MediaError::EmptyInput,
			MediaError::NoVideo,
			MediaError::UnsupportedContainer("mov".into()),
			MediaError::UnsupportedVideoCodec("HEVC".into()),
			MediaError::TooManyFrames { max: 1 },
			MediaError::DurationMismatch { declared_ms: 1, measured_ms: 2 },
			MediaError::ResolutionAboveLimit { width: 1, height: 1, max_width: 0, max_height: 0 },
		] {
			assert!(MEDIA_REASONS.contains(&refusal(&error).1), "{error}");
		}
		assert_eq!(refusal(&MediaError::Mux("x".into())), (500, "Internal"));
	}
}
