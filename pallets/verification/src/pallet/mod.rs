//! The FRAME pallet: configuration, storage, genesis, events, errors, hooks, calls and the
//! traits other pallets call (in the `pallet` macro module, re-exported here and at the crate
//! root). The logic behind them is in `impl<T: Config> Pallet<T>` blocks by responsibility:
//! - `impls`: sampling rate and scores, fees, weights and exposure bookkeeping;
//! - `tasks`: the task queues that `on_initialize` runs within the block's weight;
//! - `committee`: drawing committees and deciding a segment's check;
//! - `outcome`: what a decision does (pass, fail, missed proofs), slashes and settlement.

mod committee;
mod impls;
mod outcome;
mod tasks;

pub use self::pallet::*;

use super::*;
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	pallet_prelude::*,
	traits::{defensive_prelude::*, BuildGenesisConfig},
	weights::WeightMeter,
};
use frame_system::pallet_prelude::*;
use olc_primitives::{merkle, SignatureError};
use pallet_jobs::{
	select_weighted, ClaimId, ClaimInfo, SegmentSeq, TranscoderDirectory, Verdict, WeightInfo as _,
};
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	ArithmeticError, Perbill,
};

#[frame_support::pallet]
pub mod pallet {
	// FRAME's macro expansions (pallet info, errors, storage metadata) call `expect` on values
	// they prove present; our own code in this module denies it again below. The module keeps
	// FRAME's usual name; `crate::pallet` re-exports it, so its paths are those of a pallet
	// defined in lib.rs.
	#![allow(clippy::expect_used, clippy::module_inception)]
	use super::*;

	pub type BalanceOf<T> = pallet_jobs::BalanceOf<T>;
	pub type ClaimCheckOf<T> = ClaimCheck<
		<T as frame_system::Config>::AccountId,
		BlockNumberFor<T>,
		<T as Config>::MaxProofs,
	>;
	pub type SegmentCheckOf<T> = SegmentCheck<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		<T as Config>::VerifiersPerSegment,
	>;
	pub type MemberOf<T> = CommitteeMember<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	pub type ClaimOf<T> = pallet_jobs::ClaimOf<T>;
	pub type FeeSharesOf<T> =
		BoundedVec<(<T as frame_system::Config>::AccountId, u32), MaxFeeShares<T>>;

	/// Context tag of the committee seed.
	pub const COMMITTEE_CONTEXT: &[u8] = b"OLC/committee/v1";

	/// Bound on the verifiers that earn shares of one claim's verifier fee:
	/// `MaxProofs × VerifiersPerSegment × MAX_COMMITTEE_ROUNDS`.
	pub struct MaxFeeShares<T>(core::marker::PhantomData<T>);
	impl<T: Config> Get<u32> for MaxFeeShares<T> {
		fn get() -> u32 {
			T::MaxProofs::get()
				.saturating_mul(T::VerifiersPerSegment::get())
				.saturating_mul(u32::from(MAX_COMMITTEE_ROUNDS))
		}
	}

	/// The storage layout's version (migrations compare against it).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config + pallet_jobs::Config {
		/// Slashes transcoders (pallet-staking-delegation).
		type Slashing: Slashing<Self::AccountId, BalanceOf<Self>>;

		/// The sr25519 keys of accounts ([`AccountId32Keys`] in the runtime).
		type Keys: AccountKeys<Self::AccountId>;

		/// One segment in `VerificationRate` is challenged (at least 1). Default: 100 in
		/// production, 4 on the dev chain.
		#[pallet::constant]
		type VerificationRate: Get<u32>;

		/// Blocks after the challenges are issued in which proofs are accepted.
		#[pallet::constant]
		type VerificationPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks after the proof deadline in which anyone may report a missed verification for
		/// the finder fee, before the pallet reports it itself.
		#[pallet::constant]
		type ReportPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks after a committee is drawn in which its members may vote.
		#[pallet::constant]
		type VerdictPeriod: Get<BlockNumberFor<Self>>;

		/// Most segments challenged per claim, and most proofs per call.
		#[pallet::constant]
		type MaxProofs: Get<u32>;

		/// Committee size per proven segment. Default 3.
		#[pallet::constant]
		type VerifiersPerSegment: Get<u32>;

		/// Slashed for a missed verification. Default 10%.
		#[pallet::constant]
		type MissedVerificationSlash: Get<Perbill>;

		/// Slashed for a failed verification. Default 5%.
		#[pallet::constant]
		type FailedVerificationSlash: Get<Perbill>;

		/// Share of what a missed verification's transcoder itself lost (its own bond's slash, not
		/// its delegators') paid to its reporter. Default 5%.
		#[pallet::constant]
		type FinderFee: Get<Perbill>;

		/// Stake a committee member loses for not voting (capped at its stake).
		#[pallet::constant]
		type MissedVoteSlash: Get<BalanceOf<Self>>;

		/// Share of a verified claim's fee paid to the verifiers that voted with the decision.
		/// Default 1%.
		#[pallet::constant]
		type VerifierFee: Get<Perbill>;

		/// Most segments hashed per block to pick challenges.
		#[pallet::constant]
		type MaxSamplesPerBlock: Get<u32>;

		/// Most queued tasks (issues, draws, deadlines) run per block.
		#[pallet::constant]
		type MaxTasksPerBlock: Get<u32>;

		/// Weights of this pallet's calls and hooks, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Keyed accounts for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The verification rate chosen at genesis, if not [`Config::VerificationRate`] (the dev
	/// chain checks 1 segment in 4, production 1 in 100).
	#[pallet::storage]
	pub type VerificationRateOverride<T: Config> = StorageValue<_, u32, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// One segment in this many is challenged (at least 1); `None` keeps
		/// [`Config::VerificationRate`].
		pub verification_rate: Option<u32>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	#[deny(clippy::expect_used)]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(rate) = self.verification_rate {
				VerificationRateOverride::<T>::put(rate.max(1));
			}
		}
	}

	/// The verification of each claim not yet settled.
	#[pallet::storage]
	pub type Checks<T: Config> = StorageMap<_, Twox64Concat, ClaimId, ClaimCheckOf<T>>;

	/// The content checks of proven segments, by claim and sequence number.
	#[pallet::storage]
	pub type SegmentChecks<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ClaimId, Twox64Concat, SegmentSeq, SegmentCheckOf<T>>;

	/// Index of the committee seats without a vote, by verifier: `(claim, seq)` for each
	/// segment check in whose committee the account sits and has not voted. Written with the
	/// seats ([`SegmentChecks`]) so the runtime API pages a verifier's duties without scanning
	/// every segment check.
	#[pallet::storage]
	pub type UnvotedSeats<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		(ClaimId, SegmentSeq),
		(),
	>;

	/// The verifier fee shares earned on each claim.
	#[pallet::storage]
	pub type FeeShares<T: Config> =
		StorageMap<_, Twox64Concat, ClaimId, FeeSharesOf<T>, ValueQuery>;

	/// The task queues' entries.
	#[pallet::storage]
	pub type Tasks<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TaskQueue,
		Twox64Concat,
		u64,
		QueuedTask<BlockNumberFor<T>>,
	>;

	/// Head and tail of each task queue.
	#[pallet::storage]
	pub type TaskBounds<T: Config> =
		StorageMap<_, Twox64Concat, TaskQueue, QueueBounds, ValueQuery>;

	/// How many outcomes can still slash each transcoder: its claims whose verification has not
	/// ended (challenges to prove, segments under review) plus its committee seats without a
	/// vote. Absent means none; pallet-staking-delegation keeps the transcoder's own bond in
	/// its pool while it is present (see the crate docs, "Exposure").
	#[pallet::storage]
	pub type Exposures<T: Config> = StorageMap<_, Twox64Concat, T::AccountId, u32, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A claim's challenged segments; the claimant must prove them by `proof_deadline`.
		ChallengesIssued {
			claim_id: ClaimId,
			segments: BoundedVec<SegmentSeq, T::MaxProofs>,
			proof_deadline: BlockNumberFor<T>,
		},
		/// A challenged segment was proven.
		SegmentProven { claim_id: ClaimId, seq: SegmentSeq },
		/// Every challenged segment of a claim was proven.
		ClaimProven { claim_id: ClaimId },
		/// A committee was drawn (or completed after replacements) for a proven segment; it may
		/// vote until `deadline`.
		CommitteeDrawn {
			claim_id: ClaimId,
			seq: SegmentSeq,
			members: BoundedVec<T::AccountId, T::VerifiersPerSegment>,
			deadline: BlockNumberFor<T>,
		},
		/// A committee member voted.
		VerdictSubmitted { claim_id: ClaimId, seq: SegmentSeq, verifier: T::AccountId, ok: bool },
		/// A segment passed its content check.
		SegmentPassed { claim_id: ClaimId, seq: SegmentSeq },
		/// Every challenged segment of a claim passed: it is paid.
		VerificationPassed { claim_id: ClaimId },
		/// A claim's challenges were not all proven in time: it is refunded.
		VerificationMissed { claim_id: ClaimId, finder: Option<T::AccountId> },
		/// A committee found segment `seq` of a claim bad: it is refunded.
		VerificationFailed { claim_id: ClaimId, seq: SegmentSeq },
		/// A transcoder was slashed `amount` of stake through pallet-staking-delegation.
		Slashed {
			transcoder: T::AccountId,
			amount: BalanceOf<T>,
			reason: SlashReason,
			finder: Option<T::AccountId>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No claim under verification has this id.
		UnknownClaim,
		/// Only the claim's transcoder may prove it.
		NotClaimant,
		/// The claim's challenges are not issued yet.
		ChallengesNotIssued,
		/// Every challenge of the claim is already proven.
		AllProven,
		/// The claim's verification has ended.
		VerificationClosed,
		/// The proof deadline has passed.
		ProofDeadlinePassed,
		/// No proofs were given.
		NoProofs,
		/// The claim's job does not exist.
		UnknownJob,
		/// The claim's stream does not exist.
		UnknownStream,
		/// The claimant's account has no sr25519 key.
		NoTranscoderKey,
		/// The claim covers more segments than a Merkle proof can index.
		ClaimTooLong,
		/// The receipt's segment is not challenged.
		NotChallenged,
		/// The receipt's segment is already proven.
		AlreadyProven,
		/// The receipt is for another stream than the job's.
		WrongStream,
		/// The segment header is not signed with the stream's segment key.
		WrongBroadcasterKey,
		/// The broadcaster's signature over the segment header does not verify.
		BadBroadcasterSignature,
		/// The receipt is not from the claimant's key.
		WrongTranscoderKey,
		/// The transcoder's signature over the receipt does not verify.
		BadTranscoderSignature,
		/// The receipt's output count differs from the job's profile count.
		ProfileCountMismatch,
		/// The Merkle proof's leaf index or leaf count does not fit the segment and the claim.
		WrongLeafPosition,
		/// The Merkle proof does not lead to the claim's root.
		BadMerkleProof,
		/// The segment has no committee.
		NoCommittee,
		/// The signer is not on the segment's committee.
		NotCommitteeMember,
		/// The signer already voted on the segment.
		AlreadyVoted,
		/// The committee's voting period is over.
		VerdictPeriodOver,
		/// The claim is not waiting for proofs.
		NotAwaitingProofs,
		/// The proof deadline has not passed yet.
		ProofPeriodOpen,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::run_tasks(now)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::VerificationRate::get() >= 1, "VerificationRate must be at least 1");
			assert!(T::MaxProofs::get() >= 1, "a claim must be challenged somewhere");
			assert!(T::VerifiersPerSegment::get() >= 1, "a committee needs a member");
			assert!(T::MaxSamplesPerBlock::get() >= 1, "challenges must make progress");
			assert!(T::MaxTasksPerBlock::get() >= 1, "tasks must make progress");
			assert!(
				Self::worst_task_weight()
					.saturating_add(T::BlockWeights::get().base_block)
					.all_lte(Self::hook_share()),
				"the heaviest task must fit in the hooks' share of a block, or the queues stall"
			);
			assert!(!T::VerificationPeriod::get().is_zero(), "proofs need at least one block");
			assert!(!T::VerdictPeriod::get().is_zero(), "verdicts need at least one block");
			assert!(
				<T as pallet_jobs::Config>::MaxSegmentsPerClaim::get() <= u64::from(u32::MAX),
				"a Merkle proof indexes at most u32::MAX leaves"
			);
		}
	}

	#[pallet::call]
	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// Proves challenged segments of the signer's claim: for each, the receipt and its Merkle
		/// proof against the claim's root. All are checked (see the crate docs); any failure is
		/// a named error and changes nothing.
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::submit_proofs(proofs.len() as u32))]
		pub fn submit_proofs(
			origin: OriginFor<T>,
			claim_id: ClaimId,
			proofs: BoundedVec<
				(olc_primitives::TranscodeReceipt, merkle::MerkleProof),
				T::MaxProofs,
			>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut check = Checks::<T>::get(claim_id).ok_or(Error::<T>::UnknownClaim)?;
			ensure!(check.transcoder == who, Error::<T>::NotClaimant);
			match check.status {
				CheckStatus::AwaitingChallenges => {
					return Err(Error::<T>::ChallengesNotIssued.into())
				},
				CheckStatus::AwaitingProofs => {},
				CheckStatus::AwaitingVerdicts => return Err(Error::<T>::AllProven.into()),
				_ => return Err(Error::<T>::VerificationClosed.into()),
			}
			let now = frame_system::Pallet::<T>::block_number();
			let deadline = check.proof_deadline.ok_or(Error::<T>::ChallengesNotIssued)?;
			ensure!(now <= deadline, Error::<T>::ProofDeadlinePassed);
			ensure!(!proofs.is_empty(), Error::<T>::NoProofs);
			let claim = pallet_jobs::Claims::<T>::get(claim_id).ok_or(Error::<T>::UnknownClaim)?;
			let job = pallet_jobs::Jobs::<T>::get(claim.job_id).ok_or(Error::<T>::UnknownJob)?;
			let stream =
				pallet_jobs::Streams::<T>::get(job.stream_id).ok_or(Error::<T>::UnknownStream)?;
			let broadcaster_key = stream.segment_key;
			let transcoder_key = T::Keys::public_key(&who).ok_or(Error::<T>::NoTranscoderKey)?;
			let leaf_count =
				u32::try_from(claim.end_seq.saturating_sub(claim.start_seq).saturating_add(1))
					.map_err(|_| Error::<T>::ClaimTooLong)?;
			let draw_at = now.saturating_add(1u32.into());

			for (receipt, proof) in proofs {
				let seq = receipt.seq();
				let challenge = check
					.challenges
					.iter_mut()
					.find(|challenge| challenge.seq == seq)
					.ok_or(Error::<T>::NotChallenged)?;
				ensure!(challenge.status == SegmentStatus::Challenged, Error::<T>::AlreadyProven);
				ensure!(receipt.stream_id() == job.stream_id, Error::<T>::WrongStream);
				ensure!(
					receipt.body.segment.header.broadcaster == broadcaster_key,
					Error::<T>::WrongBroadcasterKey
				);
				ensure!(receipt.body.transcoder == transcoder_key, Error::<T>::WrongTranscoderKey);
				receipt.verify().map_err(|error| match error {
					SignatureError::BadTranscoderSignature => Error::<T>::BadTranscoderSignature,
					_ => Error::<T>::BadBroadcasterSignature,
				})?;
				ensure!(
					receipt.body.output_hashes.len() == job.profiles.len(),
					Error::<T>::ProfileCountMismatch
				);
				let leaf_index = u32::try_from(seq.saturating_sub(claim.start_seq))
					.map_err(|_| Error::<T>::WrongLeafPosition)?;
				ensure!(
					proof.leaf_index == leaf_index && proof.leaf_count == leaf_count,
					Error::<T>::WrongLeafPosition
				);
				merkle::verify(&claim.merkle_root, &receipt, &proof)
					.map_err(|_| Error::<T>::BadMerkleProof)?;

				challenge.status = SegmentStatus::Proven;
				SegmentChecks::<T>::insert(
					claim_id,
					seq,
					SegmentCheck {
						input_hash: receipt.input_hash(),
						output_hashes: receipt.body.output_hashes.clone(),
						members: Default::default(),
						replaced: Default::default(),
						round: 0,
						deadline: draw_at,
					},
				);
				Self::push_task(TaskQueue::Draw, QueuedTask { claim_id, seq, due: draw_at })?;
				Self::deposit_event(Event::SegmentProven { claim_id, seq });
			}
			if check
				.challenges
				.iter()
				.all(|challenge| challenge.status != SegmentStatus::Challenged)
			{
				check.status = CheckStatus::AwaitingVerdicts;
				Self::deposit_event(Event::ClaimProven { claim_id });
			}
			Checks::<T>::insert(claim_id, check);
			Ok(())
		}

		/// The signer's verdict on a segment whose committee it is on: `ok` if the renditions
		/// are right. The committee decides when all members voted or its period closed.
		#[pallet::call_index(1)]
		#[pallet::weight(Pallet::<T>::submit_verdict_weight())]
		pub fn submit_verdict(
			origin: OriginFor<T>,
			claim_id: ClaimId,
			seq: SegmentSeq,
			ok: bool,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let check = Checks::<T>::get(claim_id).ok_or(Error::<T>::UnknownClaim)?;
			ensure!(!check.status.is_final(), Error::<T>::VerificationClosed);
			let mut segment =
				SegmentChecks::<T>::get(claim_id, seq).ok_or(Error::<T>::NoCommittee)?;
			let now = frame_system::Pallet::<T>::block_number();
			let member = segment
				.members
				.iter_mut()
				.find(|member| member.who == who)
				.ok_or(Error::<T>::NotCommitteeMember)?;
			ensure!(member.vote.is_none(), Error::<T>::AlreadyVoted);
			ensure!(now <= segment.deadline, Error::<T>::VerdictPeriodOver);
			member.vote = Some(ok);
			// Voted: the seat can no longer slash it.
			Self::unexpose(&who);
			UnvotedSeats::<T>::remove(&who, (claim_id, seq));
			Self::deposit_event(Event::VerdictSubmitted { claim_id, seq, verifier: who, ok });
			if segment.members.iter().all(|member| member.vote.is_some()) {
				Self::decide(claim_id, check, seq, segment, now, false);
			} else {
				SegmentChecks::<T>::insert(claim_id, seq, segment);
			}
			Ok(())
		}

		/// Reports a claim whose challenges were not all proven by the deadline: its transcoder
		/// is slashed and the signer earns the finder fee, a share of what the transcoder's own
		/// bond lost. Anyone may call it.
		#[pallet::call_index(2)]
		#[pallet::weight(Pallet::<T>::report_missed_weight())]
		pub fn report_missed(origin: OriginFor<T>, claim_id: ClaimId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let check = Checks::<T>::get(claim_id).ok_or(Error::<T>::UnknownClaim)?;
			ensure!(check.status == CheckStatus::AwaitingProofs, Error::<T>::NotAwaitingProofs);
			let deadline = check.proof_deadline.ok_or(Error::<T>::NotAwaitingProofs)?;
			ensure!(
				frame_system::Pallet::<T>::block_number() > deadline,
				Error::<T>::ProofPeriodOpen
			);
			Self::missed(claim_id, check, Some(who));
			Ok(())
		}
	}

	/// A transcoder is exposed while it has a claim under verification or a committee seat
	/// without a vote (see the crate docs, "Exposure").
	impl<T: Config> pallet_staking_delegation::SlashExposure<T::AccountId> for Pallet<T> {
		fn exposed(who: &T::AccountId) -> bool {
			Exposures::<T>::contains_key(who)
		}

		fn exposed_weight() -> Weight {
			T::DbWeight::get().reads(1)
		}
	}

	impl<T: Config> pallet_jobs::ClaimVerification<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>
		for Pallet<T>
	{
		fn on_claim(claim_id: ClaimId, claim: &ClaimOf<T>) {
			let issue_at = claim.claimed_at.saturating_add(2u32.into());
			Checks::<T>::insert(
				claim_id,
				ClaimCheck {
					transcoder: claim.transcoder.clone(),
					status: CheckStatus::AwaitingChallenges,
					issue_at,
					scan: None,
					challenges: Default::default(),
					proof_deadline: None,
				},
			);
			Self::expose(&claim.transcoder);
			// Pushing fails only when the queue counter overflows u64; the claim would then be
			// held until settled by governance, which cannot happen in practice.
			let _ =
				Self::push_task(TaskQueue::Issue, QueuedTask { claim_id, seq: 0, due: issue_at })
					.defensive_proof("a task queue's u64 counter cannot overflow");
		}

		fn verdict(claim_id: ClaimId, _claim: &ClaimOf<T>) -> Verdict {
			match Checks::<T>::get(claim_id).map(|check| check.status) {
				None | Some(CheckStatus::Passed) => Verdict::Pay,
				Some(CheckStatus::Missed | CheckStatus::Failed) => Verdict::Fail,
				Some(_) => Verdict::Hold,
			}
		}

		fn on_settle(claim_id: ClaimId, claim: &ClaimOf<T>) -> Vec<(T::AccountId, BalanceOf<T>)> {
			// Settled claims are final (the verdict was `Pay` or `Fail`), so this releases
			// nothing unless a claim is settled some other way.
			if let Some(check) = Checks::<T>::take(claim_id) {
				if !check.status.is_final() {
					Self::unexpose(&check.transcoder);
				}
			}
			Self::clear_segments(claim_id, None);
			let shares = FeeShares::<T>::take(claim_id);
			Self::verifier_fees(claim.fee, &shares)
		}

		fn on_settle_weight() -> Weight {
			// Clearing the records (releasing the claimant's and the silent members' exposure),
			// and a transfer (two accounts read and written) per share.
			let seats = u64::from(T::MaxProofs::get())
				.saturating_mul(u64::from(T::VerifiersPerSegment::get()))
				.saturating_add(1);
			T::DbWeight::get()
				.reads_writes(3, 3)
				.saturating_add(
					T::DbWeight::get().reads_writes(
						u64::from(T::MaxProofs::get()),
						u64::from(T::MaxProofs::get()),
					),
				)
				.saturating_add(T::DbWeight::get().reads_writes(seats, seats))
				.saturating_add(
					T::DbWeight::get()
						.reads_writes(2, 2)
						.saturating_mul(u64::from(MaxFeeShares::<T>::get())),
				)
		}
	}
}
