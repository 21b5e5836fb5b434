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
	/// Video decoders opened over the stream's lifetime (one is kept across segments while the
	/// codec and the picture size stay the same).
	pub decoders_opened: u64,
	/// Segments transcoded successfully.
	pub segments: u64,
}

/// One rendition's encoder, alive across segments.
struct VideoSession {
	encoder: encoder::Video,
	width: u32,
	height: u32,
	fps: u32,
	/// x264 threads it was opened with.
	threads: u32,
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

/// The video decoder kept across a stream's segments, and what it was opened for.
struct KeptDecoder {
	decoder: decoder::Video,
	/// Forced H.264 (ingest) or any decoder.
	ingest: bool,
	codec: codec::Id,
	/// The picture size the stream parameters declared.
	size: Option<(u32, u32)>,
}

/// Transcodes the segments of one stream.
pub struct StreamTranscoder {
	config: LadderConfig,
	sessions: Vec<Option<VideoSession>>,
	decoder: Option<KeptDecoder>,
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

/// One segment of a batch ([`StreamTranscoder::transcode_segments`]).
#[derive(Clone, Debug)]
pub struct SegmentJob {
	/// The input segment.
	pub input: PathBuf,
	/// One output path per profile, in profile order.
	pub outputs: Vec<PathBuf>,
}

impl StreamTranscoder {
	/// A transcoder for one stream with the given ladder.
	pub fn new(config: LadderConfig) -> Result<Self, MediaError> {
		crate::init_ffmpeg().map_err(|e| MediaError::Encoder(e.to_string()))?;
		let sessions = config.profiles.iter().map(|_| None).collect();
		Ok(Self { config, sessions, decoder: None, stats: SessionStats::default() })
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
		let job = SegmentJob { input: input.to_path_buf(), outputs: output_paths.to_vec() };
		self.transcode_checked(std::slice::from_ref(&job), None)
			.pop()
			.unwrap_or_else(|| Err(MediaError::Encoder("no result for the segment".into())))
	}

	/// Transcodes several segments of the stream, in order, as [`Self::transcode_segment`]
	/// would one after another, but without waiting between them: the next segment is read
	/// and decoded while the renditions of the previous one are still being encoded. One
	/// result per segment, in order; a failed segment leaves no outputs and does not stop the
	/// others.
	pub fn transcode_segments(
		&mut self,
		segments: &[SegmentJob],
	) -> Vec<Result<SegmentTranscode, MediaError>> {
		self.transcode_checked(segments, None)
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
		let job = SegmentJob { input: input.to_path_buf(), outputs: output_paths.to_vec() };
		self.transcode_checked(std::slice::from_ref(&job), Some(limits))
			.pop()
			.unwrap_or_else(|| Err(MediaError::Encoder("no result for the segment".into())))
	}

	/// The pipeline. This thread demuxes and decodes the segments one after another; every
	/// rendition scales and encodes on its own thread. The rendition threads form a chain,
	/// largest picture first: each passes every item on to the next, adding its scaled picture
	/// to each frame, so a smaller rendition scales from the smallest larger picture already
	/// made (one scale chain, 1080p → 720p → 480p → ..., instead of every rendition scaling the
	/// full source) and all of them share the cores with the decoder across segment ends.
	fn transcode_checked(
		&mut self,
		segments: &[SegmentJob],
		limits: Option<&SegmentLimits>,
	) -> Vec<Result<SegmentTranscode, MediaError>> {
		let profile_count = self.config.profiles.len();
		let mut facts: Vec<Result<DecodeFacts, MediaError>> = Vec::with_capacity(segments.len());
		let mut rendition_results: Vec<Vec<Option<Result<RenditionDone, MediaError>>>> =
			segments.iter().map(|_| (0..profile_count).map(|_| None).collect()).collect();
		let Self { config, sessions, decoder, stats } = self;
		// Chain order: the largest profile box first (stable for equal boxes).
		let mut chain: Vec<(usize, &mut Option<VideoSession>)> =
			sessions.iter_mut().enumerate().collect();
		chain.sort_by_key(|(index, _)| {
			std::cmp::Reverse(
				config
					.profiles
					.get(*index)
					.map_or(0u64, |p| u64::from(p.width).saturating_mul(u64::from(p.height))),
			)
		});
		let (result_sender, result_receiver) = std::sync::mpsc::channel::<RenditionReport>();
		std::thread::scope(|scope| {
			let mut workers = Vec::with_capacity(chain.len());
			let mut next: Option<SyncSender<WorkItem>> = None;
			// Spawned from the end of the chain, so each worker gets its successor's sender.
			for (index, session) in chain.into_iter().rev() {
				let (sender, receiver) = std::sync::mpsc::sync_channel::<WorkItem>(WORK_QUEUE);
				let worker = RenditionWorker {
					index,
					session,
					x264: &config.x264,
					tamper: config.tamper,
					next: next.replace(sender),
					results: result_sender.clone(),
				};
				workers.push(scope.spawn(move || worker.run(receiver)));
			}
			drop(result_sender);
			let Some(first) = next else { return };
			for (number, job) in segments.iter().enumerate() {
				if job.outputs.len() != profile_count {
					facts.push(Err(MediaError::Mux(format!(
						"{} output paths for {} profiles",
						job.outputs.len(),
						profile_count
					))));
					continue;
				}
				let mut sent_start = false;
				let result = decode_segment(
					config,
					decoder,
					stats,
					number,
					job,
					limits,
					&first,
					&mut sent_start,
				);
				match &result {
					Ok(_) => {
						let _ = first.send(WorkItem::End);
					},
					Err(_) if sent_start => {
						let _ = first.send(WorkItem::Abort);
					},
					Err(_) => {},
				}
				if let Some(kept) = decoder.as_mut() {
					// Ready for the next segment (drained or not).
					kept.decoder.flush();
				}
				facts.push(result);
			}
			drop(first);
			for worker in workers {
				if worker.join().is_err() {
					tracing::error!(target: "olc-transcoder", "a rendition worker panicked");
				}
			}
		});
		for report in result_receiver {
			if let Some(slot) =
				rendition_results.get_mut(report.segment).and_then(|s| s.get_mut(report.index))
			{
				*slot = Some(report.result);
			}
		}

		let mut results = Vec::with_capacity(segments.len());
		for ((job, facts), renditions) in segments.iter().zip(facts).zip(rendition_results) {
			let result = facts.and_then(|facts| {
				let mut outputs = Vec::with_capacity(renditions.len());
				for (index, done) in renditions.into_iter().enumerate() {
					let done = done.unwrap_or_else(|| {
						Err(MediaError::Encoder("a rendition worker stopped".into()))
					})?;
					if done.opened_encoder {
						self.stats.encoders_opened = self.stats.encoders_opened.saturating_add(1);
					}
					let profile_name = self
						.config
						.profiles
						.get(index)
						.and_then(|p| p.name_str())
						.unwrap_or("unnamed")
						.to_string();
					outputs.push(RenditionOutput {
						profile_name,
						path: job.outputs.get(index).cloned().unwrap_or_default(),
						width: done.width,
						height: done.height,
						fps: done.fps,
						frames: done.frames,
						video_codec: done.video_codec,
					});
				}
				Ok(SegmentTranscode {
					outputs,
					input_frames: facts.input_frames,
					input_width: facts.source_size.0,
					input_height: facts.source_size.1,
					input_fps: facts.source_fps,
					input_video_codec: facts.input_video_codec,
					has_audio: facts.has_audio,
				})
			});
			match &result {
				Ok(_) => self.stats.segments = self.stats.segments.saturating_add(1),
				Err(_) => {
					for path in &job.outputs {
						let _ = std::fs::remove_file(path);
					}
				},
			}
			results.push(result);
		}
		results
	}
}

/// x264 (sliced) threads of the largest rendition; the others encode on one thread each.
const LARGEST_RENDITION_THREADS: u32 = 2;

/// Frames (and other items) queued for one rendition thread.
const WORK_QUEUE: usize = 16;

/// What decoding a segment found out about its input.
struct DecodeFacts {
	input_frames: u64,
	source_size: (u32, u32),
	source_fps: Option<f64>,
	input_video_codec: Option<String>,
	has_audio: bool,
}

/// Demuxes and decodes one segment and sends its items down the rendition chain: `Start` once
/// the first frame's size is known, then frames and audio in order. The caller sends `End` on
/// success, `Abort` on an error after `Start` (`sent_start`).
#[allow(clippy::too_many_arguments)]
fn decode_segment(
	config: &LadderConfig,
	kept: &mut Option<KeptDecoder>,
	stats: &mut SessionStats,
	number: usize,
	job: &SegmentJob,
	limits: Option<&SegmentLimits>,
	chain: &SyncSender<WorkItem>,
	sent_start: &mut bool,
) -> Result<DecodeFacts, MediaError> {
	let input_path = job.input.as_path();
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
	let video_index = media::best_stream(&input, MediaType::Video).ok_or(MediaError::NoVideo)?;
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

	// The declared picture size, checked before anything is decoded.
	let declared_size = media::parameters_size(&video_params);
	if let Some((width, height)) = declared_size {
		check_resolution(width, height, false)?;
		if let Some(limits) = limits {
			limits.check_size(width, height)?;
		}
	}
	// The decoder of the previous segment is kept when it fits (same decoder, same declared
	// picture size): opening one (and its threads) for every segment costs time.
	let ingest = limits.is_some();
	let codec_id = video_params.id();
	let reusable = kept
		.as_ref()
		.is_some_and(|k| k.ingest == ingest && k.codec == codec_id && k.size == declared_size);
	if !reusable {
		*kept = None;
		let decoder = match limits {
			Some(_) => media::open_h264_decoder(video_params)?,
			None => media::open_video_decoder(video_params)?,
		};
		check_resolution(decoder.width(), decoder.height(), false)?;
		if let Some(limits) = limits {
			limits.check_size(decoder.width(), decoder.height())?;
		}
		stats.decoders_opened = stats.decoders_opened.saturating_add(1);
		*kept = Some(KeptDecoder { decoder, ingest, codec: codec_id, size: declared_size });
	}
	let decoder = &mut kept.as_mut().ok_or(MediaError::NoDecodableFrames)?.decoder;

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

	// Decode up to the first frame: its size decides the rendition sizes. Audio read before it
	// is held and written once the outputs exist.
	let mut held_audio = Vec::new();
	let first_frame = loop {
		match feed.next_item(decoder) {
			Some(Decoded::Frame(frame)) => break frame,
			Some(Decoded::Audio(packet)) => held_audio.push(packet),
			None => return Err(read_error.map_or(MediaError::NoDecodableFrames, MediaError::Demux)),
		}
	};
	check_resolution(first_frame.width(), first_frame.height(), true)?;
	if let Some(limits) = limits {
		limits.check_size(first_frame.width(), first_frame.height())?;
	}
	let source_size = (first_frame.width(), first_frame.height());
	let gop_seconds = config.segment_seconds.max(1);
	let sizes: Vec<(u32, u32)> = config
		.profiles
		.iter()
		.map(|p| media::rendition_size(p.width, p.height, source_size.0, source_size.1))
		.collect();
	// The largest rendition costs more than all the others together can keep a second core
	// busy with: its encoder gets sliced threads, so it is not the one thread the rest wait on.
	let largest = sizes
		.iter()
		.enumerate()
		.max_by_key(|(index, (w, h))| {
			(u64::from(*w).saturating_mul(u64::from(*h)), std::cmp::Reverse(*index))
		})
		.map(|(index, _)| index);
	let plans = config
		.profiles
		.iter()
		.zip(&sizes)
		.enumerate()
		.map(|(index, (profile, &(width, height)))| {
			// Never raise the frame rate either: a 25 fps source stays at 25 fps.
			let fps = match source_fps {
				Some(source) if source < f64::from(profile.fps) => (source.round() as u32).max(1),
				_ => profile.fps,
			};
			H264EncoderSpec {
				width,
				height,
				fps,
				time_base: video_time_base,
				bitrate_kbps: profile.bitrate_kbps,
				gop_frames: fps.saturating_mul(gop_seconds),
				threads: if Some(index) == largest { LARGEST_RENDITION_THREADS } else { 1 },
			}
		})
		.collect();
	let has_audio = audio.is_some();
	let start = SegmentStart {
		segment: number,
		paths: job.outputs.clone(),
		plans,
		input_time_base: video_time_base,
		audio: audio.map(|(_, time_base, params)| (time_base, params)),
		held_audio,
	};
	*sent_start = true;
	let _ = chain.send(WorkItem::Start(Box::new(start)));
	let _ = chain.send(WorkItem::Frame(FrameItem::new(first_frame, true)));

	let mut input_frames = 1u64;
	while let Some(item) = feed.next_item(decoder) {
		match item {
			Decoded::Frame(frame) => {
				check_resolution(frame.width(), frame.height(), true).and_then(
					|()| match limits {
						Some(limits) if input_frames >= limits.max_frames => {
							Err(MediaError::TooManyFrames { max: limits.max_frames })
						},
						Some(limits) => limits.check_size(frame.width(), frame.height()),
						None => Ok(()),
					},
				)?;
				input_frames = input_frames.saturating_add(1);
				let _ = chain.send(WorkItem::Frame(FrameItem::new(frame, false)));
			},
			Decoded::Audio(packet) => {
				let _ = chain.send(WorkItem::Audio(packet));
			},
		}
	}
	Ok(DecodeFacts { input_frames, source_size, source_fps, input_video_codec, has_audio })
}

/// The start of a segment, as the rendition threads need it.
#[derive(Clone)]
struct SegmentStart {
	/// The segment's number in the batch.
	segment: usize,
	/// Output path per profile.
	paths: Vec<PathBuf>,
	/// Encoder parameters per profile.
	plans: Vec<H264EncoderSpec>,
	input_time_base: Rational,
	/// The audio stream's time base and parameters, copied into every rendition.
	audio: Option<(Rational, codec::Parameters)>,
	/// Audio packets read before the first frame.
	held_audio: Vec<Packet>,
}

/// A decoded frame on its way down the chain, with the scaled pictures made so far.
#[derive(Clone)]
struct FrameItem {
	source: Arc<frame::Video>,
	/// The segment's first frame.
	is_segment_start: bool,
	/// Scaled pictures of this frame made by earlier renditions (not tampered with).
	scaled: Vec<Arc<ScaledPicture>>,
}

impl FrameItem {
	fn new(frame: frame::Video, is_segment_start: bool) -> Self {
		Self { source: Arc::new(frame), is_segment_start, scaled: Vec::new() }
	}
}

/// One rendition's scaled picture of a frame.
struct ScaledPicture {
	fps: u32,
	frame: frame::Video,
}

/// What goes down the rendition chain.
#[derive(Clone)]
enum WorkItem {
	/// A segment starts: open (or keep) the encoder, create the muxer.
	Start(Box<SegmentStart>),
	/// A decoded frame.
	Frame(FrameItem),
	/// An audio packet, copied into every rendition.
	Audio(Packet),
	/// The segment's last item: finish the output and report.
	End,
	/// The segment failed while decoding: drop its output.
	Abort,
}

/// What a rendition thread reports for one segment.
struct RenditionReport {
	segment: usize,
	index: usize,
	result: Result<RenditionDone, MediaError>,
}

/// One rendition of one segment, written.
struct RenditionDone {
	width: u32,
	height: u32,
	fps: u32,
	frames: u64,
	video_codec: Option<String>,
	opened_encoder: bool,
}

/// The segment a rendition thread is writing.
struct CurrentSegment {
	segment: usize,
	muxer: Option<RenditionMuxer>,
	input_time_base: Rational,
	audio_time_base: Option<Rational>,
	opened_encoder: bool,
	/// The first failure; the rest of the segment is skipped (and passed on).
	failed: Option<MediaError>,
}

/// One rendition's thread: scales and encodes its picture of every frame, copies audio, writes
/// the segment's file, and passes every item on to the next rendition.
struct RenditionWorker<'a> {
	index: usize,
	session: &'a mut Option<VideoSession>,
	x264: &'a X264Settings,
	tamper: bool,
	next: Option<SyncSender<WorkItem>>,
	results: std::sync::mpsc::Sender<RenditionReport>,
}

impl RenditionWorker<'_> {
	fn run(mut self, items: Receiver<WorkItem>) {
		// Scalers live per thread: swscale contexts are not Send.
		let mut scaler: Option<Scaler> = None;
		let mut current: Option<CurrentSegment> = None;
		for item in items {
			match item {
				WorkItem::Start(start) => {
					self.pass(WorkItem::Start(start.clone()));
					// A segment left open (cannot happen: End or Abort always follows) is dropped.
					current = Some(self.start(&start));
				},
				WorkItem::Frame(mut frame) => {
					let mut own = None;
					if let Some(segment) = current.as_mut().filter(|s| s.failed.is_none()) {
						match self.scale(&mut scaler, &frame, segment.input_time_base) {
							Ok(picture) => own = picture.map(Arc::new),
							Err(error) => segment.failed = Some(error),
						}
					}
					if let Some(picture) = own.as_ref().filter(|_| !self.tamper) {
						frame.scaled.push(Arc::clone(picture));
					}
					// Passed on before encoding, so the next rendition works meanwhile.
					self.pass(WorkItem::Frame(frame));
					if let (Some(segment), Some(picture)) = (current.as_mut(), own) {
						if let Err(error) = self.encode(segment, &picture.frame) {
							segment.failed.get_or_insert(error);
						}
					}
				},
				WorkItem::Audio(packet) => {
					if let Some(segment) = current.as_mut() {
						if segment.failed.is_none() {
							if let Some(muxer) = segment.muxer.as_mut() {
								if let Err(error) =
									muxer.write_audio(&packet, segment.audio_time_base)
								{
									segment.failed = Some(error);
								}
							}
						}
					}
					self.pass(WorkItem::Audio(packet));
				},
				WorkItem::End => {
					self.pass(WorkItem::End);
					if let Some(segment) = current.take() {
						let report = self.finish(segment);
						let _ = self.results.send(report);
					}
				},
				WorkItem::Abort => {
					self.pass(WorkItem::Abort);
					if current.take().is_some() {
						self.reset_if_pending();
					}
				},
			}
		}
	}

	/// Passes an item on to the next rendition (a stopped one is left out).
	fn pass(&self, item: WorkItem) {
		if let Some(next) = &self.next {
			let _ = next.send(item);
		}
	}

	/// Opens (or keeps) the encoder for the segment's parameters and creates its muxer.
	fn start(&mut self, start: &SegmentStart) -> CurrentSegment {
		let mut segment = CurrentSegment {
			segment: start.segment,
			muxer: None,
			input_time_base: start.input_time_base,
			audio_time_base: start.audio.as_ref().map(|(time_base, _)| *time_base),
			opened_encoder: false,
			failed: None,
		};
		let opened = (|| {
			let spec = start
				.plans
				.get(self.index)
				.ok_or_else(|| MediaError::Encoder("no plan for the rendition".into()))?;
			let path = start
				.paths
				.get(self.index)
				.ok_or_else(|| MediaError::Mux("no output path for the rendition".into()))?;
			let tamper = self.tamper;
			let reusable = self.session.as_ref().is_some_and(|s| {
				s.width == spec.width
					&& s.height == spec.height
					&& s.fps == spec.fps
					&& s.threads == spec.threads
					&& s.tamper == tamper
			});
			if !reusable {
				let encoder = open_h264_encoder(spec, self.x264)?;
				segment.opened_encoder = true;
				*self.session = Some(VideoSession {
					encoder,
					width: spec.width,
					height: spec.height,
					fps: spec.fps,
					threads: spec.threads,
					tamper,
					time_base: spec.time_base,
					last_slot: None,
					segment_origin: 0,
					frames_sent: 0,
					packets_received: 0,
				});
			}
			let session =
				self.session.as_ref().ok_or_else(|| MediaError::Encoder("no session".into()))?;
			let mut muxer = RenditionMuxer::create(path, &session.encoder, start.audio.as_ref())?;
			for packet in &start.held_audio {
				muxer.write_audio(packet, segment.audio_time_base)?;
			}
			Ok::<_, MediaError>(muxer)
		})();
		match opened {
			Ok(muxer) => segment.muxer = Some(muxer),
			Err(error) => segment.failed = Some(error),
		}
		segment
	}

	/// This rendition's picture of a frame, from the smallest larger picture already made at
	/// the same frame rate (or else the decoded frame), with its timestamp in the session's
	/// time base, marked as a keyframe at the segment start, and inverted in the defence tests;
	/// `None` for a frame that the rendition's lower frame rate drops.
	fn scale(
		&mut self,
		scaler_slot: &mut Option<Scaler>,
		item: &FrameItem,
		input_time_base: Rational,
	) -> Result<Option<ScaledPicture>, MediaError> {
		let Some(session) = self.session.as_mut() else { return Ok(None) };
		let frame = item.source.as_ref();
		let Some(timestamp) = frame.timestamp().or_else(|| frame.pts()) else {
			// A frame without any timestamp cannot be placed; skip it.
			return Ok(None);
		};
		let pts = rescale(timestamp, input_time_base, session.time_base);
		if item.is_segment_start {
			session.segment_origin = pts;
		}
		let slot =
			frame_slot(pts.saturating_sub(session.segment_origin), session.time_base, session.fps);
		// Keep the segment's first frame always; otherwise at most one frame per slot.
		if !item.is_segment_start && session.last_slot.is_some_and(|last| slot <= last) {
			return Ok(None);
		}
		session.last_slot = Some(slot);

		let (width, height, fps) = (session.width, session.height, session.fps);
		let from = item
			.scaled
			.iter()
			.filter(|p| p.fps == fps && p.frame.width() >= width && p.frame.height() >= height)
			.min_by_key(|p| u64::from(p.frame.width()).saturating_mul(u64::from(p.frame.height())))
			.map_or(frame, |p| &p.frame);
		let key = ScalerKey { format: from.format(), width: from.width(), height: from.height() };
		if scaler_slot.as_ref().map(|(k, _)| *k) != Some(key) {
			let scaler = scaling::Context::get(
				key.format,
				key.width,
				key.height,
				format::Pixel::YUV420P,
				width,
				height,
				scaling::Flags::BICUBIC,
			)
			.map_err(|e| MediaError::Scale(e.to_string()))?;
			*scaler_slot = Some((key, scaler));
		}
		let Some((_, scaler)) = scaler_slot.as_mut() else { return Ok(None) };
		// A fresh frame each time: the next renditions read it while this one encodes.
		let mut scaled = frame::Video::new(format::Pixel::YUV420P, width, height);
		scaler.run(from, &mut scaled).map_err(|e| MediaError::Scale(e.to_string()))?;
		if session.tamper {
			invert_luma(&mut scaled);
		}
		scaled.set_pts(Some(pts));
		scaled.set_kind(if item.is_segment_start { picture::Type::I } else { picture::Type::None });
		Ok(Some(ScaledPicture { fps, frame: scaled }))
	}

	/// Encodes this rendition's picture of a frame and writes the packets that come out.
	fn encode(
		&mut self,
		segment: &mut CurrentSegment,
		picture: &frame::Video,
	) -> Result<(), MediaError> {
		let (Some(session), Some(muxer)) = (self.session.as_mut(), segment.muxer.as_mut()) else {
			return Ok(());
		};
		if segment.failed.is_some() {
			return Ok(());
		}
		session
			.encoder
			.send_frame(picture)
			.map_err(|e| MediaError::Encoder(e.to_string()))?;
		session.frames_sent = session.frames_sent.saturating_add(1);
		receive_packets(session, muxer)
	}

	/// Completes the segment's output and says what was written.
	fn finish(&mut self, segment: CurrentSegment) -> RenditionReport {
		let index = self.index;
		let number = segment.segment;
		let result = (|| {
			if let Some(error) = segment.failed {
				return Err(error);
			}
			let mut muxer = segment
				.muxer
				.ok_or_else(|| MediaError::Mux("no muxer for the segment".into()))?;
			let session =
				self.session.as_mut().ok_or_else(|| MediaError::Encoder("no session".into()))?;
			let drained = finish_segment(session, &mut muxer)?;
			let (width, height, fps) = (session.width, session.height, session.fps);
			muxer.output.write_trailer().map_err(|e| MediaError::Mux(e.to_string()))?;
			if drained {
				// The encoder had delayed frames and was drained; it cannot take more input.
				*self.session = None;
			}
			Ok(RenditionDone {
				width,
				height,
				fps,
				frames: muxer.frames,
				video_codec: muxer.video_codec,
				opened_encoder: segment.opened_encoder,
			})
		})();
		if result.is_err() {
			self.reset_if_pending();
		}
		RenditionReport { segment: number, index, result }
	}

	/// A failed segment may leave frames inside the encoder; start the rendition afresh then,
	/// so the next segment is clean.
	fn reset_if_pending(&mut self) {
		if self.session.as_ref().is_some_and(|s| s.frames_sent != s.packets_received) {
			*self.session = None;
		}
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
