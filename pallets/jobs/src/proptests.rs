//! Property test: random sequences of job calls, elections, claims, verdicts, payouts and
//! deactivations conserve OLC. After every step:
//! - total issuance never changes;
//! - each broadcaster's deposit hold is the sum of its jobs' deposits and grace reservations,
//!   its escrow hold the sum of its jobs' escrow and of its unsettled claims' fees;
//! - the pallet's own invariants (`do_try_state`);
//! - who ends up with what: every fee credited went to the transcoder that made the claim, and
//!   grace claims (made after the job ended or the transcoder was deactivated) are paid like any.
//! - each broadcaster's free + held + fees paid from its jobs equals its initial balance;
//! - the fee pot received exactly the fees paid, and the payout account keeps only its
//!   existential deposit.

use crate::{mock::*, Claims, HoldReason, JobId, JobStatus, Jobs as JobsStorage, Verdict};
use frame_support::traits::{fungible::InspectHold, Hooks};
use proptest::prelude::*;

const BROADCASTERS: [u64; 2] = [ALICE, BOB];
const TRANSCODERS: [u64; 3] = [T1, T2, T3];

#[derive(Debug, Clone)]
enum Op {
	CreateJob { broadcaster: usize, price: u64, extra: u64 },
	TopUp { job: u8, amount: u64 },
	EndJob { job: u8, by_other: bool },
	CancelJob { job: u8 },
	Claim { job: u8, gap: u64, len: u64 },
	GraceClaim { job: u8, len: u64 },
	Distribute { claim: u8 },
	Verdict { claim: u8, verdict: u8 },
	Activate { transcoder: usize, stake: u64, price: u64 },
	Deactivate { transcoder: usize },
	Advance { blocks: u64 },
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		(0..2usize, 1..20u64, 0..5_000u64).prop_map(|(broadcaster, price, extra)| Op::CreateJob {
			broadcaster,
			price,
			extra
		}),
		(any::<u8>(), 0..3_000u64).prop_map(|(job, amount)| Op::TopUp { job, amount }),
		(any::<u8>(), any::<bool>()).prop_map(|(job, by_other)| Op::EndJob { job, by_other }),
		any::<u8>().prop_map(|job| Op::CancelJob { job }),
		(any::<u8>(), 0..5u64, 0..60u64).prop_map(|(job, gap, len)| Op::Claim { job, gap, len }),
		(any::<u8>(), 0..15u64).prop_map(|(job, len)| Op::GraceClaim { job, len }),
		any::<u8>().prop_map(|claim| Op::Distribute { claim }),
		(any::<u8>(), 0..3u8).prop_map(|(claim, verdict)| Op::Verdict { claim, verdict }),
		(0..3usize, 0..1_000u64, 1..20u64).prop_map(|(transcoder, stake, price)| Op::Activate {
			transcoder,
			stake,
			price
		}),
		(0..3usize).prop_map(|transcoder| Op::Deactivate { transcoder }),
		(1..8u64).prop_map(|blocks| Op::Advance { blocks }),
	]
}

fn pick<T: Clone>(items: &[T], index: u8) -> Option<T> {
	if items.is_empty() {
		None
	} else {
		Some(items[usize::from(index) % items.len()].clone())
	}
}

fn check_invariants(issuance: u64) {
	assert_eq!(Balances::total_issuance(), issuance);
	let jobs: Vec<_> = JobsStorage::<Test>::iter().map(|(_, job)| job).collect();
	let claims: Vec<_> = Claims::<Test>::iter().map(|(_, claim)| claim).collect();
	let mut all_paid = 0;
	for who in BROADCASTERS {
		let mine = jobs.iter().filter(|job| job.broadcaster == who);
		let deposits: u64 = mine
			.clone()
			.map(|job| job.deposit + job.graces.iter().map(|grace| grace.reserved).sum::<u64>())
			.sum();
		let escrow: u64 = mine.clone().map(|job| job.escrow).sum();
		let paid: u64 = mine.clone().map(|job| job.paid).sum();
		let claimed: u64 = claims
			.iter()
			.filter(|claim| claim.broadcaster == who)
			.map(|claim| claim.fee)
			.sum();
		let held_deposit = Balances::balance_on_hold(&HoldReason::JobDeposit.into(), &who);
		let held_escrow = Balances::balance_on_hold(&HoldReason::ClaimEscrow.into(), &who);
		assert_eq!(held_deposit, deposits);
		assert_eq!(held_escrow, escrow);
		assert_eq!(held_escrow, claimed);
		assert_eq!(Balances::free_balance(who) + held_deposit + held_escrow + paid, INITIAL);
		all_paid += paid;
	}
	for job in &jobs {
		if job.status == JobStatus::Ended {
			assert_eq!(job.deposit, 0);
		}
	}
	assert_eq!(Balances::free_balance(FEE_POT), EXISTENTIAL_DEPOSIT + all_paid);
	assert_eq!(CreditedFees::get().iter().map(|(_, _, amount)| amount).sum::<u64>(), all_paid);
	assert_eq!(Balances::free_balance(Jobs::payout_account()), EXISTENTIAL_DEPOSIT);
	for (_, transcoder, amount) in CreditedFees::get() {
		let claimed = ClaimsMade::get()
			.iter()
			.filter(|(who, _)| *who == transcoder)
			.map(|(_, fee)| fee)
			.sum::<u64>();
		let credited = CreditedFees::get()
			.iter()
			.filter(|(_, who, _)| *who == transcoder)
			.map(|(_, _, fee)| fee)
			.sum::<u64>();
		assert!(
			amount <= credited && credited <= claimed,
			"fees credited to a transcoder that did not claim them"
		);
	}
	Jobs::do_try_state().unwrap();
}

/// Records a successful claim's transcoder and fee.
fn note_claim(who: u64, result: frame_support::dispatch::DispatchResult) {
	if result.is_ok() {
		let fee = Claims::<Test>::get(crate::NextClaimId::<Test>::get() - 1).unwrap().fee;
		ClaimsMade::mutate(|made| made.push((who, fee)));
	}
}

fn apply_op(op: Op) {
	let jobs: Vec<JobId> = (0..crate::NextJobId::<Test>::get()).collect();
	let claims: Vec<u64> = (0..crate::NextClaimId::<Test>::get()).collect();
	// Failed calls are part of the test: they must change nothing, which the invariants check.
	match op {
		Op::CreateJob { broadcaster, price, extra } => {
			let who = BROADCASTERS[broadcaster];
			let stream_id = Streams::get(who);
			let deposit = u64::from(MIN_SEGMENTS_COVERED) * 4 * price + extra;
			let _ = Jobs::create_job(
				RuntimeOrigin::signed(who),
				stream_id,
				olc_primitives::default_ladder().try_into().unwrap(),
				price,
				deposit,
			);
		},
		Op::TopUp { job, amount } => {
			if let Some(job_id) = pick(&jobs, job) {
				let who = JobsStorage::<Test>::get(job_id).unwrap().broadcaster;
				let _ = Jobs::top_up(RuntimeOrigin::signed(who), job_id, amount);
			}
		},
		Op::EndJob { job, by_other } => {
			if let Some(job_id) = pick(&jobs, job) {
				let owner = JobsStorage::<Test>::get(job_id).unwrap().broadcaster;
				let who = if by_other { CHARLIE } else { owner };
				let _ = Jobs::end_job(RuntimeOrigin::signed(who), job_id);
			}
		},
		Op::CancelJob { job } => {
			if let Some(job_id) = pick(&jobs, job) {
				let who = JobsStorage::<Test>::get(job_id).unwrap().broadcaster;
				let _ = Jobs::cancel_job(RuntimeOrigin::signed(who), job_id);
			}
		},
		Op::Claim { job, gap, len } => {
			if let Some(job_id) = pick(&jobs, job) {
				let stored = JobsStorage::<Test>::get(job_id).unwrap();
				let next = stored.next_claimable_seq;
				let who = stored.assignment.map_or(T1, |a| a.transcoder);
				// gap 0 sometimes overlaps on purpose (start one before the next claimable).
				let start = if gap == 0 { next.saturating_sub(1) } else { next + gap - 1 };
				note_claim(
					who,
					Jobs::claim_work(
						RuntimeOrigin::signed(who),
						job_id,
						start,
						start + len,
						[0; 32],
					),
				);
			}
		},
		Op::GraceClaim { job, len } => {
			if let Some(job_id) = pick(&jobs, job) {
				let stored = JobsStorage::<Test>::get(job_id).unwrap();
				if let Some(grace) = stored.graces.first() {
					let (who, start) = (grace.transcoder, grace.next_claimable_seq);
					note_claim(
						who,
						Jobs::claim_work(
							RuntimeOrigin::signed(who),
							job_id,
							start,
							start + len,
							[0; 32],
						),
					);
				}
			}
		},
		Op::Distribute { claim } => {
			if let Some(claim_id) = pick(&claims, claim) {
				let _ = Jobs::distribute_fees(RuntimeOrigin::signed(CHARLIE), claim_id);
			}
		},
		Op::Verdict { claim, verdict } => {
			if let Some(claim_id) = pick(&claims, claim) {
				let verdict = [Verdict::Pay, Verdict::Hold, Verdict::Fail][usize::from(verdict)];
				set_verdict(claim_id, verdict);
			}
		},
		Op::Activate { transcoder, stake, price } => {
			activate(TRANSCODERS[transcoder], stake, price)
		},
		Op::Deactivate { transcoder } => {
			deactivate(TRANSCODERS[transcoder]);
			let _ = Jobs::on_transcoder_deactivated(&TRANSCODERS[transcoder]);
		},
		Op::Advance { blocks } => {
			let target = System::block_number() + blocks;
			while System::block_number() < target {
				let next = System::block_number() + 1;
				System::set_block_number(next);
				System::set_parent_hash(parent_hash_of(next));
				Jobs::on_initialize(next);
			}
		},
	}
}

frame_support::parameter_types! {
	/// Each broadcaster's one stream, created at the start of a case.
	pub static StreamsOf: Vec<(u64, olc_primitives::StreamId)> = vec![];
	/// Successful claims of a case: (transcoder, fee).
	pub static ClaimsMade: Vec<(u64, u64)> = vec![];
}

struct Streams;
impl Streams {
	fn get(who: u64) -> olc_primitives::StreamId {
		StreamsOf::get().iter().find(|(owner, _)| *owner == who).unwrap().1
	}
}

/// Opens each broadcaster's one stream.
fn open_streams() {
	StreamsOf::take();
	ClaimsMade::take();
	for who in BROADCASTERS {
		frame_support::assert_ok!(Jobs::create_stream(
			RuntimeOrigin::signed(who),
			b"s".to_vec().try_into().unwrap(),
			crate::insecure_segment_key()
		));
		let stream_id = crate::Streams::<Test>::iter()
			.find(|(id, stream)| {
				stream.owner == who && !StreamsOf::get().iter().any(|(_, known)| known == id)
			})
			.unwrap()
			.0;
		StreamsOf::mutate(|all| all.push((who, stream_id)));
	}
}

/// Ends every job and settles every claim that can be settled (failed verdicts stay failed,
/// held ones are released); then nothing is held any more.
fn wind_down(issuance: u64) -> Result<(), TestCaseError> {
	activate(T1, 1, 1);
	activate(T2, 1, 1);
	activate(T3, 1, 1);
	Verdicts::mutate(|all| all.retain(|(_, verdict)| *verdict == Verdict::Fail));
	for job_id in 0..crate::NextJobId::<Test>::get() {
		let owner = JobsStorage::<Test>::get(job_id).unwrap().broadcaster;
		let _ = Jobs::end_job(RuntimeOrigin::signed(owner), job_id);
	}
	// Grace expiries run at most `MAX_PAYOUTS` a block.
	apply_op(Op::Advance { blocks: WINDOW.max(GRACE) + 40 });
	for claim_id in 0..crate::NextClaimId::<Test>::get() {
		let _ = Jobs::distribute_fees(RuntimeOrigin::signed(CHARLIE), claim_id);
	}
	check_invariants(issuance);
	prop_assert_eq!(Claims::<Test>::iter().count(), 0);
	for who in BROADCASTERS {
		prop_assert_eq!(Balances::balance_on_hold(&HoldReason::JobDeposit.into(), &who), 0);
		prop_assert_eq!(Balances::balance_on_hold(&HoldReason::ClaimEscrow.into(), &who), 0);
	}
	Ok(())
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

	#[test]
	fn escrow_deposits_and_payouts_conserve_olc(ops in prop::collection::vec(op(), 1..60)) {
		new_test_ext().execute_with(|| {
			let issuance = Balances::total_issuance();
			open_streams();
			check_invariants(issuance);
			for op in ops {
				apply_op(op);
				check_invariants(issuance);
			}
			wind_down(issuance)
		})?;
	}
}

/// Issue 12 item 5, adversarial sequences: broadcasters end and cancel jobs around claims and
/// transcoders leave the active set; every claim is made by whoever may claim (the assigned
/// transcoder from the job's cursor, a transcoder that left from its grace reservation) or by
/// someone who may not (a stranger, an overlapping range, a grace that is over). A model says
/// beforehand whether each claim must succeed, and at the end who has what: each transcoder
/// was paid exactly the fees of its claims that were not failed, each broadcaster got back all
/// its deposits but those fees.
mod around_claims {
	use super::*;
	use crate::{Error, MAX_GRACES_PER_JOB};

	#[derive(Debug, Clone)]
	pub(super) enum Move {
		Create {
			broadcaster: usize,
			price: u64,
			extra: u64,
		},
		TopUp {
			job: u8,
			amount: u64,
		},
		End {
			job: u8,
		},
		Cancel {
			job: u8,
		},
		Leave {
			transcoder: usize,
		},
		Join {
			transcoder: usize,
			price: u64,
		},
		/// The assigned transcoder claims `len + 1` segments from the job's cursor.
		Work {
			job: u8,
			len: u64,
			verdict: u8,
		},
		/// A transcoder that left the job claims `len + 1` segments from its grace cursor.
		GraceWork {
			job: u8,
			which: u8,
			len: u64,
			verdict: u8,
		},
		/// The assigned or a grace transcoder claims a segment it claimed already.
		Overlap {
			job: u8,
			which: u8,
		},
		/// A transcoder neither assigned nor in grace claims.
		Stranger {
			job: u8,
			transcoder: usize,
		},
		Advance {
			blocks: u64,
		},
	}

	pub(super) fn a_move() -> impl Strategy<Value = Move> {
		prop_oneof![
			1 => (0..2usize, 1..6u64, 0..400u64).prop_map(|(broadcaster, price, extra)| {
				Move::Create { broadcaster, price, extra }
			}),
			1 => (any::<u8>(), 1..300u64).prop_map(|(job, amount)| Move::TopUp { job, amount }),
			1 => any::<u8>().prop_map(|job| Move::End { job }),
			1 => any::<u8>().prop_map(|job| Move::Cancel { job }),
			1 => (0..3usize).prop_map(|transcoder| Move::Leave { transcoder }),
			1 => (0..3usize, 1..6u64).prop_map(|(transcoder, price)| Move::Join { transcoder, price }),
			3 => (any::<u8>(), 0..8u64, 0..6u8)
				.prop_map(|(job, len, verdict)| Move::Work { job, len, verdict }),
			3 => (any::<u8>(), any::<u8>(), 0..8u64, 0..6u8).prop_map(|(job, which, len, verdict)| {
				Move::GraceWork { job, which, len, verdict }
			}),
			1 => (any::<u8>(), any::<u8>()).prop_map(|(job, which)| Move::Overlap { job, which }),
			1 => (any::<u8>(), 0..3usize).prop_map(|(job, transcoder)| Move::Stranger { job, transcoder }),
			2 => (1..12u64).prop_map(|blocks| Move::Advance { blocks }),
		]
	}

	/// A successful claim: who made it, whose job, its fee, whether its verdict fails it.
	#[derive(Debug, Clone)]
	struct Made {
		transcoder: u64,
		broadcaster: u64,
		fee: u64,
		fails: bool,
	}

	frame_support::parameter_types! {
		static Ledger: Vec<Made> = vec![];
	}

	fn job_ids() -> Vec<JobId> {
		(0..crate::NextJobId::<Test>::get()).collect()
	}

	/// Verdict 0 fails the claim, 1 holds it until the wind-down, others pay it.
	fn claim_and_expect(who: u64, job_id: JobId, start: u64, len: u64, verdict: u8, ok: bool) {
		let claim_id = crate::NextClaimId::<Test>::get();
		let job = JobsStorage::<Test>::get(job_id).unwrap();
		let result =
			Jobs::claim_work(RuntimeOrigin::signed(who), job_id, start, start + len, [0; 32]);
		assert_eq!(result.is_ok(), ok, "claim by {who} on {job_id:?}: {result:?}, job {job:?}");
		if ok {
			let fee = Claims::<Test>::get(claim_id).unwrap().fee;
			let fails = verdict == 0;
			if fails {
				set_verdict(claim_id, Verdict::Fail);
			} else if verdict == 1 {
				set_verdict(claim_id, Verdict::Hold);
			}
			ClaimsMade::mutate(|made| made.push((who, fee)));
			Ledger::mutate(|all| {
				all.push(Made { transcoder: who, broadcaster: job.broadcaster, fee, fails })
			});
		}
	}

	/// Leaving (ending the job, or the transcoder deactivated) with `deposit` unclaimed gives
	/// the assigned transcoder a grace until `GRACE` blocks from now, from its cursor.
	fn expect_grace(job_id: JobId, transcoder: u64, before: &crate::JobOf<Test>) {
		let had = before.graces.iter().find(|grace| grace.transcoder == transcoder);
		if before.deposit == 0
			|| (had.is_none() && before.graces.len() as u32 >= MAX_GRACES_PER_JOB)
		{
			return;
		}
		let job = JobsStorage::<Test>::get(job_id).unwrap();
		let grace = job.graces.iter().find(|grace| grace.transcoder == transcoder).unwrap();
		assert_eq!(grace.until, System::block_number() + GRACE);
		let cap = u64::from(MIN_SEGMENTS_COVERED)
			* 4 * before.assignment.as_ref().unwrap().price_per_segment;
		assert_eq!(grace.reserved, had.map_or(0, |g| g.reserved) + before.deposit.min(cap));
		if had.is_none() {
			assert_eq!(grace.next_claimable_seq, before.next_claimable_seq);
		}
	}

	pub(super) fn apply(step: Move) {
		let jobs = job_ids();
		let now = System::block_number();
		match step {
			Move::Create { broadcaster, price, extra } => {
				apply_op(Op::CreateJob { broadcaster, price, extra })
			},
			Move::TopUp { job, amount } => apply_op(Op::TopUp { job, amount }),
			Move::End { job } => {
				let Some(job_id) = pick(&jobs, job) else { return };
				let before = JobsStorage::<Test>::get(job_id).unwrap();
				let result = Jobs::end_job(RuntimeOrigin::signed(before.broadcaster), job_id);
				assert_eq!(result.is_ok(), before.status != JobStatus::Ended);
				if let (JobStatus::Assigned, Some(a)) = (before.status, &before.assignment) {
					expect_grace(job_id, a.transcoder, &before);
				}
				let after = JobsStorage::<Test>::get(job_id).unwrap();
				assert_eq!(after.deposit, 0);
			},
			Move::Cancel { job } => {
				let Some(job_id) = pick(&jobs, job) else { return };
				let before = JobsStorage::<Test>::get(job_id).unwrap();
				let result = Jobs::cancel_job(RuntimeOrigin::signed(before.broadcaster), job_id);
				assert_eq!(result.is_ok(), before.status == JobStatus::AwaitingTranscoder);
				// Cancelling does not take a grace away from a transcoder that left the job.
				let after = JobsStorage::<Test>::get(job_id).unwrap();
				assert_eq!(after.graces, before.graces);
			},
			Move::Leave { transcoder } => {
				let who = TRANSCODERS[transcoder];
				let before: Vec<_> = jobs
					.iter()
					.map(|id| (*id, JobsStorage::<Test>::get(id).unwrap()))
					.filter(|(_, job)| {
						job.status == JobStatus::Assigned
							&& job.assignment.as_ref().is_some_and(|a| a.transcoder == who)
					})
					.collect();
				apply_op(Op::Deactivate { transcoder });
				for (job_id, job) in before {
					expect_grace(job_id, who, &job);
					let after = JobsStorage::<Test>::get(job_id).unwrap();
					assert_eq!(after.status, JobStatus::AwaitingTranscoder);
				}
			},
			Move::Join { transcoder, price } => activate(TRANSCODERS[transcoder], 100, price),
			Move::Work { job, len, verdict } => {
				let Some(job_id) = pick(&jobs, job) else { return };
				let stored = JobsStorage::<Test>::get(job_id).unwrap();
				// A job that is not assigned keeps its last assignment on record; its
				// transcoder claims through its grace then (`GraceWork`).
				let Some(assignment) = stored.assignment.clone() else { return };
				if stored.status != JobStatus::Assigned {
					return;
				}
				let fee = (len + 1) * 4 * assignment.price_per_segment;
				let ok = now <= stored.expires_at && fee <= stored.deposit;
				let start = stored.next_claimable_seq;
				claim_and_expect(assignment.transcoder, job_id, start, len, verdict, ok);
			},
			Move::GraceWork { job, which, len, verdict } => {
				let Some(job_id) = pick(&jobs, job) else { return };
				let stored = JobsStorage::<Test>::get(job_id).unwrap();
				let Some(grace) = pick(&stored.graces, which) else { return };
				// Assigned to the job again, it claims from the job's cursor instead.
				if stored.assignment.as_ref().is_some_and(|a| a.transcoder == grace.transcoder)
					&& stored.status == JobStatus::Assigned
				{
					return;
				}
				let fee = (len + 1) * 4 * grace.price_per_segment;
				let ok = now <= grace.until && fee <= grace.reserved;
				let start = grace.next_claimable_seq;
				claim_and_expect(grace.transcoder, job_id, start, len, verdict, ok);
			},
			Move::Overlap { job, which } => {
				let Some(job_id) = pick(&jobs, job) else { return };
				let stored = JobsStorage::<Test>::get(job_id).unwrap();
				let mut claimants: Vec<(u64, u64)> =
					stored.graces.iter().map(|g| (g.transcoder, g.next_claimable_seq)).collect();
				if let (JobStatus::Assigned, Some(a)) = (stored.status, &stored.assignment) {
					claimants.retain(|(who, _)| *who != a.transcoder);
					claimants.push((a.transcoder, stored.next_claimable_seq));
				}
				let Some((who, cursor)) = pick(&claimants, which) else { return };
				if cursor == 0 {
					return;
				}
				claim_and_expect(who, job_id, cursor - 1, 0, 2, false);
			},
			Move::Stranger { job, transcoder } => {
				let Some(job_id) = pick(&jobs, job) else { return };
				let stored = JobsStorage::<Test>::get(job_id).unwrap();
				let who = TRANSCODERS[transcoder];
				let assigned = stored.status == JobStatus::Assigned
					&& stored.assignment.as_ref().is_some_and(|a| a.transcoder == who);
				if assigned || stored.graces.iter().any(|g| g.transcoder == who) {
					return;
				}
				let start = stored.next_claimable_seq;
				let result =
					Jobs::claim_work(RuntimeOrigin::signed(who), job_id, start, start, [0; 32]);
				let expected = if stored.status == JobStatus::Ended {
					Error::<Test>::JobEnded
				} else {
					Error::<Test>::NotAssignedTranscoder
				};
				assert_eq!(result, Err(expected.into()));
			},
			Move::Advance { blocks } => apply_op(Op::Advance { blocks }),
		}
	}

	/// Who has what once every job ended and every claim settled.
	pub(super) fn check_who_has_what() {
		let ledger = Ledger::get();
		for who in TRANSCODERS {
			let owed: u64 = ledger
				.iter()
				.filter(|made| made.transcoder == who && !made.fails)
				.map(|made| made.fee)
				.sum();
			let credited: u64 = CreditedFees::get()
				.iter()
				.filter(|(_, transcoder, _)| *transcoder == who)
				.map(|(_, _, amount)| amount)
				.sum();
			assert_eq!(credited, owed, "transcoder {who} was paid {credited}, owed {owed}");
		}
		for who in BROADCASTERS {
			let paid: u64 = ledger
				.iter()
				.filter(|made| made.broadcaster == who && !made.fails)
				.map(|made| made.fee)
				.sum();
			assert_eq!(Balances::free_balance(who), INITIAL - paid, "broadcaster {who}");
			assert_eq!(
				<Balances as frame_support::traits::fungible::Inspect<u64>>::total_balance(&who),
				INITIAL - paid,
				"broadcaster {who}"
			);
		}
	}

	pub(super) fn reset() {
		Ledger::take();
	}
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

	#[test]
	fn end_cancel_and_leaving_around_claims_pay_exactly_the_work_done(
		moves in prop::collection::vec(around_claims::a_move(), 1..60)
	) {
		new_test_ext().execute_with(|| {
			let issuance = Balances::total_issuance();
			around_claims::reset();
			open_streams();
			activate(T1, 100, 2);
			activate(T2, 100, 3);
			for step in moves {
				around_claims::apply(step);
				check_invariants(issuance);
			}
			wind_down(issuance)?;
			around_claims::check_who_has_what();
			Ok::<(), TestCaseError>(())
		})?;
	}
}
