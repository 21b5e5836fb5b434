//! Configuration of every pallet in the runtime.

use crate::*;
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, FindAuthor, Get},
	weights::{constants::WEIGHT_REF_TIME_PER_SECOND, ConstantMultiplier, IdentityFee, Weight},
	PalletId,
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{FungibleAdapter, Multiplier, TargetedFeeAdjustment};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::One, FixedPointNumber, Perbill};

const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Half of the 2 s slot for execution. Aura gives the author two thirds of the slot (1.33 s) to
/// build; the rest of the slot is for gossip and import, so GRANDPA can finalize within about
/// one block time. The weights are measured on the reference machine (2 cores) and are upper
/// bounds: a block full of tips (0.375 s of normal weight with the reference figures) took
/// 130-220 ms to build there (tests/bench/finality.mjs), so a full block of this size executes
/// in well under its half slot on the author and on every importer.
const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX);

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;
	/// As `BlockWeights::with_sensible_defaults`, with this runtime's measured block and
	/// extrinsic base weights (runtime/src/weights/) instead of polkadot-sdk's reference ones.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::builder()
		.base_block(crate::weights::BlockExecutionWeight::get())
		.for_class(DispatchClass::all(), |weights| {
			weights.base_extrinsic = crate::weights::ExtrinsicBaseWeight::get();
		})
		.for_class(DispatchClass::Normal, |weights| {
			weights.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.for_class(DispatchClass::Operational, |weights| {
			weights.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
			weights.reserved =
				Some(MAXIMUM_BLOCK_WEIGHT.saturating_sub(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT));
		})
		.avg_block_initialization(Perbill::from_percent(10))
		.build_or_panic();
	pub RuntimeBlockLength: BlockLength =
		BlockLength::builder()
		// 1 MiB: a 2 s slot leaves no room to gossip and import bigger blocks before GRANDPA
		// votes; 768 KiB of it for normal transactions (~3,900 tips of ~200 bytes).
		.max_length(1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
	pub const SS58Prefix: u16 = SS58_PREFIX;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	// Measured on this chain's ParityDB with real state (`scripts/bench.sh storage`: 7,831 keys,
	// writes committed 100 at a time), twice the average for a state that grows (deeper tries):
	// 6.3 µs a read, 17.4 µs a write, against the reference 8 µs and 50 µs. A tip weighs 325 µs
	// instead of 466 µs (2,304 tips in a block's 0.75 s of normal weight instead of 1,609), closer
	// to the 217-297 µs a tip took to execute in a full block.
	type DbWeight = crate::weights::ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	// The transaction extensions' weights priced with this runtime's measured database weights;
	// the default `()` prices their reads and writes as RocksDB's reference figures.
	type ExtensionsWeightInfo = frame_system::SubstrateExtensionsWeight<Runtime>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type Balance = Balance;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type ReserveIdentifier = [u8; 8];
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type MaxFreezes = ConstU32<8>;
	type DoneSlashHandler = ();
}

/// The author of the block being built or imported, from the Aura pre-runtime digest: the
/// validator account (pallet-session) at the author's position in the Aura authorities. Both
/// lists are set together at each session change, in the same order.
pub struct AuraBlockAuthor;
impl Get<Option<AccountId>> for AuraBlockAuthor {
	fn get() -> Option<AccountId> {
		let digest = frame_system::Pallet::<Runtime>::digest();
		let pre_runtime = digest.logs().iter().filter_map(|item| item.as_pre_runtime());
		let index = <pallet_aura::Pallet<Runtime> as FindAuthor<u32>>::find_author(pre_runtime)?;
		pallet_session::Validators::<Runtime>::get().get(index as usize).cloned()
	}
}

parameter_types! {
	/// Fee per byte of an extrinsic: 0.00001 OLC, so a tip (~200 bytes) pays ~0.002 OLC for its
	/// bytes and a full block's bytes cost ~7.9 OLC.
	pub const TransactionByteFee: Balance = 10 * MICRO_UNIT;
	/// The fee multiplier aims at blocks a quarter full (of normal weight).
	pub const TargetBlockFullness: sp_runtime::Perquintill = sp_runtime::Perquintill::from_percent(25);
	/// How fast the multiplier moves: at full blocks about +0.0056% per block, ×1.22 per hour
	/// (1,800 blocks of 2 s), ×120 per day of sustained full blocks (Substrate's node uses the
	/// same variability with 6 s blocks).
	pub AdjustmentVariable: Multiplier = Multiplier::saturating_from_rational(75, 1_000_000);
	/// The multiplier never goes below 1: an idle chain charges the nominal fees.
	pub MinimumMultiplier: Multiplier = Multiplier::one();
	pub MaximumMultiplier: Multiplier = sp_runtime::traits::Bounded::max_value();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// 80% of every fee to the block author, 20% to the maintainers pot.
	type OnChargeTransaction =
		FungibleAdapter<Balances, pallet_olc_token::SplitFees<Runtime, AuraBlockAuthor>>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	/// Weight fees rise while blocks are fuller than the target and fall back to 1× when not.
	type FeeMultiplierUpdate = TargetedFeeAdjustment<
		Self,
		TargetBlockFullness,
		AdjustmentVariable,
		MinimumMultiplier,
		MaximumMultiplier,
	>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Session keys hold 10 OLC until they are purged (so nobody fills `Session::NextKeys` for
	/// free: any account may set keys before it is added as a validator).
	pub const SessionKeyDeposit: Balance = 10 * UNIT;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Validators are accounts; the account that set the keys is the validator.
	type ValidatorId = AccountId;
	type ValidatorIdOf = sp_runtime::traits::ConvertInto;
	/// Sessions of `ValidatorManager::session_length()` blocks (genesis; 1,800 = 1 hour on
	/// production chains, 10 on dev and local).
	type ShouldEndSession = pallet_session::PeriodicSessions<
		pallet_validator_manager::SessionLengthOf<Runtime>,
		sp_core::ConstU32<0>,
	>;
	type NextSessionRotation = pallet_session::PeriodicSessions<
		pallet_validator_manager::SessionLengthOf<Runtime>,
		sp_core::ConstU32<0>,
	>;
	type SessionManager = ValidatorManager;
	type SessionHandler =
		<opaque::SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = opaque::SessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = SessionKeyDeposit;
}

impl pallet_validator_manager::Config for Runtime {
	/// Root (sudo) today; a governance origin takes over by changing this type only.
	type ManagerOrigin = frame_system::EnsureRoot<AccountId>;
	type ValidatorRegistration = Session;
	/// The Aura and GRANDPA authority bounds.
	type MaxValidators = ConstU32<32>;
	/// One validator keeps producing blocks (and alone finalizes); below it the chain stops.
	type MinValidators = ConstU32<1>;
	/// One hour of 2 s blocks.
	type DefaultSessionLength = ConstU32<HOURS>;
	type WeightInfo = pallet_validator_manager::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SessionKeysBenchmarkHelper;
}

/// Registers session keys (fresh random keys) for pallet-validator-manager's benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct SessionKeysBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_validator_manager::BenchmarkHelper<AccountId> for SessionKeysBenchmarkHelper {
	fn register_keys(who: &AccountId) {
		use codec::Encode;
		// Distinct keys per account (the account's bytes); `is_registered` reads `NextKeys`.
		let mut bytes = [0u8; 32];
		for (b, r) in bytes.iter_mut().zip(who.encode()) {
			*b = r;
		}
		let keys = opaque::SessionKeys {
			aura: sp_core::sr25519::Public::from_raw(bytes).into(),
			grandpa: sp_core::ed25519::Public::from_raw(bytes).into(),
		};
		pallet_session::NextKeys::<Runtime>::insert(who, keys);
	}
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub const MaintainersPotId: PalletId = PalletId(*b"olc/mntn");
	/// The smallest tip: 0.01 OLC.
	pub const MinTip: Balance = UNIT / 100;
}

impl pallet_olc_token::Config for Runtime {
	type Currency = Balances;
	type MinTip = MinTip;
	type PalletId = MaintainersPotId;
	/// Banned broadcasters (pallet-reporting) cannot be tipped.
	type BannedAccounts = Reporting;
	type WeightInfo = pallet_olc_token::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub const StakingPotId: PalletId = PalletId(*b"olc/stak");
	/// A transcoder must bond at least 1,000 OLC of its own.
	pub const MinSelfBond: Balance = 1_000 * UNIT;
	/// Slashes of at least 5% of a pool's stake resign its transcoder.
	pub const ResignSlashThreshold: Perbill = Perbill::from_percent(5);
}

impl pallet_staking_delegation::Config for Runtime {
	type Currency = Balances;
	type MonetaryPolicy = OlcToken;
	type MinSelfBond = MinSelfBond;
	type MaxActiveTranscoders = ConstU32<16>;
	type MaxTranscoders = ConstU32<256>;
	/// Rounds between an unbond and its withdrawal (Livepeer's 7).
	type UnbondingPeriod = ConstU32<7>;
	type MaxUnbondingLocks = ConstU32<32>;
	/// A slash of 5% or more (a missed or failed verification) resigns the transcoder, which may
	/// register again 7 rounds later; a missed or losing vote only costs stake.
	type ResignSlashThreshold = ResignSlashThreshold;
	type SlashCooldown = ConstU32<7>;
	type PalletId = StakingPotId;
	type OnTranscoderDeactivated = JobsReelection;
	/// A transcoder with a claim under verification or a committee seat without a vote keeps
	/// its own bond in its pool until then (pallet-verification counts them).
	type SlashExposure = Verification;
	type BannedAccounts = Reporting;
	type WeightInfo = pallet_staking_delegation::weights::SubstrateWeight<Runtime>;
}

/// A deactivated transcoder (resigned, evicted, slashed, or out of the active set) loses its
/// running jobs: pallet-jobs elects new transcoders for them in the next block.
pub struct JobsReelection;
impl pallet_staking_delegation::OnTranscoderDeactivated<AccountId> for JobsReelection {
	fn on_transcoder_deactivated(who: &AccountId) {
		pallet_jobs::Pallet::<Runtime>::on_transcoder_deactivated(who);
	}

	fn weight() -> Weight {
		pallet_jobs::Pallet::<Runtime>::on_transcoder_deactivated_weight()
	}
}

/// The transcoders a job may be assigned to: the staking round's active set, without members
/// that resigned or were slashed during the round (they stay in the set until it ends).
pub struct ActiveTranscoderDirectory;
impl pallet_jobs::TranscoderDirectory<AccountId, Balance> for ActiveTranscoderDirectory {
	fn active_transcoders() -> Vec<pallet_jobs::Candidate<AccountId, Balance>> {
		pallet_staking_delegation::ActiveSet::<Runtime>::get()
			.into_iter()
			.filter(|member| {
				pallet_staking_delegation::Transcoders::<Runtime>::contains_key(&member.who)
			})
			.map(|member| pallet_jobs::Candidate {
				who: member.who,
				stake: member.stake,
				price_per_segment: member.terms.price_per_segment,
			})
			.collect()
	}

	fn service_uri(who: &AccountId) -> pallet_jobs::ServiceUri {
		pallet_staking_delegation::Transcoders::<Runtime>::get(who)
			.map(|info| info.service_uri)
			.unwrap_or_default()
	}
}

/// A job without a candidate is retried once per staking round: the active set changes only
/// at round starts.
pub struct StakingRoundLength;
impl Get<BlockNumber> for StakingRoundLength {
	fn get() -> BlockNumber {
		pallet_staking_delegation::RoundLength::<Runtime>::get().max(1)
	}
}

parameter_types! {
	pub const JobsPalletId: PalletId = PalletId(*b"olc/jobs");
	/// A job's deposit pays for at least a minute of every rendition (30 segments of 2 s).
	pub const MinSegmentsCovered: u32 = 30;
	/// The lowest price per segment and rendition a job may offer: 0.000001 OLC.
	pub const MinPricePerSegment: Balance = MICRO_UNIT;
	/// A job lives one day; then anyone may end it and the broadcaster gets the rest back.
	pub const JobLifetime: BlockNumber = DAYS;
	/// Blocks between a claim and its payout: long enough for the verification of its sampled
	/// segments (2 + proof period + report period + two committee rounds = 69 blocks) with
	/// some slack for queue backlogs: 80 blocks, 160 s.
	pub const VerificationWindow: BlockNumber = 80;
	/// A transcoder that left a job may claim its work for 60 blocks (2 min, four of the
	/// worker's default claim intervals).
	pub const ClaimGracePeriod: BlockNumber = 60;
	/// Ended jobs and streams stay a week for the viewer page and tools, then leave storage.
	pub const JobsRetention: BlockNumber = 7 * DAYS;
	/// A claim covers at most 10,000 segments (5.5 hours of 2 s segments).
	pub const MaxSegmentsPerClaim: u64 = 10_000;
}

impl pallet_jobs::Config for Runtime {
	type Currency = Balances;
	type Directory = ActiveTranscoderDirectory;
	type Fees = StakingDelegation;
	type Verification = Verification;
	type BanOrigin = frame_system::EnsureRoot<AccountId>;
	type BannedAccounts = Reporting;
	type BannedOrUnderReview = pallet_reporting::BannedOrUnderReview<Runtime>;
	type MinSegmentsCovered = MinSegmentsCovered;
	type MinPricePerSegment = MinPricePerSegment;
	type JobLifetime = JobLifetime;
	type VerificationWindow = VerificationWindow;
	type ClaimGracePeriod = ClaimGracePeriod;
	type ElectionRetryInterval = StakingRoundLength;
	type MaxElectionsPerBlock = ConstU32<16>;
	type MaxPayoutsPerBlock = ConstU32<16>;
	type Retention = JobsRetention;
	type MaxJobsPerTranscoder = ConstU32<64>;
	type MaxCandidates = ConstU32<16>;
	type MaxProfilesPerJob = ConstU32<8>;
	type MaxSegmentsPerClaim = MaxSegmentsPerClaim;
	type PalletId = JobsPalletId;
	type WeightInfo = pallet_jobs::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = JobsBenchmarkHelper;
}

/// Makes an account an active transcoder for pallet-jobs' benchmarks: funds it, bonds and
/// registers it, and puts it in the current active set.
#[cfg(feature = "runtime-benchmarks")]
pub struct JobsBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_jobs::BenchmarkHelper<AccountId, Balance> for JobsBenchmarkHelper {
	fn activate_transcoder(who: &AccountId, stake: Balance, price: Balance) {
		use frame_support::traits::fungible::Mutate;
		let stake = stake.max(MinSelfBond::get());
		let _ =
			Balances::set_balance(who, stake.saturating_mul(2).saturating_add(EXISTENTIAL_DEPOSIT));
		let origin = || RuntimeOrigin::signed(who.clone());
		let _ = StakingDelegation::bond(origin(), stake, who.clone());
		let terms = pallet_staking_delegation::TranscoderTerms {
			reward_cut: Perbill::from_percent(10),
			fee_share: Perbill::from_percent(50),
			price_per_segment: price,
		};
		let _ = StakingDelegation::register_transcoder(
			origin(),
			terms.reward_cut,
			terms.fee_share,
			price,
			Default::default(),
		);
		pallet_staking_delegation::ActiveSet::<Runtime>::mutate(|set| {
			let _ = set.try_push(pallet_staking_delegation::ActiveTranscoder {
				who: who.clone(),
				stake,
				terms,
			});
		});
	}

	fn make_payable(claim_id: pallet_jobs::ClaimId) {
		// Without a verification record a claim is paid (as if its checks passed); the
		// verifiers' payments are weighed by `ClaimVerification::on_settle_weight`.
		pallet_verification::Checks::<Runtime>::remove(claim_id);
	}
}

parameter_types! {
	/// A maintainer bonds 10,000 OLC while it serves.
	pub const MaintainerBond: Balance = 10_000 * UNIT;
	/// A new maintainer waits 7 days before it sits in groups and earns (the dev chain's genesis
	/// shortens it).
	pub const ProbationPeriod: BlockNumber = 7 * DAYS;
	/// A report holds 100 OLC until it is resolved.
	pub const ReportDeposit: Balance = 100 * UNIT;
	/// A group has a day to vote (the dev chain's genesis shortens it).
	pub const VotingPeriod: BlockNumber = DAYS;
	/// The reporter of an upheld report gets 10% of what is confiscated.
	pub const ReporterReward: Perbill = Perbill::from_percent(10);
	/// A dissenter loses 10% of its maintainer bond.
	pub const DissentSlash: Perbill = Perbill::from_percent(10);
}

impl pallet_reporting::Config for Runtime {
	type Currency = Balances;
	type Streams = pallet_reporting::adapters::JobsStreams<Runtime>;
	type Sanctions = pallet_reporting::adapters::JobsAndStakingSanctions<Runtime>;
	type Rounds = pallet_reporting::adapters::StakingRounds<Runtime>;
	type MaintainersPot = pallet_reporting::adapters::OlcTokenPot<Runtime>;
	type MaintainerBond = MaintainerBond;
	type ProbationPeriod = ProbationPeriod;
	type ReportDeposit = ReportDeposit;
	type VotingPeriod = VotingPeriod;
	type GroupSize = ConstU32<13>;
	type Quorum = ConstU32<7>;
	type ReporterReward = ReporterReward;
	type DissentSlash = DissentSlash;
	type MaxMaintainers = ConstU32<512>;
	type MaxResolutionsPerBlock = ConstU32<4>;
	/// Resolved reports stay 30 days after their vote (for the viewer page and tools).
	type ReportRetention = ConstU32<{ 30 * DAYS }>;
	type MaxCommissionPayoutsPerBlock = ConstU32<32>;
	/// At most 8 reports per block: their groups are drawn two blocks later, 8 per block.
	type MaxReportsPerBlock = ConstU32<8>;
	/// Root (sudo) may lift a wrongful ban.
	type LiftBanOrigin = frame_system::EnsureRoot<AccountId>;
	type WeightInfo = pallet_reporting::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ReportingBenchmarkHelper;
}

/// Creates a funded stream owner's stream for pallet-reporting's benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct ReportingBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_reporting::BenchmarkHelper<AccountId> for ReportingBenchmarkHelper {
	fn create_stream(owner: &AccountId) -> pallet_jobs::StreamId {
		use frame_support::traits::fungible::Mutate;
		let _ = Balances::set_balance(owner, 1_000_000 * UNIT);
		let nonce = pallet_jobs::NextStreamNonce::<Runtime>::get();
		let _ = Jobs::create_stream(
			RuntimeOrigin::signed(owner.clone()),
			Default::default(),
			pallet_jobs::insecure_segment_key(),
		);
		use sp_runtime::traits::Hash;
		let preimage = codec::Encode::encode(&(pallet_jobs::STREAM_ID_CONTEXT, owner, nonce));
		pallet_jobs::StreamId(sp_runtime::traits::BlakeTwo256::hash(&preimage).0)
	}
}

parameter_types! {
	/// One segment in 100 is challenged (the dev and local chains' genesis sets 1 in 4).
	pub const VerificationRate: u32 = 100;
	/// The claimant proves its challenged segments within 20 blocks (40 s): transcoders are
	/// online services and answer at once.
	pub const VerificationPeriod: BlockNumber = 20;
	/// After the proof deadline anyone may report a missed verification for 5 blocks.
	pub const ReportPeriod: BlockNumber = 5;
	/// Committee members vote within 20 blocks (40 s) of being drawn.
	pub const VerdictPeriod: BlockNumber = 20;
	/// A committee member that does not vote loses 10 OLC of stake.
	pub const MissedVoteSlash: Balance = 10 * UNIT;
	pub const MissedVerificationSlash: Perbill = Perbill::from_percent(10);
	pub const FailedVerificationSlash: Perbill = Perbill::from_percent(5);
	/// The finder of a missed verification gets 5% of what the transcoder's own bond lost.
	pub const VerificationFinderFee: Perbill = Perbill::from_percent(5);
	/// 1% of a verified claim's fee goes to the verifiers that voted with the decision.
	pub const VerifierFee: Perbill = Perbill::from_percent(1);
}

impl pallet_verification::Config for Runtime {
	type Slashing = StakingDelegation;
	type Keys = pallet_verification::AccountId32Keys;
	type VerificationRate = VerificationRate;
	type VerificationPeriod = VerificationPeriod;
	type ReportPeriod = ReportPeriod;
	type VerdictPeriod = VerdictPeriod;
	type MaxProofs = ConstU32<16>;
	type VerifiersPerSegment = ConstU32<3>;
	type MissedVerificationSlash = MissedVerificationSlash;
	type FailedVerificationSlash = FailedVerificationSlash;
	type FinderFee = VerificationFinderFee;
	type MissedVoteSlash = MissedVoteSlash;
	type VerifierFee = VerifierFee;
	type MaxSamplesPerBlock = ConstU32<2_000>;
	type MaxTasksPerBlock = ConstU32<32>;
	type WeightInfo = pallet_verification::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_verification::AccountId32Keys;
}

parameter_types! {
	/// A chat allowance holds 10 OLC: spam costs a deposit at stake per sender.
	pub const ChatDeposit: Balance = 10 * UNIT;
}

/// Streams and their owners, for pallet-chat (mutes, system notices).
pub struct JobsStreamOwners;
impl pallet_chat::StreamOwners<AccountId> for JobsStreamOwners {
	fn owner_of(stream: &pallet_jobs::StreamId) -> Option<AccountId> {
		pallet_jobs::Streams::<Runtime>::get(stream).map(|info| info.owner)
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_chat::BenchmarkHelper<AccountId> for JobsStreamOwners {
	fn create_stream(owner: &AccountId) -> pallet_jobs::StreamId {
		<ReportingBenchmarkHelper as pallet_reporting::BenchmarkHelper<AccountId>>::create_stream(
			owner,
		)
	}
}

impl pallet_chat::Config for Runtime {
	type Currency = Balances;
	type Deposit = ChatDeposit;
	/// A key keeps at most 64 live messages in every node's statement store (a new one evicts
	/// its oldest): 64 messages of at most 5 minutes each are one message every ~5 s sustained.
	type MaxStatements = ConstU32<64>;
	/// 64 payloads of the largest size (olc-primitives `chat::MAX_PAYLOAD_LEN`, 207 bytes).
	type MaxStatementBytes = ConstU32<{ 64 * 256 }>;
	/// Banned accounts (pallet-reporting) cannot chat.
	type BannedAccounts = Reporting;
	type Streams = JobsStreamOwners;
	type WeightInfo = pallet_chat::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = JobsStreamOwners;
}
