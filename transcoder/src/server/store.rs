//! The service's files: `data_dir/streams/<hex id>/` holds `source/{seq}.ts` (inputs), one
//! `{rendition}/{seq}.ts` directory per rendition (outputs) and `receipts/{seq}.scale` (SCALE
//! receipts). A receipt is written last, to a temporary name and then renamed, so a stored
//! receipt always means its outputs are complete, even after a crash.

use olc_primitives::{StreamId, TranscodeReceipt};
use std::{
	io::Write as _,
	path::{Path, PathBuf},
	time::Duration,
};

/// Directory of the receipts, inside a stream's directory.
const RECEIPTS_DIR: &str = "receipts";
/// File name suffix of stored receipts.
const RECEIPT_SUFFIX: &str = ".scale";
/// Longest rendition (profile) name used as a directory.
const MAX_RENDITION_NAME: usize = 32;

pub(super) fn stream_dir(data_dir: &Path, stream_id: &StreamId) -> PathBuf {
	data_dir.join("streams").join(hex::encode(stream_id.0))
}

pub(super) fn receipt_path(data_dir: &Path, stream_id: &StreamId, seq: u64) -> PathBuf {
	stream_dir(data_dir, stream_id)
		.join(RECEIPTS_DIR)
		.join(format!("{seq}{RECEIPT_SUFFIX}"))
}

pub(super) fn segment_path(
	data_dir: &Path,
	stream_id: &StreamId,
	rendition: &str,
	seq: u64,
) -> PathBuf {
	stream_dir(data_dir, stream_id).join(rendition).join(format!("{seq}.ts"))
}

/// True for a name that may be used as a rendition directory: 1 to 32 ASCII letters, digits,
/// `-` or `_` (so never `.`, `..` or a path), and not the receipts directory.
pub(super) fn is_rendition_dir(name: &str) -> bool {
	!name.is_empty()
		&& name.len() <= MAX_RENDITION_NAME
		&& name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
		&& name != RECEIPTS_DIR
}

/// The sequence numbers of the receipts stored for `stream_id` under `data_dir`, ascending.
/// Empty when there are none (or the directory cannot be read).
pub fn stored_receipt_seqs(data_dir: &Path, stream_id: &StreamId) -> Vec<u64> {
	let dir = stream_dir(data_dir, stream_id).join(RECEIPTS_DIR);
	let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
	let mut seqs: Vec<u64> = entries
		.flatten()
		.filter_map(|entry| {
			let name = entry.file_name();
			name.to_str()?.strip_suffix(RECEIPT_SUFFIX)?.parse().ok()
		})
		.collect();
	seqs.sort_unstable();
	seqs
}

/// The stored receipt of segment `seq` of `stream_id`, if there is one that decodes and is for
/// that stream and segment. Signatures are not checked here (they were made or checked when the
/// receipt was stored; `TranscodeReceipt::verify` checks them).
pub fn load_receipt(data_dir: &Path, stream_id: &StreamId, seq: u64) -> Option<TranscodeReceipt> {
	use codec::DecodeAll;
	let bytes = std::fs::read(receipt_path(data_dir, stream_id, seq)).ok()?;
	let receipt = TranscodeReceipt::decode_all(&mut bytes.as_slice()).ok()?;
	(receipt.stream_id() == *stream_id && receipt.seq() == seq).then_some(receipt)
}

/// Stores a receipt atomically (temporary file, flushed, then renamed).
pub(super) fn store_receipt(data_dir: &Path, receipt: &TranscodeReceipt) -> std::io::Result<()> {
	use codec::Encode;
	let path = receipt_path(data_dir, &receipt.stream_id(), receipt.seq());
	let temporary = path.with_extension("scale.tmp");
	{
		let mut file = std::fs::File::create(&temporary)?;
		file.write_all(&receipt.encode())?;
		file.sync_all()?;
	}
	std::fs::rename(&temporary, &path)
}

/// Creates a stream's directories for the source, the receipts and the given renditions.
pub(super) fn create_dirs(
	data_dir: &Path,
	stream_id: &StreamId,
	renditions: &[String],
) -> std::io::Result<()> {
	let dir = stream_dir(data_dir, stream_id);
	std::fs::create_dir_all(dir.join(super::SOURCE_RENDITION))?;
	std::fs::create_dir_all(dir.join(RECEIPTS_DIR))?;
	for name in renditions {
		std::fs::create_dir_all(dir.join(name))?;
	}
	Ok(())
}

/// Deletes stored files older than `retention` under `data_dir`; returns how many.
pub fn remove_expired(data_dir: &Path, retention: Duration) -> usize {
	let mut removed = 0;
	let mut pending = vec![data_dir.to_path_buf()];
	while let Some(dir) = pending.pop() {
		let Ok(entries) = std::fs::read_dir(&dir) else { continue };
		for entry in entries.flatten() {
			let path = entry.path();
			let Ok(metadata) = entry.metadata() else { continue };
			if metadata.is_dir() {
				pending.push(path);
			} else if metadata
				.modified()
				.ok()
				.and_then(|m| m.elapsed().ok())
				.is_some_and(|age| age > retention)
				&& std::fs::remove_file(&path).is_ok()
			{
				removed += 1;
			}
		}
	}
	removed
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn rendition_names_cannot_escape_the_stream_directory() {
		for good in ["720p", "source", "low-res_2"] {
			assert!(is_rendition_dir(good), "{good}");
		}
		for bad in ["", "..", ".", "a/b", "a\\b", "receipts", "x.ts", &"a".repeat(33)] {
			assert!(!is_rendition_dir(bad), "{bad}");
		}
	}

	#[test]
	fn receipts_are_stored_listed_and_loaded() {
		use sp_core::Pair as _;
		let dir = tempfile::tempdir().unwrap();
		let stream = StreamId([7; 32]);
		let broadcaster = sp_core::sr25519::Pair::from_string("//Alice", None).unwrap();
		let transcoder = sp_core::sr25519::Pair::from_string("//Bob", None).unwrap();
		create_dirs(dir.path(), &stream, &[]).unwrap();
		for seq in [10u64, 2, 7] {
			let header =
				olc_primitives::SignedSegmentHeader::sign(&broadcaster, stream, seq, 2000, b"x");
			let receipt =
				TranscodeReceipt::sign(&transcoder, header, vec![[seq as u8; 32]]).unwrap();
			store_receipt(dir.path(), &receipt).unwrap();
		}
		assert_eq!(stored_receipt_seqs(dir.path(), &stream), vec![2, 7, 10]);
		assert_eq!(load_receipt(dir.path(), &stream, 7).unwrap().seq(), 7);
		assert!(load_receipt(dir.path(), &stream, 3).is_none());
		assert!(stored_receipt_seqs(dir.path(), &StreamId([8; 32])).is_empty());
		// A receipt stored under the wrong seq, or a corrupt one, is not returned.
		std::fs::copy(receipt_path(dir.path(), &stream, 7), receipt_path(dir.path(), &stream, 8))
			.unwrap();
		assert!(load_receipt(dir.path(), &stream, 8).is_none());
		std::fs::write(receipt_path(dir.path(), &stream, 9), b"junk").unwrap();
		assert!(load_receipt(dir.path(), &stream, 9).is_none());
	}
}
