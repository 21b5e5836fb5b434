//! The pallets whose benchmarks the runtime exposes to `olc-node benchmark pallet`.

frame_benchmarking::define_benchmarks!(
	[pallet_olc_token, OlcToken]
	[pallet_staking_delegation, StakingDelegation]
	[pallet_jobs, Jobs]
	[pallet_verification, Verification]
	[pallet_reporting, Reporting]
	[pallet_chat, Chat]
	[pallet_validator_manager, ValidatorManager]
);
