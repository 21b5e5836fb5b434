//! The service's limits and media checks, each refused with its name while the service keeps
//! serving: live streams, uploads at once, stalled uploads, a stream's rate; containers and
//! codecs other than MPEG-TS with H.264 and AAC; oversized pictures; too many frames; a header
//! whose duration lies.

mod common;

use common::*;
use olc_primitives::{SignedSegmentHeader, StreamId};
use olc_transcoder::server::ServerConfig;
use std::{path::Path, process::Command, time::Duration};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const STREAM: StreamId = StreamId([0x11; 32]);
const OTHER: StreamId = StreamId([0x22; 32]);

fn base_config(dir: &Path) -> ServerConfig {
	service_config(dir.join("data"), vec![profile("144p", 256, 144, 150)])
}

async fn post(
	base: &str,
	stream: StreamId,
	seq: u64,
	body: &[u8],
	duration_ms: u32,
) -> (u16, String) {
	let header = SignedSegmentHeader::sign(&pair("//Alice"), stream, seq, duration_ms, body);
	post_segment(base, stream, seq, body.to_vec(), Some(&header)).await
}

fn assert_refused((status, text): (u16, String), expected_status: u16, reason: &str) {
	assert_eq!(status, expected_status, "{reason}: {text}");
	assert!(text.starts_with(&format!("{reason}: ")), "{text}");
}

/// An ffmpeg-made file from lavfi sources with the given output arguments.
fn ffmpeg_file(dir: &Path, name: &str, video: &str, seconds: &str, args: &[&str]) -> Vec<u8> {
	let path = dir.join(name);
	run(Command::new("ffmpeg")
		.args([
			"-v",
			"error",
			"-y",
			"-f",
			"lavfi",
			"-i",
			video,
			"-f",
			"lavfi",
			"-i",
			"sine=sample_rate=48000",
			"-t",
			seconds,
		])
		.args(args)
		.arg(&path));
	std::fs::read(path).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_other_than_h264_aac_mpeg_ts_is_refused_by_name() {
	let media = tempfile::tempdir().unwrap();
	let m = media.path();
	let good = segment_bytes(m, 4.0);
	let dir = tempfile::tempdir().unwrap();
	let service = start_service(base_config(dir.path())).await;
	let base = &service.base;
	let (status, text) = post(base, STREAM, 0, &good[0], 2000).await;
	assert_eq!(status, 200, "{text}");

	let h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "60"];
	let mp4 = ffmpeg_file(
		m,
		"clip.mp4",
		"testsrc2=size=320x180:rate=30",
		"2",
		&[&h264[..], &["-c:a", "aac", "-f", "mp4"]].concat(),
	);
	assert_refused(post(base, STREAM, 1, &mp4, 2000).await, 415, "UnsupportedContainer");
	let mkv = ffmpeg_file(
		m,
		"clip.mkv",
		"testsrc2=size=320x180:rate=30",
		"2",
		&[&h264[..], &["-c:a", "aac", "-f", "matroska"]].concat(),
	);
	assert_refused(post(base, STREAM, 1, &mkv, 2000).await, 415, "UnsupportedContainer");
	let mpeg2 = ffmpeg_file(
		m,
		"mpeg2.ts",
		"testsrc2=size=320x180:rate=30",
		"2",
		&["-c:v", "mpeg2video", "-c:a", "aac", "-f", "mpegts"],
	);
	assert_refused(post(base, STREAM, 1, &mpeg2, 2000).await, 415, "UnsupportedCodec");
	let mp3 = ffmpeg_file(
		m,
		"mp3.ts",
		"testsrc2=size=320x180:rate=30",
		"2",
		&[&h264[..], &["-c:a", "libmp3lame", "-f", "mpegts"]].concat(),
	);
	assert_refused(post(base, STREAM, 1, &mp3, 2000).await, 415, "UnsupportedCodec");
	let hevc = ffmpeg_file(
		m,
		"hevc.ts",
		"testsrc2=size=320x180:rate=30",
		"2",
		&[
			"-c:v",
			"libx265",
			"-preset",
			"ultrafast",
			"-x265-params",
			"log-level=error",
			"-c:a",
			"aac",
			"-f",
			"mpegts",
		],
	);
	assert_refused(post(base, STREAM, 1, &hevc, 2000).await, 415, "UnsupportedCodec");

	// Above the default 1920x1080 box.
	let big = ffmpeg_file(
		m,
		"big.ts",
		"testsrc2=size=2048x1152:rate=30",
		"1",
		&[&h264[..], &["-c:a", "aac", "-f", "mpegts"]].concat(),
	);
	assert_refused(post(base, STREAM, 1, &big, 1000).await, 422, "ResolutionTooLarge");

	// A 6 s segment whose header says 2 s, and a 2 s one that says 6 s: liars, refused before
	// anything is decoded or encoded.
	let long = std::fs::read(make_clip(m, "long.ts", 320, 180, 30, 6.0)).unwrap();
	assert_refused(post(base, STREAM, 1, &long, 2000).await, 422, "DurationMismatch");
	assert_refused(post(base, STREAM, 1, &good[1], 6000).await, 422, "DurationMismatch");
	// Within the tolerance (10 % plus one frame) is fine.
	let (status, text) = post(base, STREAM, 1, &good[1], 2150).await;
	assert_eq!(status, 200, "{text}");

	// The service kept serving, and counted.
	let (status, text) = post(base, STREAM, 2, &good[0], 2000).await;
	assert_eq!(status, 200, "{text}");
	let counts = service.state.refusal_counts();
	for (reason, count) in [
		("UnsupportedContainer", 2),
		("UnsupportedCodec", 3),
		("ResolutionTooLarge", 1),
		("DurationMismatch", 2),
	] {
		assert!(counts.contains(&(reason, count)), "{counts:?}");
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segment_frame_and_resolution_limits_are_configurable() {
	let media = tempfile::tempdir().unwrap();
	let good = segment_bytes(media.path(), 2.0);
	let dir = tempfile::tempdir().unwrap();
	let mut config = base_config(dir.path());
	config.segment_limits.max_frames = 50;
	let service = start_service(config).await;
	assert_refused(post(&service.base, STREAM, 0, &good[0], 2000).await, 422, "TooManyFrames");

	let dir = tempfile::tempdir().unwrap();
	let mut config = base_config(dir.path());
	config.segment_limits.max_width = 256;
	config.segment_limits.max_height = 144;
	let service = start_service(config).await;
	assert_refused(post(&service.base, STREAM, 0, &good[0], 2000).await, 422, "ResolutionTooLarge");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_count_and_rate_limits() {
	let media = tempfile::tempdir().unwrap();
	let good = segment_bytes(media.path(), 6.0);
	let dir = tempfile::tempdir().unwrap();
	let mut config = base_config(dir.path());
	config.max_streams = 1;
	// One segment per 20 s window (0.1 per 2 s segment).
	config.max_segments_per_duration = 0.1;
	config.stream_rate_window = Duration::from_secs(20);
	let service = start_service(config).await;
	let base = &service.base;
	let (status, text) = post(base, STREAM, 0, &good[0], 2000).await;
	assert_eq!(status, 200, "{text}");
	assert_refused(post(base, OTHER, 0, &good[0], 2000).await, 503, "MaxStreams");
	assert_refused(post(base, STREAM, 1, &good[1], 2000).await, 429, "StreamRateExceeded");
	assert_eq!(service.state.live_streams(), 1);
	let counts = service.state.refusal_counts();
	assert!(
		counts.contains(&("MaxStreams", 1)) && counts.contains(&("StreamRateExceeded", 1)),
		"{counts:?}"
	);
	// A stream idle for a while is forgotten to make room (not tested: two minutes).
	assert_eq!(olc_transcoder::server::IDLE_BEFORE_MAKING_ROOM, Duration::from_secs(120));

	// The defaults let a broadcaster catch up after an outage: segments back to back.
	let dir = tempfile::tempdir().unwrap();
	let service = start_service(config_defaults(dir.path())).await;
	for (seq, body) in good.iter().enumerate() {
		let (status, text) = post(&service.base, STREAM, seq as u64, body, 2000).await;
		assert_eq!(status, 200, "{text}");
	}
}

fn config_defaults(dir: &Path) -> ServerConfig {
	base_config(dir)
}

/// Sends a POST's head and the first `sent` bytes of a `total`-byte body, then stalls.
async fn stalled_upload(
	base: &str,
	stream: StreamId,
	body: &[u8],
	sent: usize,
) -> tokio::net::TcpStream {
	let header = SignedSegmentHeader::sign(&pair("//Alice"), stream, 0, 2000, body);
	let address = base.strip_prefix("http://").unwrap();
	let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
	use codec::Encode;
	let head = format!(
		"POST /live/0x{}/0.ts HTTP/1.1\r\nhost: {address}\r\ncontent-length: {}\r\n{}: {}\r\n\r\n",
		hex::encode(stream.0),
		body.len(),
		olc_transcoder::server::SEGMENT_HEADER_FIELD,
		hex::encode(header.encode())
	);
	socket.write_all(head.as_bytes()).await.unwrap();
	socket.write_all(&body[..sent]).await.unwrap();
	socket
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_at_once_and_stalled_uploads() {
	let media = tempfile::tempdir().unwrap();
	let good = segment_bytes(media.path(), 2.0);
	let dir = tempfile::tempdir().unwrap();
	let mut config = base_config(dir.path());
	config.max_concurrent_uploads = 1;
	config.upload_read_timeout = Duration::from_secs(2);
	let service = start_service(config).await;

	let mut stalled = stalled_upload(&service.base, OTHER, &good[0], 1000).await;
	tokio::time::sleep(Duration::from_millis(300)).await;
	// The one upload slot is taken: refused before its body is read.
	assert_refused(post(&service.base, STREAM, 0, &good[0], 2000).await, 503, "TooManyUploads");
	// The stalled upload times out and frees the slot.
	let mut response = Vec::new();
	tokio::time::timeout(Duration::from_secs(10), stalled.read_to_end(&mut response))
		.await
		.unwrap()
		.unwrap();
	let response = String::from_utf8_lossy(&response);
	assert!(response.starts_with("HTTP/1.1 408"), "{response}");
	assert!(response.contains("UploadTimeout: "), "{response}");
	let (status, text) = post(&service.base, STREAM, 0, &good[0], 2000).await;
	assert_eq!(status, 200, "{text}");
	let counts = service.state.refusal_counts();
	assert!(
		counts.contains(&("TooManyUploads", 1)) && counts.contains(&("UploadTimeout", 1)),
		"{counts:?}"
	);
}

/// Sends a POST's head (chunked, no Content-Length, unless `length` is given), then `pieces` of
/// the body with `pause` between them; returns the raw response.
async fn slow_upload(
	base: &str,
	stream: StreamId,
	body: &[u8],
	length: Option<usize>,
	piece: usize,
	pause: Duration,
) -> String {
	use codec::Encode;
	let header = SignedSegmentHeader::sign(&pair("//Alice"), stream, 0, 2000, body);
	let address = base.strip_prefix("http://").unwrap();
	let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
	let framing = match length {
		Some(length) => format!("content-length: {length}"),
		None => "transfer-encoding: chunked".to_string(),
	};
	let head = format!(
		"POST /live/0x{}/0.ts HTTP/1.1\r\nhost: {address}\r\n{framing}\r\n{}: {}\r\n\r\n",
		hex::encode(stream.0),
		olc_transcoder::server::SEGMENT_HEADER_FIELD,
		hex::encode(header.encode())
	);
	socket.write_all(head.as_bytes()).await.unwrap();
	let (mut reader, mut writer) = socket.into_split();
	let body = body.to_vec();
	let chunked = length.is_none();
	// Keep sending until the server answers (it may stop reading once it refuses).
	let sender = tokio::spawn(async move {
		for part in body.chunks(piece) {
			let sent = if chunked {
				let mut frame = format!("{:x}\r\n", part.len()).into_bytes();
				frame.extend_from_slice(part);
				frame.extend_from_slice(b"\r\n");
				writer.write_all(&frame).await
			} else {
				writer.write_all(part).await
			};
			if sent.is_err() {
				return;
			}
			tokio::time::sleep(pause).await;
		}
		if chunked {
			let _ = writer.write_all(b"0\r\n\r\n").await;
		}
		// Hold the connection open until the reader is done.
		tokio::time::sleep(Duration::from_secs(30)).await;
	});
	let mut response = vec![0u8; 4096];
	let read = tokio::time::timeout(Duration::from_secs(20), reader.read(&mut response))
		.await
		.unwrap()
		.unwrap();
	sender.abort();
	String::from_utf8_lossy(&response[..read]).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item2_body_size_checked_before_and_while_buffering_and_body_timeout() {
	let media = tempfile::tempdir().unwrap();
	let good = segment_bytes(media.path(), 2.0);
	let dir = tempfile::tempdir().unwrap();
	let mut config = base_config(dir.path());
	config.max_segment_bytes = 1024 * 1024;
	config.body_timeout = Duration::from_secs(1);
	let service = start_service(config).await;
	assert!(good[0].len() < 1024 * 1024 && good[0].len() > 16 * 1024);
	let big = vec![0x47_u8; 3 * 1024 * 1024];

	// A Content-Length far above the limit: refused from the head alone, no body byte sent.
	let started = std::time::Instant::now();
	let response =
		slow_upload(&service.base, STREAM, &[], Some(50 * 1024 * 1024), 1, Duration::ZERO).await;
	assert!(response.starts_with("HTTP/1.1 413"), "{response}");
	assert!(response.contains("SegmentTooLarge: "), "{response}");
	assert!(
		started.elapsed() < Duration::from_secs(3),
		"waited for the body: {:?}",
		started.elapsed()
	);
	// Chunked, no length: cut off once the bytes received pass the limit.
	let response =
		slow_upload(&service.base, STREAM, &big, None, 64 * 1024, Duration::from_millis(5)).await;
	assert!(response.starts_with("HTTP/1.1 413"), "{response}");
	assert!(response.contains("SegmentTooLarge: "), "{response}");
	// A body trickling in, each piece in time but the whole too slow: BodyTimeout.
	let response =
		slow_upload(&service.base, STREAM, &good[0], None, 1024, Duration::from_millis(200)).await;
	assert!(response.starts_with("HTTP/1.1 408"), "{response}");
	assert!(response.contains("BodyTimeout: "), "{response}");

	// The service kept serving, and counted (also on /metrics).
	let (status, text) = post(&service.base, STREAM, 0, &good[0], 2000).await;
	assert_eq!(status, 200, "{text}");
	let counts = service.state.refusal_counts();
	assert!(
		counts.contains(&("SegmentTooLarge", 2)) && counts.contains(&("BodyTimeout", 1)),
		"{counts:?}"
	);
	let (status, metrics) = get(&service.base, "/metrics").await;
	assert_eq!(status, 200);
	let metrics = String::from_utf8(metrics).unwrap();
	for line in [
		"olc_service_segments_refused_total{reason=\"SegmentTooLarge\"} 2",
		"olc_service_segments_refused_total{reason=\"BodyTimeout\"} 1",
		"olc_service_live_streams 1",
		"olc_service_live_streams_limit 64",
		"olc_service_uploads_in_progress 0",
		"olc_service_uploads_in_progress_limit 32",
	] {
		assert!(metrics.lines().any(|l| l == line), "{line} missing from\n{metrics}");
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item2_segments_waiting_too_long_for_a_transcode_are_refused() {
	let media = tempfile::tempdir().unwrap();
	let good = segment_bytes(media.path(), 2.0);
	let dir = tempfile::tempdir().unwrap();
	let mut config = base_config(dir.path());
	config.max_concurrent_transcodes = 1;
	config.transcode_wait_timeout = Duration::from_millis(1);
	let service = start_service(config).await;
	let streams: Vec<StreamId> = (0..4u8).map(|i| StreamId([0x30 + i; 32])).collect();
	let posts = streams.iter().map(|stream| {
		let (base, body, stream) = (service.base.clone(), good[0].clone(), *stream);
		async move {
			let header = SignedSegmentHeader::sign(&pair("//Alice"), stream, 0, 2000, &body);
			post_segment(&base, stream, 0, body, Some(&header)).await
		}
	});
	let answers = futures_join_all(posts).await;
	let accepted = answers.iter().filter(|(status, _)| *status == 200).count();
	let busy = answers
		.iter()
		.filter(|(status, text)| *status == 503 && text.starts_with("TranscoderBusy: "))
		.count();
	assert!(accepted >= 1 && busy >= 1 && accepted + busy == answers.len(), "{answers:?}");
	// The refused ones freed their upload slots: a retry goes through.
	let (status, text) = post(&service.base, StreamId([0x40; 32]), 0, &good[0], 2000).await;
	assert_eq!(status, 200, "{text}");
	assert_eq!(service.state.uploads_in_progress(), 0);
}

/// Runs the futures at once (no extra dependency).
async fn futures_join_all<F: std::future::Future<Output = (u16, String)> + Send + 'static>(
	futures: impl Iterator<Item = F>,
) -> Vec<(u16, String)> {
	let tasks: Vec<_> = futures.map(tokio::spawn).collect();
	let mut answers = Vec::new();
	for task in tasks {
		answers.push(task.await.unwrap());
	}
	answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item2_a_request_head_that_never_ends_is_cut_off() {
	let dir = tempfile::tempdir().unwrap();
	let mut config = base_config(dir.path());
	config.header_read_timeout = Duration::from_secs(1);
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let address = listener.local_addr().unwrap();
	tokio::spawn(olc_transcoder::server::serve(listener, config));
	let mut slow = tokio::net::TcpStream::connect(address).await.unwrap();
	slow.write_all(b"GET /metrics HTTP/1.1\r\nhost: x\r\n").await.unwrap();
	let started = std::time::Instant::now();
	// Meanwhile the service answers others.
	let (status, _) = get(&format!("http://{address}"), "/metrics").await;
	assert_eq!(status, 200);
	let mut rest = Vec::new();
	let closed = tokio::time::timeout(Duration::from_secs(8), slow.read_to_end(&mut rest)).await;
	assert!(closed.is_ok(), "the connection with an unfinished head is still open after 8 s");
	assert!(
		started.elapsed() >= Duration::from_millis(900),
		"closed after {:?}",
		started.elapsed()
	);
}
