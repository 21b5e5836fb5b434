//! Unit tests of pallet-reporting, against the real olc-token, staking-delegation and jobs.
//!
//! One file per topic; the helpers they share are here.

mod arithmetic;
mod commission;
mod confiscation;
mod group_timing;
mod groups;
mod maintainers;
mod retention;
mod votes;

use crate::{
	closest, group_target, mock::*, Banned, Error, Event, HoldReason, MaintainerSet,
	MaintainerStatus, Maintainers, ReportStatus, Reports, StreamsUnderReview, GROUP_DELAY,
};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	dispatch::GetDispatchInfo,
	traits::{
		fungible::{Inspect, InspectHold},
		Contains, Hooks,
	},
};
use olc_primitives::StreamId;
use sp_core::{H256, U256};
use sp_runtime::traits::BadOrigin;

fn origin(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}
fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}
fn bond_held(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::MaintainerBond.into(), &who)
}
fn deposit_held(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::ReportDeposit.into(), &who)
}
fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Reporting(event) => Some(event),
			_ => None,
		})
		.collect()
}
fn now() -> u64 {
	System::block_number()
}
fn address_of(who: u64) -> [u8; 32] {
	Maintainers::<Test>::get(who).unwrap().address
}
/// Maintainers `0..n` join in the current block.
fn join(range: core::ops::Range<u64>) {
	for i in range {
		assert_ok!(Reporting::join_maintainers(origin(maintainer(i))));
	}
}
/// `n` full maintainers (0..n).
fn full(n: u64) {
	join(0..n);
	run_to_block(now() + PROBATION);
}
/// BOB reports a new stream of ALICE and the group is drawn (two blocks later); returns
/// (stream, report id, group).
fn report_alice() -> (StreamId, u64, Vec<u64>) {
	let stream_id = new_stream(ALICE);
	let report_id = crate::NextReportId::<Test>::get();
	assert_ok!(Reporting::report(
		origin(BOB),
		stream_id,
		1,
		b"evidence".to_vec().try_into().unwrap()
	));
	run_to_block(now() + u64::from(GROUP_DELAY));
	assert!(Reports::<Test>::get(report_id).unwrap().group_drawn_at.is_some());
	(stream_id, report_id, group(report_id))
}
fn group(report_id: u64) -> Vec<u64> {
	Reports::<Test>::get(report_id)
		.unwrap()
		.group
		.into_iter()
		.map(|m| m.who)
		.collect()
}
fn status(report_id: u64) -> ReportStatus {
	Reports::<Test>::get(report_id).unwrap().status
}
fn in_set(who: u64) -> bool {
	MaintainerSet::<Test>::get().iter().any(|entry| entry.who == who)
}
