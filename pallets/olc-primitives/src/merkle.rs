//! A binary Merkle tree over transcode receipts.
//!
//! - leaf = blake2-256(`LEAF_TAG` ‖ SCALE(receipt))
//! - node = blake2-256(`NODE_TAG` ‖ left ‖ right)
//!
//! The distinct one-byte tags make leaf and node preimages disjoint, so an inner node can never
//! be presented as a leaf (the second-preimage trick against untagged trees). Levels are built
//! left to right; a level with an odd number of entries promotes its last entry unchanged to the
//! next level. A proof carries the leaf index and leaf count, so it proves one exact position in
//! one exact tree size.
//!
//! `binary-merkle-tree` from polkadot-sdk is not used because it hashes inner nodes as
//! `H(left ‖ right)` with no tag, and we want the tags.

use crate::{blake2_256, Hash256, TranscodeReceipt};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{bounded::BoundedVec, ConstU32};

/// Prefix of every leaf preimage.
pub const LEAF_TAG: u8 = 0x00;
/// Prefix of every inner-node preimage.
pub const NODE_TAG: u8 = 0x01;

/// Longest proof: a tree over at most `u32::MAX` leaves is at most 32 levels deep.
pub const MAX_PROOF_LEN: u32 = 32;

/// Errors of building or checking Merkle proofs.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum MerkleError {
	/// A tree needs at least one leaf.
	NoLeaves,
	/// More leaves than a `u32` can index.
	TooManyLeaves,
	/// The leaf index is not below the leaf count.
	IndexOutOfRange,
	/// The proof has more or fewer sibling hashes than its index and leaf count require.
	WrongProofLength,
	/// The proof does not lead to the expected root.
	RootMismatch,
}

/// Proof that a leaf sits at `leaf_index` in a tree of `leaf_count` leaves.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct MerkleProof {
	/// Position of the leaf, from 0.
	pub leaf_index: u32,
	/// Number of leaves in the tree.
	pub leaf_count: u32,
	/// Sibling hashes from the leaf level upwards (promoted levels contribute none).
	pub siblings: BoundedVec<Hash256, ConstU32<MAX_PROOF_LEN>>,
}

/// Hash of a leaf from its raw data.
pub fn leaf_hash_of_data(data: &[u8]) -> Hash256 {
	let mut preimage = Vec::with_capacity(data.len().saturating_add(1));
	preimage.push(LEAF_TAG);
	preimage.extend_from_slice(data);
	blake2_256(&preimage)
}

/// Hash of a receipt as a leaf.
pub fn leaf_hash(receipt: &TranscodeReceipt) -> Hash256 {
	leaf_hash_of_data(&receipt.encode())
}

/// Hash of an inner node.
pub fn node_hash(left: &Hash256, right: &Hash256) -> Hash256 {
	let mut preimage = [0u8; 65];
	let (tag, children) = preimage.split_at_mut(1);
	let (left_half, right_half) = children.split_at_mut(32);
	tag.fill(NODE_TAG);
	left_half.copy_from_slice(left);
	right_half.copy_from_slice(right);
	blake2_256(&preimage)
}

/// The next level up: pairs hashed together, an odd last entry promoted unchanged.
fn parent_level(level: &[Hash256]) -> Vec<Hash256> {
	level
		.chunks(2)
		.map(|pair| match pair {
			[left, right] => node_hash(left, right),
			[single] => *single,
			// `chunks(2)` never yields an empty or longer chunk; returning a value keeps this
			// path panic-free without an unreachable!.
			_ => [0u8; 32],
		})
		.collect()
}

fn check_leaf_count(leaf_count: usize) -> Result<u32, MerkleError> {
	if leaf_count == 0 {
		return Err(MerkleError::NoLeaves);
	}
	u32::try_from(leaf_count).map_err(|_| MerkleError::TooManyLeaves)
}

/// Root over already-hashed leaves.
pub fn root_of_leaf_hashes(leaf_hashes: &[Hash256]) -> Result<Hash256, MerkleError> {
	check_leaf_count(leaf_hashes.len())?;
	let mut level = leaf_hashes.to_vec();
	while level.len() > 1 {
		level = parent_level(&level);
	}
	level.first().copied().ok_or(MerkleError::NoLeaves)
}

/// Root over receipts, in the given order.
pub fn root(receipts: &[TranscodeReceipt]) -> Result<Hash256, MerkleError> {
	let leaves: Vec<Hash256> = receipts.iter().map(leaf_hash).collect();
	root_of_leaf_hashes(&leaves)
}

/// Proof for the leaf at `leaf_index` over already-hashed leaves.
pub fn proof_for_leaf_hashes(
	leaf_hashes: &[Hash256],
	leaf_index: u32,
) -> Result<MerkleProof, MerkleError> {
	let leaf_count = check_leaf_count(leaf_hashes.len())?;
	if leaf_index >= leaf_count {
		return Err(MerkleError::IndexOutOfRange);
	}
	let mut siblings = Vec::new();
	let mut level = leaf_hashes.to_vec();
	let mut position = leaf_index as usize;
	while level.len() > 1 {
		// The sibling of an even position is to its right, of an odd one to its left; an even
		// last position has none (it is promoted).
		let sibling_position = position ^ 1;
		if let Some(sibling) = level.get(sibling_position) {
			siblings.push(*sibling);
		}
		level = parent_level(&level);
		position /= 2;
	}
	let siblings = BoundedVec::try_from(siblings).map_err(|_| MerkleError::TooManyLeaves)?;
	Ok(MerkleProof { leaf_index, leaf_count, siblings })
}

/// Proof for the receipt at `leaf_index`.
pub fn proof(receipts: &[TranscodeReceipt], leaf_index: u32) -> Result<MerkleProof, MerkleError> {
	let leaves: Vec<Hash256> = receipts.iter().map(leaf_hash).collect();
	proof_for_leaf_hashes(&leaves, leaf_index)
}

/// Checks that `leaf_hash` sits at `proof.leaf_index` in a tree of `proof.leaf_count` leaves
/// with the given root.
pub fn verify_leaf_hash(
	root: &Hash256,
	leaf_hash: Hash256,
	proof: &MerkleProof,
) -> Result<(), MerkleError> {
	if proof.leaf_count == 0 {
		return Err(MerkleError::NoLeaves);
	}
	if proof.leaf_index >= proof.leaf_count {
		return Err(MerkleError::IndexOutOfRange);
	}
	let mut siblings = proof.siblings.iter();
	let mut current = leaf_hash;
	let mut position = proof.leaf_index;
	let mut width = proof.leaf_count;
	while width > 1 {
		let is_promoted = position.is_multiple_of(2) && position == width.saturating_sub(1);
		if !is_promoted {
			let sibling = siblings.next().ok_or(MerkleError::WrongProofLength)?;
			current = if position.is_multiple_of(2) {
				node_hash(&current, sibling)
			} else {
				node_hash(sibling, &current)
			};
		}
		position /= 2;
		width = width.div_ceil(2);
	}
	if siblings.next().is_some() {
		return Err(MerkleError::WrongProofLength);
	}
	if &current == root {
		Ok(())
	} else {
		Err(MerkleError::RootMismatch)
	}
}

/// Checks that `receipt` sits at `proof.leaf_index` in the tree with the given root.
pub fn verify(
	root: &Hash256,
	receipt: &TranscodeReceipt,
	proof: &MerkleProof,
) -> Result<(), MerkleError> {
	verify_leaf_hash(root, leaf_hash(receipt), proof)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn leaves(n: usize) -> Vec<Hash256> {
		(0..n).map(|i| leaf_hash_of_data(&(i as u64).to_le_bytes())).collect()
	}

	#[test]
	fn every_leaf_of_every_small_tree_proves_and_verifies() {
		for n in 1..=17 {
			let leaves = leaves(n);
			let root = root_of_leaf_hashes(&leaves).unwrap();
			for (i, leaf) in leaves.iter().enumerate() {
				let proof = proof_for_leaf_hashes(&leaves, i as u32).unwrap();
				assert_eq!(verify_leaf_hash(&root, *leaf, &proof), Ok(()), "n={n} i={i}");
				let decoded = MerkleProof::decode(&mut &proof.encode()[..]).unwrap();
				assert_eq!(decoded, proof);
			}
		}
	}

	#[test]
	fn tree_shape_is_the_documented_one() {
		let l = leaves(3);
		let expected = node_hash(&node_hash(&l[0], &l[1]), &l[2]);
		assert_eq!(root_of_leaf_hashes(&l).unwrap(), expected);
		assert_eq!(root_of_leaf_hashes(&l[..1]).unwrap(), l[0]);
	}

	#[test]
	fn empty_tree_and_bad_index_are_named_errors() {
		assert_eq!(root_of_leaf_hashes(&[]), Err(MerkleError::NoLeaves));
		assert_eq!(proof_for_leaf_hashes(&[], 0), Err(MerkleError::NoLeaves));
		assert_eq!(proof_for_leaf_hashes(&leaves(3), 3), Err(MerkleError::IndexOutOfRange));
	}

	#[test]
	fn tampered_leaf_fails() {
		let l = leaves(5);
		let root = root_of_leaf_hashes(&l).unwrap();
		let proof = proof_for_leaf_hashes(&l, 2).unwrap();
		let mut tampered = l[2];
		tampered[0] ^= 1;
		assert_eq!(verify_leaf_hash(&root, tampered, &proof), Err(MerkleError::RootMismatch));
		// Another real leaf of the same tree does not pass at index 2.
		assert_eq!(verify_leaf_hash(&root, l[3], &proof), Err(MerkleError::RootMismatch));
	}

	#[test]
	fn wrong_index_or_count_fails() {
		let l = leaves(8);
		let root = root_of_leaf_hashes(&l).unwrap();
		let proof = proof_for_leaf_hashes(&l, 2).unwrap();
		for wrong_index in [0, 1, 3, 6] {
			let moved = MerkleProof { leaf_index: wrong_index, ..proof.clone() };
			assert_eq!(verify_leaf_hash(&root, l[2], &moved), Err(MerkleError::RootMismatch));
		}
		let past_end = MerkleProof { leaf_index: 8, ..proof.clone() };
		assert_eq!(verify_leaf_hash(&root, l[2], &past_end), Err(MerkleError::IndexOutOfRange));
		// Claiming a different tree size changes the path shape.
		let other_count = MerkleProof { leaf_count: 3, ..proof.clone() };
		assert_eq!(verify_leaf_hash(&root, l[2], &other_count), Err(MerkleError::WrongProofLength));
		let mut extra = proof.clone();
		extra.siblings.try_push([0; 32]).unwrap();
		assert_eq!(verify_leaf_hash(&root, l[2], &extra), Err(MerkleError::WrongProofLength));
		let zero = MerkleProof { leaf_count: 0, ..proof };
		assert_eq!(verify_leaf_hash(&root, l[2], &zero), Err(MerkleError::NoLeaves));
	}

	#[test]
	fn inner_node_cannot_pose_as_a_leaf() {
		// Tree of 4: root = N(N(l0, l1), N(l2, l3)). An attacker claims a 2-leaf tree whose first
		// "leaf" is the data left0 ‖ left1 of the inner node N(l0, l1).
		let l = leaves(4);
		let root = root_of_leaf_hashes(&l).unwrap();
		let inner_right = node_hash(&l[2], &l[3]);
		let mut forged_leaf_data = Vec::new();
		forged_leaf_data.extend_from_slice(&l[0]);
		forged_leaf_data.extend_from_slice(&l[1]);
		let forged_proof = MerkleProof {
			leaf_index: 0,
			leaf_count: 2,
			siblings: BoundedVec::try_from(vec![inner_right]).unwrap(),
		};
		assert_eq!(
			verify_leaf_hash(&root, leaf_hash_of_data(&forged_leaf_data), &forged_proof),
			Err(MerkleError::RootMismatch)
		);
		// Presenting the inner node's hash itself as a leaf hash is what the tags rule out for
		// data: no leaf data hashes to it, since leaf preimages start with LEAF_TAG.
		let inner_left = node_hash(&l[0], &l[1]);
		assert_ne!(leaf_hash_of_data(&forged_leaf_data), inner_left);
	}
}
