//! OpenLive Coin media pipeline.
//!
//! - [`ladder`]: transcodes MPEG-TS segments into a rendition ladder with ffmpeg-next, keeping
//!   one encoder session per stream and rendition alive across segments.
//! - [`check`]: decides whether an output segment is an honest rendition of an input segment.
//! - [`segmenter`]: the broadcaster side, cutting a source into signed 2 s segments.
//! - [`push`]: the broadcaster side, delivering signed segments to the transcoders of the
//!   stream's open jobs, following the chain's assignments.
//! - [`server`]: the transcoder's HTTP service (segment ingest, HLS output, receipts), with a
//!   [`server::StreamAuthority`] hook through which a node supplies the chain's terms.
//! - [`hls`]: master and sliding-window media playlists.
//! - [`ingest_check`]: the checks a broadcaster's untrusted segment goes through (container,
//!   codecs, limits), shared by the service and the fuzz target.
//! - [`media`]: shared ffmpeg-next building blocks (encoder settings, rendition sizes).
//! - [`keys`]: loading sr25519 keys from dev seeds or files.
//!
//! The library knows nothing about the chain: whatever it needs from it comes through traits
//! ([`server::StreamAuthority`], [`push::AssignmentLookup`]).

#![cfg_attr(
	not(test),
	deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

pub mod check;
pub mod hls;
pub mod ingest_check;
pub mod keys;
pub mod ladder;
pub mod media;
pub mod push;
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
