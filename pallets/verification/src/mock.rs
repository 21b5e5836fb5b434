//! A test runtime: System, Balances, OlcToken, pallet-staking-delegation, pallet-jobs and this
//! pallet, as the runtime wires them: slashes, the transcoder directory (the staking round's
//! active set without resigned members) and the re-election of a deactivated transcoder's jobs
//! go through the real pallet-staking-delegation. Only the fee crediting is a test double, and
//! sr25519 keys are derived from the (u64) account ids.

use crate as pallet_verification;
use crate::AccountKeys;
use codec::Encode;
use frame_support::{
	derive_impl, parameter_types,
	traits::{
		fungible::{Inspect, InspectHold, Mutate},
		tokens::{Fortitude, Preservation},
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
		OlcToken: pallet_olc_token,
		Staking: pallet_staking_delegation,
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
pub const MIN_SELF_BOND: u64 = 100;

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
	pub const OlcTokenPalletId: PalletId = PalletId(*b"olc/mntn");
	pub const StakingPalletId: PalletId = PalletId(*b"olc/stkd");
	/// Fees credited through the fee double: (payer, transcoder, amount).
	pub static CreditedFees: Vec<(u64, u64, u64)> = vec![];
	/// Slashes made through pallet-staking-delegation: (transcoder, fraction, finder, slashed,
	/// finder fee).
	pub static Slashes: Vec<(u64, Perbill, Option<u64>, u64, u64)> = vec![];
	/// OLC burned from each account's hold by slashes so far (booked from the staking events).
	pub static SlashBurned: Vec<(u64, u64)> = vec![];
	/// One segment in this many is challenged.
	pub static VerificationRate: u32 = 4;
	pub const MissedVerificationSlash: Perbill = Perbill::from_percent(10);
	pub const FailedVerificationSlash: Perbill = Perbill::from_percent(5);
	pub const FinderFee: Perbill = Perbill::from_percent(5);
	pub const VerifierFee: Perbill = Perbill::from_percent(10);
}

impl pallet_olc_token::Config for Test {
	type Currency = Balances;
	type MinTip = ConstU64<1>;
	type PalletId = OlcTokenPalletId;
	type BannedAccounts = frame_support::traits::Nothing;
	type WeightInfo = ();
}

impl pallet_staking_delegation::Config for Test {
	type Currency = Balances;
	type MonetaryPolicy = OlcToken;
	type MinSelfBond = ConstU64<MIN_SELF_BOND>;
	type MaxActiveTranscoders = ConstU32<16>;
	type MaxTranscoders = ConstU32<32>;
	type UnbondingPeriod = ConstU32<2>;
	type MaxUnbondingLocks = ConstU32<4>;
	// Every slash resigns (the tests of this pallet rely on it), with no cooldown.
	type ResignSlashThreshold = ();
	type SlashCooldown = frame_support::traits::ConstU32<0>;
	type PalletId = StakingPalletId;
	type OnTranscoderDeactivated = JobsReelection;
	type SlashExposure = Verification;
	type BannedAccounts = frame_support::traits::Nothing;
	type WeightInfo = ();
}

/// A deactivated transcoder loses its running jobs, as in the runtime.
pub struct JobsReelection;
impl pallet_staking_delegation::OnTranscoderDeactivated<u64> for JobsReelection {
	fn on_transcoder_deactivated(who: &u64) {
		Jobs::on_transcoder_deactivated(who);
	}
	fn weight() -> Weight {
		Jobs::on_transcoder_deactivated_weight()
	}
}

/// Where the fee double moves credited fees.
pub const FEE_POT: u64 = 99;
/// An account without an sr25519 key.
pub const KEYLESS: u64 = 77;

/// The sr25519 key pair of account `who`.
pub fn pair(who: u64) -> sr25519::Pair {
	sr25519::Pair::from_seed(&olc_primitives::blake2_256(&(b"key", who).encode()))
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

pub struct TestKeys;
impl AccountKeys<u64> for TestKeys {
	fn public_key(who: &u64) -> Option<sr25519::Public> {
		(*who != KEYLESS).then(|| pair(*who).public())
	}
}

pub fn service_uri_of(who: u64) -> ServiceUri {
	format!("https://t{who}.example").into_bytes().try_into().unwrap()
}

/// The runtime's directory: the staking round's active set without the members that resigned
/// or were slashed during the round.
pub struct StakingDirectory;
impl TranscoderDirectory<u64, u64> for StakingDirectory {
	fn active_transcoders() -> Vec<Candidate<u64, u64>> {
		pallet_staking_delegation::ActiveSet::<Test>::get()
			.into_iter()
			.filter(|member| {
				pallet_staking_delegation::Transcoders::<Test>::contains_key(member.who)
			})
			.map(|member| Candidate {
				who: member.who,
				stake: member.stake,
				price_per_segment: member.terms.price_per_segment,
			})
			.collect()
	}
	fn service_uri(who: &u64) -> ServiceUri {
		pallet_staking_delegation::Transcoders::<Test>::get(who)
			.map(|info| info.service_uri)
			.unwrap_or_default()
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

/// pallet-staking-delegation's slash, with a record of each (the finder fee read from the
/// finder's balance).
pub struct RecordedSlashing;
impl pallet_staking_delegation::Slashing<u64, u64> for RecordedSlashing {
	fn slash(transcoder: &u64, fraction: Perbill, finder: Option<u64>, finder_fee: Perbill) -> u64 {
		let before = finder.map_or(0, total_balance);
		let slashed = <Staking as pallet_staking_delegation::Slashing<u64, u64>>::slash(
			transcoder, fraction, finder, finder_fee,
		);
		let fee = finder.map_or(0, total_balance) - before;
		Slashes::mutate(|all| all.push((*transcoder, fraction, finder, slashed, fee)));
		slashed
	}
	fn slash_weight() -> Weight {
		<Staking as pallet_staking_delegation::Slashing<u64, u64>>::slash_weight()
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
	type Directory = StakingDirectory;
	type Fees = TestFees;
	type Verification = Verification;
	type BanOrigin = EnsureRoot<u64>;
	type BannedAccounts = TestBanned;
	type BannedOrUnderReview = TestBanned;
	type MinSegmentsCovered = ConstU32<10>;
	type MinPricePerSegment = ConstU64<1>;
	type JobLifetime = ConstU64<1_000>;
	type ClaimGracePeriod = ConstU64<60>;
	type VerificationWindow = ConstU64<WINDOW>;
	type ElectionRetryInterval = ConstU64<10>;
	type MaxElectionsPerBlock = ConstU32<3>;
	type MaxPayoutsPerBlock = ConstU32<3>;
	type Retention = frame_support::traits::ConstU64<200>;
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
	type Slashing = RecordedSlashing;
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

/// Makes `who` an active transcoder with at least `stake` of its own and `price`, as a round
/// start would: bonds what its own stake lacks (minting it first if its free balance is short),
/// registers it if it is not registered, and puts it in the current active set with its pool's
/// stake (delegations included).
pub fn activate(who: u64, stake: u64, price: u64) {
	let own = Staking::delegator_view(&who).map_or(0, |view| view.stake);
	if own < stake {
		let more = stake - own;
		let spendable = <Balances as Inspect<u64>>::reducible_balance(
			&who,
			Preservation::Preserve,
			Fortitude::Polite,
		);
		if spendable < more {
			<Balances as Mutate<u64>>::mint_into(&who, more - spendable).unwrap();
		}
		frame_support::assert_ok!(Staking::bond(RuntimeOrigin::signed(who), more, who));
	}
	let terms = pallet_staking_delegation::TranscoderTerms {
		reward_cut: Perbill::from_percent(10),
		fee_share: Perbill::from_percent(50),
		price_per_segment: price,
	};
	if pallet_staking_delegation::Transcoders::<Test>::contains_key(who) {
		frame_support::assert_ok!(Staking::update_transcoder(
			RuntimeOrigin::signed(who),
			terms.reward_cut,
			terms.fee_share,
			price,
			service_uri_of(who)
		));
	} else {
		frame_support::assert_ok!(Staking::register_transcoder(
			RuntimeOrigin::signed(who),
			terms.reward_cut,
			terms.fee_share,
			price,
			service_uri_of(who)
		));
	}
	let pool = Staking::transcoder_view(&who).unwrap().stake;
	pallet_staking_delegation::ActiveSet::<Test>::mutate(|set| {
		set.retain(|member| member.who != who);
		set.try_push(pallet_staking_delegation::ActiveTranscoder { who, stake: pool, terms })
			.unwrap();
	});
}

/// Takes `who` out of the current active set (it stays registered).
pub fn deactivate(who: u64) {
	pallet_staking_delegation::ActiveSet::<Test>::mutate(|set| {
		set.retain(|member| member.who != who)
	});
}

/// `who`'s own stake in pallet-staking-delegation now (its bond after slashes).
pub fn own_stake(who: u64) -> u64 {
	Staking::delegator_view(&who).map_or(0, |view| view.stake)
}

/// `who`'s OLC held by pallet-staking-delegation.
pub fn staked(who: u64) -> u64 {
	<Balances as InspectHold<u64>>::balance_on_hold(
		&pallet_staking_delegation::HoldReason::Staking.into(),
		&who,
	)
}

/// Books the staking events of the current block (slashes burned from holds), so that they
/// outlive the block.
pub fn book_events() {
	for record in System::events() {
		if let RuntimeEvent::Staking(pallet_staking_delegation::Event::SlashBurned {
			who,
			amount,
		}) = record.event
		{
			SlashBurned::mutate(|all| all.push((who, amount)));
		}
	}
}

/// OLC burned from `who`'s hold by slashes so far (booked blocks and the current one).
pub fn burned_from(who: u64) -> u64 {
	let booked: u64 = SlashBurned::get()
		.iter()
		.filter(|(account, _)| *account == who)
		.map(|(_, amount)| amount)
		.sum();
	let current: u64 = System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Staking(pallet_staking_delegation::Event::SlashBurned {
				who: account,
				amount,
			}) if account == who => Some(amount),
			_ => None,
		})
		.sum();
	booked + current
}

/// The parent hash the mock gives block `n`.
pub fn parent_hash_of(n: u64) -> H256 {
	H256(olc_primitives::blake2_256(&(b"parent", n).encode()))
}

/// Builds the next block, running the pallets' `on_initialize` (events of earlier blocks are
/// booked and cleared, as in a real chain). Returns this pallet's weight.
pub fn next_block() -> Weight {
	let next = System::block_number() + 1;
	book_events();
	System::initialize(&next, &parent_hash_of(next), &Default::default());
	System::reset_events();
	Staking::on_initialize(next);
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
	CreditedFees::take();
	Slashes::take();
	SlashBurned::take();
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
	pallet_olc_token::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_staking_delegation::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_jobs::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		System::set_parent_hash(parent_hash_of(1));
	});
	ext
}

/// Runs `test` in a new test externalities, then checks the invariants of this pallet and of
/// pallet-staking-delegation.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Verification::do_try_state().unwrap();
		Staking::do_try_state().unwrap();
	});
}
