//! Decodes arbitrary bytes as a signed segment header, a receipt and a Merkle proof. Decoding
//! must never panic; whatever decodes must re-encode to the bytes it consumed, and verification
//! of decoded values must return an error rather than panic.
#![no_main]

use codec::{Decode, Encode};
use libfuzzer_sys::fuzz_target;
use olc_primitives::{merkle, MerkleProof, SignedSegmentHeader, TranscodeReceipt};

fn round_trip<T: Decode + Encode>(data: &[u8]) -> Option<T> {
	let mut input = data;
	let value = T::decode(&mut input).ok()?;
	let consumed = data.len() - input.len();
	assert_eq!(value.encode(), data[..consumed], "re-encoding differs from the consumed bytes");
	Some(value)
}

fuzz_target!(|data: &[u8]| {
	if let Some(header) = round_trip::<SignedSegmentHeader>(data) {
		let _ = header.verify_segment(data);
	}
	if let Some(receipt) = round_trip::<TranscodeReceipt>(data) {
		let _ = receipt.verify();
		let root = merkle::leaf_hash(&receipt);
		if let Some(proof) = data.get(1..).and_then(round_trip::<MerkleProof>) {
			let _ = merkle::verify(&root, &receipt, &proof);
		}
	}
	if let Some(proof) = round_trip::<MerkleProof>(data) {
		let _ = merkle::verify_leaf_hash(&[0; 32], [1; 32], &proof);
	}
});
