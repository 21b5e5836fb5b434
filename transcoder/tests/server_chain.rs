//! The service with a chain ([`StreamAuthority`]): who may publish and into which profiles is the
//! chain's call; refusals are named; a faulty service (defence tests) signs wrong content.

mod common;

use common::*;
use olc_primitives::{blake2_256, SignedSegmentHeader, StreamId};
use olc_transcoder::server::{Fault, StreamAuthority};
use sp_core::Pair;
use std::sync::Arc;

const STREAM: StreamId = StreamId([0x5a; 32]);

fn hls(path: &str) -> String {
	format!("/hls/{}/{path}", hex::encode(STREAM.0))
}

async fn post_as(base: &str, seed: &str, stream: StreamId, seq: u64, body: &[u8]) -> (u16, String) {
	let header = SignedSegmentHeader::sign(&pair(seed), stream, seq, 2000, body);
	post_segment(base, stream, seq, body.to_vec(), Some(&header)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_decides_who_publishes_and_into_which_profiles() {
	let media = tempfile::tempdir().unwrap();
	let segments = segment_bytes(media.path(), 8.0);
	assert_eq!(segments.len(), 4);
	let chain = FakeChain::new(
		STREAM,
		pair("//Alice").public(),
		3,
		ChainMode::NotAssigned,
		vec![profile("240p", 426, 240, 250), profile("144p", 256, 144, 120)],
	);
	let dir = tempfile::tempdir().unwrap();
	// The configured ladder is the default one; the job's profiles must be used instead.
	let mut config =
		olc_transcoder::server::ServerConfig::new(dir.path().join("data"), pair("//Bob"));
	config.max_segment_bytes = 1 << 20;
	config.authority = Some(chain.clone() as Arc<dyn StreamAuthority>);
	let service = start_service(config).await;
	let base = service.base.as_str();

	// Not assigned here. The header is checked before the body: an oversized body is refused
	// for the assignment, not for its size.
	let (status, text) = post_as(base, "//Alice", STREAM, 0, &segments[0]).await;
	assert_eq!(
		(status, text.as_str()),
		(403, "NotAssigned: no open job of this stream is assigned to this transcoder")
	);
	let (status, text) = post_as(base, "//Alice", STREAM, 0, &vec![0x47; 3 << 19]).await;
	assert!(status == 403 && text.starts_with("NotAssigned: "), "{status} {text}");
	// The chain cannot be read.
	chain.set_mode(ChainMode::Unavailable);
	let (status, text) = post_as(base, "//Alice", STREAM, 0, &segments[0]).await;
	assert_eq!((status, text.as_str()), (503, "ChainUnavailable: the node is syncing"));
	// No such stream on chain.
	let (status, text) = post_as(base, "//Alice", StreamId([1; 32]), 0, &segments[0]).await;
	assert_eq!((status, text.as_str()), (404, "UnknownStream: no stream with this id on chain"));
	// Assigned, but signed by someone other than the stream owner.
	chain.set_mode(ChainMode::Assigned);
	let (status, text) = post_as(base, "//Charlie", STREAM, 0, &segments[0]).await;
	assert_eq!(status, 403);
	assert_eq!(
		text,
		format!(
			"WrongBroadcasterKey: segment signed by 0x{}, the stream's segment key (on chain) is 0x{}",
			hex::encode(pair("//Charlie").public().0),
			hex::encode(pair("//Alice").public().0)
		)
	);

	// Accepted: transcoded into the job's profiles, in the job's order.
	for seq in 0..2u64 {
		let (status, text) = post_as(base, "//Alice", STREAM, seq, &segments[seq as usize]).await;
		assert_eq!(status, 200, "{text}");
		let receipt = decode_receipt(&text);
		assert_eq!(receipt.body.output_hashes.len(), 2);
		for (index, rendition) in ["240p", "144p"].iter().enumerate() {
			let (status, bytes) = get(base, &hls(&format!("{rendition}/{seq}.ts"))).await;
			assert_eq!(status, 200);
			assert_eq!(blake2_256(&bytes), receipt.body.output_hashes[index]);
		}
	}
	let (_, master) = get(base, &hls("master.m3u8")).await;
	let master = String::from_utf8(master).unwrap();
	assert!(
		master.contains("source/index.m3u8")
			&& master.contains("240p/index.m3u8")
			&& master.contains("144p/index.m3u8"),
		"{master}"
	);
	assert!(!master.contains("720p"), "{master}");
	assert_eq!(*chain.transcoded.lock().unwrap(), vec![(3, 0, 2), (3, 1, 2)]);
	assert_eq!(
		*chain.refused.lock().unwrap(),
		["NotAssigned", "NotAssigned", "ChainUnavailable", "UnknownStream", "WrongBroadcasterKey"]
	);

	// The job's profiles change: the stream's sessions and playlists follow.
	chain.set_profiles(vec![profile("144p", 256, 144, 120)]);
	let (status, text) = post_as(base, "//Alice", STREAM, 2, &segments[2]).await;
	assert_eq!(status, 200, "{text}");
	assert_eq!(decode_receipt(&text).body.output_hashes.len(), 1);
	let (_, master) = get(base, &hls("master.m3u8")).await;
	let master = String::from_utf8(master).unwrap();
	assert!(!master.contains("240p"), "{master}");
	assert_eq!(get(base, &hls("240p/index.m3u8")).await.0, 404);
	let (_, playlist) = get(base, &hls("144p/index.m3u8")).await;
	assert_eq!(playlist_uris(&playlist), ["2.ts"]);
	// Older segments of the removed rendition are still served from disk.
	assert_eq!(get(base, &hls("240p/1.ts")).await.0, 200);

	// Profiles the service cannot name renditions after.
	chain.set_profiles(vec![profile("source", 256, 144, 120)]);
	let (status, text) = post_as(base, "//Alice", STREAM, 3, &segments[3]).await;
	assert_eq!(status, 422);
	assert!(text.starts_with("BadJobProfiles: "), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_faulty_service_signs_receipts_for_the_wrong_picture() {
	let media = tempfile::tempdir().unwrap();
	let input = make_clip(media.path(), "input.ts", 640, 360, 30, 2.0);
	let body = std::fs::read(&input).unwrap();
	let dir = tempfile::tempdir().unwrap();
	let rung = profile("240p", 426, 240, 250);
	let mut config = service_config(dir.path().join("data"), vec![rung.clone()]);
	config.fault = Some(Fault::WrongContent);
	let service = start_service(config).await;
	let (status, text) = post_as(&service.base, "//Alice", STREAM, 0, &body).await;
	assert_eq!(status, 200, "{text}");
	let receipt = decode_receipt(&text);
	assert_eq!(receipt.verify(), Ok(()));
	let (_, served) = get(&service.base, &hls("240p/0.ts")).await;
	// The receipt matches what is served, so only a content check shows the fault.
	assert_eq!(blake2_256(&served), receipt.body.output_hashes[0]);
	let output = media.path().join("served.ts");
	std::fs::write(&output, &served).unwrap();
	let report = olc_transcoder::check::check_rendition(&input, &output, &rung).unwrap();
	assert!(!report.passed(), "{report:?}");
	assert!(
		report
			.failures
			.iter()
			.all(|f| matches!(f, olc_transcoder::check::CheckFailure::PictureMismatch { .. })),
		"{report:?}"
	);
	assert_eq!((report.output_width, report.output_height), (426, 240));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_ends_a_stream_in_its_playlists() {
	let media = tempfile::tempdir().unwrap();
	let segments = segment_bytes(media.path(), 2.0);
	let chain = FakeChain::new(
		STREAM,
		pair("//Alice").public(),
		1,
		ChainMode::Assigned,
		vec![profile("144p", 256, 144, 120)],
	);
	let dir = tempfile::tempdir().unwrap();
	let mut config =
		olc_transcoder::server::ServerConfig::new(dir.path().join("data"), pair("//Bob"));
	config.authority = Some(chain.clone() as Arc<dyn StreamAuthority>);
	let service = start_service(config).await;
	let (status, text) = post_as(&service.base, "//Alice", STREAM, 0, &segments[0]).await;
	assert_eq!(status, 200, "{text}");
	let (_, playlist) = get(&service.base, &hls("144p/index.m3u8")).await;
	assert!(!String::from_utf8_lossy(&playlist).contains("#EXT-X-ENDLIST"));
	chain.ended.store(true, std::sync::atomic::Ordering::Relaxed);
	for rendition in ["144p", "source"] {
		let (_, playlist) = get(&service.base, &hls(&format!("{rendition}/index.m3u8"))).await;
		assert!(String::from_utf8_lossy(&playlist).contains("#EXT-X-ENDLIST"));
	}
}
