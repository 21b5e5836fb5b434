//! A test runtime: System and this pallet; session keys are a list the tests fill.

use crate as pallet_validator_manager;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		ValidatorManager: pallet_validator_manager,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	/// Accounts with session keys (pallet-session's `NextKeys` in the runtime).
	pub static Registered: Vec<u64> = vec![1, 2, 3, 4, 5, 6];
	pub static MinValidators: u32 = 2;
}

/// Session keys as pallet-session would report them.
pub struct TestRegistration;
impl frame_support::traits::ValidatorRegistration<u64> for TestRegistration {
	fn is_registered(id: &u64) -> bool {
		Registered::get().contains(id)
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for TestRegistration {
	fn register_keys(who: &u64) {
		Registered::mutate(|r| r.push(*who));
	}
}

impl pallet_validator_manager::Config for Test {
	type ManagerOrigin = frame_system::EnsureRoot<u64>;
	type ValidatorRegistration = TestRegistration;
	type MaxValidators = ConstU32<4>;
	type MinValidators = MinValidators;
	type DefaultSessionLength = frame_support::traits::ConstU64<100>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestRegistration;
}

/// Validators 1, 2 and 3 at genesis, sessions of 10 blocks.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_validator_manager::GenesisConfig::<Test> {
		validators: vec![1, 2, 3],
		session_length: Some(10),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` in [`new_test_ext`] and checks the pallet's invariants after it.
pub fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		ValidatorManager::do_try_state().unwrap();
	});
}
