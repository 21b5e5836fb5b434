//! Types shared by the OpenLive Coin pallets and the media software.
//!
//! - [`StreamId`] and [`Profile`] (with the [`default_ladder`]) describe what is streamed and into
//!   which renditions it is transcoded.
//! - [`SignedSegmentHeader`]: what a broadcaster signs for every media segment it publishes.
//! - [`TranscodeReceipt`]: what a transcoder signs after transcoding one segment.
//! - [`merkle`]: a binary Merkle tree over receipts, whose root a transcoder claims on chain.
//! - [`chat`]: the versioned chat and danmaku message carried by the node's statement store.
//!
//! Everything is SCALE-encoded. Signatures are sr25519 over a domain-separated encoding (a fixed
//! context tag followed by the SCALE encoding of the signed fields), so a signature made for one
//! purpose can never be replayed as another. Verification works in `no_std` (the runtime);
//! signing needs a key pair and is therefore only available with the `std` feature.

#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code must never panic or overflow silently: see `[workspace.lints]`.

extern crate alloc;

pub mod chat;
pub mod merkle;
#[cfg(feature = "std")]
pub mod test_vectors;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{bounded::BoundedVec, sr25519, ConstU32};

pub use merkle::{MerkleError, MerkleProof};

/// A 32-byte hash (blake2-256 everywhere in this crate).
pub type Hash256 = [u8; 32];

/// blake2-256 of `data`.
pub fn blake2_256(data: &[u8]) -> Hash256 {
	sp_crypto_hashing::blake2_256(data)
}

/// Context tag prefixed to the encoding a broadcaster signs for a segment header.
pub const SEGMENT_HEADER_CONTEXT: &[u8] = b"OLC/segment-header/v1";
/// Context tag prefixed to the encoding a transcoder signs for a receipt.
pub const TRANSCODE_RECEIPT_CONTEXT: &[u8] = b"OLC/transcode-receipt/v1";

/// Most profiles a job (and hence a receipt) can have.
pub const MAX_PROFILES: u32 = 8;
/// Longest profile name in bytes.
pub const MAX_PROFILE_NAME_LEN: u32 = 16;

/// Bound on a profile's name.
pub type MaxProfileNameLen = ConstU32<MAX_PROFILE_NAME_LEN>;
/// Bound on the number of profiles (and hence output hashes per receipt).
pub type MaxProfiles = ConstU32<MAX_PROFILES>;

/// Identifies a stream on chain and in the media pipeline.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Hash,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct StreamId(pub [u8; 32]);

impl StreamId {
	/// The raw bytes.
	pub fn as_bytes(&self) -> &[u8; 32] {
		&self.0
	}
}

impl From<[u8; 32]> for StreamId {
	fn from(bytes: [u8; 32]) -> Self {
		Self(bytes)
	}
}

impl core::fmt::Debug for StreamId {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("StreamId(0x")?;
		for byte in self.0 {
			write!(f, "{byte:02x}")?;
		}
		f.write_str(")")
	}
}

/// One rendition of the transcoding ladder.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Profile {
	/// Short label such as `480p`, used in playlist names.
	pub name: BoundedVec<u8, MaxProfileNameLen>,
	/// Output width in pixels.
	pub width: u32,
	/// Output height in pixels.
	pub height: u32,
	/// Target video bitrate in kbit/s.
	pub bitrate_kbps: u32,
	/// Output frame rate in frames per second.
	pub fps: u32,
}

/// Why a [`Profile`] is unusable.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum ProfileError {
	/// The name is longer than [`MAX_PROFILE_NAME_LEN`] bytes.
	NameTooLong,
	/// The name is empty.
	EmptyName,
	/// Width or height is zero.
	ZeroResolution,
	/// Width or height is odd, which 4:2:0 video cannot represent.
	OddResolution,
	/// The bitrate is zero.
	ZeroBitrate,
	/// The frame rate is zero.
	ZeroFps,
}

impl Profile {
	/// Builds and validates a profile.
	pub fn new(
		name: &[u8],
		width: u32,
		height: u32,
		bitrate_kbps: u32,
		fps: u32,
	) -> Result<Self, ProfileError> {
		let name = BoundedVec::try_from(name.to_vec()).map_err(|_| ProfileError::NameTooLong)?;
		let profile = Self { name, width, height, bitrate_kbps, fps };
		profile.validate()?;
		Ok(profile)
	}

	/// Checks the invariants a decoded (untrusted) profile must hold before it is used.
	pub fn validate(&self) -> Result<(), ProfileError> {
		if self.name.is_empty() {
			return Err(ProfileError::EmptyName);
		}
		if self.width == 0 || self.height == 0 {
			return Err(ProfileError::ZeroResolution);
		}
		if !self.width.is_multiple_of(2) || !self.height.is_multiple_of(2) {
			return Err(ProfileError::OddResolution);
		}
		if self.bitrate_kbps == 0 {
			return Err(ProfileError::ZeroBitrate);
		}
		if self.fps == 0 {
			return Err(ProfileError::ZeroFps);
		}
		Ok(())
	}

	/// The name as UTF-8 if it is valid UTF-8.
	pub fn name_str(&self) -> Option<&str> {
		core::str::from_utf8(&self.name).ok()
	}
}

/// The default ladder: 720p30 3000k, 480p30 1600k, 360p30 800k, 240p30 250k (16:9).
pub fn default_ladder() -> Vec<Profile> {
	// Constructed field by field: the names are far below the bound, so `truncate_from` never
	// truncates and no fallible path is needed.
	let profile = |name: &[u8], width, height, bitrate_kbps| Profile {
		name: BoundedVec::truncate_from(name.to_vec()),
		width,
		height,
		bitrate_kbps,
		fps: 30,
	};
	alloc::vec![
		profile(b"720p", 1280, 720, 3000),
		profile(b"480p", 854, 480, 1600),
		profile(b"360p", 640, 360, 800),
		profile(b"240p", 426, 240, 250),
	]
}

/// Errors of signature verification.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum SignatureError {
	/// The broadcaster's signature over the segment header does not verify.
	BadBroadcasterSignature,
	/// The transcoder's signature over the receipt does not verify.
	BadTranscoderSignature,
	/// The segment bytes do not hash to the hash in the header.
	SegmentHashMismatch,
}

/// The fields of a segment header that the broadcaster signs.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SegmentHeader {
	/// The stream the segment belongs to.
	pub stream_id: StreamId,
	/// Sequence number of the segment within the stream, starting at 0.
	pub seq: u64,
	/// Media duration of the segment in milliseconds.
	pub duration_ms: u32,
	/// blake2-256 of the segment's bytes.
	pub segment_hash: Hash256,
	/// The broadcaster's account key, which signs the header.
	pub broadcaster: sr25519::Public,
}

impl SegmentHeader {
	/// The exact bytes the broadcaster signs: context tag, then the SCALE encoding.
	pub fn signing_payload(&self) -> Vec<u8> {
		let mut payload = SEGMENT_HEADER_CONTEXT.to_vec();
		self.encode_to(&mut payload);
		payload
	}
}

/// A segment header with the broadcaster's signature; travels with every segment.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SignedSegmentHeader {
	/// The signed fields.
	pub header: SegmentHeader,
	/// sr25519 signature by `header.broadcaster` over [`SegmentHeader::signing_payload`].
	pub signature: sr25519::Signature,
}

impl SignedSegmentHeader {
	/// Signs a header for `segment` with the broadcaster's key.
	#[cfg(feature = "std")]
	pub fn sign(
		broadcaster: &sr25519::Pair,
		stream_id: StreamId,
		seq: u64,
		duration_ms: u32,
		segment: &[u8],
	) -> Self {
		use sp_core::Pair as _;
		let header = SegmentHeader {
			stream_id,
			seq,
			duration_ms,
			segment_hash: blake2_256(segment),
			broadcaster: broadcaster.public(),
		};
		let signature = broadcaster.sign(&header.signing_payload());
		Self { header, signature }
	}

	/// Checks the broadcaster's signature. Whether `header.broadcaster` may publish to the stream
	/// is the caller's business (e.g. the stream's owner on chain).
	pub fn verify_signature(&self) -> Result<(), SignatureError> {
		if sp_io::crypto::sr25519_verify(
			&self.signature,
			&self.header.signing_payload(),
			&self.header.broadcaster,
		) {
			Ok(())
		} else {
			Err(SignatureError::BadBroadcasterSignature)
		}
	}

	/// Checks the signature and that `segment` is the segment the header was signed for.
	pub fn verify_segment(&self, segment: &[u8]) -> Result<(), SignatureError> {
		self.verify_signature()?;
		if blake2_256(segment) != self.header.segment_hash {
			return Err(SignatureError::SegmentHashMismatch);
		}
		Ok(())
	}
}

/// The fields of a receipt that the transcoder signs.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ReceiptBody {
	/// The broadcaster's signed header of the input segment: stream id, seq, duration, input
	/// hash and the broadcaster's signature.
	pub segment: SignedSegmentHeader,
	/// blake2-256 of each output segment, in the order of the job's profiles.
	pub output_hashes: BoundedVec<Hash256, MaxProfiles>,
	/// The transcoder's key, which signs the receipt.
	pub transcoder: sr25519::Public,
}

impl ReceiptBody {
	/// The exact bytes the transcoder signs: context tag, then the SCALE encoding.
	pub fn signing_payload(&self) -> Vec<u8> {
		let mut payload = TRANSCODE_RECEIPT_CONTEXT.to_vec();
		self.encode_to(&mut payload);
		payload
	}
}

/// A transcoder's signed statement that it transcoded one segment into the given outputs.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct TranscodeReceipt {
	/// The signed fields.
	pub body: ReceiptBody,
	/// sr25519 signature by `body.transcoder` over [`ReceiptBody::signing_payload`].
	pub transcoder_signature: sr25519::Signature,
}

/// Why a receipt cannot be built.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum ReceiptError {
	/// More output hashes than [`MAX_PROFILES`].
	TooManyOutputs,
}

impl TranscodeReceipt {
	/// Signs a receipt for a transcoded segment with the transcoder's key.
	#[cfg(feature = "std")]
	pub fn sign(
		transcoder: &sr25519::Pair,
		segment: SignedSegmentHeader,
		output_hashes: Vec<Hash256>,
	) -> Result<Self, ReceiptError> {
		use sp_core::Pair as _;
		let output_hashes =
			BoundedVec::try_from(output_hashes).map_err(|_| ReceiptError::TooManyOutputs)?;
		let body = ReceiptBody { segment, output_hashes, transcoder: transcoder.public() };
		let transcoder_signature = transcoder.sign(&body.signing_payload());
		Ok(Self { body, transcoder_signature })
	}

	/// The stream of the transcoded segment.
	pub fn stream_id(&self) -> StreamId {
		self.body.segment.header.stream_id
	}

	/// The sequence number of the transcoded segment.
	pub fn seq(&self) -> u64 {
		self.body.segment.header.seq
	}

	/// blake2-256 of the input segment.
	pub fn input_hash(&self) -> Hash256 {
		self.body.segment.header.segment_hash
	}

	/// Checks both signatures: the broadcaster's over the input header and the transcoder's over
	/// the receipt.
	pub fn verify(&self) -> Result<(), SignatureError> {
		self.body.segment.verify_signature()?;
		if sp_io::crypto::sr25519_verify(
			&self.transcoder_signature,
			&self.body.signing_payload(),
			&self.body.transcoder,
		) {
			Ok(())
		} else {
			Err(SignatureError::BadTranscoderSignature)
		}
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // no clippy.toml option for tests
mod tests {
	use super::*;
	use sp_core::Pair;

	fn alice() -> sr25519::Pair {
		sr25519::Pair::from_string("//Alice", None).unwrap()
	}

	fn bob() -> sr25519::Pair {
		sr25519::Pair::from_string("//Bob", None).unwrap()
	}

	#[test]
	fn default_ladder_is_the_documented_one() {
		let ladder = default_ladder();
		let summary: Vec<_> = ladder
			.iter()
			.map(|p| (p.name_str().unwrap(), p.width, p.height, p.bitrate_kbps, p.fps))
			.collect();
		assert_eq!(
			summary,
			vec![
				("720p", 1280, 720, 3000, 30),
				("480p", 854, 480, 1600, 30),
				("360p", 640, 360, 800, 30),
				("240p", 426, 240, 250, 30),
			]
		);
		for profile in &ladder {
			assert_eq!(profile.validate(), Ok(()));
		}
	}

	#[test]
	fn profile_validation_names_the_problem() {
		assert_eq!(Profile::new(b"", 2, 2, 1, 1), Err(ProfileError::EmptyName));
		assert_eq!(Profile::new(&[b'x'; 17], 2, 2, 1, 1), Err(ProfileError::NameTooLong));
		assert_eq!(Profile::new(b"p", 0, 2, 1, 1), Err(ProfileError::ZeroResolution));
		assert_eq!(Profile::new(b"p", 2, 0, 1, 1), Err(ProfileError::ZeroResolution));
		assert_eq!(Profile::new(b"p", 3, 2, 1, 1), Err(ProfileError::OddResolution));
		assert_eq!(Profile::new(b"p", 2, 2, 0, 1), Err(ProfileError::ZeroBitrate));
		assert_eq!(Profile::new(b"p", 2, 2, 1, 0), Err(ProfileError::ZeroFps));
		assert!(Profile::new(b"1080p", 1920, 1080, 6000, 60).is_ok());
	}

	#[test]
	fn profile_round_trips_and_rejects_overlong_name_on_decode() {
		let profile = Profile::new(b"480p", 854, 480, 1600, 30).unwrap();
		let decoded = Profile::decode(&mut &profile.encode()[..]).unwrap();
		assert_eq!(decoded, profile);

		// A hand-made encoding with a 17-byte name must not decode into a Profile.
		let mut overlong = codec::Compact(17u32).encode();
		overlong.extend_from_slice(&[b'x'; 17]);
		overlong.extend_from_slice(&(2u32, 2u32, 1u32, 1u32).encode());
		assert!(Profile::decode(&mut &overlong[..]).is_err());
	}

	#[test]
	fn segment_header_signature_verifies_and_binds_every_field() {
		let segment = b"some media bytes".to_vec();
		let signed = SignedSegmentHeader::sign(&alice(), StreamId([7; 32]), 42, 2000, &segment);
		assert_eq!(signed.verify_segment(&segment), Ok(()));
		assert_eq!(signed.header.segment_hash, blake2_256(&segment));

		let mut other_bytes = segment.clone();
		other_bytes[0] ^= 1;
		assert_eq!(signed.verify_segment(&other_bytes), Err(SignatureError::SegmentHashMismatch));

		let tampered: [fn(&mut SignedSegmentHeader); 5] = [
			|s| s.header.seq += 1,
			|s| s.header.duration_ms += 1,
			|s| s.header.stream_id.0[0] ^= 1,
			|s| s.header.segment_hash[31] ^= 1,
			|s| s.header.broadcaster = bob().public(),
		];
		for tamper in tampered {
			let mut bad = signed.clone();
			tamper(&mut bad);
			assert_eq!(bad.verify_signature(), Err(SignatureError::BadBroadcasterSignature));
		}
	}

	#[test]
	fn header_signature_is_domain_separated() {
		// A signature over the bare SCALE encoding (no context tag) must not verify.
		let mut signed = SignedSegmentHeader::sign(&alice(), StreamId([1; 32]), 0, 2000, b"x");
		signed.signature = alice().sign(&signed.header.encode());
		assert_eq!(signed.verify_signature(), Err(SignatureError::BadBroadcasterSignature));
	}

	#[test]
	fn receipt_signatures_verify_and_tampering_is_caught() {
		let header = SignedSegmentHeader::sign(&alice(), StreamId([3; 32]), 5, 2000, b"input");
		let receipt = TranscodeReceipt::sign(&bob(), header, vec![[1; 32], [2; 32]]).unwrap();
		assert_eq!(receipt.verify(), Ok(()));
		assert_eq!(receipt.seq(), 5);
		assert_eq!(receipt.stream_id(), StreamId([3; 32]));
		assert_eq!(receipt.input_hash(), blake2_256(b"input"));

		let mut bad = receipt.clone();
		bad.body.output_hashes[1][0] ^= 1;
		assert_eq!(bad.verify(), Err(SignatureError::BadTranscoderSignature));

		let mut bad = receipt.clone();
		bad.body.transcoder = alice().public();
		assert_eq!(bad.verify(), Err(SignatureError::BadTranscoderSignature));

		// Changing the embedded header breaks the broadcaster's signature first.
		let mut bad = receipt.clone();
		bad.body.segment.header.seq = 6;
		assert_eq!(bad.verify(), Err(SignatureError::BadBroadcasterSignature));

		// A receipt signature cannot pass as a header signature and vice versa.
		let mut swapped = receipt.clone();
		swapped.transcoder_signature = receipt.body.segment.signature;
		assert_eq!(swapped.verify(), Err(SignatureError::BadTranscoderSignature));

		let decoded = TranscodeReceipt::decode(&mut &receipt.encode()[..]).unwrap();
		assert_eq!(decoded, receipt);
	}

	/// A cheap, deterministic stand-in for the cargo-fuzz target (transcoder/fuzz): random and
	/// mutated inputs must decode to an error or to a value that re-encodes to the consumed
	/// bytes, and verification of whatever decodes must not panic.
	#[test]
	fn decoding_untrusted_bytes_never_panics() {
		fn check<T: Decode + Encode>(data: &[u8]) -> Option<T> {
			let mut input = data;
			let value = T::decode(&mut input).ok()?;
			assert_eq!(value.encode(), data[..data.len() - input.len()]);
			Some(value)
		}
		let header = SignedSegmentHeader::sign(&alice(), StreamId([3; 32]), 5, 2000, b"input");
		let receipt = TranscodeReceipt::sign(&bob(), header, vec![[1; 32]; 4]).unwrap();
		let valid = receipt.encode();
		let mut state = 0x9e37_79b9_7f4a_7c15u64;
		let mut next = move || {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			state
		};
		let mut decoded_receipts = 0;
		for round in 0..20_000 {
			let data: Vec<u8> = if round % 2 == 0 {
				let len = (next() % 400) as usize;
				(0..len).map(|_| next() as u8).collect()
			} else {
				let mut mutated = valid.clone();
				for _ in 0..(1 + next() % 3) {
					let index = (next() as usize) % mutated.len();
					mutated[index] = next() as u8;
				}
				mutated.truncate(mutated.len() - (next() % 3) as usize);
				mutated
			};
			if let Some(header) = check::<SignedSegmentHeader>(&data) {
				let _ = header.verify_segment(&data);
			}
			if let Some(receipt) = check::<TranscodeReceipt>(&data) {
				decoded_receipts += 1;
				let _ = receipt.verify();
			}
			if let Some(proof) = check::<MerkleProof>(&data) {
				let _ = merkle::verify_leaf_hash(&[0; 32], [1; 32], &proof);
			}
		}
		// Mutations of a valid receipt that keep its structure do decode.
		assert!(decoded_receipts > 100, "{decoded_receipts}");
	}

	#[test]
	fn receipt_rejects_too_many_outputs() {
		let header = SignedSegmentHeader::sign(&alice(), StreamId([3; 32]), 5, 2000, b"input");
		assert_eq!(
			TranscodeReceipt::sign(&bob(), header, vec![[0; 32]; 9]).unwrap_err(),
			ReceiptError::TooManyOutputs
		);
	}
}
