//! Bad input: each bad segment gets a clear error, later segments are unaffected, nothing
//! panics, and memory stays flat over a few hundred segments.

mod common;

use common::*;
use olc_primitives::Profile;
use olc_transcoder::ladder::{LadderConfig, StreamTranscoder};
use olc_transcoder::media::{MediaError, X264Settings};
use std::path::{Path, PathBuf};
use std::process::Command;

fn transcoder() -> StreamTranscoder {
	StreamTranscoder::new(LadderConfig {
		profiles: vec![
			Profile::new(b"144p", 256, 144, 120, 30).unwrap(),
			Profile::new(b"72p", 128, 72, 60, 30).unwrap(),
		],
		x264: X264Settings::default(),
		segment_seconds: 2,
		tamper: false,
	})
	.unwrap()
}

fn outputs(dir: &Path, tag: &str) -> Vec<PathBuf> {
	vec![dir.join(format!("{tag}-a.ts")), dir.join(format!("{tag}-b.ts"))]
}

fn ffmpeg(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
	let path = dir.join(name);
	run(Command::new("ffmpeg").args(["-v", "error", "-y"]).args(args).arg(&path));
	path
}

#[test]
fn each_bad_segment_has_its_own_error_and_the_stream_goes_on() {
	let dir = tempfile::tempdir().unwrap();
	let d = dir.path();
	let good = make_clip(d, "good.ts", 320, 180, 30, 1.0);
	let mut transcoder = transcoder();
	transcoder.transcode_segment(&good, &outputs(d, "first")).unwrap();

	let empty = d.join("empty.ts");
	std::fs::write(&empty, b"").unwrap();
	let garbage = d.join("garbage.ts");
	std::fs::write(&garbage, (0..50_000u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<_>>())
		.unwrap();
	let audio_only = ffmpeg(
		d,
		"audio.ts",
		&["-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "1", "-c:a", "aac", "-f", "mpegts"],
	);
	let mp2_audio = ffmpeg(
		d,
		"mp2.ts",
		&[
			"-f",
			"lavfi",
			"-i",
			"testsrc2=size=320x180:rate=30",
			"-f",
			"lavfi",
			"-i",
			"sine=sample_rate=48000",
			"-t",
			"1",
			"-c:v",
			"libx264",
			"-preset",
			"ultrafast",
			"-c:a",
			"mp2",
			"-f",
			"mpegts",
		],
	);
	let huge = ffmpeg(
		d,
		"huge.ts",
		&[
			"-f",
			"lavfi",
			"-i",
			"color=size=5000x3000:rate=30",
			"-frames:v",
			"1",
			"-c:v",
			"libx264",
			"-preset",
			"ultrafast",
			"-f",
			"mpegts",
		],
	);
	let no_frames = d.join("headers-only.ts");
	std::fs::write(&no_frames, &std::fs::read(&good).unwrap()[..188 * 3]).unwrap();

	type Expectation = fn(&MediaError) -> bool;
	let cases: Vec<(&Path, Expectation)> = vec![
		(&empty, |e| matches!(e, MediaError::EmptyInput)),
		(&garbage, |e| matches!(e, MediaError::NotMedia(_))),
		(&audio_only, |e| matches!(e, MediaError::NoVideo)),
		(&mp2_audio, |e| matches!(e, MediaError::UnsupportedAudioCodec(_))),
		(&huge, |e| matches!(e, MediaError::ResolutionTooLarge { width: 5000, height: 3000, .. })),
		(&no_frames, |e| {
			matches!(
				e,
				MediaError::NoVideo | MediaError::NoDecodableFrames | MediaError::NotMedia(_)
			)
		}),
	];
	for (index, (path, expected)) in cases.into_iter().enumerate() {
		let outs = outputs(d, &format!("bad{index}"));
		let error = transcoder.transcode_segment(path, &outs).unwrap_err();
		assert!(expected(&error), "{}: unexpected error {error}", path.display());
		assert!(!error.to_string().is_empty());
		// No partial outputs are left behind.
		assert!(outs.iter().all(|p| !p.exists()), "{}", path.display());
	}

	// The stream still works after all the bad segments.
	let later = make_clip(d, "later.ts", 320, 180, 30, 1.0);
	let result = transcoder.transcode_segment(&later, &outputs(d, "later")).unwrap();
	assert_eq!(result.outputs.len(), 2);
	assert!(decodes_cleanly(&result.outputs[0].path));
}

#[test]
fn truncated_and_corrupted_segments_never_panic() {
	let dir = tempfile::tempdir().unwrap();
	let d = dir.path();
	let good = make_clip(d, "good.ts", 320, 180, 30, 2.0);
	let bytes = std::fs::read(&good).unwrap();
	let mut transcoder = transcoder();

	// Truncated at several points: either a shorter valid output or a clear error.
	for fraction in [0.1, 0.5, 0.9] {
		let cut = d.join(format!("cut{fraction}.ts"));
		std::fs::write(&cut, &bytes[..(bytes.len() as f64 * fraction) as usize]).unwrap();
		let outs = outputs(d, &format!("cut{fraction}"));
		match transcoder.transcode_segment(&cut, &outs) {
			Ok(result) => {
				assert!(result.input_frames > 0);
				for output in &result.outputs {
					assert!(probe(&output.path).first_frame_is_key);
				}
			},
			Err(error) => assert!(!error.to_string().is_empty()),
		}
	}
	// Corrupted in the middle: bytes overwritten, TS framing kept.
	let mut corrupt = bytes.clone();
	for i in (bytes.len() / 3..bytes.len() / 2).filter(|i| i % 188 != 0) {
		corrupt[i] = (i % 253) as u8;
	}
	let corrupt_path = d.join("corrupt.ts");
	std::fs::write(&corrupt_path, &corrupt).unwrap();
	let _ = transcoder.transcode_segment(&corrupt_path, &outputs(d, "corrupt"));

	let result = transcoder.transcode_segment(&good, &outputs(d, "after")).unwrap();
	assert_eq!(result.input_frames, 60);
}
