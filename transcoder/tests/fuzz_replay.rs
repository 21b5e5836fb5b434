//! The stable stand-in for the `segment` fuzz target (`fuzz/fuzz_targets/segment.rs`), run in
//! CI. The committed corpus (`fuzz/corpus/segment/`: a SCALE segment header followed by the
//! segment's bytes; real segments made with the ffmpeg CLI and malformed ones) and a bounded
//! number of deterministic mutations and random inputs (fixed seed) go through:
//!
//! - the fuzz target's own entry point, `ingest_check::check_fuzz_input` (header → sniffing →
//!   forced `mpegts` demuxer → codec, frame, size and duration checks → H.264 decoding): every
//!   input ends in facts or a named refusal, and each corpus file in the outcome its name says;
//! - the service, as signed POSTs: each is accepted or refused with a named media reason, never
//!   an `Internal` error or a dead service, and a good stream keeps being served.
//!
//! `cargo test --release -p olc-transcoder --test fuzz_replay -- --ignored regenerate_corpus`
//! rewrites the corpus (needs the ffmpeg CLI with libx264, libx265 and libmp3lame).

mod common;

use codec::Decode;
use common::*;
use olc_primitives::{SignedSegmentHeader, StreamId};
use olc_transcoder::{
	ingest_check::{check_fuzz_input, fuzz_input, MEDIA_REASONS},
	ladder::SegmentLimits,
};
use std::{path::Path, process::Command, time::Instant};

const MUTATIONS: u64 = 300;
const RANDOM_INPUTS: u64 = 100;
const SERVICE_MUTATIONS: u64 = 60;
const SEED: u64 = 0x0123_4567_89ab_cdef;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 >> 12;
		self.0 ^= self.0 << 25;
		self.0 ^= self.0 >> 27;
		self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
	}

	fn below(&mut self, n: usize) -> usize {
		(self.next() % n.max(1) as u64) as usize
	}
}

fn corpus_dir() -> std::path::PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/segment")
}

fn corpus() -> Vec<(String, Vec<u8>)> {
	let dir = corpus_dir();
	let mut files: Vec<_> = std::fs::read_dir(&dir)
		.unwrap()
		.map(|entry| entry.unwrap().path())
		.map(|path| {
			(
				path.file_name().unwrap().to_string_lossy().into_owned(),
				std::fs::read(&path).unwrap(),
			)
		})
		.collect();
	files.sort();
	assert!(files.len() >= 10, "corpus missing in {}", dir.display());
	files
}

/// The outcome each corpus file must have: `Ok` or the named refusal.
fn expected(name: &str) -> Option<&'static str> {
	let stem = name.split('.').next().unwrap_or_default();
	match stem {
		"valid" | "video_only" => None,
		"hevc_video" | "mpeg2_video" | "mp2_audio" | "mp3_audio" => Some("UnsupportedCodec"),
		"mp4_container" | "mkv_container" | "sync_garbage" => Some("UnsupportedContainer"),
		"duration_lie" => Some("DurationMismatch"),
		"too_large_picture" => Some("ResolutionTooLarge"),
		"bad_header" => Some("MalformedHeader"),
		"empty_body" => Some("EmptySegment"),
		"truncated" => Some("any"),
		other => panic!("corpus file {other} has no expected outcome; add it to `expected`"),
	}
}

/// The length of the SCALE header at the start of a fuzz input (0 if none decodes).
fn header_len(input: &[u8]) -> usize {
	let mut rest = input;
	match SignedSegmentHeader::decode(&mut rest) {
		Ok(_) => input.len() - rest.len(),
		Err(_) => 0,
	}
}

/// One to eight mutations; most keep the body's 188-byte sync bytes so the bytes reach the
/// demuxer; one in eight touches the header instead.
fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
	let start = header_len(input);
	let mut header = input[..start].to_vec();
	let mut bytes = input[start..].to_vec();
	if !header.is_empty() && rng.below(8) == 0 {
		let at = rng.below(header.len());
		header[at] ^= 1 << rng.below(8);
		if rng.below(2) == 0 {
			header.truncate(at);
		}
	}
	for _ in 0..=rng.below(8) {
		if bytes.is_empty() {
			break;
		}
		let at = rng.below(bytes.len());
		match rng.below(6) {
			0 | 1 => {
				if !at.is_multiple_of(188) {
					bytes[at] ^= 1 << rng.below(8);
				}
			},
			2 => {
				if !at.is_multiple_of(188) {
					bytes[at] = rng.next() as u8;
				}
			},
			3 => bytes.truncate((at / 188).max(1) * 188),
			4 => {
				// Duplicate or move a whole packet.
				let packets = bytes.len() / 188;
				if packets > 1 {
					let from = rng.below(packets) * 188;
					let packet = bytes[from..from + 188].to_vec();
					let to = rng.below(packets) * 188;
					bytes.splice(to..to, packet);
				}
			},
			_ => {
				let end = (at + rng.below(400)).min(bytes.len());
				for (index, byte) in bytes[at..end].iter_mut().enumerate() {
					if !(at + index).is_multiple_of(188) {
						*byte = 0;
					}
				}
			},
		}
	}
	header.extend_from_slice(&bytes);
	header
}

/// Random bytes: a random length, sometimes with sync bytes every 188 so they reach FFmpeg.
fn random_input(rng: &mut Rng, header: &[u8]) -> Vec<u8> {
	let length = rng.below(188 * 40);
	let mut bytes: Vec<u8> = (0..length).map(|_| rng.next() as u8).collect();
	if rng.below(2) == 0 {
		for packet in bytes.chunks_mut(188) {
			packet[0] = 0x47;
		}
	}
	if rng.below(2) == 0 {
		let mut framed = header.to_vec();
		framed.extend_from_slice(&bytes);
		return framed;
	}
	bytes
}

#[test]
fn item1_fuzz_replay_through_the_fuzz_entry_point() {
	olc_transcoder::init_ffmpeg().unwrap();
	let scratch = tempfile::tempdir().unwrap();
	let limits = SegmentLimits::new();
	let corpus = corpus();
	let started = Instant::now();
	for (name, input) in &corpus {
		let outcome = check_fuzz_input(input, &limits, scratch.path());
		match (expected(name), &outcome) {
			(None, Ok(facts)) => assert!(facts.frames > 0, "{name}: {facts:?}"),
			(None, Err(refusal)) => panic!("{name} refused: {refusal}"),
			(Some("any"), Ok(_)) => {},
			(Some("any"), Err(refusal)) => {
				assert!(MEDIA_REASONS.contains(&refusal.reason), "{name}: {refusal}")
			},
			(Some(reason), Err(refusal)) => assert_eq!(refusal.reason, reason, "{name}: {refusal}"),
			(Some(reason), Ok(facts)) => panic!("{name} accepted ({facts:?}); expected {reason}"),
		}
	}
	let mut rng = Rng(SEED);
	let header = &corpus.iter().find(|(name, _)| name.starts_with("valid")).unwrap().1;
	let header = header[..header_len(header)].to_vec();
	let mut outcomes = std::collections::BTreeMap::<&'static str, u32>::new();
	for case in 0..MUTATIONS + RANDOM_INPUTS {
		let input = if case < MUTATIONS {
			let pick = rng.below(corpus.len());
			mutate(&mut rng, &corpus[pick].1)
		} else {
			random_input(&mut rng, &header)
		};
		let reason = match check_fuzz_input(&input, &limits, scratch.path()) {
			Ok(facts) => {
				assert!(
					facts.frames > 0 && facts.frames <= limits.max_frames,
					"case {case}: {facts:?}"
				);
				"accepted"
			},
			Err(refusal) => {
				assert!(
					MEDIA_REASONS.contains(&refusal.reason) || refusal.reason == "MalformedHeader",
					"case {case}: {refusal}"
				);
				refusal.reason
			},
		};
		*outcomes.entry(reason).or_default() += 1;
	}
	println!("{} inputs in {:?}: {outcomes:?}", MUTATIONS + RANDOM_INPUTS, started.elapsed());
	// The mutations reach past the sniffing: some decode, some are refused by the demuxer or the
	// checks.
	assert!(outcomes.get("accepted").copied().unwrap_or(0) > 0, "{outcomes:?}");
	assert!(outcomes.len() >= 4, "{outcomes:?}");
	assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), 0, "scratch files left behind");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item1_fuzz_replay_through_the_service() {
	let dir = tempfile::tempdir().unwrap();
	let mut config = service_config(dir.path().join("data"), vec![profile("72p", 128, 72, 100)]);
	config.max_streams = 1000;
	config.max_segments_per_duration = 1000.0;
	let service = start_service(config).await;
	let corpus = corpus();
	let mut rng = Rng(SEED ^ 1);
	let mut cases: Vec<(String, Vec<u8>)> = corpus.clone();
	for case in 0..SERVICE_MUTATIONS {
		let (name, input) = &corpus[rng.below(corpus.len())];
		cases.push((format!("mutation {case} of {name}"), mutate(&mut rng, input)));
	}
	let mut outcomes = std::collections::BTreeMap::<String, u32>::new();
	let good = corpus.iter().find(|(name, _)| name.starts_with("valid")).unwrap().1.clone();
	let good_body = good[header_len(&good)..].to_vec();
	let good_stream = StreamId([0xee; 32]);
	let mut good_seq = 0;
	for (index, (name, input)) in cases.iter().enumerate() {
		// The body after the header (the header is signed again for it: the service checks the
		// signature and hash, which the fuzz entry point skips).
		let start = header_len(input);
		let Ok(declared) = SignedSegmentHeader::decode(&mut &input[..start]) else { continue };
		let body = input[start..].to_vec();
		// A stream per case, so the sequence rules never interfere.
		let mut id = [0u8; 32];
		id[..8].copy_from_slice(&(index as u64).to_le_bytes());
		let stream = StreamId(id);
		let header = SignedSegmentHeader::sign(
			&pair("//Alice"),
			stream,
			0,
			declared.header.duration_ms,
			&body,
		);
		let (status, text) = post_segment(&service.base, stream, 0, body, Some(&header)).await;
		// Forget the stream (and its encoder sessions) at once.
		service.state.evict_idle_streams(std::time::Duration::ZERO);
		let reason = if status == 200 {
			"accepted".to_string()
		} else {
			text.split(':').next().unwrap_or_default().to_string()
		};
		*outcomes.entry(reason.clone()).or_default() += 1;
		if status != 200 {
			assert!(MEDIA_REASONS.contains(&reason.as_str()), "{name}: {status} {text}");
		}
		if !name.starts_with("mutation") {
			match expected(name) {
				None => assert_eq!(status, 200, "{name}: {text}"),
				Some("any") => {},
				Some(expected) => assert_eq!(reason, expected, "{name}: {text}"),
			}
		}
		// A good stream keeps being served between the hostile ones.
		if index % 10 == 0 {
			let header =
				SignedSegmentHeader::sign(&pair("//Alice"), good_stream, good_seq, 500, &good_body);
			let (status, text) = post_segment(
				&service.base,
				good_stream,
				good_seq,
				good_body.clone(),
				Some(&header),
			)
			.await;
			assert_eq!(status, 200, "good stream after {name}: {text}");
			good_seq += 1;
		}
	}
	println!("outcomes: {outcomes:?}");
	let counts = service.state.refusal_counts();
	assert!(counts.iter().all(|(reason, _)| *reason != "Internal"), "{counts:?}");
}

/// Rewrites `fuzz/corpus/segment/` (run by hand; see the module docs).
#[test]
#[ignore]
fn regenerate_corpus() {
	let dir = corpus_dir();
	let media = tempfile::tempdir().unwrap();
	let m = media.path();
	let alice = pair("//Alice");
	let stream = StreamId([0x5e; 32]);
	let write = |name: &str, duration_ms: u32, body: &[u8]| {
		let header = SignedSegmentHeader::sign(&alice, stream, 0, duration_ms, body);
		std::fs::write(dir.join(name), fuzz_input(&header, body)).unwrap();
	};
	let clip = |name: &str, video: &str, seconds: &str, args: &[&str]| -> Vec<u8> {
		let path = m.join(name);
		run(Command::new("ffmpeg")
			.args(["-v", "error", "-y", "-f", "lavfi", "-i", video])
			.args(["-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", seconds, "-shortest"])
			.args(args)
			.arg(&path));
		std::fs::read(path).unwrap()
	};
	let small = "testsrc2=size=160x90:rate=30";
	let h264 = [
		"-c:v",
		"libx264",
		"-preset",
		"ultrafast",
		"-pix_fmt",
		"yuv420p",
		"-g",
		"30",
		"-b:v",
		"200k",
	];
	let ts_aac = ["-c:a", "aac", "-b:a", "32k", "-f", "mpegts"];
	let valid = clip("valid.ts", small, "0.5", &[&h264[..], &ts_aac[..]].concat());
	write("valid.ts", 500, &valid);
	write(
		"video_only.ts",
		500,
		&clip("video_only.ts", small, "0.5", &[&h264[..], &["-an", "-f", "mpegts"]].concat()),
	);
	write(
		"hevc_video.ts",
		500,
		&clip(
			"hevc.ts",
			small,
			"0.5",
			&[
				"-c:v",
				"libx265",
				"-preset",
				"ultrafast",
				"-x265-params",
				"log-level=error",
				"-c:a",
				"aac",
				"-b:a",
				"32k",
				"-f",
				"mpegts",
			],
		),
	);
	write(
		"mpeg2_video.ts",
		300,
		&clip(
			"mpeg2.ts",
			small,
			"0.3",
			&["-c:v", "mpeg2video", "-c:a", "aac", "-b:a", "32k", "-f", "mpegts"],
		),
	);
	write(
		"mp2_audio.ts",
		300,
		&clip("mp2.ts", small, "0.3", &[&h264[..], &["-c:a", "mp2", "-f", "mpegts"]].concat()),
	);
	write(
		"mp3_audio.ts",
		300,
		&clip(
			"mp3.ts",
			small,
			"0.3",
			&[&h264[..], &["-c:a", "libmp3lame", "-b:a", "32k", "-f", "mpegts"]].concat(),
		),
	);
	write(
		"mp4_container.mp4",
		300,
		&clip(
			"clip.mp4",
			small,
			"0.3",
			&[&h264[..], &["-c:a", "aac", "-b:a", "32k", "-f", "mp4"]].concat(),
		),
	);
	write(
		"mkv_container.mkv",
		300,
		&clip(
			"clip.mkv",
			small,
			"0.3",
			&[&h264[..], &["-c:a", "aac", "-b:a", "32k", "-f", "matroska"]].concat(),
		),
	);
	// 4 s of media whose header claims 0.5 s.
	write(
		"duration_lie.ts",
		500,
		&clip(
			"long.ts",
			"testsrc2=size=64x36:rate=10",
			"4",
			&[
				"-c:v",
				"libx264",
				"-preset",
				"ultrafast",
				"-pix_fmt",
				"yuv420p",
				"-g",
				"40",
				"-b:v",
				"20k",
				"-an",
				"-f",
				"mpegts",
			],
		),
	);
	// One frame above the default 1920x1080 box.
	write(
		"too_large_picture.ts",
		100,
		&clip(
			"big.ts",
			"color=c=gray:size=2048x1152:rate=10",
			"0.1",
			&[
				"-c:v",
				"libx264",
				"-preset",
				"ultrafast",
				"-pix_fmt",
				"yuv420p",
				"-an",
				"-f",
				"mpegts",
			],
		),
	);
	// Malformed: sync bytes around garbage, a cut-off segment, a header that does not decode, no body.
	let mut garbage = vec![0x5a_u8; 188 * 20];
	for packet in garbage.chunks_mut(188) {
		packet[0] = 0x47;
	}
	write("sync_garbage.ts", 500, &garbage);
	write("truncated.ts", 500, &valid[..188 * 20]);
	// Shorter than a header (172 bytes): does not decode.
	std::fs::write(dir.join("bad_header.ts"), &valid[..100]).unwrap();
	write("empty_body.ts", 500, &[]);
}
