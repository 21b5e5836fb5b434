//! Runs `benchmark pallet` against the runtime built into this node.

use frame_benchmarking_cli::BenchmarkCmd;
use olc_runtime::opaque::Block;
use sp_runtime::traits::HashingFor;

pub fn run(cmd: &BenchmarkCmd, config: sc_service::Configuration) -> sc_cli::Result<()> {
	match cmd {
		BenchmarkCmd::Pallet(cmd) =>
			cmd.run_with_spec::<HashingFor<Block>, crate::service::HostFunctions>(Some(config.chain_spec)),
		BenchmarkCmd::Machine(cmd) =>
			cmd.run(&config, frame_benchmarking_cli::SUBSTRATE_REFERENCE_HARDWARE.clone()),
		_ => Err("Only `benchmark pallet` and `benchmark machine` are supported by olc-node".into()),
	}
}
