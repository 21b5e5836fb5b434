//! A test runtime with the real sibling pallets: System, Balances, OlcToken (tips, maintainers
//! pot), Staking (pallet-staking-delegation: rounds, bonds), Jobs (streams, job deposits) and
//! this pallet, wired through the ready-made [`crate::adapters`], as the runtime wires them.

use crate as pallet_reporting;
use crate::adapters::{JobsAndStakingSanctions, JobsStreams, OlcTokenPot, StakingRounds};
use codec::Encode;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
	PalletId,
};
use frame_system::EnsureRoot;
use olc_primitives::StreamId;
use sp_core::H256;
use sp_runtime::{BuildStorage, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		OlcToken: pallet_olc_token,
		Staking: pallet_staking_delegation,
		Jobs: pallet_jobs,
		Reporting: pallet_reporting,
	}
);

pub const EXISTENTIAL_DEPOSIT: u64 = 1;
pub const BOND: u64 = 1_000;
pub const PROBATION: u64 = 10;
pub const DEPOSIT: u64 = 100;
pub const VOTING: u64 = 20;
pub const GROUP: u32 = 13;
pub const QUORUM: u32 = 7;
pub const MAX_MAINTAINERS: u32 = 64;
pub const MAX_RESOLUTIONS: u32 = 2;
/// Blocks a resolved report stays after its voting period before `on_idle` may remove it.
pub const REPORT_RETENTION: u64 = 50;
pub const MAX_PAYOUTS: u32 = 4;
pub const MAX_REPORTS: u32 = 4;
pub const ROUND_LENGTH: u64 = 50;

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type ExistentialDeposit = ConstU64<EXISTENTIAL_DEPOSIT>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = ConstU32<4>;
}

parameter_types! {
	pub const OlcTokenPalletId: PalletId = PalletId(*b"olc/mntn");
	pub const StakingPalletId: PalletId = PalletId(*b"olc/stkd");
	pub const JobsPalletId: PalletId = PalletId(*b"olc/jobs");
	pub const ReporterReward: Perbill = Perbill::from_percent(10);
	pub const DissentSlash: Perbill = Perbill::from_percent(10);
}

impl pallet_olc_token::Config for Test {
	type Currency = Balances;
	type MinTip = ConstU64<1>;
	type PalletId = OlcTokenPalletId;
	type BannedAccounts = Reporting;
	type WeightInfo = ();
}

impl pallet_staking_delegation::Config for Test {
	type Currency = Balances;
	type MonetaryPolicy = OlcToken;
	type MinSelfBond = ConstU64<100>;
	type MaxActiveTranscoders = ConstU32<2>;
	type MaxTranscoders = ConstU32<4>;
	type UnbondingPeriod = ConstU32<2>;
	type MaxUnbondingLocks = ConstU32<4>;
	// Every slash resigns (the tests of this pallet rely on it), with no cooldown.
	type ResignSlashThreshold = ();
	type SlashCooldown = frame_support::traits::ConstU32<0>;
	type PalletId = StakingPalletId;
	type OnTranscoderDeactivated = ();
	type SlashExposure = ();
	type BannedAccounts = Reporting;
	type WeightInfo = ();
}

/// The staking round's active set (as the runtime's directory): empty unless a test registers
/// a transcoder, so jobs wait for one.
pub struct StakingDirectory;
impl pallet_jobs::TranscoderDirectory<u64, u64> for StakingDirectory {
	fn active_transcoders() -> Vec<pallet_jobs::Candidate<u64, u64>> {
		pallet_staking_delegation::ActiveSet::<Test>::get()
			.into_iter()
			.map(|member| pallet_jobs::Candidate {
				who: member.who,
				stake: member.stake,
				price_per_segment: member.terms.price_per_segment,
			})
			.collect()
	}
	fn service_uri(_: &u64) -> pallet_jobs::ServiceUri {
		Default::default()
	}
}

#[cfg(feature = "runtime-benchmarks")]
pub struct JobsBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_jobs::BenchmarkHelper<u64, u64> for JobsBenchmarkHelper {
	fn activate_transcoder(_: &u64, _: u64, _: u64) {}
}

impl pallet_jobs::Config for Test {
	type Currency = Balances;
	type Directory = StakingDirectory;
	type Fees = Staking;
	type Verification = ();
	type BanOrigin = EnsureRoot<u64>;
	type BannedAccounts = Reporting;
	type BannedOrUnderReview = crate::BannedOrUnderReview<Test>;
	type MinSegmentsCovered = ConstU32<10>;
	type MinPricePerSegment = ConstU64<1>;
	type JobLifetime = ConstU64<1_000>;
	type ClaimGracePeriod = ConstU64<60>;
	type VerificationWindow = ConstU64<5>;
	type ElectionRetryInterval = ConstU64<10>;
	type MaxElectionsPerBlock = ConstU32<3>;
	type MaxPayoutsPerBlock = ConstU32<3>;
	type Retention = frame_support::traits::ConstU64<200>;
	type MaxJobsPerTranscoder = ConstU32<4>;
	type MaxCandidates = ConstU32<16>;
	type MaxProfilesPerJob = ConstU32<8>;
	type MaxSegmentsPerClaim = ConstU64<100_000>;
	type PalletId = JobsPalletId;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = JobsBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct TestBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for TestBenchmarkHelper {
	fn create_stream(owner: &u64) -> StreamId {
		new_stream(*owner)
	}
}

impl pallet_reporting::Config for Test {
	type Currency = Balances;
	type Streams = JobsStreams<Test>;
	type Sanctions = JobsAndStakingSanctions<Test>;
	type Rounds = StakingRounds<Test>;
	type MaintainersPot = OlcTokenPot<Test>;
	type MaintainerBond = ConstU64<BOND>;
	type ProbationPeriod = ConstU64<PROBATION>;
	type ReportDeposit = ConstU64<DEPOSIT>;
	type VotingPeriod = ConstU64<VOTING>;
	type GroupSize = ConstU32<GROUP>;
	type Quorum = ConstU32<QUORUM>;
	type ReporterReward = ReporterReward;
	type DissentSlash = DissentSlash;
	type MaxMaintainers = ConstU32<MAX_MAINTAINERS>;
	type MaxResolutionsPerBlock = ConstU32<MAX_RESOLUTIONS>;
	type ReportRetention = ConstU64<REPORT_RETENTION>;
	type MaxCommissionPayoutsPerBlock = ConstU32<MAX_PAYOUTS>;
	type MaxReportsPerBlock = ConstU32<MAX_REPORTS>;
	type LiftBanOrigin = EnsureRoot<u64>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestBenchmarkHelper;
}

/// A broadcaster.
pub const ALICE: u64 = 1;
/// A viewer who reports.
pub const BOB: u64 = 2;
/// Another viewer.
pub const CHARLIE: u64 = 3;
pub const INITIAL: u64 = 100_000;
/// Maintainer candidates: `FIRST_MAINTAINER..FIRST_MAINTAINER + CANDIDATES`.
pub const FIRST_MAINTAINER: u64 = 100;
pub const CANDIDATES: u64 = 40;

pub fn maintainer(i: u64) -> u64 {
	FIRST_MAINTAINER + i
}

pub fn pot() -> u64 {
	OlcToken::maintainers_pot()
}

/// Creates a stream of `owner` and returns its id.
pub fn new_stream(owner: u64) -> StreamId {
	let nonce = pallet_jobs::NextStreamNonce::<Test>::get();
	frame_support::assert_ok!(Jobs::create_stream(
		RuntimeOrigin::signed(owner),
		b"stream".to_vec().try_into().unwrap(),
		pallet_jobs::insecure_segment_key()
	));
	StreamId(olc_primitives::blake2_256(&(pallet_jobs::STREAM_ID_CONTEXT, owner, nonce).encode()))
}

/// The parent hash the mock gives block `n`.
pub fn parent_hash_of(n: u64) -> H256 {
	H256(olc_primitives::blake2_256(&(b"parent", n).encode()))
}

/// Builds blocks up to `n`, running the hooks of Staking, Jobs and this pallet in each.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::initialize(&next, &parent_hash_of(next), &Default::default());
		System::reset_events();
		Staking::on_initialize(next);
		Jobs::on_initialize(next);
		Reporting::on_initialize(next);
	}
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances = vec![(ALICE, INITIAL), (BOB, INITIAL), (CHARLIE, INITIAL)];
	balances.extend((0..CANDIDATES).map(|i| (maintainer(i), 10 * BOND)));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_olc_token::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_staking_delegation::GenesisConfig::<Test> { round_length: Some(ROUND_LENGTH) }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_jobs::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::initialize(&1, &parent_hash_of(1), &Default::default());
	});
	ext
}

/// Runs `test` in a new test externalities, then checks the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Reporting::do_try_state().unwrap();
	});
}
