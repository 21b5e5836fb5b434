//! HLS playlists: a master playlist over the renditions and a sliding-window media playlist
//! per rendition, written with `m3u8-rs`.

use m3u8_rs::{MasterPlaylist, MediaPlaylist, MediaSegment, Resolution, VariantStream};
use std::collections::VecDeque;

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
				resolution: Some(Resolution { width: u64::from(v.width), height: u64::from(v.height) }),
				// HLS wants the frame rate rounded to three decimals (29.97, not 29.97002997).
				frame_rate: Some((v.fps * 1000.0).round() / 1000.0),
				// H.264 High profile and AAC-LC.
				codecs: Some("avc1.640028,mp4a.40.2".into()),
				..Default::default()
			})
			.collect(),
		..Default::default()
	};
	write(|w| playlist.write_to(w))
}

/// Segments of a live stream in a sliding window, shared by all its renditions so their media
/// sequence numbers line up.
#[derive(Clone, Debug)]
pub struct SlidingWindow {
	capacity: usize,
	/// (segment seq, duration in seconds), oldest first.
	entries: VecDeque<(u64, f64)>,
	/// Entries that slid out: the media sequence number of the first entry.
	removed: u64,
}

impl SlidingWindow {
	/// A window keeping the last `capacity` segments (at least one).
	pub fn new(capacity: usize) -> Self {
		Self { capacity: capacity.max(1), entries: VecDeque::new(), removed: 0 }
	}

	/// Appends a segment, dropping the oldest beyond the capacity.
	pub fn push(&mut self, seq: u64, duration: f64) {
		self.entries.push_back((seq, duration));
		while self.entries.len() > self.capacity {
			self.entries.pop_front();
			self.removed = self.removed.saturating_add(1);
		}
	}

	/// Empties the window (e.g. when a stream's renditions change), keeping the media sequence
	/// number counting on so players see the change as later segments.
	pub fn clear(&mut self) {
		let listed = u64::try_from(self.entries.len()).unwrap_or(u64::MAX);
		self.removed = self.removed.saturating_add(listed);
		self.entries.clear();
	}

	/// Segments currently listed.
	pub fn entries(&self) -> impl Iterator<Item = &(u64, f64)> {
		self.entries.iter()
	}

	/// The media playlist of one rendition; segment URIs are `{seq}.ts` relative to it.
	pub fn media_playlist(&self, ended: bool) -> String {
		let max_duration = self.entries.iter().map(|(_, d)| *d).fold(0.0, f64::max);
		let playlist = MediaPlaylist {
			version: Some(3),
			target_duration: max_duration.ceil().max(1.0) as u64,
			media_sequence: self.removed,
			independent_segments: true,
			end_list: ended,
			segments: self
				.entries
				.iter()
				.map(|(seq, duration)| MediaSegment {
					uri: format!("{seq}.ts"),
					duration: *duration as f32,
					..Default::default()
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
		let Ok(Playlist::MediaPlaylist(parsed)) = m3u8_rs::parse_playlist_res(text.as_bytes()) else {
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
			Variant { name: "source".into(), width: 1280, height: 720, bandwidth: 4_000_000, fps: 30.0 },
			Variant { name: "240p".into(), width: 426, height: 240, bandwidth: 400_000, fps: 30000.0 / 1001.0 },
		];
		let text = master_playlist(&variants);
		let Ok(Playlist::MasterPlaylist(parsed)) = m3u8_rs::parse_playlist_res(text.as_bytes()) else {
			panic!("not a master playlist: {text}");
		};
		assert_eq!(parsed.variants.len(), 2);
		assert_eq!(parsed.variants[1].uri, "240p/index.m3u8");
		assert_eq!(parsed.variants[1].bandwidth, 400_000);
		assert_eq!(parsed.variants[0].resolution, Some(Resolution { width: 1280, height: 720 }));
		assert!(text.contains("FRAME-RATE=29.97\n"), "{text}");
		assert_eq!(parsed.variants[0].frame_rate, Some(30.0));
	}
}
