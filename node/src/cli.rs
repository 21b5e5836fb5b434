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

	/// Runtime benchmarks (`benchmark pallet` generates the pallets' weights.rs).
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Db meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}
