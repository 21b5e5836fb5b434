//! Runs `benchmark pallet`, `overhead`, `storage` and `machine` against the runtime built into this
//! node.

use frame_benchmarking_cli::BenchmarkCmd;
use olc_runtime::opaque::Block;
use sp_runtime::traits::HashingFor;

pub fn run(cmd: &BenchmarkCmd, config: sc_service::Configuration) -> sc_cli::Result<()> {
	match cmd {
		BenchmarkCmd::Pallet(cmd) =>
			cmd.run_with_spec::<HashingFor<Block>, crate::service::HostFunctions>(Some(config.chain_spec)),
		// Block execution and per-extrinsic base weights (runtime/src/weights/), measured on
		// blocks the runtime's genesis builder makes from the chain spec.
		BenchmarkCmd::Overhead(cmd) =>
			cmd.run_with_default_builder_and_spec::<Block, crate::service::HostFunctions>(Some(
				config.chain_spec,
			)),
		// Read and write weights of the node's database (ParityDB), measured on the state of the
		// chain at --base-path (runtime/src/weights/paritydb_weights.rs).
		BenchmarkCmd::Storage(cmd) => {
			let sc_service::PartialComponents { client, backend, .. } =
				crate::service::new_partial(&config)?;
			let db = backend.expose_db();
			let storage = backend.expose_storage();
			let shared_cache = backend.expose_shared_trie_cache();
			cmd.run(config, client, db, storage, shared_cache)
		},
		BenchmarkCmd::Machine(cmd) =>
			cmd.run(&config, frame_benchmarking_cli::SUBSTRATE_REFERENCE_HARDWARE.clone()),
		_ => Err("Only `benchmark pallet`, `overhead`, `storage` and `machine` are supported by olc-node".into()),
	}
}
