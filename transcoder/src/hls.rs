//! HLS playlists: a master playlist over the renditions and a sliding-window media playlist
//! per rendition, written with `m3u8-rs`.
//!
//! - Master: one `EXT-X-STREAM-INF` per rendition with its own `RESOLUTION`, `FRAME-RATE`,
//!   `BANDWIDTH` and `CODECS`, the last taken from the encoded streams themselves
//!   ([`avc1_codec`] reads the profile and level from the H.264 SPS; `mp4a.40.2` is added when
//!   the segment carries AAC audio).
//! - Media: `EXT-X-PROGRAM-DATE-TIME` on every segment (the wall-clock time the segment was
//!   published, so players can show their latency), `EXT-X-DISCONTINUITY` before a segment whose
//!   seq is not the previous one's + 1 (a gap: timestamps and encoder state may jump; counted in
//!   `EXT-X-DISCONTINUITY-SEQUENCE` once it slides out of the window), and
//!   `EXT-X-ENDLIST` once the stream has ended.

use m3u8_rs::{MasterPlaylist, MediaPlaylist, MediaSegment, Resolution, VariantStream};
use std::{collections::VecDeque, time::SystemTime};

/// MIME type of playlists.
pub const PLAYLIST_MIME: &str = "application/vnd.apple.mpegurl";
/// MIME type of MPEG-TS segments.
pub const SEGMENT_MIME: &str = "video/mp2t";
/// Name of the per-rendition media playlist.
pub const MEDIA_PLAYLIST_NAME: &str = "index.m3u8";

/// One rendition as listed in the master playlist.
#[derive(Clone, Debug)]
pub struct Variant {
	/// Directory name of the rendition, e.g. `480p` or `source`.
	pub name: String,
	/// Picture width in pixels.
	pub width: u32,
	/// Picture height in pixels.
	pub height: u32,
	/// Peak bandwidth in bit/s, as HLS requires.
	pub bandwidth: u64,
	/// Frame rate of this rendition (`FRAME-RATE`).
	pub fps: f64,
	/// RFC 6381 codecs of the rendition (`CODECS`), e.g. `avc1.64001f,mp4a.40.2`; `None`
	/// leaves the attribute out (players then probe the segments).
	pub codecs: Option<String>,
}

/// The RFC 6381 name of an H.264 stream, `avc1.PPCCLL` (profile, constraint flags and level
/// from the first sequence parameter set in `annex_b`, an Annex B byte stream such as an
/// MPEG-TS video packet), or `None` when there is no SPS.
pub fn avc1_codec(annex_b: &[u8]) -> Option<String> {
	let mut index = 0usize;
	while let Some(window) = annex_b.get(index..index.saturating_add(3)) {
		if window == [0, 0, 1] {
			let nal = annex_b.get(index.saturating_add(3)..index.saturating_add(7))?;
			if let [header, profile, constraints, level] = nal {
				if header & 0x1f == 7 {
					return Some(format!("avc1.{profile:02x}{constraints:02x}{level:02x}"));
				}
			}
			index = index.saturating_add(3);
		} else {
			index = index.saturating_add(1);
		}
	}
	None
}

/// The `CODECS` value of a rendition: its video codec, then `mp4a.40.2` (AAC-LC) with audio.
pub fn codecs_attribute(video: Option<&str>, aac_audio: bool) -> Option<String> {
	let video = video?;
	Some(if aac_audio { format!("{video},mp4a.40.2") } else { video.to_string() })
}

/// The master playlist; renditions are referenced as `{name}/index.m3u8`.
pub fn master_playlist(variants: &[Variant]) -> String {
	let playlist = MasterPlaylist {
		version: Some(3),
		independent_segments: true,
		variants: variants
			.iter()
			.map(|v| VariantStream {
				uri: format!("{}/{MEDIA_PLAYLIST_NAME}", v.name),
				bandwidth: v.bandwidth,
				resolution: Some(Resolution {
					width: u64::from(v.width),
					height: u64::from(v.height),
				}),
				// HLS wants the frame rate rounded to three decimals (29.97, not 29.97002997).
				frame_rate: Some((v.fps * 1000.0).round() / 1000.0),
				codecs: v.codecs.clone(),
				..Default::default()
			})
			.collect(),
		..Default::default()
	};
	write(|w| playlist.write_to(w))
}

/// One listed segment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WindowEntry {
	/// The segment's sequence number (its URI is `{seq}.ts`).
	pub seq: u64,
	/// Duration in seconds.
	pub duration: f64,
	/// Wall-clock time the segment was published (`EXT-X-PROGRAM-DATE-TIME`).
	pub published: SystemTime,
	/// The seq does not follow the previously pushed segment's (`EXT-X-DISCONTINUITY`).
	pub gap: bool,
}

/// Segments of a live stream in a sliding window, shared by all its renditions so their media
/// sequence numbers line up.
#[derive(Clone, Debug)]
pub struct SlidingWindow {
	capacity: usize,
	/// Listed segments, oldest first.
	entries: VecDeque<WindowEntry>,
	/// Entries that slid out: the media sequence number of the first entry.
	removed: u64,
	/// Discontinuities that slid out (`EXT-X-DISCONTINUITY-SEQUENCE`, as HLS requires once a
	/// discontinuity tag leaves the playlist).
	gaps_removed: u64,
	/// The seq of the last pushed segment, kept across [`Self::clear`].
	last_seq: Option<u64>,
}

impl SlidingWindow {
	/// A window keeping the last `capacity` segments (at least one).
	pub fn new(capacity: usize) -> Self {
		Self {
			capacity: capacity.max(1),
			entries: VecDeque::new(),
			removed: 0,
			gaps_removed: 0,
			last_seq: None,
		}
	}

	/// Appends a segment published now, dropping the oldest beyond the capacity.
	pub fn push(&mut self, seq: u64, duration: f64) {
		self.push_at(seq, duration, SystemTime::now());
	}

	/// Appends a segment published at `published`, dropping the oldest beyond the capacity.
	pub fn push_at(&mut self, seq: u64, duration: f64, published: SystemTime) {
		let gap = self.last_seq.is_some_and(|last| Some(seq) != last.checked_add(1));
		self.last_seq = Some(seq);
		self.entries.push_back(WindowEntry { seq, duration, published, gap });
		while self.entries.len() > self.capacity {
			if let Some(removed) = self.entries.pop_front() {
				self.gaps_removed = self.gaps_removed.saturating_add(u64::from(removed.gap));
			}
			self.removed = self.removed.saturating_add(1);
		}
	}

	/// Empties the window (e.g. when a stream's renditions change), keeping the media sequence
	/// number counting on so players see the change as later segments.
	pub fn clear(&mut self) {
		let listed = u64::try_from(self.entries.len()).unwrap_or(u64::MAX);
		self.removed = self.removed.saturating_add(listed);
		let gaps = self.entries.iter().filter(|entry| entry.gap).count();
		self.gaps_removed =
			self.gaps_removed.saturating_add(u64::try_from(gaps).unwrap_or(u64::MAX));
		self.entries.clear();
	}

	/// Segments currently listed.
	pub fn entries(&self) -> impl Iterator<Item = &WindowEntry> {
		self.entries.iter()
	}

	/// The media playlist of one rendition; segment URIs are `{seq}.ts` relative to it. A
	/// segment whose seq does not follow the previously pushed one is marked as a discontinuity
	/// (and counted in `EXT-X-DISCONTINUITY-SEQUENCE` once it slides out); `ended` adds
	/// `EXT-X-ENDLIST`.
	pub fn media_playlist(&self, ended: bool) -> String {
		let max_duration = self.entries.iter().map(|e| e.duration).fold(0.0, f64::max);
		let playlist = MediaPlaylist {
			version: Some(3),
			target_duration: max_duration.ceil().max(1.0) as u64,
			media_sequence: self.removed,
			discontinuity_sequence: self.gaps_removed,
			independent_segments: true,
			end_list: ended,
			segments: self
				.entries
				.iter()
				.map(|entry| {
					let published = chrono::DateTime::<chrono::Utc>::from(entry.published);
					MediaSegment {
						uri: format!("{}.ts", entry.seq),
						duration: entry.duration as f32,
						discontinuity: entry.gap,
						program_date_time: Some(published.fixed_offset()),
						..Default::default()
					}
				})
				.collect(),
			..Default::default()
		};
		write(|w| playlist.write_to(w))
	}
}

fn write(writer: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
	let mut bytes = Vec::new();
	// Writing into a Vec cannot fail.
	let _ = writer(&mut bytes);
	String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
	use super::*;
	use m3u8_rs::Playlist;

	#[test]
	fn media_playlist_slides_and_parses() {
		let mut window = SlidingWindow::new(3);
		for seq in 10..15 {
			window.push(seq, 2.0);
		}
		let text = window.media_playlist(false);
		let Ok(Playlist::MediaPlaylist(parsed)) = m3u8_rs::parse_playlist_res(text.as_bytes())
		else {
			panic!("not a media playlist: {text}");
		};
		assert_eq!(parsed.media_sequence, 2);
		assert_eq!(parsed.target_duration, 2);
		let uris: Vec<_> = parsed.segments.iter().map(|s| s.uri.as_str()).collect();
		assert_eq!(uris, ["12.ts", "13.ts", "14.ts"]);
		assert!(!parsed.end_list);
		assert!(window.media_playlist(true).contains("#EXT-X-ENDLIST"));
		window.clear();
		window.push(20, 2.0);
		let Ok(Playlist::MediaPlaylist(parsed)) =
			m3u8_rs::parse_playlist_res(window.media_playlist(false).as_bytes())
		else {
			panic!("not a media playlist");
		};
		assert_eq!(parsed.media_sequence, 5);
		assert_eq!(parsed.segments.len(), 1);
	}

	#[test]
	fn master_playlist_lists_every_variant() {
		let variants = vec![
			Variant {
				name: "source".into(),
				width: 1280,
				height: 720,
				bandwidth: 4_000_000,
				fps: 30.0,
				codecs: codecs_attribute(Some("avc1.64001f"), true),
			},
			Variant {
				name: "240p".into(),
				width: 426,
				height: 240,
				bandwidth: 400_000,
				fps: 30000.0 / 1001.0,
				codecs: codecs_attribute(Some("avc1.42c015"), false),
			},
		];
		let text = master_playlist(&variants);
		let Ok(Playlist::MasterPlaylist(parsed)) = m3u8_rs::parse_playlist_res(text.as_bytes())
		else {
			panic!("not a master playlist: {text}");
		};
		assert_eq!(parsed.variants.len(), 2);
		assert_eq!(parsed.variants[1].uri, "240p/index.m3u8");
		assert_eq!(parsed.variants[1].bandwidth, 400_000);
		assert_eq!(parsed.variants[0].resolution, Some(Resolution { width: 1280, height: 720 }));
		assert!(text.contains("FRAME-RATE=29.97\n"), "{text}");
		assert_eq!(parsed.variants[0].frame_rate, Some(30.0));
		assert_eq!(parsed.variants[0].codecs.as_deref(), Some("avc1.64001f,mp4a.40.2"));
		assert_eq!(parsed.variants[1].codecs.as_deref(), Some("avc1.42c015"));
	}

	#[test]
	fn sps_gives_the_avc1_codec() {
		// Access unit delimiter, then an SPS: High profile (100 = 0x64), level 3.1 (31 = 0x1f).
		let stream = [0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1, 0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9];
		assert_eq!(avc1_codec(&stream).as_deref(), Some("avc1.64001f"));
		assert_eq!(avc1_codec(&[0, 0, 1, 0x65, 1, 2, 3]), None);
		assert_eq!(avc1_codec(&[0, 0, 1, 0x67, 0x64]), None);
		assert_eq!(avc1_codec(&[]), None);
	}

	#[test]
	fn gaps_dates_and_end() {
		let mut window = SlidingWindow::new(5);
		let start = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1_764_489_600_250);
		window.push_at(1, 2.0, start);
		window.push_at(2, 2.0, start + std::time::Duration::from_secs(2));
		window.push_at(5, 2.0, start + std::time::Duration::from_secs(8));
		let text = window.media_playlist(true);
		let Ok(Playlist::MediaPlaylist(parsed)) = m3u8_rs::parse_playlist_res(text.as_bytes())
		else {
			panic!("not a media playlist: {text}");
		};
		let gaps: Vec<bool> = parsed.segments.iter().map(|s| s.discontinuity).collect();
		assert_eq!(gaps, [false, false, true], "{text}");
		assert!(parsed.segments.iter().all(|s| s.program_date_time.is_some()), "{text}");
		assert!(text.contains("#EXT-X-PROGRAM-DATE-TIME:2025-11-30T08:00:00.250Z"), "{text}");
		assert!(parsed.end_list);
		assert_eq!(parsed.discontinuity_sequence, 0);
		// The gap slides out: counted in the discontinuity sequence.
		let mut window = SlidingWindow::new(2);
		for seq in [1, 2, 5, 6, 7] {
			window.push(seq, 2.0);
		}
		let text = window.media_playlist(false);
		let Ok(Playlist::MediaPlaylist(parsed)) = m3u8_rs::parse_playlist_res(text.as_bytes())
		else {
			panic!("not a media playlist: {text}");
		};
		assert_eq!(parsed.discontinuity_sequence, 1, "{text}");
		assert!(parsed.segments.iter().all(|s| !s.discontinuity), "{text}");
		window.push(9, 2.0);
		window.push(10, 2.0);
		assert!(window.media_playlist(false).contains("#EXT-X-DISCONTINUITY\n"));
	}
}
