//! Banned accounts (pallet-reporting): releasing all their stake, and no bonding, rebonding or
//! registering while banned (issue 12, low items).

use super::*;

#[test]
fn release_all_frees_bond_locks_and_fees_of_a_delegator() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 50);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		assert_ok!(Staking::unbond(origin(D1), 400));
		next_round();
		next_round();
		// 200 in fees, half of them to the 1_600 earning stake: D1 gets 600/1600 of 100.
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 200));
		<Staking as Slashing<u64, u64>>::slash(&T1, pct(25), None, pct(0));
		let issuance = Balances::total_issuance();
		let total_bonded = TotalBonded::<Test>::get();
		// bond 600 → 450 after the slash, lock 400 → 300, fees 37.
		assert_eq!(Staking::release_all(&D1), Ok(450 + 300 + 37));
		assert_eq!(held(D1), 0);
		assert_eq!(free(D1), INITIAL_BALANCE - 1_000 + 450 + 300 + 37);
		assert!(Delegators::<Test>::get(D1).is_none());
		assert_eq!(UnbondingLocks::<Test>::iter_prefix(D1).count(), 0);
		assert_eq!(TotalBonded::<Test>::get(), total_bonded - 450);
		assert_eq!(Pools::<Test>::get(T1).earning, 750);
		// Slashed principal was burned, nothing else.
		assert_eq!(Balances::total_issuance(), issuance - 150 - 100);
		assert!(events().contains(&Event::StakeReleased { who: D1, amount: 787 }));
		// Nothing left: a second call releases nothing.
		assert_eq!(Staking::release_all(&D1), Ok(0));
		assert_eq!(Staking::release_all(&NOBODY), Ok(0));
	});
}

#[test]
fn release_all_resigns_a_transcoder() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		next_round();
		assert_eq!(active(), vec![T1]);
		Deactivated::take();
		assert_eq!(Staking::release_all(&T1), Ok(1_000));
		assert_eq!(free(T1), INITIAL_BALANCE);
		assert!(!Transcoders::<Test>::contains_key(T1));
		assert!(!Candidates::<Test>::get().contains(&T1));
		assert_eq!(Deactivated::get(), vec![T1]);
		assert_eq!(TotalBonded::<Test>::get(), 500);
		next_round();
		assert!(active().is_empty());
		// The delegator keeps its bond.
		assert_eq!(stake(D1), 500);
	});
}

/// Issue 12, low items: a banned account (pallet-reporting's ban list, `BannedAccounts`) may not
/// bond, rebond or register as a transcoder; once the ban is lifted it may again.
#[test]
fn low_bans_a_banned_account_cannot_bond_rebond_or_register() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		assert_ok!(Staking::bond(origin(T2), 500, T2));
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		assert_ok!(Staking::unbond(origin(D1), 100));
		BannedList::set(vec![D1, D2, T2]);
		assert_noop!(Staking::bond(origin(D1), 100, T1), Error::<Test>::AccountBanned);
		assert_noop!(Staking::bond(origin(D2), 100, T1), Error::<Test>::AccountBanned);
		assert_noop!(Staking::bond(origin(T2), 100, T2), Error::<Test>::AccountBanned);
		assert_noop!(Staking::rebond(origin(D1), 0), Error::<Test>::AccountBanned);
		assert_noop!(Staking::rebond_to(origin(D1), T1, 0), Error::<Test>::AccountBanned);
		assert_noop!(
			Staking::register_transcoder(origin(T2), pct(10), pct(50), 5, uri(b"https://t2")),
			Error::<Test>::AccountBanned
		);
		BannedList::set(vec![]);
		assert_ok!(Staking::rebond(origin(D1), 0));
		assert_ok!(Staking::register_transcoder(
			origin(T2),
			pct(10),
			pct(50),
			5,
			uri(b"https://t2")
		));
	});
}
