//! A test runtime: System, Balances and this pallet, with test doubles for the transcoder
//! directory, the fee crediting of pallet-staking-delegation and claim verification.

use crate as pallet_jobs;
use crate::{
	Candidate, ClaimId, ClaimInfo, ClaimVerification, ServiceUri, TranscoderDirectory,
	TranscoderFees, Verdict,
};
use codec::Encode;
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::Mutate, tokens::Preservation, ConstU32, ConstU64, Hooks},
	weights::Weight,
	PalletId,
};
use frame_system::EnsureRoot;
use sp_core::H256;
use sp_runtime::{BuildStorage, DispatchError};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Jobs: pallet_jobs,
	}
);

pub const EXISTENTIAL_DEPOSIT: u64 = 1;
pub const MIN_SEGMENTS_COVERED: u32 = 10;
pub const MIN_PRICE: u64 = 1;
pub const JOB_LIFETIME: u64 = 100;
pub const WINDOW: u64 = 5;
pub const RETRY_INTERVAL: u64 = 10;
pub const GRACE: u64 = 20;
pub const MAX_ELECTIONS: u32 = 3;
pub const MAX_PAYOUTS: u32 = 3;
/// Blocks an ended job or stream stays before `on_idle` may remove it.
pub const RETENTION: u64 = 100;
pub const MAX_JOBS_PER_TRANSCODER: u32 = 4;
pub const MAX_CANDIDATES: u32 = 16;
pub const MAX_SEGMENTS_PER_CLAIM: u64 = 100_000;

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
	/// Transcoders ever activated (they have a pool in pallet-staking-delegation).
	pub static KnownTranscoders: Vec<u64> = vec![];
	/// Fees credited through the fee double: (payer, transcoder, amount).
	pub static CreditedFees: Vec<(u64, u64, u64)> = vec![];
	/// Verdicts the verification double gives; claims not listed are paid.
	pub static Verdicts: Vec<(ClaimId, Verdict)> = vec![];
	/// Claims the verification double was told about.
	pub static SeenClaims: Vec<ClaimId> = vec![];
	/// Most profiles per job (a test lowers it to reach `TooManyProfiles`).
	pub static MaxProfilesPerJob: u32 = 8;
	/// Banned broadcasters (pallet-reporting's ban list in the runtime).
	pub static BannedList: Vec<u64> = vec![];
	/// Broadcasters under review (an open report in pallet-reporting), besides the banned ones.
	pub static UnderReviewList: Vec<u64> = vec![];
}

/// Banned or under review, as pallet-reporting's `BannedOrUnderReview` would say.
pub struct TestUnderReview;
impl frame_support::traits::Contains<u64> for TestUnderReview {
	fn contains(who: &u64) -> bool {
		BannedList::get().contains(who) || UnderReviewList::get().contains(who)
	}
}

/// The ban list as pallet-reporting would provide it.
pub struct TestBanned;
impl frame_support::traits::Contains<u64> for TestBanned {
	fn contains(who: &u64) -> bool {
		BannedList::get().contains(who)
	}
}

/// Where the fee double moves credited fees (pallet-staking-delegation's pot).
pub const FEE_POT: u64 = 99;

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

/// Behaves like pallet-staking-delegation's `add_fees`: any transcoder that has a pool (here:
/// was ever active) is paid, also after it left the active set; non-zero amounts; the payer
/// keeps its existential deposit.
pub struct TestFees;
impl TranscoderFees<u64, u64> for TestFees {
	fn add_fees(payer: &u64, transcoder: &u64, amount: u64) -> Result<(), DispatchError> {
		if amount == 0 {
			return Err(DispatchError::Other("ZeroAmount"));
		}
		if !KnownTranscoders::get().contains(transcoder) {
			return Err(DispatchError::Other("TranscoderNotActive"));
		}
		<Balances as Mutate<u64>>::transfer(payer, &FEE_POT, amount, Preservation::Preserve)?;
		CreditedFees::mutate(|fees| fees.push((*payer, *transcoder, amount)));
		Ok(())
	}
	fn add_fees_weight() -> Weight {
		Weight::from_parts(1_000, 0)
	}
}

pub struct TestVerification;
impl ClaimVerification<u64, u64, u64> for TestVerification {
	fn on_claim(claim_id: ClaimId, _: &ClaimInfo<u64, u64, u64>) {
		SeenClaims::mutate(|seen| seen.push(claim_id));
	}
	fn verdict(claim_id: ClaimId, _: &ClaimInfo<u64, u64, u64>) -> Verdict {
		Verdicts::get()
			.iter()
			.find(|(id, _)| *id == claim_id)
			.map_or(Verdict::Pay, |(_, verdict)| *verdict)
	}
}

#[cfg(feature = "runtime-benchmarks")]
pub struct TestBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64, u64> for TestBenchmarkHelper {
	fn activate_transcoder(who: &u64, stake: u64, price: u64) {
		KnownTranscoders::mutate(|known| known.push(*who));
		ActiveTranscoders::mutate(|all| {
			all.push(Candidate { who: *who, stake, price_per_segment: price })
		});
	}
}

impl pallet_jobs::Config for Test {
	type Currency = Balances;
	type Directory = TestDirectory;
	type Fees = TestFees;
	type Verification = TestVerification;
	type BanOrigin = EnsureRoot<u64>;
	type BannedAccounts = TestBanned;
	type BannedOrUnderReview = TestUnderReview;
	type MinSegmentsCovered = ConstU32<MIN_SEGMENTS_COVERED>;
	type MinPricePerSegment = ConstU64<MIN_PRICE>;
	type JobLifetime = ConstU64<JOB_LIFETIME>;
	type VerificationWindow = ConstU64<WINDOW>;
	type ClaimGracePeriod = ConstU64<GRACE>;
	type ElectionRetryInterval = ConstU64<RETRY_INTERVAL>;
	type MaxElectionsPerBlock = ConstU32<MAX_ELECTIONS>;
	type MaxPayoutsPerBlock = ConstU32<MAX_PAYOUTS>;
	type Retention = ConstU64<RETENTION>;
	type MaxJobsPerTranscoder = ConstU32<MAX_JOBS_PER_TRANSCODER>;
	type MaxCandidates = ConstU32<MAX_CANDIDATES>;
	type MaxProfilesPerJob = MaxProfilesPerJob;
	type MaxSegmentsPerClaim = ConstU64<MAX_SEGMENTS_PER_CLAIM>;
	type PalletId = JobsPalletId;
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
pub const INITIAL: u64 = 1_000_000;

/// Makes `who` active in the directory double with `stake` and `price`.
pub fn activate(who: u64, stake: u64, price: u64) {
	KnownTranscoders::mutate(|known| known.push(who));
	ActiveTranscoders::mutate(|all| {
		all.retain(|c| c.who != who);
		all.push(Candidate { who, stake, price_per_segment: price });
	});
}

pub fn deactivate(who: u64) {
	ActiveTranscoders::mutate(|all| all.retain(|c| c.who != who));
}

pub fn set_verdict(claim_id: ClaimId, verdict: Verdict) {
	Verdicts::mutate(|all| {
		all.retain(|(id, _)| *id != claim_id);
		all.push((claim_id, verdict));
	});
}

/// The parent hash the mock gives block `n`.
pub fn parent_hash_of(n: u64) -> H256 {
	H256(olc_primitives::blake2_256(&(b"parent", n).encode()))
}

/// Builds blocks up to `n`, running this pallet's `on_initialize` in each (events of earlier
/// blocks are cleared, as in a real chain).
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::initialize(&next, &parent_hash_of(next), &Default::default());
		System::reset_events();
		Jobs::on_initialize(next);
	}
}

/// Test externalities that check the pallet's invariants (`do_try_state`) after the test's
/// closure, so every unit test ends with them.
pub struct CheckedExt(sp_io::TestExternalities);

impl CheckedExt {
	/// Runs `test`, then the invariants.
	pub fn execute_with<R>(&mut self, test: impl FnOnce() -> R) -> R {
		self.0.execute_with(|| {
			let result = test();
			Jobs::do_try_state().unwrap();
			result
		})
	}
}

pub fn new_test_ext() -> CheckedExt {
	CheckedExt(raw_test_ext())
}

/// The externalities without the invariant check at the end.
pub fn raw_test_ext() -> sp_io::TestExternalities {
	ActiveTranscoders::take();
	KnownTranscoders::take();
	CreditedFees::take();
	Verdicts::take();
	SeenClaims::take();
	MaxProfilesPerJob::set(8);
	BannedList::take();
	UnderReviewList::take();
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(ALICE, INITIAL),
			(BOB, INITIAL),
			(CHARLIE, 100),
			(T1, 1_000),
			(T2, 1_000),
			(T3, 1_000),
			(FEE_POT, EXISTENTIAL_DEPOSIT),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_jobs::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
