//! A stable stand-in for fuzzing the ingest path: the committed corpus
//! (`fuzz/corpus/segment/`: small valid and broken MPEG-TS files) and 200 deterministic
//! mutations of it (fixed seed) go through the service's own entry point, a signed POST
//! (sniffing, demuxing with `mpegts` only, decoding, limits, transcoding). Each must be
//! accepted or refused with a named media reason; never a panic, an `Internal` error or a
//! dead service.

mod common;

use common::*;
use olc_primitives::{SignedSegmentHeader, StreamId};
use std::path::Path;

/// Reasons a media problem may be refused with.
const MEDIA_REASONS: [&str; 7] = [
	"UnsupportedContainer",
	"UnsupportedCodec",
	"ResolutionTooLarge",
	"TooManyFrames",
	"DurationMismatch",
	"Untranscodable",
	"EmptySegment",
];
const CASES: u64 = 200;
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

fn corpus() -> Vec<(String, Vec<u8>)> {
	let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/segment");
	let mut files: Vec<_> = std::fs::read_dir(&dir)
		.unwrap()
		.map(|entry| entry.unwrap().path())
		.map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap()))
		.collect();
	files.sort();
	assert!(files.len() >= 5, "corpus missing in {}", dir.display());
	files
}

/// One to eight mutations; most keep the 188-byte sync bytes so the bytes reach the demuxer.
fn mutate(rng: &mut Rng, mut bytes: Vec<u8>) -> Vec<u8> {
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
	bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_and_mutations_get_a_receipt_or_a_named_refusal() {
	let dir = tempfile::tempdir().unwrap();
	let mut config = service_config(dir.path().join("data"), vec![profile("72p", 128, 72, 100)]);
	config.max_streams = 1000;
	config.retention = std::time::Duration::from_secs(3600);
	let service = start_service(config).await;
	let corpus = corpus();
	let mut rng = Rng(SEED);
	let mut cases: Vec<(String, Vec<u8>)> = corpus.clone();
	for case in 0..CASES {
		let (name, bytes) = &corpus[rng.below(corpus.len())];
		cases.push((format!("mutation {case} of {name}"), mutate(&mut rng, bytes.clone())));
	}
	let mut accepted = 0;
	let mut outcomes = std::collections::BTreeMap::<String, u32>::new();
	for (index, (name, body)) in cases.iter().enumerate() {
		// A stream per case, so the sequence rules never interfere.
		let mut id = [0u8; 32];
		id[..8].copy_from_slice(&(index as u64).to_le_bytes());
		let stream = StreamId(id);
		let header = SignedSegmentHeader::sign(&pair("//Alice"), stream, 0, 500, body);
		let (status, text) = post_segment(&service.base, stream, 0, body.clone(), Some(&header)).await;
		// Forget the stream (and its encoder sessions) at once: 200 of them would be a lot.
		service.state.evict_idle_streams(std::time::Duration::ZERO);
		let outcome = if status == 200 { "accepted".to_string() } else { text.split(':').next().unwrap_or_default().to_string() };
		*outcomes.entry(outcome).or_default() += 1;
		if status == 200 {
			accepted += 1;
			continue;
		}
		let reason = text.split(':').next().unwrap_or_default();
		assert!(MEDIA_REASONS.contains(&reason), "{name}: {status} {text}");
		match name.as_str() {
			"mp2_audio.ts" | "mpeg2_video.ts" => assert_eq!(reason, "UnsupportedCodec", "{name}: {text}"),
			"valid.ts" | "video_only.ts" => panic!("{name} refused: {text}"),
			_ => {},
		}
	}
	println!("outcomes: {outcomes:?}");
	assert!(accepted >= 2, "{outcomes:?}");
	// Still serving: the first corpus file goes through again on a fresh stream.
	let body = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/segment/valid.ts")).unwrap();
	let stream = StreamId([0xee; 32]);
	let header = SignedSegmentHeader::sign(&pair("//Alice"), stream, 0, 500, &body);
	let (status, text) = post_segment(&service.base, stream, 0, body, Some(&header)).await;
	assert_eq!(status, 200, "{text}");
}
