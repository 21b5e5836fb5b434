//! Maintainers: joining, probation, leaving.

use super::*;

#[test]
fn join_holds_the_bond_and_assigns_an_unchosen_address() {
	build_and_execute(|| {
		let who = maintainer(0);
		let expected = olc_primitives::blake2_256(
			&(crate::ADDRESS_CONTEXT, who, parent_hash_of(1), 0u64).encode(),
		);
		assert_ok!(Reporting::join_maintainers(origin(who)));
		assert_eq!(bond_held(who), BOND);
		assert_eq!(free(who), 10 * BOND - BOND);
		let info = Maintainers::<Test>::get(who).unwrap();
		assert_eq!(info.address, expected);
		assert_eq!(info.full_from, 1 + PROBATION);
		assert_eq!(info.status, MaintainerStatus::Active);
		assert!(events().contains(&Event::MaintainerJoined {
			who,
			address: expected,
			full_from: 1 + PROBATION
		}));
		// Two joins in the same block get different addresses (the counter).
		assert_ok!(Reporting::join_maintainers(origin(maintainer(1))));
		assert_ne!(address_of(maintainer(1)), expected);
		assert_noop!(Reporting::join_maintainers(origin(who)), Error::<Test>::AlreadyMaintainer);
		assert_noop!(Reporting::join_maintainers(RuntimeOrigin::none()), BadOrigin);
		// The view shows public key (account) and address.
		let view = Reporting::maintainer_view(who).unwrap();
		assert_eq!((view.who, view.address, view.full), (who, expected, false));
	});
}

#[test]
fn join_needs_the_bond_and_room_in_the_set() {
	build_and_execute(|| {
		let poor = 77;
		let _ =
			<Balances as frame_support::traits::fungible::Mutate<u64>>::set_balance(&poor, BOND);
		assert_noop!(Reporting::join_maintainers(origin(poor)), Error::<Test>::InsufficientBalance);
		for i in 0..MAX_MAINTAINERS as u64 {
			let who = 1_000 + i;
			let _ = <Balances as frame_support::traits::fungible::Mutate<u64>>::set_balance(
				&who,
				2 * BOND,
			);
			assert_ok!(Reporting::join_maintainers(origin(who)));
		}
		assert_noop!(
			Reporting::join_maintainers(origin(maintainer(0))),
			Error::<Test>::TooManyMaintainers
		);
	});
}

#[test]
fn probation_keeps_new_maintainers_out_of_groups() {
	build_and_execute(|| {
		full(13);
		assert_eq!(Reporting::full_maintainers_view().len(), 13);
		join(13..20);
		assert_eq!(Reporting::full_maintainers_view().len(), 13);
		let (_, report_id, members) = report_alice();
		// Only the 13 full ones, although 7 probationers exist.
		let mut sorted = members.clone();
		sorted.sort();
		assert_eq!(sorted, (0..13).map(maintainer).collect::<Vec<_>>());
		assert_eq!(Reports::<Test>::get(report_id).unwrap().quorum, QUORUM);
		run_to_block(now() + PROBATION);
		assert_eq!(Reporting::full_maintainers_view().len(), 20);
		assert!(Reporting::maintainer_view(maintainer(19)).unwrap().full);
	});
}

#[test]
fn leave_releases_the_bond_only_after_the_voting_period_and_rejoin_gives_a_new_address() {
	build_and_execute(|| {
		let who = maintainer(0);
		full(1);
		let first = address_of(who);
		assert_noop!(Reporting::withdraw_bond(origin(who)), Error::<Test>::NotLeaving);
		assert_ok!(Reporting::leave_maintainers(origin(who)));
		let until = now() + VOTING;
		assert!(events().contains(&Event::MaintainerLeft { who, withdrawable_at: until }));
		assert!(!in_set(who));
		assert_noop!(Reporting::leave_maintainers(origin(who)), Error::<Test>::AlreadyLeaving);
		assert_noop!(Reporting::join_maintainers(origin(who)), Error::<Test>::AlreadyMaintainer);
		run_to_block(until - 1);
		assert_noop!(Reporting::withdraw_bond(origin(who)), Error::<Test>::BondStillLocked);
		run_to_block(until);
		assert_ok!(Reporting::withdraw_bond(origin(who)));
		assert_eq!(bond_held(who), 0);
		assert_eq!(free(who), 10 * BOND);
		assert!(Maintainers::<Test>::get(who).is_none());
		assert_noop!(Reporting::withdraw_bond(origin(who)), Error::<Test>::NotMaintainer);
		assert_noop!(Reporting::leave_maintainers(origin(who)), Error::<Test>::NotMaintainer);
		// Rejoining: a new address and a new probation.
		assert_ok!(Reporting::join_maintainers(origin(who)));
		assert_ne!(address_of(who), first);
		assert_eq!(Maintainers::<Test>::get(who).unwrap().full_from, now() + PROBATION);
		assert!(Reporting::full_maintainers_view().is_empty());
	});
}
