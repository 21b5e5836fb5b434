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

fn pick<T: Copy>(items: &[T], index: u8) -> Option<T> {
	if items.is_empty() {
		None
	} else {
		Some(items[usize::from(index) % items.len()])
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

fn apply(op: Op) {
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

proptest! {
	#![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

	#[test]
	fn escrow_deposits_and_payouts_conserve_olc(ops in prop::collection::vec(op(), 1..60)) {
		new_test_ext().execute_with(|| {
			let issuance = Balances::total_issuance();
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
			check_invariants(issuance);
			for op in ops {
				apply(op);
				check_invariants(issuance);
			}
			// Wind down: end every job, settle every claim that can be settled.
			activate(T1, 1, 1);
			activate(T2, 1, 1);
			activate(T3, 1, 1);
			Verdicts::take();
			for job_id in 0..crate::NextJobId::<Test>::get() {
				let owner = JobsStorage::<Test>::get(job_id).unwrap().broadcaster;
				let _ = Jobs::end_job(RuntimeOrigin::signed(owner), job_id);
			}
			// Grace expiries run at most `MAX_PAYOUTS` a block.
			apply(Op::Advance { blocks: WINDOW.max(GRACE) + 40 });
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
		})?;
	}
}
