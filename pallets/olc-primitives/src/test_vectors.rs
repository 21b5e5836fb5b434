//! Fixed receipts and their Merkle root, checked by this crate's tests and by the transcoder's,
//! so the chain side and the media side can never drift apart in encoding or hashing.
//!
//! Keys come from the dev seeds `//Alice` (broadcaster) and `//Bob` (transcoder). sr25519
//! signing is randomized, so the signatures were made once and are committed here as hex; they
//! are real signatures and every vector receipt verifies.

use crate::{
	blake2_256, merkle, Hash256, ReceiptBody, SegmentHeader, SignedSegmentHeader, StreamId,
	TranscodeReceipt,
};
use sp_core::{bounded::BoundedVec, sr25519, Pair};

/// Dev seed of the broadcaster in the vectors.
pub const BROADCASTER_SEED: &str = "//Alice";
/// Dev seed of the transcoder in the vectors.
pub const TRANSCODER_SEED: &str = "//Bob";
/// Number of vector receipts (odd, so the tree exercises promotion of a last node).
pub const RECEIPT_COUNT: u64 = 5;
/// Profile names the vector receipts have outputs for (the default ladder).
pub const PROFILE_NAMES: [&str; 4] = ["720p", "480p", "360p", "240p"];

/// Merkle root of [`receipts`], hex.
pub const EXPECTED_ROOT_HEX: &str =
	"e385d95d81b9a5b5a090b613c8e3892e51ea5e92a0dc5a6a2c6078455f39c412";

/// (broadcaster signature, transcoder signature) of receipt `seq`, hex.
const SIGNATURES_HEX: [(&str, &str); RECEIPT_COUNT as usize] = [
	("785894379f712461e284945737a2ff6a89145faf3155b49e5fcc2576a8d2f36710aede21e1e7bc96f2c29eccc46fcace5082cd83275e539f9bfacbe657524d88", "de39af3add4e76b9d630d24a5e13e21376fc89e53d16e2e56f5a54ec1aa0eb253dbf9cb53b8f98f97fb7790da7cfcfc526d85c69a2c56f9537ae7fb3f2f56b8f"),
	("0458db86a18b0e621a2639c4fb68b8e5dbd832cffa66e56c67eeb77d06647301f8108a4085bd6f98900e080e348f75eedd4f0309391382224d7305a3f3caa78c", "e48b916e5f8dd6aded5bda4f1c6e734c43fc498196d30b0d38c8a688f112ce75f412a78aacddd47d3be4fd2d4254053742d8946e0092d725e52ee71080d26f8d"),
	("1c2c1925c7b081472e8373c7b85a5164c399447b1c8d2359c10868a1b8b2c930df23c6147e994a38f59507059d67914a6bcc286e4685e142f063cd3360c96d8f", "2473162f9e1757d380a6a065feb5cf041d9f255708161ce832f13709cbf0cc2fefc2486217ed26d1f250460a9d217fe735f8a26f985574c25c57205df758928b"),
	("9a1250b105cb420742b0bc027d34d56f6487befcbb8b5e5058ab0821b7ecb16272217f7c6a231511aaebfb75466338961349092134cab122b87761422469928a", "8a3522a9f43f05e805f0e7218a84ec8fd1cf3b0e9324a4e0e8d1002a0fc318713497499567776a5c772ea050a2f5dfc75bd95c55b0854a31af132be08bb99388"),
	("16ff91b7dd5d0bd8c8ca94544b35446e5155bcfb42e7495ead6ef73ae9f4331caf065713937cb2e9d8e4c291d1d9886ca7f8bd4e54eca3a8e504d89188593c86", "ee6877432efb2f18244d3815066f2dd32a81180386fbe40a664fd9c91402d07a2de6035e9a4fdf01fb7f0e28c6a7377963ac4c5a4c60f526a717ec1a8f34a782"),
];

/// The stream of the vector receipts.
pub fn stream_id() -> StreamId {
	StreamId(blake2_256(b"OLC test vector stream"))
}

/// Stand-in for the bytes of input segment `seq`.
pub fn input_segment(seq: u64) -> Vec<u8> {
	format!("OLC test vector input segment {seq}").into_bytes()
}

/// Stand-in for the bytes of output segment `seq` in profile `profile`.
pub fn output_segment(seq: u64, profile: &str) -> Vec<u8> {
	format!("OLC test vector output segment {seq} {profile}").into_bytes()
}

/// The key pair behind a dev seed.
pub fn dev_pair(seed: &str) -> Option<sr25519::Pair> {
	sr25519::Pair::from_string(seed, None).ok()
}

fn decode_signature(hex: &str) -> Option<sr25519::Signature> {
	let bytes = decode_hex(hex)?;
	let raw: [u8; 64] = bytes.try_into().ok()?;
	Some(sr25519::Signature::from_raw(raw))
}

/// Decodes lowercase or uppercase hex without a prefix.
pub fn decode_hex(hex: &str) -> Option<Vec<u8>> {
	if !hex.len().is_multiple_of(2) {
		return None;
	}
	(0..hex.len())
		.step_by(2)
		.map(|i| u8::from_str_radix(hex.get(i..i.checked_add(2)?)?, 16).ok())
		.collect()
}

/// Encodes bytes as lowercase hex without a prefix.
pub fn encode_hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The unsigned contents of vector receipt `seq`: (header, output hashes).
pub fn receipt_contents(seq: u64) -> Option<(SegmentHeader, Vec<Hash256>)> {
	let header = SegmentHeader {
		stream_id: stream_id(),
		seq,
		duration_ms: 2000,
		segment_hash: blake2_256(&input_segment(seq)),
		broadcaster: dev_pair(BROADCASTER_SEED)?.public(),
	};
	let outputs = PROFILE_NAMES
		.iter()
		.map(|name| blake2_256(&output_segment(seq, name)))
		.collect();
	Some((header, outputs))
}

/// The fixed receipts, with the committed signatures. `None` only if the committed data is
/// malformed (a test catches that).
pub fn receipts() -> Option<Vec<TranscodeReceipt>> {
	let transcoder = dev_pair(TRANSCODER_SEED)?.public();
	(0..RECEIPT_COUNT)
		.zip(SIGNATURES_HEX.iter())
		.map(|(seq, (broadcaster_sig, transcoder_sig))| {
			let (header, outputs) = receipt_contents(seq)?;
			Some(TranscodeReceipt {
				body: ReceiptBody {
					segment: SignedSegmentHeader {
						header,
						signature: decode_signature(broadcaster_sig)?,
					},
					output_hashes: BoundedVec::try_from(outputs).ok()?,
					transcoder,
				},
				transcoder_signature: decode_signature(transcoder_sig)?,
			})
		})
		.collect()
}

/// Merkle root of [`receipts`], computed.
pub fn computed_root() -> Option<Hash256> {
	merkle::root(&receipts()?).ok()
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Prints freshly signed vectors; run with `--ignored --nocapture` to regenerate.
	#[test]
	#[ignore]
	fn print_fresh_signatures() {
		let broadcaster = dev_pair(BROADCASTER_SEED).unwrap();
		let transcoder = dev_pair(TRANSCODER_SEED).unwrap();
		let mut receipts = Vec::new();
		for seq in 0..RECEIPT_COUNT {
			let (header, outputs) = receipt_contents(seq).unwrap();
			let signature = broadcaster.sign(&header.signing_payload());
			let segment = SignedSegmentHeader { header, signature };
			let receipt = TranscodeReceipt::sign(&transcoder, segment, outputs).unwrap();
			println!(
				"\t(\"{}\", \"{}\"),",
				encode_hex(&receipt.body.segment.signature.0),
				encode_hex(&receipt.transcoder_signature.0)
			);
			receipts.push(receipt);
		}
		println!("root {}", encode_hex(&merkle::root(&receipts).unwrap()));
	}

	#[test]
	fn vector_receipts_verify() {
		let receipts = receipts().expect("committed vectors are well-formed");
		assert_eq!(receipts.len() as u64, RECEIPT_COUNT);
		for (seq, receipt) in receipts.iter().enumerate() {
			assert_eq!(receipt.seq(), seq as u64);
			assert_eq!(receipt.verify(), Ok(()), "receipt {seq}");
			assert_eq!(receipt.input_hash(), blake2_256(&input_segment(seq as u64)));
		}
	}

	#[test]
	fn vector_root_is_the_committed_one() {
		assert_eq!(encode_hex(&computed_root().unwrap()), EXPECTED_ROOT_HEX);
	}

	#[test]
	fn vector_proofs_verify_and_neighbours_do_not() {
		let receipts = receipts().unwrap();
		let root = decode_hex(EXPECTED_ROOT_HEX).unwrap().try_into().unwrap();
		for i in 0..receipts.len() {
			let proof = merkle::proof(&receipts, i as u32).unwrap();
			assert_eq!(merkle::verify(&root, &receipts[i], &proof), Ok(()));
			let neighbour = &receipts[(i + 1) % receipts.len()];
			assert_eq!(
				merkle::verify(&root, neighbour, &proof),
				Err(merkle::MerkleError::RootMismatch)
			);
		}
	}

	#[test]
	fn tampered_vector_receipt_changes_the_root() {
		let mut receipts = receipts().unwrap();
		receipts[4].body.output_hashes[3][0] ^= 1;
		assert_ne!(encode_hex(&merkle::root(&receipts).unwrap()), EXPECTED_ROOT_HEX);
	}

	#[test]
	fn hex_helpers_round_trip_and_reject_garbage() {
		assert_eq!(decode_hex("00ff10"), Some(vec![0, 255, 16]));
		assert_eq!(encode_hex(&[0, 255, 16]), "00ff10");
		assert_eq!(decode_hex("abc"), None);
		assert_eq!(decode_hex("zz"), None);
	}
}
