//! Property test: random sequences of joins, leaves, bond withdrawals, reports, votes, stakes,
//! jobs, fee payments into the pot and blocks (expiries, rounds, commission payouts) conserve
//! OLC. After every step:
//! - total issuance never changes (nothing is minted or burned: no transcoder is active, so
//!   staking mints no rewards, and slashes and confiscations move OLC, never burn it);
//! - the sum of every account's total balance equals the total issuance (no OLC appears or
//!   vanishes in an account nobody tracks);
//! - each maintainer's bond hold equals its recorded bond, and each reporter's deposit hold
//!   the deposits of its open reports;
//! - banned accounts keep no stake, job deposit or maintainer bond;
//! - the pallet's own invariants hold (`do_try_state`: groups drawn only after their report,
//!   full and without reporter or broadcaster, reviews and holds consistent).

use crate::{mock::*, HoldReason, Maintainers, ReportStatus, Reports};
use frame_support::traits::fungible::{Inspect, InspectHold, Mutate};
use proptest::prelude::*;

/// Broadcasters (and reporters).
const USERS: [u64; 3] = [ALICE, BOB, CHARLIE];
/// Maintainers used by the test.
const MAINTAINERS: u64 = 20;

#[derive(Debug, Clone)]
enum Op {
	Join { m: u64 },
	Leave { m: u64 },
	Withdraw { m: u64 },
	Report { reporter: usize, broadcaster: usize },
	Vote { report: u8, member: u8, guilty: bool },
	Stake { who: usize, amount: u64 },
	Job { who: usize, deposit: u64 },
	Fees { amount: u64 },
	Resolve { report: u8 },
	LiftBan { who: usize },
	Advance { blocks: u64 },
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		3 => (0..MAINTAINERS).prop_map(|m| Op::Join { m }),
		1 => (0..MAINTAINERS).prop_map(|m| Op::Leave { m }),
		1 => (0..MAINTAINERS).prop_map(|m| Op::Withdraw { m }),
		2 => (0..3usize, 0..3usize).prop_map(|(reporter, broadcaster)| Op::Report { reporter, broadcaster }),
		6 => (any::<u8>(), any::<u8>(), prop::bool::weighted(0.7))
			.prop_map(|(report, member, guilty)| Op::Vote { report, member, guilty }),
		1 => (0..3usize, 1..5_000u64).prop_map(|(who, amount)| Op::Stake { who, amount }),
		1 => (0..3usize, 40..3_000u64).prop_map(|(who, deposit)| Op::Job { who, deposit }),
		1 => (1..2_000u64).prop_map(|amount| Op::Fees { amount }),
		1 => any::<u8>().prop_map(|report| Op::Resolve { report }),
		1 => (0..3usize).prop_map(|who| Op::LiftBan { who }),
		2 => (1..30u64).prop_map(|blocks| Op::Advance { blocks }),
	]
}

fn apply(op: Op) {
	match op {
		Op::Join { m } => {
			let _ = Reporting::join_maintainers(RuntimeOrigin::signed(maintainer(m)));
		},
		Op::Leave { m } => {
			let _ = Reporting::leave_maintainers(RuntimeOrigin::signed(maintainer(m)));
		},
		Op::Withdraw { m } => {
			let _ = Reporting::withdraw_bond(RuntimeOrigin::signed(maintainer(m)));
		},
		Op::Report { reporter, broadcaster } => {
			let owner = USERS[broadcaster];
			let Some(stream_id) = pallet_jobs::Streams::<Test>::iter()
				.find(|(_, stream)| stream.owner == owner)
				.map(|(id, _)| id)
			else {
				return;
			};
			let _ = Reporting::report(
				RuntimeOrigin::signed(USERS[reporter]),
				stream_id,
				0,
				Default::default(),
			);
		},
		Op::Vote { report, member, guilty } => {
			let next = crate::NextReportId::<Test>::get();
			if next == 0 {
				return;
			}
			let report_id = u64::from(report) % next;
			let Some(info) = Reports::<Test>::get(report_id) else { return };
			if info.group.is_empty() {
				return;
			}
			let who = info.group[usize::from(member) % info.group.len()].who;
			let _ = Reporting::vote(RuntimeOrigin::signed(who), report_id, guilty);
		},
		Op::Stake { who, amount } => {
			let who = USERS[who];
			let _ = Staking::bond(RuntimeOrigin::signed(who), amount, who);
		},
		Op::Job { who, deposit } => {
			let owner = USERS[who];
			let Some(stream_id) = pallet_jobs::Streams::<Test>::iter()
				.find(|(_, stream)| stream.owner == owner && stream.status.is_open())
				.map(|(id, _)| id)
			else {
				return;
			};
			let _ = Jobs::create_job(
				RuntimeOrigin::signed(owner),
				stream_id,
				olc_primitives::default_ladder().try_into().unwrap(),
				1,
				deposit,
			);
		},
		Op::Fees { amount } => {
			let _ = <Balances as Mutate<u64>>::transfer(
				&CHARLIE,
				&pot(),
				amount,
				frame_support::traits::tokens::Preservation::Preserve,
			);
		},
		Op::Resolve { report } => {
			let next = crate::NextReportId::<Test>::get();
			if next > 0 {
				let _ =
					Reporting::resolve_report(RuntimeOrigin::signed(BOB), u64::from(report) % next);
			}
		},
		Op::LiftBan { who } => {
			let _ = Reporting::lift_ban(RuntimeOrigin::root(), USERS[who]);
		},
		Op::Advance { blocks } => run_to_block(System::block_number() + blocks),
	}
}

fn check_invariants(issuance: u64) {
	assert_eq!(Balances::total_issuance(), issuance);
	let total: u64 = frame_system::Account::<Test>::iter()
		.map(|(who, _)| <Balances as Inspect<u64>>::total_balance(&who))
		.sum();
	assert_eq!(total, issuance);
	for (who, info) in Maintainers::<Test>::iter() {
		assert_eq!(Balances::balance_on_hold(&HoldReason::MaintainerBond.into(), &who), info.bond);
	}
	for who in USERS {
		let open: u64 = Reports::<Test>::iter()
			.filter(|(_, report)| report.reporter == who && report.status == ReportStatus::Open)
			.map(|(_, report)| report.deposit)
			.sum();
		assert_eq!(Balances::balance_on_hold(&HoldReason::ReportDeposit.into(), &who), open);
		if crate::Banned::<Test>::contains_key(who) {
			// No stake, job deposit or maintainer bond survives a ban (its open reports still
			// resolve as usual, and may even pay it).
			assert!(Maintainers::<Test>::get(who).is_none());
			for reason in [
				RuntimeHoldReason::from(pallet_staking_delegation::HoldReason::Staking),
				RuntimeHoldReason::from(pallet_jobs::HoldReason::JobDeposit),
				RuntimeHoldReason::from(HoldReason::MaintainerBond),
			] {
				assert_eq!(Balances::balance_on_hold(&reason, &who), 0);
			}
			assert!(pallet_staking_delegation::Delegators::<Test>::get(who).is_none());
		}
	}
	Reporting::do_try_state().unwrap();
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

	#[test]
	fn joins_reports_votes_bans_and_commission_conserve_olc(
		ops in prop::collection::vec(op(), 1..80)
	) {
		new_test_ext().execute_with(|| {
			// A full group can be drawn from the start.
			for m in 0..15 {
				frame_support::assert_ok!(Reporting::join_maintainers(RuntimeOrigin::signed(maintainer(m))));
			}
			run_to_block(1 + PROBATION);
			for who in USERS {
				new_stream(who);
			}
			let issuance = Balances::total_issuance();
			check_invariants(issuance);
			for op in ops {
				apply(op);
				check_invariants(issuance);
			}
			// Wind down: every report expires and every payout completes.
			run_to_block(System::block_number() + VOTING + 2 * ROUND_LENGTH);
			check_invariants(issuance);
			prop_assert!(Reports::<Test>::iter().all(|(_, report)| report.status != ReportStatus::Open));
			for who in USERS {
				prop_assert_eq!(Balances::balance_on_hold(&HoldReason::ReportDeposit.into(), &who), 0);
			}
			Ok(())
		})?;
	}
}
