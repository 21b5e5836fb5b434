//! `olc-node`: the OpenLive Coin node.

// The node's functions return the framework's errors (`sc_cli::Error`, `sc_service::Error`),
// which are large; boxing them on paths taken once at start-up buys nothing.
#![allow(clippy::result_large_err)]

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain_spec;
mod chat;
mod cli;
mod command;
pub mod rpc;
mod service;
mod transcoder;

fn main() -> sc_cli::Result<()> {
	command::run()
}
