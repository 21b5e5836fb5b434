//! # pallet-reporting
//!
//! Network maintainers judge reports against broadcasters in small trusted groups; a broadcaster
//! found guilty is banned and its funds are confiscated. Maintainers are paid from the
//! maintainers pot of pallet-olc-token, which receives 20% of every transaction fee.
//!
//! ## Maintainers
//!
//! [`Pallet::join_maintainers`] puts [`Config::MaintainerBond`] on hold
//! ([`HoldReason::MaintainerBond`]) and gives the maintainer a network *address* it cannot
//! choose: `blake2_256(("OLC/maintainer-address/v1", account, parent block hash, join counter))`
//! (SCALE-encoded; the account is the maintainer's public key, the counter is global and grows
//! with every join). The block's own hash is not known while the block executes, so the parent
//! hash stands for it; either way the address is unpredictable before the block and every
//! rejoin gives a new one. A new maintainer is on probation for [`Config::ProbationPeriod`]
//! blocks: until then it is not called into groups and earns no commission. After that it is a
//! *full* maintainer.
//!
//! [`Pallet::leave_maintainers`] takes it out of the set at once (no new groups), but it may
//! still vote in the groups it was already called to, which stay open for at most
//! [`Config::VotingPeriod`] blocks: so its bond stays on hold (and slashable) until then, and
//! [`Pallet::withdraw_bond`] releases it afterwards. Rejoining needs a withdrawn bond, and then
//! gives a new address and a new probation.
//!
//! The set ([`MaintainerSet`]) holds at most [`Config::MaxMaintainers`] maintainers in one
//! storage value, with their address, end of probation and last missed round, so that group
//! selection and the commission payout read one value instead of one record per maintainer.
//!
//! ## Reports and trusted groups
//!
//! A group must not be known before the report it judges: a coalition that could predict the
//! group of a report it is about to file could file filler reports until its members hold a
//! quorum of one, then report any broadcaster and take its balance. So the group is drawn from
//! randomness nobody knows when the report is filed, as the verification challenges are:
//!
//! - [`Pallet::report`] puts [`Config::ReportDeposit`] on hold ([`HoldReason::ReportDeposit`]),
//!   records the report without a group and marks the stream *under review*
//!   ([`StreamsUnderReview`]; a stream has at most one open report). It also freezes the
//!   reported account's whole balance, free and held ([`FreezeReason::UnderReview`], counted
//!   per account in [`OpenReportsAgainst`]) until the last report against it is resolved: what
//!   the ban would confiscate stays in reach. The account cannot transfer or tip it away, the
//!   deposits of jobs it ends come back frozen, and it cannot pay for new deposits or
//!   transaction fees out of it (only OLC it receives meanwhile is spendable). Holds already in
//!   place (stake, job deposits, a maintainer bond) stay where the ban reaches them. It is refused
//!   ([`Error::TooFewMaintainers`]) unless at least [`Config::GroupSize`] full maintainers other
//!   than the broadcaster and the reporter exist, and ([`Error::TooManyReports`]) beyond
//!   [`Config::MaxReportsPerBlock`] reports in one block.
//! - In `on_initialize` of block `report + 2` the group is drawn ([`Event::GroupDrawn`]) from
//!   the parent hash of that block, i.e. the hash of block `report + 1`, which did not exist
//!   when the report was filed: the [`Config::GroupSize`] full maintainers, neither the
//!   broadcaster nor the reporter, whose addresses are closest in XOR distance to
//!   `blake2_256(stream id ‖ report id ‖ hash)` (32 stream id bytes, the report id as 8
//!   little-endian bytes, the 32 hash bytes; see [`group_target`] and [`closest`]). The draws
//!   run in report order, at most `MaxReportsPerBlock` per block — as many as a block may
//!   file, so each report's group is drawn exactly two blocks after it. Votes are accepted only
//!   from then on ([`Error::GroupNotDrawn`]), for [`Config::VotingPeriod`] blocks.
//! - The guilty quorum is [`Config::Quorum`], of a full group. A ban needs a full group: if
//!   fewer than `GroupSize` eligible full maintainers are left when the group is drawn (some
//!   left or were expelled meanwhile), no group is seated, the report is closed as rejected
//!   ([`Event::ReportVoided`]), the reporter gets its deposit back (nobody judged it) and the
//!   reported account's freeze is lifted. There are no bans by a
//!   majority of a smaller group.
//!
//! The block author of `report + 1` could try several blocks to steer the hash; that is the
//! same trust as the verification challenges place in block authors.
//!
//! Drawing a group computes the XOR distance of every full maintainer and sorts them:
//! O(M log M) for M ≤ `MaxMaintainers` maintainers, one storage read; the draw task is
//! benchmarked linear in M and charged per draw. [`Pallet::report`] only counts the eligible
//! maintainers (linear in M, charged at `MaxMaintainers`).
//!
//! ## Votes and outcomes
//!
//! Group members vote with [`Pallet::vote`], once each, once the group is drawn and before the
//! report expires (`VotingPeriod` blocks after the draw).
//!
//! - **Upheld.** As soon as `quorum` members have voted guilty, the report is upheld: the
//!   broadcaster is banned ([`Banned`], which the runtime passes as `BannedAccounts` to
//!   pallet-olc-token — tips to it fail with `RecipientBanned` — and to pallet-jobs — it can
//!   create no streams or jobs), [`Config::Sanctions`] ends its streams and jobs (their
//!   deposits back to its free balance) and releases its bonded stake and unbonding locks into
//!   its free balance, and its maintainer bond (if it is one) is released too. Then everything
//!   it can spend (`reducible_balance`, expendable: its existential deposit too unless other
//!   holds keep the account alive; claimed fees in escrow stay, they pay transcoders for work
//!   done) is confiscated: [`Config::ReporterReward`] of it (rounded down) to the reporter, the
//!   rest split equally among the members who voted guilty, the division's remainder to the
//!   reporter too. The reporter gets its deposit back. Members who voted not guilty are
//!   expelled. Members who had not voted yet are not held to have missed the vote: voting
//!   closed before their turn.
//! - **Rejected.** A report still open when it expires (resolved in `on_initialize`, at most
//!   [`Config::MaxResolutionsPerBlock`] per block in report order, or by anyone with
//!   [`Pallet::resolve_report`]) fails: the reporter's deposit is forfeited to the reported
//!   account, whose balance it froze for nothing (to the maintainers pot if another report
//!   banned that account meanwhile), so freezing someone costs the griefer. The freeze is
//!   lifted (unless other reports against the account are open). Guilty voters are expelled
//!   only if a not-guilty quorum was reached. Members who did not vote at
//!   all missed it: they get no commission for the round in which the report expired.
//! - **Expelled** maintainers lose [`Config::DissentSlash`] of their bond (to the maintainers
//!   pot) and leave the set as if they had called `leave_maintainers`: they may still vote in
//!   their open groups, withdraw the rest of the bond `VotingPeriod` blocks later, and must
//!   rejoin (new address, new probation) to serve again.
//!
//! ## Lifting a wrongful ban
//!
//! [`Config::LiftBanOrigin`] (root in the runtime) may lift a ban with [`Pallet::lift_ban`]:
//! the account leaves [`Banned`], which is all that `BannedAccounts` of pallet-olc-token and
//! pallet-jobs read, so it may be tipped, create streams and jobs, report, vote and join the
//! maintainers again. Nothing else is undone: the confiscated OLC stays with the reporter and
//! the voters, its streams stay banned and its jobs ended, its released stake and maintainer
//! bond are not restored, the report stays upheld and the expelled dissenters stay expelled
//! (their slashed bond stays in the maintainers pot). Making up for those is for governance
//! to do by other means (e.g. a transfer from the treasury).
//!
//! ## Commission
//!
//! Rounds are pallet-staking-delegation's ([`Config::Rounds`], e.g. [`adapters::StakingRounds`]).
//! In the first block in which `on_initialize` sees a new round, the maintainers pot's
//! spendable balance is divided equally among the full maintainers that did not miss a vote in
//! the round that ended (the remainder stays in the pot for the next round). The recipients
//! are paid [`Config::MaxCommissionPayoutsPerBlock`] per block from the next block on; a new
//! round's payout waits until the previous one is done. A maintainer whose last missed vote
//! is in the ended round or later is left out (a miss recorded in the first blocks of the new
//! round, before the payout was scheduled, also costs the ended round's share).
//!
//! ## Retention
//!
//! Resolved reports (upheld, rejected or voided) leave storage [`Config::ReportRetention`]
//! blocks after their voting period ended (`expires_at`; for a voided report, the block it was
//! voided): `on_idle` removes them in report order from [`NextReportToRemove`], with the weight
//! the block has left, at most [`Config::MaxResolutionsPerBlock`] per block, and stops at the
//! first report that is open or not yet due (`ReportRemoved`). A ban does not depend on its
//! report: it stays until [`Pallet::lift_ban`].
//!
//! ## Configuration and documented defaults
//!
//! | item | production default | dev chain |
//! |---|---|---|
//! | `MaintainerBond` | 10 000 OLC | 100 OLC |
//! | `ProbationPeriod` | 7 days (genesis may override it) | 10 blocks |
//! | `ReportDeposit` | 100 OLC | 10 OLC |
//! | `VotingPeriod` | 1 day (genesis may override it) | 20 blocks |
//! | `GroupSize` | 13 ([`defaults::GROUP_SIZE`]) | 13 |
//! | `Quorum` | 7 ([`defaults::QUORUM`]) | 7 |
//! | `ReporterReward` | 10% ([`defaults::REPORTER_REWARD_PERCENT`]) | 10% |
//! | `DissentSlash` | 10% ([`defaults::DISSENT_SLASH_PERCENT`]) | 10% |
//! | `MaxMaintainers` | 512 ([`defaults::MAX_MAINTAINERS`]) | 512 |
//! | `MaxResolutionsPerBlock` | 4 ([`defaults::MAX_RESOLUTIONS_PER_BLOCK`]) | 4 |
//! | `ReportRetention` | 30 days | 30 days |
//! | `MaxReportsPerBlock` | 8 ([`defaults::MAX_REPORTS_PER_BLOCK`]) | 8 |
//! | `MaxCommissionPayoutsPerBlock` | 32 ([`defaults::MAX_COMMISSION_PAYOUTS_PER_BLOCK`]) | 32 |
//!
//! `GroupSize` must be within 3..=[`types::MAX_GROUP_SIZE`], `Quorum` a strict majority of it
//! and at most it, `MaxMaintainers` at least `GroupSize` and `MaxReportsPerBlock` at least 1
//! (checked by `integrity_test`). A round
//! should last longer than `MaxMaintainers / MaxCommissionPayoutsPerBlock` blocks so that each
//! round's payout finishes within the next round.
#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code must never panic or overflow silently: see `[workspace.lints]`.

extern crate alloc;

pub use pallet::*;

pub mod adapters;
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

pub use olc_primitives::StreamId;
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::Encode;
use frame_support::weights::Weight;

/// Documented defaults of the counts and shares in [`Config`] (amounts and periods depend on
/// the chain's unit and block time: see the crate docs).
pub mod defaults {
	/// Members of a trusted group.
	pub const GROUP_SIZE: u32 = 13;
	/// Guilty votes that uphold a report.
	pub const QUORUM: u32 = 7;
	/// The reporter's share of confiscated funds, in percent.
	pub const REPORTER_REWARD_PERCENT: u32 = 10;
	/// The share of a dissenter's bond slashed on expulsion, in percent.
	pub const DISSENT_SLASH_PERCENT: u32 = 10;
	/// Most maintainers (the set group selection scans).
	pub const MAX_MAINTAINERS: u32 = 512;
	/// Most expired reports resolved in one block.
	pub const MAX_RESOLUTIONS_PER_BLOCK: u32 = 4;
	/// Most commission payouts in one block.
	pub const MAX_COMMISSION_PAYOUTS_PER_BLOCK: u32 = 32;
	/// Most reports filed (and groups drawn) in one block.
	pub const MAX_REPORTS_PER_BLOCK: u32 = 8;
}

/// Context tag of maintainer address derivation.
pub const ADDRESS_CONTEXT: &[u8] = b"OLC/maintainer-address/v1";

/// The current staking round.
pub trait RoundProvider {
	/// The index of the current round.
	fn current_round() -> RoundIndex;
}

/// The streams reports may be made against (pallet-jobs).
pub trait StreamDirectory<AccountId> {
	/// The owner of `stream_id`, if the stream exists.
	fn owner_of(stream_id: &StreamId) -> Option<AccountId>;
}

/// What happens to a banned broadcaster outside this pallet.
pub trait Sanctions<AccountId> {
	/// Ends `who`'s streams and jobs and releases its job deposits, bonded stake and unbonding
	/// locks into its free balance (from where this pallet confiscates them). Must not fail;
	/// returns the weight used, at most [`Self::ban_weight`].
	fn ban(who: &AccountId) -> Weight;

	/// The most [`Self::ban`] can weigh.
	fn ban_weight() -> Weight;
}

/// No sanctions beyond the ban list and the confiscation of the free balance.
impl<AccountId> Sanctions<AccountId> for () {
	fn ban(_: &AccountId) -> Weight {
		Weight::zero()
	}

	fn ban_weight() -> Weight {
		Weight::zero()
	}
}

/// Sets up the runtime's side of the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Creates a stream owned by `owner` (funded) that [`StreamDirectory::owner_of`] knows.
	fn create_stream(owner: &AccountId) -> StreamId;
}

/// The XOR distance of two addresses (compared as 256-bit big-endian numbers, i.e. bytewise).
pub fn xor_distance(a: &Address, b: &Address) -> Address {
	let mut out = [0u8; 32];
	for ((o, x), y) in out.iter_mut().zip(a.iter()).zip(b.iter()) {
		*o = x ^ y;
	}
	out
}

/// The point in address space a report's group forms around: blake2-256 of the stream id's 32
/// bytes, the report id's 8 little-endian bytes and the 32 bytes of `seed`, the hash of the
/// block after the report (unknown when the report is filed).
pub fn group_target(stream_id: &StreamId, report_id: ReportId, seed: &[u8; 32]) -> Address {
	olc_primitives::blake2_256(&(stream_id, report_id, seed).encode())
}

/// The (at most) `size` candidates closest to `target` in XOR distance, closest first; equal
/// distances (equal addresses) keep the candidates' order. O(n log n).
pub fn closest<AccountId: Clone>(
	target: &Address,
	candidates: &[(AccountId, Address)],
	size: usize,
) -> Vec<AccountId> {
	let mut ranked: Vec<(Address, usize)> = candidates
		.iter()
		.enumerate()
		.map(|(index, (_, address))| (xor_distance(target, address), index))
		.collect();
	ranked.sort_unstable();
	ranked
		.into_iter()
		.take(size)
		.filter_map(|(_, index)| candidates.get(index).map(|(who, _)| who.clone()))
		.collect()
}
