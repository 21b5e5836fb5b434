//! Small building blocks over ffmpeg-next shared by the ladder, the segmenter and the checker.

use ffmpeg_next::{
	codec, decoder, encoder, format, media, threading, Dictionary, Packet, Rational,
};
use std::path::Path;

/// Largest input picture accepted, in pixels (4096 × 2304). Bigger inputs are rejected before
/// any frame is decoded, so a hostile segment cannot make us allocate huge frames.
pub const MAX_INPUT_PIXELS: u64 = 4096 * 2304;

/// Errors of media handling, each naming what was wrong with the input or the pipeline.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
	#[error("input is empty")]
	EmptyInput,
	#[error("input is not readable media: {0}")]
	NotMedia(String),
	#[error("input has no video stream")]
	NoVideo,
	#[error("unsupported video codec {0}")]
	UnsupportedVideoCodec(String),
	#[error("unsupported audio codec {0} (only AAC audio is carried)")]
	UnsupportedAudioCodec(String),
	#[error("input resolution {width}x{height} exceeds the limit of {max_pixels} pixels")]
	ResolutionTooLarge { width: u32, height: u32, max_pixels: u64 },
	#[error("input has an invalid resolution {width}x{height}")]
	InvalidResolution { width: u32, height: u32 },
	#[error("input contains no decodable video frame")]
	NoDecodableFrames,
	#[error("demuxing failed: {0}")]
	Demux(String),
	#[error("encoder error: {0}")]
	Encoder(String),
	#[error("muxer error: {0}")]
	Mux(String),
	#[error("scaler error: {0}")]
	Scale(String),
	#[error("I/O error: {0}")]
	Io(#[from] std::io::Error),
	/// An ingest segment is not MPEG-TS (only the `mpegts` demuxer may open it).
	#[error("unsupported container {0} (segments must be MPEG-TS)")]
	UnsupportedContainer(String),
	/// An ingest segment's picture is larger than the configured box.
	#[error("input resolution {width}x{height} exceeds the limit of {max_width}x{max_height}")]
	ResolutionAboveLimit { width: u32, height: u32, max_width: u32, max_height: u32 },
	/// An ingest segment has more video frames than a segment may hold.
	#[error("the segment has more than {max} video frames")]
	TooManyFrames { max: u64 },
	/// An ingest segment's media duration differs from its signed header's.
	#[error("the media lasts {measured_ms} ms, the signed header says {declared_ms} ms")]
	DurationMismatch { declared_ms: u32, measured_ms: u64 },
}

/// x264 settings shared by every encoder we open, so the ladder and the benchmark's ffmpeg CLI
/// run can use identical settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct X264Settings {
	/// x264 preset, `veryfast` by default.
	pub preset: String,
	/// x264 tune. `zerolatency` by default: no B-frames and no lookahead, so every frame sent
	/// to the encoder comes out at once and the session can stay open across segments without
	/// draining. Any other tune works too, but then each segment end drains the encoder and
	/// the session is reopened (FFmpeg 5.1's libx264 wrapper cannot be flushed and reused).
	pub tune: Option<String>,
}

impl Default for X264Settings {
	fn default() -> Self {
		Self { preset: "veryfast".into(), tune: Some("zerolatency".into()) }
	}
}

impl X264Settings {
	/// The x264-params string: fixed GOP of `gop_frames`, no scene-cut keyframes, closed GOPs.
	pub fn x264_params(gop_frames: u32) -> String {
		format!("keyint={gop_frames}:min-keyint={gop_frames}:scenecut=0:open-gop=0")
	}
}

/// Parameters of one H.264 encoder.
#[derive(Clone, Debug)]
pub struct H264EncoderSpec {
	pub width: u32,
	pub height: u32,
	pub fps: u32,
	pub time_base: Rational,
	pub bitrate_kbps: u32,
	/// Distance between regular keyframes; segments additionally force an IDR at their start.
	pub gop_frames: u32,
	/// x264 threads: 1, or more as sliced threads (each frame cut into that many slices coded
	/// at once), which add no frame delay, so the session still needs no draining.
	pub threads: u32,
}

/// Opens libx264 with the given settings. Closed GOP, forced keyframes become IDR frames, and a
/// VBV of maxrate = bitrate, bufsize = 2 × bitrate keeps each segment near its target.
pub fn open_h264_encoder(
	spec: &H264EncoderSpec,
	settings: &X264Settings,
) -> Result<encoder::Video, MediaError> {
	let codec = encoder::find_by_name("libx264")
		.ok_or_else(|| MediaError::Encoder("libx264 is not available".into()))?;
	let mut video = codec::context::Context::new_with_codec(codec)
		.encoder()
		.video()
		.map_err(|e| MediaError::Encoder(e.to_string()))?;
	video.set_width(spec.width);
	video.set_height(spec.height);
	video.set_format(format::Pixel::YUV420P);
	video.set_time_base(spec.time_base);
	video.set_frame_rate(Some(Rational::new(spec.fps as i32, 1)));
	video.set_gop(spec.gop_frames);
	video.set_flags(codec::Flags::CLOSED_GOP);
	let bits_per_second = (spec.bitrate_kbps as usize).saturating_mul(1000);
	video.set_bit_rate(bits_per_second);
	video.set_max_bit_rate(bits_per_second);
	if spec.threads > 1 {
		video.set_threading(threading::Config {
			kind: threading::Type::Slice,
			count: spec.threads as usize,
			..Default::default()
		});
	}

	let mut options = Dictionary::new();
	options.set("preset", &settings.preset);
	if let Some(tune) = &settings.tune {
		options.set("tune", tune);
	}
	options.set("forced-idr", "1");
	options.set("bufsize", &bits_per_second.saturating_mul(2).to_string());
	options.set("x264-params", &X264Settings::x264_params(spec.gop_frames));
	video.open_with(options).map_err(|e| {
		MediaError::Encoder(format!(
			"cannot open libx264 {}x{} @{} kbps: {e}",
			spec.width, spec.height, spec.bitrate_kbps
		))
	})
}

/// Opens a video decoder for stream parameters, with frame threading on all cores (FFmpeg's
/// default thread count is 1, which makes decoding the bottleneck of the ladder).
pub fn open_video_decoder(params: codec::Parameters) -> Result<decoder::Video, MediaError> {
	let id = params.id();
	let mut context = codec::context::Context::from_parameters(params)
		.map_err(|_| MediaError::UnsupportedVideoCodec(format!("{id:?}")))?;
	context.set_threading(threading::Config { kind: threading::Type::Frame, ..Default::default() });
	context
		.decoder()
		.video()
		.map_err(|_| MediaError::UnsupportedVideoCodec(format!("{id:?}")))
}

/// The picture size that video stream parameters declare, if any (read through a codec context
/// made from them, which opens nothing).
pub fn parameters_size(params: &codec::Parameters) -> Option<(u32, u32)> {
	let context = codec::context::Context::from_parameters(params.clone()).ok()?;
	let video = context.encoder().video().ok()?;
	let (width, height) = (video.width(), video.height());
	(width > 0 && height > 0).then_some((width, height))
}

/// Opens an H.264 video decoder, whatever the stream parameters claim (ingest segments: no
/// other decoder is ever run on them).
pub fn open_h264_decoder(params: codec::Parameters) -> Result<decoder::Video, MediaError> {
	let id = params.id();
	if id != codec::Id::H264 {
		return Err(MediaError::UnsupportedVideoCodec(format!("{id:?}")));
	}
	let h264 = decoder::find(codec::Id::H264)
		.ok_or_else(|| MediaError::Encoder("the H.264 decoder is not available".into()))?;
	let mut context = codec::context::Context::from_parameters(params)
		.map_err(|_| MediaError::UnsupportedVideoCodec(format!("{id:?}")))?;
	context.set_threading(threading::Config { kind: threading::Type::Frame, ..Default::default() });
	context
		.decoder()
		.open_as(h264)
		.and_then(|opened| opened.video())
		.map_err(|e| MediaError::UnsupportedVideoCodec(format!("{id:?}: {e}")))
}

/// Opens an ingest segment with the `mpegts` demuxer, forced rather than probed: no other
/// demuxer's code (not even its probe function) ever runs on a segment's bytes. While FFmpeg
/// reads the streams' parameters only the H.264 and AAC decoders may be opened
/// (`codec_whitelist`). Then every audio and video stream must be AAC or H.264
/// (`UnsupportedAudioCodec` / `UnsupportedVideoCodec`), before anything else is decoded; a
/// segment in which the demuxer finds no program at all is `UnsupportedContainer`.
pub fn open_segment_input(path: &Path) -> Result<format::context::Input, MediaError> {
	let size = std::fs::metadata(path)?.len();
	if size == 0 {
		return Err(MediaError::EmptyInput);
	}
	let mut options = Dictionary::new();
	options.set("format_whitelist", "mpegts");
	options.set("codec_whitelist", "h264,aac");
	let forced = ffmpeg_next::Format::Input(mpegts_demuxer()?);
	let input = match format::open_with(path, &forced, options) {
		Ok(format::Context::Input(input)) => input,
		Ok(format::Context::Output(_)) => {
			return Err(MediaError::Demux("FFmpeg opened an output context".into()));
		},
		Err(error) => {
			return Err(MediaError::UnsupportedContainer(format!(
				"the mpegts demuxer refuses it: {error}"
			)))
		},
	};
	let name = input.format().name().to_string();
	if name != "mpegts" {
		return Err(MediaError::UnsupportedContainer(name));
	}
	if input.streams().count() == 0 {
		return Err(MediaError::UnsupportedContainer("no MPEG-TS program found".into()));
	}
	for stream in input.streams() {
		let id = stream.parameters().id();
		match stream.parameters().medium() {
			media::Type::Video if id != codec::Id::H264 => {
				return Err(MediaError::UnsupportedVideoCodec(format!("{id:?}")));
			},
			media::Type::Audio if id != codec::Id::AAC => {
				return Err(MediaError::UnsupportedAudioCodec(format!("{id:?}")));
			},
			_ => {},
		}
	}
	Ok(input)
}

/// FFmpeg's `mpegts` demuxer, to open segments with. ffmpeg-next has no safe lookup of a
/// demuxer by name (and this workspace forbids `unsafe`), so it is taken from a context that
/// FFmpeg opened, with only `mpegts` allowed, on a minimal MPEG-TS in memory (a program
/// association table, a program map table, null packets); the demuxer descriptions are static
/// in libavformat, so it stays valid after that context closes.
fn mpegts_demuxer() -> Result<format::Input, MediaError> {
	const PACKET: usize = 188;
	// PID 0: the PAT (program 1 on PID 0x1000); PID 0x1000: its PMT (one stream on PID 0x100).
	// Each is a TS header and a PSI section with its CRC-32, then stuffing (as FFmpeg's muxer
	// writes them).
	const PAT: &[u8] = &[
		0x47, 0x40, 0x00, 0x10, 0x00, 0x00, 0xb0, 0x0d, 0x00, 0x01, 0xc1, 0x00, 0x00, 0x00, 0x01,
		0xf0, 0x00, 0x2a, 0xb1, 0x04, 0xb2,
	];
	const PMT: &[u8] = &[
		0x47, 0x50, 0x00, 0x10, 0x00, 0x02, 0xb0, 0x12, 0x00, 0x01, 0xc1, 0x00, 0x00, 0xe1, 0x00,
		0xf0, 0x00, 0x04, 0xe1, 0x00, 0xf0, 0x00, 0x2c, 0x65, 0x6f, 0x48,
	];
	const NULL: &[u8] = &[0x47, 0x1f, 0xff, 0x10];
	let mut stream = Vec::with_capacity(PACKET * 20);
	for head in [PAT, PMT].into_iter().chain(std::iter::repeat_n(NULL, 18)) {
		stream.extend_from_slice(head);
		stream.resize(stream.len().saturating_add(PACKET.saturating_sub(head.len())), 0xff);
	}
	let io = format::context::StreamIo::from_read(std::io::Cursor::new(stream))
		.map_err(|e| MediaError::Demux(format!("cannot find the mpegts demuxer: {e}")))?;
	let mut options = Dictionary::new();
	options.set("format_whitelist", "mpegts");
	let probe = format::input_from_stream(io, None, Some(options))
		.map_err(|e| MediaError::Demux(format!("cannot find the mpegts demuxer: {e}")))?;
	let demuxer = probe.format();
	if demuxer.name() != "mpegts" {
		return Err(MediaError::Demux(format!(
			"found {} instead of the mpegts demuxer",
			demuxer.name()
		)));
	}
	Ok(demuxer)
}

/// Opens a file as media input, with a clear error for empty and unreadable files.
pub fn open_input(path: &Path) -> Result<format::context::Input, MediaError> {
	let size = std::fs::metadata(path)?.len();
	if size == 0 {
		return Err(MediaError::EmptyInput);
	}
	format::input(path).map_err(|e| MediaError::NotMedia(e.to_string()))
}

/// Reads every packet of an input, stopping on end of file or on a terminal read error (which
/// is returned along with the packets read so far, so truncated inputs keep what is usable).
pub fn read_all_packets(input: &mut format::context::Input) -> (Vec<Packet>, Option<String>) {
	let mut packets = Vec::new();
	// Corrupt packets are skipped by the demuxer and yield InvalidData; allow a bounded number
	// of them before giving up, so garbage input cannot spin for long.
	let mut invalid_packets = 0u32;
	loop {
		let mut packet = Packet::empty();
		match packet.read(input) {
			Ok(()) => packets.push(packet),
			Err(ffmpeg_next::Error::Eof) => return (packets, None),
			Err(ffmpeg_next::Error::InvalidData) if invalid_packets < 1000 => {
				invalid_packets = invalid_packets.saturating_add(1);
			},
			Err(e) => return (packets, Some(e.to_string())),
		}
	}
}

/// Index of the best video stream.
pub fn best_stream(input: &format::context::Input, kind: media::Type) -> Option<usize> {
	input.streams().best(kind).map(|stream| stream.index())
}

/// Output resolution for a profile on a given source: the source scaled to fit inside the
/// profile's box, keeping its aspect ratio (a 4:3 or portrait source is not stretched to a 16:9
/// rung) and never upscaling (a source smaller than the box keeps its size). Both dimensions are
/// rounded to the nearest even number (4:2:0 needs even sizes), never above the box or the
/// source, and at least 2. The ladder and the checker both use this, so the checker expects
/// exactly the size the ladder produces.
///
/// Examples: 1920×1080 into 1280×720 gives 1280×720; 640×480 (4:3) into 426×240 gives
/// 320×240; 720×1280 (portrait) into 854×480 gives 270×480; 640×360 into 1280×720 stays
/// 640×360.
pub fn rendition_size(profile_w: u32, profile_h: u32, src_w: u32, src_h: u32) -> (u32, u32) {
	if src_w == 0 || src_h == 0 {
		return (even_at_least_two(profile_w), even_at_least_two(profile_h));
	}
	let (box_w, box_h) = (profile_w.min(src_w), profile_h.min(src_h));
	let scale = (f64::from(profile_w) / f64::from(src_w))
		.min(f64::from(profile_h) / f64::from(src_h))
		.min(1.0);
	let fit = |source: u32, bound: u32| -> u32 {
		let exact = f64::from(source) * scale;
		// Nearest even number, then kept inside the box (the bound rounded down to even).
		let even = ((exact / 2.0).round() * 2.0).clamp(0.0, f64::from(u32::MAX)) as u32;
		even_at_least_two(even.min(bound & !1))
	};
	(fit(src_w, box_w), fit(src_h, box_h))
}
fn even_at_least_two(value: u32) -> u32 {
	(value & !1).max(2)
}

/// Frame rate of a stream as a float, if known.
pub fn stream_fps(rate: Rational) -> Option<f64> {
	if rate.numerator() > 0 && rate.denominator() > 0 {
		Some(f64::from(rate.numerator()) / f64::from(rate.denominator()))
	} else {
		None
	}
}

/// Seconds of a timestamp in a time base.
pub fn seconds(ts: i64, time_base: Rational) -> f64 {
	if time_base.denominator() == 0 {
		return 0.0;
	}
	ts as f64 * f64::from(time_base.numerator()) / f64::from(time_base.denominator())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn rendition_size_never_upscales() {
		assert_eq!(rendition_size(1280, 720, 1920, 1080), (1280, 720));
		assert_eq!(rendition_size(854, 480, 854, 480), (854, 480));
		assert_eq!(rendition_size(854, 480, 1280, 720), (854, 480));
		assert_eq!(rendition_size(426, 240, 640, 360), (426, 240));
		assert_eq!(rendition_size(426, 240, 1280, 720), (426, 240));
		// Source smaller than the profile: keep the source size.
		assert_eq!(rendition_size(1280, 720, 640, 360), (640, 360));
		assert_eq!(rendition_size(854, 480, 640, 480), (640, 480));
		assert_eq!(rendition_size(1280, 720, 641, 361), (640, 360));
	}

	#[test]
	fn rendition_size_keeps_the_aspect_ratio() {
		// 4:3 into a 16:9 box: fits the height, narrower than the box.
		assert_eq!(rendition_size(426, 240, 640, 480), (320, 240));
		assert_eq!(rendition_size(854, 480, 1440, 1080), (640, 480));
		// Portrait into a landscape box.
		assert_eq!(rendition_size(854, 480, 720, 1280), (270, 480));
		assert_eq!(rendition_size(426, 240, 360, 640), (136, 240));
		// Wider than 16:9 fits the width.
		assert_eq!(rendition_size(1280, 720, 2560, 1080), (1280, 540));
		// Degenerate sources never give zero or odd sizes.
		assert_eq!(rendition_size(426, 240, 4000, 2), (426, 2));
		assert_eq!(rendition_size(426, 240, 0, 0), (426, 240));
	}
}
