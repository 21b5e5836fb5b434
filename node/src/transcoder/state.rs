//! What the worker must remember across restarts, in `state.json` under its directory (written
//! to a temporary file and renamed, so a crash never leaves half a file). Everything else is
//! read again from the chain (jobs, claims, challenges, duties) and from the service's directory
//! (the receipts of transcoded segments).

use pallet_jobs::{ClaimId, JobId};
use serde::{Deserialize, Serialize};
use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
};

/// A claim this transcoder made and whose verification may still need it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ClaimRecord {
	pub job_id: JobId,
	/// 0x-hex stream id.
	pub stream_id: String,
	pub start_seq: u64,
	pub end_seq: u64,
	/// 0x-hex Merkle root claimed.
	pub merkle_root: String,
}

/// The persisted state.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Persisted {
	/// The claims not yet settled on chain, by id.
	pub claims: BTreeMap<ClaimId, ClaimRecord>,
	/// The block of the last fee withdrawal.
	pub last_withdrawal: u32,
}

/// The state file of a worker directory.
#[derive(Clone)]
pub struct StateFile {
	path: PathBuf,
}

impl StateFile {
	pub fn new(dir: &Path) -> Self {
		Self { path: dir.join("state.json") }
	}

	/// The saved state; the default if there is none yet. A file that does not parse is an
	/// error (never silently replaced: it may hold claims that still need proofs).
	pub fn load(&self) -> Result<Persisted, String> {
		match std::fs::read(&self.path) {
			Ok(bytes) => serde_json::from_slice(&bytes)
				.map_err(|e| format!("{} is not a valid worker state: {e}", self.path.display())),
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Persisted::default()),
			Err(e) => Err(format!("cannot read {}: {e}", self.path.display())),
		}
	}

	/// Writes `state` atomically.
	pub fn save(&self, state: &Persisted) -> Result<(), String> {
		let tmp = self.path.with_extension("json.tmp");
		let bytes = serde_json::to_vec_pretty(state).map_err(|e| e.to_string())?;
		std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
		std::fs::rename(&tmp, &self.path)
			.map_err(|e| format!("cannot replace {}: {e}", self.path.display()))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn state_round_trips_and_a_corrupt_file_is_an_error() {
		let dir = std::env::temp_dir().join(format!("olc-worker-state-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let file = StateFile::new(&dir);
		assert_eq!(file.load().unwrap(), Persisted::default());
		let mut state = Persisted::default();
		state.claims.insert(
			7,
			ClaimRecord {
				job_id: 3,
				stream_id: format!("0x{}", "ab".repeat(32)),
				start_seq: 10,
				end_seq: 19,
				merkle_root: format!("0x{}", "cd".repeat(32)),
			},
		);
		state.last_withdrawal = 42;
		file.save(&state).unwrap();
		assert_eq!(file.load().unwrap(), state);
		std::fs::write(dir.join("state.json"), b"{not json").unwrap();
		assert!(file.load().is_err());
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
