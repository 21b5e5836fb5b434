//! Soak: a few hundred segments through the ladder, memory stays flat. In its own test
//! binary so no other test shares the process whose memory is measured.

mod common;

use common::*;
use olc_primitives::Profile;
use olc_transcoder::ladder::{LadderConfig, StreamTranscoder};
use olc_transcoder::media::X264Settings;
use std::path::{Path, PathBuf};

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

fn resident_kib() -> u64 {
	std::fs::read_to_string("/proc/self/status")
		.unwrap()
		.lines()
		.find_map(|l| l.strip_prefix("VmRSS:"))
		.and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
		.unwrap()
}

#[test]
fn soak_three_hundred_segments_memory_stays_flat() {
	let dir = tempfile::tempdir().unwrap();
	let d = dir.path();
	let clip = make_clip(d, "long.ts", 160, 90, 30, 120.0);
	let segments = split_segments(d, &clip, "seg");
	assert!(segments.len() >= 59, "{}", segments.len());
	let outs = outputs(d, "soak");
	let mut after_first_pass = 0;
	let mut count = 0;
	for pass in 0..5 {
		// A fresh stream per pass (timestamps restart), so stream teardown is exercised too.
		let mut transcoder = transcoder();
		for segment in segments.iter().take(60) {
			transcoder.transcode_segment(segment, &outs).unwrap();
			count += 1;
		}
		assert_eq!(transcoder.stats().encoders_opened, 2);
		if pass == 0 {
			after_first_pass = resident_kib();
		}
	}
	let growth = resident_kib().saturating_sub(after_first_pass);
	eprintln!("{count} segments, RSS growth after the first pass {growth} KiB");
	assert_eq!(count, 300);
	assert!(growth < 16 * 1024, "RSS grew by {growth} KiB");
}
