//! Ladder transcoding against media made by the ffmpeg CLI, checked with ffprobe.

mod common;

use common::*;
use olc_transcoder::ladder::{LadderConfig, SegmentJob, StreamTranscoder};
use olc_transcoder::media::{MediaError, X264Settings};
use std::path::PathBuf;

fn config() -> LadderConfig {
	LadderConfig {
		profiles: test_profiles(),
		x264: X264Settings::default(),
		segment_seconds: 2,
		tamper: false,
	}
}

fn output_paths(dir: &std::path::Path, seq: usize) -> Vec<PathBuf> {
	test_profiles()
		.iter()
		.map(|p| dir.join(format!("{}-{seq}.ts", p.name_str().unwrap())))
		.collect()
}

#[test]
fn ladder_outputs_match_profiles_and_sessions_stay_open() {
	let dir = tempfile::tempdir().unwrap();
	let clip = make_clip(dir.path(), "clip.ts", 640, 360, 30, 6.0);
	let segments = split_segments(dir.path(), &clip, "seg");
	assert_eq!(segments.len(), 3, "{segments:?}");

	let mut transcoder = StreamTranscoder::new(config()).unwrap();
	let expected_sizes = [(640, 360), (640, 360), (426, 240), (256, 144)];
	let mut video_bytes = vec![0u64; 4];
	let mut total_duration = 0.0;
	for (seq, segment) in segments.iter().enumerate() {
		let input = probe(segment);
		let outputs = output_paths(dir.path(), seq);
		let result = transcoder.transcode_segment(segment, &outputs).unwrap();
		assert_eq!(result.input_frames, input.frames);
		assert_eq!((result.input_width, result.input_height), (640, 360));
		total_duration += input.duration;
		for (index, output) in result.outputs.iter().enumerate() {
			let probed = probe(&output.path);
			assert_eq!(probed.codec, "h264");
			// Never upscale: the 720p profile stays at the 640x360 source size.
			assert_eq!(
				(probed.width, probed.height),
				expected_sizes[index],
				"{}",
				output.profile_name
			);
			assert_eq!((output.width, output.height), expected_sizes[index]);
			assert!(
				probed.first_frame_is_key,
				"segment {seq} {} starts with {probed:?}",
				output.profile_name
			);
			assert_eq!(probed.first_frame_type, "I");
			assert_eq!(probed.frames, input.frames, "{}", output.profile_name);
			assert!(
				(probed.duration - input.duration).abs() < 1.0 / 30.0 + 1e-3,
				"{probed:?} vs {input:?}"
			);
			assert!(probed.has_audio, "AAC audio is carried");
			assert!(decodes_cleanly(&output.path), "{} decodes", output.path.display());
			video_bytes[index] += probed.video_bytes;
		}
	}
	// Bitrate over the whole stream within 25% of each profile's target.
	for (profile, bytes) in test_profiles().iter().zip(&video_bytes) {
		let kbps = *bytes as f64 * 8.0 / total_duration / 1000.0;
		let target = f64::from(profile.bitrate_kbps);
		assert!(
			(kbps - target).abs() <= 0.25 * target,
			"{}: {kbps:.0} kbps vs {target}",
			profile.name_str().unwrap()
		);
	}
	// One encoder per rendition for the whole stream: sessions were kept alive.
	let stats = transcoder.stats();
	assert_eq!(stats.encoders_opened, 4);
	assert_eq!(stats.segments, 3);
}

#[test]
fn each_output_segment_decodes_on_its_own() {
	// A middle segment transcoded after others must not depend on earlier output.
	let dir = tempfile::tempdir().unwrap();
	let clip = make_clip(dir.path(), "clip.ts", 320, 180, 30, 4.0);
	let segments = split_segments(dir.path(), &clip, "seg");
	let mut transcoder = StreamTranscoder::new(LadderConfig {
		profiles: vec![olc_primitives::Profile::new(b"144p", 256, 144, 150, 30).unwrap()],
		..config()
	})
	.unwrap();
	for (seq, segment) in segments.iter().enumerate() {
		let out = dir.path().join(format!("out{seq}.ts"));
		transcoder.transcode_segment(segment, std::slice::from_ref(&out)).unwrap();
		// Decoding only this file, from its first byte, must work without errors.
		assert!(decodes_cleanly(&out));
		assert!(probe(&out).first_frame_is_key);
	}
}

#[test]
fn faster_source_is_reduced_to_profile_fps() {
	let dir = tempfile::tempdir().unwrap();
	let clip = make_clip(dir.path(), "clip60.ts", 320, 180, 60, 2.0);
	let mut transcoder = StreamTranscoder::new(LadderConfig {
		profiles: vec![olc_primitives::Profile::new(b"144p", 256, 144, 150, 30).unwrap()],
		..config()
	})
	.unwrap();
	let out = dir.path().join("out.ts");
	let result = transcoder.transcode_segment(&clip, std::slice::from_ref(&out)).unwrap();
	assert_eq!(result.input_frames, 120);
	let probed = probe(&out);
	assert_eq!(probed.frames, 60);
	assert!(decodes_cleanly(&out));
}

#[test]
fn wrong_number_of_output_paths_is_an_error() {
	let dir = tempfile::tempdir().unwrap();
	let clip = make_clip(dir.path(), "clip.ts", 320, 180, 30, 1.0);
	let mut transcoder = StreamTranscoder::new(config()).unwrap();
	let err = transcoder.transcode_segment(&clip, &[dir.path().join("a.ts")]).unwrap_err();
	assert!(matches!(err, MediaError::Mux(_)), "{err}");
}

#[test]
fn aspect_ratio_is_kept_and_the_checker_expects_the_same_size() {
	// A 16:9 rung and 16:9, 4:3 and portrait sources: each fits inside the rung's box without
	// being stretched, and the checker expects exactly that size.
	let dir = tempfile::tempdir().unwrap();
	let rung = olc_primitives::Profile::new(b"240p", 426, 240, 250, 30).unwrap();
	for (width, height, expected) in
		[(640, 360, (426, 240)), (640, 480, (320, 240)), (360, 640, (136, 240))]
	{
		let clip =
			make_clip(dir.path(), &format!("src{width}x{height}.ts"), width, height, 30, 2.0);
		let out = dir.path().join(format!("out{width}x{height}.ts"));
		let mut transcoder =
			StreamTranscoder::new(LadderConfig::with_profiles(vec![rung.clone()])).unwrap();
		let result = transcoder.transcode_segment(&clip, std::slice::from_ref(&out)).unwrap();
		assert_eq!(
			(result.outputs[0].width, result.outputs[0].height),
			expected,
			"{width}x{height}"
		);
		let probed = probe(&out);
		assert_eq!((probed.width, probed.height), expected, "{width}x{height}");
		let report = olc_transcoder::check::check_rendition(&clip, &out, &rung).unwrap();
		assert_eq!((report.expected_width, report.expected_height), expected);
		assert!(report.passed(), "{width}x{height}: {report:?}");
	}
}

/// Issue 16 item 5: the decoder is kept across a stream's segments as the encoders are, and
/// reopened only when the picture changes.
#[test]
fn item5_decoder_kept_across_segments() {
	let dir = tempfile::tempdir().unwrap();
	let clip = make_clip(dir.path(), "clip.ts", 640, 360, 30, 6.0);
	let segments = split_segments(dir.path(), &clip, "seg");
	let mut transcoder = StreamTranscoder::new(config()).unwrap();
	for (seq, segment) in segments.iter().enumerate() {
		let result = transcoder.transcode_segment(segment, &output_paths(dir.path(), seq)).unwrap();
		assert_eq!(result.input_frames, probe(segment).frames);
	}
	assert_eq!(transcoder.stats().decoders_opened, 1);
	assert_eq!(transcoder.stats().segments, 3);
	// Another picture size: a new decoder (and new encoders where the rendition size changes).
	let other = make_clip(dir.path(), "other.ts", 320, 180, 30, 2.0);
	let result = transcoder.transcode_segment(&other, &output_paths(dir.path(), 9)).unwrap();
	assert_eq!((result.input_width, result.input_height), (320, 180));
	assert_eq!(transcoder.stats().decoders_opened, 2);
	// And back: the frames of the kept decoder are those of each segment only.
	let result = transcoder
		.transcode_segment(&segments[1], &output_paths(dir.path(), 10))
		.unwrap();
	assert_eq!(result.input_frames, probe(&segments[1]).frames);
	for output in &result.outputs {
		assert_eq!(probe(&output.path).frames, result.input_frames, "{}", output.profile_name);
	}
}

/// Issue 16 item 5: a batch runs the segments through one pipeline (the next decoded while the
/// last is encoded) and writes what one segment at a time writes: the same renditions, frames
/// and sizes (x264's own threads make the bytes differ from run to run either way); a bad
/// segment in the batch fails alone and leaves no output, and the encoders stay open.
#[test]
fn item5_pipelined_batch_matches_one_at_a_time() {
	let dir = tempfile::tempdir().unwrap();
	let clip = make_clip(dir.path(), "clip.ts", 640, 360, 30, 6.0);
	let segments = split_segments(dir.path(), &clip, "seg");
	let garbage = dir.path().join("garbage.ts");
	std::fs::write(&garbage, vec![0x47u8; 188 * 50]).unwrap();

	std::fs::create_dir_all(dir.path().join("single")).unwrap();
	let mut one_by_one = StreamTranscoder::new(config()).unwrap();
	let mut expected = Vec::new();
	for (seq, segment) in segments.iter().enumerate() {
		let outputs = output_paths(&dir.path().join("single"), seq);
		one_by_one.transcode_segment(segment, &outputs).unwrap();
		expected.push(outputs.iter().map(|p| probe(p)).collect::<Vec<_>>());
	}

	std::fs::create_dir_all(dir.path().join("batch")).unwrap();
	let mut inputs: Vec<PathBuf> = segments.clone();
	inputs.insert(1, garbage);
	let jobs: Vec<SegmentJob> = inputs
		.iter()
		.enumerate()
		.map(|(seq, input)| SegmentJob {
			input: input.clone(),
			outputs: output_paths(&dir.path().join("batch"), seq),
		})
		.collect();
	let mut batch = StreamTranscoder::new(config()).unwrap();
	let results = batch.transcode_segments(&jobs);
	assert_eq!(results.len(), 4);
	assert!(results[1].is_err(), "the garbage segment fails");
	for path in &jobs[1].outputs {
		assert!(!path.exists(), "{} left behind", path.display());
	}
	for ((job, result), want) in
		[(&jobs[0], &results[0]), (&jobs[2], &results[2]), (&jobs[3], &results[3])]
			.into_iter()
			.zip(&expected)
	{
		let result = result.as_ref().unwrap();
		assert_eq!(result.input_frames, want[0].frames);
		for ((path, got), want) in job.outputs.iter().zip(&result.outputs).zip(want) {
			let probed = probe(path);
			assert_eq!((probed.width, probed.height), (want.width, want.height));
			assert_eq!((got.width, got.height), (want.width, want.height));
			assert_eq!(probed.frames, want.frames, "{}", path.display());
			assert!(probed.first_frame_is_key, "{}", path.display());
			let ratio = probed.video_bytes as f64 / want.video_bytes as f64;
			assert!((0.9..=1.1).contains(&ratio), "{}: {ratio}", path.display());
			assert!(decodes_cleanly(path), "{} decodes", path.display());
		}
	}
	assert_eq!(batch.stats().segments, 3);
	assert_eq!(batch.stats().encoders_opened, 4);
	assert_eq!(batch.stats().decoders_opened, 1);
}
