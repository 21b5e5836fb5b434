//! The broadcaster side: cut a source into segments of MPEG-TS (H.264 + AAC), each starting
//! with an IDR frame and decodable on its own.
//!
//! A file whose video is H.264 with keyframes exactly on every segment boundary (and whose audio,
//! if any, is AAC) is cut without re-encoding: packets are copied and a segment starts at each
//! boundary keyframe. Everything else (other GOPs, other codecs, the test pattern, RTMP input,
//! which cannot be scanned ahead) is decoded and re-encoded: libx264 with an IDR forced at every
//! segment start, and AAC audio. x264 runs with `tune=zerolatency` there, so every frame's packet
//! is out before the next segment starts.

use crate::media::{self, open_h264_encoder, H264EncoderSpec, MediaError, X264Settings};
use ffmpeg_next::{
	codec, decoder, encoder, filter, format, frame, media::Type as MediaType, picture,
	software::scaling, ChannelLayout, Packet, Rational, Rescale as _,
};
use std::{
	path::PathBuf,
	time::{Duration, Instant},
};

/// Where the broadcast comes from.
#[derive(Clone, Debug)]
pub enum Source {
	/// A media file (any format FFmpeg reads).
	File(PathBuf),
	/// A generated test pattern (testsrc2) with a sine tone.
	TestPattern { width: u32, height: u32, fps: u32 },
	/// An RTMP URL to listen on for one publisher (e.g. OBS), using FFmpeg's own RTMP server
	/// mode: `rtmp://127.0.0.1:1935/live/KEY`.
	RtmpListen(String),
}

impl Source {
	/// `testsrc` (optionally `testsrc:WxH@FPS`), an `rtmp://` URL, or a file path.
	pub fn parse(text: &str) -> Result<Self, String> {
		if let Some(spec) = text.strip_prefix("testsrc") {
			let spec = spec.strip_prefix(':').unwrap_or(spec);
			if spec.is_empty() {
				return Ok(Self::TestPattern { width: 1280, height: 720, fps: 30 });
			}
			let (size, fps) = spec.split_once('@').unwrap_or((spec, "30"));
			let (w, h) = size.split_once('x').ok_or("testsrc size must be WxH")?;
			let parse =
				|v: &str| v.parse::<u32>().map_err(|_| format!("bad number {v:?} in testsrc spec"));
			return Ok(Self::TestPattern { width: parse(w)?, height: parse(h)?, fps: parse(fps)? });
		}
		if text.starts_with("rtmp://") {
			return Ok(Self::RtmpListen(text.to_string()));
		}
		Ok(Self::File(PathBuf::from(text)))
	}
}

/// Segmenter settings.
#[derive(Clone, Debug)]
pub struct SegmenterConfig {
	/// Target segment length in seconds.
	pub segment_seconds: u32,
	/// Video bitrate of the broadcast.
	pub video_bitrate_kbps: u32,
	/// x264 preset (the tune is always zerolatency, see the module docs).
	pub x264_preset: String,
	/// Stop after this many segments (a test pattern never ends by itself).
	pub max_segments: Option<u64>,
	/// Emit segments no faster than real time.
	pub realtime: bool,
	/// Replay a file source forever (with continuous timestamps).
	pub loop_input: bool,
	/// Scratch directory for segment files being written.
	pub work_dir: PathBuf,
}

/// How a source is cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CutMode {
	/// Packets copied, cut at the source's own keyframes.
	Copy,
	/// Decoded and re-encoded with a keyframe at every segment start.
	Reencode,
}

/// Outcome of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunSummary {
	pub segments: u64,
	pub mode: CutMode,
}

/// One finished segment.
#[derive(Clone, Debug)]
pub struct CutSegment {
	pub seq: u64,
	pub bytes: Vec<u8>,
	pub duration_ms: u32,
}

/// Errors of segmenting.
#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
	#[error(transparent)]
	Media(#[from] MediaError),
	#[error("segment consumer failed: {0}")]
	Sink(String),
}

struct OpenSegment {
	seq: u64,
	path: PathBuf,
	output: format::context::Output,
	video_tb: Rational,
	audio_tb: Option<Rational>,
	first_time: f64,
	last_time: f64,
	frame_seconds: f64,
}

struct AudioPipeline {
	stream_index: usize,
	stream_tb: Rational,
	decoder: decoder::Audio,
	graph: filter::Graph,
	encoder: encoder::Audio,
}

/// Runs the segmenter, handing every finished segment to `sink`; returns the segment count.
pub fn run(
	source: &Source,
	config: &SegmenterConfig,
	sink: &mut dyn FnMut(CutSegment) -> Result<(), String>,
) -> Result<RunSummary, SegmentError> {
	crate::init_ffmpeg().map_err(|e| MediaError::Encoder(e.to_string()))?;
	std::fs::create_dir_all(&config.work_dir).map_err(MediaError::Io)?;
	if let Source::File(path) = source {
		if keyframes_allow_copy(path, config.segment_seconds)? {
			let segments = run_copy(path, config, sink)?;
			return Ok(RunSummary { segments, mode: CutMode::Copy });
		}
	}
	let x264 =
		X264Settings { preset: config.x264_preset.clone(), tune: Some("zerolatency".into()) };

	let mut state = RunState {
		config,
		x264,
		video_encoder: None,
		video_size: (0, 0),
		video_fps: 30,
		encoder_tb: Rational(1, 90000),
		scaler: None,
		audio_params: None,
		segment: None,
		next_seq: 0,
		emitted: 0,
		started: Instant::now(),
		first_media_time: None,
	};
	// Offset added to timestamps on each replay of a looped file.
	let mut loop_offset = 0.0f64;
	loop {
		let mut input = open_source(source)?;
		let covered = state.run_input(&mut input, loop_offset, sink)?;
		if state.done()
			|| !(config.loop_input && matches!(source, Source::File(_)))
			|| covered <= 0.0
		{
			break;
		}
		loop_offset += covered;
	}
	state.finish(sink)?;
	Ok(RunSummary { segments: state.emitted, mode: CutMode::Reencode })
}

/// True when a file can be cut without re-encoding: H.264 video whose keyframes fall on every
/// segment boundary (within half a frame), and AAC or no audio. Reads the file's packets once.
pub fn keyframes_allow_copy(
	path: &std::path::Path,
	segment_seconds: u32,
) -> Result<bool, MediaError> {
	let mut input = media::open_input(path)?;
	let Some(video_index) = media::best_stream(&input, MediaType::Video) else {
		return Ok(false);
	};
	let Some(video) = input.stream(video_index) else { return Ok(false) };
	let video_tb = video.time_base();
	let fps = media::stream_fps(video.avg_frame_rate()).unwrap_or(30.0);
	if video.parameters().id() != codec::Id::H264 {
		return Ok(false);
	}
	if let Some(audio) = media::best_stream(&input, MediaType::Audio).and_then(|i| input.stream(i))
	{
		if audio.parameters().id() != codec::Id::AAC {
			return Ok(false);
		}
	}
	let mut keyframes = Vec::new();
	let mut last = f64::MIN;
	let (packets, _) = media::read_all_packets(&mut input);
	for packet in packets.iter().filter(|p| p.stream() == video_index) {
		let Some(pts) = packet.pts() else { return Ok(false) };
		let t = media::seconds(pts, video_tb);
		last = last.max(t);
		if packet.is_key() {
			keyframes.push(t);
		}
	}
	let Some(first) = keyframes.iter().copied().reduce(f64::min) else { return Ok(false) };
	let half_frame = 0.5 / fps;
	let step = f64::from(segment_seconds.max(1));
	let mut boundary = first + step;
	while boundary < last - half_frame {
		if !keyframes.iter().any(|k| (k - boundary).abs() <= half_frame) {
			return Ok(false);
		}
		boundary += step;
	}
	Ok(true)
}

/// Cuts a file at its boundary keyframes, copying packets (see [`keyframes_allow_copy`]).
fn run_copy(
	path: &std::path::Path,
	config: &SegmenterConfig,
	sink: &mut dyn FnMut(CutSegment) -> Result<(), String>,
) -> Result<u64, SegmentError> {
	let started = Instant::now();
	let mut first_media_time: Option<f64> = None;
	let mut emitted = 0u64;
	let mut next_seq = 0u64;
	let mut segment: Option<OpenSegment> = None;
	let mut loop_offset = 0.0f64;
	let step = f64::from(config.segment_seconds.max(1));
	let done = |emitted: u64| config.max_segments.is_some_and(|max| emitted >= max);
	loop {
		let mut input = media::open_input(path)?;
		let video_index =
			media::best_stream(&input, MediaType::Video).ok_or(MediaError::NoVideo)?;
		let audio_index = media::best_stream(&input, MediaType::Audio);
		let video = input.stream(video_index).ok_or(MediaError::NoVideo)?;
		let (video_tb, video_params) = (video.time_base(), video.parameters());
		let frame_seconds = 1.0 / media::stream_fps(video.avg_frame_rate()).unwrap_or(30.0);
		let audio = audio_index
			.and_then(|i| input.stream(i))
			.map(|stream| (stream.time_base(), stream.parameters()));
		let (mut first_raw, mut raw_end) = (None::<f64>, 0.0f64);
		loop {
			if done(emitted) {
				break;
			}
			let mut packet = Packet::empty();
			match packet.read(&mut input) {
				Ok(()) => {},
				Err(ffmpeg_next::Error::Eof) => break,
				Err(ffmpeg_next::Error::InvalidData) => continue,
				Err(e) => {
					tracing::warn!("input ended: {e}");
					break;
				},
			}
			let is_video = packet.stream() == video_index;
			let (in_tb, out_index) = if is_video {
				(video_tb, 0)
			} else if Some(packet.stream()) == audio_index {
				match &audio {
					Some((tb, _)) => (*tb, 1),
					None => continue,
				}
			} else {
				continue;
			};
			let Some(pts) = packet.pts().or(packet.dts()) else { continue };
			let raw = media::seconds(pts, in_tb);
			let time = raw + loop_offset;
			if is_video {
				first_raw.get_or_insert(raw);
				raw_end = raw_end.max(raw + frame_seconds);
				if config.realtime {
					let first = *first_media_time.get_or_insert(time);
					let due = Duration::from_secs_f64((time - first).max(0.0));
					if let Some(wait) = due.checked_sub(started.elapsed()) {
						std::thread::sleep(wait);
					}
				}
				let boundary = match &segment {
					None => packet.is_key(),
					Some(open) => {
						packet.is_key() && time + frame_seconds / 2.0 >= open.first_time + step
					},
				};
				if boundary {
					if let Some(open) = segment.take() {
						emitted = emitted.saturating_add(close_copy_segment(open, sink)?);
						if done(emitted) {
							break;
						}
					}
					let seq = next_seq;
					next_seq = next_seq.saturating_add(1);
					segment = Some(open_copy_segment(
						config,
						seq,
						time,
						frame_seconds,
						&video_params,
						audio.as_ref(),
					)?);
				}
				if let Some(open) = segment.as_mut() {
					open.last_time = open.last_time.max(time);
				}
			}
			// Packets before the first keyframe cannot start a segment and are dropped.
			let Some(open) = segment.as_mut() else { continue };
			let out_tb = if out_index == 0 { Some(open.video_tb) } else { open.audio_tb };
			let Some(out_tb) = out_tb else { continue };
			let offset = (loop_offset * f64::from(in_tb.denominator())
				/ f64::from(in_tb.numerator().max(1)))
			.round() as i64;
			packet.set_pts(packet.pts().map(|t| t.saturating_add(offset)));
			packet.set_dts(packet.dts().map(|t| t.saturating_add(offset)));
			packet.set_stream(out_index);
			packet.rescale_ts(in_tb, out_tb);
			packet.set_position(-1);
			packet
				.write_interleaved(&mut open.output)
				.map_err(|e| MediaError::Mux(e.to_string()))?;
		}
		let covered = raw_end - first_raw.unwrap_or(raw_end);
		if done(emitted) || !config.loop_input || covered <= 0.0 {
			break;
		}
		loop_offset += covered;
	}
	match segment.take() {
		Some(open) if !done(emitted) => {
			emitted = emitted.saturating_add(close_copy_segment(open, sink)?)
		},
		Some(open) => {
			drop(open.output);
			let _ = std::fs::remove_file(&open.path);
		},
		None => {},
	}
	Ok(emitted)
}

fn open_copy_segment(
	config: &SegmenterConfig,
	seq: u64,
	time: f64,
	frame_seconds: f64,
	video: &codec::Parameters,
	audio: Option<&(Rational, codec::Parameters)>,
) -> Result<OpenSegment, MediaError> {
	let path = config.work_dir.join(format!("segment-{seq}.ts"));
	let mut output =
		format::output_as(&path, "mpegts").map_err(|e| MediaError::Mux(e.to_string()))?;
	{
		let mut stream = output
			.add_stream(encoder::find(codec::Id::None))
			.map_err(|e| MediaError::Mux(e.to_string()))?;
		stream.set_parameters(video.clone());
	}
	if let Some((_, params)) = audio {
		let mut stream = output
			.add_stream(encoder::find(codec::Id::None))
			.map_err(|e| MediaError::Mux(e.to_string()))?;
		stream.set_parameters(params.clone());
	}
	output.write_header().map_err(|e| MediaError::Mux(e.to_string()))?;
	let video_tb = output.stream(0).map_or(Rational(1, 90000), |s| s.time_base());
	let audio_tb = if audio.is_some() { output.stream(1).map(|s| s.time_base()) } else { None };
	Ok(OpenSegment {
		seq,
		path,
		output,
		video_tb,
		audio_tb,
		first_time: time,
		last_time: time,
		frame_seconds,
	})
}

fn close_copy_segment(
	mut segment: OpenSegment,
	sink: &mut dyn FnMut(CutSegment) -> Result<(), String>,
) -> Result<u64, SegmentError> {
	segment.output.write_trailer().map_err(|e| MediaError::Mux(e.to_string()))?;
	drop(segment.output);
	let bytes = std::fs::read(&segment.path).map_err(MediaError::Io)?;
	let _ = std::fs::remove_file(&segment.path);
	let duration = segment.last_time - segment.first_time + segment.frame_seconds;
	let duration_ms = (duration * 1000.0).round().clamp(0.0, f64::from(u32::MAX)) as u32;
	sink(CutSegment { seq: segment.seq, bytes, duration_ms }).map_err(SegmentError::Sink)?;
	Ok(1)
}

fn open_source(source: &Source) -> Result<format::context::Input, MediaError> {
	match source {
		Source::File(path) => media::open_input(path),
		Source::RtmpListen(url) => {
			let mut options = ffmpeg_next::Dictionary::new();
			options.set("listen", "1");
			format::input_with_dictionary(url, options)
				.map_err(|e| MediaError::NotMedia(e.to_string()))
		},
		Source::TestPattern { width, height, fps } => {
			ffmpeg_next::device::register_all();
			let lavfi =
				ffmpeg_next::device::input::video().find(|f| f.name() == "lavfi").ok_or_else(
					|| MediaError::NotMedia("FFmpeg lacks the lavfi input device".into()),
				)?;
			let graph = format!(
				"testsrc2=size={width}x{height}:rate={fps}[out0];sine=frequency=440:sample_rate=48000[out1]"
			);
			format::open_with(&graph, &lavfi, ffmpeg_next::Dictionary::new())
				.map_err(|e| MediaError::NotMedia(e.to_string()))
				.map(|context| context.input())
		},
	}
}

struct RunState<'a> {
	config: &'a SegmenterConfig,
	x264: X264Settings,
	video_encoder: Option<encoder::Video>,
	video_size: (u32, u32),
	video_fps: u32,
	encoder_tb: Rational,
	scaler: Option<scaling::Context>,
	/// Parameters of the current AAC encoder, for declaring each segment's audio stream.
	audio_params: Option<codec::Parameters>,
	segment: Option<OpenSegment>,
	next_seq: u64,
	emitted: u64,
	started: Instant,
	first_media_time: Option<f64>,
}

impl RunState<'_> {
	fn done(&self) -> bool {
		self.config.max_segments.is_some_and(|max| self.emitted >= max)
	}

	/// Processes one opened input until its end (or the segment limit); returns the media time
	/// its video covered (first frame to just after the last), by which a looped replay is
	/// shifted.
	fn run_input(
		&mut self,
		input: &mut format::context::Input,
		time_offset: f64,
		sink: &mut dyn FnMut(CutSegment) -> Result<(), String>,
	) -> Result<f64, SegmentError> {
		let video_index = media::best_stream(input, MediaType::Video).ok_or(MediaError::NoVideo)?;
		let video_stream = input.stream(video_index).ok_or(MediaError::NoVideo)?;
		let video_tb = video_stream.time_base();
		let fps = media::stream_fps(video_stream.avg_frame_rate())
			.or_else(|| media::stream_fps(video_stream.rate()))
			.map_or(30, |f| (f.round() as u32).clamp(1, 120));
		let video_params = video_stream.parameters();
		let mut video_decoder = media::open_video_decoder(video_params)?;
		let mut audio = match media::best_stream(input, MediaType::Audio) {
			Some(index) => Some(self.audio_pipeline(input, index)?),
			None => None,
		};

		let mut first_raw: Option<f64> = None;
		let mut raw_end = 0.0f64;
		let mut decoded = frame::Video::empty();
		let mut audio_frame = frame::Audio::empty();
		loop {
			if self.done() {
				return Ok(raw_end - first_raw.unwrap_or(raw_end));
			}
			let mut packet = Packet::empty();
			match packet.read(input) {
				Ok(()) => {},
				Err(ffmpeg_next::Error::Eof) => break,
				Err(ffmpeg_next::Error::InvalidData) => continue,
				// A publisher closing its RTMP connection ends the input with an I/O error
				// rather than end of file; either way the input is over and the segment in
				// progress is still emitted.
				Err(e) => {
					tracing::warn!("input ended: {e}");
					break;
				},
			}
			if packet.stream() == video_index {
				if video_decoder.send_packet(&packet).is_err() {
					continue;
				}
				while video_decoder.receive_frame(&mut decoded).is_ok() {
					let raw = frame_time(&decoded, video_tb);
					first_raw.get_or_insert(raw);
					raw_end = raw_end.max(raw + 1.0 / f64::from(fps));
					self.video_frame(&decoded, raw + time_offset, fps, sink)?;
				}
			} else if let Some(audio) = audio.as_mut().filter(|a| a.stream_index == packet.stream())
			{
				if audio.decoder.send_packet(&packet).is_err() {
					continue;
				}
				while audio.decoder.receive_frame(&mut audio_frame).is_ok() {
					self.audio_frame(audio, &mut audio_frame, time_offset)?;
				}
			}
		}
		let _ = video_decoder.send_eof();
		while video_decoder.receive_frame(&mut decoded).is_ok() {
			let raw = frame_time(&decoded, video_tb);
			first_raw.get_or_insert(raw);
			raw_end = raw_end.max(raw + 1.0 / f64::from(fps));
			self.video_frame(&decoded, raw + time_offset, fps, sink)?;
		}
		Ok(raw_end - first_raw.unwrap_or(raw_end))
	}

	fn audio_pipeline(
		&mut self,
		input: &format::context::Input,
		index: usize,
	) -> Result<AudioPipeline, MediaError> {
		let stream = input.stream(index).ok_or(MediaError::NoVideo)?;
		let stream_tb = stream.time_base();
		let params = stream.parameters();
		let decoder = codec::context::Context::from_parameters(params.clone())
			.and_then(|c| c.decoder().audio())
			.map_err(|_| MediaError::UnsupportedAudioCodec(format!("{:?}", params.id())))?;
		let aac = encoder::find(codec::Id::AAC)
			.ok_or_else(|| MediaError::Encoder("AAC encoder is not available".into()))?;
		let mut aac_encoder = codec::context::Context::new_with_codec(aac)
			.encoder()
			.audio()
			.map_err(|e| MediaError::Encoder(e.to_string()))?;
		aac_encoder.set_rate(48000);
		aac_encoder.set_channel_layout(ChannelLayout::STEREO);
		// FFmpeg 5.1 (Debian's) still uses the legacy channel fields.
		aac_encoder.set_channels(ChannelLayout::STEREO.channels());
		aac_encoder.set_format(format::Sample::F32(format::sample::Type::Planar));
		aac_encoder.set_bit_rate(128_000);
		aac_encoder.set_time_base(Rational(1, 48000));
		let encoder = aac_encoder.open_as(aac).map_err(|e| MediaError::Encoder(e.to_string()))?;

		let layout = if decoder.channel_layout().bits() == 0 {
			ChannelLayout::default(i32::from(decoder.channels()))
		} else {
			decoder.channel_layout()
		};
		let mut graph = filter::Graph::new();
		let args = format!(
			"time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout=0x{:x}",
			stream_tb.numerator(),
			stream_tb.denominator(),
			decoder.rate(),
			decoder.format().name(),
			layout.bits()
		);
		let graph_error = |e: ffmpeg_next::Error| MediaError::Encoder(format!("audio filter: {e}"));
		let abuffer =
			filter::find("abuffer").ok_or_else(|| MediaError::Encoder("no abuffer".into()))?;
		let abuffersink = filter::find("abuffersink")
			.ok_or_else(|| MediaError::Encoder("no abuffersink".into()))?;
		graph.add(&abuffer, "in", &args).map_err(graph_error)?;
		graph.add(&abuffersink, "out", "").map_err(graph_error)?;
		if let Some(mut out) = graph.get("out") {
			out.set_sample_format(encoder.format());
			out.set_channel_layout(encoder.channel_layout());
			out.set_sample_rate(encoder.rate());
		}
		graph
			.output("in", 0)
			.and_then(|p| p.input("out", 0))
			.and_then(|p| p.parse("aresample=48000"))
			.map_err(graph_error)?;
		graph.validate().map_err(graph_error)?;
		if let Some(mut out) = graph.get("out") {
			out.sink().set_frame_size(encoder.frame_size());
		}
		// New segments declare their audio stream from the encoder's parameters.
		self.audio_params = Some(codec::Parameters::from(&encoder));
		Ok(AudioPipeline { stream_index: index, stream_tb, decoder, graph, encoder })
	}

	fn audio_frame(
		&mut self,
		audio: &mut AudioPipeline,
		decoded: &mut frame::Audio,
		time_offset: f64,
	) -> Result<(), SegmentError> {
		let ts = decoded.timestamp().or_else(|| decoded.pts());
		let offset_ts = (time_offset * f64::from(audio.stream_tb.denominator())
			/ f64::from(audio.stream_tb.numerator().max(1))) as i64;
		decoded.set_pts(ts.map(|t| t.saturating_add(offset_ts)));
		if let Some(mut source) = audio.graph.get("in") {
			source
				.source()
				.add(decoded)
				.map_err(|e| MediaError::Encoder(format!("audio filter: {e}")))?;
		}
		let sink_tb =
			audio.graph.get("out").map_or(Rational(1, 48000), |mut s| s.sink().time_base());
		let mut filtered = frame::Audio::empty();
		loop {
			let got = match audio.graph.get("out") {
				Some(mut out) => out.sink().frame(&mut filtered).is_ok(),
				None => false,
			};
			if !got {
				break;
			}
			if let Some(pts) = filtered.pts() {
				filtered.set_pts(Some(pts.rescale(sink_tb, Rational(1, 48000))));
			}
			if audio.encoder.send_frame(&filtered).is_err() {
				continue;
			}
			let mut packet = Packet::empty();
			while audio.encoder.receive_packet(&mut packet).is_ok() {
				if let Some(segment) = self.segment.as_mut() {
					if let Some(out_tb) = segment.audio_tb {
						packet.set_stream(1);
						packet.rescale_ts(Rational(1, 48000), out_tb);
						packet
							.write_interleaved(&mut segment.output)
							.map_err(|e| MediaError::Mux(e.to_string()))?;
					}
				}
			}
		}
		Ok(())
	}

	fn video_frame(
		&mut self,
		decoded: &frame::Video,
		time: f64,
		fps: u32,
		sink: &mut dyn FnMut(CutSegment) -> Result<(), String>,
	) -> Result<(), SegmentError> {
		let (width, height) = (decoded.width() & !1, decoded.height() & !1);
		if width < 2 || height < 2 {
			return Err(MediaError::InvalidResolution { width, height }.into());
		}
		if self.video_encoder.is_none() {
			self.video_size = (width, height);
			self.video_fps = fps;
			self.encoder_tb = Rational(1, 90000);
			let spec = H264EncoderSpec {
				width,
				height,
				fps,
				time_base: self.encoder_tb,
				bitrate_kbps: self.config.video_bitrate_kbps,
				gop_frames: fps.saturating_mul(self.config.segment_seconds.max(1)),
				threads: 1,
			};
			self.video_encoder = Some(open_h264_encoder(&spec, &self.x264)?);
		}
		if self.config.realtime {
			let first = *self.first_media_time.get_or_insert(time);
			let due = Duration::from_secs_f64((time - first).max(0.0));
			if let Some(wait) = due.checked_sub(self.started.elapsed()) {
				std::thread::sleep(wait);
			}
		}
		let half_frame = 0.5 / f64::from(self.video_fps);
		let starts_segment = match &self.segment {
			None => true,
			Some(segment) => {
				time + half_frame >= segment.first_time + f64::from(self.config.segment_seconds)
			},
		};
		if starts_segment {
			self.close_segment(sink)?;
			if self.done() {
				return Ok(());
			}
			self.open_segment(time)?;
		}

		let key = (decoded.format(), decoded.width(), decoded.height());
		let rebuild = self
			.scaler
			.as_ref()
			.is_none_or(|s| (s.input().format, s.input().width, s.input().height) != key);
		if rebuild {
			self.scaler = Some(
				scaling::Context::get(
					key.0,
					key.1,
					key.2,
					format::Pixel::YUV420P,
					self.video_size.0,
					self.video_size.1,
					scaling::Flags::BICUBIC,
				)
				.map_err(|e| MediaError::Scale(e.to_string()))?,
			);
		}
		let mut scaled =
			frame::Video::new(format::Pixel::YUV420P, self.video_size.0, self.video_size.1);
		if let Some(scaler) = self.scaler.as_mut() {
			scaler.run(decoded, &mut scaled).map_err(|e| MediaError::Scale(e.to_string()))?;
		}
		scaled.set_pts(Some((time * 90000.0).round() as i64));
		scaled.set_kind(if starts_segment { picture::Type::I } else { picture::Type::None });
		let (Some(encoder), Some(segment)) = (self.video_encoder.as_mut(), self.segment.as_mut())
		else {
			return Ok(());
		};
		encoder.send_frame(&scaled).map_err(|e| MediaError::Encoder(e.to_string()))?;
		segment.last_time = time;
		segment.frame_seconds = 1.0 / f64::from(self.video_fps);
		let mut packet = Packet::empty();
		while encoder.receive_packet(&mut packet).is_ok() {
			packet.set_stream(0);
			packet.rescale_ts(self.encoder_tb, segment.video_tb);
			packet
				.write_interleaved(&mut segment.output)
				.map_err(|e| MediaError::Mux(e.to_string()))?;
		}
		Ok(())
	}

	fn open_segment(&mut self, time: f64) -> Result<(), SegmentError> {
		let seq = self.next_seq;
		self.next_seq = self.next_seq.saturating_add(1);
		let path = self.config.work_dir.join(format!("segment-{seq}.ts"));
		let mut output =
			format::output_as(&path, "mpegts").map_err(|e| MediaError::Mux(e.to_string()))?;
		let encoder = self
			.video_encoder
			.as_ref()
			.ok_or_else(|| MediaError::Encoder("video encoder missing".into()))?;
		{
			let mut stream = output
				.add_stream(encoder::find(codec::Id::H264))
				.map_err(|e| MediaError::Mux(e.to_string()))?;
			stream.set_parameters(encoder);
			stream.set_time_base(self.encoder_tb);
		}
		let has_audio = if let Some(params) = &self.audio_params {
			let mut stream = output
				.add_stream(encoder::find(codec::Id::AAC))
				.map_err(|e| MediaError::Mux(e.to_string()))?;
			stream.set_parameters(params.clone());
			stream.set_time_base(Rational(1, 48000));
			true
		} else {
			false
		};
		output.write_header().map_err(|e| MediaError::Mux(e.to_string()))?;
		let video_tb = output.stream(0).map_or(Rational(1, 90000), |s| s.time_base());
		let audio_tb = if has_audio { output.stream(1).map(|s| s.time_base()) } else { None };
		self.segment = Some(OpenSegment {
			seq,
			path,
			output,
			video_tb,
			audio_tb,
			first_time: time,
			last_time: time,
			frame_seconds: 1.0 / f64::from(self.video_fps),
		});
		Ok(())
	}

	fn close_segment(
		&mut self,
		sink: &mut dyn FnMut(CutSegment) -> Result<(), String>,
	) -> Result<(), SegmentError> {
		let Some(mut segment) = self.segment.take() else { return Ok(()) };
		segment.output.write_trailer().map_err(|e| MediaError::Mux(e.to_string()))?;
		drop(segment.output);
		let bytes = std::fs::read(&segment.path).map_err(MediaError::Io)?;
		let _ = std::fs::remove_file(&segment.path);
		let duration = segment.last_time - segment.first_time + segment.frame_seconds;
		let duration_ms = (duration * 1000.0).round().clamp(0.0, f64::from(u32::MAX)) as u32;
		sink(CutSegment { seq: segment.seq, bytes, duration_ms }).map_err(SegmentError::Sink)?;
		self.emitted = self.emitted.saturating_add(1);
		Ok(())
	}

	fn finish(
		&mut self,
		sink: &mut dyn FnMut(CutSegment) -> Result<(), String>,
	) -> Result<(), SegmentError> {
		if self.done() {
			// The limit was reached with a segment possibly half written: discard it.
			if let Some(segment) = self.segment.take() {
				drop(segment.output);
				let _ = std::fs::remove_file(&segment.path);
			}
			return Ok(());
		}
		self.close_segment(sink)
	}
}

fn frame_time(frame: &frame::Video, time_base: Rational) -> f64 {
	media::seconds(frame.timestamp().or_else(|| frame.pts()).unwrap_or(0), time_base)
}
