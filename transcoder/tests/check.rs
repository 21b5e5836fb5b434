//! The content checker: an honest ladder output passes; each kind of dishonest output fails
//! with its own reason. Dishonest outputs are made with the ffmpeg CLI.

mod common;

use common::*;
use olc_primitives::Profile;
use olc_transcoder::check::{check_rendition, CheckFailure};
use olc_transcoder::ladder::{LadderConfig, StreamTranscoder};
use olc_transcoder::media::X264Settings;
use std::path::{Path, PathBuf};
use std::process::Command;

fn profile() -> Profile {
	Profile::new(b"240p", 426, 240, 250, 30).unwrap()
}

/// An input segment and our honest 240p rendition of it.
fn honest_pair(dir: &Path) -> (PathBuf, PathBuf) {
	let input = make_clip(dir, "input.ts", 640, 360, 30, 2.0);
	let output = dir.join("honest.ts");
	let mut transcoder = StreamTranscoder::new(LadderConfig {
		profiles: vec![profile()],
		x264: X264Settings::default(),
		segment_seconds: 2,
		tamper: false,
	})
	.unwrap();
	transcoder.transcode_segment(&input, std::slice::from_ref(&output)).unwrap();
	(input, output)
}

/// Re-encodes `input` with extra ffmpeg arguments (video filter, bitrate, ...).
fn ffmpeg_variant(dir: &Path, input: &Path, name: &str, args: &[&str]) -> PathBuf {
	let output = dir.join(name);
	run(Command::new("ffmpeg")
		.args(["-v", "error", "-y", "-i"])
		.arg(input)
		.args(args)
		.args(["-c:v", "libx264", "-preset", "veryfast", "-c:a", "copy", "-f", "mpegts"])
		.arg(&output));
	output
}

fn failures(input: &Path, output: &Path) -> Vec<CheckFailure> {
	let report = check_rendition(input, output, &profile()).unwrap();
	eprintln!("{report:?}");
	report.failures
}

#[test]
fn honest_rendition_passes() {
	let dir = tempfile::tempdir().unwrap();
	let (input, output) = honest_pair(dir.path());
	let report = check_rendition(&input, &output, &profile()).unwrap();
	assert!(report.passed(), "{report:?}");
	assert_eq!((report.output_width, report.output_height), (426, 240));
	assert!(report.mean_ssim > 0.88, "{report:?}");
	assert_eq!(report.frames_compared, 12);
}

#[test]
fn honest_ffmpeg_rendition_passes_too() {
	// An independent honest encoder (the ffmpeg CLI at the profile's bitrate) must pass.
	let dir = tempfile::tempdir().unwrap();
	let input = make_clip(dir.path(), "input.ts", 640, 360, 30, 2.0);
	let output =
		ffmpeg_variant(dir.path(), &input, "cli.ts", &["-vf", "scale=426:240", "-b:v", "250k"]);
	assert_eq!(failures(&input, &output), vec![]);
}

#[test]
fn wrong_resolution_fails() {
	let dir = tempfile::tempdir().unwrap();
	let (input, _) = honest_pair(dir.path());
	let output =
		ffmpeg_variant(dir.path(), &input, "small.ts", &["-vf", "scale=320:180", "-b:v", "250k"]);
	let found = failures(&input, &output);
	assert!(
		found.iter().any(|f| matches!(
			f,
			CheckFailure::WrongResolution { actual_width: 320, actual_height: 180, .. }
		)),
		"{found:?}"
	);
}

#[test]
fn other_content_fails() {
	let dir = tempfile::tempdir().unwrap();
	let (input, _) = honest_pair(dir.path());
	// Same size, rate and length, different picture (mandelbrot instead of testsrc2).
	let output = dir.path().join("other.ts");
	run(Command::new("ffmpeg")
		.args([
			"-v",
			"error",
			"-y",
			"-f",
			"lavfi",
			"-i",
			"mandelbrot=size=426x240:rate=30",
			"-t",
			"2",
			"-c:v",
			"libx264",
			"-preset",
			"veryfast",
			"-pix_fmt",
			"yuv420p",
			"-b:v",
			"250k",
			"-f",
			"mpegts",
		])
		.arg(&output));
	let found = failures(&input, &output);
	assert!(found.iter().any(|f| matches!(f, CheckFailure::PictureMismatch { .. })), "{found:?}");
}

#[test]
fn black_frames_fail() {
	let dir = tempfile::tempdir().unwrap();
	let (input, _) = honest_pair(dir.path());
	let output = ffmpeg_variant(
		dir.path(),
		&input,
		"black.ts",
		&["-vf", "scale=426:240,drawbox=color=black:t=fill", "-b:v", "250k"],
	);
	let found = failures(&input, &output);
	assert!(found.iter().any(|f| matches!(f, CheckFailure::PictureMismatch { .. })), "{found:?}");
}

#[test]
fn truncated_output_fails() {
	let dir = tempfile::tempdir().unwrap();
	let (input, _) = honest_pair(dir.path());
	let output = ffmpeg_variant(
		dir.path(),
		&input,
		"short.ts",
		&["-vf", "scale=426:240", "-b:v", "250k", "-t", "1.2"],
	);
	let found = failures(&input, &output);
	assert!(found.iter().any(|f| matches!(f, CheckFailure::DurationMismatch { .. })), "{found:?}");
}

#[test]
fn far_too_low_bitrate_fails() {
	let dir = tempfile::tempdir().unwrap();
	let (input, _) = honest_pair(dir.path());
	let output = ffmpeg_variant(
		dir.path(),
		&input,
		"starved.ts",
		&["-vf", "scale=426:240", "-b:v", "20k", "-maxrate", "20k", "-bufsize", "40k"],
	);
	let found = failures(&input, &output);
	assert!(found.iter().any(|f| matches!(f, CheckFailure::BitrateTooLow { .. })), "{found:?}");
}

#[test]
fn wrong_frame_rate_fails() {
	let dir = tempfile::tempdir().unwrap();
	let (input, _) = honest_pair(dir.path());
	let output = ffmpeg_variant(
		dir.path(),
		&input,
		"15fps.ts",
		&["-vf", "scale=426:240", "-r", "15", "-b:v", "250k"],
	);
	let found = failures(&input, &output);
	assert!(found.iter().any(|f| matches!(f, CheckFailure::WrongFrameRate { .. })), "{found:?}");
}

#[test]
fn garbage_output_is_reported_undecodable() {
	let dir = tempfile::tempdir().unwrap();
	let (input, _) = honest_pair(dir.path());
	let output = dir.path().join("garbage.ts");
	std::fs::write(&output, vec![0x5a; 4096]).unwrap();
	let found = failures(&input, &output);
	assert!(matches!(found.as_slice(), [CheckFailure::Undecodable(_)]), "{found:?}");
}

#[test]
fn tampered_rendition_fails_on_the_picture_alone() {
	// The defence tests' fault: the ladder encodes the inverted picture. Size, frame rate,
	// duration and bitrate are those of an honest rendition; only the picture check fails.
	let dir = tempfile::tempdir().unwrap();
	let (input, honest) = honest_pair(dir.path());
	assert!(check_rendition(&input, &honest, &profile()).unwrap().passed());
	let tampered = dir.path().join("tampered.ts");
	let mut transcoder = StreamTranscoder::new(LadderConfig {
		tamper: true,
		..LadderConfig::with_profiles(vec![profile()])
	})
	.unwrap();
	transcoder.transcode_segment(&input, std::slice::from_ref(&tampered)).unwrap();
	assert!(decodes_cleanly(&tampered));
	let report = check_rendition(&input, &tampered, &profile()).unwrap();
	eprintln!("{report:?}");
	assert_eq!((report.output_width, report.output_height), (426, 240));
	assert!(!report.failures.is_empty());
	assert!(
		report
			.failures
			.iter()
			.all(|f| matches!(f, CheckFailure::PictureMismatch { .. })),
		"{report:?}"
	);
	assert!(report.mean_ssim < 0.5, "{report:?}");
}

#[test]
fn check_cli_exit_codes() {
	let dir = tempfile::tempdir().unwrap();
	let input = make_clip(dir.path(), "input.ts", 640, 360, 30, 2.0);
	let honest = dir.path().join("out");
	let bin = env!("CARGO_BIN_EXE_olc-transcoder");
	run(Command::new(bin)
		.args(["transcode", "--input"])
		.arg(&input)
		.arg("--out-dir")
		.arg(&honest));
	let status = |output: &Path| {
		Command::new(bin)
			.args(["check", "--profile", "240p", "--input"])
			.arg(&input)
			.arg("--output")
			.arg(output)
			.status()
			.unwrap()
			.code()
	};
	assert_eq!(status(&honest.join("240p.ts")), Some(0));
	assert_eq!(status(&honest.join("360p.ts")), Some(1), "a 360p output is not an honest 240p one");
	assert_eq!(status(&dir.path().join("missing.ts")), Some(1));
}

#[test]
fn segment_check_runs_the_container_checks_on_every_rendition_and_the_picture_on_the_chosen_ones() {
	use olc_transcoder::check::{check_segment, RenditionToCheck, Sampling};
	let dir = tempfile::tempdir().unwrap();
	let (input, honest) = honest_pair(dir.path());
	let small =
		ffmpeg_variant(dir.path(), &input, "small.ts", &["-vf", "scale=320:180", "-b:v", "250k"]);
	let tampered = dir.path().join("tampered.ts");
	StreamTranscoder::new(LadderConfig {
		tamper: true,
		..LadderConfig::with_profiles(vec![profile()])
	})
	.unwrap()
	.transcode_segment(&input, std::slice::from_ref(&tampered))
	.unwrap();
	let profile = profile();
	let check = |outputs: &[(&Path, bool)], sampling| {
		let renditions: Vec<RenditionToCheck> = outputs
			.iter()
			.map(|&(output, picture)| RenditionToCheck { output, profile: &profile, picture })
			.collect();
		check_segment(&input, &renditions, sampling).unwrap()
	};
	let seed = Sampling::Seeded([7; 32]);

	// The tampered picture is caught where it is compared, and only there.
	let reports = check(&[(&honest, true), (&tampered, true)], seed);
	assert!(reports[0].passed(), "{:?}", reports[0]);
	assert_eq!(reports[0].frames_compared, 12);
	assert!(
		matches!(reports[1].failures.as_slice(), [CheckFailure::PictureMismatch { .. }]),
		"{:?}",
		reports[1]
	);
	let reports = check(&[(&honest, true), (&tampered, false)], seed);
	assert!(reports[1].passed() && !reports[1].picture_checked && reports[1].frames_compared == 0);

	// Size, rate and duration are checked on every rendition, pictured or not.
	let reports = check(&[(&small, false), (&honest, true)], Sampling::Spread);
	assert!(
		reports[0]
			.failures
			.iter()
			.any(|f| matches!(f, CheckFailure::WrongResolution { actual_width: 320, .. })),
		"{:?}",
		reports[0]
	);
	assert!(reports[1].passed());
}

// Issue 16 item 3: each kind of dishonest rendition the checker must reject, made with the
// ffmpeg CLI from the same input as the honest one (audio copied unless the case drops it).

fn has(found: &[CheckFailure], what: impl Fn(&CheckFailure) -> bool) -> bool {
	found.iter().any(what)
}

#[test]
fn item3_grayscale_rendition_fails_on_colour() {
	let dir = tempfile::tempdir().unwrap();
	let (input, _) = honest_pair(dir.path());
	let output = ffmpeg_variant(
		dir.path(),
		&input,
		"gray.ts",
		&["-vf", "scale=426:240,hue=s=0", "-b:v", "250k"],
	);
	let found = failures(&input, &output);
	assert!(has(&found, |f| matches!(f, CheckFailure::ColourMismatch { .. })), "{found:?}");
}

#[test]
fn item3_colour_shifted_rendition_fails_on_colour() {
	let dir = tempfile::tempdir().unwrap();
	let (input, _) = honest_pair(dir.path());
	let output = ffmpeg_variant(
		dir.path(),
		&input,
		"hue.ts",
		&["-vf", "scale=426:240,hue=h=60", "-b:v", "250k"],
	);
	let found = failures(&input, &output);
	assert!(has(&found, |f| matches!(f, CheckFailure::ColourMismatch { .. })), "{found:?}");
	// A tint that keeps the luma exactly: only the colour check can see it.
	let output = ffmpeg_variant(
		dir.path(),
		&input,
		"tint.ts",
		&["-vf", "scale=426:240,lutyuv=u=val+24:v=val-24", "-b:v", "250k"],
	);
	let found = failures(&input, &output);
	assert!(has(&found, |f| matches!(f, CheckFailure::ColourMismatch { .. })), "{found:?}");
	assert!(!has(&found, |f| matches!(f, CheckFailure::PictureMismatch { .. })), "{found:?}");
}

#[test]
fn item3_audio_dropped_or_replaced_fails() {
	let dir = tempfile::tempdir().unwrap();
	let (input, _) = honest_pair(dir.path());
	let output = ffmpeg_variant(
		dir.path(),
		&input,
		"mute.ts",
		&["-vf", "scale=426:240", "-b:v", "250k", "-an"],
	);
	assert_eq!(failures(&input, &output), vec![CheckFailure::AudioMissing]);
	// Re-encoded audio of the same sound passes; silence in its place does not.
	let reencoded = dir.path().join("aac.ts");
	run(Command::new("ffmpeg")
		.args(["-v", "error", "-y", "-i"])
		.arg(&input)
		.args([
			"-vf",
			"scale=426:240",
			"-c:v",
			"libx264",
			"-preset",
			"veryfast",
			"-b:v",
			"250k",
			"-c:a",
			"aac",
			"-b:a",
			"64k",
			"-f",
			"mpegts",
		])
		.arg(&reencoded));
	assert_eq!(failures(&input, &reencoded), vec![]);
	let silent = dir.path().join("silent.ts");
	run(Command::new("ffmpeg")
		.args(["-v", "error", "-y", "-i"])
		.arg(&input)
		.args([
			"-f",
			"lavfi",
			"-i",
			"anullsrc=r=48000:cl=stereo",
			"-map",
			"0:v",
			"-map",
			"1:a",
			"-t",
			"2",
			"-vf",
			"scale=426:240",
			"-c:v",
			"libx264",
			"-preset",
			"veryfast",
			"-b:v",
			"250k",
			"-c:a",
			"aac",
			"-f",
			"mpegts",
		])
		.arg(&silent));
	let found = failures(&input, &silent);
	assert!(matches!(found.as_slice(), [CheckFailure::AudioMismatch(_)]), "{found:?}");
}

#[test]
fn item3_padded_rendition_fails_the_floor_on_picture_bytes() {
	// A starved picture (quantizer 51, the coarsest) padded with filler NAL units up to the
	// profile's bitrate: the container sees ~250 kbps, the picture bytes are far below.
	let dir = tempfile::tempdir().unwrap();
	let (input, _) = honest_pair(dir.path());
	let output = ffmpeg_variant(
		dir.path(),
		&input,
		"padded.ts",
		&[
			"-vf",
			"scale=426:240",
			"-b:v",
			"250k",
			"-minrate",
			"250k",
			"-maxrate",
			"250k",
			"-bufsize",
			"250k",
			"-x264-params",
			"nal-hrd=cbr:qpmin=51",
		],
	);
	let report = check_rendition(&input, &output, &profile()).unwrap();
	eprintln!("{report:?}");
	assert!(report.output_kbps > 200.0, "{report:?}");
	assert!(
		has(&report.failures, |f| matches!(f, CheckFailure::BitrateTooLow { .. })),
		"{report:?}"
	);
}

#[test]
fn item3_over_bitrate_rendition_fails_the_ceiling() {
	let dir = tempfile::tempdir().unwrap();
	let (input, _) = honest_pair(dir.path());
	let output = ffmpeg_variant(
		dir.path(),
		&input,
		"fat.ts",
		&[
			"-vf",
			"scale=426:240",
			"-b:v",
			"1500k",
			"-minrate",
			"1500k",
			"-maxrate",
			"1500k",
			"-bufsize",
			"1500k",
			"-x264-params",
			"nal-hrd=cbr",
		],
	);
	let found = failures(&input, &output);
	assert!(has(&found, |f| matches!(f, CheckFailure::BitrateTooHigh { .. })), "{found:?}");
}

#[test]
fn item3_frame_duplicated_rendition_fails() {
	// 15 fps sent as 30: every other frame repeats the previous one.
	let dir = tempfile::tempdir().unwrap();
	let (input, _) = honest_pair(dir.path());
	let output = ffmpeg_variant(
		dir.path(),
		&input,
		"dup.ts",
		&["-vf", "scale=426:240,fps=15,fps=30", "-b:v", "250k"],
	);
	let found = failures(&input, &output);
	assert!(has(&found, |f| matches!(f, CheckFailure::RepeatedFrames { .. })), "{found:?}");
	// A frozen picture: one frame repeated for the whole segment.
	let output = ffmpeg_variant(
		dir.path(),
		&input,
		"frozen.ts",
		&["-vf", "scale=426:240,trim=end_frame=1,tpad=stop=59:stop_mode=clone", "-b:v", "250k"],
	);
	let found = failures(&input, &output);
	assert!(has(&found, |f| matches!(f, CheckFailure::RepeatedFrames { .. })), "{found:?}");
}
