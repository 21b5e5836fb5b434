//! Issue 12, item 1: a transcoder's own bond stays within reach of its slashes.

use super::*;

const EXPOSED_TO_SLASH: pallet_staking_delegation::Error<Test> =
	pallet_staking_delegation::Error::<Test>::ExposedToSlash;
const CANNOT_DELEGATE: pallet_staking_delegation::Error<Test> =
	pallet_staking_delegation::Error::<Test>::TranscoderCannotDelegate;

/// T1 (its own bond STAKE) has `delegated` delegated to it by BOB and a claim over 0..=19 whose
/// challenges are issued; T1 will not prove them.
fn exposed_claim(delegated: u64) -> ClaimId {
	let (stream_id, job_id) = setup();
	assert_ok!(Staking::bond(RuntimeOrigin::signed(BOB), delegated, T1));
	claim(job_id, 0, 19, &receipts(stream_id, 0, 19))
}

/// Runs past the claim's proof deadline; CHARLIE reports it. Returns CHARLIE's finder fee.
fn report_missed_claim(claim_id: ClaimId) -> u64 {
	issue(claim_id);
	let deadline = Checks::<Test>::get(claim_id).unwrap().proof_deadline.unwrap();
	run_to_block(deadline + 1);
	let before = total_balance(CHARLIE);
	assert_ok!(Verification::report_missed(RuntimeOrigin::signed(CHARLIE), claim_id));
	total_balance(CHARLIE) - before
}

#[test]
fn item1_transcoder_cannot_dodge_its_slash_by_resigning_and_moving() {
	build_and_execute(|| {
		let claim_id = exposed_claim(9 * STAKE);
		assert_eq!(Exposures::<Test>::get(T1), 1);
		// From its claim on, T1 cannot take its own bond out of its pool: not by resigning and
		// moving it to another transcoder ...
		assert_ok!(Staking::resign_transcoder(RuntimeOrigin::signed(T1)));
		assert_noop!(Staking::bond(RuntimeOrigin::signed(T1), 0, T2), EXPOSED_TO_SLASH);
		issue(claim_id);
		assert_noop!(Staking::bond(RuntimeOrigin::signed(T1), 0, T2), EXPOSED_TO_SLASH);
		// ... nor by unbonding it (to rebond it elsewhere).
		assert_noop!(Staking::unbond(RuntimeOrigin::signed(T1), STAKE), EXPOSED_TO_SLASH);
		assert_noop!(
			Staking::unbond(RuntimeOrigin::signed(T1), STAKE - MIN_SELF_BOND),
			EXPOSED_TO_SLASH
		);
		assert_eq!(Staking::delegator_view(&T1).unwrap().transcoder, T1);

		let fee = report_missed_claim(claim_id);
		// The slash falls on T1's own bond as on its delegator's.
		assert_eq!(own_stake(T1), STAKE - STAKE / 10);
		assert_eq!(own_stake(BOB), 9 * STAKE - 9 * STAKE / 10);
		// The finder is paid from what T1 itself lost: 5% of 100.
		assert_eq!(fee, 5);
		// Slashed: nothing else can slash T1 for this claim, it is free to leave.
		assert!(!Exposures::<Test>::contains_key(T1));
		run_to_block(pallet_jobs::Claims::<Test>::get(claim_id).unwrap().payable_at);
		assert_ok!(Staking::bond(RuntimeOrigin::signed(T1), 0, T2));
		assert_eq!(staked(T1), STAKE - STAKE / 10);
	});
}

#[test]
fn item1_transcoder_cannot_dodge_its_slash_by_unbonding_and_rebonding_elsewhere() {
	build_and_execute(|| {
		let claim_id = exposed_claim(9 * STAKE);
		issue(claim_id);
		// The dodge: unbond everything (which resigns), then rebond the lock to T2.
		assert_noop!(Staking::unbond(RuntimeOrigin::signed(T1), STAKE), EXPOSED_TO_SLASH);
		// (There is no lock to rebond, and a registered transcoder delegates nowhere.)
		assert_noop!(Staking::rebond_to(RuntimeOrigin::signed(T1), T2, 0), CANNOT_DELEGATE);
		assert_eq!(Staking::delegator_view(&T1).unwrap().transcoder, T1);
		assert!(Staking::unbonding_locks_view(&T1).is_empty());
		report_missed_claim(claim_id);
		assert_eq!(own_stake(T1), STAKE - STAKE / 10);
	});
}

#[test]
fn item1_a_committee_member_cannot_move_its_bond_until_it_voted() {
	build_and_execute(|| {
		let (claim_id, challenged, _) = proven_claim();
		let member = members(claim_id, challenged[0])[0];
		let other = [T2, T3, T4, T5].into_iter().find(|who| *who != member).unwrap();
		// A silent member is slashed at the deadline: until it votes its bond stays.
		let seats = challenged
			.iter()
			.filter(|seq| members(claim_id, **seq).contains(&member))
			.count();
		assert_eq!(Exposures::<Test>::get(member) as usize, seats);
		assert_noop!(
			Staking::unbond(RuntimeOrigin::signed(member), STAKE - MIN_SELF_BOND),
			EXPOSED_TO_SLASH
		);
		assert_ok!(Staking::resign_transcoder(RuntimeOrigin::signed(member)));
		assert_noop!(Staking::bond(RuntimeOrigin::signed(member), 0, other), EXPOSED_TO_SLASH);
		assert_eq!(Staking::delegator_view(&member).unwrap().transcoder, member);
		// Once it has voted in every committee it sits on, nothing can slash it any more.
		for seq in &challenged {
			if members(claim_id, *seq).contains(&member) {
				vote_as(member, claim_id, *seq, true);
			}
		}
		assert!(!Exposures::<Test>::contains_key(member));
		assert_ok!(Staking::bond(RuntimeOrigin::signed(member), 0, other));
	});
}

#[test]
fn item1_finder_fee_never_exceeds_the_offenders_own_loss() {
	build_and_execute(|| {
		// T1 holds 1% of its pool: a sybil finder of T1 must not profit from T1's missed claim.
		let claim_id = exposed_claim(99 * STAKE);
		let pool = 100 * STAKE;
		let fee = report_missed_claim(claim_id);
		let own_loss = STAKE - own_stake(T1);
		assert_eq!(own_loss, STAKE / 10);
		assert_eq!(own_stake(BOB), 99 * STAKE - 99 * STAKE / 10);
		assert_eq!(Slashes::get().iter().find(|slash| slash.0 == T1).unwrap().3, pool / 10);
		assert!(fee <= own_loss, "finder fee {fee} > the offender's own loss {own_loss}");
		assert_eq!(fee, Perbill::from_percent(5).mul_floor(own_loss));
	});
}
