//! Command line of `olc-node`.

#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	#[clap(flatten)]
	pub transcoder: crate::transcoder::TranscoderParams,

	/// GRANDPA's voting rule on this validator: `best` (OLC's: vote for the best block) or
	/// `default` (Substrate's: at least 2 blocks behind the best one and no further than 3/4 of
	/// the unfinalized chain). `default` is there for the finality benchmark's A/B comparison.
	#[arg(long, value_enum, default_value_t = GrandpaVotingRule::Best)]
	pub grandpa_voting_rule: GrandpaVotingRule,
}

/// Transaction pool size (`--pool-limit`, transactions) unless the operator gives one.
///
/// The pool keeps a tenth of `--pool-limit` and `--pool-kbytes` for transactions that are not
/// valid yet ("future": a sender's later nonces that arrive before the earlier ones) and, when
/// that part is full, drops the oldest of them without telling the node that submitted them.
/// A burst of tips reaches the authors in gossip order, not nonce order, and the RPC node re-adds
/// its pool to each new block's view unordered too (fork-aware pool): with Substrate's defaults (8,192
/// transactions, 819 of them future) a flood of 8,000 tips from 6 accounts through a
/// non-authoring node had only 1,496 in blocks and the rest gone from both pools, no submission
/// refused (README "The chain"). Ten times the defaults keep 8,192 future transactions (and
/// 81,920 ready ones, ~40 full blocks); the same flood then lands in full.
pub const DEFAULT_POOL_LIMIT: usize = 81_920;
/// Transaction pool bytes (`--pool-kbytes`, KiB) unless the operator gives them: 200 MiB, of
/// which 20 MiB for future transactions (see [`DEFAULT_POOL_LIMIT`]).
pub const DEFAULT_POOL_KBYTES: usize = 204_800;
/// Transaction pool kind (`--pool-type`) unless the operator gives one: Substrate's single-state
/// pool, not its default fork-aware one.
///
/// Under the same 8,004-tip burst through a non-authoring node (`tests/pool.test.mjs`), the
/// fork-aware pool failed 4 runs of 10 here: twice the author's pool lost one tip it had received
/// (its later nonces then waited as "future" at the author and as "broadcast" at the RPC node,
/// and nobody was told), twice a first submission was refused as "1013: Transaction Already
/// Imported" while the pool kept it; and in 4 more runs it reported a few tips `dropped`, which
/// their senders had to sign and send again. The single-state pool passed 8 runs of 8 with none
/// of that (README "The chain"). OLC's chains are single-author-per-slot with GRANDPA finality
/// seconds behind: forks are short and rare, which is what the fork-aware pool is for.
pub const DEFAULT_POOL_TYPE: &str = "single-state";

impl Cli {
	/// Parses the command line as [`sc_cli::SubstrateCli::from_args`] does, with OLC's
	/// transaction pool defaults ([`DEFAULT_POOL_LIMIT`], [`DEFAULT_POOL_KBYTES`],
	/// [`DEFAULT_POOL_TYPE`]) in place of Substrate's. Exits with clap's message on a bad command line (and after `--help`).
	pub fn from_args_with_olc_defaults() -> Self {
		Self::try_from_iter_with_olc_defaults(std::env::args_os()).unwrap_or_else(|e| e.exit())
	}

	/// [`Self::from_args_with_olc_defaults`] over the arguments `args`.
	pub fn try_from_iter_with_olc_defaults<I, T>(args: I) -> Result<Self, clap::Error>
	where
		I: IntoIterator<Item = T>,
		T: Into<std::ffi::OsString> + Clone,
	{
		use clap::{CommandFactory, FromArgMatches};
		use sc_cli::SubstrateCli;
		let command = Self::setup_command(Self::command())
			.mut_arg("pool_limit", |arg| arg.default_value(DEFAULT_POOL_LIMIT.to_string()))
			.mut_arg("pool_kbytes", |arg| arg.default_value(DEFAULT_POOL_KBYTES.to_string()))
			.mut_arg("pool_type", |arg| arg.default_value(DEFAULT_POOL_TYPE));
		Self::from_arg_matches(&command.try_get_matches_from(args)?)
	}
}

/// Which blocks a GRANDPA voter votes for (see [`Cli::grandpa_voting_rule`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GrandpaVotingRule {
	/// The best block itself: finality about one block time after inclusion.
	Best,
	/// Substrate's default rules (`VotingRulesBuilder::default()`).
	Default,
}

#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management CLI utilities.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification.
	#[deprecated(note = "build-spec will be removed upstream; `export-chain-spec` replaces it")]
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification (a chain's genesis and settings) as JSON.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Build a `testnet` chain spec from an operator's keys file (no dev keys).
	TestnetSpec(crate::chain_spec::TestnetSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Runtime benchmarks (`benchmark pallet` generates the pallets' weights.rs); only in a node
	/// built with `--features runtime-benchmarks` (scripts/bench.sh builds one).
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Db meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn pool_defaults_are_olcs_and_flags_still_win() {
		let cli = Cli::try_from_iter_with_olc_defaults(["olc-node", "--dev"]).unwrap();
		assert_eq!(cli.run.pool_config.pool_limit, DEFAULT_POOL_LIMIT);
		assert_eq!(cli.run.pool_config.pool_kbytes, DEFAULT_POOL_KBYTES);
		assert!(matches!(cli.run.pool_config.pool_type, sc_cli::TransactionPoolType::SingleState));
		// The future queue (a tenth) holds a whole 8,000-tip burst.
		const { assert!(DEFAULT_POOL_LIMIT / 10 >= 8_000) };
		let cli = Cli::try_from_iter_with_olc_defaults([
			"olc-node",
			"--pool-limit",
			"100",
			"--pool-kbytes",
			"1000",
			"--pool-type",
			"fork-aware",
		])
		.unwrap();
		assert_eq!(cli.run.pool_config.pool_limit, 100);
		assert_eq!(cli.run.pool_config.pool_kbytes, 1000);
		assert!(matches!(cli.run.pool_config.pool_type, sc_cli::TransactionPoolType::ForkAware));
		// Subcommands parse as before.
		assert!(Cli::try_from_iter_with_olc_defaults(["olc-node", "key", "generate"]).is_ok());
	}
}
