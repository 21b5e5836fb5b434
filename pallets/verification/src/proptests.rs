//! Property test: random sequences of claims, proofs, verdicts, missed-verification reports,
//! (de)activations and blocks conserve OLC. After every step:
//! - total issuance changed only by the slashes (burned from the holds of
//!   pallet-staking-delegation as the slashed accounts settle) and finder fees (minted);
//! - the broadcaster's free + held + fees paid from its jobs equals its initial balance, its
//!   escrow hold is the sum of its unsettled claims' fees and of its jobs' escrow;
//! - what left the escrow as paid (`JobInfo::paid`) arrived at the fee pot or at verifiers;
//! - every unsettled claim has a verification record and every record an unsettled claim, and
//!   segment checks exist only for claims whose verification is still running;
//! - every transcoder's exposure count is its claims under verification plus its committee
//!   seats without a vote, and pallet-staking-delegation's invariants hold (`do_try_state` of
//!   both pallets).
//!
//! At the end every claim is verified, settled, and no verification state is left.

use crate::{mock::*, Checks, SegmentChecks};
use frame_support::{traits::fungible::InspectHold, BoundedVec};
use olc_primitives::{merkle, SignedSegmentHeader, StreamId, TranscodeReceipt};
use pallet_jobs::{Claims, HoldReason, Jobs as JobsStorage};
use proptest::prelude::*;
use sp_core::Pair as _;

const TRANSCODERS: [u64; 5] = [T1, T2, T3, T4, T5];
const PRICE: u64 = 3;

#[derive(Debug, Clone)]
enum Op {
	Claim { gap: u64, len: u64 },
	Prove { claim: u8, all: bool, forge: bool },
	Vote { claim: u8, member: u8, ok: bool },
	Report { claim: u8 },
	Activate { transcoder: usize },
	Advance { blocks: u64 },
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		(0..3u64, 0..12u64).prop_map(|(gap, len)| Op::Claim { gap, len }),
		(any::<u8>(), any::<bool>(), prop::bool::weighted(0.2))
			.prop_map(|(claim, all, forge)| Op::Prove { claim, all, forge }),
		(any::<u8>(), any::<u8>(), prop::bool::weighted(0.7))
			.prop_map(|(claim, member, ok)| Op::Vote { claim, member, ok }),
		any::<u8>().prop_map(|claim| Op::Report { claim }),
		(0..5usize).prop_map(|transcoder| Op::Activate { transcoder }),
		(1..8u64).prop_map(|blocks| Op::Advance { blocks }),
	]
}

frame_support::parameter_types! {
	/// The receipts of each claim: (claim id, first seq, receipts).
	pub static ClaimReceipts: Vec<(u64, u64, Vec<TranscodeReceipt>)> = vec![];
	pub static TheStream: StreamId = StreamId::default();
}

fn receipts(stream_id: StreamId, transcoder: u64, start: u64, end: u64) -> Vec<TranscodeReceipt> {
	(start..=end)
		.map(|seq| {
			let header =
				SignedSegmentHeader::sign(&pair(ALICE), stream_id, seq, 2_000, &seq.to_le_bytes());
			let outputs = (0..4u64)
				.map(|i| olc_primitives::blake2_256(&[seq, i].map(u64::to_le_bytes).concat()))
				.collect();
			TranscodeReceipt::sign(&pair(transcoder), header, outputs).unwrap()
		})
		.collect()
}

fn check_invariants(issuance: u64) {
	let slashes = Slashes::get();
	let burned: u64 = TRANSCODERS.iter().map(|who| burned_from(*who)).sum();
	let minted: u64 = slashes.iter().map(|slash| slash.4).sum();
	assert_eq!(Balances::total_issuance(), issuance - burned + minted);

	let jobs: Vec<_> = JobsStorage::<Test>::iter().map(|(_, job)| job).collect();
	let claims: Vec<_> = Claims::<Test>::iter().collect();
	// A job's deposit hold also keeps the grace reservations of transcoders that left it.
	let deposits: u64 = jobs
		.iter()
		.map(|job| job.deposit + job.graces.iter().map(|grace| grace.reserved).sum::<u64>())
		.sum();
	let escrow: u64 = jobs.iter().map(|job| job.escrow).sum();
	let paid: u64 = jobs.iter().map(|job| job.paid).sum();
	let claimed: u64 = claims.iter().map(|(_, claim)| claim.fee).sum();
	let held_deposit = Balances::balance_on_hold(&HoldReason::JobDeposit.into(), &ALICE);
	let held_escrow = Balances::balance_on_hold(&HoldReason::ClaimEscrow.into(), &ALICE);
	assert_eq!(held_deposit, deposits);
	assert_eq!(held_escrow, escrow);
	assert_eq!(held_escrow, claimed);
	assert_eq!(Balances::free_balance(ALICE) + held_deposit + held_escrow + paid, INITIAL);

	// Transcoders' balances move only by verifier fees (in) and slashes (burned).
	let to_verifiers: u64 = TRANSCODERS
		.iter()
		.map(|who| total_balance(*who) + burned_from(*who) - INITIAL)
		.sum();
	let to_pot = Balances::free_balance(FEE_POT) - EXISTENTIAL_DEPOSIT;
	assert_eq!(to_pot, CreditedFees::get().iter().map(|fee| fee.2).sum::<u64>());
	assert_eq!(to_verifiers + to_pot, paid);
	assert_eq!(total_balance(CHARLIE), 100 + minted);

	for (claim_id, _) in &claims {
		assert!(Checks::<Test>::contains_key(claim_id), "claim {claim_id} lost its check");
	}
	for (claim_id, check) in Checks::<Test>::iter() {
		assert!(Claims::<Test>::contains_key(claim_id), "check {claim_id} outlived its claim");
		if check.status.is_final() {
			assert_eq!(SegmentChecks::<Test>::iter_prefix(claim_id).count(), 0);
		}
	}
	for (claim_id, _, _) in SegmentChecks::<Test>::iter() {
		assert!(Checks::<Test>::contains_key(claim_id));
	}
	Verification::do_try_state().unwrap();
	Staking::do_try_state().unwrap();
}

fn pick<T: Clone>(items: &[T], index: u8) -> Option<T> {
	if items.is_empty() {
		None
	} else {
		Some(items[usize::from(index) % items.len()].clone())
	}
}

fn apply(op: Op) {
	let known = ClaimReceipts::get();
	// Failed calls are part of the test: they must change nothing, which the invariants check.
	match op {
		Op::Claim { gap, len } => {
			let Some(job) = JobsStorage::<Test>::get(0) else { return };
			let Some(assignment) = job.assignment else { return };
			let next = job.next_claimable_seq;
			let start = next + gap;
			let all = receipts(job.stream_id, assignment.transcoder, start, start + len);
			let claim_id = pallet_jobs::NextClaimId::<Test>::get();
			if Jobs::claim_work(
				RuntimeOrigin::signed(assignment.transcoder),
				0,
				start,
				start + len,
				merkle::root(&all).unwrap(),
			)
			.is_ok()
			{
				ClaimReceipts::mutate(|claims| claims.push((claim_id, start, all)));
			}
		},
		Op::Prove { claim, all, forge } => {
			let Some((claim_id, start, receipts)) = pick(&known, claim) else { return };
			let Some(check) = Checks::<Test>::get(claim_id) else { return };
			let wanted: Vec<u64> = check
				.challenges
				.iter()
				.filter(|challenge| challenge.status == crate::SegmentStatus::Challenged)
				.map(|challenge| challenge.seq)
				.take(if all { usize::MAX } else { 1 })
				.collect();
			let proofs: Vec<_> = wanted
				.iter()
				.map(|seq| {
					let index = (seq - start) as u32;
					let mut proof = merkle::proof(&receipts, index).unwrap();
					if forge {
						proof.leaf_count += 1;
					}
					(receipts[index as usize].clone(), proof)
				})
				.collect();
			let proofs: BoundedVec<_, _> = proofs.try_into().unwrap();
			let _ = Verification::submit_proofs(
				RuntimeOrigin::signed(check.transcoder),
				claim_id,
				proofs,
			);
		},
		Op::Vote { claim, member, ok } => {
			let Some((claim_id, ..)) = pick(&known, claim) else { return };
			let segments: Vec<_> = SegmentChecks::<Test>::iter_prefix(claim_id).collect();
			let Some((seq, segment)) = pick(&segments, member) else { return };
			let Some(voter) = pick(&segment.members, member / 7) else { return };
			let _ =
				Verification::submit_verdict(RuntimeOrigin::signed(voter.who), claim_id, seq, ok);
		},
		Op::Report { claim } => {
			let Some((claim_id, ..)) = pick(&known, claim) else { return };
			let _ = Verification::report_missed(RuntimeOrigin::signed(CHARLIE), claim_id);
		},
		Op::Activate { transcoder } => activate(TRANSCODERS[transcoder], STAKE, PRICE),
		Op::Advance { blocks } => {
			for _ in 0..blocks {
				next_block();
			}
		},
	}
}

/// ALICE's stream with one job assigned to T1; T2..T4 active as verifiers.
fn start_case() {
	ClaimReceipts::take();
	activate(T1, STAKE, PRICE);
	frame_support::assert_ok!(Jobs::create_stream(
		RuntimeOrigin::signed(ALICE),
		b"s".to_vec().try_into().unwrap(),
		pair(ALICE).public()
	));
	let stream_id = pallet_jobs::Streams::<Test>::iter().next().unwrap().0;
	TheStream::set(stream_id);
	frame_support::assert_ok!(Jobs::create_job(
		RuntimeOrigin::signed(ALICE),
		stream_id,
		olc_primitives::default_ladder().try_into().unwrap(),
		PRICE,
		100_000,
	));
	next_block();
	for who in [T2, T3, T4] {
		activate(who, STAKE, PRICE);
	}
}

/// Every verification ends (proofs missed, committees decided by their deadlines), every
/// claim is settled; no verification state is left.
fn wind_down(issuance: u64) -> Result<(), TestCaseError> {
	for _ in 0..(WINDOW + 2 * VERIFICATION_PERIOD + 4 * VERDICT_PERIOD) {
		next_block();
		check_invariants(issuance);
	}
	for (claim_id, ..) in ClaimReceipts::get() {
		let _ = Jobs::distribute_fees(RuntimeOrigin::signed(CHARLIE), claim_id);
	}
	check_invariants(issuance);
	prop_assert_eq!(Claims::<Test>::iter().count(), 0);
	prop_assert_eq!(Checks::<Test>::iter().count(), 0);
	prop_assert_eq!(SegmentChecks::<Test>::iter().count(), 0);
	prop_assert_eq!(crate::Exposures::<Test>::iter().count(), 0);
	prop_assert_eq!(Balances::balance_on_hold(&HoldReason::ClaimEscrow.into(), &ALICE), 0);
	Ok(())
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

	#[test]
	fn verification_conserves_olc(ops in prop::collection::vec(op(), 1..50)) {
		new_test_ext().execute_with(|| {
			let issuance = Balances::total_issuance();
			start_case();
			check_invariants(issuance);
			for op in ops {
				apply(op);
				check_invariants(issuance);
			}
			wind_down(issuance)
		})?;
	}
}

/// Issue 12 items 1 and 10, adversarial sequences: between a claim's challenges and its
/// missed-proof or failed-verdict slash the claimant (and committee members, exposed until they
/// vote) try to resign, move their bond (`bond(0, other)`), unbond or `rebond_to` elsewhere;
/// committee members vote against the outcome; a finder reports. After every step (one block
/// at a time): while exposed, no move of an account's own bond succeeds and it stays in its
/// own pool; each slash takes its fraction from every member of the slashed pool (the
/// offender's own stake and its delegators'); the finder fee never exceeds what the offender
/// itself lost; no stake shrinks without a slash of its pool or its owner's own unbonding.
mod dodges {
	use super::*;
	use crate::Exposures;
	use pallet_staking_delegation::Error as StakingError;
	use sp_runtime::Perbill;

	/// The accounts that can hold stake.
	const STAKERS: [u64; 6] = [BOB, T1, T2, T3, T4, T5];

	frame_support::parameter_types! {
		/// Every vote cast in the case: (claim, segment, voter, ok).
		pub(super) static Votes: Vec<(u64, u64, u64, bool)> = vec![];
	}

	/// Where a step's events start: the block and the number of events before it.
	pub(super) fn events_mark() -> (u64, usize) {
		(System::block_number(), System::events().len())
	}

	/// Item 10: the voters on the losing side of a segment decided by a majority in this step
	/// are slashed for it (`LosingVote`), and nobody else is.
	fn check_losing_votes(mark: (u64, usize)) {
		let skip = if System::block_number() == mark.0 { mark.1 } else { 0 };
		let mut losing_slashed = Vec::new();
		let mut losers = Vec::new();
		let mut may_lose = Vec::new();
		for record in System::events().into_iter().skip(skip) {
			let RuntimeEvent::Verification(event) = record.event else { continue };
			let decided = match event {
				crate::Event::VerdictSubmitted { claim_id, seq, verifier, ok } => {
					Votes::mutate(|all| all.push((claim_id, seq, verifier, ok)));
					None
				},
				crate::Event::SegmentPassed { claim_id, seq } => Some((claim_id, seq, true)),
				crate::Event::VerificationFailed { claim_id, seq } => Some((claim_id, seq, false)),
				crate::Event::Slashed {
					transcoder,
					reason: crate::SlashReason::LosingVote,
					..
				} => {
					losing_slashed.push(transcoder);
					None
				},
				_ => None,
			};
			let Some((claim_id, seq, outcome)) = decided else { continue };
			let votes: Vec<(u64, bool)> = Votes::get()
				.into_iter()
				.filter(|vote| vote.0 == claim_id && vote.1 == seq)
				.map(|vote| (vote.2, vote.3))
				.collect();
			let winners = votes.iter().filter(|vote| vote.1 == outcome).count();
			let against: Vec<u64> =
				votes.iter().filter(|vote| vote.1 != outcome).map(|vote| vote.0).collect();
			may_lose.extend(against.iter().copied());
			if winners > against.len() {
				losers.extend(against);
			}
		}
		for who in &losers {
			assert!(losing_slashed.contains(who), "{who} voted against the outcome, unslashed");
		}
		for who in &losing_slashed {
			assert!(may_lose.contains(who), "{who} slashed for a losing vote it did not cast");
		}
	}

	#[derive(Debug, Clone)]
	pub(super) enum Move {
		Step(Op),
		Resign {
			who: usize,
		},
		BondElsewhere {
			who: usize,
			to: usize,
		},
		Unbond {
			who: usize,
			amount: u64,
		},
		Rebond {
			who: usize,
			to: usize,
		},
		/// Every committee of a claim votes: member `i` by bits `2i..2i+2` of `pattern`
		/// (0 silent, 3 against, else for).
		Committee {
			claim: u8,
			pattern: u8,
		},
		/// The assigned transcoder claims `len + 1` segments, proves every challenge in time
		/// and the committees vote by `pattern` (expanded into one-block steps by [`script`]).
		Verified {
			len: u64,
			pattern: u8,
		},
	}

	/// The steps of a `Verified` move (any other move is one step).
	pub(super) fn script(step: Move) -> Vec<Move> {
		match step {
			Move::Step(Op::Advance { blocks }) => {
				vec![Move::Step(Op::Advance { blocks: 1 }); blocks as usize]
			},
			Move::Verified { len, pattern } => {
				let latest = u8::MAX;
				let mut steps = vec![Move::Step(Op::Claim { gap: 0, len })];
				steps.extend(vec![Move::Step(Op::Advance { blocks: 1 }); 3]);
				steps.push(Move::Step(Op::Prove { claim: latest, all: true, forge: false }));
				steps.push(Move::Step(Op::Advance { blocks: 1 }));
				steps.push(Move::Committee { claim: latest, pattern });
				steps
			},
			other => vec![other],
		}
	}

	pub(super) fn a_move() -> impl Strategy<Value = Move> {
		prop_oneof![
			6 => op().prop_map(Move::Step),
			1 => (0..5usize).prop_map(|who| Move::Resign { who }),
			2 => (0..5usize, 0..5usize).prop_map(|(who, to)| Move::BondElsewhere { who, to }),
			2 => (0..5usize, 1..2_000u64).prop_map(|(who, amount)| Move::Unbond { who, amount }),
			1 => (0..5usize, 0..5usize).prop_map(|(who, to)| Move::Rebond { who, to }),
			2 => (any::<u8>(), any::<u8>()).prop_map(|(claim, pattern)| Move::Committee { claim, pattern }),
			3 => (0..12u64, any::<u8>()).prop_map(|(len, pattern)| Move::Verified { len, pattern }),
		]
	}

	/// Each staker's (pool, stake) before a step.
	pub(super) type Snapshot = Vec<(u64, Option<(u64, u64)>)>;

	pub(super) fn snapshot() -> Snapshot {
		STAKERS
			.iter()
			.map(|who| (*who, Staking::delegator_view(who).map(|v| (v.transcoder, v.stake))))
			.collect()
	}

	fn exposed(who: u64) -> bool {
		Exposures::<Test>::contains_key(who)
	}

	/// A move of `who`'s own bond (or an unbonding lock) to pool `to`: while `who` is exposed,
	/// it fails unless `to` is `who`'s own pool, and `who`'s bond stays in its own pool.
	fn dodge(who: u64, to: u64, call: impl FnOnce() -> frame_support::dispatch::DispatchResult) {
		let was_exposed = exposed(who);
		let pool_before = Staking::delegator_view(&who).map(|view| view.transcoder);
		let result = call();
		if was_exposed && pool_before == Some(who) {
			if to != who {
				assert!(result.is_err(), "{who} moved its bond to {to} while exposed");
			}
			assert_eq!(Staking::delegator_view(&who).map(|view| view.transcoder), Some(who));
		}
	}

	pub(super) fn apply_move(step: Move) {
		match step {
			Move::Step(Op::Activate { transcoder }) => {
				// `activate` bonds to the transcoder itself: not for one whose bond moved away.
				let who = TRANSCODERS[transcoder];
				if Staking::delegator_view(&who).is_none_or(|view| view.transcoder == who) {
					apply(Op::Activate { transcoder });
				}
			},
			Move::Step(Op::Prove { claim: u8::MAX, all, forge }) => {
				// The latest claim.
				let last = ClaimReceipts::get().len().saturating_sub(1);
				let claim = u8::try_from(last % 256).unwrap_or(0);
				if ClaimReceipts::get().len() <= 256 {
					apply(Op::Prove { claim, all, forge });
				}
			},
			Move::Step(op) => apply(op),
			Move::Verified { .. } => unreachable!("expanded by `script`"),
			Move::Committee { claim, pattern } => {
				let known = ClaimReceipts::get();
				let chosen =
					if claim == u8::MAX { known.last().cloned() } else { pick(&known, claim) };
				let Some((claim_id, ..)) = chosen else { return };
				let segments: Vec<_> = SegmentChecks::<Test>::iter_prefix(claim_id).collect();
				for (seq, segment) in segments {
					for (i, member) in segment.members.iter().enumerate() {
						let ok = match (pattern >> (2 * (i % 4))) & 3 {
							0 => continue,
							3 => false,
							_ => true,
						};
						let _ = Verification::submit_verdict(
							RuntimeOrigin::signed(member.who),
							claim_id,
							seq,
							ok,
						);
					}
				}
			},
			Move::Resign { who } => {
				let _ = Staking::resign_transcoder(RuntimeOrigin::signed(TRANSCODERS[who]));
			},
			Move::BondElsewhere { who, to } => {
				let (who, to) = (TRANSCODERS[who], TRANSCODERS[to]);
				dodge(who, to, || Staking::bond(RuntimeOrigin::signed(who), 0, to));
			},
			Move::Unbond { who, amount } => {
				let who = TRANSCODERS[who];
				let exposed_own = exposed(who)
					&& Staking::delegator_view(&who).is_some_and(|v| v.transcoder == who);
				let result = Staking::unbond(RuntimeOrigin::signed(who), amount);
				if exposed_own {
					assert_eq!(result, Err(StakingError::<Test>::ExposedToSlash.into()));
				}
			},
			Move::Rebond { who, to } => {
				let (who, to) = (TRANSCODERS[who], TRANSCODERS[to]);
				let lock = Staking::unbonding_locks_view(&who).first().map_or(0, |lock| lock.0);
				dodge(who, to, || Staking::rebond_to(RuntimeOrigin::signed(who), to, lock));
			},
		}
	}

	/// Checks a step against the stakes before it and the slashes it made.
	pub(super) fn check_step(
		before: &Snapshot,
		slashes_before: usize,
		moved: Option<u64>,
		mark: (u64, usize),
	) {
		check_losing_votes(mark);
		let new: Vec<_> = Slashes::get().into_iter().skip(slashes_before).collect();
		let after = snapshot();
		for ((who, was), (_, now)) in before.iter().zip(&after) {
			let Some((pool, stake)) = *was else { continue };
			let now_stake = now.map_or(0, |(_, stake)| stake);
			let slashes: Vec<_> = new.iter().filter(|slash| slash.0 == pool).collect();
			if Some(*who) == moved {
				continue;
			}
			if slashes.is_empty() {
				assert!(now_stake >= stake, "{who}'s stake fell {stake} -> {now_stake} unslashed");
				continue;
			}
			assert_eq!(now.map(|(pool, _)| pool), Some(pool), "{who} left its slashed pool");
			if let [slash] = slashes.as_slice() {
				// One slash of the pool this step: `who` lost its fraction of its stake.
				let fraction: Perbill = slash.1;
				let lost = stake - now_stake.min(stake);
				let (floor, ceil) = (fraction.mul_floor(stake), fraction.mul_ceil(stake));
				assert!(
					lost + 1 >= floor && lost <= ceil + 1,
					"{who} in {pool}'s pool lost {lost} of {stake}, the slash took {fraction:?}"
				);
			}
		}
		// The finder fee of a slash never exceeds what the offender itself lost.
		for offender in STAKERS {
			let fees: u64 =
				new.iter().filter(|slash| slash.0 == offender).map(|slash| slash.4).sum();
			if fees == 0 {
				continue;
			}
			let own_before = before
				.iter()
				.find(|(who, _)| *who == offender)
				.and_then(|(_, was)| *was)
				.filter(|(pool, _)| *pool == offender)
				.map_or(0, |(_, stake)| stake);
			let own_after = own_stake(offender);
			assert!(
				fees <= own_before.saturating_sub(own_after),
				"finder fees {fees} > {offender}'s own loss {own_before} -> {own_after}"
			);
		}
	}

	/// The account whose own stake a move may lower (by unbonding) or move.
	pub(super) fn mover(step: &Move) -> Option<u64> {
		match step {
			Move::Unbond { who, .. }
			| Move::BondElsewhere { who, .. }
			| Move::Rebond { who, .. } => Some(TRANSCODERS[*who]),
			_ => None,
		}
	}
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

	#[test]
	fn exposed_transcoders_cannot_dodge_and_slashes_fall_on_the_right_stake(
		delegated in 0..20u64,
		moves in prop::collection::vec(dodges::a_move(), 1..50)
	) {
		new_test_ext().execute_with(|| {
			let issuance = Balances::total_issuance();
			dodges::Votes::take();
			start_case();
			if delegated > 0 {
				frame_support::assert_ok!(Staking::bond(
					RuntimeOrigin::signed(BOB),
					delegated * STAKE / 2,
					T1
				));
			}
			check_invariants(issuance);
			for step in moves {
				// One block at a time, so that each step's slashes are its own.
				for step in dodges::script(step) {
					let before = dodges::snapshot();
					let slashes = Slashes::get().len();
					let moved = dodges::mover(&step);
					let mark = dodges::events_mark();
					dodges::apply_move(step);
					dodges::check_step(&before, slashes, moved, mark);
					check_invariants(issuance);
				}
			}
			wind_down(issuance)
		})?;
	}
}
