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
pub fn make_clip(dir: &Path, name: &str, width: u32, height: u32, fps: u32, seconds: f64) -> PathBuf {
	let path = dir.join(name);
	run(Command::new("ffmpeg").args(["-v", "error", "-y", "-f", "lavfi", "-i"])
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
	run(Command::new("ffmpeg").args(["-v", "error", "-y", "-i"]).arg(clip)
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
	let stream = run(Command::new("ffprobe").args(["-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,width,height", "-of", "default=nw=1"]).arg(path));
	let field = |text: &str, key: &str| -> String {
		text.lines()
			.find_map(|l| l.strip_prefix(&format!("{key}=")))
			.unwrap_or_else(|| panic!("no {key} in {text}"))
			.to_string()
	};
	let frames = run(Command::new("ffprobe").args(["-v", "error", "-select_streams", "v:0",
		"-show_entries", "frame=key_frame,pict_type,pts_time", "-of", "compact"]).arg(path));
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
	let pts: Vec<f64> =
		frame_fields.iter().filter_map(|f| f.get("pts_time").and_then(|t| t.parse().ok())).collect();
	let packets = run(Command::new("ffprobe").args(["-v", "error", "-select_streams", "v:0",
		"-show_entries", "packet=size", "-of", "csv=p=0"]).arg(path));
	let video_bytes = packets.lines().filter_map(|l| l.trim().trim_end_matches(',').parse::<u64>().ok()).sum();
	let audio = run(Command::new("ffprobe").args(["-v", "error", "-select_streams", "a",
		"-show_entries", "stream=index", "-of", "csv=p=0"]).arg(path));
	let frame_count = frame_fields.len() as u64;
	let min = pts.iter().cloned().fold(f64::INFINITY, f64::min);
	let max = pts.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
	let codec = field(&stream, "codec_name");
	let width = field(&stream, "width").parse().unwrap();
	let height = field(&stream, "height").parse().unwrap();
	// Duration of a frame sequence: last minus first timestamp plus one frame.
	let duration = if frame_count > 1 { (max - min) * frame_count as f64 / (frame_count - 1) as f64 } else { 0.0 };
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
