//! Benchmarks of pallet-reporting: every call in its worst case and the hooks (idle, drawing a
//! group among `m` maintainers, scheduling a round's commission over `m` maintainers, paying `p`
//! commissions).
//!
//! `report` counts the eligible maintainers and the group draw sorts them: both are linear in
//! the set size `m` up to `MaxMaintainers` (`report` is charged at `MaxMaintainers`, each draw at
//! the set's size). Groups are always `GroupSize` strong: `vote_upheld` and `resolve_report` are
//! linear in the members `g` that voted, from `Quorum` to `GroupSize`, every vote beyond the
//! quorum one to expel; `vote_upheld` measures the bench runtime's sanctions on a broadcaster
//! with one stream and nothing staked, and the call adds `Sanctions::ban_weight()` on top.
#![allow(
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::arithmetic_side_effects,
	clippy::indexing_slicing
)]

use super::*;
use crate::pallet::{
	Banned, CommissionRound, MaintainerSet, Maintainers, NextReportId, PendingCommission, Reports,
};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get, Hooks,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::Saturating;

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let plenty = T::MaintainerBond::get()
		.saturating_add(T::ReportDeposit::get())
		.saturating_mul(10u32.into())
		.saturating_add(T::Currency::minimum_balance().saturating_mul(100u32.into()));
	T::Currency::set_balance(&who, plenty);
	who
}

fn advance<T: Config>(blocks: BlockNumberFor<T>) -> BlockNumberFor<T> {
	let now = frame_system::Pallet::<T>::block_number().saturating_add(blocks);
	frame_system::Pallet::<T>::set_block_number(now);
	now
}

/// `n` new maintainers, still on probation.
fn join<T: Config>(n: u32) -> Vec<T::AccountId> {
	(0..n)
		.map(|i| {
			let who = funded::<T>("maintainer", i);
			Pallet::<T>::join_maintainers(RawOrigin::Signed(who.clone()).into()).unwrap();
			who
		})
		.collect()
}

/// `n` full maintainers.
fn full<T: Config>(n: u32) -> Vec<T::AccountId> {
	let all = join::<T>(n);
	advance::<T>(T::ProbationPeriod::get());
	all
}

/// A report on a new stream, filed with `GroupSize` full maintainers; returns its id.
fn file_report<T: Config>() -> ReportId {
	full::<T>(T::GroupSize::get());
	let broadcaster = funded::<T>("broadcaster", 0);
	let stream_id = T::BenchmarkHelper::create_stream(&broadcaster);
	let reporter = funded::<T>("reporter", 0);
	let report_id = NextReportId::<T>::get();
	Pallet::<T>::report(RawOrigin::Signed(reporter).into(), stream_id, 1, Default::default())
		.unwrap();
	report_id
}

/// A report whose group (of `GroupSize`) is drawn; returns its id and group.
fn open_report<T: Config>() -> (ReportId, Vec<T::AccountId>) {
	let report_id = file_report::<T>();
	let now = advance::<T>(GROUP_DELAY.into());
	Pallet::<T>::run_draws(now);
	let group: Vec<T::AccountId> =
		Reports::<T>::get(report_id).unwrap().group.into_iter().map(|m| m.who).collect();
	assert_eq!(group.len() as u32, T::GroupSize::get());
	(report_id, group)
}

fn fund_pot<T: Config>() {
	let pot = T::MaintainersPot::get();
	let amount = T::MaintainerBond::get()
		.saturating_mul(1_000u32.into())
		.saturating_add(T::Currency::minimum_balance().saturating_mul(1_000u32.into()));
	T::Currency::set_balance(&pot, amount);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn join_maintainers(m: Linear<0, { T::MaxMaintainers::get() - 1 }>) {
		join::<T>(m);
		let who = funded::<T>("newcomer", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(Maintainers::<T>::contains_key(&who));
	}

	#[benchmark]
	fn leave_maintainers(m: Linear<1, { T::MaxMaintainers::get() }>) {
		let all = join::<T>(m);
		let who = all[0].clone();

		#[extrinsic_call]
		_(RawOrigin::Signed(who));

		assert_eq!(MaintainerSet::<T>::get().len() as u32, m - 1);
	}

	#[benchmark]
	fn withdraw_bond() {
		let who = join::<T>(1).remove(0);
		Pallet::<T>::leave_maintainers(RawOrigin::Signed(who.clone()).into()).unwrap();
		advance::<T>(T::VotingPeriod::get());

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Maintainers::<T>::contains_key(&who));
	}

	// Counting the eligible among `m` full maintainers.
	#[benchmark]
	fn report(m: Linear<{ T::GroupSize::get() }, { T::MaxMaintainers::get() }>) {
		full::<T>(m);
		let broadcaster = funded::<T>("broadcaster", 0);
		let stream_id = T::BenchmarkHelper::create_stream(&broadcaster);
		let reporter = funded::<T>("reporter", 0);
		let evidence: Evidence = alloc::vec![7u8; MAX_EVIDENCE_LEN as usize].try_into().unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(reporter), stream_id, 1, evidence);

		assert_eq!(NextReportId::<T>::get(), 1);
	}

	// A vote that decides nothing.
	#[benchmark]
	fn vote() {
		let (report_id, group) = open_report::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(group[0].clone()), report_id, true);

		assert_eq!(Reports::<T>::get(report_id).unwrap().status, ReportStatus::Open);
	}

	// The deciding guilty vote of `g` votes; every vote beyond the quorum dissented.
	#[benchmark]
	fn vote_upheld(g: Linear<{ T::Quorum::get() }, { T::GroupSize::get() }>) {
		let (report_id, mut group) = open_report::<T>();
		group.truncate(g as usize);
		let quorum = Reports::<T>::get(report_id).unwrap().quorum as usize;
		let dissenters = group.len() - quorum;
		for who in &group[..dissenters] {
			Pallet::<T>::vote(RawOrigin::Signed(who.clone()).into(), report_id, false).unwrap();
		}
		for who in &group[dissenters..group.len() - 1] {
			Pallet::<T>::vote(RawOrigin::Signed(who.clone()).into(), report_id, true).unwrap();
		}
		let decider = group[group.len() - 1].clone();

		#[extrinsic_call]
		vote(RawOrigin::Signed(decider), report_id, true);

		assert_eq!(Reports::<T>::get(report_id).unwrap().status, ReportStatus::Upheld);
	}

	// An expired report rejected by a not-guilty quorum: `g` members voted, those beyond the
	// quorum guilty (they are expelled).
	#[benchmark]
	fn resolve_report(g: Linear<{ T::Quorum::get() }, { T::GroupSize::get() }>) {
		let (report_id, mut group) = open_report::<T>();
		group.truncate(g as usize);
		let quorum = Reports::<T>::get(report_id).unwrap().quorum as usize;
		for (index, who) in group.iter().enumerate() {
			let guilty = index >= quorum;
			Pallet::<T>::vote(RawOrigin::Signed(who.clone()).into(), report_id, guilty).unwrap();
		}
		let expires_at = Reports::<T>::get(report_id).unwrap().expires_at;
		frame_system::Pallet::<T>::set_block_number(expires_at);
		let caller = funded::<T>("caller", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), report_id);

		assert_eq!(Reports::<T>::get(report_id).unwrap().status, ReportStatus::Rejected);
	}

	// A rejected report leaves storage after its retention period.
	#[benchmark]
	fn on_idle_remove_report() {
		let (report_id, _) = open_report::<T>();
		let expires_at = Reports::<T>::get(report_id).unwrap().expires_at;
		frame_system::Pallet::<T>::set_block_number(expires_at);
		Pallet::<T>::run_expiries(expires_at);
		assert_eq!(Reports::<T>::get(report_id).unwrap().status, ReportStatus::Rejected);
		let now = expires_at.saturating_add(T::ReportRetention::get());
		frame_system::Pallet::<T>::set_block_number(now);

		#[block]
		{
			Pallet::<T>::run_retention(now, frame_support::weights::Weight::MAX);
		}

		assert!(!Reports::<T>::contains_key(report_id));
	}

	// Drawing a report's group among `m` full maintainers.
	#[benchmark]
	fn on_initialize_draw(m: Linear<{ T::GroupSize::get() }, { T::MaxMaintainers::get() }>) {
		full::<T>(m);
		let broadcaster = funded::<T>("broadcaster", 0);
		let stream_id = T::BenchmarkHelper::create_stream(&broadcaster);
		let reporter = funded::<T>("reporter", 0);
		Pallet::<T>::report(RawOrigin::Signed(reporter).into(), stream_id, 1, Default::default())
			.unwrap();
		let now = advance::<T>(GROUP_DELAY.into());

		#[block]
		{
			Pallet::<T>::run_draws(now);
		}

		assert_eq!(Reports::<T>::get(0).unwrap().group.len() as u32, T::GroupSize::get());
	}

	#[benchmark]
	fn lift_ban() -> Result<(), BenchmarkError> {
		let who = funded::<T>("banned", 0);
		Banned::<T>::insert(&who, frame_system::Pallet::<T>::block_number());
		let origin =
			T::LiftBanOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(!Banned::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn on_initialize_idle() {
		CommissionRound::<T>::put(T::Rounds::current_round());
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert!(PendingCommission::<T>::get().is_none());
	}

	// Scheduling a round's commission among `m` full maintainers.
	#[benchmark]
	fn on_initialize_schedule_commission(m: Linear<1, { T::MaxMaintainers::get() }>) {
		full::<T>(m);
		fund_pot::<T>();
		CommissionRound::<T>::put(T::Rounds::current_round().wrapping_add(1));
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::run_commission(now);
		}

		assert_eq!(PendingCommission::<T>::get().unwrap().recipients.len() as u32, m);
	}

	// Paying `p` commissions in one block.
	#[benchmark]
	fn on_initialize_pay_commission(p: Linear<1, { T::MaxCommissionPayoutsPerBlock::get() }>) {
		let all = full::<T>(p);
		fund_pot::<T>();
		let per_member = T::Currency::minimum_balance().saturating_mul(10u32.into());
		PendingCommission::<T>::put(CommissionPayout {
			round: 0,
			per_member,
			recipients: all.try_into().unwrap(),
		});
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::run_commission(now);
		}

		assert!(PendingCommission::<T>::get().is_none());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
