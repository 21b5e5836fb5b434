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
// Runtime code must never panic or overflow silently: see `[workspace.lints]`.

extern crate alloc;

pub use pallet::*;

mod api;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // no clippy.toml option for tests
mod mock;
pub mod pallet;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // no clippy.toml option for tests
mod proptests;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // no clippy.toml option for tests
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
