//! The content checker: is an output segment an honest rendition of an input segment for a
//! profile?
//!
//! Checks, each reported as a named [`CheckFailure`]. On every rendition, from the container
//! and the packets (no video decoding):
//! - the file is MPEG-TS (the only demuxer allowed) with H.264 video, starting with an IDR
//!   access unit (a player can start there);
//! - resolution is the source fitted inside the profile's box with its aspect ratio kept and
//!   never upscaled, exactly as the ladder sizes it ([`media::rendition_size`]);
//! - frame rate is the profile's (or the source's when that is lower), within 2 %;
//! - duration matches the input's within one input frame;
//! - bitrate ceiling: all video bytes at most [`MAX_BITRATE_FACTOR`] × the profile's bitrate;
//! - audio: when the input has audio, the output has it too, and it is the input's (the same
//!   packets, as the ladder copies them; otherwise both are decoded and must last as long within
//!   [`AUDIO_DURATION_TOLERANCE`] and follow the same loudness envelope within
//!   [`MAX_AUDIO_LEVEL_DB`]).
//!
//! On the renditions whose picture is compared (decoded whole, one frame at a time):
//! - picture: mean luma SSIM over up to [`SAMPLED_FRAMES`] frames, each compared with the input
//!   frame at the same time, both scaled into [`COMPARE_WIDTH`]×[`COMPARE_HEIGHT`], at least
//!   [`MIN_MEAN_SSIM`], no sampled frame below [`MIN_FRAME_SSIM`];
//! - colour: the chroma planes' 8×8 block means may differ from the input's by at most
//!   [`MAX_CHROMA_ERROR`] levels on average and [`MAX_FRAME_CHROMA_ERROR`] on any sampled frame
//!   (grayscale, tinted or hue-shifted output fails; lost chroma noise does not count);
//! - motion: every frame is reduced to a 32×18 thumbnail of mean luma; a frame where the input
//!   moved (at least [`MOVING_CELLS`] cells changed by more than [`MOVING_LEVELS`]) but the
//!   output did not change at all (no cell by more than [`STILL_LEVELS`]) is a repeated frame;
//!   more than [`MAX_REPEATED_FRAMES`] plus one in [`REPEATED_PER_MOVING`] moving frames fails
//!   (frozen or duplicated output, e.g. 15 fps sent as 30);
//! - bitrate floor: coded picture bytes (slice NAL units only: filler, SEI and padding do not
//!   count) at least [`MIN_BITRATE_FRACTION`] of the profile's, unless the picture is
//!   near-identical (mean SSIM ≥ [`NEAR_LOSSLESS_SSIM`]);
//! - the pixel format is 8-bit 4:2:0 (what every player decodes) and every frame has the
//!   rendition's size (which also bounds the memory a hostile rendition can make us use).
//!
//! ## Calibration
//! `tests/check_calibration.rs` generates five kinds of content (testsrc2 motion, mandelbrot,
//! grain, text, fades), encodes every rung of the default ladder at three x264 presets, checks
//! every rendition, and prints the honest and dishonest scores with the margins (README,
//! "Checker calibration"). The thresholds sit between the worst honest and the best dishonest
//! score of each measure on that set, with no honest rendition rejected.
//!
//! ## Cost and memory
//! [`check_segment`] checks all renditions of one segment in one pass over each file. The
//! container checks need no video decoding. The picture checks decode the input once for every
//! rendition, and decode only the renditions asked for ([`RenditionToCheck::picture`]); one
//! frame is decoded at a time (single-threaded decoders, no frame queue), every frame gives a
//! 576-cell thumbnail, and only the sampled ones are converted and scaled down to the compare
//! size; the input's sampled frames are kept at that size until the output's are compared with
//! them. A committee member (the node's verifier) asks for the picture of one rendition per
//! challenged segment, chosen by the challenge's randomness, and samples the frames with it too
//! ([`Sampling::Seeded`]): every member checks the same frames, and the claimant could not know
//! them when it claimed.

mod measure;

pub use measure::{block_mean_error, plane_ssim as luma_ssim};

use crate::media::{self, MediaError};
use ffmpeg_next::{
	codec, codec::discard::Discard, format, frame, media::Type as MediaType, software::scaling,
	Packet, Rational,
};
use measure::Envelope;
use olc_primitives::Profile;
use std::{collections::HashMap, path::Path};

/// Frames of the output compared with the input, spread over the segment.
pub const SAMPLED_FRAMES: usize = 12;
/// Minimum mean luma SSIM of the sampled frames.
pub const MIN_MEAN_SSIM: f64 = 0.85;
/// Minimum luma SSIM of any sampled frame.
pub const MIN_FRAME_SSIM: f64 = 0.75;
/// Largest mean chroma error (levels of the 8×8 block means of U and V) over the sampled frames.
pub const MAX_CHROMA_ERROR: f64 = 4.0;
/// Largest chroma error of any sampled frame.
pub const MAX_FRAME_CHROMA_ERROR: f64 = 8.0;
/// Minimum coded picture bitrate as a fraction of the profile's bitrate.
pub const MIN_BITRATE_FRACTION: f64 = 0.25;
/// Largest video bitrate (all video bytes) as a multiple of the profile's bitrate. The ladder's
/// VBV (maxrate = bitrate, 2 s buffer) allows at most 2× over one 2 s segment.
pub const MAX_BITRATE_FACTOR: f64 = 2.5;
/// Mean SSIM above which a low bitrate is not held against the output.
pub const NEAR_LOSSLESS_SSIM: f64 = 0.98;
/// The box the compared frames are scaled into (aspect ratio kept, never upscaled). Small on
/// purpose: camera grain, which an honest encode at the profile's bitrate cannot keep, averages
/// out (calibration: at 640×360 honest encodes of grainy content scored a mean SSIM of 0.66–0.70
/// at the upper rungs, below substituted content), while a different picture still scores low.
pub const COMPARE_WIDTH: u32 = 320;
pub const COMPARE_HEIGHT: u32 = 180;
/// A thumbnail cell moved when its mean luma changed by more than this many levels ...
pub const MOVING_LEVELS: f32 = 8.0;
/// ... and the input moved between two frames when at least this many cells did.
pub const MOVING_CELLS: usize = 3;
/// An output frame is unchanged when no cell changed by more than this many levels.
pub const STILL_LEVELS: f32 = 1.0;
/// Repeated frames always tolerated ...
pub const MAX_REPEATED_FRAMES: usize = 2;
/// ... plus one per this many frames where the input moved.
pub const REPEATED_PER_MOVING: usize = 20;
/// Largest mean difference of the audio loudness envelopes, in dB.
pub const MAX_AUDIO_LEVEL_DB: f64 = 6.0;
/// Largest difference of the decoded audio durations, in seconds.
pub const AUDIO_DURATION_TOLERANCE: f64 = 0.15;
/// Most video frames in a checked file (an honest 2 s segment has at most 120).
pub const MAX_FRAMES: usize = 1200;

/// One reason an output is not an honest rendition.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CheckFailure {
	#[error("output cannot be decoded: {0}")]
	Undecodable(String),
	#[error("output codec is {0}, expected h264")]
	WrongCodec(String),
	#[error("output resolution {actual_width}x{actual_height}, expected {expected_width}x{expected_height}")]
	WrongResolution {
		expected_width: u32,
		expected_height: u32,
		actual_width: u32,
		actual_height: u32,
	},
	#[error("output pixel format is {0}, expected 8-bit 4:2:0")]
	WrongPixelFormat(String),
	#[error("output frame rate {actual:.3} fps, expected {expected:.3}")]
	WrongFrameRate { expected: f64, actual: f64 },
	#[error(
		"output lasts {output:.3} s, input {input:.3} s (tolerance one frame, {tolerance:.3} s)"
	)]
	DurationMismatch { input: f64, output: f64, tolerance: f64 },
	#[error("output does not start with an IDR frame")]
	NoIdrAtStart,
	#[error("picture does not match the input: mean SSIM {mean:.3} (min {MIN_MEAN_SSIM}), worst frame {worst:.3} (min {MIN_FRAME_SSIM})")]
	PictureMismatch { mean: f64, worst: f64 },
	#[error("colour does not match the input: chroma error {mean:.2} (max {MAX_CHROMA_ERROR}), worst frame {worst:.2} (max {MAX_FRAME_CHROMA_ERROR})")]
	ColourMismatch { mean: f64, worst: f64 },
	#[error("{repeated} output frames repeat the previous one where the input moved (at most {allowed})")]
	RepeatedFrames { repeated: usize, allowed: usize },
	#[error("coded picture bitrate {actual_kbps:.0} kbps is far below the profile's {profile_kbps} kbps (min {min_kbps:.0})")]
	BitrateTooLow { actual_kbps: f64, profile_kbps: u32, min_kbps: f64 },
	#[error("video bitrate {actual_kbps:.0} kbps is above the profile's {profile_kbps} kbps allowance (max {max_kbps:.0})")]
	BitrateTooHigh { actual_kbps: f64, profile_kbps: u32, max_kbps: f64 },
	#[error("the input has audio, the output has none")]
	AudioMissing,
	#[error("audio does not match the input: {0}")]
	AudioMismatch(String),
}

/// Measurements and verdict of one rendition's check.
#[derive(Clone, Debug, Default)]
pub struct CheckReport {
	pub expected_width: u32,
	pub expected_height: u32,
	pub output_width: u32,
	pub output_height: u32,
	pub input_duration: f64,
	pub output_duration: f64,
	pub output_fps: f64,
	/// All video bytes over the duration (the ceiling's measure).
	pub output_kbps: f64,
	/// Coded picture bytes (slice NAL units) over the duration (the floor's measure).
	pub picture_kbps: f64,
	/// Whether the picture was compared (SSIM, colour, motion, the bitrate floor); the other
	/// checks always run.
	pub picture_checked: bool,
	pub mean_ssim: f64,
	pub worst_ssim: f64,
	/// Mean and worst chroma error of the sampled frames.
	pub chroma_error: f64,
	pub worst_chroma_error: f64,
	pub frames_compared: usize,
	/// Output frames decoded (0 when the picture was not compared).
	pub frames_decoded: usize,
	/// Frames where the input moved, and of those the ones the output repeated.
	pub moving_frames: usize,
	pub repeated_frames: usize,
	/// Audio: `Some(0.0)` when the packets are the input's, the envelope difference in dB when
	/// they were decoded and compared, `None` without audio in the input.
	pub audio_level_difference_db: Option<f64>,
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
pub fn check_rendition(
	input: &Path,
	output: &Path,
	profile: &Profile,
) -> Result<CheckReport, MediaError> {
	let reports = check_segment(
		input,
		&[RenditionToCheck { output, profile, picture: true }],
		Sampling::Spread,
	)?;
	reports
		.into_iter()
		.next()
		.ok_or_else(|| MediaError::Encoder("no report".into()))
}

/// A sampled frame scaled to the compare size: Y, U and V planes, packed.
struct Planes {
	width: usize,
	height: usize,
	y: Vec<u8>,
	u: Vec<u8>,
	v: Vec<u8>,
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
	if source.codec != codec::Id::H264 {
		return Err(MediaError::UnsupportedVideoCodec(format!("{:?}", source.codec)));
	}
	if source.times.len() > MAX_FRAMES {
		return Err(MediaError::TooManyFrames { max: MAX_FRAMES as u64 });
	}
	if source.times.is_empty() {
		return Err(source
			.read_error
			.take()
			.map_or(MediaError::NoDecodableFrames, MediaError::Demux));
	}
	source.read_size()?;
	if u64::from(source.width).saturating_mul(u64::from(source.height)) > media::MAX_INPUT_PIXELS {
		return Err(MediaError::ResolutionTooLarge {
			width: source.width,
			height: source.height,
			max_pixels: media::MAX_INPUT_PIXELS,
		});
	}
	let input_duration = source.duration();
	let input_fps = source.fps();
	// The input's audio envelope, decoded only if some output's audio packets differ.
	let mut input_envelope: Option<Envelope> = None;

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
			input_duration,
			picture_checked: rendition.picture,
			..CheckReport::default()
		};
		let mut output = match Demuxed::open(rendition.output) {
			Ok(output) if output.times.len() > MAX_FRAMES => {
				report
					.failures
					.push(CheckFailure::Undecodable(format!("more than {MAX_FRAMES} frames")));
				reports.push(report);
				outputs.push(None);
				continue;
			},
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
		// Only H.264 is ever decoded.
		if output.codec != codec::Id::H264 {
			report
				.failures
				.push(CheckFailure::WrongCodec(format!("{:?}", output.codec).to_lowercase()));
			reports.push(report);
			outputs.push(None);
			continue;
		}
		if let Err(e) = output.read_size() {
			report.failures.push(CheckFailure::Undecodable(e.to_string()));
			reports.push(report);
			outputs.push(None);
			continue;
		}
		report.output_width = output.width;
		report.output_height = output.height;
		report.output_duration = output.duration();
		report.output_fps = output.fps();
		if report.output_duration > 0.0 {
			let kbps = |bytes: u64| bytes as f64 * 8.0 / report.output_duration / 1000.0;
			report.output_kbps = kbps(output.video_bytes);
			report.picture_kbps = kbps(output.picture_bytes);
		}
		if !output.starts_with_idr {
			report.failures.push(CheckFailure::NoIdrAtStart);
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
			report.failures.push(CheckFailure::WrongFrameRate {
				expected: expected_fps,
				actual: report.output_fps,
			});
		}
		let tolerance = source.frame_interval + 1e-3;
		if (report.output_duration - input_duration).abs() > tolerance {
			report.failures.push(CheckFailure::DurationMismatch {
				input: input_duration,
				output: report.output_duration,
				tolerance,
			});
		}
		let max_kbps = f64::from(profile.bitrate_kbps) * MAX_BITRATE_FACTOR;
		if report.output_kbps > max_kbps {
			report.failures.push(CheckFailure::BitrateTooHigh {
				actual_kbps: report.output_kbps,
				profile_kbps: profile.bitrate_kbps,
				max_kbps,
			});
		}
		check_audio(&source, &output, &mut input_envelope, &mut report);
		if rendition.picture && (output.width, output.height) == (expected_width, expected_height) {
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
	if !renditions.iter().any(|r| r.picture) {
		return Ok(reports);
	}

	// Decode the whole input once: a thumbnail of every frame, and for each rendition its
	// sampled input frames scaled to the rendition's compare size.
	let mut wanted_input: Vec<(f64, usize, (u32, u32))> = pairs
		.iter()
		.filter_map(|&(index, _, input_time)| {
			let report = reports.get(index)?;
			Some((input_time, index, compare_size(report.expected_width, report.expected_height)))
		})
		.collect();
	wanted_input.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
	let mut scalers = Scalers::default();
	let mut input_planes: HashMap<(usize, u64), Planes> = HashMap::new();
	let mut input_thumbs: Vec<(f64, Option<Vec<f32>>)> = Vec::with_capacity(source.times.len());
	// The input is decoded without its deblocking filter: at a broadcaster's bitrate the filter
	// changes little, and skipping it saves a sixth of the decode.
	source.decode(true, |time, decoded| {
		input_thumbs.push((time, measure::thumbnail(decoded)));
		for &(wanted, index, size) in wanted_input.iter().filter(|(t, ..)| same_time(*t, time)) {
			let planes = scalers.yuv(decoded, size)?;
			input_planes.insert((index, wanted.to_bits()), planes);
		}
		Ok(true)
	})?;
	input_thumbs.sort_by(|a, b| a.0.total_cmp(&b.0));

	for (index, (rendition, output)) in renditions.iter().zip(outputs.iter_mut()).enumerate() {
		let (Some(output), Some(report)) = (output.as_mut(), reports.get_mut(index)) else {
			continue;
		};
		if !rendition.picture {
			continue;
		}
		if (output.width, output.height) != (report.expected_width, report.expected_height) {
			// Already failed; a picture of the wrong size is not decoded.
			continue;
		}
		let expected = (report.expected_width, report.expected_height);
		let size = compare_size(expected.0, expected.1);
		let my_pairs: Vec<(f64, f64)> = pairs
			.iter()
			.filter(|(i, ..)| *i == index)
			.map(|&(_, out, inp)| (out, inp))
			.collect();
		let mut ssim = Vec::with_capacity(my_pairs.len());
		let mut chroma = Vec::with_capacity(my_pairs.len());
		let mut thumbs: Vec<(f64, Option<Vec<f32>>)> = Vec::with_capacity(output.times.len());
		let mut frame_failure = None;
		let decoded = output.decode(false, |time, decoded| {
			if (decoded.width(), decoded.height()) != expected {
				frame_failure = Some(CheckFailure::WrongResolution {
					expected_width: expected.0,
					expected_height: expected.1,
					actual_width: decoded.width(),
					actual_height: decoded.height(),
				});
				return Ok(false);
			}
			if !matches!(decoded.format(), format::Pixel::YUV420P | format::Pixel::YUVJ420P) {
				frame_failure = Some(CheckFailure::WrongPixelFormat(
					format!("{:?}", decoded.format()).to_lowercase(),
				));
				return Ok(false);
			}
			thumbs.push((time, measure::thumbnail(decoded)));
			if let Some((_, input_time)) = my_pairs.iter().find(|(t, _)| same_time(*t, time)) {
				if let Some(reference) = input_planes.get(&(index, input_time.to_bits())) {
					let out = scalers.yuv(decoded, size)?;
					ssim.push(measure::plane_ssim(&reference.y, &out.y, out.width, out.height));
					let (cw, ch) = (out.width / 2, out.height / 2);
					chroma.push(
						(measure::block_mean_error(&reference.u, &out.u, cw, ch)
							+ measure::block_mean_error(&reference.v, &out.v, cw, ch))
							/ 2.0,
					);
				}
			}
			Ok(true)
		});
		match decoded {
			Ok(0) => {
				report.failures.push(CheckFailure::Undecodable("no decodable frames".into()));
				continue;
			},
			Ok(count) => report.frames_decoded = count,
			Err(e) => {
				report.failures.push(CheckFailure::Undecodable(e.to_string()));
				continue;
			},
		}
		if let Some(failure) = frame_failure {
			report.failures.push(failure);
			continue;
		}
		report.frames_compared = ssim.len();
		let mean = |values: &[f64]| {
			if values.is_empty() {
				0.0
			} else {
				values.iter().sum::<f64>() / values.len() as f64
			}
		};
		report.mean_ssim = mean(&ssim);
		report.worst_ssim = ssim.iter().copied().fold(f64::INFINITY, f64::min).min(1.0);
		if ssim.is_empty() || report.mean_ssim < MIN_MEAN_SSIM || report.worst_ssim < MIN_FRAME_SSIM
		{
			report.failures.push(CheckFailure::PictureMismatch {
				mean: report.mean_ssim,
				worst: report.worst_ssim.max(0.0),
			});
		}
		report.chroma_error = if chroma.is_empty() { 255.0 } else { mean(&chroma) };
		report.worst_chroma_error = chroma.iter().copied().fold(report.chroma_error, f64::max);
		if report.chroma_error > MAX_CHROMA_ERROR
			|| report.worst_chroma_error > MAX_FRAME_CHROMA_ERROR
		{
			report.failures.push(CheckFailure::ColourMismatch {
				mean: report.chroma_error,
				worst: report.worst_chroma_error,
			});
		}
		thumbs.sort_by(|a, b| a.0.total_cmp(&b.0));
		let (moving, repeated) = repeated_frames(&input_thumbs, &thumbs);
		report.moving_frames = moving;
		report.repeated_frames = repeated;
		let allowed = MAX_REPEATED_FRAMES.saturating_add(moving / REPEATED_PER_MOVING);
		if repeated > allowed {
			report.failures.push(CheckFailure::RepeatedFrames { repeated, allowed });
		}
		let min_kbps = f64::from(rendition.profile.bitrate_kbps) * MIN_BITRATE_FRACTION;
		if report.picture_kbps < min_kbps && report.mean_ssim < NEAR_LOSSLESS_SSIM {
			report.failures.push(CheckFailure::BitrateTooLow {
				actual_kbps: report.picture_kbps,
				profile_kbps: rendition.profile.bitrate_kbps,
				min_kbps,
			});
		}
	}
	Ok(reports)
}

/// The size sampled frames of a rendition of `width`×`height` are compared at.
fn compare_size(width: u32, height: u32) -> (u32, u32) {
	media::rendition_size(COMPARE_WIDTH, COMPARE_HEIGHT, width, height)
}

/// Counts, over consecutive output frames, those where the input moved (the input frames
/// nearest to the two output times differ in at least [`MOVING_CELLS`] cells) and, of those,
/// the ones where the output did not change at all. Frames without a thumbnail (not 8-bit) are
/// left out.
fn repeated_frames(
	input: &[(f64, Option<Vec<f32>>)],
	output: &[(f64, Option<Vec<f32>>)],
) -> (usize, usize) {
	let times: Vec<f64> = input.iter().map(|(t, _)| *t).collect();
	let input_thumb = |time: f64| -> Option<&Vec<f32>> {
		let nearest_time = nearest(&times, time)?;
		let position = times.partition_point(|t| *t < nearest_time);
		input.get(position)?.1.as_ref()
	};
	let (mut moving, mut repeated) = (0usize, 0usize);
	for pair in output.windows(2) {
		let [(previous_time, Some(previous)), (time, Some(current))] = pair else { continue };
		let (Some(input_previous), Some(input_current)) =
			(input_thumb(*previous_time), input_thumb(*time))
		else {
			continue;
		};
		if std::ptr::eq(input_previous, input_current)
			|| measure::changed_cells(input_previous, input_current, MOVING_LEVELS) < MOVING_CELLS
		{
			continue;
		}
		moving = moving.saturating_add(1);
		if measure::changed_cells(previous, current, STILL_LEVELS) == 0 {
			repeated = repeated.saturating_add(1);
		}
	}
	(moving, repeated)
}

/// The audio checks of one output (see the module docs).
fn check_audio(
	source: &Demuxed,
	output: &Demuxed,
	input_envelope: &mut Option<Envelope>,
	report: &mut CheckReport,
) {
	let Some(input_audio) = source.audio.as_ref().filter(|a| !a.packets.is_empty()) else { return };
	let Some(output_audio) = output.audio.as_ref().filter(|a| !a.packets.is_empty()) else {
		report.failures.push(CheckFailure::AudioMissing);
		return;
	};
	let same_packets = input_audio.packets.len() == output_audio.packets.len()
		&& input_audio
			.packets
			.iter()
			.zip(&output_audio.packets)
			.all(|(a, b)| a.data() == b.data());
	if same_packets {
		report.audio_level_difference_db = Some(0.0);
		return;
	}
	if output_audio.codec != codec::Id::AAC {
		report.failures.push(CheckFailure::AudioMismatch(format!(
			"codec {:?}, expected AAC",
			output_audio.codec
		)));
		return;
	}
	if input_envelope.is_none() {
		*input_envelope = Some(source.audio_envelope().unwrap_or_default());
	}
	let Some(reference) = input_envelope.as_ref() else { return };
	let envelope = match output.audio_envelope() {
		Ok(envelope) => envelope,
		Err(e) => {
			report.failures.push(CheckFailure::AudioMismatch(e));
			return;
		},
	};
	let difference = reference.level_difference(&envelope);
	report.audio_level_difference_db = Some(difference);
	if (reference.seconds - envelope.seconds).abs() > AUDIO_DURATION_TOLERANCE {
		report.failures.push(CheckFailure::AudioMismatch(format!(
			"lasts {:.3} s, the input's {:.3} s",
			envelope.seconds, reference.seconds
		)));
	} else if difference > MAX_AUDIO_LEVEL_DB {
		report.failures.push(CheckFailure::AudioMismatch(format!(
			"loudness differs from the input's by {difference:.1} dB on average (max {MAX_AUDIO_LEVEL_DB})"
		)));
	}
}

/// Two frame times of one stream (both from the same timestamps) are the same frame.
fn same_time(a: f64, b: f64) -> bool {
	(a - b).abs() < 1e-6
}

/// The time in sorted `times` nearest to `time`.
fn nearest(times: &[f64], time: f64) -> Option<f64> {
	let after = times.partition_point(|t| *t < time);
	let candidates = [after.checked_sub(1).and_then(|i| times.get(i)), times.get(after)];
	candidates
		.into_iter()
		.flatten()
		.copied()
		.min_by(|a, b| (a - time).abs().total_cmp(&(b - time).abs()))
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
					&[&seed[..], &(rendition as u64).to_le_bytes(), &(step as u64).to_le_bytes()]
						.concat(),
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

/// An audio stream demuxed (not decoded).
struct AudioTrack {
	index: usize,
	codec: codec::Id,
	packets: Vec<Packet>,
}

/// A video stream (and the best audio stream) demuxed, not decoded: parameters and packets.
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
	/// Bytes of slice NAL units ([`measure::picture_bytes`]).
	picture_bytes: u64,
	/// The first video packet carries an IDR slice.
	starts_with_idr: bool,
	audio: Option<AudioTrack>,
	read_error: Option<String>,
}

impl Demuxed {
	fn open(path: &Path) -> Result<Self, MediaError> {
		if std::fs::metadata(path)?.len() == 0 {
			return Err(MediaError::EmptyInput);
		}
		// MPEG-TS only (no other demuxer ever runs on a checked file), and no stream-information
		// probing: FFmpeg's decodes several frames of every file (a fifth of a check's CPU); the
		// size comes from one decoded frame instead, the rest from the packets.
		let mut options = ffmpeg_next::Dictionary::new();
		options.set("format_whitelist", "mpegts");
		options.set("probesize", "32");
		options.set("analyzeduration", "0");
		let mut input = format::input_with_dictionary(path, options)
			.map_err(|e| MediaError::NotMedia(e.to_string()))?;
		let index = media::best_stream(&input, MediaType::Video).ok_or(MediaError::NoVideo)?;
		let stream = input.stream(index).ok_or(MediaError::NoVideo)?;
		let time_base = stream.time_base();
		let codec = stream.parameters().id();
		let (all, read_error) = media::read_all_packets(&mut input);
		// The first audio stream that has packets (not FFmpeg's "best": without probing it does
		// not know the sample rate yet and would pick none). MPEG-TS may add streams while
		// reading, so this is decided after reading.
		let audio_index = input.streams().find_map(|stream| {
			let index = stream.index();
			(stream.parameters().medium() == MediaType::Audio
				&& all.iter().any(|p| p.stream() == index))
			.then_some(index)
		});
		let mut audio = audio_index.and_then(|index| {
			Some(AudioTrack {
				index,
				codec: input.stream(index)?.parameters().id(),
				packets: Vec::new(),
			})
		});
		let mut packets = Vec::new();
		for packet in all {
			if packet.stream() == index {
				packets.push(packet);
			} else if let Some(track) = audio.as_mut().filter(|t| t.index == packet.stream()) {
				track.packets.push(packet);
			}
		}
		let mut stamps: Vec<i64> =
			packets.iter().filter_map(|p| p.pts().or_else(|| p.dts())).collect();
		stamps.sort_unstable();
		stamps.dedup();
		let first = stamps.first().copied().unwrap_or(0);
		let times: Vec<f64> = stamps
			.iter()
			.map(|&ts| media::seconds(ts.saturating_sub(first), time_base))
			.collect();
		let video_bytes = packets.iter().map(|p| p.size() as u64).sum();
		let picture_bytes =
			packets.iter().filter_map(|p| p.data()).map(measure::picture_bytes).sum();
		let starts_with_idr = packets.first().and_then(|p| p.data()).is_some_and(measure::has_idr);
		let frame_interval = median_interval(&times);
		Ok(Self {
			input,
			index,
			time_base,
			codec,
			packets,
			times,
			first,
			frame_interval,
			video_bytes,
			picture_bytes,
			starts_with_idr,
			audio,
			read_error,
			width: 0,
			height: 0,
		})
	}

	/// Sets the size from the first frame that decodes.
	fn read_size(&mut self) -> Result<(), MediaError> {
		let mut size = None;
		self.decode(false, |_, frame| {
			size = Some((frame.width(), frame.height()));
			Ok(false)
		})?;
		let (width, height) = size.ok_or(MediaError::NoDecodableFrames)?;
		if width < 2 || height < 2 {
			return Err(MediaError::InvalidResolution { width, height });
		}
		(self.width, self.height) = (width, height);
		Ok(())
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

	/// Decodes the packets in order with the H.264 decoder (one thread, so one frame at a
	/// time), calling `each` with every frame and its time (as in [`Self::times`]) until `each`
	/// answers `false` (it has every frame it wants); returns the number of frames decoded.
	fn decode(
		&mut self,
		skip_deblocking: bool,
		mut each: impl FnMut(f64, &frame::Video) -> Result<bool, MediaError>,
	) -> Result<usize, MediaError> {
		let stream = self.input.stream(self.index).ok_or(MediaError::NoVideo)?;
		let params = stream.parameters();
		let id = params.id();
		if id != codec::Id::H264 {
			return Err(MediaError::UnsupportedVideoCodec(format!("{id:?}")));
		}
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
				return Err(MediaError::ResolutionTooLarge {
					width: w,
					height: h,
					max_pixels: media::MAX_INPUT_PIXELS,
				});
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

	/// Decodes the audio track (AAC only) into its loudness envelope.
	fn audio_envelope(&self) -> Result<Envelope, String> {
		let track = self.audio.as_ref().ok_or("no audio")?;
		if track.codec != codec::Id::AAC {
			return Err(format!("audio codec {:?}, expected AAC", track.codec));
		}
		let stream = self.input.stream(track.index).ok_or("no audio stream")?;
		let mut decoder = codec::context::Context::from_parameters(stream.parameters())
			.and_then(|context| context.decoder().audio())
			.map_err(|e| format!("audio decoder: {e}"))?;
		let mut envelope = Envelope::default();
		let mut decoded = frame::Audio::empty();
		for packet in &track.packets {
			if decoder.send_packet(packet).is_err() {
				continue;
			}
			while decoder.receive_frame(&mut decoded).is_ok() {
				envelope.add(&decoded);
			}
		}
		let _ = decoder.send_eof();
		while decoder.receive_frame(&mut decoded).is_ok() {
			envelope.add(&decoded);
		}
		Ok(envelope.finish())
	}
}

/// Converts decoded frames to packed YUV 4:2:0 planes of a given size, reusing scalers.
#[derive(Default)]
struct Scalers {
	contexts: Vec<scaling::Context>,
}

impl Scalers {
	fn yuv(
		&mut self,
		decoded: &frame::Video,
		(width, height): (u32, u32),
	) -> Result<Planes, MediaError> {
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
					format::Pixel::YUV420P,
					width,
					height,
					scaling::Flags::BICUBIC,
				)
				.map_err(|e| MediaError::Scale(e.to_string()))?;
				self.contexts.push(context);
				self.contexts.len().saturating_sub(1)
			},
		};
		let scaler = self
			.contexts
			.get_mut(position)
			.ok_or_else(|| MediaError::Scale("no scaler".into()))?;
		let mut scaled = frame::Video::new(format::Pixel::YUV420P, width, height);
		scaler.run(decoded, &mut scaled).map_err(|e| MediaError::Scale(e.to_string()))?;
		let (w, h) = (width as usize, height as usize);
		Ok(Planes {
			width: w,
			height: h,
			y: packed_plane(&scaled, 0, w, h),
			u: packed_plane(&scaled, 1, w / 2, h / 2),
			v: packed_plane(&scaled, 2, w / 2, h / 2),
		})
	}
}

/// Copies a plane without its row padding.
fn packed_plane(frame: &frame::Video, plane: usize, width: usize, height: usize) -> Vec<u8> {
	if plane >= frame.planes() {
		return Vec::new();
	}
	let stride = frame.stride(plane);
	let data = frame.data(plane);
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
	let mut intervals: Vec<f64> = times
		.windows(2)
		.filter_map(|w| Some(w.get(1)? - w.first()?))
		.filter(|d| *d > 0.0)
		.collect();
	if intervals.is_empty() {
		return 1.0 / 30.0;
	}
	intervals.sort_by(f64::total_cmp);
	intervals.get(intervals.len() / 2).copied().unwrap_or(1.0 / 30.0)
}

#[cfg(test)]
mod tests {
	use super::*;

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

	#[test]
	fn repeated_frames_count_only_where_the_input_moved() {
		let still = vec![50.0f32; 8];
		let mut moved = still.clone();
		moved[..4].fill(90.0);
		let thumbs = |values: &[&Vec<f32>]| -> Vec<(f64, Option<Vec<f32>>)> {
			values
				.iter()
				.enumerate()
				.map(|(i, v)| (i as f64 / 30.0, Some((*v).clone())))
				.collect()
		};
		// The input alternates; an output that alternates too repeats nothing, a frozen one
		// repeats every frame.
		let input = thumbs(&[&still, &moved, &still, &moved]);
		assert_eq!(repeated_frames(&input, &input), (3, 0));
		assert_eq!(repeated_frames(&input, &thumbs(&[&still, &still, &still, &still])), (3, 3));
		// A still input: nothing counts.
		let still_input = thumbs(&[&still, &still, &still, &still]);
		assert_eq!(repeated_frames(&still_input, &still_input), (0, 0));
	}
}
