//! Calibration of the content checker (issue 16 item 3): varied content generated with FFmpeg's
//! lavfi sources, every rung of the default ladder at three x264 presets, honest renditions
//! (ours) and dishonest ones (made with the ffmpeg CLI), every score printed as a table.
//! Honest renditions must all pass (false-rejection rate zero on this set); each dishonest one
//! must fail with its own reason.
//!
//! Run with `-- --nocapture` to see the table (README, "Checker calibration").

mod common;

use common::*;
use olc_transcoder::check::{check_segment, CheckReport, RenditionToCheck, Sampling};
use olc_transcoder::ladder::{LadderConfig, StreamTranscoder};
use olc_transcoder::media::X264Settings;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A dishonest case: its name, the ffmpeg arguments that make it, the failure that must catch it.
type Case = (&'static str, Vec<String>, fn(&olc_transcoder::check::CheckFailure) -> bool);

const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// The kinds of content: (name, lavfi video graph at 1280x720, 30 fps).
fn contents() -> Vec<(&'static str, String)> {
	let size = "1280x720";
	let text = if Path::new(FONT).exists() {
		format!(
			"color=c=0x203040:s={size}:r=30,drawtext=fontfile={FONT}:text='OpenLive %{{n}} live chat':fontsize=72:fontcolor=yellow:x=40+t*220:y=200,drawtext=fontfile={FONT}:text='tips and danmaku':fontsize=40:fontcolor=white:x=600-t*150:y=420"
		)
	} else {
		// No font: a test pattern with fine detail stands in.
		format!("testsrc=size={size}:rate=30")
	};
	vec![
		("motion", format!("testsrc2=size={size}:rate=30")),
		("fractal", format!("mandelbrot=size={size}:rate=30")),
		("grain", format!("testsrc2=size={size}:rate=30,noise=alls=12:allf=t")),
		("text", text),
		("fades", format!("testsrc2=size={size}:rate=30,fade=in:st=0:d=0.8,fade=out:st=1.2:d=0.8")),
	]
}

/// A broadcaster's 2 s segment of a lavfi graph, H.264 + AAC (a tone) in MPEG-TS.
fn source(dir: &Path, name: &str, graph: &str) -> PathBuf {
	let path = dir.join(format!("{name}.ts"));
	run(Command::new("ffmpeg")
		.args([
			"-v",
			"error",
			"-y",
			"-f",
			"lavfi",
			"-i",
			graph,
			"-f",
			"lavfi",
			"-i",
			"sine=frequency=330:sample_rate=48000",
			"-t",
			"2",
			"-c:v",
			"libx264",
			"-preset",
			"ultrafast",
			"-crf",
			"16",
			"-pix_fmt",
			"yuv420p",
			"-g",
			"60",
			"-c:a",
			"aac",
			"-b:a",
			"96k",
			"-f",
			"mpegts",
		])
		.arg(&path));
	path
}

fn check_all(input: &Path, outputs: &[(PathBuf, olc_primitives::Profile)]) -> Vec<CheckReport> {
	let renditions: Vec<RenditionToCheck> = outputs
		.iter()
		.map(|(output, profile)| RenditionToCheck { output, profile, picture: true })
		.collect();
	check_segment(input, &renditions, Sampling::Seeded([0x5e; 32])).unwrap()
}

fn row(content: &str, case: &str, rung: &str, report: &CheckReport) -> String {
	let failures: Vec<String> = report
		.failures
		.iter()
		.map(|f| format!("{f:?}").split(['(', ' ']).next().unwrap_or_default().to_string())
		.collect();
	format!(
		"| {content} | {case} | {rung} | {:.3} | {:.3} | {:.2} | {:.2} | {}/{} | {:.0} | {:.0} | {} | {} |",
		report.mean_ssim,
		report.worst_ssim,
		report.chroma_error,
		report.worst_chroma_error,
		report.repeated_frames,
		report.moving_frames,
		report.picture_kbps,
		report.output_kbps,
		report.audio_level_difference_db.map_or("-".to_string(), |d| format!("{d:.1}")),
		if failures.is_empty() { "pass".to_string() } else { failures.join(", ") },
	)
}

#[test]
fn item3_calibration_honest_pass_dishonest_fail_with_a_margin() {
	let dir = tempfile::tempdir().unwrap();
	let ladder = olc_primitives::default_ladder();
	let mut table = vec![
		"| content | case | rung | SSIM mean | SSIM worst | chroma err | worst | repeated/moving | picture kbps | video kbps | audio dB | verdict |".to_string(),
		"|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|".to_string(),
	];
	let mut honest_reports: Vec<(String, CheckReport, u32)> = Vec::new();
	let mut wrongly_passed = Vec::new();
	let mut dishonest_scores: Vec<(String, CheckReport, u32)> = Vec::new();
	let sources: Vec<(&str, PathBuf)> = contents()
		.iter()
		.map(|(name, graph)| (*name, source(dir.path(), name, graph)))
		.collect();
	for (name, input) in &sources {
		for preset in ["ultrafast", "veryfast", "medium"] {
			let outputs: Vec<PathBuf> = ladder
				.iter()
				.map(|p| dir.path().join(format!("{name}-{preset}-{}.ts", p.name_str().unwrap())))
				.collect();
			let mut transcoder = StreamTranscoder::new(LadderConfig {
				x264: X264Settings { preset: preset.into(), ..X264Settings::default() },
				..LadderConfig::default_ladder()
			})
			.unwrap();
			transcoder.transcode_segment(input, &outputs).unwrap();
			let pairs: Vec<(PathBuf, olc_primitives::Profile)> =
				outputs.into_iter().zip(ladder.iter().cloned()).collect();
			for ((_, profile), report) in pairs.iter().zip(check_all(input, &pairs)) {
				let rung = profile.name_str().unwrap();
				table.push(row(name, &format!("honest {preset}"), rung, &report));
				honest_reports.push((
					format!("{name} {preset} {rung}"),
					report,
					profile.bitrate_kbps,
				));
			}
		}
		// Dishonest renditions of the 240p and 480p rungs (the ffmpeg CLI, veryfast).
		for profile in ladder.iter().filter(|p| p.height <= 480 && p.height != 360) {
			let rung = profile.name_str().unwrap();
			let (w, h, kbps) = (profile.width, profile.height, profile.bitrate_kbps);
			let scale = format!("scale={w}:{h}");
			let rate = format!("{kbps}k");
			let over = format!("{}k", kbps * 6);
			// A really different picture: grain and fades are testsrc2 too (the motion source is
			// their picture without grain or fade, i.e. an honest rendition of it, not a cheat).
			let substitute_name = if *name == "fractal" { "text" } else { "fractal" };
			let other = &sources.iter().find(|(other, _)| *other == substitute_name).unwrap().1;
			let cases: Vec<Case> = vec![
				(
					"grayscale",
					vec!["-vf".into(), format!("{scale},hue=s=0"), "-b:v".into(), rate.clone()],
					|f| matches!(f, CheckFailure::ColourMismatch { .. }),
				),
				(
					"hue shift",
					vec!["-vf".into(), format!("{scale},hue=h=60"), "-b:v".into(), rate.clone()],
					|f| matches!(f, CheckFailure::ColourMismatch { .. }),
				),
				(
					"tint",
					vec![
						"-vf".into(),
						format!("{scale},lutyuv=u=val+16:v=val-16"),
						"-b:v".into(),
						rate.clone(),
					],
					|f| matches!(f, CheckFailure::ColourMismatch { .. }),
				),
				(
					"audio dropped",
					vec!["-vf".into(), scale.clone(), "-b:v".into(), rate.clone(), "-an".into()],
					|f| matches!(f, CheckFailure::AudioMissing),
				),
				(
					"padded",
					vec![
						"-vf".into(),
						scale.clone(),
						"-b:v".into(),
						rate.clone(),
						"-minrate".into(),
						rate.clone(),
						"-maxrate".into(),
						rate.clone(),
						"-bufsize".into(),
						rate.clone(),
						"-x264-params".into(),
						"nal-hrd=cbr:qpmin=51".into(),
					],
					|f| matches!(f, CheckFailure::BitrateTooLow { .. }),
				),
				(
					"over bitrate",
					vec![
						"-vf".into(),
						scale.clone(),
						"-b:v".into(),
						over.clone(),
						"-minrate".into(),
						over.clone(),
						"-maxrate".into(),
						over.clone(),
						"-bufsize".into(),
						over.clone(),
						"-x264-params".into(),
						"nal-hrd=cbr".into(),
					],
					|f| matches!(f, CheckFailure::BitrateTooHigh { .. }),
				),
				(
					"15 fps as 30",
					vec![
						"-vf".into(),
						format!("{scale},fps=15,fps=30"),
						"-b:v".into(),
						rate.clone(),
					],
					|f| matches!(f, CheckFailure::RepeatedFrames { .. }),
				),
			];
			for (case, args, expected) in cases {
				let output =
					dir.path().join(format!("{name}-{rung}-{}.ts", case.replace(' ', "_")));
				run(Command::new("ffmpeg")
					.args(["-v", "error", "-y", "-i"])
					.arg(input)
					.args(&args)
					.args([
						"-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a",
						"copy", "-f", "mpegts",
					])
					.arg(&output));
				let report = check_all(input, &[(output, profile.clone())]).remove(0);
				table.push(row(name, case, rung, &report));
				// Frames repeated where the input barely moves (a slow zoom) are not detectable
				// by the motion check; such cases are shown in the table, not counted.
				let undetectable = case == "15 fps as 30" && report.moving_frames == 0;
				if !undetectable && !report.failures.iter().any(expected) {
					wrongly_passed.push(format!("{name} {rung} {case}: {report:?}"));
				}
				dishonest_scores.push((case.to_string(), report, kbps));
			}
			// Other content: the same rung of another source, honestly encoded.
			let substitute = dir.path().join(format!("{name}-{rung}-other.ts"));
			run(Command::new("ffmpeg")
				.args(["-v", "error", "-y", "-i"])
				.arg(other)
				.args([
					"-vf", &scale, "-b:v", &rate, "-c:v", "libx264", "-preset", "veryfast",
					"-pix_fmt", "yuv420p", "-c:a", "copy", "-f", "mpegts",
				])
				.arg(&substitute));
			let report = check_all(input, &[(substitute, profile.clone())]).remove(0);
			table.push(row(name, "other content", rung, &report));
			if !report
				.failures
				.iter()
				.any(|f| matches!(f, CheckFailure::PictureMismatch { .. }))
			{
				wrongly_passed.push(format!("{name} {rung} other content: {report:?}"));
			}
			dishonest_scores.push(("other content".into(), report, kbps));
		}
	}

	// The margins: the worst honest score of each measure against its threshold and the best
	// dishonest score of the case it is meant to catch.
	let honest = || honest_reports.iter().map(|(_, r, _)| r);
	let min = |values: &mut dyn Iterator<Item = f64>| values.fold(f64::INFINITY, f64::min);
	let max = |values: &mut dyn Iterator<Item = f64>| values.fold(f64::NEG_INFINITY, f64::max);
	let dishonest = |case: &'static str| {
		dishonest_scores.iter().filter(move |(c, ..)| c == case).map(|(_, r, _)| r)
	};
	use olc_transcoder::check::*;
	let summary = [
		format!("| SSIM mean (min {MIN_MEAN_SSIM}) | honest min {:.3} | other content max {:.3} |",
			min(&mut honest().map(|r| r.mean_ssim)), max(&mut dishonest("other content").map(|r| r.mean_ssim))),
		format!("| SSIM worst frame (min {MIN_FRAME_SSIM}) | honest min {:.3} | other content max {:.3} |",
			min(&mut honest().map(|r| r.worst_ssim)), max(&mut dishonest("other content").map(|r| r.worst_ssim))),
		format!("| chroma error mean (max {MAX_CHROMA_ERROR}) | honest max {:.2} | grayscale / hue / tint min {:.2} / {:.2} / {:.2} |",
			max(&mut honest().map(|r| r.chroma_error)), min(&mut dishonest("grayscale").map(|r| r.chroma_error)),
			min(&mut dishonest("hue shift").map(|r| r.chroma_error)), min(&mut dishonest("tint").map(|r| r.chroma_error))),
		format!("| chroma error worst frame (max {MAX_FRAME_CHROMA_ERROR}) | honest max {:.2} | grayscale / hue / tint min {:.2} / {:.2} / {:.2} |",
			max(&mut honest().map(|r| r.worst_chroma_error)), min(&mut dishonest("grayscale").map(|r| r.worst_chroma_error)),
			min(&mut dishonest("hue shift").map(|r| r.worst_chroma_error)), min(&mut dishonest("tint").map(|r| r.worst_chroma_error))),
		format!("| repeated frames (max {MAX_REPEATED_FRAMES} + moving/{REPEATED_PER_MOVING}) | honest max {:.0} | 15 fps as 30 min {:.0} (of {:.0} moving) |",
			max(&mut honest().map(|r| r.repeated_frames as f64)), min(&mut dishonest("15 fps as 30").map(|r| r.repeated_frames as f64)),
			min(&mut dishonest("15 fps as 30").map(|r| r.moving_frames as f64))),
		format!("| picture bitrate / profile (min {MIN_BITRATE_FRACTION}) | honest min {:.2} | padded max {:.2} |",
			min(&mut honest_reports.iter().map(|(_, r, k)| r.picture_kbps / f64::from(*k))),
			max(&mut dishonest_scores.iter().filter(|(c, ..)| c == "padded").map(|(_, r, k)| r.picture_kbps / f64::from(*k)))),
		format!("| video bitrate / profile (max {MAX_BITRATE_FACTOR}) | honest max {:.2} | over bitrate min {:.2} |",
			max(&mut honest_reports.iter().map(|(_, r, k)| r.output_kbps / f64::from(*k))),
			min(&mut dishonest_scores.iter().filter(|(c, ..)| c == "over bitrate").map(|(_, r, k)| r.output_kbps / f64::from(*k)))),
		format!("| audio level difference dB (max {MAX_AUDIO_LEVEL_DB}) | honest max {:.1} | audio dropped: no audio |",
			max(&mut honest().filter_map(|r| r.audio_level_difference_db))),
	];
	println!(
		"\nChecker calibration: {} honest renditions, {} dishonest\n",
		honest_reports.len(),
		dishonest_scores.len()
	);
	println!("| measure (threshold) | honest | dishonest |\n|---|---|---|");
	for line in &summary {
		println!("{line}");
	}
	println!();
	for line in &table {
		println!("{line}");
	}
	let rejected: Vec<String> = honest_reports
		.iter()
		.filter(|(_, r, _)| !r.passed())
		.map(|(label, r, _)| format!("{label}: {:?}", r.failures))
		.collect();
	println!(
		"\nhonest rejected: {} of {}; dishonest passed: {} of {}",
		rejected.len(),
		honest_reports.len(),
		wrongly_passed.len(),
		dishonest_scores.len()
	);
	assert!(rejected.is_empty(), "honest renditions rejected:\n{}", rejected.join("\n"));
	assert!(
		wrongly_passed.is_empty(),
		"dishonest renditions not caught:\n{}",
		wrongly_passed.join("\n")
	);
}
