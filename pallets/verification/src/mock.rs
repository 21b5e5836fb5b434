//! A test runtime: System, Balances, pallet-jobs and this pallet, with test doubles for the
//! transcoder directory, the fee crediting and the slashing of pallet-staking-delegation, and
//! sr25519 keys derived from the (u64) account ids.

use crate as pallet_verification;
use crate::AccountKeys;
use codec::Encode;
use frame_support::{
	derive_impl, parameter_types,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::{Fortitude, Precision, Preservation},
		ConstU32, ConstU64, Hooks,
	},
	weights::Weight,
	PalletId,
};
use frame_system::EnsureRoot;
use pallet_jobs::{Candidate, ServiceUri, TranscoderDirectory, TranscoderFees};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{BuildStorage, DispatchError, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Jobs: pallet_jobs,
		Verification: pallet_verification,
	}
);

pub const EXISTENTIAL_DEPOSIT: u64 = 1;
pub const WINDOW: u64 = 40;
pub const VERIFICATION_PERIOD: u64 = 10;
pub const REPORT_PERIOD: u64 = 3;
pub const VERDICT_PERIOD: u64 = 5;
pub const MAX_PROOFS: u32 = 4;
pub const VERIFIERS: u32 = 3;
pub const MISSED_VOTE_SLASH: u64 = 10;
pub const MAX_SAMPLES: u32 = 8;
pub const MAX_TASKS: u32 = 6;
pub const MAX_SEGMENTS_PER_CLAIM: u64 = 1_000;

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
	pub const JobsPalletId: PalletId = PalletId(*b"olc/jobs");
	/// The directory's active transcoders (who, stake, price).
	pub static ActiveTranscoders: Vec<Candidate<u64, u64>> = vec![];
	/// Fees credited through the fee double: (payer, transcoder, amount).
	pub static CreditedFees: Vec<(u64, u64, u64)> = vec![];
	/// Slashes through the slashing double: (transcoder, fraction, finder, slashed, finder fee).
	pub static Slashes: Vec<(u64, Perbill, Option<u64>, u64, u64)> = vec![];
	/// One segment in this many is challenged.
	pub static VerificationRate: u32 = 4;
	pub const MissedVerificationSlash: Perbill = Perbill::from_percent(10);
	pub const FailedVerificationSlash: Perbill = Perbill::from_percent(5);
	pub const FinderFee: Perbill = Perbill::from_percent(5);
	pub const VerifierFee: Perbill = Perbill::from_percent(10);
}

/// Where the fee double moves credited fees (pallet-staking-delegation's pot).
pub const FEE_POT: u64 = 99;
/// An account without an sr25519 key.
pub const KEYLESS: u64 = 77;

/// The sr25519 key pair of account `who`.
pub fn pair(who: u64) -> sr25519::Pair {
	sr25519::Pair::from_seed(&olc_primitives::blake2_256(&(b"key", who).encode()))
}

pub struct TestKeys;
impl AccountKeys<u64> for TestKeys {
	fn public_key(who: &u64) -> Option<sr25519::Public> {
		(*who != KEYLESS).then(|| pair(*who).public())
	}
}

pub fn service_uri_of(who: u64) -> ServiceUri {
	format!("https://t{who}.example").into_bytes().try_into().unwrap()
}

/// The active set as pallet-staking-delegation would provide it.
pub struct TestDirectory;
impl TranscoderDirectory<u64, u64> for TestDirectory {
	fn active_transcoders() -> Vec<Candidate<u64, u64>> {
		ActiveTranscoders::get()
	}
	fn service_uri(who: &u64) -> ServiceUri {
		service_uri_of(*who)
	}
}

/// Behaves like pallet-staking-delegation's `add_fees` (see pallet-jobs' mock).
pub struct TestFees;
impl TranscoderFees<u64, u64> for TestFees {
	fn add_fees(payer: &u64, transcoder: &u64, amount: u64) -> Result<(), DispatchError> {
		if amount == 0 {
			return Err(DispatchError::Other("ZeroAmount"));
		}
		<Balances as Mutate<u64>>::transfer(payer, &FEE_POT, amount, Preservation::Preserve)?;
		CreditedFees::mutate(|fees| fees.push((*payer, *transcoder, amount)));
		Ok(())
	}
	fn add_fees_weight() -> Weight {
		Weight::from_parts(1_000, 0)
	}
}

/// Behaves like pallet-staking-delegation's slash: takes `fraction` of the transcoder's stake
/// (burned from its balance here, where the double keeps the stake), mints the finder fee to
/// the finder, and resigns the transcoder (here: leaves the active set at once, and pallet-jobs
/// re-elects its jobs).
pub struct TestSlashing;
impl pallet_staking_delegation::Slashing<u64, u64> for TestSlashing {
	fn slash(transcoder: &u64, fraction: Perbill, finder: Option<u64>, finder_fee: Perbill) -> u64 {
		let stake = ActiveTranscoders::get()
			.iter()
			.find(|candidate| candidate.who == *transcoder)
			.map_or(0, |candidate| candidate.stake);
		let slashed = fraction.mul_floor(stake);
		let burned = <Balances as Mutate<u64>>::burn_from(
			transcoder,
			slashed,
			Preservation::Expendable,
			Precision::Exact,
			Fortitude::Force,
		)
		.unwrap();
		assert_eq!(burned, slashed);
		let fee = finder.map_or(0, |_| finder_fee.mul_floor(slashed));
		if let Some(finder) = finder {
			if fee > 0 {
				<Balances as Mutate<u64>>::mint_into(&finder, fee).unwrap();
			}
		}
		Slashes::mutate(|all| all.push((*transcoder, fraction, finder, slashed, fee)));
		ActiveTranscoders::mutate(|all| all.retain(|candidate| candidate.who != *transcoder));
		let _ = Jobs::on_transcoder_deactivated(transcoder);
		slashed
	}
	fn slash_weight() -> Weight {
		Weight::from_parts(50_000, 0)
	}
}

#[cfg(feature = "runtime-benchmarks")]
pub struct TestJobsBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_jobs::BenchmarkHelper<u64, u64> for TestJobsBenchmarkHelper {
	fn activate_transcoder(who: &u64, stake: u64, price: u64) {
		activate(*who, stake, price);
	}
}

#[cfg(feature = "runtime-benchmarks")]
pub struct TestBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for TestBenchmarkHelper {
	fn keyed_account(index: u32) -> u64 {
		10_000 + u64::from(index)
	}
	fn sign(who: &u64, payload: &[u8]) -> sr25519::Signature {
		pair(*who).sign(payload)
	}
}

impl pallet_jobs::Config for Test {
	type Currency = Balances;
	type Directory = TestDirectory;
	type Fees = TestFees;
	type Verification = Verification;
	type BanOrigin = EnsureRoot<u64>;
	type BannedAccounts = frame_support::traits::Nothing;
	type MinSegmentsCovered = ConstU32<10>;
	type MinPricePerSegment = ConstU64<1>;
	type JobLifetime = ConstU64<1_000>;
	type VerificationWindow = ConstU64<WINDOW>;
	type ElectionRetryInterval = ConstU64<10>;
	type MaxElectionsPerBlock = ConstU32<3>;
	type MaxPayoutsPerBlock = ConstU32<3>;
	type MaxJobsPerTranscoder = ConstU32<4>;
	type MaxCandidates = ConstU32<16>;
	type MaxProfilesPerJob = ConstU32<8>;
	type MaxSegmentsPerClaim = ConstU64<MAX_SEGMENTS_PER_CLAIM>;
	type PalletId = JobsPalletId;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestJobsBenchmarkHelper;
}

impl pallet_verification::Config for Test {
	type Slashing = TestSlashing;
	type Keys = TestKeys;
	type VerificationRate = VerificationRate;
	type VerificationPeriod = ConstU64<VERIFICATION_PERIOD>;
	type ReportPeriod = ConstU64<REPORT_PERIOD>;
	type VerdictPeriod = ConstU64<VERDICT_PERIOD>;
	type MaxProofs = ConstU32<MAX_PROOFS>;
	type VerifiersPerSegment = ConstU32<VERIFIERS>;
	type MissedVerificationSlash = MissedVerificationSlash;
	type FailedVerificationSlash = FailedVerificationSlash;
	type FinderFee = FinderFee;
	type MissedVoteSlash = ConstU64<MISSED_VOTE_SLASH>;
	type VerifierFee = VerifierFee;
	type MaxSamplesPerBlock = ConstU32<MAX_SAMPLES>;
	type MaxTasksPerBlock = ConstU32<MAX_TASKS>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestBenchmarkHelper;
}

pub const ALICE: u64 = 1;
pub const BOB: u64 = 2;
pub const CHARLIE: u64 = 3;
pub const T1: u64 = 11;
pub const T2: u64 = 12;
pub const T3: u64 = 13;
pub const T4: u64 = 14;
pub const T5: u64 = 15;
pub const INITIAL: u64 = 1_000_000;
pub const STAKE: u64 = 1_000;

/// Makes `who` active in the directory double with `stake` and `price`.
pub fn activate(who: u64, stake: u64, price: u64) {
	ActiveTranscoders::mutate(|all| {
		all.retain(|c| c.who != who);
		all.push(Candidate { who, stake, price_per_segment: price });
	});
}

pub fn deactivate(who: u64) {
	ActiveTranscoders::mutate(|all| all.retain(|c| c.who != who));
}

/// The parent hash the mock gives block `n`.
pub fn parent_hash_of(n: u64) -> H256 {
	H256(olc_primitives::blake2_256(&(b"parent", n).encode()))
}

/// Builds the next block, running both pallets' `on_initialize` (events of earlier blocks are
/// cleared, as in a real chain). Returns this pallet's weight.
pub fn next_block() -> Weight {
	let next = System::block_number() + 1;
	System::initialize(&next, &parent_hash_of(next), &Default::default());
	System::reset_events();
	Jobs::on_initialize(next);
	Verification::on_initialize(next)
}

/// Builds blocks up to `n`.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		next_block();
	}
}

pub fn total_balance(who: u64) -> u64 {
	<Balances as Inspect<u64>>::total_balance(&who)
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	ActiveTranscoders::take();
	CreditedFees::take();
	Slashes::take();
	VerificationRate::set(4);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<(u64, u64)> = vec![
		(ALICE, INITIAL),
		(BOB, INITIAL),
		(CHARLIE, 100),
		(KEYLESS, INITIAL),
		(FEE_POT, EXISTENTIAL_DEPOSIT),
	];
	balances.extend([T1, T2, T3, T4, T5].map(|who| (who, INITIAL)));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_jobs::GenesisConfig::<Test>::default().assimilate_storage(&mut storage).unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		System::set_parent_hash(parent_hash_of(1));
	});
	ext
}
