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

/// Issue 12 items 2 and 7, adversarial maintainers: one report against ALICE (a broadcaster
/// with a job deposit and stake), filed by a viewer or by a maintainer (which must not sit on
/// its own group); some maintainers leave before the draw (a group short of `GroupSize` must
/// void the report: no ban by a smaller group); the group's members vote guilty, not guilty or
/// not at all in a random order (a guilty coalition can ban an innocent stream only with a
/// full group's quorum); ALICE tries to move her balance and ends her job during the vote.
/// Asserted: who ends up with what — the reporter, ALICE, each guilty and each not-guilty
/// voter, the silent members and the maintainers pot.
mod adversarial_groups {
	use super::*;
	use crate::Error;
	use frame_support::traits::tokens::Preservation;

	#[derive(Debug, Clone)]
	pub(super) struct Case {
		pub maintainers: u64,
		pub reporter_is_maintainer: bool,
		pub leavers: u64,
		/// Per seat: 0 silent, 1 guilty, 2 not guilty.
		pub votes: Vec<u8>,
		pub order: Vec<usize>,
		pub stake: u64,
		pub deposit: u64,
		pub alice_moves: bool,
	}

	pub(super) fn a_case() -> impl Strategy<Value = Case> {
		(
			13..18u64,
			any::<bool>(),
			prop_oneof![3 => Just(0u64), 1 => 1..5u64],
			prop::collection::vec(prop_oneof![1 => Just(0u8), 3 => Just(1u8), 2 => Just(2u8)], 13),
			Just((0..13usize).collect::<Vec<_>>()).prop_shuffle(),
			0..5_000u64,
			40..3_000u64,
			any::<bool>(),
		)
			.prop_map(
				|(
					maintainers,
					reporter_is_maintainer,
					leavers,
					votes,
					order,
					stake,
					deposit,
					alice_moves,
				)| {
					Case {
						maintainers,
						reporter_is_maintainer,
						leavers,
						votes,
						order,
						stake,
						deposit,
						alice_moves,
					}
				},
			)
	}

	fn total(who: u64) -> u64 {
		<Balances as Inspect<u64>>::total_balance(&who)
	}

	/// ALICE moving OLC she had when reported: refused while the report is open.
	fn alice_cannot_move(amount: u64) {
		let moved =
			<Balances as Mutate<u64>>::transfer(&ALICE, &CHARLIE, amount, Preservation::Preserve);
		assert!(moved.is_err(), "ALICE moved {amount} while under review");
	}

	pub(super) fn run(case: Case) -> Result<(), TestCaseError> {
		for m in 0..case.maintainers {
			frame_support::assert_ok!(Reporting::join_maintainers(RuntimeOrigin::signed(
				maintainer(m)
			)));
		}
		run_to_block(1 + PROBATION);
		let stream_id = new_stream(ALICE);
		if case.stake > 0 {
			frame_support::assert_ok!(Staking::bond(
				RuntimeOrigin::signed(ALICE),
				case.stake,
				ALICE
			));
		}
		frame_support::assert_ok!(Jobs::create_job(
			RuntimeOrigin::signed(ALICE),
			stream_id,
			olc_primitives::default_ladder().try_into().unwrap(),
			1,
			case.deposit,
		));
		let issuance = Balances::total_issuance();
		check_invariants(issuance);
		let reporter = if case.reporter_is_maintainer { maintainer(0) } else { CHARLIE };
		let everyone: Vec<u64> = [ALICE, CHARLIE]
			.into_iter()
			.chain((0..case.maintainers).map(maintainer))
			.collect();
		let before: Vec<(u64, u64)> = everyone.iter().map(|who| (*who, total(*who))).collect();
		let was = |who: u64| before.iter().find(|(w, _)| *w == who).unwrap().1;
		let pot_before = total(pot());

		// Full maintainers other than the reporter (ALICE is none).
		let eligible = case.maintainers - u64::from(case.reporter_is_maintainer);
		let filed =
			Reporting::report(RuntimeOrigin::signed(reporter), stream_id, 0, Default::default());
		if eligible < u64::from(GROUP) {
			prop_assert_eq!(filed, Err(Error::<Test>::TooFewMaintainers.into()));
			return Ok(());
		}
		frame_support::assert_ok!(filed);
		let report_id = crate::NextReportId::<Test>::get() - 1;
		// Maintainers (not the reporter) leave before the draw.
		for m in (case.maintainers - case.leavers)..case.maintainers {
			if maintainer(m) != reporter {
				frame_support::assert_ok!(Reporting::leave_maintainers(RuntimeOrigin::signed(
					maintainer(m)
				)));
			}
		}
		let left = (case.maintainers - case.leavers..case.maintainers)
			.filter(|m| maintainer(*m) != reporter)
			.count() as u64;
		if case.alice_moves {
			alice_cannot_move(was(ALICE) / 2);
		}
		run_to_block(System::block_number() + 2);
		check_invariants(issuance);
		let report = Reports::<Test>::get(report_id).unwrap();
		if eligible - left < u64::from(GROUP) {
			// Voided: no ban by a smaller group; nobody gains or loses anything.
			prop_assert_eq!(report.status, ReportStatus::Rejected);
			prop_assert!(report.group.is_empty());
			prop_assert!(!crate::Banned::<Test>::contains_key(ALICE));
			for (who, total_before) in &before {
				prop_assert_eq!(total(*who), *total_before, "account {}", who);
			}
			frame_support::assert_ok!(<Balances as Mutate<u64>>::transfer(
				&ALICE,
				&CHARLIE,
				1,
				Preservation::Preserve
			));
			return Ok(());
		}
		let group: Vec<u64> = report.group.iter().map(|member| member.who).collect();
		prop_assert_eq!(group.len(), GROUP as usize);
		prop_assert!(!group.contains(&reporter), "the reporter sits on its own group");
		prop_assert!(!group.contains(&ALICE));

		// The votes, in the case's order; votes after the guilty quorum find the report closed.
		let mut guilty = Vec::new();
		let mut not_guilty = Vec::new();
		let mut upheld = false;
		for (i, seat) in case.order.iter().enumerate() {
			if case.alice_moves && i == 3 {
				let job_id = pallet_jobs::NextJobId::<Test>::get() - 1;
				let _ = Jobs::end_job(RuntimeOrigin::signed(ALICE), job_id);
				alice_cannot_move(was(ALICE) / 2);
			}
			let (who, vote) = (group[*seat], case.votes[*seat]);
			if vote == 0 {
				continue;
			}
			let result = Reporting::vote(RuntimeOrigin::signed(who), report_id, vote == 1);
			if upheld {
				prop_assert_eq!(result, Err(Error::<Test>::ReportClosed.into()));
				continue;
			}
			frame_support::assert_ok!(result);
			if vote == 1 {
				guilty.push(who);
				upheld = guilty.len() as u32 >= QUORUM;
			} else {
				not_guilty.push(who);
			}
			check_invariants(issuance);
		}
		if !upheld {
			run_to_block(report.expires_at);
			let _ = Reporting::resolve_report(RuntimeOrigin::signed(CHARLIE), report_id);
		}
		check_invariants(issuance);
		let report = Reports::<Test>::get(report_id).unwrap();
		let dissent = DissentSlash::get().mul_floor(BOND);
		if upheld {
			prop_assert_eq!(report.status, ReportStatus::Upheld);
			prop_assert!(crate::Banned::<Test>::contains_key(ALICE));
			// Everything ALICE had when reported was confiscated: a tenth (and the division's
			// remainder) to the reporter, the rest equally to the guilty voters.
			let confiscated = was(ALICE);
			prop_assert_eq!(total(ALICE), 0);
			let reward = ReporterReward::get().mul_floor(confiscated);
			let share = (confiscated - reward) / guilty.len() as u64;
			let remainder = confiscated - reward - share * guilty.len() as u64;
			prop_assert_eq!(total(reporter), was(reporter) + reward + remainder);
			for who in &guilty {
				prop_assert_eq!(total(*who), was(*who) + share, "guilty voter {}", who);
			}
			for who in &not_guilty {
				prop_assert_eq!(total(*who), was(*who) - dissent, "dissenter {}", who);
			}
			prop_assert_eq!(total(pot()), pot_before + dissent * not_guilty.len() as u64);
		} else {
			prop_assert_eq!(report.status, ReportStatus::Rejected);
			prop_assert!(!crate::Banned::<Test>::contains_key(ALICE));
			// The reporter's deposit went to ALICE, whose balance it froze for nothing.
			prop_assert_eq!(total(reporter), was(reporter) - DEPOSIT);
			prop_assert_eq!(total(ALICE), was(ALICE) + DEPOSIT);
			let expel_guilty = not_guilty.len() as u32 >= QUORUM;
			for who in &guilty {
				let lost = if expel_guilty { dissent } else { 0 };
				prop_assert_eq!(total(*who), was(*who) - lost, "guilty voter {}", who);
			}
			for who in &not_guilty {
				prop_assert_eq!(total(*who), was(*who), "not-guilty voter {}", who);
			}
			let expelled = if expel_guilty { guilty.len() as u64 } else { 0 };
			prop_assert_eq!(total(pot()), pot_before + dissent * expelled);
			// The freeze is lifted.
			frame_support::assert_ok!(<Balances as Mutate<u64>>::transfer(
				&ALICE,
				&CHARLIE,
				was(ALICE) / 2,
				Preservation::Preserve
			));
		}
		// Members who did not vote (and late ones) neither gained nor lost.
		for who in group.iter().filter(|who| !guilty.contains(who) && !not_guilty.contains(who)) {
			prop_assert_eq!(total(*who), was(*who), "silent member {}", who);
		}
		Ok(())
	}
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

	#[test]
	fn adversarial_groups_leave_everyone_with_what_the_rules_give(
		case in adversarial_groups::a_case()
	) {
		new_test_ext().execute_with(|| adversarial_groups::run(case))?;
	}
}
