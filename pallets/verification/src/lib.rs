//! # pallet-verification
//!
//! The chain side of transcoding verification. Every claim of pallet-jobs
//! ([`pallet_jobs::Pallet::claim_work`]) is sampled: the claimant must prove some of its segments
//! with the signed receipts and Merkle proofs of [`olc_primitives`], and a committee of other
//! transcoders checks each proven segment's content. A claim whose checks pass is paid by
//! pallet-jobs; one that misses its proofs or fails a check is slashed through
//! pallet-staking-delegation's [`Slashing`] and its fee goes back to the broadcaster. The pallet
//! plugs into pallet-jobs as its [`pallet_jobs::ClaimVerification`] (the runtime sets
//! `pallet_jobs::Config::Verification = pallet_verification::Pallet<Runtime>`).
//!
//! ## Challenges
//!
//! A claim made in block `M` over segments `start..=end` is challenged on the segments `seq`
//! whose *score* — the first 8 bytes, little-endian, of
//! `blake2_256(SCALE(hash of block M+1, claim_id: u64, seq: u64))` — is a multiple of
//! [`Config::VerificationRate`] (1 in `rate`). Nobody knows the hash of block `M+1` when the
//! claim is made, so the claimant cannot tell which receipts it will have to show. That hash is
//! the parent hash of block `M+2`, so the challenges are issued in `on_initialize` of block
//! `M+2` or later:
//!
//! - **bounded work**: claims wait in a FIFO queue; `on_initialize` hashes at most
//!   [`Config::MaxSamplesPerBlock`] segments per block over all claims, and a long claim (up to
//!   `MaxSegmentsPerClaim`, e.g. 10,000 segments) is scanned over several blocks, its progress
//!   ([`types::Scan`]) kept in storage;
//! - **bounded challenges**: at most [`Config::MaxProofs`] segments per claim are challenged.
//!   If more scores are multiples of the rate, those with the lowest scores are kept (a
//!   bottom-k sample, so the kept ones are a uniformly random subset of the selected ones, not
//!   the first ones of the range);
//! - **at least one**: if no score is a multiple of the rate, the segment with the lowest score
//!   is challenged, so every claim is checked.
//!
//! If the block hash has been pruned (a backlog longer than `BlockHashCount`), the parent hash
//! of the issuing block is used instead. [`Event::ChallengesIssued`] lists the segments and the
//! proof deadline, and the runtime API (`pallet-verification-runtime-api`) returns them.
//!
//! ## Proofs
//!
//! Until the proof deadline ([`Config::VerificationPeriod`] blocks after the challenges were
//! issued) the claimant proves challenged segments with [`Pallet::submit_proofs`], any number
//! of times, up to `MaxProofs` per call. For each `(receipt, proof)` the chain checks that the
//! segment is challenged and not yet proven, that the receipt is for the job's stream, that the
//! input header is signed by the stream's segment key (the sr25519 key its owner recorded in
//! `pallet_jobs::Pallet::create_stream`, not one derived from the owner's account, so a
//! broadcaster signing with another key cannot fail an honest transcoder: the transcoder's worker
//! refuses such segments before transcoding them), that the receipt is signed by the claimant's
//! key (through [`Config::Keys`]: with `AccountId32` the account *is* the sr25519 public key, see
//! [`AccountId32Keys`]), that it has one output
//! hash per profile of the job, and that the Merkle proof puts it at position `seq - start` of a
//! tree of `end - start + 1` leaves with the claim's root. Each failure is a named error and
//! the call changes nothing, so the claimant may retry until the deadline.
//!
//! ## Missed verification
//!
//! A claim whose challenges are not all proven by the deadline is a missed verification: its
//! transcoder is slashed [`Config::MissedVerificationSlash`] of its stake and the claim's fee goes
//! back to the job's deposit (or to the broadcaster if the job has ended). During the
//! [`Config::ReportPeriod`] blocks after the deadline anyone may [`Pallet::report_missed`] and
//! earn [`Config::FinderFee`] of the stake the transcoder itself lost (see "Exposure"); after
//! that the pallet reports it itself, with no finder, in `on_initialize`.
//!
//! ## Committees
//!
//! In the block after a segment was proven (so that the claimant, when submitting, cannot know
//! the hash its committee is drawn from) a committee of [`Config::VerifiersPerSegment`] active
//! transcoders is drawn for it, excluding the claimant and banned accounts (pallet-jobs'
//! `BannedAccounts`, pallet-reporting's ban list in the runtime): stake-weighted without replacement
//! ([`pallet_jobs::select_weighted`]) from `blake2_256(COMMITTEE_CONTEXT, parent hash, claim id,
//! seq, round, draw)`, among `pallet_jobs::Config::Directory`'s active transcoders. With fewer
//! eligible transcoders the committee is smaller; with none the segment passes unchecked.
//! [`Event::CommitteeDrawn`] tells the members; they fetch the input and the renditions from the
//! claimant's service URI, compare them with the hashes stored for the segment
//! ([`types::SegmentCheck`]) and check the transcoding off-chain, then vote with
//! [`Pallet::submit_verdict`] within [`Config::VerdictPeriod`] blocks.
//!
//! The committee decides once every member has voted, or when its period closes:
//! 1. each member that did not vote is slashed the fixed amount [`Config::MissedVoteSlash`] (as
//!    a fraction of the stake it had when drawn; whether that also resigns it is
//!    pallet-staking-delegation's `ResignSlashThreshold`: in the runtime a vote's slash is too
//!    small to, and the member only loses stake and its seat);
//! 2. a majority of the committee's size (`size / 2 + 1`) voting `false` fails the claim, one
//!    voting `true` passes the segment; if every member voted without a majority (a tie of an
//!    even committee: a round with fewer replacements than silent members, or an even
//!    `VerifiersPerSegment`) the segment passes at once, as in the last round;
//! 3. otherwise, in the first round, the members that did not vote are replaced by new ones
//!    (never the claimant or a member of the segment before) who get a new period;
//! 4. in the last round ([`types::MAX_COMMITTEE_ROUNDS`]) the votes cast decide: more `false`
//!    than `true` fails the claim, anything else passes the segment.
//!
//! Once a committee has decided, each member that voted against the decision (the losing side;
//! nobody on a tie) is slashed [`Config::MissedVoteSlash`] as a silent member is
//! ([`SlashReason::LosingVote`]): voting `true` without checking costs as much as not voting
//! when the content was bad. The silent members slashed at the deadline are not slashed again.
//!
//! A failed claim: its transcoder is slashed [`Config::FailedVerificationSlash`] (no finder), the
//! claim's fee goes back to the broadcaster as for a missed one, and the other segments' checks
//! stop. A claim all of whose challenged segments passed is paid.
//!
//! ## Exposure
//!
//! A transcoder whose claim is under verification, or who sits on a committee without having
//! voted, can still be slashed for it: a missed proof deadline, a failed check or a vote not
//! cast are slashed 20 or more blocks after the claim or the draw. So that it cannot leave that
//! slash to its delegators by taking its own bond out of its pool meanwhile, the pallet counts,
//! per transcoder, the outcomes that can still slash it ([`Exposures`], O(1) per change):
//! - a claim counts from [`pallet_jobs::ClaimVerification::on_claim`] until its verification
//!   ends (passed, missed or failed) or its record is removed;
//! - a committee seat counts from the draw until the member votes, is slashed for not voting,
//!   or the segment's check stops (the claim failed or was missed).
//!
//! The pallet is pallet-staking-delegation's [`pallet_staking_delegation::SlashExposure`]
//! (`Config::SlashExposure = Verification` in the runtime): while a transcoder's count is not
//! zero its self-bond cannot move to another transcoder or be unbonded, nor a lock of its own
//! pool be rebonded elsewhere (`ExposedToSlash`). Resigning does not help either: the bond stays.
//! And the finder of a missed verification is paid [`Config::FinderFee`] of what the
//! transcoder's *own* bond lost, never of its delegators' losses, so a sybil finder never gains
//! more than the offender pays.
//!
//! ## Verifier fees
//!
//! The members that voted with the deciding side earn one share per segment they decided.
//! When the claim is settled, [`Config::VerifierFee`] (default 1%) of its fee is split among the
//! shares (rounded down) and paid out of the escrow before the rest goes to the transcoder (or
//! back to the broadcaster: voters that found a claim bad are paid too, so voting `false` is
//! not discouraged). Claims nobody voted on pay no verifier fee. This goes through
//! [`pallet_jobs::ClaimVerification::on_settle`].
//!
//! ## Settlement
//!
//! [`pallet_jobs::ClaimVerification::verdict`] is `Hold` while a claim's checks run, `Pay` when
//! they passed and `Fail` when they missed or failed (claims this pallet has no record of are
//! paid). pallet-jobs settles a claim when its `VerificationWindow` has closed; if the checks end
//! after that, this pallet settles the claim itself. So the runtime should set the window to at
//! least `2 + VerificationPeriod + ReportPeriod + 2 × (1 + VerdictPeriod)` plus some slack for
//! queue backlogs, so that claims are normally settled by the automatic payout.
//!
//! ## Bounded work
//!
//! Four FIFO task queues (head/tail counters: pushing is O(1) and never fails in practice):
//! challenge issue, committee draw, committee deadline and proof deadline. Each queue's entries
//! fall due in the order pushed, since every delay is a constant. `on_initialize` runs at most
//! [`Config::MaxTasksPerBlock`] due tasks per block (and hashes at most `MaxSamplesPerBlock`
//! segments); the rest wait. A task whose claim or segment has moved on is dropped.
//!
//! The hook is also metered against the block: it may use the share of the block that normal
//! transactions cannot take (`max_block` less the `Normal` class's `max_total`: 25% of the
//! runtime's 0.5 s) less what the block has used already (its base weight and the hooks that
//! ran before, [`Pallet::hook_weight_limit`]). A task runs only if its worst case (a verdict
//! deadline: a slash of every member and of the claimant, and a settlement) still fits; it is
//! then charged for the path it took (a stale task only for its lookup). The tasks that do not
//! fit stay queued, in order, for the next blocks: nothing is lost, and the hook never declares
//! more weight than the block allows. `integrity_test` checks that the heaviest task fits in the
//! hooks' share of an empty block, so the queues always drain.
//!
//! ## Configuration and suggested values
//!
//! | item | dev chain | production |
//! |---|---|---|
//! | `VerificationRate` | 4 | 100 |
//! | `VerificationPeriod` | 20 blocks | 300 blocks (10 min of 2 s blocks) |
//! | `ReportPeriod` | 5 blocks | 50 blocks |
//! | `VerdictPeriod` | 20 blocks | 300 blocks |
//! | `MaxProofs` | 8 | 16 |
//! | `VerifiersPerSegment` | 3 | 3 |
//! | `MissedVerificationSlash` | 10% | 10% |
//! | `FailedVerificationSlash` | 5% | 5% |
//! | `FinderFee` | 5% | 5% |
//! | `MissedVoteSlash` | 1 OLC | 10 OLC |
//! | `VerifierFee` | 1% | 1% |
//! | `MaxSamplesPerBlock` | 2,000 | 2,000 |
//! | `MaxTasksPerBlock` | 16 | 32 |
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
#[cfg(test)]
mod mock;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
// Not gated on try-runtime: the sibling pallets' tests run these invariants too (generic, so
// nothing of it reaches a runtime that does not call it).
mod try_state;
pub mod types;
pub mod weights;

pub use pallet_jobs::{ClaimId, SegmentSeq};
pub use pallet_staking_delegation::Slashing;
pub use types::*;
pub use weights::WeightInfo;

use sp_core::sr25519;

/// The sr25519 public key that signs for an account (segment headers of the broadcaster,
/// receipts of the transcoder).
pub trait AccountKeys<AccountId> {
	/// `who`'s key, `None` if it has none.
	fn public_key(who: &AccountId) -> Option<sr25519::Public>;
}

/// For `AccountId32` accounts (the runtime's): the account id is the sr25519 public key.
pub struct AccountId32Keys;

impl AccountKeys<sp_runtime::AccountId32> for AccountId32Keys {
	fn public_key(who: &sp_runtime::AccountId32) -> Option<sr25519::Public> {
		let raw: &[u8; 32] = who.as_ref();
		Some(sr25519::Public::from_raw(*raw))
	}
}

/// Sets up the runtime's side of the benchmarks: accounts whose keys can sign.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// A distinct account for each `index`, whose key [`AccountKeys::public_key`] returns and
	/// [`Self::sign`] signs with.
	fn keyed_account(index: u32) -> AccountId;

	/// `who`'s signature (made by [`Self::keyed_account`]) over `payload`.
	fn sign(who: &AccountId, payload: &[u8]) -> sr25519::Signature;
}

/// Key type of the benchmark keys [`AccountId32Keys`] generates in the keystore.
#[cfg(feature = "runtime-benchmarks")]
pub const BENCHMARK_KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"olcv");

/// Generates keys in the benchmark's keystore (the benchmark CLI provides one).
#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper<sp_runtime::AccountId32> for AccountId32Keys {
	fn keyed_account(index: u32) -> sp_runtime::AccountId32 {
		let seed = alloc::format!("//olc-verification-bench-{index}").into_bytes();
		sp_io::crypto::sr25519_generate(BENCHMARK_KEY_TYPE, Some(seed)).into()
	}

	fn sign(who: &sp_runtime::AccountId32, payload: &[u8]) -> sr25519::Signature {
		let raw: &[u8; 32] = who.as_ref();
		sp_io::crypto::sr25519_sign(BENCHMARK_KEY_TYPE, &sr25519::Public::from_raw(*raw), payload)
			.unwrap_or_else(|| sr25519::Signature::from_raw([0; 64]))
	}
}

#[frame_support::pallet]
pub mod pallet {
	// FRAME's macro expansions (pallet info, errors, storage metadata) call `expect` on values
	// they prove present; our own code in this module denies it again below.
	#![allow(clippy::expect_used)]
	use super::*;
	use alloc::vec::Vec;
	use codec::Encode;
	use frame_support::{pallet_prelude::*, traits::BuildGenesisConfig, weights::WeightMeter};
	use frame_system::pallet_prelude::*;
	use olc_primitives::{merkle, SignatureError};
	use pallet_jobs::{
		select_weighted, ClaimId, ClaimInfo, SegmentSeq, TranscoderDirectory, Verdict,
		WeightInfo as _,
	};
	use sp_runtime::{
		traits::{Saturating, UniqueSaturatedInto, Zero},
		ArithmeticError, Perbill,
	};

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
				Self::push_task(TaskQueue::Issue, QueuedTask { claim_id, seq: 0, due: issue_at });
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

	#[deny(clippy::expect_used)]
	impl<T: Config> Pallet<T> {
		/// One segment in this many is challenged (genesis override or the default).
		pub fn verification_rate() -> u32 {
			VerificationRateOverride::<T>::get()
				.unwrap_or_else(T::VerificationRate::get)
				.max(1)
		}

		/// The score of segment `seq` of claim `claim_id` (see the crate docs): challenged if a
		/// multiple of the verification rate.
		pub fn score(seed: &[u8; 32], claim_id: ClaimId, seq: SegmentSeq) -> u64 {
			let hash = olc_primitives::blake2_256(&(seed, claim_id, seq).encode());
			let mut low = [0u8; 8];
			for (to, from) in low.iter_mut().zip(hash.iter()) {
				*to = *from;
			}
			u64::from_le_bytes(low)
		}

		/// The challenge seed of a claim made in block `claimed_at`: the hash of the next block,
		/// or the parent hash if that one is not available (not yet, or pruned).
		pub fn challenge_seed(claimed_at: BlockNumberFor<T>) -> [u8; 32] {
			let next =
				frame_system::Pallet::<T>::block_hash(claimed_at.saturating_add(1u32.into()));
			let hash = if next == T::Hash::default() {
				frame_system::Pallet::<T>::parent_hash()
			} else {
				next
			};
			let mut seed = [0u8; 32];
			for (to, from) in seed.iter_mut().zip(hash.as_ref().iter()) {
				*to = *from;
			}
			seed
		}

		/// The verifier fees of a claim with fee `fee` and the given shares.
		pub fn verifier_fees(
			fee: BalanceOf<T>,
			shares: &[(T::AccountId, u32)],
		) -> Vec<(T::AccountId, BalanceOf<T>)> {
			let total_shares =
				shares.iter().fold(0u32, |sum, (_, count)| sum.saturating_add(*count));
			if total_shares == 0 {
				return Vec::new();
			}
			let pot = T::VerifierFee::get().mul_floor(fee);
			shares
				.iter()
				.map(|(who, count)| {
					(who.clone(), Perbill::from_rational(*count, total_shares).mul_floor(pot))
				})
				.filter(|(_, amount)| !amount.is_zero())
				.collect()
		}

		/// Worst-case weight of [`Pallet::submit_verdict`]: the deciding vote fails the claim,
		/// slashes and settles it.
		pub fn submit_verdict_weight() -> Weight {
			// The claimant's slash and one per member on the losing side.
			let slashes = u64::from(T::VerifiersPerSegment::get()).saturating_add(1);
			<T as Config>::WeightInfo::submit_verdict()
				.saturating_add(T::Slashing::slash_weight().saturating_mul(slashes))
				.saturating_add(Self::settle_weight())
		}

		/// Worst-case weight of [`Pallet::report_missed`].
		pub fn report_missed_weight() -> Weight {
			<T as Config>::WeightInfo::report_missed()
				.saturating_add(T::Slashing::slash_weight())
				.saturating_add(Self::settle_weight())
		}

		/// Settling a claim through pallet-jobs, with a transfer per verifier.
		pub fn settle_weight() -> Weight {
			<T as pallet_jobs::Config>::WeightInfo::distribute_fees().saturating_add(
				T::DbWeight::get()
					.reads_writes(2, 2)
					.saturating_mul(u64::from(MaxFeeShares::<T>::get())),
			)
		}

		/// Removes a segment check's seats without a vote from the [`UnvotedSeats`] index (when
		/// the check is removed).
		fn unindex_seats(claim_id: ClaimId, seq: SegmentSeq, segment: &SegmentCheckOf<T>) {
			for member in segment.members.iter().filter(|member| member.vote.is_none()) {
				UnvotedSeats::<T>::remove(&member.who, (claim_id, seq));
			}
		}

		/// Counts one more outcome that can slash `who` (a claim or a committee seat).
		pub(crate) fn expose(who: &T::AccountId) {
			Exposures::<T>::mutate(who, |count| *count = count.saturating_add(1));
		}

		/// Counts one outcome that can slash `who` less.
		pub(crate) fn unexpose(who: &T::AccountId) {
			Exposures::<T>::mutate_exists(who, |count| match count {
				Some(n) if *n > 1 => *n = n.saturating_sub(1),
				Some(_) => *count = None,
				None => {
					frame_support::defensive!("an exposure is released that was never counted");
				},
			});
		}

		/// Removes every segment check of `claim_id` (at most `MaxProofs`), releasing the
		/// members that had not voted, except those of segment `skip` (released by the caller).
		fn clear_segments(claim_id: ClaimId, skip: Option<SegmentSeq>) {
			let limit = T::MaxProofs::get() as usize;
			let segments: Vec<(SegmentSeq, SegmentCheckOf<T>)> =
				SegmentChecks::<T>::drain_prefix(claim_id).take(limit).collect();
			for (seq, segment) in segments {
				Self::unindex_seats(claim_id, seq, &segment);
				if Some(seq) == skip {
					continue;
				}
				for member in segment.members.iter().filter(|member| member.vote.is_none()) {
					Self::unexpose(&member.who);
				}
			}
		}

		pub(crate) fn push_task(
			queue: TaskQueue,
			task: QueuedTask<BlockNumberFor<T>>,
		) -> DispatchResult {
			let mut bounds = TaskBounds::<T>::get(queue);
			let index = bounds.tail;
			bounds.tail = index.checked_add(1).ok_or(ArithmeticError::Overflow)?;
			Tasks::<T>::insert(queue, index, task);
			TaskBounds::<T>::insert(queue, bounds);
			Ok(())
		}

		/// The weight `on_initialize` may use now: the share of the block that normal
		/// transactions cannot take (`max_block` less the `Normal` class's `max_total`), less
		/// what the block has used so far (its base weight and the hooks that ran before). So
		/// the hook never declares more than the block allows, and normal transactions keep
		/// their share.
		pub fn hook_weight_limit() -> Weight {
			Self::hook_share().saturating_sub(frame_system::Pallet::<T>::block_weight().total())
		}

		/// The share of a block that hooks may use: `max_block` less the `Normal` class's
		/// `max_total` (all of it if `Normal` has no own limit).
		pub fn hook_share() -> Weight {
			let limits = T::BlockWeights::get();
			let normal = limits
				.get(frame_support::dispatch::DispatchClass::Normal)
				.max_total
				.unwrap_or(Weight::zero());
			limits.max_block.saturating_sub(normal)
		}

		/// The most one task of a queue can weigh (charged before it runs).
		pub fn task_weight(queue: TaskQueue) -> Weight {
			let candidates = <T as pallet_jobs::Config>::MaxCandidates::get();
			let verifiers = u64::from(T::VerifiersPerSegment::get());
			match queue {
				TaskQueue::Issue => {
					<T as Config>::WeightInfo::on_initialize_issue(T::MaxSamplesPerBlock::get())
				},
				TaskQueue::Draw => <T as Config>::WeightInfo::on_initialize_draw(candidates),
				TaskQueue::VerdictDeadline => {
					<T as Config>::WeightInfo::on_initialize_verdict_deadline(candidates)
						.saturating_add(
							T::Slashing::slash_weight().saturating_mul(verifiers.saturating_add(1)),
						)
						.saturating_add(Self::settle_weight())
				},
				TaskQueue::ProofDeadline => {
					<T as Config>::WeightInfo::on_initialize_proof_deadline()
						.saturating_add(T::Slashing::slash_weight())
						.saturating_add(Self::settle_weight())
				},
			}
		}

		/// The heaviest task of any queue: the hook's share of an otherwise empty block must hold
		/// it and the idle cost, or the queues would stall (`integrity_test` checks it).
		pub fn worst_task_weight() -> Weight {
			[
				TaskQueue::Issue,
				TaskQueue::Draw,
				TaskQueue::VerdictDeadline,
				TaskQueue::ProofDeadline,
			]
			.into_iter()
			.map(Self::task_weight)
			.fold(Weight::zero(), |worst, weight| worst.max(weight))
			.saturating_add(<T as Config>::WeightInfo::on_initialize_idle())
		}

		/// Runs the due tasks, at most `MaxTasksPerBlock` and as many as fit in
		/// [`Self::hook_weight_limit`] (each charged its worst case before it runs, its actual
		/// path after), hashing at most `MaxSamplesPerBlock` segments. The tasks left over stay
		/// queued for the next blocks. Returns the weight used.
		pub(crate) fn run_tasks(now: BlockNumberFor<T>) -> Weight {
			let candidates = <T as pallet_jobs::Config>::MaxCandidates::get();
			let mut meter = WeightMeter::with_limit(Self::hook_weight_limit());
			// The idle cost is spent whatever the limit: it is the look at the queues.
			meter.consume(<T as Config>::WeightInfo::on_initialize_idle());
			let mut budget = T::MaxTasksPerBlock::get();
			for queue in [TaskQueue::Draw, TaskQueue::VerdictDeadline, TaskQueue::ProofDeadline] {
				while budget > 0 && meter.can_consume(Self::task_weight(queue)) {
					// Read the bounds afresh each time: a task may push to its own queue.
					let Some(task) = Self::pop_due(queue, now) else { break };
					budget = budget.saturating_sub(1);
					let weight = match queue {
						TaskQueue::Draw => {
							Self::draw_task(task, now);
							<T as Config>::WeightInfo::on_initialize_draw(candidates)
						},
						TaskQueue::VerdictDeadline => {
							<T as Config>::WeightInfo::on_initialize_verdict_deadline(candidates)
								.saturating_add(Self::verdict_deadline_task(task, now))
						},
						_ => <T as Config>::WeightInfo::on_initialize_proof_deadline()
							.saturating_add(Self::proof_deadline_task(task, now)),
					};
					meter.consume(weight);
				}
			}

			// The claim at the head of the issue queue stays there until its scan is complete.
			let mut samples = T::MaxSamplesPerBlock::get();
			while budget > 0
				&& samples > 0
				&& meter.can_consume(Self::task_weight(TaskQueue::Issue))
			{
				let bounds = TaskBounds::<T>::get(TaskQueue::Issue);
				if bounds.head >= bounds.tail {
					break;
				}
				let Some(task) = Tasks::<T>::get(TaskQueue::Issue, bounds.head) else {
					// Cannot happen (entries between head and tail exist); skip the slot.
					Self::advance_head(TaskQueue::Issue, bounds);
					continue;
				};
				if task.due > now {
					break;
				}
				budget = budget.saturating_sub(1);
				let before = samples;
				let done = Self::issue_task(task.claim_id, &mut samples, now);
				meter.consume(<T as Config>::WeightInfo::on_initialize_issue(
					before.saturating_sub(samples),
				));
				if !done {
					break;
				}
				Tasks::<T>::remove(TaskQueue::Issue, bounds.head);
				Self::advance_head(TaskQueue::Issue, TaskBounds::<T>::get(TaskQueue::Issue));
			}
			meter.consumed()
		}

		/// Removes and returns the oldest task of `queue` if it is due.
		fn pop_due(
			queue: TaskQueue,
			now: BlockNumberFor<T>,
		) -> Option<QueuedTask<BlockNumberFor<T>>> {
			loop {
				let bounds = TaskBounds::<T>::get(queue);
				if bounds.head >= bounds.tail {
					return None;
				}
				let Some(task) = Tasks::<T>::get(queue, bounds.head) else {
					// Cannot happen (entries between head and tail exist); skip the slot.
					Self::advance_head(queue, bounds);
					continue;
				};
				if task.due > now {
					return None;
				}
				Tasks::<T>::remove(queue, bounds.head);
				Self::advance_head(queue, bounds);
				return Some(task);
			}
		}

		fn advance_head(queue: TaskQueue, mut bounds: QueueBounds) {
			bounds.head = bounds.head.saturating_add(1);
			TaskBounds::<T>::insert(queue, bounds);
		}

		/// Scans claim `claim_id` for challenges with at most `samples` hashes; issues them when
		/// the scan is complete. Returns whether the claim is done with.
		pub(crate) fn issue_task(
			claim_id: ClaimId,
			samples: &mut u32,
			now: BlockNumberFor<T>,
		) -> bool {
			let Some(mut check) = Checks::<T>::get(claim_id) else { return true };
			if check.status != CheckStatus::AwaitingChallenges {
				return true;
			}
			let Some(claim) = pallet_jobs::Claims::<T>::get(claim_id) else {
				Checks::<T>::remove(claim_id);
				Self::unexpose(&check.transcoder);
				return true;
			};
			let rate = u64::from(Self::verification_rate());
			let mut scan = check.scan.take().unwrap_or_else(|| Scan {
				next_seq: claim.start_seq,
				seed: Self::challenge_seed(claim.claimed_at),
				selected: Default::default(),
				lowest: None,
			});
			let mut finished = scan.next_seq > claim.end_seq;
			while !finished && *samples > 0 {
				let seq = scan.next_seq;
				let score = Self::score(&scan.seed, claim_id, seq);
				if scan.lowest.is_none_or(|(lowest, _)| score < lowest) {
					scan.lowest = Some((score, seq));
				}
				if score.checked_rem(rate) == Some(0)
					&& scan.selected.try_push((score, seq)).is_err()
				{
					// Full: keep the lowest scores (a uniform sample of the selected segments).
					if let Some(highest) = scan.selected.iter_mut().max_by_key(|(score, _)| *score)
					{
						if score < highest.0 {
							*highest = (score, seq);
						}
					}
				}
				*samples = samples.saturating_sub(1);
				if seq >= claim.end_seq {
					finished = true;
				} else {
					scan.next_seq = seq.saturating_add(1);
				}
			}
			if !finished {
				check.scan = Some(scan);
				Checks::<T>::insert(claim_id, check);
				return false;
			}
			let mut segments: Vec<SegmentSeq> = scan.selected.iter().map(|(_, seq)| *seq).collect();
			if segments.is_empty() {
				segments.extend(scan.lowest.map(|(_, seq)| seq));
			}
			segments.sort_unstable();
			let challenges: Vec<Challenge> = segments
				.iter()
				.map(|seq| Challenge { seq: *seq, status: SegmentStatus::Challenged })
				.collect();
			// At most `MaxProofs` by construction.
			check.challenges = BoundedVec::truncate_from(challenges);
			let proof_deadline = now.saturating_add(T::VerificationPeriod::get());
			check.proof_deadline = Some(proof_deadline);
			check.status = CheckStatus::AwaitingProofs;
			Checks::<T>::insert(claim_id, check);
			let report_until = proof_deadline.saturating_add(T::ReportPeriod::get());
			let _ = Self::push_task(
				TaskQueue::ProofDeadline,
				QueuedTask { claim_id, seq: 0, due: report_until.saturating_add(1u32.into()) },
			);
			Self::deposit_event(Event::ChallengesIssued {
				claim_id,
				segments: BoundedVec::truncate_from(segments),
				proof_deadline,
			});
			true
		}

		/// Runs a proof deadline task; returns the weight of the slash and settlement it made
		/// beyond the benchmarked lookup (none if the claim had moved on).
		fn proof_deadline_task(
			task: QueuedTask<BlockNumberFor<T>>,
			now: BlockNumberFor<T>,
		) -> Weight {
			let Some(check) = Checks::<T>::get(task.claim_id) else { return Weight::zero() };
			if check.status != CheckStatus::AwaitingProofs
				|| check.proof_deadline.is_none_or(|deadline| now <= deadline)
			{
				return Weight::zero();
			}
			Self::missed(task.claim_id, check, None);
			T::Slashing::slash_weight().saturating_add(Self::settle_weight())
		}

		fn draw_task(task: QueuedTask<BlockNumberFor<T>>, now: BlockNumberFor<T>) {
			let QueuedTask { claim_id, seq, .. } = task;
			let Some(mut check) = Checks::<T>::get(claim_id) else { return };
			if check.status.is_final() {
				return;
			}
			let Some(mut segment) = SegmentChecks::<T>::get(claim_id, seq) else { return };
			let Some(challenge) = check.challenges.iter_mut().find(|challenge| {
				challenge.seq == seq && challenge.status == SegmentStatus::Proven
			}) else {
				return;
			};
			challenge.status = SegmentStatus::UnderReview;
			let members = Self::draw(
				claim_id,
				seq,
				&check.transcoder,
				&segment,
				T::VerifiersPerSegment::get(),
			);
			if members.is_empty() {
				// Nobody to check it: it passes unchecked.
				Self::pass_segment(claim_id, check, seq, &[], now);
				return;
			}
			Checks::<T>::insert(claim_id, check);
			for member in &members {
				Self::expose(&member.who);
				UnvotedSeats::<T>::insert(&member.who, (claim_id, seq), ());
			}
			segment.members = BoundedVec::truncate_from(members);
			Self::start_round(claim_id, seq, segment, now);
		}

		/// Stores a segment's (new) committee with a new voting period.
		fn start_round(
			claim_id: ClaimId,
			seq: SegmentSeq,
			mut segment: SegmentCheckOf<T>,
			now: BlockNumberFor<T>,
		) {
			let deadline = now.saturating_add(T::VerdictPeriod::get());
			segment.deadline = deadline;
			let members = BoundedVec::truncate_from(
				segment.members.iter().map(|member| member.who.clone()).collect::<Vec<_>>(),
			);
			SegmentChecks::<T>::insert(claim_id, seq, segment);
			let _ = Self::push_task(
				TaskQueue::VerdictDeadline,
				QueuedTask { claim_id, seq, due: deadline.saturating_add(1u32.into()) },
			);
			Self::deposit_event(Event::CommitteeDrawn { claim_id, seq, members, deadline });
		}

		/// Draws up to `count` verifiers for a segment from the active transcoders, stake-weighted
		/// without replacement, never the claimant nor a present or past member, nor a banned
		/// account (pallet-jobs' `BannedAccounts`).
		pub(crate) fn draw(
			claim_id: ClaimId,
			seq: SegmentSeq,
			claimant: &T::AccountId,
			segment: &SegmentCheckOf<T>,
			count: u32,
		) -> Vec<MemberOf<T>> {
			let mut pool = <T as pallet_jobs::Config>::Directory::active_transcoders();
			pool.truncate(<T as pallet_jobs::Config>::MaxCandidates::get() as usize);
			pool.retain(|candidate| {
				candidate.who != *claimant &&
					!<<T as pallet_jobs::Config>::BannedAccounts as frame_support::traits::Contains<
						T::AccountId,
					>>::contains(&candidate.who) &&
					!candidate.stake.is_zero() &&
					!segment.members.iter().any(|member| member.who == candidate.who) &&
					!segment.replaced.contains(&candidate.who)
			});
			let parent = frame_system::Pallet::<T>::parent_hash();
			let mut drawn = Vec::new();
			for index in 0..count {
				let seed = olc_primitives::blake2_256(
					&(COMMITTEE_CONTEXT, parent, claim_id, seq, segment.round, index).encode(),
				);
				let stakes: Vec<u128> =
					pool.iter().map(|candidate| candidate.stake.unique_saturated_into()).collect();
				let Some(chosen) = select_weighted(&seed, &stakes) else { break };
				if chosen >= pool.len() {
					break;
				}
				let candidate = pool.swap_remove(chosen);
				drawn.push(CommitteeMember {
					who: candidate.who,
					stake: candidate.stake,
					vote: None,
				});
			}
			drawn
		}

		/// Runs a verdict deadline task; returns the weight of the slashes (the silent members
		/// and the claimant) and the settlement it may have made beyond the benchmarked lookup
		/// (none for a stale task).
		fn verdict_deadline_task(
			task: QueuedTask<BlockNumberFor<T>>,
			now: BlockNumberFor<T>,
		) -> Weight {
			let QueuedTask { claim_id, seq, due } = task;
			let Some(check) = Checks::<T>::get(claim_id) else { return Weight::zero() };
			if check.status.is_final() {
				return Weight::zero();
			}
			let Some(segment) = SegmentChecks::<T>::get(claim_id, seq) else {
				return Weight::zero();
			};
			// A task of an earlier round (its committee decided or was replaced) is stale.
			if segment.members.is_empty() || segment.deadline.saturating_add(1u32.into()) != due {
				return Weight::zero();
			}
			let members = u64::try_from(segment.members.len()).unwrap_or(u64::MAX);
			Self::decide(claim_id, check, seq, segment, now, true);
			// At most every member (silent, or on the losing side) and the claimant.
			T::Slashing::slash_weight()
				.saturating_mul(members.saturating_add(1))
				.saturating_add(Self::settle_weight())
		}

		/// Decides a segment's check: when all members voted (`at_deadline` false) or its voting
		/// period closed (see the crate docs).
		fn decide(
			claim_id: ClaimId,
			check: ClaimCheckOf<T>,
			seq: SegmentSeq,
			mut segment: SegmentCheckOf<T>,
			now: BlockNumberFor<T>,
			at_deadline: bool,
		) {
			let size = u32::try_from(segment.members.len()).unwrap_or(u32::MAX);
			let majority = (size / 2).saturating_add(1);
			if at_deadline {
				for member in segment.members.iter().filter(|member| member.vote.is_none()) {
					Self::slash_member(member, SlashReason::MissedVote);
					// Slashed: the seat can do nothing more to it.
					Self::unexpose(&member.who);
				}
			}
			let count = |ok: bool| {
				u32::try_from(
					segment.members.iter().filter(|member| member.vote == Some(ok)).count(),
				)
				.unwrap_or(u32::MAX)
			};
			let (yes, no) = (count(true), count(false));
			let outcome = if no >= majority {
				Some(false)
			} else if yes >= majority {
				Some(true)
			} else if segment.members.iter().all(|member| member.vote.is_some()) {
				// Everybody voted without a majority: a tie of an even committee (a round after
				// replacements, or an even `VerifiersPerSegment`). Nobody is left to ask, so the
				// votes cast decide now as in the last round: a tie passes.
				Some(no <= yes)
			} else if !at_deadline {
				// Votes are missing: wait for them or the deadline.
				None
			} else if segment.round.saturating_add(1) < MAX_COMMITTEE_ROUNDS {
				// Replace the members that did not vote.
				let (voted, silent): (Vec<_>, Vec<_>) =
					segment.members.iter().cloned().partition(|member| member.vote.is_some());
				for member in &silent {
					let _ = segment.replaced.try_push(member.who.clone());
					UnvotedSeats::<T>::remove(&member.who, (claim_id, seq));
				}
				segment.members = BoundedVec::truncate_from(voted);
				segment.round = segment.round.saturating_add(1);
				let wanted = u32::try_from(silent.len()).unwrap_or(u32::MAX);
				let fresh = Self::draw(claim_id, seq, &check.transcoder, &segment, wanted);
				if fresh.is_empty() {
					Some(no <= yes)
				} else {
					for member in fresh {
						Self::expose(&member.who);
						UnvotedSeats::<T>::insert(&member.who, (claim_id, seq), ());
						let _ = segment.members.try_push(member);
					}
					Self::start_round(claim_id, seq, segment, now);
					return;
				}
			} else {
				Some(no <= yes)
			};
			match outcome {
				None => SegmentChecks::<T>::insert(claim_id, seq, segment),
				Some(ok) => {
					// The losing side pays like a silent member (none on a tie: no side won).
					if yes != no {
						for member in
							segment.members.iter().filter(|member| member.vote == Some(!ok))
						{
							Self::slash_member(member, SlashReason::LosingVote);
						}
					}
					let deciders: Vec<T::AccountId> = segment
						.members
						.iter()
						.filter(|member| member.vote == Some(ok))
						.map(|member| member.who.clone())
						.collect();
					if ok {
						Self::pass_segment(claim_id, check, seq, &deciders, now);
					} else {
						Self::fail(claim_id, check, seq, &deciders, now);
					}
				},
			}
		}

		/// Slashes a committee member `MissedVoteSlash` of stake (capped at the stake it had when
		/// drawn, as a fraction of it).
		fn slash_member(member: &MemberOf<T>, reason: SlashReason) {
			let amount = T::MissedVoteSlash::get();
			let fraction = if member.stake.is_zero() {
				Perbill::zero()
			} else {
				Perbill::from_rational(amount.min(member.stake), member.stake)
			};
			Self::slash(&member.who, fraction, reason, None, Perbill::zero());
		}

		fn add_shares(claim_id: ClaimId, deciders: &[T::AccountId]) {
			if deciders.is_empty() {
				return;
			}
			FeeShares::<T>::mutate(claim_id, |shares| {
				for who in deciders {
					if let Some(entry) = shares.iter_mut().find(|(account, _)| account == who) {
						entry.1 = entry.1.saturating_add(1);
					} else {
						// Bounded by MaxFeeShares, which no claim can exceed.
						let _ = shares.try_push((who.clone(), 1));
					}
				}
			});
		}

		fn pass_segment(
			claim_id: ClaimId,
			mut check: ClaimCheckOf<T>,
			seq: SegmentSeq,
			deciders: &[T::AccountId],
			now: BlockNumberFor<T>,
		) {
			Self::add_shares(claim_id, deciders);
			if let Some(segment) = SegmentChecks::<T>::take(claim_id, seq) {
				Self::unindex_seats(claim_id, seq, &segment);
			}
			if let Some(challenge) =
				check.challenges.iter_mut().find(|challenge| challenge.seq == seq)
			{
				challenge.status = SegmentStatus::Passed;
			}
			Self::deposit_event(Event::SegmentPassed { claim_id, seq });
			let all_passed = check
				.challenges
				.iter()
				.all(|challenge| challenge.status == SegmentStatus::Passed);
			if all_passed {
				check.status = CheckStatus::Passed;
				let transcoder = check.transcoder.clone();
				Checks::<T>::insert(claim_id, check);
				Self::unexpose(&transcoder);
				Self::deposit_event(Event::VerificationPassed { claim_id });
				Self::settle_if_due(claim_id, now);
			} else {
				Checks::<T>::insert(claim_id, check);
			}
		}

		fn fail(
			claim_id: ClaimId,
			mut check: ClaimCheckOf<T>,
			seq: SegmentSeq,
			deciders: &[T::AccountId],
			now: BlockNumberFor<T>,
		) {
			Self::add_shares(claim_id, deciders);
			// The deciding segment's members were released by the caller (they all voted, or
			// the silent ones were slashed); the other segments' silent members are released
			// here: their checks stop.
			Self::clear_segments(claim_id, Some(seq));
			check.status = CheckStatus::Failed;
			let transcoder = check.transcoder.clone();
			Checks::<T>::insert(claim_id, check);
			Self::unexpose(&transcoder);
			Self::deposit_event(Event::VerificationFailed { claim_id, seq });
			Self::slash(
				&transcoder,
				T::FailedVerificationSlash::get(),
				SlashReason::FailedVerification,
				None,
				Perbill::zero(),
			);
			Self::settle_if_due(claim_id, now);
		}

		fn missed(claim_id: ClaimId, mut check: ClaimCheckOf<T>, finder: Option<T::AccountId>) {
			Self::clear_segments(claim_id, None);
			check.status = CheckStatus::Missed;
			let transcoder = check.transcoder.clone();
			Checks::<T>::insert(claim_id, check);
			Self::unexpose(&transcoder);
			Self::deposit_event(Event::VerificationMissed { claim_id, finder: finder.clone() });
			Self::slash(
				&transcoder,
				T::MissedVerificationSlash::get(),
				SlashReason::MissedVerification,
				finder,
				T::FinderFee::get(),
			);
			Self::settle_if_due(claim_id, frame_system::Pallet::<T>::block_number());
		}

		fn slash(
			transcoder: &T::AccountId,
			fraction: Perbill,
			reason: SlashReason,
			finder: Option<T::AccountId>,
			finder_fee: Perbill,
		) {
			let amount = T::Slashing::slash(transcoder, fraction, finder.clone(), finder_fee);
			Self::deposit_event(Event::Slashed {
				transcoder: transcoder.clone(),
				amount,
				reason,
				finder,
			});
		}

		/// Settles a claim whose checks ended after its verification window closed (the
		/// automatic payout of pallet-jobs deferred it). A failed settlement leaves it to
		/// `distribute_fees`.
		fn settle_if_due(claim_id: ClaimId, now: BlockNumberFor<T>) {
			let due = pallet_jobs::Claims::<T>::get(claim_id)
				.is_some_and(|claim: ClaimInfo<_, _, _>| now >= claim.payable_at);
			if due {
				let _ = pallet_jobs::Pallet::<T>::settle_claim(claim_id);
			}
		}
	}
}
