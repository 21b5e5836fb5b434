//! The rendition ladder: decode a segment once, scale per rendition, encode H.264 per rendition,
//! copy the AAC audio, write one MPEG-TS file per rendition.
//!
//! A [`StreamTranscoder`] belongs to one stream and keeps one encoder session per rendition
//! open across segments (reopening x264 for every segment costs a lot: Livepeer measured about
//! 1.75× slowdown). Each output segment still starts with an IDR frame and contains a closed
//! GOP, so it decodes on its own.
//!
//! Output sizes come from [`media::rendition_size`]: the source fitted inside each profile's
//! box with its aspect ratio kept, never upscaled. Frame rates are the profile's, or the
//! source's when that is lower.
//!
//! [`LadderConfig::tamper`] exists for the network's defence tests only: it makes the ladder
//! produce valid renditions of the wrong picture (see the field's docs).

use crate::media::{
	self, open_h264_encoder, H264EncoderSpec, MediaError, X264Settings, MAX_INPUT_PIXELS,
};
use ffmpeg_next::{
	codec, decoder, encoder, format, frame, media::Type as MediaType, picture, software::scaling,
	Packet, Rational,
};
use olc_primitives::Profile;
use std::{
	path::{Path, PathBuf},
	sync::{
		mpsc::{Receiver, SyncSender},
		Arc,
	},
};

/// Configuration of a stream's ladder.
#[derive(Clone, Debug)]
pub struct LadderConfig {
	/// Renditions, in the job's order (receipts list output hashes in this order).
	pub profiles: Vec<Profile>,
	/// x264 settings for every rendition.
	pub x264: X264Settings,
	/// Nominal segment duration in seconds; sets the regular keyframe interval.
	pub segment_seconds: u32,
	/// Defence tests only: encode every frame with its luma inverted (a photographic negative).
	/// The outputs stay valid H.264 MPEG-TS renditions of the right size, frame rate, duration
	/// and bitrate, so only a content check ([`crate::check`]) tells them from honest ones.
	/// Always `false` in production.
	pub tamper: bool,
}

impl LadderConfig {
	/// The default ladder with default x264 settings and 2 s segments.
	pub fn default_ladder() -> Self {
		Self {
			profiles: olc_primitives::default_ladder(),
			x264: X264Settings::default(),
			segment_seconds: 2,
			tamper: false,
		}
	}

	/// The given renditions with default x264 settings and 2 s segments.
	pub fn with_profiles(profiles: Vec<Profile>) -> Self {
		Self { profiles, ..Self::default_ladder() }
	}
}

/// What an ingest segment may be ([`StreamTranscoder::transcode_ingest`]). Checked while
/// demuxing and decoding, before most of the work: the packet count and timestamp span right
/// after demuxing (nothing decoded yet), the picture size from the stream parameters and again
/// on every decoded frame, the frame count on every decoded frame.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentLimits {
	/// Widest picture accepted (the box may also be turned: a portrait picture fits when it is
	/// at most `max_height` wide and `max_width` tall).
	pub max_width: u32,
	/// Tallest picture accepted (see `max_width`).
	pub max_height: u32,
	/// Most video frames (packets) in one segment.
	pub max_frames: u64,
	/// The duration the signed header declares, in milliseconds; `None`: not checked.
	pub declared_duration_ms: Option<u32>,
	/// Allowed relative difference between the media's duration and the declared one (plus one
	/// frame), e.g. `0.1`.
	pub duration_tolerance: f64,
}

impl SegmentLimits {
	/// 1920×1080 (either orientation), 600 frames (10 s at 60 fps), no declared duration, 10 % tolerance.
	pub fn new() -> Self {
		Self {
			max_width: 1920,
			max_height: 1080,
			max_frames: 600,
			declared_duration_ms: None,
			duration_tolerance: 0.1,
		}
	}

	pub(crate) fn check_size(&self, width: u32, height: u32) -> Result<(), MediaError> {
		let fits = |w: u32, h: u32| width <= w && height <= h;
		if !fits(self.max_width, self.max_height) && !fits(self.max_height, self.max_width) {
			return Err(MediaError::ResolutionAboveLimit {
				width,
				height,
				max_width: self.max_width,
				max_height: self.max_height,
			});
		}
		Ok(())
	}

	/// Compares the media's duration (`span_seconds`, first to last frame timestamp, plus one
	/// frame of `frame_seconds`) with the declared one.
	fn check_duration(&self, span_seconds: f64, frame_seconds: f64) -> Result<(), MediaError> {
		let Some(declared_ms) = self.declared_duration_ms else { return Ok(()) };
		let measured = span_seconds + frame_seconds;
		let declared = f64::from(declared_ms) / 1000.0;
		if (measured - declared).abs() > declared * self.duration_tolerance + frame_seconds {
			return Err(MediaError::DurationMismatch {
				declared_ms,
				measured_ms: (measured * 1000.0).round().clamp(0.0, u64::MAX as f64) as u64,
			});
		}
		Ok(())
	}
}

impl Default for SegmentLimits {
	fn default() -> Self {
		Self::new()
	}
}

/// One written rendition of one segment.
#[derive(Clone, Debug)]
pub struct RenditionOutput {
	/// Profile name, e.g. `480p`.
	pub profile_name: String,
	/// Where the MPEG-TS file was written.
	pub path: PathBuf,
	/// Actual output width: the source fitted inside the profile's box (see
	/// [`media::rendition_size`]).
	pub width: u32,
	/// Actual output height.
	pub height: u32,
	/// Output frame rate: the profile's, or the source's when that is lower.
	pub fps: u32,
	/// Video frames written.
	pub frames: u64,
	/// RFC 6381 name of the encoded video (`avc1.PPCCLL`, from its SPS), if seen.
	pub video_codec: Option<String>,
}

/// Result of transcoding one segment.
#[derive(Clone, Debug)]
pub struct SegmentTranscode {
	/// One entry per profile, in profile order.
	pub outputs: Vec<RenditionOutput>,
	/// Video frames decoded from the input.
	pub input_frames: u64,
	/// Width of the input's first decoded frame.
	pub input_width: u32,
	/// Height of the input's first decoded frame.
	pub input_height: u32,
	/// The input's frame rate as its video stream declares it (average, else nominal), if
	/// known.
	pub input_fps: Option<f64>,
	/// RFC 6381 name of the input's video (`avc1.PPCCLL`, from its SPS), if seen.
	pub input_video_codec: Option<String>,
	/// The input carries AAC audio (copied into every rendition).
	pub has_audio: bool,
}

/// Counters that show whether sessions were kept alive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionStats {
	/// Encoder sessions opened over the stream's lifetime.
	pub encoders_opened: u64,
	/// Segments transcoded successfully.
	pub segments: u64,
}

/// One rendition's encoder, alive across segments.
struct VideoSession {
	encoder: encoder::Video,
	width: u32,
	height: u32,
	fps: u32,
	/// Encode the picture's negative (see [`LadderConfig::tamper`]).
	tamper: bool,
	/// Time base the encoder was opened with; input timestamps are rescaled into it.
	time_base: Rational,
	/// Last output frame slot (time since the segment's first frame × fps), for dropping
	/// frames of faster sources.
	last_slot: Option<i64>,
	/// Timestamp of the current segment's first frame, in the session time base.
	segment_origin: i64,
	frames_sent: u64,
	packets_received: u64,
}

/// A scaler and the source format it was built for.
type Scaler = (ScalerKey, scaling::Context);

#[derive(Clone, Copy, PartialEq, Eq)]
struct ScalerKey {
	format: format::Pixel,
	width: u32,
	height: u32,
}

/// Transcodes the segments of one stream.
pub struct StreamTranscoder {
	config: LadderConfig,
	sessions: Vec<Option<VideoSession>>,
	stats: SessionStats,
}

/// Per-segment output muxer of one rendition.
struct RenditionMuxer {
	output: format::context::Output,
	video_time_base: Rational,
	audio_time_base: Option<Rational>,
	frames: u64,
	/// `avc1.PPCCLL` from the SPS of the first packets written.
	video_codec: Option<String>,
}

impl StreamTranscoder {
	/// A transcoder for one stream with the given ladder.
	pub fn new(config: LadderConfig) -> Result<Self, MediaError> {
		crate::init_ffmpeg().map_err(|e| MediaError::Encoder(e.to_string()))?;
		let sessions = config.profiles.iter().map(|_| None).collect();
		Ok(Self { config, sessions, stats: SessionStats::default() })
	}

	/// The ladder configuration.
	pub fn config(&self) -> &LadderConfig {
		&self.config
	}

	/// Session counters.
	pub fn stats(&self) -> SessionStats {
		self.stats
	}

	/// Transcodes the MPEG-TS (or any demuxable) segment at `input` into one MPEG-TS file per
	/// profile at `output_paths` (same order as the profiles). On error, partial outputs are
	/// removed and the stream's sessions stay usable for the next segment.
	pub fn transcode_segment(
		&mut self,
		input: &Path,
		output_paths: &[PathBuf],
	) -> Result<SegmentTranscode, MediaError> {
		self.transcode_checked(input, output_paths, None)
	}

	/// Like [`Self::transcode_segment`], for a broadcaster's segment: opened with the `mpegts`
	/// demuxer and the H.264 decoder only (see [`media::open_segment_input`]), and refused when
	/// it breaks `limits` (named [`MediaError`]s: `UnsupportedContainer`,
	/// `UnsupportedVideoCodec`, `UnsupportedAudioCodec`, `ResolutionAboveLimit`,
	/// `TooManyFrames`, `DurationMismatch`).
	pub fn transcode_ingest(
		&mut self,
		input: &Path,
		output_paths: &[PathBuf],
		limits: &SegmentLimits,
	) -> Result<SegmentTranscode, MediaError> {
		self.transcode_checked(input, output_paths, Some(limits))
	}

	fn transcode_checked(
		&mut self,
		input: &Path,
		output_paths: &[PathBuf],
		limits: Option<&SegmentLimits>,
	) -> Result<SegmentTranscode, MediaError> {
		if output_paths.len() != self.config.profiles.len() {
			return Err(MediaError::Mux(format!(
				"{} output paths for {} profiles",
				output_paths.len(),
				self.config.profiles.len()
			)));
		}
		let result = self.transcode_inner(input, output_paths, limits);
		match &result {
			Ok(_) => self.stats.segments = self.stats.segments.saturating_add(1),
			Err(_) => {
				for path in output_paths {
					let _ = std::fs::remove_file(path);
				}
				// A failed segment may leave frames inside an encoder; start those renditions
				// afresh so the next segment is clean.
				for session in &mut self.sessions {
					if session.as_ref().is_some_and(|s| s.frames_sent != s.packets_received) {
						*session = None;
					}
				}
			},
		}
		result
	}

	fn transcode_inner(
		&mut self,
		input_path: &Path,
		output_paths: &[PathBuf],
		limits: Option<&SegmentLimits>,
	) -> Result<SegmentTranscode, MediaError> {
		let mut input = match limits {
			Some(_) => media::open_segment_input(input_path)?,
			None => media::open_input(input_path)?,
		};
		if limits.is_some() {
			// Ingest: every audio and video stream must be AAC and H.264, not just the best.
			for stream in input.streams() {
				let id = stream.parameters().id();
				match stream.parameters().medium() {
					MediaType::Video if id != codec::Id::H264 => {
						return Err(MediaError::UnsupportedVideoCodec(format!("{id:?}")));
					},
					MediaType::Audio if id != codec::Id::AAC => {
						return Err(MediaError::UnsupportedAudioCodec(format!("{id:?}")));
					},
					_ => {},
				}
			}
		}
		let video_index =
			media::best_stream(&input, MediaType::Video).ok_or(MediaError::NoVideo)?;
		let video_stream = input.stream(video_index).ok_or(MediaError::NoVideo)?;
		let video_time_base = video_stream.time_base();
		let video_params = video_stream.parameters();
		let source_fps = media::stream_fps(video_stream.avg_frame_rate())
			.or_else(|| media::stream_fps(video_stream.rate()));

		let audio = match media::best_stream(&input, MediaType::Audio) {
			Some(index) => {
				let stream = input.stream(index).ok_or(MediaError::NoVideo)?;
				let params = stream.parameters();
				if params.id() != codec::Id::AAC {
					return Err(MediaError::UnsupportedAudioCodec(format!("{:?}", params.id())));
				}
				Some((index, stream.time_base(), params))
			},
			None => None,
		};
		let audio_index = audio.as_ref().map(|(index, _, _)| *index);
		let audio_time_base = audio.as_ref().map(|(_, time_base, _)| *time_base);

		let mut decoder = match limits {
			Some(_) => media::open_h264_decoder(video_params)?,
			None => media::open_video_decoder(video_params)?,
		};
		check_resolution(decoder.width(), decoder.height(), false)?;
		if let Some(limits) = limits {
			limits.check_size(decoder.width(), decoder.height())?;
		}

		let (packets, read_error) = media::read_all_packets(&mut input);
		if packets.is_empty() {
			return Err(read_error.map_or(MediaError::NoDecodableFrames, MediaError::Demux));
		}
		if let Some(limits) = limits {
			check_packets(&packets, video_index, video_time_base, source_fps, limits)?;
		}
		let input_video_codec = packets
			.iter()
			.filter(|packet| packet.stream() == video_index)
			.take(4)
			.find_map(|packet| packet.data().and_then(crate::hls::avc1_codec));
		let mut feed =
			DecoderFeed { packets: &packets, next: 0, ended: false, video_index, audio_index };

		// Decode up to the first frame: its size decides the rendition sizes. Audio read before
		// it is held and written once the outputs exist.
		let mut held_audio = Vec::new();
		let first_frame = loop {
			match feed.next_item(&mut decoder) {
				Some(Decoded::Frame(frame)) => break frame,
				Some(Decoded::Audio(packet)) => held_audio.push(packet),
				None => {
					return Err(read_error.map_or(MediaError::NoDecodableFrames, MediaError::Demux))
				},
			}
		};
		check_resolution(first_frame.width(), first_frame.height(), true)?;
		if let Some(limits) = limits {
			limits.check_size(first_frame.width(), first_frame.height())?;
		}
		let source_size = (first_frame.width(), first_frame.height());
		let audio_stream =
			audio.as_ref().map(|(_, time_base, params)| (*time_base, params.clone()));
		let mut muxers = self.open_outputs(
			source_size,
			source_fps,
			video_time_base,
			output_paths,
			audio_stream,
		)?;
		for muxer in &mut muxers {
			for packet in &held_audio {
				muxer.write_audio(packet, audio_time_base)?;
			}
		}

		// Every rendition scales and encodes on its own thread while this one decodes, so the
		// renditions (and decoding) share the cores instead of running one after another.
		let mut input_frames = 1u64;
		let (worker_results, decode_error) = std::thread::scope(|scope| {
			let mut senders = Vec::with_capacity(muxers.len());
			let mut workers = Vec::with_capacity(muxers.len());
			for (session, muxer) in self.sessions.iter_mut().zip(muxers.iter_mut()) {
				let (sender, receiver) = std::sync::mpsc::sync_channel::<WorkItem>(8);
				senders.push(sender);
				workers.push(scope.spawn(move || match session.as_mut() {
					Some(session) => {
						rendition_worker(session, muxer, video_time_base, audio_time_base, receiver)
					},
					None => Err(MediaError::Encoder("rendition was not opened".into())),
				}));
			}
			dispatch(&senders, WorkItem::Frame(Arc::new(first_frame), true));
			let mut decode_error = None;
			while let Some(item) = feed.next_item(&mut decoder) {
				match item {
					Decoded::Frame(frame) => {
						let checked = check_resolution(frame.width(), frame.height(), true)
							.and_then(|()| match limits {
								Some(limits) if input_frames >= limits.max_frames => {
									Err(MediaError::TooManyFrames { max: limits.max_frames })
								},
								Some(limits) => limits.check_size(frame.width(), frame.height()),
								None => Ok(()),
							});
						if let Err(error) = checked {
							decode_error = Some(error);
							break;
						}
						input_frames = input_frames.saturating_add(1);
						dispatch(&senders, WorkItem::Frame(Arc::new(frame), false));
					},
					Decoded::Audio(packet) => dispatch(&senders, WorkItem::Audio(packet)),
				}
			}
			drop(senders);
			let results: Vec<Result<bool, MediaError>> = workers
				.into_iter()
				.map(|worker| {
					worker.join().unwrap_or_else(|_| {
						Err(MediaError::Encoder("rendition worker panicked".into()))
					})
				})
				.collect();
			(results, decode_error)
		});
		if let Some(error) = decode_error {
			return Err(error);
		}

		let mut outputs = Vec::with_capacity(output_paths.len());
		for (index, ((result, muxer), path)) in
			worker_results.into_iter().zip(muxers.iter_mut()).zip(output_paths).enumerate()
		{
			let drained = result?;
			let (width, height, fps) = self
				.sessions
				.get(index)
				.and_then(Option::as_ref)
				.map_or((0, 0, 0), |session| (session.width, session.height, session.fps));
			if drained {
				// The encoder had delayed frames and was drained; it cannot take more input.
				if let Some(slot) = self.sessions.get_mut(index) {
					*slot = None;
				}
			}
			muxer.output.write_trailer().map_err(|e| MediaError::Mux(e.to_string()))?;
			let profile_name = self
				.config
				.profiles
				.get(index)
				.and_then(|p| p.name_str())
				.unwrap_or("unnamed")
				.to_string();
			outputs.push(RenditionOutput {
				profile_name,
				path: path.clone(),
				width,
				height,
				fps,
				frames: muxer.frames,
				video_codec: muxer.video_codec.clone(),
			});
		}
		Ok(SegmentTranscode {
			outputs,
			input_frames,
			input_width: source_size.0,
			input_height: source_size.1,
			input_fps: source_fps,
			input_video_codec,
			has_audio: audio.is_some(),
		})
	}

	/// Opens (or keeps) each rendition's encoder and creates this segment's muxers.
	fn open_outputs(
		&mut self,
		source_size: (u32, u32),
		source_fps: Option<f64>,
		input_time_base: Rational,
		output_paths: &[PathBuf],
		audio: Option<(Rational, codec::Parameters)>,
	) -> Result<Vec<RenditionMuxer>, MediaError> {
		let gop_seconds = self.config.segment_seconds.max(1);
		let mut muxers = Vec::with_capacity(output_paths.len());
		for ((profile, slot), path) in
			self.config.profiles.iter().zip(self.sessions.iter_mut()).zip(output_paths)
		{
			let (width, height) =
				media::rendition_size(profile.width, profile.height, source_size.0, source_size.1);
			// Never raise the frame rate either: a 25 fps source stays at 25 fps.
			let fps = match source_fps {
				Some(source) if source < f64::from(profile.fps) => (source.round() as u32).max(1),
				_ => profile.fps,
			};
			let tamper = self.config.tamper;
			let reusable = slot.as_ref().is_some_and(|s| {
				s.width == width && s.height == height && s.fps == fps && s.tamper == tamper
			});
			if !reusable {
				let spec = H264EncoderSpec {
					width,
					height,
					fps,
					time_base: input_time_base,
					bitrate_kbps: profile.bitrate_kbps,
					gop_frames: fps.saturating_mul(gop_seconds),
				};
				let encoder = open_h264_encoder(&spec, &self.config.x264)?;
				self.stats.encoders_opened = self.stats.encoders_opened.saturating_add(1);
				*slot = Some(VideoSession {
					encoder,
					width,
					height,
					fps,
					tamper,
					time_base: input_time_base,
					last_slot: None,
					segment_origin: 0,
					frames_sent: 0,
					packets_received: 0,
				});
			}
			let session = slot.as_ref().ok_or_else(|| MediaError::Encoder("no session".into()))?;
			muxers.push(RenditionMuxer::create(path, &session.encoder, audio.as_ref())?);
		}
		Ok(muxers)
	}
}

/// What the decoding side hands to the rendition workers.
#[derive(Clone)]
enum WorkItem {
	/// A decoded frame; the flag marks the segment's first frame.
	Frame(Arc<frame::Video>, bool),
	/// An audio packet, copied into every rendition.
	Audio(Packet),
}

/// Sends an item to every worker still running (a failed worker has dropped its receiver; its
/// error is collected when it is joined).
fn dispatch(senders: &[SyncSender<WorkItem>], item: WorkItem) {
	for sender in senders {
		let _ = sender.send(item.clone());
	}
}

enum Decoded {
	Frame(frame::Video),
	Audio(Packet),
}

/// Feeds a segment's packets to the decoder and yields decoded frames and audio packets in
/// order.
struct DecoderFeed<'a> {
	packets: &'a [Packet],
	next: usize,
	ended: bool,
	video_index: usize,
	audio_index: Option<usize>,
}

impl DecoderFeed<'_> {
	fn next_item(&mut self, decoder: &mut decoder::Video) -> Option<Decoded> {
		loop {
			let mut frame = frame::Video::empty();
			if decoder.receive_frame(&mut frame).is_ok() {
				return Some(Decoded::Frame(frame));
			}
			let Some(packet) = self.packets.get(self.next) else {
				if self.ended {
					return None;
				}
				let _ = decoder.send_eof();
				self.ended = true;
				continue;
			};
			self.next = self.next.saturating_add(1);
			if Some(packet.stream()) == self.audio_index {
				return Some(Decoded::Audio(packet.clone()));
			}
			if packet.stream() == self.video_index {
				// Corrupt packets are skipped: the decoder may still produce later frames.
				let _ = decoder.send_packet(packet);
			}
		}
	}
}

/// One rendition's share of a segment: scale and encode every frame, copy audio, then finish
/// the segment. Returns whether the encoder had to be drained (see [`finish_segment`]).
fn rendition_worker(
	session: &mut VideoSession,
	muxer: &mut RenditionMuxer,
	input_time_base: Rational,
	audio_time_base: Option<Rational>,
	items: Receiver<WorkItem>,
) -> Result<bool, MediaError> {
	// Scalers live per segment and per thread: swscale contexts are not Send.
	let mut scaler: Option<Scaler> = None;
	for item in items {
		match item {
			WorkItem::Audio(packet) => muxer.write_audio(&packet, audio_time_base)?,
			WorkItem::Frame(frame, is_segment_start) => encode_frame(
				session,
				muxer,
				&mut scaler,
				&frame,
				input_time_base,
				is_segment_start,
			)?,
		}
	}
	finish_segment(session, muxer)
}

/// Scales one decoded frame for a rendition and encodes it.
fn encode_frame(
	session: &mut VideoSession,
	muxer: &mut RenditionMuxer,
	scaler_slot: &mut Option<Scaler>,
	frame: &frame::Video,
	input_time_base: Rational,
	is_segment_start: bool,
) -> Result<(), MediaError> {
	let Some(timestamp) = frame.timestamp().or_else(|| frame.pts()) else {
		// A frame without any timestamp cannot be placed; skip it.
		return Ok(());
	};
	let pts = rescale(timestamp, input_time_base, session.time_base);
	if is_segment_start {
		session.segment_origin = pts;
	}
	let slot =
		frame_slot(pts.saturating_sub(session.segment_origin), session.time_base, session.fps);
	// Keep the segment's first frame always; otherwise at most one frame per slot.
	if !is_segment_start && session.last_slot.is_some_and(|last| slot <= last) {
		return Ok(());
	}
	session.last_slot = Some(slot);

	let key = ScalerKey { format: frame.format(), width: frame.width(), height: frame.height() };
	if scaler_slot.as_ref().map(|(k, _)| *k) != Some(key) {
		let scaler = scaling::Context::get(
			key.format,
			key.width,
			key.height,
			format::Pixel::YUV420P,
			session.width,
			session.height,
			scaling::Flags::BICUBIC,
		)
		.map_err(|e| MediaError::Scale(e.to_string()))?;
		*scaler_slot = Some((key, scaler));
	}
	let Some((_, scaler)) = scaler_slot.as_mut() else { return Ok(()) };
	// A fresh frame each time: the encoder may still reference the previous one.
	let mut scaled = frame::Video::new(format::Pixel::YUV420P, session.width, session.height);
	scaler.run(frame, &mut scaled).map_err(|e| MediaError::Scale(e.to_string()))?;
	if session.tamper {
		invert_luma(&mut scaled);
	}
	scaled.set_pts(Some(pts));
	scaled.set_kind(if is_segment_start { picture::Type::I } else { picture::Type::None });
	session
		.encoder
		.send_frame(&scaled)
		.map_err(|e| MediaError::Encoder(e.to_string()))?;
	session.frames_sent = session.frames_sent.saturating_add(1);
	receive_packets(session, muxer)
}

/// Replaces a YUV 4:2:0 frame's luma by its negative (within the video range 16–235), keeping
/// chroma: the same size, motion and detail, so the encoder spends the same bits, but a
/// different picture.
fn invert_luma(frame: &mut frame::Video) {
	let (width, height) = (frame.width() as usize, frame.height() as usize);
	let stride = frame.stride(0);
	let plane = frame.data_mut(0);
	for row in 0..height {
		let start = row.saturating_mul(stride);
		if let Some(line) = plane.get_mut(start..start.saturating_add(width)) {
			for sample in line {
				*sample = 251u8.saturating_sub(*sample).clamp(16, 235);
			}
		}
	}
}

/// The cheap ingest checks on the demuxed packets, before anything is decoded: the number of
/// video packets and the span of their timestamps against the declared duration.
pub(crate) fn check_packets(
	packets: &[Packet],
	video_index: usize,
	time_base: Rational,
	fps: Option<f64>,
	limits: &SegmentLimits,
) -> Result<(), MediaError> {
	let mut count = 0u64;
	let mut first: Option<i64> = None;
	let mut last: Option<i64> = None;
	for packet in packets.iter().filter(|packet| packet.stream() == video_index) {
		count = count.saturating_add(1);
		if count > limits.max_frames {
			return Err(MediaError::TooManyFrames { max: limits.max_frames });
		}
		if let Some(ts) = packet.pts().or(packet.dts()) {
			first = Some(first.map_or(ts, |f| f.min(ts)));
			last = Some(last.map_or(ts, |l| l.max(ts)));
		}
	}
	let frame_seconds = fps.filter(|f| *f > 0.0).map_or(1.0 / 30.0, |f| 1.0 / f);
	let span = match (first, last) {
		(Some(first), Some(last)) => media::seconds(last.saturating_sub(first), time_base),
		// No timestamps: the frame count at the stream's rate.
		_ => count.saturating_sub(1) as f64 * frame_seconds,
	};
	limits.check_duration(span, frame_seconds)
}

fn check_resolution(width: u32, height: u32, decoded: bool) -> Result<(), MediaError> {
	if u64::from(width).saturating_mul(u64::from(height)) > MAX_INPUT_PIXELS {
		return Err(MediaError::ResolutionTooLarge { width, height, max_pixels: MAX_INPUT_PIXELS });
	}
	// Stream parameters may not know the size yet; a decoded frame must.
	if decoded && (width < 2 || height < 2) {
		return Err(MediaError::InvalidResolution { width, height });
	}
	Ok(())
}

fn rescale(ts: i64, from: Rational, to: Rational) -> i64 {
	if from == to {
		return ts;
	}
	ts.rescale(from, to)
}

use ffmpeg_next::Rescale as _;

/// Index of the output frame slot a timestamp falls into at `fps`.
fn frame_slot(pts: i64, time_base: Rational, fps: u32) -> i64 {
	(media::seconds(pts, time_base) * f64::from(fps) + 1e-6).floor() as i64
}

/// Moves every packet the encoder has ready into the muxer.
fn receive_packets(
	session: &mut VideoSession,
	muxer: &mut RenditionMuxer,
) -> Result<(), MediaError> {
	let mut packet = Packet::empty();
	while session.encoder.receive_packet(&mut packet).is_ok() {
		session.packets_received = session.packets_received.saturating_add(1);
		muxer.write_video(&mut packet, session.time_base)?;
	}
	Ok(())
}

/// Completes a rendition's segment. With a zero-delay encoder every frame is already out and
/// the session stays open. Otherwise the encoder is drained; returns true when that happened
/// (the caller then drops the session, since a drained libx264 context cannot be reused).
fn finish_segment(
	session: &mut VideoSession,
	muxer: &mut RenditionMuxer,
) -> Result<bool, MediaError> {
	receive_packets(session, muxer)?;
	if session.packets_received >= session.frames_sent {
		return Ok(false);
	}
	session.encoder.send_eof().map_err(|e| MediaError::Encoder(e.to_string()))?;
	receive_packets(session, muxer)?;
	Ok(true)
}

impl RenditionMuxer {
	fn create(
		path: &Path,
		encoder: &encoder::Video,
		audio: Option<&(Rational, codec::Parameters)>,
	) -> Result<Self, MediaError> {
		let mut output =
			format::output_as(path, "mpegts").map_err(|e| MediaError::Mux(e.to_string()))?;
		{
			let mut stream = output
				.add_stream(encoder::find(codec::Id::H264))
				.map_err(|e| MediaError::Mux(e.to_string()))?;
			stream.set_parameters(encoder);
			stream.set_time_base(encoder.time_base());
		}
		let has_audio = if let Some((time_base, params)) = audio {
			let mut stream = output
				.add_stream(encoder::find(codec::Id::None))
				.map_err(|e| MediaError::Mux(e.to_string()))?;
			stream.set_parameters(params.clone());
			stream.set_time_base(*time_base);
			true
		} else {
			false
		};
		output.write_header().map_err(|e| MediaError::Mux(e.to_string()))?;
		// The muxer may change the stream time bases in write_header (MPEG-TS uses 1/90000).
		let video_time_base = output.stream(0).map(|s| s.time_base()).unwrap_or(Rational(1, 90000));
		let audio_time_base =
			if has_audio { output.stream(1).map(|s| s.time_base()) } else { None };
		Ok(Self { output, video_time_base, audio_time_base, frames: 0, video_codec: None })
	}

	fn write_video(
		&mut self,
		packet: &mut Packet,
		encoder_time_base: Rational,
	) -> Result<(), MediaError> {
		if self.video_codec.is_none() && self.frames < 4 {
			self.video_codec = packet.data().and_then(crate::hls::avc1_codec);
		}
		packet.set_stream(0);
		packet.rescale_ts(encoder_time_base, self.video_time_base);
		packet.set_position(-1);
		packet
			.write_interleaved(&mut self.output)
			.map_err(|e| MediaError::Mux(e.to_string()))?;
		self.frames = self.frames.saturating_add(1);
		Ok(())
	}

	fn write_audio(
		&mut self,
		packet: &Packet,
		input_time_base: Option<Rational>,
	) -> Result<(), MediaError> {
		let (Some(out_tb), Some(in_tb)) = (self.audio_time_base, input_time_base) else {
			return Ok(());
		};
		let mut packet = packet.clone();
		packet.set_stream(1);
		packet.rescale_ts(in_tb, out_tb);
		packet.set_position(-1);
		packet
			.write_interleaved(&mut self.output)
			.map_err(|e| MediaError::Mux(e.to_string()))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_picture_box_may_be_turned() {
		let limits = SegmentLimits::new();
		assert!(limits.check_size(1920, 1080).is_ok());
		assert!(limits.check_size(1080, 1920).is_ok());
		assert!(limits.check_size(1280, 720).is_ok());
		assert!(matches!(
			limits.check_size(2048, 1152),
			Err(MediaError::ResolutionAboveLimit { .. })
		));
		assert!(limits.check_size(1920, 1088).is_err());
		assert!(limits.check_size(1088, 1920).is_err());
	}

	#[test]
	fn duration_within_ten_percent_and_a_frame() {
		let frame = 1.0 / 30.0;
		let limits = SegmentLimits { declared_duration_ms: Some(2000), ..SegmentLimits::new() };
		// 60 frames at 30 fps: span 59 frames, plus one.
		assert!(limits.check_duration(59.0 * frame, frame).is_ok());
		assert!(limits.check_duration(2.15, frame).is_ok());
		assert!(limits.check_duration(1.75, frame).is_ok());
		assert!(matches!(
			limits.check_duration(6.0 - frame, frame),
			Err(MediaError::DurationMismatch { declared_ms: 2000, measured_ms: 6000 })
		));
		assert!(limits.check_duration(1.0, frame).is_err());
		assert!(SegmentLimits::new().check_duration(100.0, frame).is_ok());
	}
}
