//! `olc-transcoder claim` and `proofs`: a transcoder's receipts turned into what the chain takes.

use super::{hex0x, parse_public, parse_stream_id};
use anyhow::{bail, Context as _};
use clap::Args;
use codec::{Decode as _, Encode as _};
use olc_primitives::{StreamId, TranscodeReceipt};
use serde::Serialize;
use std::process::ExitCode;

/// Fetch the receipts of segments FROM..=TO of a stream from a transcoder service, verify them,
/// and print (JSON) the Merkle root to claim the work with on chain
/// (`jobs.claimWork(jobId, from, to, merkleRoot)`). Fails if a receipt is missing, does not
/// verify, or belongs to another stream, segment or transcoder.
#[derive(Args)]
pub struct ClaimCmd {
	/// The transcoder service's base URL, e.g. http://127.0.0.1:8935.
	#[arg(long)]
	service: String,
	/// Stream id (64 hex digits).
	#[arg(long)]
	stream_id: String,
	/// First segment of the claim.
	#[arg(long)]
	from: u64,
	/// Last segment of the claim (inclusive).
	#[arg(long)]
	to: u64,
	/// Expected transcoder public key (hex); default: whoever signed the first receipt.
	#[arg(long)]
	transcoder: Option<String>,
}

/// What `claim` prints.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClaimOutput {
	stream_id: String,
	start_seq: u64,
	end_seq: u64,
	segments: usize,
	profiles: usize,
	transcoder: String,
	merkle_root: String,
}

impl ClaimCmd {
	pub fn run(self) -> anyhow::Result<ExitCode> {
		let stream_id = parse_stream_id(&self.stream_id)?;
		let expected = self.transcoder.as_deref().map(parse_public).transpose()?;
		let receipts = fetch_receipts(&self.service, stream_id, self.from, self.to, expected)?;
		let root = olc_primitives::merkle::root(&receipts)
			.map_err(|error| anyhow::anyhow!("cannot build the Merkle tree: {error:?}"))?;
		let first = receipts.first().context("no receipts")?;
		let output = ClaimOutput {
			stream_id: hex0x(stream_id.0),
			start_seq: self.from,
			end_seq: self.to,
			segments: receipts.len(),
			profiles: first.body.output_hashes.len(),
			transcoder: hex0x(first.body.transcoder.0),
			merkle_root: hex0x(root),
		};
		println!("{}", serde_json::to_string(&output)?);
		Ok(ExitCode::SUCCESS)
	}
}

/// Fetch and verify the receipts of a claimed range FROM..=TO (as `claim` does) and print (JSON)
/// the proofs of the challenged segments for `verification.submitProofs`: the hex SCALE encoding
/// of the list of (receipt, Merkle proof) pairs, in the order given.
#[derive(Args)]
pub struct ProofsCmd {
	/// The transcoder service's base URL.
	#[arg(long)]
	service: String,
	/// Stream id (64 hex digits).
	#[arg(long)]
	stream_id: String,
	/// First segment of the claim.
	#[arg(long)]
	from: u64,
	/// Last segment of the claim (inclusive).
	#[arg(long)]
	to: u64,
	/// The challenged segments, comma-separated (e.g. 3,17).
	#[arg(long, value_delimiter = ',', required = true)]
	segments: Vec<u64>,
}

/// What `proofs` prints.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProofsOutput {
	stream_id: String,
	proofs: usize,
	/// SCALE of `Vec<(TranscodeReceipt, MerkleProof)>`, 0x-hex.
	encoded: String,
}

impl ProofsCmd {
	pub fn run(self) -> anyhow::Result<ExitCode> {
		let (from, to) = (self.from, self.to);
		let stream_id = parse_stream_id(&self.stream_id)?;
		let receipts = fetch_receipts(&self.service, stream_id, from, to, None)?;
		let mut proofs = Vec::with_capacity(self.segments.len());
		for seq in self.segments {
			if seq < from || seq > to {
				bail!("segment {seq} is outside the claim {from}..={to}");
			}
			let index = u32::try_from(seq - from).context("claim too long")?;
			let proof = olc_primitives::merkle::proof(&receipts, index)
				.map_err(|error| anyhow::anyhow!("segment {seq}: no proof: {error:?}"))?;
			let receipt = receipts.get(index as usize).context("receipt missing")?.clone();
			proofs.push((receipt, proof));
		}
		let output = ProofsOutput {
			stream_id: hex0x(stream_id.0),
			proofs: proofs.len(),
			encoded: hex0x(proofs.encode()),
		};
		println!("{}", serde_json::to_string(&output)?);
		Ok(ExitCode::SUCCESS)
	}
}

/// The verified receipts of segments `from..=to` of `stream_id`, in order.
fn fetch_receipts(
	service: &str,
	stream_id: StreamId,
	from: u64,
	to: u64,
	expected_transcoder: Option<sp_core::sr25519::Public>,
) -> anyhow::Result<Vec<TranscodeReceipt>> {
	if to < from {
		bail!("empty range: --to {to} is below --from {from}");
	}
	let client = reqwest::blocking::Client::new();
	let base = format!("{}/receipts/0x{}", service.trim_end_matches('/'), hex::encode(stream_id.0));
	let mut transcoder = expected_transcoder;
	let mut receipts = Vec::new();
	for seq in from..=to {
		let response = client
			.get(format!("{base}/{seq}"))
			.send()
			.with_context(|| format!("cannot reach {service}"))?;
		let status = response.status();
		let body = response
			.text()
			.with_context(|| format!("receipt {seq}: cannot read the body"))?;
		if !status.is_success() {
			bail!("receipt {seq}: {status}: {body}");
		}
		let bytes = hex::decode(body.trim()).with_context(|| format!("receipt {seq}: not hex"))?;
		let receipt = TranscodeReceipt::decode(&mut bytes.as_slice())
			.with_context(|| format!("receipt {seq}: not a SCALE receipt"))?;
		receipt.verify().map_err(|error| anyhow::anyhow!("receipt {seq}: {error:?}"))?;
		if receipt.stream_id() != stream_id || receipt.seq() != seq {
			bail!(
				"receipt {seq}: it is for stream {:?} segment {}",
				receipt.stream_id(),
				receipt.seq()
			);
		}
		let signer = *transcoder.get_or_insert(receipt.body.transcoder);
		if receipt.body.transcoder != signer {
			bail!(
				"receipt {seq}: signed by 0x{}, not 0x{}",
				hex::encode(receipt.body.transcoder.0),
				hex::encode(signer.0)
			);
		}
		receipts.push(receipt);
	}
	Ok(receipts)
}
