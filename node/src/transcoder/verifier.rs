//! The verifier's check of a segment it sits on the committee of: fetch the input and every
//! rendition from the claimant's service, compare their hashes with those stored on chain (from
//! the claimant's receipt), and run the content checker of `olc_transcoder::check` over the
//! segment: every rendition's codec, size, frame rate, duration; the picture (SSIM against the
//! input, and the bitrate floor) of one rendition, chosen with the frames it compares by the
//! duty's sample seed (from the claim's challenge seed: the same for every committee member,
//! unknown to the claimant when it claimed). The vote is `true` only if every step passed; an
//! unreachable claimant is a `false` vote after retries. Checks run one at a time on a blocking
//! thread, each bounded in time (the caller's timeout) and in memory (the checker's own bounds
//! and a size limit on every download).

use olc_primitives::{blake2_256, Hash256, Profile, StreamId};
use olc_transcoder::check::{check_segment, RenditionToCheck, Sampling};
use std::{
	path::{Path, PathBuf},
	time::{Duration, Instant},
};

/// Largest file a verifier downloads (inputs are at most 16 MiB; renditions are smaller).
const MAX_DOWNLOAD: u64 = 32 * 1024 * 1024;
/// Attempts per download, with 1 s, 2 s, 4 s between them.
const ATTEMPTS: u32 = 4;

/// What the verifier decided and why.
#[derive(Debug, Clone)]
pub struct CheckResult {
	pub ok: bool,
	/// "honest" or the first reason the segment failed.
	pub reason: String,
	/// CPU time of the checking thread: hashing, decoding and comparing (the checker decodes on
	/// this one thread; downloads run on the HTTP client's own thread and are not counted).
	pub cpu: Duration,
	pub wall: Duration,
}

/// One segment to check.
pub struct Duty {
	/// Chooses the rendition whose picture is compared, and its frames.
	pub sample_seed: Hash256,
	pub service_uri: String,
	pub stream_id: StreamId,
	pub seq: u64,
	pub input_hash: Hash256,
	pub output_hashes: Vec<Hash256>,
	pub profiles: Vec<Profile>,
}

/// Downloads and checks; `work_dir` holds the files of one check at a time.
pub struct Verifier {
	work_dir: PathBuf,
	client: reqwest::blocking::Client,
}

impl Verifier {
	pub fn new(work_dir: PathBuf) -> Result<Self, String> {
		std::fs::create_dir_all(&work_dir)
			.map_err(|e| format!("cannot create {}: {e}", work_dir.display()))?;
		let client = reqwest::blocking::Client::builder()
			.timeout(Duration::from_secs(20))
			.build()
			.map_err(|e| format!("cannot build the HTTP client: {e}"))?;
		Ok(Self { work_dir, client })
	}

	/// Checks `duty` (blocking).
	pub fn check(&self, duty: &Duty) -> CheckResult {
		let started = Instant::now();
		let cpu_before = thread_cpu();
		let dir =
			self.work_dir
				.join(format!("{}-{}", hex::encode(&duty.stream_id.0[..8]), duty.seq));
		let outcome = self.check_in(duty, &dir);
		let _ = std::fs::remove_dir_all(&dir);
		let (ok, reason) = match outcome {
			Ok(()) => (true, "honest".to_string()),
			Err(reason) => (false, reason),
		};
		CheckResult {
			ok,
			reason,
			cpu: thread_cpu().saturating_sub(cpu_before),
			wall: started.elapsed(),
		}
	}

	fn check_in(&self, duty: &Duty, dir: &Path) -> Result<(), String> {
		if duty.output_hashes.len() != duty.profiles.len() {
			return Err(format!(
				"{} output hashes for {} profiles",
				duty.output_hashes.len(),
				duty.profiles.len()
			));
		}
		if duty.service_uri.is_empty() {
			return Err("the claimant has no service URI".into());
		}
		std::fs::create_dir_all(dir)
			.map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
		let base = format!(
			"{}/hls/0x{}",
			duty.service_uri.trim_end_matches('/'),
			hex::encode(duty.stream_id.0)
		);
		let input = self.fetch(&format!("{base}/source/{}.ts", duty.seq))?;
		if blake2_256(&input) != duty.input_hash {
			return Err("the served input is not the segment the broadcaster signed".into());
		}
		let input_path = dir.join("input.ts");
		std::fs::write(&input_path, &input).map_err(|e| format!("cannot store the input: {e}"))?;
		let mut outputs = Vec::with_capacity(duty.profiles.len());
		for (profile, expected) in duty.profiles.iter().zip(&duty.output_hashes) {
			let name = profile.name_str().ok_or("a profile name is not UTF-8")?;
			let output = self.fetch(&format!("{base}/{name}/{}.ts", duty.seq))?;
			if blake2_256(&output) != *expected {
				return Err(format!("the served {name} rendition is not the one in the receipt"));
			}
			let output_path = dir.join(format!("{name}.ts"));
			std::fs::write(&output_path, &output)
				.map_err(|e| format!("cannot store the {name} rendition: {e}"))?;
			outputs.push((name, output_path));
		}
		let mut word = [0u8; 8];
		word.copy_from_slice(duty.sample_seed.get(..8).unwrap_or(&[0; 8]));
		let pictured = (u64::from_le_bytes(word) % duty.profiles.len().max(1) as u64) as usize;
		let renditions: Vec<RenditionToCheck> = duty
			.profiles
			.iter()
			.zip(&outputs)
			.enumerate()
			.map(|(index, (profile, (_, output)))| RenditionToCheck {
				output: output.as_path(),
				profile,
				picture: index == pictured,
			})
			.collect();
		let reports = check_segment(&input_path, &renditions, Sampling::Seeded(duty.sample_seed))
			.map_err(|e| format!("not checkable: {e}"))?;
		for ((name, _), report) in outputs.iter().zip(&reports) {
			if !report.passed() {
				let failures: Vec<String> =
					report.failures.iter().map(ToString::to_string).collect();
				return Err(format!("{name}: {}", failures.join("; ")));
			}
		}
		Ok(())
	}

	/// GET `url` with retries; the body must fit [`MAX_DOWNLOAD`].
	fn fetch(&self, url: &str) -> Result<Vec<u8>, String> {
		let mut last_error = String::new();
		for attempt in 0..ATTEMPTS {
			if attempt > 0 {
				std::thread::sleep(Duration::from_secs(1u64 << (attempt - 1)));
			}
			match self.client.get(url).send() {
				Ok(response) if response.status().is_success() => {
					if response.content_length().is_some_and(|len| len > MAX_DOWNLOAD) {
						return Err(format!("{url}: larger than {MAX_DOWNLOAD} bytes"));
					}
					let mut body = Vec::new();
					use std::io::Read;
					response
						.take(MAX_DOWNLOAD + 1)
						.read_to_end(&mut body)
						.map_err(|e| format!("{url}: {e}"))?;
					if body.len() as u64 > MAX_DOWNLOAD {
						return Err(format!("{url}: larger than {MAX_DOWNLOAD} bytes"));
					}
					return Ok(body);
				},
				// A missing file will not appear by retrying.
				Ok(response) if response.status() == reqwest::StatusCode::NOT_FOUND => {
					return Err(format!("{url}: 404 (not served)"));
				},
				Ok(response) => last_error = format!("{url}: {}", response.status()),
				Err(error) => last_error = format!("{url}: {error}"),
			}
		}
		Err(format!("unreachable after {ATTEMPTS} attempts: {last_error}"))
	}
}

/// CPU time (user + system) of this process so far, from /proc (zero where there is none).
/// CPU time of the calling thread so far: the first field of /proc/thread-self/schedstat, in
/// nanoseconds (zero where that file does not exist).
fn thread_cpu() -> Duration {
	std::fs::read_to_string("/proc/thread-self/schedstat")
		.ok()
		.and_then(|line| line.split_whitespace().next()?.parse::<u64>().ok())
		.map_or(Duration::ZERO, Duration::from_nanos)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn thread_cpu_counts_this_threads_work_only() {
		let before = thread_cpu();
		let mut x = 0u64;
		for i in 0..50_000_000u64 {
			x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
		}
		assert!(x != 1);
		let busy = thread_cpu().saturating_sub(before);
		assert!(busy > Duration::from_millis(1), "{busy:?}");
		// Another thread's work is not counted here.
		let before = thread_cpu();
		std::thread::spawn(|| {
			let mut y = 0u64;
			for i in 0..200_000_000u64 {
				y = std::hint::black_box(y.wrapping_mul(31).wrapping_add(i));
			}
		})
		.join()
		.unwrap();
		assert!(thread_cpu().saturating_sub(before) < busy, "the other thread's work was counted");
	}
}
