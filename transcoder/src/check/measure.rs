//! The checker's measurements: SSIM, the colour error, frame thumbnails for motion, H.264 NAL
//! units (coded picture bytes, IDR) and the audio level envelope. Pure functions over planes,
//! byte strings and decoded frames; no FFmpeg state.

use ffmpeg_next::{format, frame};

/// Mean SSIM of two equally sized 8-bit planes over 8×8 blocks (step 4), with the usual
/// constants for 8-bit samples.
pub fn plane_ssim(a: &[u8], b: &[u8], width: usize, height: usize) -> f64 {
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
				let (Some(ra), Some(rb)) = (
					a.get(offset..offset.saturating_add(BLOCK)),
					b.get(offset..offset.saturating_add(BLOCK)),
				) else {
					continue;
				};
				let (Ok(ra), Ok(rb)) = (<&[u8; BLOCK]>::try_from(ra), <&[u8; BLOCK]>::try_from(rb))
				else {
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
			let (sa, sb, saa, sbb, sab) =
				(f64::from(sa), f64::from(sb), f64::from(saa), f64::from(sbb), f64::from(sab));
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

/// Mean absolute difference of the 8×8 block means of two equally sized planes: how far the
/// colour of each area moved, blind to noise and detail (averaged away inside a block), which
/// an honest low-bitrate encode may drop. Grayscale output of a colourful picture, or a hue or
/// tint shift, moves the block means of the chroma planes by tens of levels.
pub fn block_mean_error(a: &[u8], b: &[u8], width: usize, height: usize) -> f64 {
	const BLOCK: usize = 8;
	if a.len() < width.saturating_mul(height) || b.len() < width.saturating_mul(height) {
		return 255.0;
	}
	let (mut total, mut blocks) = (0u64, 0u64);
	let mut y = 0usize;
	while y.saturating_add(BLOCK) <= height {
		let mut x = 0usize;
		while x.saturating_add(BLOCK) <= width {
			let (mut sa, mut sb) = (0i64, 0i64);
			for row in y..y.saturating_add(BLOCK) {
				let offset = row.saturating_mul(width).saturating_add(x);
				let range = offset..offset.saturating_add(BLOCK);
				if let (Some(ra), Some(rb)) = (a.get(range.clone()), b.get(range)) {
					sa += ra.iter().map(|&v| i64::from(v)).sum::<i64>();
					sb += rb.iter().map(|&v| i64::from(v)).sum::<i64>();
				}
			}
			total = total.saturating_add((sa - sb).unsigned_abs());
			blocks = blocks.saturating_add(1);
			x = x.saturating_add(BLOCK);
		}
		y = y.saturating_add(BLOCK);
	}
	if blocks == 0 {
		// Planes smaller than a block: compare their means.
		let mean = |p: &[u8]| p.iter().map(|&v| f64::from(v)).sum::<f64>() / p.len().max(1) as f64;
		return (mean(a) - mean(b)).abs();
	}
	total as f64 / (blocks as f64 * (BLOCK * BLOCK) as f64)
}

/// Columns and rows of a frame thumbnail.
pub const THUMB_COLUMNS: usize = 32;
pub const THUMB_ROWS: usize = 18;

/// The mean luma of each cell of a [`THUMB_COLUMNS`] × [`THUMB_ROWS`] grid over the frame
/// (every second pixel of every second row), or `None` when the frame is not 8-bit planar or
/// semi-planar YUV (its first plane is then not 8-bit luma). Cheap enough for every frame:
/// consecutive thumbnails show whether the picture moved.
pub fn thumbnail(decoded: &frame::Video) -> Option<Vec<f32>> {
	use format::Pixel;
	let eight_bit = matches!(
		decoded.format(),
		Pixel::YUV420P
			| Pixel::YUVJ420P
			| Pixel::YUV422P
			| Pixel::YUVJ422P
			| Pixel::YUV444P
			| Pixel::YUVJ444P
			| Pixel::NV12
			| Pixel::NV21
			| Pixel::GRAY8
	);
	let (width, height) = (decoded.width() as usize, decoded.height() as usize);
	if !eight_bit || width < 2 || height < 2 || decoded.planes() == 0 {
		return None;
	}
	let stride = decoded.stride(0);
	let data = decoded.data(0);
	let columns: Vec<usize> = (0..width).step_by(2).map(|x| x * THUMB_COLUMNS / width).collect();
	let mut sums = vec![0u32; THUMB_COLUMNS * THUMB_ROWS];
	let mut counts = vec![0u32; THUMB_COLUMNS * THUMB_ROWS];
	for y in (0..height).step_by(2) {
		let row = (y * THUMB_ROWS / height).min(THUMB_ROWS - 1) * THUMB_COLUMNS;
		let start = y.saturating_mul(stride);
		let Some(line) = data.get(start..start.saturating_add(width)) else { continue };
		for (&value, &column) in line.iter().step_by(2).zip(&columns) {
			let cell = row + column.min(THUMB_COLUMNS - 1);
			if let (Some(sum), Some(count)) = (sums.get_mut(cell), counts.get_mut(cell)) {
				*sum = sum.saturating_add(u32::from(value));
				*count = count.saturating_add(1);
			}
		}
	}
	Some(
		sums.iter()
			.zip(&counts)
			.map(|(&s, &c)| if c == 0 { 0.0 } else { s as f32 / c as f32 })
			.collect(),
	)
}

/// Cells of two thumbnails whose mean luma differs by more than `threshold` levels.
pub fn changed_cells(a: &[f32], b: &[f32], threshold: f32) -> usize {
	a.iter().zip(b).filter(|(x, y)| (*x - *y).abs() > threshold).count()
}

/// H.264 NAL units of an access unit in Annex B form (start codes), or, when it has none, as
/// 4-byte length-prefixed units (MP4 style).
pub fn nal_units(data: &[u8]) -> Vec<&[u8]> {
	let mut units = Vec::new();
	if data.starts_with(&[0, 0, 1]) || data.starts_with(&[0, 0, 0, 1]) {
		// Positions just after each start code.
		let mut starts = Vec::new();
		let mut i = 0usize;
		while i.saturating_add(3) <= data.len() {
			if data.get(i..i.saturating_add(3)) == Some(&[0, 0, 1]) {
				starts.push((i, i.saturating_add(3)));
				i = i.saturating_add(3);
			} else {
				i = i.saturating_add(1);
			}
		}
		for (n, &(_, begin)) in starts.iter().enumerate() {
			let end = starts.get(n.saturating_add(1)).map_or(data.len(), |&(code, _)| code);
			if let Some(unit) = data.get(begin..end) {
				units.push(unit);
			}
		}
	} else {
		let mut rest = data;
		while rest.len() >= 4 {
			let (length, tail) = rest.split_at(4);
			let Ok(prefix) = <[u8; 4]>::try_from(length) else { break };
			let length = u32::from_be_bytes(prefix) as usize;
			let Some(unit) = tail.get(..length) else { break };
			units.push(unit);
			rest = tail.get(length..).unwrap_or(&[]);
		}
	}
	units
}

/// The NAL unit type (the low five bits of the first byte).
pub fn nal_type(unit: &[u8]) -> u8 {
	unit.first().map_or(0, |b| b & 0x1f)
}

/// Bytes of coded picture data in an access unit: the slice NAL units (types 1–5) without
/// trailing zero bytes or cabac_zero_words. Filler data (type 12), SEI and parameter sets are
/// not counted: bytes that carry no picture cannot make a starved encode look well fed.
pub fn picture_bytes(data: &[u8]) -> u64 {
	nal_units(data)
		.into_iter()
		.filter(|unit| (1..=5).contains(&nal_type(unit)))
		.map(|unit| {
			// cabac_zero_word = 0x0000, escaped as 00 00 03 in the byte stream; trailing zeros
			// (trailing_zero_8bits) may follow any unit.
			let mut end = unit.len();
			loop {
				let tail = unit.get(..end).unwrap_or(&[]);
				if tail.ends_with(&[0, 0, 3]) {
					end = end.saturating_sub(3);
				} else if tail.ends_with(&[0]) {
					end = end.saturating_sub(1);
				} else {
					break;
				}
			}
			end as u64
		})
		.sum()
}

/// Whether an access unit carries an IDR slice (NAL type 5).
pub fn has_idr(data: &[u8]) -> bool {
	nal_units(data).into_iter().any(|unit| nal_type(unit) == 5)
}

/// Loudness over time of decoded audio: the RMS level (dB full scale, floored at
/// [`SILENCE_DB`]) of every [`WINDOW_SECONDS`] window, all channels together.
#[derive(Clone, Debug, Default)]
pub struct Envelope {
	/// Seconds of audio decoded.
	pub seconds: f64,
	pub levels_db: Vec<f64>,
	sums: Vec<f64>,
	counts: Vec<u64>,
	samples: u64,
	rate: u32,
}

pub const WINDOW_SECONDS: f64 = 0.1;
pub const SILENCE_DB: f64 = -60.0;

impl Envelope {
	/// Adds a decoded frame (float and 16-bit formats, planar or packed; other formats only
	/// count towards the duration).
	pub fn add(&mut self, decoded: &frame::Audio) {
		use format::{sample::Type, Sample};
		let rate = decoded.rate().max(1);
		if self.rate == 0 {
			self.rate = rate;
		}
		let window = ((f64::from(self.rate) * WINDOW_SECONDS) as u64).max(1);
		let samples = decoded.samples();
		let channels = usize::from(decoded.channels()).max(1);
		let planes = decoded.planes();
		let mut add = |index: u64, value: f64| {
			let slot = (self.samples.saturating_add(index) / window) as usize;
			if self.sums.len() <= slot {
				self.sums.resize(slot.saturating_add(1), 0.0);
				self.counts.resize(slot.saturating_add(1), 0);
			}
			if let (Some(sum), Some(count)) = (self.sums.get_mut(slot), self.counts.get_mut(slot)) {
				*sum += value * value;
				*count = count.saturating_add(1);
			}
		};
		let each =
			|bytes: &[u8], width: usize, interleaved: usize, add: &mut dyn FnMut(u64, f64)| {
				for (n, chunk) in bytes.chunks_exact(width).enumerate() {
					let value = match chunk {
						[a, b, c, d] => f64::from(f32::from_le_bytes([*a, *b, *c, *d])),
						[a, b] => f64::from(i16::from_le_bytes([*a, *b])) / 32768.0,
						_ => 0.0,
					};
					add((n / interleaved) as u64, value);
				}
			};
		match decoded.format() {
			Sample::F32(kind) | Sample::I16(kind) => {
				let width = if matches!(decoded.format(), Sample::F32(_)) { 4 } else { 2 };
				match kind {
					Type::Planar => {
						for plane in 0..planes.min(channels) {
							let bytes = decoded.data(plane);
							each(
								bytes.get(..samples.saturating_mul(width)).unwrap_or(bytes),
								width,
								1,
								&mut add,
							);
						}
					},
					Type::Packed if planes > 0 => {
						let bytes = decoded.data(0);
						let length = samples.saturating_mul(width).saturating_mul(channels);
						each(bytes.get(..length).unwrap_or(bytes), width, channels, &mut add);
					},
					Type::Packed => {},
				}
			},
			_ => {},
		}
		self.samples = self.samples.saturating_add(samples as u64);
	}

	/// Completes the envelope.
	pub fn finish(mut self) -> Self {
		self.seconds = self.samples as f64 / f64::from(self.rate.max(1));
		self.levels_db = self
			.sums
			.iter()
			.zip(&self.counts)
			.map(|(&sum, &count)| {
				if count == 0 {
					return SILENCE_DB;
				}
				(10.0 * (sum / count as f64 + 1e-12).log10()).max(SILENCE_DB)
			})
			.collect();
		self
	}

	/// Mean absolute level difference (dB) of two envelopes over their common windows, leaving
	/// out the last (partial) one.
	pub fn level_difference(&self, other: &Self) -> f64 {
		let common = self.levels_db.len().min(other.levels_db.len()).saturating_sub(1).max(1);
		let pairs: Vec<f64> = self
			.levels_db
			.iter()
			.zip(&other.levels_db)
			.take(common)
			.map(|(a, b)| (a - b).abs())
			.collect();
		if pairs.is_empty() {
			return 0.0;
		}
		pairs.iter().sum::<f64>() / pairs.len() as f64
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn ssim_of_identical_planes_is_one_and_of_inverted_is_low() {
		let (w, h) = (32, 16);
		let a: Vec<u8> = (0..w * h).map(|i| ((i * 37) % 251) as u8).collect();
		assert!((plane_ssim(&a, &a, w, h) - 1.0).abs() < 1e-9);
		let inverted: Vec<u8> = a.iter().map(|v| 255 - v).collect();
		assert!(plane_ssim(&a, &inverted, w, h) < 0.1);
		let black = vec![0u8; w * h];
		assert!(plane_ssim(&a, &black, w, h) < 0.1);
		assert_eq!(plane_ssim(&a[..10], &a, w, h), 0.0);
	}

	#[test]
	fn block_mean_error_ignores_detail_and_sees_shifts() {
		let (w, h) = (32, 16);
		let a: Vec<u8> = (0..w * h).map(|i| 100 + ((i * 37) % 41) as u8).collect();
		// The same block means with the detail moved around inside each block: no error.
		let mut b = a.clone();
		for row in 0..h {
			b[row * w..row * w + w].reverse();
		}
		assert!(block_mean_error(&a, &a, w, h) < 1e-9);
		let shifted: Vec<u8> = a.iter().map(|v| v + 20).collect();
		assert!((block_mean_error(&a, &shifted, w, h) - 20.0).abs() < 1e-9);
		let flat = vec![128u8; w * h];
		assert!(block_mean_error(&a, &flat, w, h) > 5.0);
	}

	#[test]
	fn nal_units_picture_bytes_and_idr() {
		// SPS, PPS, IDR slice with two trailing cabac_zero_words, filler.
		let unit = [
			&[0u8, 0, 0, 1, 0x67, 1, 2, 3][..],
			&[0, 0, 0, 1, 0x68, 4][..],
			&[0, 0, 1, 0x65, 9, 9, 9, 9, 0, 0, 3, 0, 0, 3][..],
			&[0, 0, 1, 0x0c, 0xff, 0xff, 0xff, 0x80][..],
		]
		.concat();
		let types: Vec<u8> = nal_units(&unit).into_iter().map(nal_type).collect();
		assert_eq!(types, vec![7, 8, 5, 12]);
		assert_eq!(picture_bytes(&unit), 5);
		assert!(has_idr(&unit));
		let p_slice = [0u8, 0, 0, 1, 0x41, 7, 7];
		assert!(!has_idr(&p_slice));
		assert_eq!(picture_bytes(&p_slice), 3);
		// Length-prefixed.
		let mp4 = [0u8, 0, 0, 3, 0x65, 1, 2, 0, 0, 0, 2, 0x0c, 0xff];
		assert_eq!(nal_units(&mp4).into_iter().map(nal_type).collect::<Vec<_>>(), vec![5, 12]);
		assert_eq!(picture_bytes(&mp4), 3);
	}

	#[test]
	fn changed_cells_counts_moved_cells() {
		let a = vec![10.0f32; 8];
		let mut b = a.clone();
		b[2] = 30.0;
		b[5] = 12.0;
		assert_eq!(changed_cells(&a, &b, 8.0), 1);
		assert_eq!(changed_cells(&a, &b, 1.0), 2);
	}
}
