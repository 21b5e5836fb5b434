//! Helpers for the integration tests: media generated with the ffmpeg CLI and checked with
//! ffprobe, both as independent tools rather than through our own ffmpeg-next code.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs a command and panics with its stderr when it fails.
pub fn run(command: &mut Command) -> String {
	let output = command.output().expect("command starts");
	assert!(
		output.status.success(),
		"{command:?} failed: {}",
		String::from_utf8_lossy(&output.stderr)
	);
	String::from_utf8(output.stdout).expect("utf-8 output")
}

/// A testsrc2 + sine clip of `seconds` at `width`x`height` and `fps`, H.264 + AAC in MPEG-TS,
/// with a keyframe every 2 s.
pub fn make_clip(
	dir: &Path,
	name: &str,
	width: u32,
	height: u32,
	fps: u32,
	seconds: f64,
) -> PathBuf {
	let path = dir.join(name);
	run(Command::new("ffmpeg")
		.args(["-v", "error", "-y", "-f", "lavfi", "-i"])
		.arg(format!("testsrc2=size={width}x{height}:rate={fps}"))
		.args(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t"])
		.arg(seconds.to_string())
		.args(["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g"])
		.arg((fps * 2).to_string())
		.args(["-c:a", "aac", "-b:a", "96k", "-f", "mpegts"])
		.arg(&path));
	path
}

/// Cuts `clip` into 2 s MPEG-TS segments with continuous timestamps, as a broadcaster would.
pub fn split_segments(dir: &Path, clip: &Path, prefix: &str) -> Vec<PathBuf> {
	let pattern = dir.join(format!("{prefix}%03d.ts"));
	run(Command::new("ffmpeg")
		.args(["-v", "error", "-y", "-i"])
		.arg(clip)
		.args(["-c", "copy", "-f", "segment", "-segment_time", "2", "-segment_format", "mpegts"])
		.arg(&pattern));
	let mut segments: Vec<PathBuf> = std::fs::read_dir(dir)
		.unwrap()
		.map(|e| e.unwrap().path())
		.filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
		.collect();
	segments.sort();
	segments
}

#[derive(Debug, Clone, PartialEq)]
pub struct VideoProbe {
	pub codec: String,
	pub width: u32,
	pub height: u32,
	pub duration: f64,
	pub frames: u64,
	pub first_frame_is_key: bool,
	pub first_frame_type: String,
	pub video_bytes: u64,
	pub has_audio: bool,
}

/// ffprobe facts about the first video stream of `path`.
pub fn probe(path: &Path) -> VideoProbe {
	let stream = run(Command::new("ffprobe")
		.args([
			"-v",
			"error",
			"-select_streams",
			"v:0",
			"-show_entries",
			"stream=codec_name,width,height",
			"-of",
			"default=nw=1",
		])
		.arg(path));
	let field = |text: &str, key: &str| -> String {
		text.lines()
			.find_map(|l| l.strip_prefix(&format!("{key}=")))
			.unwrap_or_else(|| panic!("no {key} in {text}"))
			.to_string()
	};
	let frames = run(Command::new("ffprobe")
		.args([
			"-v",
			"error",
			"-select_streams",
			"v:0",
			"-show_entries",
			"frame=key_frame,pict_type,pts_time",
			"-of",
			"compact",
		])
		.arg(path));
	// Lines look like `frame|key_frame=1|pts_time=1.400000|pict_type=I`.
	let frame_fields: Vec<std::collections::HashMap<String, String>> = frames
		.lines()
		.filter(|l| l.starts_with("frame"))
		.map(|l| {
			l.split('|')
				.filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
				.collect()
		})
		.collect();
	let first = frame_fields.first().expect("at least one frame").clone();
	let pts: Vec<f64> = frame_fields
		.iter()
		.filter_map(|f| f.get("pts_time").and_then(|t| t.parse().ok()))
		.collect();
	let packets = run(Command::new("ffprobe")
		.args([
			"-v",
			"error",
			"-select_streams",
			"v:0",
			"-show_entries",
			"packet=size",
			"-of",
			"csv=p=0",
		])
		.arg(path));
	let video_bytes = packets
		.lines()
		.filter_map(|l| l.trim().trim_end_matches(',').parse::<u64>().ok())
		.sum();
	let audio = run(Command::new("ffprobe")
		.args([
			"-v",
			"error",
			"-select_streams",
			"a",
			"-show_entries",
			"stream=index",
			"-of",
			"csv=p=0",
		])
		.arg(path));
	let frame_count = frame_fields.len() as u64;
	let min = pts.iter().cloned().fold(f64::INFINITY, f64::min);
	let max = pts.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
	let codec = field(&stream, "codec_name");
	let width = field(&stream, "width").parse().unwrap();
	let height = field(&stream, "height").parse().unwrap();
	// Duration of a frame sequence: last minus first timestamp plus one frame.
	let duration = if frame_count > 1 {
		(max - min) * frame_count as f64 / (frame_count - 1) as f64
	} else {
		0.0
	};
	VideoProbe {
		codec,
		width,
		height,
		duration,
		frames: frame_count,
		first_frame_is_key: first.get("key_frame").map(String::as_str) == Some("1"),
		first_frame_type: first.get("pict_type").cloned().unwrap_or_default(),
		video_bytes,
		has_audio: !audio.trim().is_empty(),
	}
}

/// True when ffmpeg decodes the whole file without reporting any error.
pub fn decodes_cleanly(path: &Path) -> bool {
	let output = Command::new("ffmpeg")
		.args(["-v", "error", "-xerror", "-i"])
		.arg(path)
		.args(["-f", "null", "-"])
		.output()
		.expect("ffmpeg runs");
	output.status.success() && output.stderr.is_empty()
}

/// A small ladder for tests: one profile above the test source (must not upscale) and three
/// at or below it.
pub fn test_profiles() -> Vec<olc_primitives::Profile> {
	use olc_primitives::Profile;
	vec![
		Profile::new(b"720p", 1280, 720, 3000, 30).unwrap(),
		Profile::new(b"360p", 640, 360, 800, 30).unwrap(),
		Profile::new(b"240p", 426, 240, 250, 30).unwrap(),
		Profile::new(b"144p", 256, 144, 120, 30).unwrap(),
	]
}

/// A dev key.
pub fn pair(seed: &str) -> sp_core::sr25519::Pair {
	use sp_core::Pair as _;
	sp_core::sr25519::Pair::from_string(seed, None).unwrap()
}

/// A profile.
pub fn profile(name: &str, width: u32, height: u32, kbps: u32) -> olc_primitives::Profile {
	olc_primitives::Profile::new(name.as_bytes(), width, height, kbps, 30).unwrap()
}

/// Reads `dir`'s files made by [`split_segments`] into memory.
pub fn segment_bytes(dir: &Path, seconds: f64) -> Vec<Vec<u8>> {
	let clip = make_clip(dir, "clip.ts", 320, 180, 30, seconds);
	split_segments(dir, &clip, "seg")
		.iter()
		.map(|p| std::fs::read(p).unwrap())
		.collect()
}

/// A running service on a free loopback port.
pub struct Service {
	pub base: String,
	pub state: std::sync::Arc<olc_transcoder::server::AppState>,
	pub task: tokio::task::JoinHandle<()>,
}

/// Starts the service's router on a free loopback port.
pub async fn start_service(config: olc_transcoder::server::ServerConfig) -> Service {
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	serve_on(listener, config)
}

/// Serves the router on `listener`.
pub fn serve_on(
	listener: tokio::net::TcpListener,
	config: olc_transcoder::server::ServerConfig,
) -> Service {
	let (router, state) = olc_transcoder::server::router(config);
	let base = format!("http://{}", listener.local_addr().unwrap());
	let task = tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
	Service { base, state, task }
}

/// Posts a segment with a hex header (if any); returns status and body text.
pub async fn post_segment(
	base: &str,
	stream: olc_primitives::StreamId,
	seq: u64,
	body: Vec<u8>,
	header: Option<&olc_primitives::SignedSegmentHeader>,
) -> (u16, String) {
	use codec::Encode;
	let mut request = reqwest::Client::new()
		.post(format!("{base}/live/0x{}/{seq}.ts", hex::encode(stream.0)))
		.body(body);
	if let Some(header) = header {
		request = request
			.header(olc_transcoder::server::SEGMENT_HEADER_FIELD, hex::encode(header.encode()));
	}
	let response = request.send().await.unwrap();
	(response.status().as_u16(), response.text().await.unwrap())
}

/// GETs `{base}{path}`; returns status and body bytes.
pub async fn get(base: &str, path: &str) -> (u16, Vec<u8>) {
	let response = reqwest::get(format!("{base}{path}")).await.unwrap();
	(response.status().as_u16(), response.bytes().await.unwrap().to_vec())
}

/// Decodes a hex SCALE receipt as the service answers it.
pub fn decode_receipt(text: &str) -> olc_primitives::TranscodeReceipt {
	use codec::Decode;
	olc_primitives::TranscodeReceipt::decode(&mut &hex::decode(text.trim()).unwrap()[..]).unwrap()
}

/// The segment URIs of a media playlist.
pub fn playlist_uris(text: &[u8]) -> Vec<String> {
	match m3u8_rs::parse_playlist_res(text) {
		Ok(m3u8_rs::Playlist::MediaPlaylist(playlist)) => {
			playlist.segments.into_iter().map(|s| s.uri).collect()
		},
		_ => panic!("not a media playlist: {}", String::from_utf8_lossy(text)),
	}
}

/// What the fake chain answers for its stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainMode {
	Assigned,
	NotAssigned,
	Unavailable,
}

/// A chain with one stream, owned by `owner`, whose job may or may not be assigned here.
pub struct FakeChain {
	pub stream: olc_primitives::StreamId,
	pub owner: sp_core::sr25519::Public,
	pub job_id: u64,
	pub mode: std::sync::Mutex<ChainMode>,
	pub profiles: std::sync::Mutex<Vec<olc_primitives::Profile>>,
	/// (job, seq, output hashes) of every `transcoded` call.
	pub transcoded: std::sync::Mutex<Vec<(u64, u64, usize)>>,
	/// Reasons of every `refused` call.
	pub refused: std::sync::Mutex<Vec<String>>,
	/// What `ended` answers for the stream.
	pub ended: std::sync::atomic::AtomicBool,
}

impl FakeChain {
	pub fn new(
		stream: olc_primitives::StreamId,
		owner: sp_core::sr25519::Public,
		job_id: u64,
		mode: ChainMode,
		profiles: Vec<olc_primitives::Profile>,
	) -> std::sync::Arc<Self> {
		std::sync::Arc::new(Self {
			stream,
			owner,
			job_id,
			mode: std::sync::Mutex::new(mode),
			profiles: std::sync::Mutex::new(profiles),
			transcoded: Default::default(),
			refused: Default::default(),
			ended: Default::default(),
		})
	}

	pub fn set_mode(&self, mode: ChainMode) {
		*self.mode.lock().unwrap() = mode;
	}

	pub fn set_profiles(&self, profiles: Vec<olc_primitives::Profile>) {
		*self.profiles.lock().unwrap() = profiles;
	}

	pub fn transcoded_seqs(&self) -> Vec<u64> {
		self.transcoded.lock().unwrap().iter().map(|(_, seq, _)| *seq).collect()
	}
}

impl olc_transcoder::server::StreamAuthority for FakeChain {
	fn terms(
		&self,
		stream_id: &olc_primitives::StreamId,
	) -> Result<olc_transcoder::server::StreamTerms, olc_transcoder::server::AuthError> {
		use olc_transcoder::server::{AuthError, StreamTerms};
		if *stream_id != self.stream {
			return Err(AuthError::UnknownStream);
		}
		match *self.mode.lock().unwrap() {
			ChainMode::Assigned => Ok(StreamTerms {
				job_id: self.job_id,
				profiles: self.profiles.lock().unwrap().clone(),
				broadcaster: self.owner,
			}),
			ChainMode::NotAssigned => Err(AuthError::NotAssigned),
			ChainMode::Unavailable => Err(AuthError::Unavailable("the node is syncing".into())),
		}
	}

	fn transcoded(
		&self,
		terms: &olc_transcoder::server::StreamTerms,
		receipt: &olc_primitives::TranscodeReceipt,
		_transcode_time: std::time::Duration,
	) {
		self.transcoded.lock().unwrap().push((
			terms.job_id,
			receipt.seq(),
			receipt.body.output_hashes.len(),
		));
	}

	fn refused(&self, reason: &str) {
		self.refused.lock().unwrap().push(reason.to_string());
	}

	fn ended(&self, stream_id: &olc_primitives::StreamId) -> bool {
		*stream_id == self.stream && self.ended.load(std::sync::atomic::Ordering::Relaxed)
	}
}

/// A service config with a small fast ladder (the given profiles) and `//Bob`'s key.
pub fn service_config(
	data_dir: PathBuf,
	profiles: Vec<olc_primitives::Profile>,
) -> olc_transcoder::server::ServerConfig {
	let mut config = olc_transcoder::server::ServerConfig::new(data_dir, pair("//Bob"));
	config.ladder = olc_transcoder::ladder::LadderConfig::with_profiles(profiles);
	config
}
