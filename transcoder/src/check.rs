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

use crate::media::{self, MediaError};
use ffmpeg_next::{codec, format, frame, media::Type as MediaType, software::scaling};
use olc_primitives::Profile;
use std::path::Path;

/// Frames of the output compared with the input, spread evenly over the segment.
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

/// Measurements and verdict of one check.
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

/// A decoded video: luma planes (optionally scaled) with relative timestamps.
struct DecodedVideo {
	codec: codec::Id,
	width: u32,
	height: u32,
	/// (seconds from the first frame, luma plane of `luma_width` × `luma_height`).
	frames: Vec<(f64, Vec<u8>)>,
	luma_width: u32,
	luma_height: u32,
	video_bytes: u64,
	frame_interval: f64,
}

impl DecodedVideo {
	fn duration(&self) -> f64 {
		self.frames.last().map_or(0.0, |(t, _)| t + self.frame_interval)
	}
	fn fps(&self) -> f64 {
		if self.frame_interval > 0.0 {
			1.0 / self.frame_interval
		} else {
			0.0
		}
	}
}

/// Decodes the video of `path`, keeping the luma plane of every frame scaled to `luma_size`
/// (or the native size when `None`).
fn decode_luma(path: &Path, luma_size: Option<(u32, u32)>) -> Result<DecodedVideo, MediaError> {
	crate::init_ffmpeg().map_err(|e| MediaError::NotMedia(e.to_string()))?;
	let mut input = media::open_input(path)?;
	let index = media::best_stream(&input, MediaType::Video).ok_or(MediaError::NoVideo)?;
	let stream = input.stream(index).ok_or(MediaError::NoVideo)?;
	let time_base = stream.time_base();
	let params = stream.parameters();
	let codec_id = params.id();
	let mut decoder = media::open_video_decoder(params)?;
	let (packets, read_error) = media::read_all_packets(&mut input);

	let mut frames = Vec::new();
	let mut timestamps = Vec::new();
	let mut video_bytes = 0u64;
	let mut scaler: Option<scaling::Context> = None;
	let mut size = (0u32, 0u32);
	let mut decoded = frame::Video::empty();
	let mut handle = |decoded: &frame::Video| -> Result<(), MediaError> {
		let (w, h) = (decoded.width(), decoded.height());
		if u64::from(w).saturating_mul(u64::from(h)) > media::MAX_INPUT_PIXELS {
			return Err(MediaError::ResolutionTooLarge {
				width: w,
				height: h,
				max_pixels: media::MAX_INPUT_PIXELS,
			});
		}
		if size == (0, 0) {
			size = (w, h);
		}
		let (lw, lh) = luma_size.unwrap_or((w, h));
		let rebuild = scaler.as_ref().is_none_or(|s| {
			s.input().width != w || s.input().height != h || s.input().format != decoded.format()
		});
		if rebuild {
			scaler = Some(
				scaling::Context::get(
					decoded.format(),
					w,
					h,
					format::Pixel::GRAY8,
					lw,
					lh,
					scaling::Flags::BICUBIC,
				)
				.map_err(|e| MediaError::Scale(e.to_string()))?,
			);
		}
		let Some(scaler) = scaler.as_mut() else { return Ok(()) };
		let mut gray = frame::Video::new(format::Pixel::GRAY8, lw, lh);
		scaler.run(decoded, &mut gray).map_err(|e| MediaError::Scale(e.to_string()))?;
		let ts = decoded.timestamp().or_else(|| decoded.pts()).unwrap_or(0);
		timestamps.push(media::seconds(ts, time_base));
		frames.push(packed_plane(&gray, lw as usize, lh as usize));
		Ok(())
	};
	for packet in packets.iter().filter(|p| p.stream() == index) {
		video_bytes = video_bytes.saturating_add(packet.size() as u64);
		if decoder.send_packet(packet).is_err() {
			continue;
		}
		while decoder.receive_frame(&mut decoded).is_ok() {
			handle(&decoded)?;
		}
	}
	let _ = decoder.send_eof();
	while decoder.receive_frame(&mut decoded).is_ok() {
		handle(&decoded)?;
	}
	if frames.is_empty() {
		return Err(read_error.map_or(MediaError::NoDecodableFrames, MediaError::Demux));
	}
	let first = timestamps.iter().copied().fold(f64::INFINITY, f64::min);
	let mut relative: Vec<(f64, Vec<u8>)> =
		timestamps.into_iter().map(|t| t - first).zip(frames).collect();
	relative.sort_by(|a, b| a.0.total_cmp(&b.0));
	let frame_interval = median_interval(&relative);
	let (luma_width, luma_height) = luma_size.unwrap_or(size);
	Ok(DecodedVideo {
		codec: codec_id,
		width: size.0,
		height: size.1,
		frames: relative,
		luma_width,
		luma_height,
		video_bytes,
		frame_interval,
	})
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

fn median_interval(frames: &[(f64, Vec<u8>)]) -> f64 {
	let mut intervals: Vec<f64> =
		frames.windows(2).filter_map(|w| Some(w.get(1)?.0 - w.first()?.0)).filter(|d| *d > 0.0).collect();
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
			let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0);
			for row in y..y.saturating_add(BLOCK) {
				let offset = row.saturating_mul(width).saturating_add(x);
				let (Some(ra), Some(rb)) =
					(a.get(offset..offset.saturating_add(BLOCK)), b.get(offset..offset.saturating_add(BLOCK)))
				else {
					continue;
				};
				for (&pa, &pb) in ra.iter().zip(rb) {
					let (pa, pb) = (f64::from(pa), f64::from(pb));
					sa += pa;
					sb += pb;
					saa += pa * pa;
					sbb += pb * pb;
					sab += pa * pb;
				}
			}
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

/// Checks whether `output` is an honest rendition of `input` for `profile`. Errors are about
/// the input (or the environment); everything wrong with the output is a failure in the report.
pub fn check_rendition(input: &Path, output: &Path, profile: &Profile) -> Result<CheckReport, MediaError> {
	profile.validate().map_err(|e| MediaError::Encoder(format!("invalid profile: {e:?}")))?;
	// The input's native size decides the expected output size.
	let source = probe_size(input)?;
	let (expected_width, expected_height) =
		media::rendition_size(profile.width, profile.height, source.0, source.1);
	let input_video = decode_luma(input, Some((expected_width, expected_height)))?;
	let expected_fps = input_video.fps().min(f64::from(profile.fps));

	let mut report = CheckReport {
		expected_width,
		expected_height,
		output_width: 0,
		output_height: 0,
		input_duration: input_video.duration(),
		output_duration: 0.0,
		output_fps: 0.0,
		output_kbps: 0.0,
		mean_ssim: 0.0,
		worst_ssim: 0.0,
		frames_compared: 0,
		failures: Vec::new(),
	};
	let output_video = match decode_luma(output, None) {
		Ok(video) => video,
		Err(e) => {
			report.failures.push(CheckFailure::Undecodable(e.to_string()));
			return Ok(report);
		},
	};
	report.output_width = output_video.width;
	report.output_height = output_video.height;
	report.output_duration = output_video.duration();
	report.output_fps = output_video.fps();
	report.output_kbps = if report.output_duration > 0.0 {
		output_video.video_bytes as f64 * 8.0 / report.output_duration / 1000.0
	} else {
		0.0
	};

	if output_video.codec != codec::Id::H264 {
		report.failures.push(CheckFailure::WrongCodec(format!("{:?}", output_video.codec).to_lowercase()));
	}
	let size_ok = (output_video.width, output_video.height) == (expected_width, expected_height);
	if !size_ok {
		report.failures.push(CheckFailure::WrongResolution {
			expected_width,
			expected_height,
			actual_width: output_video.width,
			actual_height: output_video.height,
		});
	}
	if (report.output_fps - expected_fps).abs() > 0.02 * expected_fps {
		report.failures.push(CheckFailure::WrongFrameRate { expected: expected_fps, actual: report.output_fps });
	}
	let tolerance = input_video.frame_interval + 1e-3;
	if (report.output_duration - report.input_duration).abs() > tolerance {
		report.failures.push(CheckFailure::DurationMismatch {
			input: report.input_duration,
			output: report.output_duration,
			tolerance,
		});
	}

	// Picture comparison needs equal sizes; a wrong size is already a failure, so compare the
	// output scaled to the expected size to still report on content.
	let output_luma = if size_ok {
		output_video
	} else {
		decode_luma(output, Some((expected_width, expected_height)))?
	};
	let scores = sampled_ssim(&input_video, &output_luma);
	report.frames_compared = scores.len();
	report.mean_ssim = if scores.is_empty() { 0.0 } else { scores.iter().sum::<f64>() / scores.len() as f64 };
	report.worst_ssim = scores.iter().copied().fold(f64::INFINITY, f64::min).min(1.0);
	if scores.is_empty() || report.mean_ssim < MIN_MEAN_SSIM || report.worst_ssim < MIN_FRAME_SSIM {
		report.failures.push(CheckFailure::PictureMismatch { mean: report.mean_ssim, worst: report.worst_ssim.max(0.0) });
	}
	let min_kbps = f64::from(profile.bitrate_kbps) * MIN_BITRATE_FRACTION;
	if report.output_kbps < min_kbps && report.mean_ssim < NEAR_LOSSLESS_SSIM {
		report.failures.push(CheckFailure::BitrateTooLow {
			actual_kbps: report.output_kbps,
			profile_kbps: profile.bitrate_kbps,
			min_kbps,
		});
	}
	Ok(report)
}

/// SSIM of up to SAMPLED_FRAMES output frames against the input frame nearest in relative time.
fn sampled_ssim(input: &DecodedVideo, output: &DecodedVideo) -> Vec<f64> {
	let count = output.frames.len();
	if count == 0 || input.frames.is_empty() {
		return Vec::new();
	}
	let samples = SAMPLED_FRAMES.min(count);
	let (w, h) = (output.luma_width as usize, output.luma_height as usize);
	(0..samples)
		.filter_map(|i| {
			let index = i.saturating_mul(count) / samples;
			let (time, plane) = output.frames.get(index)?;
			let (_, reference) = input
				.frames
				.iter()
				.min_by(|a, b| (a.0 - time).abs().total_cmp(&(b.0 - time).abs()))?;
			Some(luma_ssim(reference, plane, w, h))
		})
		.collect()
}

/// Native video size of a media file.
fn probe_size(path: &Path) -> Result<(u32, u32), MediaError> {
	let video = decode_first_frame_size(path)?;
	Ok(video)
}

fn decode_first_frame_size(path: &Path) -> Result<(u32, u32), MediaError> {
	crate::init_ffmpeg().map_err(|e| MediaError::NotMedia(e.to_string()))?;
	let input = media::open_input(path)?;
	let index = media::best_stream(&input, MediaType::Video).ok_or(MediaError::NoVideo)?;
	let stream = input.stream(index).ok_or(MediaError::NoVideo)?;
	let params = stream.parameters();
	let decoder = codec::context::Context::from_parameters(params)
		.and_then(|c| c.decoder().video())
		.map_err(|e| MediaError::UnsupportedVideoCodec(e.to_string()))?;
	if decoder.width() < 2 || decoder.height() < 2 {
		return Err(MediaError::InvalidResolution { width: decoder.width(), height: decoder.height() });
	}
	Ok((decoder.width(), decoder.height()))
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
}
