//! The HTTP service end to end: signed segments in, HLS and receipts out, bad requests
//! rejected with clear 4xx errors.

mod common;

use codec::{Decode, Encode};
use common::*;
use olc_primitives::{SignedSegmentHeader, StreamId, TranscodeReceipt};
use olc_transcoder::ladder::LadderConfig;
use olc_transcoder::media::X264Settings;
use olc_transcoder::server::{self, ServerConfig, SEGMENT_HEADER_FIELD};
use sp_core::{sr25519, Pair};
use std::path::Path;
use std::process::Command;

struct TestServer {
	base: String,
	client: reqwest::Client,
	state: std::sync::Arc<server::AppState>,
	_dir: tempfile::TempDir,
}

async fn start(max_segment_bytes: usize) -> TestServer {
	let dir = tempfile::tempdir().unwrap();
	let mut config = ServerConfig::new(
		dir.path().join("data"),
		sr25519::Pair::from_string("//Bob", None).unwrap(),
	);
	config.ladder = LadderConfig {
		profiles: vec![
			olc_primitives::Profile::new(b"240p", 426, 240, 250, 30).unwrap(),
			olc_primitives::Profile::new(b"144p", 256, 144, 120, 30).unwrap(),
		],
		x264: X264Settings::default(),
		segment_seconds: 2,
		tamper: false,
	};
	config.max_segment_bytes = max_segment_bytes;
	config.playlist_window = 2;
	config.max_seq_ahead = 5;
	let (router, state) = server::router(config);
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let address = listener.local_addr().unwrap();
	tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
	TestServer {
		base: format!("http://{address}"),
		client: reqwest::Client::new(),
		state,
		_dir: dir,
	}
}

fn alice() -> sr25519::Pair {
	sr25519::Pair::from_string("//Alice", None).unwrap()
}

const STREAM: StreamId = StreamId([0xab; 32]);

impl TestServer {
	async fn post(
		&self,
		seq: u64,
		body: Vec<u8>,
		header: Option<SignedSegmentHeader>,
	) -> (u16, String) {
		let mut request = self
			.client
			.post(format!("{}/live/{}/{seq}.ts", self.base, hex::encode(STREAM.0)))
			.body(body);
		if let Some(header) = header {
			request = request.header(SEGMENT_HEADER_FIELD, hex::encode(header.encode()));
		}
		let response = request.send().await.unwrap();
		(response.status().as_u16(), response.text().await.unwrap())
	}

	async fn post_signed(&self, seq: u64, body: Vec<u8>) -> (u16, String) {
		let header = SignedSegmentHeader::sign(&alice(), STREAM, seq, 2000, &body);
		self.post(seq, body, Some(header)).await
	}

	async fn get(&self, path: &str) -> reqwest::Response {
		self.client
			.get(format!("{}/hls/{}/{path}", self.base, hex::encode(STREAM.0)))
			.header("origin", "http://viewer.example")
			.send()
			.await
			.unwrap()
	}
}

fn segments(dir: &Path) -> Vec<Vec<u8>> {
	let clip = make_clip(dir, "clip.ts", 640, 360, 30, 8.0);
	split_segments(dir, &clip, "seg")
		.iter()
		.map(|p| std::fs::read(p).unwrap())
		.collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segments_become_hls_and_receipts() {
	let media = tempfile::tempdir().unwrap();
	let segments = segments(media.path());
	let server = start(16 << 20).await;
	let mut receipts = Vec::new();
	for (seq, body) in segments.iter().take(3).enumerate() {
		let (status, text) = server.post_signed(seq as u64, body.clone()).await;
		assert_eq!(status, 200, "{text}");
		let receipt =
			TranscodeReceipt::decode(&mut &hex::decode(text.trim()).unwrap()[..]).unwrap();
		assert_eq!(receipt.verify(), Ok(()));
		assert_eq!(receipt.seq(), seq as u64);
		assert_eq!(receipt.input_hash(), olc_primitives::blake2_256(body));
		assert_eq!(
			receipt.body.transcoder,
			sr25519::Pair::from_string("//Bob", None).unwrap().public()
		);
		// The receipt's output hashes are those of the served segments.
		for (index, rendition) in ["240p", "144p"].iter().enumerate() {
			let bytes = server.get(&format!("{rendition}/{seq}.ts")).await.bytes().await.unwrap();
			assert_eq!(olc_primitives::blake2_256(&bytes), receipt.body.output_hashes[index]);
		}
		receipts.push(text);
	}

	let master = server.get("master.m3u8").await;
	assert_eq!(master.status(), 200);
	assert_eq!(master.headers()["content-type"], "application/vnd.apple.mpegurl");
	assert_eq!(master.headers()["access-control-allow-origin"], "*");
	let text = master.text().await.unwrap();
	let Ok(m3u8_rs::Playlist::MasterPlaylist(parsed)) =
		m3u8_rs::parse_playlist_res(text.as_bytes())
	else {
		panic!("bad master playlist {text}");
	};
	let uris: Vec<_> = parsed.variants.iter().map(|v| v.uri.as_str()).collect();
	assert_eq!(uris, ["source/index.m3u8", "240p/index.m3u8", "144p/index.m3u8"]);
	// Each variant's own frame rate: the source's measured 30 fps, the profiles' 30 fps.
	assert!(parsed.variants.iter().all(|v| v.frame_rate == Some(30.0)), "{text}");

	for rendition in ["source", "240p", "144p"] {
		let playlist = server.get(&format!("{rendition}/index.m3u8")).await;
		assert_eq!(playlist.headers()["content-type"], "application/vnd.apple.mpegurl");
		let text = playlist.text().await.unwrap();
		let Ok(m3u8_rs::Playlist::MediaPlaylist(parsed)) =
			m3u8_rs::parse_playlist_res(text.as_bytes())
		else {
			panic!("bad media playlist {text}");
		};
		// Window of 2: the first segment slid out.
		assert_eq!(parsed.media_sequence, 1);
		let uris: Vec<_> = parsed.segments.iter().map(|s| s.uri.as_str()).collect();
		assert_eq!(uris, ["1.ts", "2.ts"]);
		let segment = server.get(&format!("{rendition}/2.ts")).await;
		assert_eq!(segment.status(), 200);
		assert_eq!(segment.headers()["content-type"], "video/mp2t");
	}

	// Receipts are served too.
	let response = server
		.client
		.get(format!("{}/receipts/{}/1", server.base, hex::encode(STREAM.0)))
		.send()
		.await
		.unwrap();
	assert_eq!(response.status(), 200);
	let receipt =
		TranscodeReceipt::decode(&mut &hex::decode(response.text().await.unwrap()).unwrap()[..])
			.unwrap();
	assert_eq!(receipt.seq(), 1);

	// A retry of a transcoded segment (same header content, even re-signed) gets its receipt
	// again; another segment under a transcoded seq is a conflict.
	let (status, text) = server.post_signed(1, segments[1].clone()).await;
	assert_eq!((status, &text), (200, &receipts[1]));
	let (status, text) = server.post_signed(1, segments[2].clone()).await;
	assert_eq!(status, 409, "{text}");
	assert!(text.starts_with("AlreadyTranscoded: segment 1 "), "{text}");
	// Sequence window: far-ahead and stale segments are conflicts.
	let (status, text) = server.post_signed(100, segments[1].clone()).await;
	assert_eq!(status, 409, "{text}");
	assert!(text.starts_with("TooFarAhead: "), "{text}");
	let (status, text) = server.post_signed(4, segments[3].clone()).await;
	assert_eq!(status, 200, "{text}");
	let (status, text) = server.post_signed(3, segments[2].clone()).await;
	assert_eq!(status, 409, "{text}");
	assert!(
		text.starts_with("StaleSequence: segment 3 is at or below the highest received (4)"),
		"{text}"
	);

	// Another key cannot publish to a stream bound to Alice.
	let body = segments[0].clone();
	let charlie = sr25519::Pair::from_string("//Charlie", None).unwrap();
	let header = SignedSegmentHeader::sign(&charlie, STREAM, 5, 2000, &body);
	let (status, text) = server.post(5, body, Some(header)).await;
	assert_eq!(status, 403, "{text}");
	let expected = format!(
		"WrongBroadcasterKey: segment signed by 0x{}, the stream is bound to 0x{}",
		hex::encode(charlie.public().0),
		hex::encode(alice().public().0)
	);
	assert!(text.starts_with(&expected), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_4xx() {
	let media = tempfile::tempdir().unwrap();
	let segment = make_clip(media.path(), "one.ts", 320, 180, 30, 2.0);
	let body = std::fs::read(&segment).unwrap();
	let server = start(body.len() + 1000).await;

	// No header.
	let (status, text) = server.post(0, body.clone(), None).await;
	assert_eq!((status, text.as_str()), (400, "MissingHeader: missing x-olc-segment-header"));

	// Not hex, or not a header.
	let response = server
		.client
		.post(format!("{}/live/{}/0.ts", server.base, hex::encode(STREAM.0)))
		.header(SEGMENT_HEADER_FIELD, "zz")
		.body(body.clone())
		.send()
		.await
		.unwrap();
	assert_eq!(response.status(), 400);
	assert!(response.text().await.unwrap().starts_with("MalformedHeader: "));

	// Header for another sequence number.
	let header = SignedSegmentHeader::sign(&alice(), STREAM, 7, 2000, &body);
	let (status, text) = server.post(0, body.clone(), Some(header)).await;
	assert_eq!(status, 400, "{text}");
	assert!(text.starts_with("HeaderMismatch: "), "{text}");

	// Tampered signature.
	let mut header = SignedSegmentHeader::sign(&alice(), STREAM, 0, 2000, &body);
	header.header.duration_ms = 9999;
	let (status, text) = server.post(0, body.clone(), Some(header)).await;
	assert_eq!((status, text.as_str()), (401, "BadSignature: bad broadcaster signature"));

	// Body that is not the signed one.
	let header = SignedSegmentHeader::sign(&alice(), STREAM, 0, 2000, &body);
	let mut other = body.clone();
	let last = other.len() - 1;
	other[last] ^= 0xff;
	let (status, text) = server.post(0, other, Some(header)).await;
	assert_eq!(status, 400, "{text}");
	assert!(text.starts_with("SegmentHashMismatch: "), "{text}");

	// Empty, oversized and non-media bodies.
	let (status, text) = server.post_signed(0, Vec::new()).await;
	assert_eq!((status, text.as_str()), (400, "EmptySegment: the body is empty"));
	let (status, text) = server.post_signed(0, vec![0x47; body.len() + 2000]).await;
	assert_eq!(status, 413);
	assert!(text.starts_with("SegmentTooLarge: "), "{text}");
	let (status, text) = server.post_signed(0, b"<html>not video</html>".repeat(40)).await;
	assert_eq!(status, 415);
	assert!(text.starts_with("UnsupportedContainer: "), "{text}");

	// MPEG-TS framing around garbage (no program: the forced mpegts demuxer refuses it), and
	// audio-only media (not transcodable).
	let mut fake = vec![0u8; 188 * 20];
	for chunk in fake.chunks_mut(188) {
		chunk[0] = 0x47;
	}
	let (status, text) = server.post_signed(0, fake).await;
	assert_eq!(status, 415, "{text}");
	assert!(text.starts_with("UnsupportedContainer: segment 0: "), "{text}");
	let audio_only = media.path().join("audio.ts");
	run(Command::new("ffmpeg")
		.args([
			"-v",
			"error",
			"-y",
			"-f",
			"lavfi",
			"-i",
			"sine=sample_rate=48000",
			"-t",
			"1",
			"-c:a",
			"aac",
			"-f",
			"mpegts",
		])
		.arg(&audio_only));
	let (status, text) = server.post_signed(0, std::fs::read(&audio_only).unwrap()).await;
	assert_eq!(status, 422, "{text}");
	assert!(text.contains("no video stream"), "{text}");

	// After all that, a good segment still goes through.
	let (status, text) = server.post_signed(0, body).await;
	assert_eq!(status, 200, "{text}");

	// Unknown stream and rendition.
	let response = server
		.client
		.get(format!("{}/hls/{}/master.m3u8", server.base, "00".repeat(32)))
		.send()
		.await
		.unwrap();
	assert_eq!(response.status(), 404);
	assert!(response.text().await.unwrap().starts_with("UnknownStream: "));
	let response = server.get("1080p/index.m3u8").await;
	assert_eq!(response.status(), 404);
	assert!(response.text().await.unwrap().starts_with("UnknownRendition: "));
	// Rendition names never leave the stream's directory.
	assert_eq!(server.get("..%2Freceipts/0.ts").await.status(), 404);
	assert_eq!(server.get("receipts/0.ts").await.status(), 404);

	// Idle streams are forgotten (sessions and playlists); active ones are kept.
	assert_eq!(server.state.evict_idle_streams(std::time::Duration::from_secs(3600)), 0);
	assert_eq!(server.get("master.m3u8").await.status(), 200);
	assert_eq!(server.state.evict_idle_streams(std::time::Duration::ZERO), 1);
	assert_eq!(server.get("master.m3u8").await.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn playlists_answer_while_a_segment_is_transcoding() {
	// A slow transcode (720p with x264's veryslow preset) must not hold up playlist requests:
	// they are answered while the segment is still being transcoded, i.e. before its receipt
	// exists and before its POST returns.
	let media = tempfile::tempdir().unwrap();
	let small = std::fs::read(make_clip(media.path(), "small.ts", 320, 180, 30, 1.0)).unwrap();
	let big = std::fs::read(make_clip(media.path(), "big.ts", 1280, 720, 30, 2.0)).unwrap();
	let dir = tempfile::tempdir().unwrap();
	let data = dir.path().join("data");
	let mut config = service_config(
		data.clone(),
		vec![profile("720p", 1280, 720, 3000), profile("480p", 854, 480, 1600)],
	);
	config.ladder.x264.preset = "veryslow".into();
	let service = start_service(config).await;
	let (status, text) = post_segment(
		&service.base,
		STREAM,
		0,
		small.clone(),
		Some(&SignedSegmentHeader::sign(&alice(), STREAM, 0, 1000, &small)),
	)
	.await;
	assert_eq!(status, 200, "{text}");

	let base = service.base.clone();
	let header = SignedSegmentHeader::sign(&alice(), STREAM, 1, 2000, &big);
	let slow_post =
		tokio::spawn(async move { post_segment(&base, STREAM, 1, big, Some(&header)).await });
	// The input is stored right before the transcode starts.
	let stream_dir = data.join("streams").join(hex::encode(STREAM.0));
	let started = std::time::Instant::now();
	while !stream_dir.join("source/1.ts").exists() {
		assert!(started.elapsed().as_secs() < 60, "the transcode never started");
		tokio::time::sleep(std::time::Duration::from_millis(5)).await;
	}
	let hls = format!("/hls/{}", hex::encode(STREAM.0));
	let (status, playlist) = get(&service.base, &format!("{hls}/720p/index.m3u8")).await;
	let (master_status, _) = get(&service.base, &format!("{hls}/master.m3u8")).await;
	// Both answered while segment 1 is still being transcoded.
	assert!(!stream_dir.join("receipts/1.scale").exists(), "the transcode finished first");
	assert!(!slow_post.is_finished());
	assert_eq!((status, master_status), (200, 200));
	assert_eq!(playlist_uris(&playlist), ["0.ts"]);

	let (status, text) = slow_post.await.unwrap();
	assert_eq!(status, 200, "{text}");
	let (_, playlist) = get(&service.base, &format!("{hls}/720p/index.m3u8")).await;
	assert_eq!(playlist_uris(&playlist), ["0.ts", "1.ts"]);
}

#[test]
fn expired_files_are_removed() {
	let dir = tempfile::tempdir().unwrap();
	let nested = dir.path().join("streams/x/240p");
	std::fs::create_dir_all(&nested).unwrap();
	std::fs::write(nested.join("0.ts"), b"old").unwrap();
	assert_eq!(server::remove_expired(dir.path(), std::time::Duration::from_secs(3600)), 0);
	std::thread::sleep(std::time::Duration::from_millis(20));
	assert_eq!(server::remove_expired(dir.path(), std::time::Duration::from_millis(1)), 1);
	assert!(!nested.join("0.ts").exists());
}
