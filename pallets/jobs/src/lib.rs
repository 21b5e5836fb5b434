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
//! ## Retention
//!
//! Ended jobs and streams do not stay in storage for ever. When a job ends (by its owner,
//! expiry, its stream's end or a ban) and when a stream is ended or banned, it is queued in
//! [`RetentionQueue`]. [`Config::Retention`] blocks later `on_idle` looks at it, with the weight
//! the block has left (each entry charged its benchmarked worst case before it runs, at most
//! [`Config::MaxPayoutsPerBlock`] entries per block):
//! - a job is removed, with its [`StreamJobs`] entry, once nothing refers to it: it has no
//!   unsettled claim (so no escrow) and no grace claim left;
//! - a stream is removed once none of its jobs is left;
//! - otherwise the entry is queued again for another retention period.
//!
//! So unclaimed work within a grace period, claims held by verification and deferred payouts
//! keep their job; the runtime API no longer lists what was removed (`JobRemoved`,
//! `StreamRemoved`). Streams that are never ended stay; an owner has at most
//! [`types::MAX_OPEN_STREAMS_PER_OWNER`] of them.
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
// Runtime code must never panic or overflow silently: see `[workspace.lints]`.

extern crate alloc;

pub use pallet::*;

mod api;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod migrations;
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
