//! `olc-transcoder check`: the content checker on local files.

use super::find_profile;
use anyhow::{bail, Context as _};
use clap::Args;
use olc_transcoder::check;
use std::{path::PathBuf, process::ExitCode};

/// Decide whether outputs are honest renditions of an input for ladder profiles (repeat
/// `--profile` and `--output` in pairs to check several renditions of one segment, as a verifier
/// does). Exit code 0: honest, 1: not honest (reasons printed), 2: could not check.
#[derive(Args)]
pub struct CheckCmd {
	/// The input segment the renditions were made from.
	#[arg(long)]
	input: PathBuf,
	/// Profile name from the default ladder (720p, 480p, 360p, 240p); one per `--output`.
	#[arg(long, required = true)]
	profile: Vec<String>,
	/// A rendition to check; one per `--profile`, in the same order.
	#[arg(long, required = true)]
	output: Vec<PathBuf>,
	/// Compare the picture of this profile only (as a committee member does); default: all.
	#[arg(long)]
	picture: Option<String>,
	/// 64 hex digits choosing the compared frames (a committee's sample seed); default: spread
	/// evenly over the segment.
	#[arg(long)]
	seed: Option<String>,
}

impl CheckCmd {
	pub fn run(self) -> anyhow::Result<ExitCode> {
		let Self { input, profile, output, picture, seed } = self;
		if profile.len() != output.len() {
			bail!("{} --profile for {} --output: give them in pairs", profile.len(), output.len());
		}
		let profiles = profile
			.iter()
			.map(|name| find_profile(name))
			.collect::<anyhow::Result<Vec<_>>>()?;
		if let Some(name) = &picture {
			if !profile.contains(name) {
				bail!("--picture {name} is not one of the checked profiles");
			}
		}
		let sampling = match seed {
			Some(hex_seed) => {
				let bytes =
					hex::decode(hex_seed.trim_start_matches("0x")).context("--seed is not hex")?;
				check::Sampling::Seeded(
					bytes.try_into().map_err(|_| anyhow::anyhow!("--seed must be 32 bytes"))?,
				)
			},
			None => check::Sampling::Spread,
		};
		let renditions: Vec<check::RenditionToCheck> = profiles
			.iter()
			.zip(&output)
			.zip(&profile)
			.map(|((profile, output), name)| check::RenditionToCheck {
				output,
				profile,
				picture: picture.as_ref().is_none_or(|p| p == name),
			})
			.collect();
		let reports = check::check_segment(&input, &renditions, sampling)?;
		let mut honest = true;
		for (name, report) in profile.iter().zip(&reports) {
			let picture = if report.picture_checked {
				format!(
					"SSIM mean {:.4} worst {:.4} over {} frames, chroma error {:.2} worst {:.2}, {} of {} moving frames repeated, picture {:.0} kbps",
					report.mean_ssim,
					report.worst_ssim,
					report.frames_compared,
					report.chroma_error,
					report.worst_chroma_error,
					report.repeated_frames,
					report.moving_frames,
					report.picture_kbps,
				)
			} else {
				"picture not compared".to_string()
			};
			println!(
				"{name}: expected {}x{}, output {}x{} {:.3} fps {:.3} s (input {:.3} s) {:.0} kbps, {picture}",
				report.expected_width,
				report.expected_height,
				report.output_width,
				report.output_height,
				report.output_fps,
				report.output_duration,
				report.input_duration,
				report.output_kbps,
			);
			for failure in &report.failures {
				println!("FAIL: {name}: {failure}");
			}
			honest &= report.passed();
		}
		if honest {
			println!("PASS: honest rendition{}", if reports.len() > 1 { "s" } else { "" });
			Ok(ExitCode::SUCCESS)
		} else {
			Ok(ExitCode::from(1))
		}
	}
}
