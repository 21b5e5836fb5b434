//! `olc-transcoder transcode`: the ladder over local segment files.

use super::DEFAULT_PRESET;
use anyhow::Context as _;
use clap::Args;
use olc_transcoder::ladder::{LadderConfig, SegmentJob, StreamTranscoder};
use std::{path::PathBuf, process::ExitCode};

/// Transcode segments of one stream, in order, into the default ladder with one encoder session
/// per rendition (as the service does); outputs go to OUT_DIR/{profile}/{index}.ts, or
/// OUT_DIR/{profile}.ts for a single input. Prints one line per rendition written.
#[derive(Args)]
pub struct TranscodeCmd {
	/// The input segments (MPEG-TS or any demuxable file), in stream order.
	#[arg(long, required = true, num_args = 1..)]
	input: Vec<PathBuf>,
	/// Directory for the renditions (created if missing).
	#[arg(long)]
	out_dir: PathBuf,
	/// x264 preset of every rendition.
	#[arg(long, default_value = DEFAULT_PRESET)]
	preset: String,
}

impl TranscodeCmd {
	pub fn run(self) -> anyhow::Result<ExitCode> {
		let mut ladder = LadderConfig::default_ladder();
		ladder.x264.preset = self.preset;
		let names: Vec<String> = ladder
			.profiles
			.iter()
			.map(|p| p.name_str().unwrap_or("unnamed").to_string())
			.collect();
		std::fs::create_dir_all(&self.out_dir)?;
		let single = self.input.len() == 1;
		if !single {
			for name in &names {
				std::fs::create_dir_all(self.out_dir.join(name))?;
			}
		}
		let jobs: Vec<SegmentJob> = self
			.input
			.iter()
			.enumerate()
			.map(|(index, segment)| SegmentJob {
				input: segment.clone(),
				outputs: names
					.iter()
					.map(|name| {
						if single {
							self.out_dir.join(format!("{name}.ts"))
						} else {
							self.out_dir.join(name).join(format!("{index}.ts"))
						}
					})
					.collect(),
			})
			.collect();
		// All segments in one pipeline: the next is decoded while the last is encoded.
		let mut transcoder = StreamTranscoder::new(ladder)?;
		for (job, result) in jobs.iter().zip(transcoder.transcode_segments(&jobs)) {
			let result = result.with_context(|| format!("segment {}", job.input.display()))?;
			for output in result.outputs {
				println!(
					"{} {}x{} {} frames -> {}",
					output.profile_name,
					output.width,
					output.height,
					output.frames,
					output.path.display()
				);
			}
		}
		Ok(ExitCode::SUCCESS)
	}
}
