//! The subcommands of `olc-transcoder`, one struct with a `run()` each.

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use olc_primitives::{blake2_256, Profile, StreamId};
use std::{path::PathBuf, process::ExitCode};

mod broadcast;
mod chat;
mod check;
mod receipts;
mod serve;
mod transcode;

/// OpenLive Coin media pipeline: broadcaster, transcoding service, receipts and content checker.
#[derive(Parser)]
#[command(name = "olc-transcoder", version, about)]
pub struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	Broadcast(broadcast::BroadcastCmd),
	Serve(serve::ServeCmd),
	Transcode(transcode::TranscodeCmd),
	Claim(receipts::ClaimCmd),
	Proofs(receipts::ProofsCmd),
	Chat(chat::ChatCmd),
	Check(check::CheckCmd),
}

impl Cli {
	/// Runs the chosen subcommand; its exit code (`check` exits 1 on a dishonest rendition).
	pub fn run(self) -> anyhow::Result<ExitCode> {
		match self.command {
			Command::Broadcast(cmd) => cmd.run(),
			Command::Serve(cmd) => cmd.run(),
			Command::Transcode(cmd) => cmd.run(),
			Command::Claim(cmd) => cmd.run(),
			Command::Proofs(cmd) => cmd.run(),
			Command::Chat(cmd) => cmd.run(),
			Command::Check(cmd) => cmd.run(),
		}
	}
}

/// The dev seed `--seed` defaults to.
const DEFAULT_SEED: &str = "//Alice";

/// The sr25519 key that signs (segments, receipts, chat messages).
#[derive(Args, Clone)]
struct KeyArgs {
	/// File holding the sr25519 secret URI (mnemonic or 0x seed).
	#[arg(long)]
	key_file: Option<PathBuf>,
	/// Dev seed used when no key file is given.
	#[arg(long, default_value = DEFAULT_SEED)]
	seed: String,
}

impl KeyArgs {
	fn load(&self) -> anyhow::Result<sp_core::sr25519::Pair> {
		Ok(olc_transcoder::keys::load(self.key_file.as_deref(), &self.seed)?)
	}

	/// Neither a key file nor a seed of one's own: the public dev key.
	fn is_dev_default(&self) -> bool {
		self.key_file.is_none() && self.seed == DEFAULT_SEED
	}
}

/// x264 preset of the ladder's encoders.
const DEFAULT_PRESET: &str = "veryfast";

fn find_profile(name: &str) -> anyhow::Result<Profile> {
	olc_primitives::default_ladder()
		.into_iter()
		.find(|p| p.name_str() == Some(name))
		.with_context(|| format!("unknown profile {name:?}; known: 720p, 480p, 360p, 240p"))
}

fn parse_stream_id(text: &str) -> anyhow::Result<StreamId> {
	let bytes =
		hex::decode(text.strip_prefix("0x").unwrap_or(text)).context("stream id is not hex")?;
	let bytes: [u8; 32] =
		bytes.try_into().map_err(|_| anyhow::anyhow!("stream id must be 32 bytes"))?;
	Ok(StreamId(bytes))
}

fn parse_public(text: &str) -> anyhow::Result<sp_core::sr25519::Public> {
	let bytes =
		hex::decode(text.strip_prefix("0x").unwrap_or(text)).context("public key is not hex")?;
	let bytes: [u8; 32] =
		bytes.try_into().map_err(|_| anyhow::anyhow!("public key must be 32 bytes"))?;
	Ok(sp_core::sr25519::Public::from_raw(bytes))
}

/// A stable default stream id for a broadcaster key.
fn default_stream_id(public: &sp_core::sr25519::Public) -> StreamId {
	let mut preimage = b"OLC default stream".to_vec();
	preimage.extend_from_slice(&public.0);
	StreamId(blake2_256(&preimage))
}

/// `0x`-prefixed lowercase hex, as the JSON outputs write bytes.
fn hex0x(bytes: impl AsRef<[u8]>) -> String {
	format!("0x{}", hex::encode(bytes))
}
