//! OpenLive Coin media pipeline.
//!
//! - [`ladder`]: transcodes MPEG-TS segments into a rendition ladder with ffmpeg-next, keeping
//!   one encoder session per stream and rendition alive across segments.
//! - [`check`]: decides whether an output segment is an honest rendition of an input segment.
//! - [`segmenter`]: the broadcaster side, cutting a source into signed 2 s segments.
//! - [`server`]: the transcoder's HTTP service (segment ingest, HLS output, receipts).
//! - [`keys`]: loading sr25519 keys from dev seeds or files.

#![cfg_attr(
	not(test),
	deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

pub mod check;
pub mod hls;
pub mod keys;
pub mod ladder;
pub mod media;
pub mod segmenter;
pub mod server;

pub use olc_primitives as primitives;

/// Initialises FFmpeg once and quietens its logging (errors are reported through our own types).
pub fn init_ffmpeg() -> Result<(), ffmpeg_next::Error> {
	static INIT: std::sync::OnceLock<Result<(), ffmpeg_next::Error>> = std::sync::OnceLock::new();
	*INIT.get_or_init(|| {
		ffmpeg_next::init()?;
		ffmpeg_next::util::log::set_level(ffmpeg_next::util::log::Level::Fatal);
		Ok(())
	})
}
