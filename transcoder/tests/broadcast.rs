//! The `broadcast` subcommand: signed 2 s segments from a test pattern or a file, written to a
//! directory or pushed to a running transcoder.

mod common;

use codec::Decode;
use common::*;
use olc_primitives::SignedSegmentHeader;
use olc_transcoder::ladder::LadderConfig;
use olc_transcoder::media::X264Settings;
use olc_transcoder::server::{self, ServerConfig};
use sp_core::{sr25519, Pair};
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_olc-transcoder");

/// Checks the segments `0..count` in `dir`: signed by Alice, 2 s (the last may be shorter),
/// H.264 + AAC, IDR first, clean decode, continuous timestamps.
fn check_segments(dir: &Path, count: u64, last_may_be_short: bool) {
	let alice = sr25519::Pair::from_string("//Alice", None).unwrap().public();
	let mut previous_end: Option<f64> = None;
	for seq in 0..count {
		let bytes = std::fs::read(dir.join(format!("{seq}.ts"))).unwrap();
		let header_hex = std::fs::read_to_string(dir.join(format!("{seq}.header"))).unwrap();
		let header =
			SignedSegmentHeader::decode(&mut &hex::decode(header_hex.trim()).unwrap()[..]).unwrap();
		assert_eq!(header.verify_segment(&bytes), Ok(()));
		assert_eq!(header.header.seq, seq);
		assert_eq!(header.header.broadcaster, alice);
		let path = dir.join(format!("{seq}.ts"));
		let probed = probe(&path);
		assert_eq!(probed.codec, "h264");
		assert!(probed.has_audio, "segment {seq} has AAC audio");
		assert!(probed.first_frame_is_key && probed.first_frame_type == "I", "{seq}: {probed:?}");
		assert!(decodes_cleanly(&path), "segment {seq} decodes");
		let is_last = seq + 1 == count;
		if !(is_last && last_may_be_short) {
			assert!((probed.duration - 2.0).abs() < 0.05, "segment {seq}: {probed:?}");
			assert!(
				(f64::from(header.header.duration_ms) - 2000.0).abs() <= 34.0,
				"{}",
				header.header.duration_ms
			);
		}
		let start = first_pts(&path);
		if let Some(end) = previous_end {
			assert!(
				(start - end).abs() < 0.05,
				"segment {seq} starts at {start}, previous ended {end}"
			);
		}
		previous_end = Some(start + probed.duration);
	}
	assert!(!dir.join(format!("{count}.ts")).exists());
}

fn first_pts(path: &Path) -> f64 {
	let out = run(Command::new("ffprobe")
		.args([
			"-v",
			"error",
			"-select_streams",
			"v:0",
			"-show_entries",
			"frame=pts_time",
			"-read_intervals",
			"%+#1",
			"-of",
			"csv=p=0",
		])
		.arg(path));
	out.lines().next().unwrap().trim().trim_end_matches(',').parse().unwrap()
}

#[test]
fn test_pattern_broadcast_writes_signed_segments() {
	let dir = tempfile::tempdir().unwrap();
	run(Command::new(BIN)
		.args([
			"broadcast",
			"--input",
			"testsrc:320x180@30",
			"--segments",
			"3",
			"--seed",
			"//Alice",
			"--bitrate-kbps",
			"500",
			"--out-dir",
		])
		.arg(dir.path()));
	check_segments(dir.path(), 3, false);
}

#[test]
fn file_broadcast_cuts_two_second_segments() {
	let dir = tempfile::tempdir().unwrap();
	// A source whose keyframes (every 5 s) do not allow 2 s cuts: it is re-encoded.
	let source = dir.path().join("source.mp4");
	run(Command::new("ffmpeg")
		.args([
			"-v",
			"error",
			"-y",
			"-f",
			"lavfi",
			"-i",
			"testsrc2=size=320x180:rate=30",
			"-f",
			"lavfi",
			"-i",
			"sine=sample_rate=44100",
			"-t",
			"5",
			"-c:v",
			"libx264",
			"-preset",
			"ultrafast",
			"-g",
			"150",
			"-c:a",
			"aac",
		])
		.arg(&source));
	let out = dir.path().join("out");
	let stderr = broadcast_stderr(
		Command::new(BIN)
			.args(["broadcast", "--bitrate-kbps", "500", "--input"])
			.arg(&source)
			.arg("--out-dir")
			.arg(&out),
	);
	assert!(stderr.contains("3 segments, re-encoded"), "{stderr}");
	check_segments(&out, 3, true);
	assert!((probe(&out.join("2.ts")).duration - 1.0).abs() < 0.05);
}

fn broadcast_stderr(command: &mut Command) -> String {
	let output = command.output().unwrap();
	let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
	assert!(output.status.success(), "{stderr}");
	stderr
}

#[test]
fn file_with_two_second_keyframes_is_cut_without_reencoding() {
	let dir = tempfile::tempdir().unwrap();
	let source = dir.path().join("source.mp4");
	run(Command::new("ffmpeg")
		.args([
			"-v",
			"error",
			"-y",
			"-f",
			"lavfi",
			"-i",
			"testsrc2=size=320x180:rate=30",
			"-f",
			"lavfi",
			"-i",
			"sine=sample_rate=48000",
			"-t",
			"6",
			"-c:v",
			"libx264",
			"-preset",
			"ultrafast",
			"-g",
			"60",
			"-keyint_min",
			"60",
			"-sc_threshold",
			"0",
			"-c:a",
			"aac",
		])
		.arg(&source));
	let out = dir.path().join("out");
	let stderr = broadcast_stderr(
		Command::new(BIN)
			.args(["broadcast", "--input"])
			.arg(&source)
			.arg("--out-dir")
			.arg(&out),
	);
	assert!(stderr.contains("3 segments, copied"), "{stderr}");
	check_segments(&out, 3, false);
	// Copied, not re-encoded: the first segment decodes to exactly the source's first 60 frames.
	let frame_hashes = |path: &Path| -> Vec<String> {
		run(Command::new("ffmpeg").args(["-v", "error", "-i"]).arg(path).args([
			"-map",
			"0:v",
			"-frames:v",
			"60",
			"-f",
			"framemd5",
			"-",
		]))
		.lines()
		.filter(|l| !l.starts_with('#'))
		.map(|l| l.rsplit(',').next().unwrap().trim().to_string())
		.collect()
	};
	let copied = frame_hashes(&out.join("0.ts"));
	assert_eq!(copied.len(), 60);
	assert_eq!(copied, frame_hashes(&source));
}

#[test]
fn looped_file_continues_timestamps_in_real_time() {
	let dir = tempfile::tempdir().unwrap();
	// One source cut by copying (2 s keyframes), one re-encoded (1.5 s keyframes).
	let copyable = make_clip(dir.path(), "two.ts", 320, 180, 30, 2.0);
	let odd_gop = dir.path().join("odd.ts");
	run(Command::new("ffmpeg")
		.args([
			"-v",
			"error",
			"-y",
			"-f",
			"lavfi",
			"-i",
			"testsrc2=size=320x180:rate=30",
			"-f",
			"lavfi",
			"-i",
			"sine=sample_rate=48000",
			"-t",
			"3",
			"-c:v",
			"libx264",
			"-preset",
			"ultrafast",
			"-g",
			"45",
			"-c:a",
			"aac",
			"-f",
			"mpegts",
		])
		.arg(&odd_gop));
	for (source, mode) in [(copyable, "copied"), (odd_gop, "re-encoded")] {
		let out = dir.path().join(format!("out-{mode}"));
		let started = std::time::Instant::now();
		let stderr = broadcast_stderr(
			Command::new(BIN)
				.args([
					"broadcast",
					"--loop",
					"--segments",
					"3",
					"--bitrate-kbps",
					"500",
					"--input",
				])
				.arg(&source)
				.arg("--out-dir")
				.arg(&out),
		);
		assert!(stderr.contains(&format!("3 segments, {mode}")), "{stderr}");
		// Three 2 s segments in real time take at least ~4 s (the last is emitted when complete).
		assert!(started.elapsed().as_secs_f64() > 3.9, "{:?}", started.elapsed());
		check_segments(&out, 3, false);
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_pushes_to_the_transcoder() {
	let dir = tempfile::tempdir().unwrap();
	let mut config = ServerConfig::new(
		dir.path().join("data"),
		sr25519::Pair::from_string("//Bob", None).unwrap(),
	);
	config.ladder = LadderConfig {
		profiles: vec![olc_primitives::Profile::new(b"144p", 256, 144, 120, 30).unwrap()],
		x264: X264Settings::default(),
		segment_seconds: 2,
		tamper: false,
	};
	let (router, _) = server::router(config);
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let base = format!("http://{}", listener.local_addr().unwrap());
	tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

	let stream_hex = "cd".repeat(32);
	let push_base = base.clone();
	let stream_arg = stream_hex.clone();
	let output = tokio::task::spawn_blocking(move || {
		Command::new(BIN)
			.args([
				"broadcast",
				"--input",
				"testsrc:320x180@30",
				"--segments",
				"2",
				"--bitrate-kbps",
				"400",
				"--stream-id",
			])
			.arg(&stream_arg)
			.args(["--push", &push_base])
			.output()
			.unwrap()
	})
	.await
	.unwrap();
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(output.status.success(), "{stderr}");
	// One progress line per accepted segment, and the summary.
	assert_eq!(stderr.matches(&format!(": accepted by {base} in ")).count(), 2, "{stderr}");
	assert!(
		stderr.contains(
			"pushed: 2 segments sent, 2 accepted, 0 refused, 0 given up; push latency p50 "
		),
		"{stderr}"
	);

	let playlist = reqwest::get(format!("{base}/hls/{stream_hex}/144p/index.m3u8"))
		.await
		.unwrap()
		.text()
		.await
		.unwrap();
	assert!(playlist.contains("0.ts") && playlist.contains("1.ts"), "{playlist}");
	let segment = reqwest::get(format!("{base}/hls/{stream_hex}/144p/1.ts"))
		.await
		.unwrap()
		.bytes()
		.await
		.unwrap();
	let path = dir.path().join("pulled.ts");
	std::fs::write(&path, &segment).unwrap();
	let probed = probe(&path);
	assert_eq!((probed.width, probed.height), (256, 144));
	assert!(probed.first_frame_is_key);
}

#[test]
fn broadcast_needs_somewhere_to_send_segments() {
	let run = |args: &[&str]| {
		let output = Command::new(BIN)
			.args(["broadcast", "--input", "testsrc", "--segments", "1"])
			.args(args)
			.output()
			.unwrap();
		(output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
	};
	let (ok, stderr) = run(&[]);
	assert!(
		!ok && stderr.contains("nothing to do: give --rpc or --push, and/or --out-dir"),
		"{stderr}"
	);
	// The chain's stream id is needed to look up its jobs.
	let (ok, stderr) = run(&["--rpc", "ws://127.0.0.1:1"]);
	assert!(!ok && stderr.contains("--stream-id"), "{stderr}");
	let (ok, stderr) = run(&[
		"--rpc",
		"ws://127.0.0.1:1",
		"--push",
		"http://127.0.0.1:1",
		"--stream-id",
		&"ab".repeat(32),
	]);
	assert!(!ok && stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn rtmp_publisher_is_segmented() {
	let dir = tempfile::tempdir().unwrap();
	let source = dir.path().join("source.mp4");
	run(Command::new("ffmpeg")
		.args([
			"-v",
			"error",
			"-y",
			"-f",
			"lavfi",
			"-i",
			"testsrc2=size=320x180:rate=30",
			"-f",
			"lavfi",
			"-i",
			"sine=sample_rate=44100",
			"-t",
			"5",
			"-c:v",
			"libx264",
			"-preset",
			"ultrafast",
			"-g",
			"30",
			"-c:a",
			"aac",
		])
		.arg(&source));
	let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
	let url = format!("rtmp://127.0.0.1:{port}/live/test");
	let out = dir.path().join("out");
	let broadcaster = Command::new(BIN)
		.args(["broadcast", "--bitrate-kbps", "400", "--input", &url, "--out-dir"])
		.arg(&out)
		.stderr(std::process::Stdio::piped())
		.spawn()
		.unwrap();
	// Publish as OBS would (FLV over RTMP), retrying until the listener is up.
	let mut published = false;
	for _ in 0..50 {
		let status = Command::new("ffmpeg")
			.args(["-v", "error", "-i"])
			.arg(&source)
			.args(["-c", "copy", "-f", "flv", &url])
			.status()
			.unwrap();
		if status.success() {
			published = true;
			break;
		}
		std::thread::sleep(std::time::Duration::from_millis(100));
	}
	let output = broadcaster.wait_with_output().unwrap();
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(published, "could not publish: {stderr}");
	assert!(output.status.success(), "{stderr}");
	check_segments(&out, 3, true);
}
