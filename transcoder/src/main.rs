//! `olc-transcoder`: broadcaster segmenter, transcoding service and content checker.
//!
//! One struct per subcommand, each with its documented arguments and a `run()`
//! ([`cli`]); logs go through `tracing` (to stderr, `RUST_LOG` filters them); results (JSON,
//! reports) go to stdout.

use clap::Parser as _;
use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
		)
		.with_writer(std::io::stderr)
		.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
		.init();
	match cli::Cli::parse().run() {
		Ok(code) => code,
		Err(error) => {
			tracing::error!("{error:#}");
			ExitCode::from(2)
		},
	}
}
