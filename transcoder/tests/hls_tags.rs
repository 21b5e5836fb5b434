//! HLS as players need it: per-variant `CODECS` read from the encoded streams, each variant's
//! frame rate, `EXT-X-PROGRAM-DATE-TIME` on every segment, `EXT-X-DISCONTINUITY` at a gap in
//! the sequence, `EXT-X-ENDLIST` once the stream ends (explicitly or by idleness), and the
//! cache headers (segments immutable, playlists revalidated).

mod common;

use common::*;
use olc_primitives::{SignedSegmentHeader, StreamId};
use std::{path::Path, process::Command, time::Duration};

const STREAM: StreamId = StreamId([0x5a; 32]);

fn alice() -> sp_core::sr25519::Pair {
	pair("//Alice")
}

/// `avc1.PPCCLL` as ffprobe sees the first video stream of `path` (profile and level only:
/// the constraint byte is not printed by ffprobe).
fn probed_profile_level(path: &Path) -> (u8, u8) {
	let out = run(Command::new("ffprobe")
		.args([
			"-v",
			"error",
			"-select_streams",
			"v:0",
			"-show_entries",
			"stream=profile,level",
			"-of",
			"csv=p=0",
		])
		.arg(path));
	let line = out.lines().map(str::trim).find(|l| !l.is_empty()).unwrap();
	let (profile, level) = line.rsplit_once(',').unwrap();
	let profile = match profile {
		"High" => 0x64,
		"Main" => 0x4d,
		"Baseline" | "Constrained Baseline" => 0x42,
		other => panic!("unexpected profile {other}"),
	};
	(profile, level.parse().unwrap())
}

fn codec_profile_level(codecs: &str) -> (u8, u8) {
	let avc = codecs.split(',').next().unwrap().strip_prefix("avc1.").unwrap();
	let bytes = hex::decode(avc).unwrap();
	(bytes[0], bytes[2])
}

async fn media_playlist(
	base: &str,
	rendition: &str,
) -> (reqwest::header::HeaderMap, m3u8_rs::MediaPlaylist) {
	let response =
		reqwest::get(format!("{base}/hls/{}/{rendition}/index.m3u8", hex::encode(STREAM.0)))
			.await
			.unwrap();
	let headers = response.headers().clone();
	let text = response.bytes().await.unwrap();
	match m3u8_rs::parse_playlist_res(&text) {
		Ok(m3u8_rs::Playlist::MediaPlaylist(playlist)) => (headers, playlist),
		_ => panic!("not a media playlist: {}", String::from_utf8_lossy(&text)),
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codecs_dates_gaps_end_and_cache_headers() {
	let media = tempfile::tempdir().unwrap();
	let clip = make_clip(media.path(), "clip.ts", 640, 360, 30, 10.0);
	let segment_paths = split_segments(media.path(), &clip, "seg");
	assert_eq!(segment_paths.len(), 5);
	let dir = tempfile::tempdir().unwrap();
	let mut config = service_config(dir.path().join("data"), vec![profile("240p", 426, 240, 300)]);
	config.stream_end_idle = Some(Duration::from_secs(3));
	let service = start_service(config).await;
	let post = |seq: u64| {
		let body = std::fs::read(&segment_paths[seq as usize]).unwrap();
		let header = SignedSegmentHeader::sign(&alice(), STREAM, seq, 2000, &body);
		let base = service.base.clone();
		async move { post_segment(&base, STREAM, seq, body, Some(&header)).await }
	};
	let before = std::time::SystemTime::now();
	for seq in [0, 1, 3] {
		let (status, text) = post(seq).await;
		assert_eq!(status, 200, "segment {seq}: {text}");
	}
	let hls = format!("/hls/{}", hex::encode(STREAM.0));

	// Master: CODECS from the streams themselves, with AAC; each variant's frame rate.
	let (status, text) = get(&service.base, &format!("{hls}/master.m3u8")).await;
	assert_eq!(status, 200);
	let Ok(m3u8_rs::Playlist::MasterPlaylist(master)) = m3u8_rs::parse_playlist_res(&text) else {
		panic!("bad master playlist {}", String::from_utf8_lossy(&text));
	};
	let text = String::from_utf8_lossy(&text);
	assert_eq!(master.variants.len(), 2, "{text}");
	for variant in &master.variants {
		let codecs = variant.codecs.as_deref().unwrap_or_else(|| panic!("no CODECS: {text}"));
		assert!(codecs.starts_with("avc1.") && codecs.ends_with(",mp4a.40.2"), "{text}");
		assert_eq!(variant.frame_rate, Some(30.0), "{text}");
	}
	let source_codecs = master.variants[0].codecs.as_deref().unwrap();
	assert_eq!(
		codec_profile_level(source_codecs),
		probed_profile_level(&segment_paths[0]),
		"{text}"
	);
	let (status, rendition) = get(&service.base, &format!("{hls}/240p/0.ts")).await;
	assert_eq!(status, 200);
	let rendition_path = media.path().join("rendition.ts");
	std::fs::write(&rendition_path, rendition).unwrap();
	let rendition_codecs = master.variants[1].codecs.as_deref().unwrap();
	assert_eq!(
		codec_profile_level(rendition_codecs),
		probed_profile_level(&rendition_path),
		"{text}"
	);
	// The source (ultrafast: Constrained Baseline) and the rendition (veryfast: High) differ,
	// so nothing is hard-coded.
	assert_ne!(source_codecs, rendition_codecs, "{text}");

	// Media playlists: dates, the gap before 3, no end yet; cache headers.
	for rendition in ["source", "240p"] {
		let (headers, playlist) = media_playlist(&service.base, rendition).await;
		assert_eq!(headers["cache-control"], "no-cache");
		let uris: Vec<_> = playlist.segments.iter().map(|s| s.uri.as_str()).collect();
		assert_eq!(uris, ["0.ts", "1.ts", "3.ts"]);
		let gaps: Vec<_> = playlist.segments.iter().map(|s| s.discontinuity).collect();
		assert_eq!(gaps, [false, false, true]);
		let mut previous = chrono::DateTime::<chrono::Utc>::from(before).fixed_offset();
		for segment in &playlist.segments {
			let date = segment.program_date_time.expect("EXT-X-PROGRAM-DATE-TIME on every segment");
			assert!(
				date >= previous
					&& date
						<= chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
							.fixed_offset(),
				"{date}"
			);
			previous = date;
		}
		assert!(!playlist.end_list);
	}
	let response = reqwest::get(format!("{}{hls}/240p/1.ts", service.base)).await.unwrap();
	assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
	assert_eq!(response.headers()["content-type"], "video/mp2t");

	// Ended explicitly; a new segment reopens the stream; then it ends by idleness.
	assert!(service.state.end_stream(&STREAM));
	assert!(!service.state.end_stream(&StreamId([1; 32])));
	assert!(media_playlist(&service.base, "240p").await.1.end_list);
	let (status, text) = post(4).await;
	assert_eq!(status, 200, "{text}");
	let (_, playlist) = media_playlist(&service.base, "240p").await;
	assert!(!playlist.end_list);
	assert!(!playlist.segments.last().unwrap().discontinuity);
	tokio::time::sleep(Duration::from_millis(3500)).await;
	assert!(media_playlist(&service.base, "source").await.1.end_list);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item4_each_variant_has_its_own_frame_rate() {
	// A 50 fps source: the source variant says 50, a 30 fps rung 30 (never more than the
	// source), a 60 fps rung 50 (not upscaled).
	let media = tempfile::tempdir().unwrap();
	let clip = make_clip(media.path(), "clip.ts", 320, 180, 50, 2.0);
	let body = std::fs::read(&clip).unwrap();
	let dir = tempfile::tempdir().unwrap();
	let mut fast = profile("180p60", 320, 180, 300);
	fast.fps = 60;
	let config =
		service_config(dir.path().join("data"), vec![profile("144p", 256, 144, 150), fast]);
	let service = start_service(config).await;
	let header = SignedSegmentHeader::sign(&alice(), STREAM, 0, 2000, &body);
	let (status, text) = post_segment(&service.base, STREAM, 0, body, Some(&header)).await;
	assert_eq!(status, 200, "{text}");
	let (_, text) =
		get(&service.base, &format!("/hls/{}/master.m3u8", hex::encode(STREAM.0))).await;
	let Ok(m3u8_rs::Playlist::MasterPlaylist(master)) = m3u8_rs::parse_playlist_res(&text) else {
		panic!("bad master playlist {}", String::from_utf8_lossy(&text));
	};
	let rates: Vec<(String, Option<f64>)> =
		master.variants.iter().map(|v| (v.uri.clone(), v.frame_rate)).collect();
	assert_eq!(
		rates,
		[
			("source/index.m3u8".to_string(), Some(50.0)),
			("144p/index.m3u8".to_string(), Some(30.0)),
			("180p60/index.m3u8".to_string(), Some(50.0)),
		],
		"{}",
		String::from_utf8_lossy(&text)
	);
}
