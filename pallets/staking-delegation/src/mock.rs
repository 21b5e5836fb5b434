//! A test runtime: System, Balances, OlcToken (the monetary policy) and this pallet.

use crate as pallet_staking_delegation;
use crate::{CurrentRound, MonetaryPolicy, RoundIndex};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
	PalletId,
};
use sp_runtime::{BuildStorage, DispatchResult, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		OlcToken: pallet_olc_token,
		Staking: pallet_staking_delegation,
	}
);

pub const EXISTENTIAL_DEPOSIT: u64 = 1;
pub const MIN_SELF_BOND: u64 = 100;
pub const ROUND_LENGTH: u64 = 10;
pub const UNBONDING_PERIOD: RoundIndex = 7;
pub const MAX_ACTIVE: u32 = 2;
pub const MAX_TRANSCODERS: u32 = 4;
pub const MAX_LOCKS: u32 = 8;

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
	pub const StakingPalletId: PalletId = PalletId(*b"olc/stkd");
	/// When set, every round may mint exactly this much (hand-computed examples); otherwise
	/// pallet-olc-token's inflation decides.
	pub static FixedMintable: Option<u64> = None;
}

impl pallet_olc_token::Config for Test {
	type Currency = Balances;
	type MinTip = ConstU64<1>;
	type PalletId = OlcTokenPalletId;
	type BannedAccounts = frame_support::traits::Nothing;
	type WeightInfo = ();
}

/// pallet-olc-token's monetary policy, with the mintable amount overridable by tests.
pub struct TestPolicy;
impl MonetaryPolicy<u64, u64> for TestPolicy {
	fn mintable_for_round(bonded: u64) -> u64 {
		let from_inflation = <OlcToken as MonetaryPolicy<u64, u64>>::mintable_for_round(bonded);
		FixedMintable::get().unwrap_or(from_inflation)
	}
	fn mint(to: &u64, amount: u64) -> DispatchResult {
		<OlcToken as MonetaryPolicy<u64, u64>>::mint(to, amount)
	}
	fn inflation() -> Perbill {
		<OlcToken as MonetaryPolicy<u64, u64>>::inflation()
	}
}

impl pallet_staking_delegation::Config for Test {
	type Currency = Balances;
	type MonetaryPolicy = TestPolicy;
	type MinSelfBond = ConstU64<MIN_SELF_BOND>;
	type MaxActiveTranscoders = ConstU32<MAX_ACTIVE>;
	type MaxTranscoders = ConstU32<MAX_TRANSCODERS>;
	type UnbondingPeriod = ConstU32<UNBONDING_PERIOD>;
	type MaxUnbondingLocks = ConstU32<MAX_LOCKS>;
	type ResignSlashThreshold = ResignThreshold;
	type SlashCooldown = SlashCooldownRounds;
	type PalletId = StakingPalletId;
	type OnTranscoderDeactivated = RecordDeactivations;
	type SlashExposure = TestExposure;
	type BannedAccounts = TestBanned;
	type WeightInfo = ();
}

parameter_types! {
	/// Slashes of at least this fraction resign (zero: all; a test raises it).
	pub static ResignThreshold: Perbill = Perbill::zero();
	/// Rounds a slashed transcoder waits before registering again (a test sets it).
	pub static SlashCooldownRounds: u32 = 0;
}

parameter_types! {
	/// Banned accounts (as pallet-reporting's ban list would say): set by the tests.
	pub static BannedList: Vec<u64> = vec![];
}

/// The ban list as pallet-reporting would give it: set by the tests.
pub struct TestBanned;
impl frame_support::traits::Contains<u64> for TestBanned {
	fn contains(who: &u64) -> bool {
		BannedList::get().contains(who)
	}
}

parameter_types! {
	/// Accounts with an outcome that can still slash them (as pallet-verification would say).
	pub static Exposed: Vec<u64> = vec![];
}

/// Exposure as pallet-verification would report it: set by the tests.
pub struct TestExposure;
impl crate::SlashExposure<u64> for TestExposure {
	fn exposed(who: &u64) -> bool {
		Exposed::get().contains(who)
	}
	fn exposed_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::from_parts(2_000, 0)
	}
}

/// Makes `who` exposed to a slash (or not).
pub fn set_exposed(who: u64, exposed: bool) {
	Exposed::mutate(|all| {
		all.retain(|account| *account != who);
		if exposed {
			all.push(who);
		}
	});
}

parameter_types! {
	/// Transcoders the deactivation hook was told about, in order.
	pub static Deactivated: Vec<u64> = vec![];
}

/// Records deactivations, as pallet-jobs would react to them.
pub struct RecordDeactivations;
impl crate::OnTranscoderDeactivated<u64> for RecordDeactivations {
	fn on_transcoder_deactivated(who: &u64) {
		Deactivated::mutate(|all| all.push(*who));
	}
	fn weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::from_parts(1_000, 0)
	}
}

/// Transcoders.
pub const T1: u64 = 1;
pub const T2: u64 = 2;
pub const T3: u64 = 3;
/// Delegators.
pub const D1: u64 = 11;
pub const D2: u64 = 12;
pub const D3: u64 = 13;
/// Finds offences.
pub const FINDER: u64 = 21;
/// Pays fees (e.g. a broadcaster's deposit in another pallet).
pub const PAYER: u64 = 31;
/// Has no account.
pub const NOBODY: u64 = 77;

pub const INITIAL_BALANCE: u64 = 1_000_000;

pub struct ExtBuilder {
	balances: Vec<(u64, u64)>,
	inflation: Perbill,
	inflation_change: Perbill,
	fixed_mintable: Option<u64>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self {
			balances: [T1, T2, T3, D1, D2, D3, PAYER]
				.into_iter()
				.map(|who| (who, INITIAL_BALANCE))
				.collect(),
			inflation: Perbill::from_percent(1),
			inflation_change: Perbill::zero(),
			fixed_mintable: None,
		}
	}
}

impl ExtBuilder {
	/// Every round mints exactly `amount` (as long as the active set is not empty).
	pub fn fixed_mintable(mut self, amount: u64) -> Self {
		self.fixed_mintable = Some(amount);
		self
	}

	pub fn inflation(mut self, inflation: Perbill, change: Perbill) -> Self {
		self.inflation = inflation;
		self.inflation_change = change;
		self
	}

	pub fn balances(mut self, balances: Vec<(u64, u64)>) -> Self {
		self.balances = balances;
		self
	}

	/// Builds the externalities, runs `test` in them, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Staking::do_try_state().unwrap();
		});
	}

	pub fn build(self) -> sp_io::TestExternalities {
		FixedMintable::set(self.fixed_mintable);
		Exposed::take();
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> { balances: self.balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		pallet_olc_token::GenesisConfig::<Test> {
			inflation: Some(self.inflation),
			inflation_change: Some(self.inflation_change),
			target_bonding_rate: Some(Perbill::from_percent(50)),
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		pallet_staking_delegation::GenesisConfig::<Test> { round_length: Some(ROUND_LENGTH) }
			.assimilate_storage(&mut storage)
			.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder::default().build()
}

/// Runs `test` in the default externalities, then checks the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Staking::do_try_state().unwrap();
	});
}

/// Runs the hooks of the next block.
pub fn next_block() {
	let now = System::block_number() + 1;
	System::set_block_number(now);
	Staking::on_initialize(now);
}

/// Runs blocks until `round` has started.
pub fn run_to_round(round: RoundIndex) {
	while CurrentRound::<Test>::get().index < round {
		next_block();
	}
}

/// Runs blocks until the next round has started.
pub fn next_round() {
	run_to_round(CurrentRound::<Test>::get().index + 1);
}

pub fn round() -> RoundIndex {
	CurrentRound::<Test>::get().index
}
