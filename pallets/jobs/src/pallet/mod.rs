//! The FRAME pallet: configuration, storage, genesis, events, errors, hooks and calls (in the
//! `pallet` macro module, re-exported here and at the crate root). The logic behind the calls and
//! hooks is in `impl<T: Config> Pallet<T>` blocks by responsibility:
//! - `impls`: the interface to the runtime and other pallets, fees and call checks;
//! - `lifecycle`: how streams and jobs end, and the claim grace period;
//! - `election`: electing transcoders for jobs;
//! - `payout`: settling claims (payment or refund);
//! - `retention`: removing ended jobs and streams after their retention period.

mod election;
mod impls;
mod lifecycle;
mod payout;
mod retention;

pub use self::pallet::*;

use super::*;
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	pallet_prelude::*,
	traits::{
		defensive_prelude::*,
		fungible::{Inspect, Mutate, MutateHold},
		tokens::{Fortitude, Precision, Preservation, Restriction},
		BuildGenesisConfig,
	},
	weights::WeightMeter,
	PalletId,
};
use frame_system::pallet_prelude::*;
use olc_primitives::ProfileError;
use sp_runtime::{
	traits::{AccountIdConversion, CheckedAdd, CheckedSub, Saturating, UniqueSaturatedInto, Zero},
	ArithmeticError,
};

/// blake2-256, the hash of every id and seed here.
fn sp_io_hash(data: &[u8]) -> [u8; 32] {
	olc_primitives::blake2_256(data)
}

#[frame_support::pallet]
pub mod pallet {
	// FRAME's macro expansions (pallet info, errors, storage metadata) call `expect` on values
	// they prove present; our own code in this module denies it again below. The module keeps
	// FRAME's usual name; `crate::pallet` re-exports it, so its paths are those of a pallet
	// defined in lib.rs.
	#![allow(clippy::expect_used, clippy::module_inception)]
	use super::*;

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

		/// Most claims the automatic payout looks at in one block (also the most entries of the
		/// retention queue `on_idle` looks at in one block).
		#[pallet::constant]
		type MaxPayoutsPerBlock: Get<u32>;

		/// Blocks an ended job or stream stays in storage (for the viewer page and tools)
		/// before `on_idle` removes it; longer while anything still refers to it (see the
		/// crate docs, "Retention").
		#[pallet::constant]
		type Retention: Get<BlockNumberFor<Self>>;

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

	/// Jobs by id (ended jobs stay `Retention` blocks, for the viewer page and tools; see the
	/// crate docs, "Retention").
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

	/// The retention queue's entries: ended jobs and streams, due in the order they were
	/// pushed (the retention period is a constant).
	#[pallet::storage]
	pub type RetentionQueue<T: Config> =
		StorageMap<_, Twox64Concat, u64, RetentionEntry<BlockNumberFor<T>>>;

	/// Head and tail of the retention queue.
	#[pallet::storage]
	pub type RetentionBounds<T: Config> = StorageValue<_, QueueBounds, ValueQuery>;

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
			// Should minting fail, payouts fail with `FeePayoutFailed` and the fees stay in
			// escrow: nothing is lost.
			pallet_olc_token::ensure_existential_deposit::<_, T::Currency>(
				&Pallet::<T>::payout_account(),
			);
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
		/// An ended job was removed from storage after its retention period.
		JobRemoved { job_id: JobId },
		/// An ended or banned stream was removed from storage after its retention period.
		StreamRemoved { stream_id: StreamId },
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

		/// Removes ended jobs and streams whose retention period is over, with the weight the
		/// block has left.
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::run_retention(now, remaining)
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
}
