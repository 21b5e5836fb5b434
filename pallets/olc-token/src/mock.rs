//! A test runtime: System, Balances and this pallet.

use crate as pallet_olc_token;
use frame_support::{derive_impl, parameter_types, traits::ConstU64, PalletId};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		OlcToken: pallet_olc_token,
	}
);

pub const EXISTENTIAL_DEPOSIT: u64 = 10;
pub const MIN_TIP: u64 = 5;

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type ExistentialDeposit = ConstU64<EXISTENTIAL_DEPOSIT>;
}

parameter_types! {
	pub const OlcTokenPalletId: PalletId = PalletId(*b"olc/mntn");
	pub static BlockAuthor: Option<u64> = Some(AUTHOR);
	/// Accounts banned from receiving tips (a test bans one).
	pub static BannedList: Vec<u64> = vec![];
}

/// The ban list as pallet-reporting would provide it.
pub struct TestBanned;
impl frame_support::traits::Contains<u64> for TestBanned {
	fn contains(who: &u64) -> bool {
		BannedList::get().contains(who)
	}
}

impl pallet_olc_token::Config for Test {
	type Currency = Balances;
	type MinTip = ConstU64<MIN_TIP>;
	type PalletId = OlcTokenPalletId;
	type BannedAccounts = TestBanned;
	type WeightInfo = ();
}

pub const ALICE: u64 = 1;
pub const BOB: u64 = 2;
pub const CHARLIE: u64 = 3;
pub const AUTHOR: u64 = 9;
/// An account that does not exist at genesis.
pub const NOBODY: u64 = 77;

/// Test externalities that check the pallet's invariants (`do_try_state`) after the test's
/// closure, so every unit test ends with them.
pub struct CheckedExt(sp_io::TestExternalities);

impl CheckedExt {
	/// Runs `test`, then the invariants.
	pub fn execute_with<R>(&mut self, test: impl FnOnce() -> R) -> R {
		self.0.execute_with(|| {
			let result = test();
			OlcToken::do_try_state().unwrap();
			result
		})
	}
}

pub fn new_test_ext() -> CheckedExt {
	CheckedExt(raw_test_ext())
}

/// The externalities without the invariant check at the end (for the benchmark test suite).
pub fn raw_test_ext() -> sp_io::TestExternalities {
	BannedList::take();
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(ALICE, 1_000), (BOB, 100), (CHARLIE, 12), (AUTHOR, 100)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_olc_token::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
