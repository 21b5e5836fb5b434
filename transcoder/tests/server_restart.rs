//! Restart safety: a new service process on the same data dir serves stored segments and
//! receipts, answers retried segments with their stored receipts, and lists them for claims.

mod common;

use common::*;
use olc_primitives::{blake2_256, SignedSegmentHeader, StreamId};
use olc_transcoder::server::{load_receipt, stored_receipt_seqs};

const STREAM: StreamId = StreamId([0x3c; 32]);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_service_serves_stored_files_and_answers_retries() {
	let media = tempfile::tempdir().unwrap();
	let segments = segment_bytes(media.path(), 6.0);
	let dir = tempfile::tempdir().unwrap();
	let data = dir.path().join("data");
	let config = || service_config(data.clone(), vec![profile("144p", 256, 144, 120)]);
	let alice = pair("//Alice");
	let headers: Vec<SignedSegmentHeader> = segments
		.iter()
		.enumerate()
		.map(|(seq, body)| SignedSegmentHeader::sign(&alice, STREAM, seq as u64, 2000, body))
		.collect();

	let first = start_service(config()).await;
	let mut receipts = Vec::new();
	for seq in 0..2 {
		let (status, text) = post_segment(
			&first.base,
			STREAM,
			seq as u64,
			segments[seq].clone(),
			Some(&headers[seq]),
		)
		.await;
		assert_eq!(status, 200, "{text}");
		receipts.push(text);
	}
	first.task.abort();
	drop(first);

	// A new process: empty stream table, same files.
	let second = start_service(config()).await;
	let base = second.base.as_str();
	let path = |rest: &str| format!("/hls/{}/{rest}", hex::encode(STREAM.0));
	let (status, bytes) = get(base, &path("144p/0.ts")).await;
	assert_eq!(status, 200);
	assert_eq!(blake2_256(&bytes), decode_receipt(&receipts[0]).body.output_hashes[0]);
	assert_eq!(get(base, &path("source/1.ts")).await, (200, segments[1].clone()));
	let (status, receipt) = get(base, &format!("/receipts/{}/1", hex::encode(STREAM.0))).await;
	assert_eq!((status, String::from_utf8(receipt).unwrap()), (200, receipts[1].clone()));
	// Renditions are what exists on disk; playlists belong to live streams only.
	let (status, text) = get(base, &path("720p/0.ts")).await;
	assert_eq!(status, 404);
	assert!(String::from_utf8_lossy(&text).starts_with("NoSuchSegment: "));
	let (status, text) = get(base, &path("master.m3u8")).await;
	assert_eq!(status, 404);
	assert!(String::from_utf8_lossy(&text).starts_with("UnknownStream: "));

	// The stream's key binding is restored from the stored receipts.
	let charlie = SignedSegmentHeader::sign(&pair("//Charlie"), STREAM, 2, 2000, &segments[2]);
	let (status, text) = post_segment(base, STREAM, 2, segments[2].clone(), Some(&charlie)).await;
	assert_eq!(status, 403);
	assert!(text.starts_with("WrongBroadcasterKey: "), "{text}");

	// A retry of a stored segment (the same header) gets the stored receipt.
	let (status, text) =
		post_segment(base, STREAM, 1, segments[1].clone(), Some(&headers[1])).await;
	assert_eq!((status, &text), (200, &receipts[1]));
	// Another header for a transcoded seq is a conflict.
	let other = SignedSegmentHeader::sign(&alice, STREAM, 1, 2000, &segments[2]);
	let (status, text) = post_segment(base, STREAM, 1, segments[2].clone(), Some(&other)).await;
	assert_eq!(status, 409);
	assert!(text.starts_with("AlreadyTranscoded: "), "{text}");

	// New segments go on; the playlist starts empty and fills.
	let (status, text) =
		post_segment(base, STREAM, 2, segments[2].clone(), Some(&headers[2])).await;
	assert_eq!(status, 200, "{text}");
	let (_, playlist) = get(base, &path("144p/index.m3u8")).await;
	assert_eq!(playlist_uris(&playlist), ["2.ts"]);

	// The node's claim logic reads the stored receipts.
	assert_eq!(stored_receipt_seqs(&data, &STREAM), vec![0, 1, 2]);
	assert_eq!(load_receipt(&data, &STREAM, 1), Some(decode_receipt(&receipts[1])));
	assert_eq!(load_receipt(&data, &STREAM, 7), None);
	assert!(stored_receipt_seqs(&data, &StreamId([0; 32])).is_empty());
}
