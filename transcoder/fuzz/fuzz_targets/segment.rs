//! The whole path of an untrusted segment, as the service takes it: bytes → SCALE segment
//! header → sniffing → the forced `mpegts` demuxer → codec, frame, size and duration checks →
//! H.264 decoding of every frame (`olc_transcoder::ingest_check::check_fuzz_input`; a fuzz input
//! is a SCALE `SignedSegmentHeader` followed by the segment's bytes). Every input must end in
//! the segment's facts or a named refusal, never a panic or a crash. The stable replay of the
//! corpus and of mutations of it is `tests/fuzz_replay.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use olc_transcoder::{ingest_check, ladder::SegmentLimits};

fuzz_target!(|data: &[u8]| {
	static INIT: std::sync::Once = std::sync::Once::new();
	INIT.call_once(|| {
		olc_transcoder::init_ffmpeg().expect("FFmpeg initialises");
	});
	let scratch = std::env::temp_dir();
	match ingest_check::check_fuzz_input(data, &SegmentLimits::new(), &scratch) {
		Ok(facts) => assert!(facts.frames > 0 && facts.frames <= SegmentLimits::new().max_frames),
		Err(refusal) => assert!(
			ingest_check::MEDIA_REASONS.contains(&refusal.reason)
				|| refusal.reason == "MalformedHeader",
			"unnamed refusal {refusal}"
		),
	}
});
