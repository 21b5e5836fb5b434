//! # pallet-jobs
//!
//! The job market of OpenLive Coin, after the Livepeer whitepaper's: broadcasters open streams
//! and pay deposits for transcoding jobs, the chain elects a transcoder for each job weighted by
//! stake, transcoders claim their work with a Merkle root over signed receipts, and the fees are
//! paid out after a verification window through pallet-staking-delegation, so that delegators get
//! their fee share.
//!
//! ## Streams
//!
//! [`Pallet::create_stream`] gives the signer a new [`olc_primitives::StreamId`] (blake2-256 of
//! a context tag, the owner and a global counter, so ids are unique and unpredictable before the
//! call). The stream records the sr25519 key that signs its segment headers
//! ([`types::StreamInfo::segment_key`]), given by the owner: its account's key or any other (e.g.
//! its encoder's), as long as it is a valid sr25519 public key ([`types::is_valid_segment_key`],
//! else [`Error::InvalidSegmentKey`]). Transcoders accept only segments signed by that key and
//! pallet-verification checks receipts against it, never against a key derived from the owner's
//! account, so a broadcaster signing with another key cannot get an honest transcoder slashed.
//! A stream is `Idle` without open jobs and `Live` with at least one; its owner can end it
//! ([`Pallet::end_stream`]) and [`Config::BanOrigin`] can ban it ([`Pallet::ban_stream`]); both
//! end its open jobs (at most [`types::MAX_OPEN_JOBS_PER_STREAM`]) and allow no new ones.
//!
//! ## Jobs, deposits and election
//!
//! [`Pallet::create_job`] puts the deposit on hold in the broadcaster's account
//! ([`HoldReason::JobDeposit`]). It must pay for at least [`Config::MinSegmentsCovered`] segments
//! of every profile at the broadcaster's maximum price, so a transcoder that starts working is
//! paid for a while even if nobody tops up ([`Pallet::top_up`]). A job lives
//! [`Config::JobLifetime`] blocks: claims are accepted until then, and afterwards anyone may end
//! it ([`Pallet::end_job`]); the broadcaster may end it at any time. Ending releases the
//! deposit not yet claimed, but for the grace reservation of its transcoder (see "Grace
//! claims"); fees already claimed stay in escrow and settle on their own.
//!
//! The transcoder is elected in `on_initialize` of the next block. The candidates are the active
//! transcoders ([`TranscoderDirectory`]) whose price is at most the job's maximum price and
//! which have fewer than [`Config::MaxJobsPerTranscoder`] jobs. A number is drawn from the
//! block's parent hash (hashed together with the job id, so that jobs elected in the same block
//! draw independently) and taken modulo the candidates' total stake; walking the candidates in
//! the directory's order, the one whose stake interval contains it is elected
//! ([`select_weighted`]). So the pick is deterministic from the block hash and each candidate's
//! chance is its share of the stake. The elected transcoder works at its own price (never above
//! the maximum) for the whole job: [`Event::TranscoderAssigned`] tells the broadcaster where to
//! send segments. Without a candidate the job waits and is tried again every
//! [`Config::ElectionRetryInterval`] blocks (the runtime sets it to the staking round length,
//! since the active set only changes between rounds); the broadcaster may [`Pallet::cancel_job`]
//! meanwhile and gets the deposit back.
//!
//! Elections run from two FIFO queues in storage (head/tail counters, so pushing never fails and
//! costs O(1)): `Fresh` for new and re-elected jobs, due in the next block, and `Retry`, whose
//! entries are due in the order they were pushed because the retry interval is a constant. At most
//! [`Config::MaxElectionsPerBlock`] elections run per block; the rest wait for the next block.
//!
//! A job records its queue slot ([`JobInfo::election_slot`]); cancelling or ending a waiting job
//! removes its entry, and the empty slot costs no election: the hook skips it, at most
//! [`STALE_SKIPS_PER_ELECTION`] empty slots per election of its budget per block (bounded weight;
//! a longer run of them is worked off in the next blocks). Skipping a slot costs one storage
//! read, far less than the `create_job` and `cancel_job` that made it, so flooding the queue with
//! create+cancel pairs costs the spammer more than it delays anyone.
//!
//! ## Claims, escrow and double claims
//!
//! The assigned transcoder (or, after it left, a transcoder in its grace period: see "Grace
//! claims") claims work with [`Pallet::claim_work`]: a range of segments of the
//! job's stream and the Merkle root over their receipts ([`olc_primitives::merkle`]). The fee,
//! `segments × profiles × agreed price`, moves from the deposit hold into the broadcaster's
//! escrow hold ([`HoldReason::ClaimEscrow`]); the call costs the same whatever the range's length.
//!
//! An account on the ban list ([`Config::BannedAccounts`]) may not claim
//! ([`Error::TranscoderBanned`]). Nobody may claim on the jobs of a broadcaster that is banned
//! or under review ([`Config::BannedOrUnderReview`], [`Error::BroadcasterUnderReview`]): a
//! transcoder colluding with a reported broadcaster could otherwise move the broadcaster's
//! deposits out of reach of the confiscation during the vote. Claims made before the report
//! settle as usual; work done meanwhile is claimable once the report is rejected (the claim
//! cursor did not move), within the job's lifetime or grace period.
//!
//! A job's claims must come in sequence order: the job records the lowest sequence number it has
//! not claimed yet, and a claim that starts below it overlaps one of its earlier claims. It fails
//! with [`Error::DoubleClaim`] and changes nothing, so the chain makes double claims impossible
//! instead of punishing them afterwards (as Livepeer did). Gaps are allowed (segments nobody
//! transcoded are never paid), and checking is O(1). The cursor is per job, not per stream: the
//! jobs of a stream split its ladder between transcoders, each paid for its own renditions of the
//! same segments, and a transcoder claiming far ahead only moves its own job's cursor. The cursor
//! stays with the job when it is elected again, so a new transcoder cannot claim segments its
//! predecessor already claimed.
//!
//! ## Verification window and payout
//!
//! A claim is payable [`Config::VerificationWindow`] blocks after it was made. The
//! [`ClaimVerification`] hook (no-op by default; pallet-verification later) learns of each claim
//! and gives the verdict when the window has closed: pay, hold, or fail. Paying moves the fee from
//! the escrow hold through the pallet's payout account into
//! [`pallet_staking_delegation::TranscoderFees::add_fees`], which splits it between the
//! transcoder and its delegators; failing returns the fee to the job's deposit (or to the
//! broadcaster if the job has ended). Payouts happen in `on_initialize`, at most
//! [`Config::MaxPayoutsPerBlock`] claims per block in claim order (claims become payable in the
//! order they were made, so a cursor suffices), or by anyone with [`Pallet::distribute_fees`]. A
//! claim the automatic payout cannot settle (held, or the fee credit failed, e.g. because the
//! transcoder's pool no longer exists) is skipped with [`Event::PayoutDeferred`] and stays in escrow
//! until someone settles it with `distribute_fees`.
//!
//! ## Grace claims: finished work is never forfeited
//!
//! When a job ends ([`Pallet::end_job`], [`Pallet::end_stream`], a ban) or its transcoder is
//! deactivated ([`Pallet::on_transcoder_deactivated`]), the transcoder assigned to it loses the
//! job but not the work it did: it gets a grace claim ([`types::Grace`], [`Event::GraceStarted`])
//! and may claim with [`Pallet::claim_work`] for [`Config::ClaimGracePeriod`] blocks, with its
//! own claim cursor (the job's when it left), at its agreed price. Its claims are paid from a
//! reservation of the deposit of at most [`Config::MinSegmentsCovered`] segments of every profile
//! at its price — what a new job's deposit must cover, and more than the bundled worker leaves
//! unclaimed between its claims — which stays on hold ([`HoldReason::JobDeposit`]) for it. The
//! rest of the deposit is released at once (ended job) or keeps paying the new transcoder. When
//! the period is over (`on_initialize`, at most [`Config::MaxPayoutsPerBlock`] a block, in the
//! order the periods started) what is left of the reservation returns to the job's deposit, or to
//! the broadcaster if the job ended ([`Event::GraceEnded`]); later claims fail with
//! [`Error::GracePeriodOver`]. A job keeps at most [`types::MAX_GRACES_PER_JOB`] grace claims; a
//! transcoder leaving a job whose grace claims are all taken gets none. So a broadcaster gains
//! nothing by ending a job just before a claim, and a transcoder that resigns or drops out of the
//! active set is still paid for what it did (its claims are verified like any other).
//!
//! ## Re-election
//!
//! When a transcoder is slashed or deactivated, the runtime calls
//! [`Pallet::on_transcoder_deactivated`]: each of its open jobs (at most
//! `MaxJobsPerTranscoder`) loses its assignment and goes back to the `Fresh` queue, to be elected
//! again in the next block. That election excludes the deactivated transcoder, which the directory
//! may still list until the round ends; retries after it do not. Its claims made before keep their
//! course through the verification window (where a verifier may fail them), and it keeps a grace
//! claim on the work it did not claim yet.
//!
//! ## Invariants
//!
//! `do_try_state` (run by the `try_state` hook, after every unit test and every property-test
//! step) checks that each broadcaster's holds equal its jobs' deposits, grace reservations and
//! escrow, that a job's escrow equals its unsettled claims' fees, that grace claims, their index
//! and expiry queue agree, and that the queues' counters and slots are consistent.
//!
//! ## Storage versions
//!
//! Version 2. Each change of the storage layout raises it and comes with a migration in
//! [`migrations`] (checked before and after with try-runtime) that the runtime lists: version 2
//! rebuilds the `JobClaims` index, which came after version 1, from the unsettled claims.
#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code must never panic or overflow silently.
#![cfg_attr(
	not(test),
	deny(
		clippy::unwrap_used,
		clippy::expect_used,
		clippy::panic,
		clippy::indexing_slicing,
		clippy::arithmetic_side_effects
	)
)]

extern crate alloc;

pub use pallet::*;

mod api;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
// Not gated on try-runtime: the tests run these invariants too (nothing of it reaches a runtime
// that does not call it).
mod try_state;
pub mod types;
pub mod weights;

pub use olc_primitives::StreamId;
pub use pallet_staking_delegation::{ServiceUri, TranscoderFees};
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;

/// The active transcoders as the election needs them. The runtime implements it with
/// pallet-staking-delegation's active set.
pub trait TranscoderDirectory<AccountId, Balance> {
	/// The transcoders that may be elected now, with their stake and price for this round, in a
	/// deterministic order (e.g. the active set's). At most `MaxCandidates` are considered.
	fn active_transcoders() -> Vec<Candidate<AccountId, Balance>>;

	/// Where broadcasters reach `who` (empty if unknown).
	fn service_uri(who: &AccountId) -> ServiceUri;
}

/// How a verifier (pallet-verification, later) takes part in the life of a claim.
pub trait ClaimVerification<AccountId, Balance, BlockNumber> {
	/// A claim was made (e.g. to sample it for verification).
	fn on_claim(claim_id: ClaimId, claim: &ClaimInfo<AccountId, Balance, BlockNumber>);

	/// The verdict on a claim whose verification window has closed.
	fn verdict(claim_id: ClaimId, claim: &ClaimInfo<AccountId, Balance, BlockNumber>) -> Verdict;

	/// The claim is being settled (paid or refunded) after [`Self::verdict`]: returns the
	/// verifiers' fees, which are paid out of the claim's escrow first (the rest goes to the
	/// transcoder or back to the broadcaster), and lets the verifier drop its records of the
	/// claim. Called within the settlement's storage layer, so undone if the settlement fails.
	/// Fees beyond the claim's fee are not paid. None by default.
	fn on_settle(
		_claim_id: ClaimId,
		_claim: &ClaimInfo<AccountId, Balance, BlockNumber>,
	) -> Vec<(AccountId, Balance)> {
		Vec::new()
	}

	/// The most [`Self::on_settle`] and the payment of the verifiers it returns may weigh, on
	/// top of a settlement without verifiers (what this pallet's benchmarks measure).
	fn on_settle_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
}

/// No verification: every claim is paid when its window closes.
impl<AccountId, Balance, BlockNumber> ClaimVerification<AccountId, Balance, BlockNumber> for () {
	fn on_claim(_: ClaimId, _: &ClaimInfo<AccountId, Balance, BlockNumber>) {}

	fn verdict(_: ClaimId, _: &ClaimInfo<AccountId, Balance, BlockNumber>) -> Verdict {
		Verdict::Pay
	}
}

/// Sets up the runtime's side of the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Balance> {
	/// Makes `who` a transcoder that [`TranscoderDirectory::active_transcoders`] lists with
	/// `stake` and `price` and that [`TranscoderFees::add_fees`] accepts. Called for up to
	/// `MaxCandidates` accounts before any block is built.
	fn activate_transcoder(who: &AccountId, stake: Balance, price: Balance);

	/// Makes claim `claim_id`, just made, payable when its window closes (e.g. marks its
	/// verification passed), so the payout benchmarks measure a payment.
	fn make_payable(_claim_id: ClaimId) {}
}

/// Empty election slots (of jobs that ended while waiting) the election hook may skip per
/// election of its budget: skipping one costs a storage read, far less than the two calls
/// (`create_job`, `cancel_job`) that made it.
pub const STALE_SKIPS_PER_ELECTION: u32 = 32;

/// Picks an index of `stakes` with probability proportional to its stake: the first 16 bytes of
/// `seed` as a little-endian number modulo the total stake, located in the running sums.
/// `None` if the total stake is zero.
pub fn select_weighted(seed: &[u8; 32], stakes: &[u128]) -> Option<usize> {
	let total = stakes.iter().fold(0u128, |sum, stake| sum.saturating_add(*stake));
	if total == 0 {
		return None;
	}
	let mut low = [0u8; 16];
	for (to, from) in low.iter_mut().zip(seed.iter()) {
		*to = *from;
	}
	let mut point = u128::from_le_bytes(low).checked_rem(total)?;
	for (index, stake) in stakes.iter().enumerate() {
		if point < *stake {
			return Some(index);
		}
		point = point.saturating_sub(*stake);
	}
	None
}

#[frame_support::pallet]
pub mod pallet {
	// FRAME's macro expansions (pallet info, errors, storage metadata) call `expect` on values
	// they prove present; our own code in this module denies it again below.
	#![allow(clippy::expect_used)]
	use super::*;
	use alloc::vec::Vec;
	use codec::Encode;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate, MutateHold},
			tokens::{Fortitude, Precision, Preservation, Restriction},
			BuildGenesisConfig,
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use olc_primitives::ProfileError;
	use sp_runtime::{
		traits::{
			AccountIdConversion, CheckedAdd, CheckedSub, Saturating, UniqueSaturatedInto, Zero,
		},
		ArithmeticError,
	};

	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	pub type StreamOf<T> = StreamInfo<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	pub type JobOf<T> =
		JobInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;
	pub type ClaimOf<T> =
		ClaimInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;
	pub type CandidateOf<T> = Candidate<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

	/// Context tag of stream id derivation.
	pub const STREAM_ID_CONTEXT: &[u8] = b"OLC/stream-id/v1";
	/// Context tag of the election seed.
	pub const ELECTION_CONTEXT: &[u8] = b"OLC/election/v1";

	/// The storage layout's version (1: jobs carry grace claims; 2: the `JobClaims` index is
	/// complete, [`crate::migrations::v2`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The native currency (OLC); deposits and escrow are holds on it.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason: From<HoldReason>>;

		/// The active transcoders (pallet-staking-delegation).
		type Directory: TranscoderDirectory<Self::AccountId, BalanceOf<Self>>;

		/// Credits paid fees to a transcoder and its delegators (pallet-staking-delegation).
		type Fees: TranscoderFees<Self::AccountId, BalanceOf<Self>>;

		/// Verifies claims; `()` pays every claim.
		type Verification: ClaimVerification<Self::AccountId, BalanceOf<Self>, BlockNumberFor<Self>>;

		/// May ban streams.
		type BanOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Banned accounts (pallet-reporting's ban list): they may not create streams or jobs,
		/// nor claim work. `frame_support::traits::Nothing` bans nobody.
		type BannedAccounts: frame_support::traits::Contains<Self::AccountId>;

		/// Accounts that are banned or under review (pallet-reporting: reported, the report not
		/// yet resolved). No claim may be made on the jobs of such a broadcaster
		/// ([`Error::BroadcasterUnderReview`]): what its deposits still hold stays in reach of the
		/// confiscation a ban brings. `frame_support::traits::Nothing` restricts nobody.
		type BannedOrUnderReview: frame_support::traits::Contains<Self::AccountId>;

		/// Segments (of every profile, at the maximum price) a new job's deposit must pay for.
		#[pallet::constant]
		type MinSegmentsCovered: Get<u32>;

		/// The lowest maximum price per segment and profile a job may offer.
		#[pallet::constant]
		type MinPricePerSegment: Get<BalanceOf<Self>>;

		/// Blocks from a job's creation to its expiry.
		#[pallet::constant]
		type JobLifetime: Get<BlockNumberFor<Self>>;

		/// Blocks from a claim to its payout, for verification.
		#[pallet::constant]
		type VerificationWindow: Get<BlockNumberFor<Self>>;

		/// Blocks after a transcoder left a job (the job ended, or the transcoder was
		/// deactivated) during which it may still claim the work it did while assigned.
		#[pallet::constant]
		type ClaimGracePeriod: Get<BlockNumberFor<Self>>;

		/// Blocks between elections of a job that found no eligible transcoder.
		#[pallet::constant]
		type ElectionRetryInterval: Get<BlockNumberFor<Self>>;

		/// Most elections in one block.
		#[pallet::constant]
		type MaxElectionsPerBlock: Get<u32>;

		/// Most claims the automatic payout looks at in one block.
		#[pallet::constant]
		type MaxPayoutsPerBlock: Get<u32>;

		/// Most open jobs one transcoder may have; a transcoder at the limit is not elected.
		#[pallet::constant]
		type MaxJobsPerTranscoder: Get<u32>;

		/// Most candidates the election considers (the size of the active set).
		#[pallet::constant]
		type MaxCandidates: Get<u32>;

		/// Most profiles a job may have (at most [`olc_primitives::MAX_PROFILES`]).
		#[pallet::constant]
		type MaxProfilesPerJob: Get<u32>;

		/// Most segments one claim may cover.
		#[pallet::constant]
		type MaxSegmentsPerClaim: Get<u64>;

		/// Derives the payout account, through which paid fees pass to the fee crediting.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Weights of this pallet's calls and hooks, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Sets up active transcoders for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, BalanceOf<Self>>;
	}

	/// Why this pallet holds OLC.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A job's deposit not yet claimed.
		#[codec(index = 0)]
		JobDeposit,
		/// Claimed fees waiting for their verification window to close.
		#[codec(index = 1)]
		ClaimEscrow,
	}

	/// Counter mixed into new stream ids.
	#[pallet::storage]
	pub type NextStreamNonce<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Streams by id.
	#[pallet::storage]
	pub type Streams<T: Config> = StorageMap<_, Blake2_128Concat, StreamId, StreamOf<T>>;

	/// The id of the next job.
	#[pallet::storage]
	pub type NextJobId<T: Config> = StorageValue<_, JobId, ValueQuery>;

	/// Jobs by id (ended jobs stay, for the viewer page and tools).
	#[pallet::storage]
	pub type Jobs<T: Config> = StorageMap<_, Twox64Concat, JobId, JobOf<T>>;

	/// The streams of each owner that are not ended or banned (at most
	/// [`types::MAX_OPEN_STREAMS_PER_OWNER`]), so that banning a broadcaster
	/// ([`Pallet::ban_broadcaster`]) is bounded.
	#[pallet::storage]
	pub type OwnerStreams<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<StreamId, ConstU32<MAX_OPEN_STREAMS_PER_OWNER>>,
		ValueQuery,
	>;

	/// Index of the jobs of each stream, for the runtime API.
	#[pallet::storage]
	pub type StreamJobs<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, StreamId, Twox64Concat, JobId, ()>;

	/// The open jobs assigned to each transcoder.
	#[pallet::storage]
	pub type TranscoderJobs<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<JobId, T::MaxJobsPerTranscoder>,
		ValueQuery,
	>;

	/// The election queues' entries.
	#[pallet::storage]
	pub type Elections<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		ElectionQueue,
		Twox64Concat,
		u64,
		ElectionRequest<T::AccountId, BlockNumberFor<T>>,
	>;

	/// Head and tail of each election queue.
	#[pallet::storage]
	pub type ElectionBounds<T: Config> =
		StorageMap<_, Twox64Concat, ElectionQueue, QueueBounds, ValueQuery>;

	/// The id of the next claim.
	#[pallet::storage]
	pub type NextClaimId<T: Config> = StorageValue<_, ClaimId, ValueQuery>;

	/// Claims not yet settled.
	#[pallet::storage]
	pub type Claims<T: Config> = StorageMap<_, Twox64Concat, ClaimId, ClaimOf<T>>;

	/// Index of the unsettled claims of each job (the keys of [`Claims`] by job), so that the
	/// runtime API pages a job's claims without scanning every claim. Written and removed
	/// together with [`Claims`].
	#[pallet::storage]
	pub type JobClaims<T: Config> =
		StorageDoubleMap<_, Twox64Concat, JobId, Twox64Concat, ClaimId, ()>;

	/// The automatic payout's cursor: every claim below it was settled or deferred.
	#[pallet::storage]
	pub type NextClaimToSettle<T: Config> = StorageValue<_, ClaimId, ValueQuery>;

	/// The jobs on which each transcoder has a grace claim (see [`types::Grace`]), for the
	/// runtime API.
	#[pallet::storage]
	pub type GraceJobs<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, JobId, ()>;

	/// The grace expiry queue's entries, due in the order they were pushed (the grace period
	/// is a constant).
	#[pallet::storage]
	pub type GraceQueue<T: Config> =
		StorageMap<_, Twox64Concat, u64, GraceExpiry<T::AccountId, BlockNumberFor<T>>>;

	/// Head and tail of the grace expiry queue.
	#[pallet::storage]
	pub type GraceBounds<T: Config> = StorageValue<_, QueueBounds, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// The payout account must exist and keep its existential deposit: fees pass through
			// it into `add_fees`, which keeps the payer alive.
			let account = Pallet::<T>::payout_account();
			let ed = T::Currency::minimum_balance();
			if T::Currency::balance(&account) < ed {
				// Minting into an empty account cannot fail; if it did, payouts would fail with
				// `FeePayoutFailed` and the fees stay in escrow, nothing is lost.
				let _ = T::Currency::mint_into(&account, ed);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A stream was created.
		StreamCreated {
			stream_id: StreamId,
			owner: T::AccountId,
			title: StreamTitle,
			segment_key: sp_core::sr25519::Public,
		},
		/// A stream went idle or live.
		StreamStatusChanged { stream_id: StreamId, status: StreamStatus },
		/// Its owner ended a stream.
		StreamEnded { stream_id: StreamId },
		/// A stream was banned.
		StreamBanned { stream_id: StreamId },
		/// A job was created; its transcoder is elected in the next block.
		JobCreated {
			job_id: JobId,
			stream_id: StreamId,
			broadcaster: T::AccountId,
			max_price_per_segment: BalanceOf<T>,
			deposit: BalanceOf<T>,
			expires_at: BlockNumberFor<T>,
		},
		/// A transcoder was elected for a job.
		TranscoderAssigned {
			job_id: JobId,
			transcoder: T::AccountId,
			service_uri: ServiceUri,
			price_per_segment: BalanceOf<T>,
		},
		/// No transcoder was eligible for a job; the election runs again at `retry_at`.
		NoEligibleTranscoder { job_id: JobId, retry_at: BlockNumberFor<T> },
		/// A job lost its transcoder (slashed or deactivated) and will be elected again.
		TranscoderUnassigned { job_id: JobId, transcoder: T::AccountId },
		/// The broadcaster added to a job's deposit.
		DepositToppedUp { job_id: JobId, amount: BalanceOf<T>, deposit: BalanceOf<T> },
		/// A job ended; `released` of its deposit went back to the broadcaster.
		JobEnded { job_id: JobId, reason: EndReason, released: BalanceOf<T> },
		/// A transcoder claimed work; `fee` is in escrow until `payable_at`.
		WorkClaimed {
			claim_id: ClaimId,
			job_id: JobId,
			transcoder: T::AccountId,
			start_seq: SegmentSeq,
			end_seq: SegmentSeq,
			merkle_root: MerkleRoot,
			fee: BalanceOf<T>,
			payable_at: BlockNumberFor<T>,
		},
		/// A claim's fee was credited to its transcoder.
		FeesPaid {
			claim_id: ClaimId,
			job_id: JobId,
			transcoder: T::AccountId,
			amount: BalanceOf<T>,
		},
		/// A claim failed verification; its fee went back to the job's deposit (`to_deposit`) or
		/// to the broadcaster.
		ClaimRefunded { claim_id: ClaimId, job_id: JobId, amount: BalanceOf<T>, to_deposit: bool },
		/// The automatic payout could not settle a claim; it stays in escrow until settled with
		/// `distribute_fees`.
		PayoutDeferred { claim_id: ClaimId, reason: DeferReason },
		/// `transcoder` left job `job_id` (the job ended or the transcoder was deactivated): it
		/// may claim the work it did until block `until`, from `reserved` kept for it.
		GraceStarted {
			job_id: JobId,
			transcoder: T::AccountId,
			reserved: BalanceOf<T>,
			until: BlockNumberFor<T>,
		},
		/// A grace period ended: `returned` of the reservation went back to the job's deposit
		/// (`to_deposit`) or to the broadcaster.
		GraceEnded {
			job_id: JobId,
			transcoder: T::AccountId,
			returned: BalanceOf<T>,
			to_deposit: bool,
		},
		/// A verifier of a claim was paid `amount` out of the claim's escrow (see
		/// [`ClaimVerification::on_settle`]).
		VerifierPaid { claim_id: ClaimId, verifier: T::AccountId, amount: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No stream has this id.
		UnknownStream,
		/// Only the stream's owner may do this.
		NotStreamOwner,
		/// The stream is ended or banned.
		StreamClosed,
		/// The stream is already banned.
		AlreadyBanned,
		/// The stream has the most open jobs allowed.
		TooManyOpenJobs,
		/// No job has this id.
		UnknownJob,
		/// Only the job's broadcaster may do this (anyone may end it once it expired).
		NotBroadcaster,
		/// A job needs at least one profile.
		NoProfiles,
		/// More profiles than `MaxProfilesPerJob`.
		TooManyProfiles,
		/// A profile's width or height is zero.
		ZeroResolution,
		/// A profile's width or height is odd.
		OddResolution,
		/// A profile has no name.
		EmptyProfileName,
		/// A profile's bitrate is zero.
		ZeroBitrate,
		/// A profile's frame rate is zero.
		ZeroFps,
		/// Two profiles have the same name.
		DuplicateProfile,
		/// The maximum price is below `MinPricePerSegment`.
		PriceTooLow,
		/// The deposit does not pay for `MinSegmentsCovered` segments of every profile.
		DepositTooSmall,
		/// The signer's spendable balance is below the amount.
		InsufficientBalance,
		/// The amount is zero.
		ZeroAmount,
		/// The job has ended.
		JobEnded,
		/// The job already has a transcoder: end it instead.
		JobAlreadyAssigned,
		/// Only the job's assigned transcoder may claim work.
		NotAssignedTranscoder,
		/// The job's lifetime is over.
		JobExpired,
		/// The range is empty or reversed.
		InvalidRange,
		/// The range covers more than `MaxSegmentsPerClaim` segments.
		RangeTooLong,
		/// The range overlaps segments already claimed for the stream.
		DoubleClaim,
		/// The job's deposit does not cover the claim's fee.
		InsufficientDeposit,
		/// An amount overflowed.
		Overflow,
		/// No unsettled claim has this id.
		UnknownClaim,
		/// The claim's verification window has not closed.
		VerificationWindowOpen,
		/// The verifier holds the claim.
		ClaimOnHold,
		/// Crediting the fee failed (e.g. the transcoder is not active); try again later.
		FeePayoutFailed,
		/// The signer is a banned broadcaster: it may not create streams or jobs.
		BroadcasterBanned,
		/// The signer has `MAX_OPEN_STREAMS_PER_OWNER` streams that are not ended: end one first.
		TooManyOpenStreams,
		/// The signer's grace period on this job is over: its unclaimed work is forfeited.
		GracePeriodOver,
		/// A profile's name is longer than `MAX_PROFILE_NAME_LEN` bytes.
		ProfileNameTooLong,
		/// The signer is banned (`BannedAccounts`): it may not claim work.
		TranscoderBanned,
		/// The segment key is not an sr25519 public key (not a canonical Ristretto point, or the
		/// identity).
		InvalidSegmentKey,
		/// The job's broadcaster is banned or under review (reported, the report not resolved):
		/// no claim moves its deposit meanwhile; claim again once the report is rejected.
		BroadcasterUnderReview,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let (elections, candidates, skipped) = Self::run_elections(now);
			let payouts = Self::run_payouts(now);
			let graces = Self::run_grace_expiries(now);
			T::WeightInfo::on_initialize_idle()
				.saturating_add(
					T::WeightInfo::on_initialize_grace_expiry().saturating_mul(graces.into()),
				)
				.saturating_add(T::DbWeight::get().reads(skipped.into()))
				.saturating_add(
					T::WeightInfo::on_initialize_election(candidates)
						.saturating_mul(elections.into()),
				)
				.saturating_add(
					T::WeightInfo::on_initialize_payout()
						.saturating_add(T::Verification::on_settle_weight())
						.saturating_mul(payouts.into()),
				)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(
				T::MaxProfilesPerJob::get() >= 1
					&& T::MaxProfilesPerJob::get() <= olc_primitives::MAX_PROFILES,
				"MaxProfilesPerJob must be within 1..=MAX_PROFILES"
			);
			assert!(T::MaxElectionsPerBlock::get() >= 1, "elections must make progress");
			assert!(T::MaxPayoutsPerBlock::get() >= 1, "payouts must make progress");
			assert!(T::MaxSegmentsPerClaim::get() >= 1, "a claim must cover a segment");
			assert!(
				!T::ElectionRetryInterval::get().is_zero(),
				"a retry must wait at least one block"
			);
		}
	}

	#[pallet::call]
	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// Creates a stream owned by the signer; its id is in [`Event::StreamCreated`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_stream())]
		pub fn create_stream(
			origin: OriginFor<T>,
			title: StreamTitle,
			segment_key: sp_core::sr25519::Public,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			ensure!(
				!<T::BannedAccounts as frame_support::traits::Contains<T::AccountId>>::contains(
					&owner
				),
				Error::<T>::BroadcasterBanned
			);
			ensure!(is_valid_segment_key(&segment_key), Error::<T>::InvalidSegmentKey);
			let nonce = NextStreamNonce::<T>::get();
			let stream_id = StreamId(sp_io_hash(&(STREAM_ID_CONTEXT, &owner, nonce).encode()));
			NextStreamNonce::<T>::put(nonce.checked_add(1).ok_or(Error::<T>::Overflow)?);
			OwnerStreams::<T>::try_mutate(&owner, |open| open.try_push(stream_id))
				.map_err(|_| Error::<T>::TooManyOpenStreams)?;
			Streams::<T>::insert(
				stream_id,
				StreamInfo {
					owner: owner.clone(),
					title: title.clone(),
					status: StreamStatus::Idle,
					created_at: frame_system::Pallet::<T>::block_number(),
					open_jobs: Default::default(),
					segment_key,
				},
			);
			Self::deposit_event(Event::StreamCreated { stream_id, owner, title, segment_key });
			Ok(())
		}

		/// Creates a job for the signer's stream, holding `deposit`, which must pay for
		/// `MinSegmentsCovered` segments of every profile at `max_price_per_segment`. The
		/// transcoder is elected in the next block.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::create_job())]
		pub fn create_job(
			origin: OriginFor<T>,
			stream_id: StreamId,
			profiles: Profiles,
			max_price_per_segment: BalanceOf<T>,
			deposit: BalanceOf<T>,
		) -> DispatchResult {
			let broadcaster = ensure_signed(origin)?;
			ensure!(
				!<T::BannedAccounts as frame_support::traits::Contains<T::AccountId>>::contains(
					&broadcaster
				),
				Error::<T>::BroadcasterBanned
			);
			let mut stream = Streams::<T>::get(stream_id).ok_or(Error::<T>::UnknownStream)?;
			ensure!(stream.owner == broadcaster, Error::<T>::NotStreamOwner);
			ensure!(stream.status.is_open(), Error::<T>::StreamClosed);
			Self::validate_profiles(&profiles)?;
			ensure!(max_price_per_segment >= T::MinPricePerSegment::get(), Error::<T>::PriceTooLow);
			let required = Self::fee_for(
				u64::from(T::MinSegmentsCovered::get()),
				profiles.len(),
				max_price_per_segment,
			)?;
			ensure!(deposit >= required && !deposit.is_zero(), Error::<T>::DepositTooSmall);
			Self::ensure_spendable(&broadcaster, deposit)?;

			let job_id = NextJobId::<T>::get();
			NextJobId::<T>::put(job_id.checked_add(1).ok_or(Error::<T>::Overflow)?);
			stream.open_jobs.try_push(job_id).map_err(|_| Error::<T>::TooManyOpenJobs)?;
			T::Currency::hold(&HoldReason::JobDeposit.into(), &broadcaster, deposit)
				.map_err(|_| Error::<T>::InsufficientBalance)?;

			let now = frame_system::Pallet::<T>::block_number();
			let expires_at = now.saturating_add(T::JobLifetime::get());
			let slot = Self::push_election(
				ElectionQueue::Fresh,
				job_id,
				now.saturating_add(1u32.into()),
				None,
			)?;
			Jobs::<T>::insert(
				job_id,
				JobInfo {
					stream_id,
					broadcaster: broadcaster.clone(),
					profiles,
					max_price_per_segment,
					deposit,
					escrow: Zero::zero(),
					paid: Zero::zero(),
					status: JobStatus::AwaitingTranscoder,
					assignment: None,
					created_at: now,
					expires_at,
					next_claimable_seq: 0,
					graces: Default::default(),
					election_slot: Some(slot),
				},
			);
			StreamJobs::<T>::insert(stream_id, job_id, ());
			Self::set_stream_status(stream_id, &mut stream, StreamStatus::Live);
			Streams::<T>::insert(stream_id, stream);
			Self::deposit_event(Event::JobCreated {
				job_id,
				stream_id,
				broadcaster,
				max_price_per_segment,
				deposit,
				expires_at,
			});
			Ok(())
		}

		/// Cancels a job still waiting for a transcoder; its deposit is released.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::cancel_job())]
		pub fn cancel_job(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.broadcaster == who, Error::<T>::NotBroadcaster);
			match job.status {
				JobStatus::AwaitingTranscoder => {},
				JobStatus::Assigned => return Err(Error::<T>::JobAlreadyAssigned.into()),
				JobStatus::Ended => return Err(Error::<T>::JobEnded.into()),
			}
			Self::end_with_stream(job_id, job, EndReason::Cancelled)
		}

		/// Adds `amount` to a job's deposit.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::top_up())]
		pub fn top_up(origin: OriginFor<T>, job_id: JobId, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.broadcaster == who, Error::<T>::NotBroadcaster);
			ensure!(job.status != JobStatus::Ended, Error::<T>::JobEnded);
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			job.deposit = job.deposit.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
			Self::ensure_spendable(&who, amount)?;
			T::Currency::hold(&HoldReason::JobDeposit.into(), &who, amount)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			let deposit = job.deposit;
			Jobs::<T>::insert(job_id, job);
			Self::deposit_event(Event::DepositToppedUp { job_id, amount, deposit });
			Ok(())
		}

		/// Ends a job: by its broadcaster at any time, by anyone after it expired. The deposit not
		/// yet claimed is released; claimed fees settle after their windows.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::end_job())]
		pub fn end_job(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.status != JobStatus::Ended, Error::<T>::JobEnded);
			let reason = if job.broadcaster == who {
				EndReason::Broadcaster
			} else {
				ensure!(
					frame_system::Pallet::<T>::block_number() > job.expires_at,
					Error::<T>::NotBroadcaster
				);
				EndReason::Expired
			};
			Self::end_with_stream(job_id, job, reason)
		}

		/// Claims segments `start_seq..=end_seq` of the job's stream, with the Merkle root over
		/// their receipts. The fee moves from the deposit into escrow, payable after the
		/// verification window. The weight does not depend on the range.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::claim_work())]
		pub fn claim_work(
			origin: OriginFor<T>,
			job_id: JobId,
			start_seq: SegmentSeq,
			end_seq: SegmentSeq,
			merkle_root: MerkleRoot,
		) -> DispatchResult {
			let transcoder = ensure_signed(origin)?;
			ensure!(
				!<T::BannedAccounts as frame_support::traits::Contains<T::AccountId>>::contains(
					&transcoder
				),
				Error::<T>::TranscoderBanned
			);
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(
				!<T::BannedOrUnderReview as frame_support::traits::Contains<T::AccountId>>::contains(
					&job.broadcaster
				),
				Error::<T>::BroadcasterUnderReview
			);
			let now = frame_system::Pallet::<T>::block_number();
			let assigned = job.status == JobStatus::Assigned
				&& matches!(&job.assignment, Some(a) if a.transcoder == transcoder);
			// The assigned transcoder claims from the deposit with the job's cursor; one that
			// left the job claims from its grace reservation with its own cursor.
			let grace = if assigned {
				ensure!(now <= job.expires_at, Error::<T>::JobExpired);
				None
			} else {
				let index = job.graces.iter().position(|grace| grace.transcoder == transcoder);
				let Some(index) = index else {
					ensure!(job.status != JobStatus::Ended, Error::<T>::JobEnded);
					return Err(Error::<T>::NotAssignedTranscoder.into());
				};
				Some(index)
			};
			let (price, cursor, budget) = match grace.and_then(|index| job.graces.get(index)) {
				Some(grace) => {
					ensure!(now <= grace.until, Error::<T>::GracePeriodOver);
					(grace.price_per_segment, grace.next_claimable_seq, grace.reserved)
				},
				None => match (&job.assignment, grace) {
					(Some(assignment), None) => {
						(assignment.price_per_segment, job.next_claimable_seq, job.deposit)
					},
					_ => return Err(Error::<T>::NotAssignedTranscoder.into()),
				},
			};
			ensure!(start_seq <= end_seq, Error::<T>::InvalidRange);
			let next_claimable = end_seq.checked_add(1).ok_or(Error::<T>::InvalidRange)?;
			let segments = next_claimable.saturating_sub(start_seq);
			ensure!(segments <= T::MaxSegmentsPerClaim::get(), Error::<T>::RangeTooLong);
			ensure!(start_seq >= cursor, Error::<T>::DoubleClaim);
			let fee = Self::fee_for(segments, job.profiles.len(), price)?;
			let left = budget.checked_sub(&fee).ok_or(Error::<T>::InsufficientDeposit)?;
			match grace.and_then(|index| job.graces.get_mut(index)) {
				Some(grace) => {
					grace.reserved = left;
					grace.next_claimable_seq = next_claimable;
				},
				None => {
					job.deposit = left;
					job.next_claimable_seq = next_claimable;
				},
			}
			job.escrow = job.escrow.checked_add(&fee).ok_or(Error::<T>::Overflow)?;
			let claim_id = NextClaimId::<T>::get();
			NextClaimId::<T>::put(claim_id.checked_add(1).ok_or(Error::<T>::Overflow)?);

			if !fee.is_zero() {
				// Both holds are on the broadcaster's account: releasing and holding the same
				// amount again cannot fail for lack of funds.
				T::Currency::release(
					&HoldReason::JobDeposit.into(),
					&job.broadcaster,
					fee,
					Precision::Exact,
				)?;
				T::Currency::hold(&HoldReason::ClaimEscrow.into(), &job.broadcaster, fee)?;
			}
			let payable_at = now.saturating_add(T::VerificationWindow::get());
			let claim = ClaimInfo {
				job_id,
				broadcaster: job.broadcaster.clone(),
				transcoder: transcoder.clone(),
				start_seq,
				end_seq,
				merkle_root,
				fee,
				claimed_at: now,
				payable_at,
			};
			T::Verification::on_claim(claim_id, &claim);
			Claims::<T>::insert(claim_id, claim);
			JobClaims::<T>::insert(job_id, claim_id, ());
			Jobs::<T>::insert(job_id, job);
			Self::deposit_event(Event::WorkClaimed {
				claim_id,
				job_id,
				transcoder,
				start_seq,
				end_seq,
				merkle_root,
				fee,
				payable_at,
			});
			Ok(())
		}

		/// Settles a claim whose verification window has closed: pays its fee to the
		/// transcoder, or refunds it if verification failed. Anyone may call it.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::distribute_fees().saturating_add(T::Verification::on_settle_weight()))]
		pub fn distribute_fees(origin: OriginFor<T>, claim_id: ClaimId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::settle_claim(claim_id)
		}

		/// Ends the signer's stream and its open jobs.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::end_stream(MAX_OPEN_JOBS_PER_STREAM))]
		pub fn end_stream(origin: OriginFor<T>, stream_id: StreamId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let stream = Streams::<T>::get(stream_id).ok_or(Error::<T>::UnknownStream)?;
			ensure!(stream.owner == who, Error::<T>::NotStreamOwner);
			ensure!(stream.status.is_open(), Error::<T>::StreamClosed);
			let ended = Self::close_stream(stream_id, stream, StreamStatus::Ended)?;
			Self::deposit_event(Event::StreamEnded { stream_id });
			Ok(Some(T::WeightInfo::end_stream(ended)).into())
		}

		/// Bans a stream and ends its open jobs.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::ban_stream(MAX_OPEN_JOBS_PER_STREAM))]
		pub fn ban_stream(origin: OriginFor<T>, stream_id: StreamId) -> DispatchResultWithPostInfo {
			T::BanOrigin::ensure_origin(origin)?;
			let stream = Streams::<T>::get(stream_id).ok_or(Error::<T>::UnknownStream)?;
			ensure!(stream.status != StreamStatus::Banned, Error::<T>::AlreadyBanned);
			let ended = Self::close_stream(stream_id, stream, StreamStatus::Banned)?;
			Self::deposit_event(Event::StreamBanned { stream_id });
			Ok(Some(T::WeightInfo::ban_stream(ended)).into())
		}
	}

	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// The account through which paid fees pass into the fee crediting.
		pub fn payout_account() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		/// Takes the open jobs of transcoder `who` away from it and queues them for election in
		/// the next block. The runtime calls it when `who` is slashed or leaves the active set.
		/// Returns the weight used (at most [`Self::on_transcoder_deactivated_weight`]).
		pub fn on_transcoder_deactivated(who: &T::AccountId) -> Weight {
			let jobs = TranscoderJobs::<T>::take(who);
			let count = u32::try_from(jobs.len()).unwrap_or(u32::MAX);
			let due = frame_system::Pallet::<T>::block_number().saturating_add(1u32.into());
			for job_id in jobs {
				let Some(mut job) = Jobs::<T>::get(job_id) else { continue };
				let assigned_to_who = matches!(
					&job.assignment, Some(assignment) if assignment.transcoder == *who
				);
				if job.status != JobStatus::Assigned || !assigned_to_who {
					continue;
				}
				Self::start_grace(job_id, &mut job);
				job.status = JobStatus::AwaitingTranscoder;
				job.assignment = None;
				// Pushing only fails when a queue counter overflows u64: then the job stays
				// waiting and its broadcaster can cancel it.
				job.election_slot =
					Self::push_election(ElectionQueue::Fresh, job_id, due, Some(who.clone())).ok();
				Jobs::<T>::insert(job_id, job);
				Self::deposit_event(Event::TranscoderUnassigned {
					job_id,
					transcoder: who.clone(),
				});
			}
			T::WeightInfo::on_transcoder_deactivated(count)
		}

		/// Bans broadcaster `who` here: bans each of its streams that is not ended (at most
		/// [`types::MAX_OPEN_STREAMS_PER_OWNER`]) and ends their open jobs, releasing the
		/// deposits not yet claimed into its free balance (claimed fees stay in escrow and settle
		/// as usual). pallet-reporting calls it for a broadcaster found guilty; that it may not
		/// create streams or jobs afterwards is up to [`Config::BannedAccounts`]. Returns the
		/// weight used (at most [`Self::ban_broadcaster_weight`]).
		pub fn ban_broadcaster(who: &T::AccountId) -> Weight {
			let open = OwnerStreams::<T>::take(who);
			let mut weight = T::DbWeight::get().reads_writes(1, 1);
			for stream_id in open {
				let Some(stream) = Streams::<T>::get(stream_id) else { continue };
				if !stream.status.is_open() || stream.owner != *who {
					continue;
				}
				// Ending a job releases a hold the job recorded: it fails only on a bug, and
				// then the storage layer keeps this stream as it was rather than half-closed.
				let closed = frame_support::storage::with_storage_layer(|| {
					Self::close_stream(stream_id, stream, StreamStatus::Banned)
				});
				if let Ok(ended) = closed {
					Self::deposit_event(Event::StreamBanned { stream_id });
					weight = weight.saturating_add(T::WeightInfo::ban_stream(ended));
				}
			}
			weight
		}

		/// The most [`Self::ban_broadcaster`] can weigh.
		pub fn ban_broadcaster_weight() -> Weight {
			T::DbWeight::get().reads_writes(1, 1).saturating_add(
				T::WeightInfo::ban_stream(MAX_OPEN_JOBS_PER_STREAM)
					.saturating_mul(u64::from(MAX_OPEN_STREAMS_PER_OWNER)),
			)
		}

		/// The most [`Self::on_transcoder_deactivated`] can weigh.
		pub fn on_transcoder_deactivated_weight() -> Weight {
			T::WeightInfo::on_transcoder_deactivated(T::MaxJobsPerTranscoder::get())
		}

		/// Settles claim `claim_id` if its window has closed (see [`Pallet::distribute_fees`]).
		pub fn settle_claim(claim_id: ClaimId) -> DispatchResult {
			let claim = Claims::<T>::get(claim_id).ok_or(Error::<T>::UnknownClaim)?;
			ensure!(
				frame_system::Pallet::<T>::block_number() >= claim.payable_at,
				Error::<T>::VerificationWindowOpen
			);
			Self::settle(claim_id, claim).map_err(|reason| match reason {
				DeferReason::OnHold => Error::<T>::ClaimOnHold.into(),
				DeferReason::PayoutFailed => Error::<T>::FeePayoutFailed.into(),
			})
		}

		/// `segments × profiles × price`.
		pub fn fee_for(
			segments: u64,
			profiles: usize,
			price: BalanceOf<T>,
		) -> Result<BalanceOf<T>, Error<T>> {
			let units = segments
				.checked_mul(u64::try_from(profiles).map_err(|_| Error::<T>::Overflow)?)
				.ok_or(Error::<T>::Overflow)?;
			let units: BalanceOf<T> = units.try_into().map_err(|_| Error::<T>::Overflow)?;
			units.checked_mul(&price).ok_or(Error::<T>::Overflow)
		}

		fn validate_profiles(profiles: &Profiles) -> Result<(), Error<T>> {
			ensure!(!profiles.is_empty(), Error::<T>::NoProfiles);
			ensure!(
				profiles.len() <= T::MaxProfilesPerJob::get() as usize,
				Error::<T>::TooManyProfiles
			);
			for (index, profile) in profiles.iter().enumerate() {
				profile.validate().map_err(|error| match error {
					ProfileError::ZeroResolution => Error::<T>::ZeroResolution,
					ProfileError::OddResolution => Error::<T>::OddResolution,
					ProfileError::EmptyName => Error::<T>::EmptyProfileName,
					ProfileError::NameTooLong => Error::<T>::ProfileNameTooLong,
					ProfileError::ZeroBitrate => Error::<T>::ZeroBitrate,
					ProfileError::ZeroFps => Error::<T>::ZeroFps,
				})?;
				ensure!(
					!profiles.iter().take(index).any(|earlier| earlier.name == profile.name),
					Error::<T>::DuplicateProfile
				);
			}
			Ok(())
		}

		fn ensure_spendable(who: &T::AccountId, amount: BalanceOf<T>) -> Result<(), Error<T>> {
			// Polite: frozen funds may not be committed to a job.
			ensure!(
				T::Currency::reducible_balance(who, Preservation::Preserve, Fortitude::Polite)
					>= amount,
				Error::<T>::InsufficientBalance
			);
			Ok(())
		}

		fn set_stream_status(stream_id: StreamId, stream: &mut StreamOf<T>, status: StreamStatus) {
			if stream.status != status {
				stream.status = status;
				Self::deposit_event(Event::StreamStatusChanged { stream_id, status });
			}
		}

		/// Ends a job and updates its stream.
		fn end_with_stream(job_id: JobId, job: JobOf<T>, reason: EndReason) -> DispatchResult {
			let stream_id = job.stream_id;
			let mut stream = Streams::<T>::get(stream_id).ok_or(Error::<T>::UnknownStream)?;
			Self::end_job_in(job_id, job, &mut stream, reason)?;
			if stream.open_jobs.is_empty() && stream.status == StreamStatus::Live {
				Self::set_stream_status(stream_id, &mut stream, StreamStatus::Idle);
			}
			Streams::<T>::insert(stream_id, stream);
			Ok(())
		}

		/// Ends every open job of a stream and sets its final status. Returns the jobs ended.
		fn close_stream(
			stream_id: StreamId,
			mut stream: StreamOf<T>,
			status: StreamStatus,
		) -> Result<u32, DispatchError> {
			let reason = match status {
				StreamStatus::Banned => EndReason::StreamBanned,
				_ => EndReason::StreamEnded,
			};
			let open = stream.open_jobs.clone();
			let mut ended = 0u32;
			for job_id in open {
				if let Some(job) = Jobs::<T>::get(job_id) {
					Self::end_job_in(job_id, job, &mut stream, reason)?;
					ended = ended.saturating_add(1);
				}
			}
			stream.open_jobs = Default::default();
			stream.status = status;
			if !status.is_open() {
				OwnerStreams::<T>::mutate_exists(&stream.owner, |open| {
					if let Some(list) = open {
						list.retain(|id| *id != stream_id);
						if list.is_empty() {
							*open = None;
						}
					}
				});
			}
			Streams::<T>::insert(stream_id, stream);
			Ok(ended)
		}

		/// Ends a job: releases its deposit, frees its transcoder, removes it from the stream's
		/// open jobs (the caller stores the stream).
		fn end_job_in(
			job_id: JobId,
			mut job: JobOf<T>,
			stream: &mut StreamOf<T>,
			reason: EndReason,
		) -> DispatchResult {
			if job.status == JobStatus::Assigned {
				Self::start_grace(job_id, &mut job);
			}
			// A waiting job leaves its election queue: its slot must not delay other elections.
			if let Some((queue, index)) = job.election_slot.take() {
				Elections::<T>::remove(queue, index);
			}
			let released = job.deposit;
			if !released.is_zero() {
				T::Currency::release(
					&HoldReason::JobDeposit.into(),
					&job.broadcaster,
					released,
					Precision::Exact,
				)?;
			}
			if let (JobStatus::Assigned, Some(assignment)) = (job.status, &job.assignment) {
				TranscoderJobs::<T>::mutate(&assignment.transcoder, |jobs| {
					jobs.retain(|id| *id != job_id)
				});
			}
			stream.open_jobs.retain(|id| *id != job_id);
			job.deposit = Zero::zero();
			job.status = JobStatus::Ended;
			Jobs::<T>::insert(job_id, job);
			Self::deposit_event(Event::JobEnded { job_id, reason, released });
			Ok(())
		}

		/// Gives the transcoder assigned to `job` (the caller takes the assignment away and
		/// stores the job) a grace claim: the work it did stays claimable for
		/// `ClaimGracePeriod` blocks, paid from a reservation of the deposit of at most
		/// `MinSegmentsCovered` segments of every profile at its price (what a new job's deposit
		/// must cover; the worker claims more often than that). No grace when the job has
		/// `MAX_GRACES_PER_JOB` already, or the reservation would be zero.
		fn start_grace(job_id: JobId, job: &mut JobOf<T>) {
			let Some(assignment) = &job.assignment else { return };
			let transcoder = assignment.transcoder.clone();
			let price = assignment.price_per_segment;
			let cap =
				Self::fee_for(u64::from(T::MinSegmentsCovered::get()), job.profiles.len(), price)
					.unwrap_or(job.deposit);
			let reserved = job.deposit.min(cap);
			if reserved.is_zero() {
				return;
			}
			let now = frame_system::Pallet::<T>::block_number();
			let until = now.saturating_add(T::ClaimGracePeriod::get());
			let next_claimable_seq = job.next_claimable_seq;
			let existing = job.graces.iter_mut().find(|grace| grace.transcoder == transcoder);
			match existing {
				// Left the same job a second time within its grace: one reservation, the later end.
				Some(grace) => {
					grace.reserved = grace.reserved.saturating_add(reserved);
					grace.until = until;
					grace.price_per_segment = price;
				},
				None => {
					let grace = Grace {
						transcoder: transcoder.clone(),
						price_per_segment: price,
						reserved,
						until,
						next_claimable_seq,
					};
					if job.graces.try_push(grace).is_err() {
						return;
					}
				},
			}
			let mut bounds = GraceBounds::<T>::get();
			let index = bounds.tail;
			let Some(tail) = index.checked_add(1) else {
				// The queue counter cannot overflow u64 in practice; without an expiry entry the
				// grace would never end, so give none.
				job.graces.retain(|grace| grace.transcoder != transcoder);
				return;
			};
			bounds.tail = tail;
			GraceQueue::<T>::insert(
				index,
				GraceExpiry { job_id, transcoder: transcoder.clone(), until },
			);
			GraceBounds::<T>::put(bounds);
			job.deposit = job.deposit.saturating_sub(reserved);
			GraceJobs::<T>::insert(&transcoder, job_id, ());
			Self::deposit_event(Event::GraceStarted { job_id, transcoder, reserved, until });
		}

		/// Ends the grace periods that are over, at most `MaxPayoutsPerBlock`. Returns how many
		/// queue entries it looked at.
		pub(crate) fn run_grace_expiries(now: BlockNumberFor<T>) -> u32 {
			let budget = T::MaxPayoutsPerBlock::get();
			let mut bounds = GraceBounds::<T>::get();
			let start = bounds.head;
			let mut used = 0u32;
			while used < budget && bounds.head < bounds.tail {
				if let Some(entry) = GraceQueue::<T>::get(bounds.head) {
					if entry.until >= now {
						break;
					}
					GraceQueue::<T>::remove(bounds.head);
					Self::end_grace(entry);
				}
				bounds.head = bounds.head.saturating_add(1);
				used = used.saturating_add(1);
			}
			if bounds.head != start {
				GraceBounds::<T>::put(bounds);
			}
			used
		}

		/// Ends a grace claim whose period is over: what is left of its reservation goes back to
		/// the job's deposit, or to the broadcaster if the job ended. An entry for a grace that
		/// was extended since (the transcoder left the job again) is stale and ignored.
		fn end_grace(entry: GraceExpiry<T::AccountId, BlockNumberFor<T>>) {
			let GraceExpiry { job_id, transcoder, until } = entry;
			let Some(mut job) = Jobs::<T>::get(job_id) else { return };
			let Some(index) = job
				.graces
				.iter()
				.position(|grace| grace.transcoder == transcoder && grace.until == until)
			else {
				return;
			};
			let returned = job.graces.get(index).map_or_else(Zero::zero, |grace| grace.reserved);
			let to_deposit = job.status != JobStatus::Ended;
			if to_deposit {
				job.deposit = job.deposit.saturating_add(returned);
			} else if !returned.is_zero() {
				// The reservation is on hold under `JobDeposit`, recorded by this job: releasing
				// it fails only on a bug, and then the grace stays (and `do_try_state` says so).
				let released = T::Currency::release(
					&HoldReason::JobDeposit.into(),
					&job.broadcaster,
					returned,
					Precision::Exact,
				);
				if released.is_err() {
					return;
				}
			}
			job.graces.remove(index);
			Jobs::<T>::insert(job_id, job);
			GraceJobs::<T>::remove(&transcoder, job_id);
			Self::deposit_event(Event::GraceEnded { job_id, transcoder, returned, to_deposit });
		}

		fn push_election(
			queue: ElectionQueue,
			job_id: JobId,
			due: BlockNumberFor<T>,
			exclude: Option<T::AccountId>,
		) -> Result<(ElectionQueue, u64), DispatchError> {
			let mut bounds = ElectionBounds::<T>::get(queue);
			let index = bounds.tail;
			bounds.tail = index.checked_add(1).ok_or(ArithmeticError::Overflow)?;
			Elections::<T>::insert(queue, index, ElectionRequest { job_id, due, exclude });
			ElectionBounds::<T>::insert(queue, bounds);
			Ok((queue, index))
		}

		/// Runs the due elections, at most `MaxElectionsPerBlock`. Slots emptied by ended jobs
		/// are skipped without using an election, at most [`STALE_SKIPS_PER_ELECTION`] per
		/// election of the budget. Returns how many elections ran, how many candidates they
		/// considered and how many empty slots were skipped.
		pub(crate) fn run_elections(now: BlockNumberFor<T>) -> (u32, u32, u32) {
			let budget = T::MaxElectionsPerBlock::get();
			let stale_budget = budget.saturating_mul(STALE_SKIPS_PER_ELECTION);
			let mut used = 0u32;
			let mut skipped = 0u32;
			let mut candidates: Option<Vec<CandidateOf<T>>> = None;
			for queue in [ElectionQueue::Fresh, ElectionQueue::Retry] {
				let QueueBounds { mut head, tail } = ElectionBounds::<T>::get(queue);
				let start = head;
				while used < budget && skipped < stale_budget && head < tail {
					let Some(request) = Elections::<T>::get(queue, head) else {
						// An ended job's slot: free.
						head = head.saturating_add(1);
						skipped = skipped.saturating_add(1);
						continue;
					};
					if request.due > now {
						break;
					}
					Elections::<T>::remove(queue, head);
					head = head.saturating_add(1);
					let job = Jobs::<T>::get(request.job_id)
						.filter(|job| job.status == JobStatus::AwaitingTranscoder);
					let Some(job) = job else {
						// Cannot happen (ending a job removes its entry); free all the same.
						skipped = skipped.saturating_add(1);
						continue;
					};
					used = used.saturating_add(1);
					let candidates = candidates.get_or_insert_with(|| {
						let mut all = T::Directory::active_transcoders();
						all.truncate(T::MaxCandidates::get() as usize);
						all
					});
					Self::elect(request, job, candidates, now);
				}
				// Only the head: elections above may have pushed entries (moving the tail).
				if head != start {
					ElectionBounds::<T>::mutate(queue, |bounds| bounds.head = head);
				}
			}
			let considered =
				candidates.map_or(0, |all| u32::try_from(all.len()).unwrap_or(u32::MAX));
			(used, considered, skipped)
		}

		/// The election seed of `job_id` in this block.
		pub fn election_seed(job_id: JobId) -> [u8; 32] {
			let parent = frame_system::Pallet::<T>::parent_hash();
			sp_io_hash(&(ELECTION_CONTEXT, parent, job_id).encode())
		}

		/// Elects a transcoder for `job`, waiting and just taken out of its queue.
		fn elect(
			request: ElectionRequest<T::AccountId, BlockNumberFor<T>>,
			mut job: JobOf<T>,
			candidates: &[CandidateOf<T>],
			now: BlockNumberFor<T>,
		) {
			let ElectionRequest { job_id, exclude, .. } = request;
			job.election_slot = None;
			let max_jobs = T::MaxJobsPerTranscoder::get() as usize;
			let eligible: Vec<&CandidateOf<T>> = candidates
				.iter()
				.filter(|candidate| {
					candidate.price_per_segment <= job.max_price_per_segment
						&& !candidate.stake.is_zero()
						&& exclude.as_ref() != Some(&candidate.who)
						&& TranscoderJobs::<T>::decode_len(&candidate.who).unwrap_or(0) < max_jobs
				})
				.collect();
			let stakes: Vec<u128> = eligible
				.iter()
				.map(|candidate| candidate.stake.unique_saturated_into())
				.collect();
			let chosen = select_weighted(&Self::election_seed(job_id), &stakes)
				.and_then(|index| eligible.get(index));
			let Some(chosen) = chosen else {
				let retry_at = now.saturating_add(T::ElectionRetryInterval::get());
				// See `on_transcoder_deactivated` for why a failed push is tolerable. The
				// exclusion is dropped: a retry interval (a round) later the directory no longer
				// lists a deactivated transcoder, and one that came back may work again.
				job.election_slot =
					Self::push_election(ElectionQueue::Retry, job_id, retry_at, None).ok();
				Jobs::<T>::insert(job_id, job);
				Self::deposit_event(Event::NoEligibleTranscoder { job_id, retry_at });
				return;
			};
			let transcoder = chosen.who.clone();
			if TranscoderJobs::<T>::try_mutate(&transcoder, |jobs| jobs.try_push(job_id)).is_err() {
				// Filtered above: cannot happen. Retry rather than lose the job.
				job.election_slot = Self::push_election(
					ElectionQueue::Retry,
					job_id,
					now.saturating_add(1u32.into()),
					exclude,
				)
				.ok();
				Jobs::<T>::insert(job_id, job);
				return;
			}
			let service_uri = T::Directory::service_uri(&transcoder);
			let price_per_segment = chosen.price_per_segment;
			job.status = JobStatus::Assigned;
			job.assignment = Some(Assignment {
				transcoder: transcoder.clone(),
				price_per_segment,
				service_uri: service_uri.clone(),
				assigned_at: now,
			});
			Jobs::<T>::insert(job_id, job);
			Self::deposit_event(Event::TranscoderAssigned {
				job_id,
				transcoder,
				service_uri,
				price_per_segment,
			});
		}

		/// Settles the payable claims in claim order, at most `MaxPayoutsPerBlock`. Returns how
		/// many claim ids it looked at.
		pub(crate) fn run_payouts(now: BlockNumberFor<T>) -> u32 {
			let budget = T::MaxPayoutsPerBlock::get();
			let end = NextClaimId::<T>::get();
			let mut cursor = NextClaimToSettle::<T>::get();
			let start = cursor;
			let mut used = 0u32;
			while used < budget && cursor < end {
				if let Some(claim) = Claims::<T>::get(cursor) {
					if claim.payable_at > now {
						break;
					}
					if let Err(reason) = Self::settle(cursor, claim) {
						Self::deposit_event(Event::PayoutDeferred { claim_id: cursor, reason });
					}
				}
				used = used.saturating_add(1);
				cursor = cursor.saturating_add(1);
			}
			if cursor != start {
				NextClaimToSettle::<T>::put(cursor);
			}
			used
		}

		/// Pays or refunds a claim according to the verifier; on error nothing changed.
		fn settle(claim_id: ClaimId, claim: ClaimOf<T>) -> Result<(), DeferReason> {
			match T::Verification::verdict(claim_id, &claim) {
				Verdict::Hold => Err(DeferReason::OnHold),
				Verdict::Pay => {
					frame_support::storage::with_storage_layer(|| Self::pay(claim_id, &claim))
						.map_err(|_| DeferReason::PayoutFailed)
				},
				Verdict::Fail => {
					frame_support::storage::with_storage_layer(|| Self::refund(claim_id, &claim))
						.map_err(|_| DeferReason::PayoutFailed)
				},
			}
		}

		fn pay(claim_id: ClaimId, claim: &ClaimOf<T>) -> DispatchResult {
			let to_verifiers = Self::pay_verifiers(claim_id, claim);
			let fee = claim.fee.saturating_sub(to_verifiers);
			if !fee.is_zero() {
				let payout = Self::payout_account();
				T::Currency::transfer_on_hold(
					&HoldReason::ClaimEscrow.into(),
					&claim.broadcaster,
					&payout,
					fee,
					Precision::Exact,
					Restriction::Free,
					// The fee left the deposit through an unfrozen hold; a freeze added later
					// must not keep the transcoder from its pay.
					Fortitude::Force,
				)?;
				// The fee goes to the stake delegated when the work was claimed.
				T::Fees::add_fees_for_claim(
					&payout,
					&claim.transcoder,
					fee,
					claim.claimed_at.unique_saturated_into(),
				)?;
			}
			Jobs::<T>::try_mutate(claim.job_id, |job| -> DispatchResult {
				let job = job.as_mut().ok_or(Error::<T>::UnknownJob)?;
				job.escrow = job.escrow.saturating_sub(claim.fee);
				job.paid = job.paid.checked_add(&claim.fee).ok_or(Error::<T>::Overflow)?;
				Ok(())
			})?;
			Claims::<T>::remove(claim_id);
			JobClaims::<T>::remove(claim.job_id, claim_id);
			Self::deposit_event(Event::FeesPaid {
				claim_id,
				job_id: claim.job_id,
				transcoder: claim.transcoder.clone(),
				amount: fee,
			});
			Ok(())
		}

		/// Pays the verifiers' fees of a claim being settled ([`ClaimVerification::on_settle`])
		/// from its escrow, at most the claim's fee in total. A payment that fails (e.g. below the
		/// existential deposit into an empty account) is skipped and its amount stays with the
		/// claim. Returns the amount paid.
		fn pay_verifiers(claim_id: ClaimId, claim: &ClaimOf<T>) -> BalanceOf<T> {
			let mut paid = BalanceOf::<T>::zero();
			for (verifier, amount) in T::Verification::on_settle(claim_id, claim) {
				let amount = amount.min(claim.fee.saturating_sub(paid));
				if amount.is_zero() {
					continue;
				}
				let moved = frame_support::storage::with_storage_layer(|| {
					T::Currency::transfer_on_hold(
						&HoldReason::ClaimEscrow.into(),
						&claim.broadcaster,
						&verifier,
						amount,
						Precision::Exact,
						Restriction::Free,
						Fortitude::Force,
					)
				});
				if moved.is_ok() {
					paid = paid.saturating_add(amount);
					Self::deposit_event(Event::VerifierPaid { claim_id, verifier, amount });
				}
			}
			paid
		}

		fn refund(claim_id: ClaimId, claim: &ClaimOf<T>) -> DispatchResult {
			let to_verifiers = Self::pay_verifiers(claim_id, claim);
			let refunded = claim.fee.saturating_sub(to_verifiers);
			let to_deposit =
				Jobs::<T>::try_mutate(claim.job_id, |job| -> Result<bool, DispatchError> {
					let job = job.as_mut().ok_or(Error::<T>::UnknownJob)?;
					job.escrow = job.escrow.saturating_sub(claim.fee);
					job.paid = job.paid.checked_add(&to_verifiers).ok_or(Error::<T>::Overflow)?;
					let open = job.status != JobStatus::Ended;
					if open {
						job.deposit =
							job.deposit.checked_add(&refunded).ok_or(Error::<T>::Overflow)?;
					}
					Ok(open)
				})?;
			if !refunded.is_zero() {
				T::Currency::release(
					&HoldReason::ClaimEscrow.into(),
					&claim.broadcaster,
					refunded,
					Precision::Exact,
				)?;
				if to_deposit {
					T::Currency::hold(
						&HoldReason::JobDeposit.into(),
						&claim.broadcaster,
						refunded,
					)?;
				}
			}
			Claims::<T>::remove(claim_id);
			JobClaims::<T>::remove(claim.job_id, claim_id);
			Self::deposit_event(Event::ClaimRefunded {
				claim_id,
				job_id: claim.job_id,
				amount: refunded,
				to_deposit,
			});
			Ok(())
		}
	}

	/// blake2-256, the hash of every id and seed here.
	fn sp_io_hash(data: &[u8]) -> [u8; 32] {
		olc_primitives::blake2_256(data)
	}
}
