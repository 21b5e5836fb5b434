//! Unit tests of pallet-staking-delegation.
//!
//! One file per topic; the helpers they share are here.

mod bans;
mod bonding;
mod earnings;
mod exposure;
mod fee_cohorts;
mod formulas;
mod rounds;
mod slashing;
mod storage_growth;
mod transcoders;
mod unbonding;
mod views;
mod weights;

use crate::{
	mock::*, ActivationFactors, ActiveSet, Candidates, Delegators, Error, Event, HoldReason, Pools,
	Slashing, TotalBonded, TranscoderFees, TranscoderTerms, Transcoders, UnbondingLocks,
};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::GetDispatchInfo,
	traits::{fungible::InspectHold, Currency as _},
};
use sp_runtime::{traits::BadOrigin, Perbill};

fn uri(s: &[u8]) -> crate::ServiceUri {
	s.to_vec().try_into().unwrap()
}
fn held(who: u64) -> u64 {
	Balances::balance_on_hold(&RuntimeHoldReason::Staking(HoldReason::Staking), &who)
}
fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}
fn pct(p: u32) -> Perbill {
	Perbill::from_percent(p)
}
fn origin(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}
/// Bonds `amount` to itself and registers with the given cuts, price 5.
fn register(who: u64, amount: u64, reward_cut: u32, fee_share: u32) {
	assert_ok!(Staking::bond(origin(who), amount, who));
	assert_ok!(Staking::register_transcoder(
		origin(who),
		pct(reward_cut),
		pct(fee_share),
		5,
		uri(b"https://t.example")
	));
}
/// The bond a settlement now would give.
fn stake(who: u64) -> u64 {
	Staking::delegator_view(&who).map(|view| view.stake).unwrap_or(0)
}
fn fees(who: u64) -> u64 {
	Staking::delegator_view(&who).map(|view| view.fees).unwrap_or(0)
}
fn active() -> Vec<u64> {
	ActiveSet::<Test>::get().into_iter().map(|member| member.who).collect()
}
fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Staking(event) => Some(event),
			_ => None,
		})
		.collect()
}
