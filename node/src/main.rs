//! `olc-node`: the OpenLive Coin node.

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
