//! A test runtime: System, Balances and this pallet; accounts are 32-byte keys as in OLC.

use crate as pallet_chat;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use olc_primitives::StreamId;
use sp_runtime::{traits::IdentityLookup, AccountId32, BuildStorage};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Chat: pallet_chat,
	}
);

pub const EXISTENTIAL_DEPOSIT: u64 = 10;
pub const DEPOSIT: u64 = 100;

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId32;
	type Lookup = IdentityLookup<AccountId32>;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type ExistentialDeposit = frame_support::traits::ConstU64<EXISTENTIAL_DEPOSIT>;
}

parameter_types! {
	/// Accounts banned (a test bans one).
	pub static BannedList: Vec<AccountId32> = vec![];
	pub const Deposit: u64 = DEPOSIT;
	/// The owner of [`STREAM`] when not [`broadcaster`] (the benchmarks pick their own).
	pub static StreamOwner: Option<AccountId32> = None;
}

/// The ban list as pallet-reporting would provide it.
pub struct TestBanned;
impl frame_support::traits::Contains<AccountId32> for TestBanned {
	fn contains(who: &AccountId32) -> bool {
		BannedList::get().contains(who)
	}
}

/// One stream, owned by [`broadcaster`].
pub struct TestStreams;
impl pallet_chat::StreamOwners<AccountId32> for TestStreams {
	fn owner_of(stream: &StreamId) -> Option<AccountId32> {
		(*stream == STREAM).then(|| StreamOwner::get().unwrap_or_else(broadcaster))
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_chat::BenchmarkHelper<AccountId32> for TestStreams {
	fn create_stream(owner: &AccountId32) -> StreamId {
		StreamOwner::set(Some(owner.clone()));
		STREAM
	}
}

impl pallet_chat::Config for Test {
	type Currency = Balances;
	type Deposit = Deposit;
	type MaxStatements = ConstU32<16>;
	type MaxStatementBytes = ConstU32<4096>;
	type BannedAccounts = TestBanned;
	type Streams = TestStreams;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestStreams;
}

pub const STREAM: StreamId = StreamId([7; 32]);

pub fn account(n: u8) -> AccountId32 {
	AccountId32::new([n; 32])
}
pub fn alice() -> AccountId32 {
	account(1)
}
pub fn bob() -> AccountId32 {
	account(2)
}
pub fn poor() -> AccountId32 {
	account(3)
}
pub fn broadcaster() -> AccountId32 {
	account(9)
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	BannedList::take();
	StreamOwner::take();
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(alice(), 1_000), (bob(), 1_000), (poor(), 50), (broadcaster(), 1_000)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` and then the pallet's invariants.
pub fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		pallet_chat::Pallet::<Test>::do_try_state().unwrap();
	});
}
