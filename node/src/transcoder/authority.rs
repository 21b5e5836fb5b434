//! The chain's answer to "may this segment be transcoded here, and into what?" for the service:
//! a segment is accepted only for a stream that has an open job assigned to this transcoder at
//! the best block, signed by the stream's segment key, at a price within the job's maximum; it is
//! transcoded into that job's profiles.

use super::{chain::Chain, metrics::Metrics};
use olc_primitives::{StreamId, TranscodeReceipt};
use olc_runtime::AccountId;
use olc_transcoder::server::{AuthError, StreamAuthority, StreamTerms};
use pallet_jobs::JobStatus;
use sp_core::H256;
use std::{collections::HashMap, sync::Mutex, time::Duration};

/// A cached answer (answers are valid for one best block).
#[derive(Clone)]
enum Answer {
	Terms(StreamTerms),
	UnknownStream,
	NotAssigned,
}

/// [`StreamAuthority`] over the node's client.
pub struct ChainAuthority {
	chain: Chain,
	me: AccountId,
	metrics: Metrics,
	cache: Mutex<(H256, HashMap<StreamId, Answer>)>,
}

impl ChainAuthority {
	pub fn new(chain: Chain, me: AccountId, metrics: Metrics) -> Self {
		Self { chain, me, metrics, cache: Mutex::new((H256::zero(), HashMap::new())) }
	}

	fn lookup(&self, at: H256, stream_id: &StreamId) -> Result<Answer, AuthError> {
		let unavailable = |e: super::chain::ApiError| AuthError::Unavailable(e.to_string());
		let Some(stream) = self.chain.stream(at, *stream_id).map_err(unavailable)? else {
			return Ok(Answer::UnknownStream);
		};
		// Segments must be signed by the key the stream recorded at creation: the chain checks
		// receipts against it, so a segment signed by any other key could not be proven.
		let broadcaster = stream.segment_key;
		for job_id in stream.open_jobs.iter().copied() {
			let Some(job) = self.chain.job(at, job_id).map_err(unavailable)? else { continue };
			let Some(assignment) = &job.assignment else { continue };
			if job.status == JobStatus::Assigned
				&& assignment.transcoder == self.me
				&& assignment.price_per_segment <= job.max_price_per_segment
			{
				return Ok(Answer::Terms(StreamTerms {
					job_id,
					profiles: job.profiles.to_vec(),
					broadcaster,
				}));
			}
		}
		Ok(Answer::NotAssigned)
	}
}

impl StreamAuthority for ChainAuthority {
	fn terms(&self, stream_id: &StreamId) -> Result<StreamTerms, AuthError> {
		let (best, _) = self.chain.best();
		let cached = self.cache.lock().ok().and_then(|cache| {
			if cache.0 == best {
				cache.1.get(stream_id).cloned()
			} else {
				None
			}
		});
		let answer = match cached {
			Some(answer) => answer,
			None => {
				let answer = self.lookup(best, stream_id)?;
				if let Ok(mut cache) = self.cache.lock() {
					if cache.0 != best {
						*cache = (best, HashMap::new());
					}
					cache.1.insert(*stream_id, answer.clone());
				}
				answer
			},
		};
		match answer {
			Answer::Terms(terms) => Ok(terms),
			Answer::UnknownStream => Err(AuthError::UnknownStream),
			Answer::NotAssigned => Err(AuthError::NotAssigned),
		}
	}

	fn transcoded(
		&self,
		terms: &StreamTerms,
		receipt: &TranscodeReceipt,
		transcode_time: Duration,
	) {
		self.metrics.segments_transcoded.inc();
		self.metrics.transcode_seconds.observe(transcode_time.as_secs_f64());
		log::debug!(
			target: "olc-transcoder",
			"job {}: segment {} transcoded into {} renditions in {} ms",
			terms.job_id,
			receipt.seq(),
			terms.profiles.len(),
			transcode_time.as_millis()
		);
	}

	/// A stream's playlists end (`EXT-X-ENDLIST`) once the chain no longer has an open job of it
	/// assigned here: it ended, was banned, or its job went to another transcoder. Answered
	/// from the per-block cache, so at most one lookup per stream and block.
	fn ended(&self, stream_id: &StreamId) -> bool {
		!matches!(self.terms(stream_id), Ok(_) | Err(AuthError::Unavailable(_)))
	}

	fn refused(&self, reason: &str) {
		// The service logs the refusal with its details; this counts it by name.
		let name = reason.split(':').next().unwrap_or("Other");
		self.metrics.segments_refused.with_label_values(&[name]).inc();
	}
}
