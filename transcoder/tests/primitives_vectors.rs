//! The transcoder checks the same receipt test vectors as olc-primitives (and so as the chain),
//! so the media side can never drift from the chain side in encoding or Merkle hashing.

use codec::{Decode, Encode};
use olc_primitives::{merkle, test_vectors, TranscodeReceipt};

#[test]
fn vector_root_matches_the_committed_root() {
	let receipts = test_vectors::receipts().expect("vectors are well-formed");
	let root = merkle::root(&receipts).unwrap();
	assert_eq!(hex::encode(root), test_vectors::EXPECTED_ROOT_HEX);
	for receipt in &receipts {
		assert_eq!(receipt.verify(), Ok(()));
		// Receipts travel as hex SCALE (HTTP responses, receipt files): the round trip is exact.
		let text = hex::encode(receipt.encode());
		let decoded = TranscodeReceipt::decode(&mut hex::decode(text).unwrap().as_slice()).unwrap();
		assert_eq!(&decoded, receipt);
	}
	for index in 0..receipts.len() {
		let proof = merkle::proof(&receipts, index as u32).unwrap();
		assert_eq!(merkle::verify(&root, &receipts[index], &proof), Ok(()));
	}
}
