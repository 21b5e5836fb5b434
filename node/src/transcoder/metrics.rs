//! The worker's Prometheus metrics, `olc_transcoder_*`, on the node's registry (served with the
//! node's own metrics, `--prometheus-port`, which prefixes every name with `substrate_`). Without a registry (`--no-prometheus`) they are
//! kept but not exported.

use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Histogram, HistogramOpts, Opts, PrometheusError,
	Registry, F64, U64,
};

/// Counters and gauges of the worker.
#[derive(Clone)]
pub struct Metrics {
	pub segments_transcoded: Counter<U64>,
	pub segments_refused: CounterVec<U64>,
	pub transcode_seconds: Histogram,
	pub claims: CounterVec<U64>,
	pub claimed_segments: Counter<U64>,
	pub proofs: CounterVec<U64>,
	pub verdicts: CounterVec<U64>,
	pub checks: Counter<U64>,
	pub checks_failed: Counter<U64>,
	pub check_cpu_seconds: Counter<F64>,
	pub pending_fees: Gauge<F64>,
	pub withdrawn_fees: Counter<F64>,
	pub slashes: Counter<U64>,
	pub missed_reported: Counter<U64>,
	pub slashed_stake: Counter<F64>,
	pub active: Gauge<U64>,
	pub jobs: Gauge<U64>,
}

impl Metrics {
	/// New metrics, registered with `registry` if there is one.
	pub fn new(registry: Option<&Registry>) -> Result<Self, PrometheusError> {
		let metrics = Self {
			segments_transcoded: Counter::new(
				"olc_transcoder_segments_transcoded_total",
				"Segments transcoded into a job's renditions (receipt signed)",
			)?,
			segments_refused: CounterVec::new(
				Opts::new("olc_transcoder_segments_refused_total", "Segments refused, by reason"),
				&["reason"],
			)?,
			transcode_seconds: Histogram::with_opts(
				HistogramOpts::new(
					"olc_transcoder_transcode_seconds",
					"Wall time to transcode one segment into all renditions",
				)
				.buckets(vec![0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0]),
			)?,
			claims: CounterVec::new(
				Opts::new("olc_transcoder_claims_total", "Claims submitted, by outcome"),
				&["outcome"],
			)?,
			claimed_segments: Counter::new(
				"olc_transcoder_claimed_segments_total",
				"Segments covered by claims included on chain",
			)?,
			proofs: CounterVec::new(
				Opts::new("olc_transcoder_proofs_total", "Proof submissions, by outcome"),
				&["outcome"],
			)?,
			verdicts: CounterVec::new(
				Opts::new(
					"olc_transcoder_verdicts_total",
					"Verdicts submitted as a verifier, by vote",
				),
				&["vote"],
			)?,
			checks: Counter::new(
				"olc_transcoder_content_checks_total",
				"Segments fetched from a claimant and checked as a verifier",
			)?,
			checks_failed: Counter::new(
				"olc_transcoder_content_checks_failed_total",
				"Checked segments found wrong (hash mismatch, unreachable or content check failed)",
			)?,
			check_cpu_seconds: Counter::new(
				"olc_transcoder_check_cpu_seconds_total",
				"CPU time of the threads running content checks (hashing, decoding, comparing)",
			)?,
			pending_fees: Gauge::new(
				"olc_transcoder_pending_fees_olc",
				"Fees earned and not yet withdrawn, in OLC",
			)?,
			withdrawn_fees: Counter::new(
				"olc_transcoder_withdrawn_fees_olc_total",
				"Fees withdrawn by the worker, in OLC",
			)?,
			slashes: Counter::new(
				"olc_transcoder_slashes_total",
				"Slashes of this transcoder seen on chain",
			)?,
			missed_reported: Counter::new(
				"olc_transcoder_missed_verifications_reported_total",
				"Other transcoders' missed verifications reported by this worker (finder fee)",
			)?,
			slashed_stake: Counter::new(
				"olc_transcoder_slashed_stake_olc_total",
				"Stake slashed from this transcoder, in OLC",
			)?,
			active: Gauge::new("olc_transcoder_active", "1 while in the round's active set")?,
			jobs: Gauge::new("olc_transcoder_jobs", "Open jobs assigned to this transcoder")?,
		};
		if let Some(registry) = registry {
			register(metrics.segments_transcoded.clone(), registry)?;
			register(metrics.segments_refused.clone(), registry)?;
			register(metrics.transcode_seconds.clone(), registry)?;
			register(metrics.claims.clone(), registry)?;
			register(metrics.claimed_segments.clone(), registry)?;
			register(metrics.proofs.clone(), registry)?;
			register(metrics.verdicts.clone(), registry)?;
			register(metrics.checks.clone(), registry)?;
			register(metrics.checks_failed.clone(), registry)?;
			register(metrics.check_cpu_seconds.clone(), registry)?;
			register(metrics.pending_fees.clone(), registry)?;
			register(metrics.withdrawn_fees.clone(), registry)?;
			register(metrics.slashes.clone(), registry)?;
			register(metrics.missed_reported.clone(), registry)?;
			register(metrics.slashed_stake.clone(), registry)?;
			register(metrics.active.clone(), registry)?;
			register(metrics.jobs.clone(), registry)?;
		}
		Ok(metrics)
	}
}

/// An amount of plancks as OLC (12 decimals), for gauges.
pub fn olc(amount: u128) -> f64 {
	amount as f64 / 1e12
}
