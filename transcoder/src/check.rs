//! The content checker: is an output segment an honest rendition of an input segment for a
//! profile?
//!
//! Checks, each reported as a named [`CheckFailure`]:
//! - codec is H.264;
//! - resolution is the source fitted inside the profile's box with its aspect ratio kept and
//!   never upscaled, exactly as the ladder sizes it ([`media::rendition_size`]);
//! - frame rate is the profile's (or the source's when that is lower), within 2 %;
//! - duration matches the input's within one input frame;
//! - picture: mean luma SSIM over up to [`SAMPLED_FRAMES`] frames, each compared with the input
//!   frame at the same relative time scaled to the output size, must be at least
//!   [`MIN_MEAN_SSIM`] and no sampled frame may fall below [`MIN_FRAME_SSIM`];
//! - bitrate: video bitrate at least [`MIN_BITRATE_FRACTION`] of the profile's, unless the
//!   picture is near-identical (mean SSIM ≥ [`NEAR_LOSSLESS_SSIM`]): easy content may be honestly
//!   cheap, but a starved encode also shows in the picture.
//!
//! Thresholds, measured with this SSIM on testsrc2 (a hard, detailed pattern) at 240p against
//! the bicubic-scaled input (see tests/check.rs): honest libx264 encodes at the profile's
//! bitrate score a mean of 0.97–0.98 with the worst sampled frame about 0.95; the same at 1/12
//! of the bitrate 0.82 (worst 0.77); other content (mandelbrot) 0.55; black frames 0.00. A mean
//! of at least 0.85 and no frame below 0.75 leaves room for other honest encoders and scalers
//! while rejecting substituted content; starved encodes are also caught by the bitrate floor.
//!
//! ## Cost
//! [`check_segment`] checks all renditions of one segment in one pass over each file. Codec,
//! size, frame rate, duration and bitrate come from the container and the packets alone (no
//! decoding). The picture check decodes the input once for every rendition, and decodes only the
//! renditions asked for ([`RenditionToCheck::picture`]); of the decoded frames, only the sampled
//! ones are converted and scaled. A committee member (the node's verifier) asks for the picture
//! of one rendition per challenged segment, chosen by the challenge's randomness, and samples
//! the frames with it too ([`Sampling::Seeded`]): every member checks the same frames, and the
//! claimant could not know them when it claimed.

use crate::media::{self, MediaError};
use ffmpeg_next::{
	codec, codec::discard::Discard, format, frame, media::Type as MediaType, software::scaling, Packet, Rational,
};
use olc_primitives::Profile;
use std::{collections::HashMap, path::Path};

/// Frames of the output compared with the input, spread over the segment.
pub const SAMPLED_FRAMES: usize = 12;
/// Minimum mean luma SSIM of the sampled frames.
pub const MIN_MEAN_SSIM: f64 = 0.85;
/// Minimum luma SSIM of any sampled frame.
pub const MIN_FRAME_SSIM: f64 = 0.75;
/// Minimum video bitrate as a fraction of the profile's bitrate.
pub const MIN_BITRATE_FRACTION: f64 = 0.25;
/// Mean SSIM above which a low bitrate is not held against the output.
pub const NEAR_LOSSLESS_SSIM: f64 = 0.98;

/// One reason an output is not an honest rendition.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CheckFailure {
	#[error("output cannot be decoded: {0}")]
	Undecodable(String),
	#[error("output codec is {0}, expected h264")]
	WrongCodec(String),
	#[error("output resolution {actual_width}x{actual_height}, expected {expected_width}x{expected_height}")]
	WrongResolution { expected_width: u32, expected_height: u32, actual_width: u32, actual_height: u32 },
	#[error("output frame rate {actual:.3} fps, expected {expected:.3}")]
	WrongFrameRate { expected: f64, actual: f64 },
	#[error("output lasts {output:.3} s, input {input:.3} s (tolerance one frame, {tolerance:.3} s)")]
	DurationMismatch { input: f64, output: f64, tolerance: f64 },
	#[error("picture does not match the input: mean SSIM {mean:.3} (min {MIN_MEAN_SSIM}), worst frame {worst:.3} (min {MIN_FRAME_SSIM})")]
	PictureMismatch { mean: f64, worst: f64 },
	#[error("video bitrate {actual_kbps:.0} kbps is far below the profile's {profile_kbps} kbps (min {min_kbps:.0})")]
	BitrateTooLow { actual_kbps: f64, profile_kbps: u32, min_kbps: f64 },
}

/// Measurements and verdict of one rendition's check.
#[derive(Clone, Debug)]
pub struct CheckReport {
	pub expected_width: u32,
	pub expected_height: u32,
	pub output_width: u32,
	pub output_height: u32,
	pub input_duration: f64,
	pub output_duration: f64,
	pub output_fps: f64,
	pub output_kbps: f64,
	/// Whether the picture was compared (SSIM and the bitrate floor); the other checks always run.
	pub picture_checked: bool,
	pub mean_ssim: f64,
	pub worst_ssim: f64,
	pub frames_compared: usize,
	/// Empty when the output is an honest rendition.
	pub failures: Vec<CheckFailure>,
}

impl CheckReport {
	/// True when no check failed.
	pub fn passed(&self) -> bool {
		self.failures.is_empty()
	}
}

/// One rendition of a segment to check.
#[derive(Clone, Copy, Debug)]
pub struct RenditionToCheck<'a> {
	pub output: &'a Path,
	pub profile: &'a Profile,
	/// Decode the rendition and compare its picture with the input's (the costly part).
	pub picture: bool,
}

/// Which output frames the picture check compares.
#[derive(Clone, Copy, Debug)]
pub enum Sampling {
	/// Evenly spread over the segment (predictable: for the CLI and tests).
	Spread,
	/// Chosen by a seed the producer of the output could not know (a committee's randomness).
	Seeded([u8; 32]),
}

/// Checks whether `output` is an honest rendition of `input` for `profile`, picture included.
/// Errors are about the input (or the environment); everything wrong with the output is a
/// failure in the report.
pub fn check_rendition(input: &Path, output: &Path, profile: &Profile) -> Result<CheckReport, MediaError> {
	let reports =
		check_segment(input, &[RenditionToCheck { output, profile, picture: true }], Sampling::Spread)?;
	reports.into_iter().next().ok_or_else(|| MediaError::Encoder("no report".into()))
}

/// Checks every rendition of one input segment; one report per rendition, in order. Errors are
/// about the input (or the environment); everything wrong with an output is a failure in its
/// report.
pub fn check_segment(
	input: &Path,
	renditions: &[RenditionToCheck<'_>],
	sampling: Sampling,
) -> Result<Vec<CheckReport>, MediaError> {
	for rendition in renditions {
		rendition
			.profile
			.validate()
			.map_err(|e| MediaError::Encoder(format!("invalid profile: {e:?}")))?;
	}
	crate::init_ffmpeg().map_err(|e| MediaError::NotMedia(e.to_string()))?;
	let mut source = Demuxed::open(input)?;
	if u64::from(source.width).saturating_mul(u64::from(source.height)) > media::MAX_INPUT_PIXELS {
		return Err(MediaError::ResolutionTooLarge {
			width: source.width,
			height: source.height,
			max_pixels: media::MAX_INPUT_PIXELS,
		});
	}
	if source.times.is_empty() {
		return Err(source.read_error.take().map_or(MediaError::NoDecodableFrames, MediaError::Demux));
	}
	let input_duration = source.duration();
	let input_fps = source.fps();

	// Container checks of every rendition, and the frames to compare of those checked in full.
	let mut reports = Vec::with_capacity(renditions.len());
	let mut outputs: Vec<Option<Demuxed>> = Vec::with_capacity(renditions.len());
	// (rendition, output time, input time) of every frame pair to compare.
	let mut pairs: Vec<(usize, f64, f64)> = Vec::new();
	for (index, rendition) in renditions.iter().enumerate() {
		let profile = rendition.profile;
		let (expected_width, expected_height) =
			media::rendition_size(profile.width, profile.height, source.width, source.height);
		let mut report = CheckReport {
			expected_width,
			expected_height,
			output_width: 0,
			output_height: 0,
			input_duration,
			output_duration: 0.0,
			output_fps: 0.0,
			output_kbps: 0.0,
			picture_checked: rendition.picture,
			mean_ssim: 0.0,
			worst_ssim: 0.0,
			frames_compared: 0,
			failures: Vec::new(),
		};
		let output = match Demuxed::open(rendition.output) {
			Ok(output) if !output.times.is_empty() => output,
			Ok(mut output) => {
				let reason = output.read_error.take().unwrap_or_else(|| "no video frames".into());
				report.failures.push(CheckFailure::Undecodable(reason));
				reports.push(report);
				outputs.push(None);
				continue;
			},
			Err(e) => {
				report.failures.push(CheckFailure::Undecodable(e.to_string()));
				reports.push(report);
				outputs.push(None);
				continue;
			},
		};
		report.output_width = output.width;
		report.output_height = output.height;
		report.output_duration = output.duration();
		report.output_fps = output.fps();
		report.output_kbps = if report.output_duration > 0.0 {
			output.video_bytes as f64 * 8.0 / report.output_duration / 1000.0
		} else {
			0.0
		};
		if output.codec != codec::Id::H264 {
			report.failures.push(CheckFailure::WrongCodec(format!("{:?}", output.codec).to_lowercase()));
		}
		if (output.width, output.height) != (expected_width, expected_height) {
			report.failures.push(CheckFailure::WrongResolution {
				expected_width,
				expected_height,
				actual_width: output.width,
				actual_height: output.height,
			});
		}
		let expected_fps = input_fps.min(f64::from(profile.fps));
		if (report.output_fps - expected_fps).abs() > 0.02 * expected_fps {
			report.failures.push(CheckFailure::WrongFrameRate { expected: expected_fps, actual: report.output_fps });
		}
		let tolerance = source.frame_interval + 1e-3;
		if (report.output_duration - input_duration).abs() > tolerance {
			report.failures.push(CheckFailure::DurationMismatch {
				input: input_duration,
				output: report.output_duration,
				tolerance,
			});
		}
		if rendition.picture {
			for output_index in sample_indices(output.times.len(), sampling, index) {
				let Some(&time) = output.times.get(output_index) else { continue };
				if let Some(input_time) = nearest(&source.times, time) {
					pairs.push((index, time, input_time));
				}
			}
		}
		reports.push(report);
		outputs.push(Some(output));
	}
	if pairs.is_empty() && renditions.iter().all(|r| !r.picture) {
		return Ok(reports);
	}

	// Decode the input once; keep, for each rendition, its sampled input frames as luma scaled
	// to the rendition's expected size (the output is compared at that size).
	let mut wanted_input: Vec<(f64, usize, (u32, u32))> = pairs
		.iter()
		.filter_map(|&(index, _, input_time)| {
			let report = reports.get(index)?;
			Some((input_time, index, (report.expected_width, report.expected_height)))
		})
		.collect();
	wanted_input.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
	let last_wanted_input = wanted_input.iter().map(|(t, ..)| *t).fold(f64::NEG_INFINITY, f64::max) - 1e-6;
	let mut scalers = Scalers::default();
	let mut input_planes: HashMap<(usize, u64), Vec<u8>> = HashMap::new();
	// The input is decoded without its deblocking filter: at a broadcaster's bitrate the filter
	// changes little, and skipping it saves a sixth of the decode.
	source.decode(true, |time, decoded| {
		for &(wanted, index, size) in wanted_input.iter().filter(|(t, ..)| same_time(*t, time)) {
			let plane = scalers.luma(decoded, size)?;
			input_planes.insert((index, wanted.to_bits()), plane);
		}
		// Frames come out in presentation order: past the last wanted one, stop decoding.
		Ok(time < last_wanted_input)
	})?;

	for (index, (rendition, output)) in renditions.iter().zip(outputs.iter_mut()).enumerate() {
		let (Some(output), Some(report)) = (output.as_mut(), reports.get_mut(index)) else { continue };
		if !rendition.picture {
			continue;
		}
		let size = (report.expected_width, report.expected_height);
		let my_pairs: Vec<(f64, f64)> =
			pairs.iter().filter(|(i, ..)| *i == index).map(|&(_, out, inp)| (out, inp)).collect();
		let mut scores = Vec::with_capacity(my_pairs.len());
		let mut output_planes: HashMap<u64, Vec<u8>> = HashMap::new();
		let decoded = output.decode(false, |time, decoded| {
			if let Some((wanted, _)) = my_pairs.iter().find(|(t, _)| same_time(*t, time)) {
				output_planes.insert(wanted.to_bits(), scalers.luma(decoded, size)?);
			}
			Ok(output_planes.len() < my_pairs.len())
		});
		match decoded {
			Ok(0) => {
				report.failures.push(CheckFailure::Undecodable("no decodable frames".into()));
				continue;
			},
			Ok(_) => {},
			Err(e) => {
				report.failures.push(CheckFailure::Undecodable(e.to_string()));
				continue;
			},
		}
		for (output_time, input_time) in &my_pairs {
			let (Some(out), Some(inp)) =
				(output_planes.get(&output_time.to_bits()), input_planes.get(&(index, input_time.to_bits())))
			else {
				continue;
			};
			scores.push(luma_ssim(inp, out, size.0 as usize, size.1 as usize));
		}
		report.frames_compared = scores.len();
		report.mean_ssim = if scores.is_empty() { 0.0 } else { scores.iter().sum::<f64>() / scores.len() as f64 };
		report.worst_ssim = scores.iter().copied().fold(f64::INFINITY, f64::min).min(1.0);
		if scores.is_empty() || report.mean_ssim < MIN_MEAN_SSIM || report.worst_ssim < MIN_FRAME_SSIM {
			report
				.failures
				.push(CheckFailure::PictureMismatch { mean: report.mean_ssim, worst: report.worst_ssim.max(0.0) });
		}
		let min_kbps = f64::from(rendition.profile.bitrate_kbps) * MIN_BITRATE_FRACTION;
		if report.output_kbps < min_kbps && report.mean_ssim < NEAR_LOSSLESS_SSIM {
			report.failures.push(CheckFailure::BitrateTooLow {
				actual_kbps: report.output_kbps,
				profile_kbps: rendition.profile.bitrate_kbps,
				min_kbps,
			});
		}
	}
	Ok(reports)
}

/// Two frame times of one stream (both from the same timestamps) are the same frame.
fn same_time(a: f64, b: f64) -> bool {
	(a - b).abs() < 1e-6
}

/// The time in sorted `times` nearest to `time`.
fn nearest(times: &[f64], time: f64) -> Option<f64> {
	let after = times.partition_point(|t| *t < time);
	let candidates = [after.checked_sub(1).and_then(|i| times.get(i)), times.get(after)];
	candidates.into_iter().flatten().copied().min_by(|a, b| (a - time).abs().total_cmp(&(b - time).abs()))
}

/// Indices of the output frames to compare, in increasing order: up to [`SAMPLED_FRAMES`],
/// spread evenly, or drawn without repetition from the seed (and the rendition's index, so the
/// renditions of one segment are sampled differently).
fn sample_indices(count: usize, sampling: Sampling, rendition: usize) -> Vec<usize> {
	let samples = SAMPLED_FRAMES.min(count);
	let mut indices: Vec<usize> = match sampling {
		Sampling::Spread => (0..samples).map(|i| i.saturating_mul(count) / samples).collect(),
		Sampling::Seeded(seed) => {
			// A partial Fisher-Yates shuffle driven by blake2-256 of (seed, rendition, step).
			let mut all: Vec<usize> = (0..count).collect();
			for step in 0..samples {
				let hash = olc_primitives::blake2_256(
					&[&seed[..], &(rendition as u64).to_le_bytes(), &(step as u64).to_le_bytes()].concat(),
				);
				let mut word = [0u8; 8];
				word.copy_from_slice(hash.get(..8).unwrap_or(&[0; 8]));
				let span = count.saturating_sub(step).max(1);
				let pick = step.saturating_add((u64::from_le_bytes(word) % span as u64) as usize);
				if pick < count {
					all.swap(step, pick);
				}
			}
			all.truncate(samples);
			all
		},
	};
	indices.sort_unstable();
	indices.dedup();
	indices
}

/// A video stream demuxed (not decoded): its parameters and packets.
struct Demuxed {
	input: format::context::Input,
	index: usize,
	time_base: Rational,
	codec: codec::Id,
	width: u32,
	height: u32,
	/// Video packets in file order.
	packets: Vec<Packet>,
	/// Frame times (seconds from the first frame), sorted.
	times: Vec<f64>,
	/// The timestamp of the first frame, in `time_base`.
	first: i64,
	frame_interval: f64,
	video_bytes: u64,
	read_error: Option<String>,
}

impl Demuxed {
	fn open(path: &Path) -> Result<Self, MediaError> {
		if std::fs::metadata(path)?.len() == 0 {
			return Err(MediaError::EmptyInput);
		}
		// No stream-information probing: FFmpeg's decodes several frames of every file (a fifth
		// of a check's CPU); the size comes from one decoded frame instead, the rest from the
		// packets.
		let mut options = ffmpeg_next::Dictionary::new();
		options.set("probesize", "32");
		options.set("analyzeduration", "0");
		let mut input =
			format::input_with_dictionary(path, options).map_err(|e| MediaError::NotMedia(e.to_string()))?;
		let index = media::best_stream(&input, MediaType::Video).ok_or(MediaError::NoVideo)?;
		let stream = input.stream(index).ok_or(MediaError::NoVideo)?;
		let time_base = stream.time_base();
		let codec = stream.parameters().id();
		let (all, read_error) = media::read_all_packets(&mut input);
		let packets: Vec<Packet> = all.into_iter().filter(|p| p.stream() == index).collect();
		let mut stamps: Vec<i64> = packets.iter().filter_map(|p| p.pts().or_else(|| p.dts())).collect();
		stamps.sort_unstable();
		stamps.dedup();
		let first = stamps.first().copied().unwrap_or(0);
		let times: Vec<f64> = stamps.iter().map(|&ts| media::seconds(ts.saturating_sub(first), time_base)).collect();
		let video_bytes = packets.iter().map(|p| p.size() as u64).sum();
		let frame_interval = median_interval(&times);
		let mut demuxed = Self {
			input,
			index,
			time_base,
			codec,
			packets,
			times,
			first,
			frame_interval,
			video_bytes,
			read_error,
			width: 0,
			height: 0,
		};
		if !demuxed.packets.is_empty() {
			let (width, height) = demuxed.first_frame_size()?;
			if width < 2 || height < 2 {
				return Err(MediaError::InvalidResolution { width, height });
			}
			(demuxed.width, demuxed.height) = (width, height);
		}
		Ok(demuxed)
	}

	/// The size of the first frame that decodes.
	fn first_frame_size(&mut self) -> Result<(u32, u32), MediaError> {
		let mut size = None;
		self.decode(false, |_, frame| {
			size = Some((frame.width(), frame.height()));
			Ok(false)
		})?;
		size.ok_or(MediaError::NoDecodableFrames)
	}

	fn duration(&self) -> f64 {
		self.times.last().map_or(0.0, |t| t + self.frame_interval)
	}

	fn fps(&self) -> f64 {
		if self.frame_interval > 0.0 {
			1.0 / self.frame_interval
		} else {
			0.0
		}
	}

	/// Decodes the packets in order, calling `each` with every frame and its time (as in
	/// [`Self::times`]) until `each` answers `false` (it has every frame it wants); returns the
	/// number of frames decoded.
	fn decode(
		&mut self,
		skip_deblocking: bool,
		mut each: impl FnMut(f64, &frame::Video) -> Result<bool, MediaError>,
	) -> Result<usize, MediaError> {
		let stream = self.input.stream(self.index).ok_or(MediaError::NoVideo)?;
		let params = stream.parameters();
		let id = params.id();
		// One thread: a check is not in a hurry, and frame threading costs CPU of its own.
		let mut decoder = codec::context::Context::from_parameters(params)
			.and_then(|context| context.decoder().video())
			.map_err(|_| MediaError::UnsupportedVideoCodec(format!("{id:?}")))?;
		if skip_deblocking {
			decoder.skip_loop_filter(Discard::All);
		}
		let mut decoded = frame::Video::empty();
		let mut frames = 0usize;
		let (first, time_base) = (self.first, self.time_base);
		let mut handle = |decoded: &frame::Video| -> Result<bool, MediaError> {
			let (w, h) = (decoded.width(), decoded.height());
			if u64::from(w).saturating_mul(u64::from(h)) > media::MAX_INPUT_PIXELS {
				return Err(MediaError::ResolutionTooLarge { width: w, height: h, max_pixels: media::MAX_INPUT_PIXELS });
			}
			frames = frames.saturating_add(1);
			let ts = decoded.timestamp().or_else(|| decoded.pts()).unwrap_or(first);
			each(media::seconds(ts.saturating_sub(first), time_base), decoded)
		};
		for packet in &self.packets {
			if decoder.send_packet(packet).is_err() {
				continue;
			}
			while decoder.receive_frame(&mut decoded).is_ok() {
				if !handle(&decoded)? {
					return Ok(frames);
				}
			}
		}
		let _ = decoder.send_eof();
		while decoder.receive_frame(&mut decoded).is_ok() {
			if !handle(&decoded)? {
				break;
			}
		}
		Ok(frames)
	}
}

/// Converts decoded frames to packed luma planes of a given size, reusing scalers.
#[derive(Default)]
struct Scalers {
	contexts: Vec<scaling::Context>,
}

impl Scalers {
	fn luma(&mut self, decoded: &frame::Video, (width, height): (u32, u32)) -> Result<Vec<u8>, MediaError> {
		let fits = |s: &scaling::Context| {
			s.input().width == decoded.width()
				&& s.input().height == decoded.height()
				&& s.input().format == decoded.format()
				&& (s.output().width, s.output().height) == (width, height)
		};
		let position = match self.contexts.iter().position(fits) {
			Some(position) => position,
			None => {
				let context = scaling::Context::get(
					decoded.format(),
					decoded.width(),
					decoded.height(),
					format::Pixel::GRAY8,
					width,
					height,
					scaling::Flags::BICUBIC,
				)
				.map_err(|e| MediaError::Scale(e.to_string()))?;
				self.contexts.push(context);
				self.contexts.len().saturating_sub(1)
			},
		};
		let scaler = self.contexts.get_mut(position).ok_or_else(|| MediaError::Scale("no scaler".into()))?;
		let mut gray = frame::Video::new(format::Pixel::GRAY8, width, height);
		scaler.run(decoded, &mut gray).map_err(|e| MediaError::Scale(e.to_string()))?;
		Ok(packed_plane(&gray, width as usize, height as usize))
	}
}

/// Copies a plane without its row padding.
fn packed_plane(frame: &frame::Video, width: usize, height: usize) -> Vec<u8> {
	let stride = frame.stride(0);
	let data = frame.data(0);
	let mut packed = Vec::with_capacity(width.saturating_mul(height));
	for row in 0..height {
		let start = row.saturating_mul(stride);
		if let Some(line) = data.get(start..start.saturating_add(width)) {
			packed.extend_from_slice(line);
		}
	}
	packed
}

fn median_interval(times: &[f64]) -> f64 {
	let mut intervals: Vec<f64> =
		times.windows(2).filter_map(|w| Some(w.get(1)? - w.first()?)).filter(|d| *d > 0.0).collect();
	if intervals.is_empty() {
		return 1.0 / 30.0;
	}
	intervals.sort_by(f64::total_cmp);
	intervals.get(intervals.len() / 2).copied().unwrap_or(1.0 / 30.0)
}

/// Mean SSIM of two equally sized luma planes over 8×8 blocks (step 4), with the usual
/// constants for 8-bit samples.
pub fn luma_ssim(a: &[u8], b: &[u8], width: usize, height: usize) -> f64 {
	const BLOCK: usize = 8;
	const STEP: usize = 4;
	let c1 = (0.01f64 * 255.0).powi(2);
	let c2 = (0.03f64 * 255.0).powi(2);
	if a.len() < width.saturating_mul(height) || b.len() < width.saturating_mul(height) {
		return 0.0;
	}
	let mut total = 0.0;
	let mut blocks = 0usize;
	let mut y: usize = 0;
	while y.saturating_add(BLOCK) <= height {
		let mut x: usize = 0;
		while x.saturating_add(BLOCK) <= width {
			// Integer sums are exact (at most 64 × 255² per block) and much cheaper than floats.
			let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0u32, 0u32, 0u32, 0u32, 0u32);
			for row in y..y.saturating_add(BLOCK) {
				let offset = row.saturating_mul(width).saturating_add(x);
				let (Some(ra), Some(rb)) =
					(a.get(offset..offset.saturating_add(BLOCK)), b.get(offset..offset.saturating_add(BLOCK)))
				else {
					continue;
				};
				let (Ok(ra), Ok(rb)) = (<&[u8; BLOCK]>::try_from(ra), <&[u8; BLOCK]>::try_from(rb)) else {
					continue;
				};
				for (&pa, &pb) in ra.iter().zip(rb.iter()) {
					let (pa, pb) = (u32::from(pa), u32::from(pb));
					sa += pa;
					sb += pb;
					saa += pa * pa;
					sbb += pb * pb;
					sab += pa * pb;
				}
			}
			let (sa, sb, saa, sbb, sab) = (f64::from(sa), f64::from(sb), f64::from(saa), f64::from(sbb), f64::from(sab));
			let n = (BLOCK * BLOCK) as f64;
			let (ma, mb) = (sa / n, sb / n);
			let va = saa / n - ma * ma;
			let vb = sbb / n - mb * mb;
			let cov = sab / n - ma * mb;
			total += ((2.0 * ma * mb + c1) * (2.0 * cov + c2))
				/ ((ma * ma + mb * mb + c1) * (va + vb + c2));
			blocks = blocks.saturating_add(1);
			x = x.saturating_add(STEP);
		}
		y = y.saturating_add(STEP);
	}
	if blocks == 0 {
		0.0
	} else {
		total / blocks as f64
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn ssim_of_identical_planes_is_one_and_of_inverted_is_low() {
		let (w, h) = (32, 16);
		let a: Vec<u8> = (0..w * h).map(|i| ((i * 37) % 251) as u8).collect();
		assert!((luma_ssim(&a, &a, w, h) - 1.0).abs() < 1e-9);
		let inverted: Vec<u8> = a.iter().map(|v| 255 - v).collect();
		assert!(luma_ssim(&a, &inverted, w, h) < 0.1);
		let black = vec![0u8; w * h];
		assert!(luma_ssim(&a, &black, w, h) < 0.1);
		assert_eq!(luma_ssim(&a[..10], &a, w, h), 0.0);
	}

	#[test]
	fn seeded_samples_are_reproducible_distinct_and_depend_on_the_seed() {
		let spread = sample_indices(60, Sampling::Spread, 0);
		assert_eq!(spread, (0..12).map(|i| i * 5).collect::<Vec<_>>());
		let a = sample_indices(60, Sampling::Seeded([1; 32]), 0);
		assert_eq!(a, sample_indices(60, Sampling::Seeded([1; 32]), 0));
		assert_eq!(a.len(), SAMPLED_FRAMES);
		assert!(a.windows(2).all(|w| w[0] < w[1]) && a.iter().all(|&i| i < 60));
		assert_ne!(a, spread);
		assert_ne!(a, sample_indices(60, Sampling::Seeded([2; 32]), 0));
		assert_ne!(a, sample_indices(60, Sampling::Seeded([1; 32]), 1));
		// Fewer frames than samples: every frame, once.
		assert_eq!(sample_indices(5, Sampling::Seeded([1; 32]), 0), vec![0, 1, 2, 3, 4]);
		assert_eq!(sample_indices(0, Sampling::Seeded([1; 32]), 0), Vec::<usize>::new());
	}
}
