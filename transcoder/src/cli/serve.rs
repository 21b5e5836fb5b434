//! `olc-transcoder serve`: the transcoding service without a chain.

use super::{parse_public, KeyArgs, DEFAULT_PRESET};
use anyhow::Context as _;
use clap::Args;
use olc_transcoder::{
	media::X264Settings,
	server::{self, Fault, ServerConfig},
};
use std::{path::PathBuf, process::ExitCode, time::Duration};

/// Run the transcoding service (segment ingest, HLS, receipts) without a chain: any broadcaster
/// key (or those of --broadcaster) may open a stream, bound to its key by the first segment.
#[derive(Args)]
pub struct ServeCmd {
	/// Address to listen on (host:port).
	#[arg(long, default_value = "127.0.0.1:8935")]
	listen: String,
	/// Directory for segments, renditions, playlists and receipts (created if missing).
	#[arg(long, default_value = "olc-transcoder-data")]
	data_dir: PathBuf,
	/// The transcoder's key, which signs the receipts.
	#[command(flatten)]
	key: KeyArgs,
	/// x264 preset of every rendition.
	#[arg(long, default_value = DEFAULT_PRESET)]
	preset: String,
	/// x264 tune; "none" disables it (the encoder is then drained and reopened per segment).
	#[arg(long, default_value = "zerolatency")]
	tune: String,
	/// How long inputs, outputs and receipts are kept, in seconds.
	#[arg(long, default_value_t = 3600)]
	retention_secs: u64,
	/// Largest segment body in bytes, checked on Content-Length before the body is read and
	/// while it streams in (larger: SegmentTooLarge, 413).
	#[arg(long, default_value_t = 16 * 1024 * 1024)]
	max_segment_bytes: usize,
	/// Segments listed in each media playlist.
	#[arg(long, default_value_t = 6)]
	playlist_window: usize,
	/// End a stream's playlists (EXT-X-ENDLIST) after this many seconds without a segment;
	/// 0: never.
	#[arg(long, default_value_t = 30)]
	stream_idle_secs: u64,
	/// Streams served at once (further ones: MaxStreams, 503).
	#[arg(long, default_value_t = 64)]
	max_streams: usize,
	/// Segment uploads in progress at once (further ones: TooManyUploads, 503).
	#[arg(long, default_value_t = 32)]
	max_uploads: usize,
	/// Largest accepted source picture, WIDTHxHEIGHT, either orientation (larger:
	/// ResolutionTooLarge, 422).
	#[arg(long, default_value = "1920x1080")]
	max_resolution: String,
	/// Most video frames in one segment (more: TooManyFrames, 422).
	#[arg(long, default_value_t = 600)]
	max_frames: u64,
	/// Segments a stream may send per segment duration, averaged over 20 s (more:
	/// StreamRateExceeded, 429). A real-time broadcaster sends 1.
	#[arg(long, default_value_t = 2.0)]
	max_stream_rate: f64,
	/// Seconds without a piece of a segment's body before the upload is refused
	/// (UploadTimeout, 408).
	#[arg(long, default_value_t = 10)]
	upload_timeout_secs: u64,
	/// Seconds a whole segment body may take (BodyTimeout, 408).
	#[arg(long, default_value_t = 60)]
	body_timeout_secs: u64,
	/// Seconds a received segment may wait for a free transcode slot (TranscoderBusy, 503).
	#[arg(long, default_value_t = 30)]
	transcode_wait_secs: u64,
	/// Seconds a request's head may take to arrive; then the connection is closed.
	#[arg(long, default_value_t = 10)]
	header_timeout_secs: u64,
	/// Only accept these broadcaster public keys (hex; repeat the flag); default: any, bound per
	/// stream.
	#[arg(long)]
	broadcaster: Vec<String>,
	/// For the network's defence tests only: misbehave. `wrong-content` serves (and signs
	/// receipts for) renditions of the inverted picture.
	#[arg(long)]
	fault: Option<String>,
	/// Serve the web app (/watch, /studio, /overlay) from this directory (a `web/dist/`)
	/// instead of the copy built into the binary; for work on the pages.
	#[arg(long)]
	web_dir: Option<PathBuf>,
}

impl ServeCmd {
	pub fn run(self) -> anyhow::Result<ExitCode> {
		let pair = self.key.load()?;
		let mut config = ServerConfig::new(self.data_dir, pair);
		let tune = (self.tune != "none").then_some(self.tune);
		config.ladder.x264 = X264Settings { preset: self.preset, tune };
		config.retention = Duration::from_secs(self.retention_secs);
		config.max_segment_bytes = self.max_segment_bytes;
		config.playlist_window = self.playlist_window;
		config.stream_end_idle =
			(self.stream_idle_secs > 0).then(|| Duration::from_secs(self.stream_idle_secs));
		config.max_streams = self.max_streams;
		config.max_concurrent_uploads = self.max_uploads;
		config.web_dir = self.web_dir;
		let (width, height) = server::parse_resolution(&self.max_resolution)
			.map_err(|e| anyhow::anyhow!("--max-resolution: {e}"))?;
		config.segment_limits.max_width = width;
		config.segment_limits.max_height = height;
		config.segment_limits.max_frames = self.max_frames;
		anyhow::ensure!(self.max_stream_rate > 0.0, "--max-stream-rate must be positive");
		config.max_segments_per_duration = self.max_stream_rate;
		config.upload_read_timeout = Duration::from_secs(self.upload_timeout_secs.max(1));
		config.body_timeout = Duration::from_secs(self.body_timeout_secs.max(1));
		config.transcode_wait_timeout = Duration::from_secs(self.transcode_wait_secs.max(1));
		config.header_read_timeout = Duration::from_secs(self.header_timeout_secs.max(1));
		if !self.broadcaster.is_empty() {
			let keys = self
				.broadcaster
				.iter()
				.map(|text| parse_public(text))
				.collect::<anyhow::Result<Vec<_>>>()?;
			config.allowed_broadcasters = Some(keys);
		}
		if let Some(fault) = self.fault {
			let fault: Fault = fault.parse().map_err(anyhow::Error::msg)?;
			tracing::warn!("fault {fault:?} injected: this service misbehaves on purpose");
			config.fault = Some(fault);
		}
		let listen = self.listen;
		tracing::info!(
			"transcoder key 0x{}; listening on http://{listen}",
			hex::encode(server::transcoder_public(&config).0)
		);
		let runtime = tokio::runtime::Runtime::new()?;
		runtime.block_on(async move {
			let listener = tokio::net::TcpListener::bind(&listen)
				.await
				.with_context(|| format!("cannot listen on {listen}"))?;
			server::serve(listener, config).await?;
			anyhow::Ok(())
		})?;
		Ok(ExitCode::SUCCESS)
	}
}
