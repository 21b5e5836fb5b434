//! sr25519 keys for broadcasters and transcoders: a dev seed such as `//Alice`, or a file holding
//! a secret URI (mnemonic, `0x` hex seed, optionally with derivation paths).

use sp_core::{sr25519, Pair};
use std::path::Path;

/// Why a key could not be loaded. Never contains the secret itself.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
	#[error("cannot read key file {path}: {source}")]
	File { path: String, source: std::io::Error },
	#[error("key file {0} does not hold a valid secret URI")]
	InvalidFile(String),
	#[error("invalid dev seed {0:?}: expected a secret URI such as //Alice")]
	InvalidSeed(String),
}

/// A key from a secret URI given on the command line (intended for dev seeds like `//Alice`).
pub fn from_seed(seed: &str) -> Result<sr25519::Pair, KeyError> {
	sr25519::Pair::from_string(seed, None).map_err(|_| KeyError::InvalidSeed(seed.to_string()))
}

/// A key from a file whose trimmed content is a secret URI.
pub fn from_file(path: &Path) -> Result<sr25519::Pair, KeyError> {
	let content = std::fs::read_to_string(path)
		.map_err(|source| KeyError::File { path: path.display().to_string(), source })?;
	sr25519::Pair::from_string(content.trim(), None)
		.map_err(|_| KeyError::InvalidFile(path.display().to_string()))
}

/// Loads from a file if given, else from a seed.
pub fn load(file: Option<&Path>, seed: &str) -> Result<sr25519::Pair, KeyError> {
	match file {
		Some(path) => from_file(path),
		None => from_seed(seed),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dev_seed_and_file_give_the_same_key() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("key");
		std::fs::write(&path, "//Alice\n").unwrap();
		assert_eq!(from_file(&path).unwrap().public(), from_seed("//Alice").unwrap().public());
		assert_ne!(from_seed("//Bob").unwrap().public(), from_seed("//Alice").unwrap().public());
	}

	#[test]
	fn bad_keys_are_named_errors() {
		assert!(matches!(from_seed("not a seed at all"), Err(KeyError::InvalidSeed(_))));
		let dir = tempfile::tempdir().unwrap();
		assert!(matches!(from_file(&dir.path().join("missing")), Err(KeyError::File { .. })));
		let path = dir.path().join("bad");
		std::fs::write(&path, "0xzz").unwrap();
		assert!(matches!(from_file(&path), Err(KeyError::InvalidFile(_))));
	}
}
