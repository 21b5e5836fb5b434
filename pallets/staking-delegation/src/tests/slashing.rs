//! Slashing: locks, pending stake, full slashes, the finder fee (issue 12, item 1) and the
//! consequence of a slash (issue 12, low items).

use super::*;

#[test]
fn slash_reaches_unbonding_locks_until_withdrawn() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		// D1 unbonds after an offence that is only reported later.
		assert_ok!(Staking::unbond(origin(D1), 600));
		next_round();
		let issuance = Balances::total_issuance();
		assert_eq!(<Staking as Slashing<u64, u64>>::slash(&T1, pct(25), None, pct(0)), 350);
		run_to_round(UNBONDING_PERIOD);
		assert_ok!(Staking::withdraw_unbonded(origin(D1), 0));
		System::assert_last_event(
			Event::Withdrawn { delegator: D1, lock_id: 0, amount: 450 }.into(),
		);
		assert!(events().contains(&Event::SlashBurned { who: D1, amount: 150 }));
		assert_eq!(free(D1), INITIAL_BALANCE - 1_000 + 450);
		assert_eq!(Balances::total_issuance(), issuance - 150);
		// A lock rebonded after a slash is slashed too.
		assert_ok!(Staking::unbond(origin(D1), 300));
		<Staking as Slashing<u64, u64>>::slash(&T1, pct(50), None, pct(0));
		// T1 resigned with the first slash: D1 bonds the lock to itself.
		assert_noop!(Staking::rebond_to(origin(D1), T1, 1), Error::<Test>::NotATranscoder);
		assert_ok!(Staking::rebond_to(origin(D1), D1, 1));
		assert_eq!(stake(D1), 150);
	});
}

#[test]
fn slash_of_pending_stake_and_without_finder() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		next_round();
		assert_ok!(Staking::bond(origin(D1), 800, T1));
		let issuance = Balances::total_issuance();
		assert_eq!(<Staking as Slashing<u64, u64>>::slash(&T1, pct(10), None, pct(50)), 180);
		assert_eq!(Staking::delegator_view(&D1).unwrap().pending_stake, 720);
		assert_eq!(stake(T1), 900);
		next_round();
		assert_eq!(stake(D1), 720);
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert_eq!(held(D1), 720);
		assert_ok!(Staking::claim_earnings(origin(T1)));
		// No finder: nothing minted, everything burned.
		assert_eq!(Balances::total_issuance(), issuance - 180);
		assert!(!Staking::is_active(&T1));
	});
}

#[test]
fn slash_of_an_unknown_account_or_zero_fraction_does_nothing() {
	build_and_execute(|| {
		assert_eq!(
			<Staking as Slashing<u64, u64>>::slash(&NOBODY, pct(50), Some(FINDER), pct(10)),
			0
		);
		register(T1, 1_000, 0, 0);
		assert_eq!(<Staking as Slashing<u64, u64>>::slash(&T1, pct(0), Some(FINDER), pct(10)), 0);
		assert!(Transcoders::<Test>::contains_key(T1));
		assert_eq!(free(FINDER), 0);
	});
}

#[test]
fn a_full_slash_leaves_a_usable_pool() {
	ExtBuilder::default().fixed_mintable(100).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		<Staking as Slashing<u64, u64>>::slash(&T1, pct(100), None, pct(0));
		assert_eq!(stake(T1), 0);
		assert_ok!(Staking::claim_earnings(origin(T1)));
		assert_eq!(held(T1), 0);
		// A new bond after it is worth what was bonded.
		assert_ok!(Staking::bond(origin(T1), 1_000, T1));
		assert_ok!(Staking::register_transcoder(origin(T1), pct(0), pct(0), 1, uri(b"")));
		next_round();
		assert_eq!(stake(T1), 1_100);
	});
}

#[test]
fn a_full_slash_wipes_the_epoch_but_keeps_fees_and_later_bonds_stay_slashable() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 100);
		assert_ok!(Staking::bond(origin(D1), 1_000, T1));
		next_round();
		assert_ok!(<Staking as TranscoderFees<u64, u64>>::add_fees(&PAYER, &T1, 200));
		assert_eq!(<Staking as Slashing<u64, u64>>::slash(&T1, pct(100), None, pct(0)), 2_000);
		assert_eq!(Pools::<Test>::get(T1).factors.epoch, 1);
		assert_eq!((stake(D1), fees(D1)), (0, 100));
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert_eq!(held(D1), 0);
		assert_ok!(Staking::withdraw_fees(origin(D1), 100));
		// T1 bonds again and re-registers; D1 delegates again, pending (T1 is active).
		assert_ok!(Staking::claim_earnings(origin(T1)));
		register(T1, 1_000, 0, 100);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		assert_eq!((stake(T1), stake(D1)), (1_000, 500));
		let issuance = Balances::total_issuance();
		assert_eq!(<Staking as Slashing<u64, u64>>::slash(&T1, pct(100), None, pct(0)), 1_500);
		assert_eq!((stake(T1), stake(D1)), (0, 0));
		next_round();
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert_ok!(Staking::claim_earnings(origin(T1)));
		assert_eq!((held(T1), held(D1)), (0, 0));
		assert_eq!(Balances::total_issuance(), issuance - 1_500);
	});
}

#[test]
fn item1_finder_fee_is_capped_at_the_transcoders_own_slash() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		register(T1, 1_000, 0, 0);
		assert_ok!(Staking::bond(origin(D1), 99_000, T1));
		let issuance = Balances::total_issuance();
		assert_eq!(
			<Staking as Slashing<u64, u64>>::slash(&T1, pct(10), Some(FINDER), pct(5)),
			10_000
		);
		// T1 itself lost 100 of its 1_000: the finder gets 5% of that, not of the pool's 10_000.
		assert_eq!(free(FINDER), 5);
		assert!(events().contains(&Event::Slashed {
			transcoder: T1,
			fraction: pct(10),
			slashed: 10_000,
			burned_from_pot: 0,
			finder: Some(FINDER),
			finder_reward: 5
		}));
		assert_ok!(Staking::claim_earnings(origin(T1)));
		assert_ok!(Staking::claim_earnings(origin(D1)));
		assert_eq!(Balances::total_issuance(), issuance + 5 - 10_000);

		// A pool without a bond of its transcoder's own pays no finder fee at all.
		assert_ok!(Staking::bond(origin(T2), 500, T2));
		assert_ok!(Staking::register_transcoder(origin(T2), pct(0), pct(0), 1, uri(b"")));
		assert_ok!(Staking::bond(origin(D2), 5_000, T2));
		assert_ok!(Staking::unbond(origin(T2), 500));
		assert_eq!(
			<Staking as Slashing<u64, u64>>::slash(&T2, pct(50), Some(FINDER), pct(5)),
			2_500
		);
		assert_eq!(free(FINDER), 5);
	});
}

/// Issue 12, low items: the consequence of a slash is proportional. A slash below
/// `ResignSlashThreshold` (a missed vote) only takes stake: the transcoder stays registered and
/// active. One at or above it resigns the transcoder, which may register again only from
/// `SlashCooldown` rounds after the slash's round.
#[test]
fn low_slash_consequence_small_slashes_keep_the_transcoder_large_ones_resign_it_for_a_while() {
	ExtBuilder::default().fixed_mintable(0).build_and_execute(|| {
		ResignThreshold::set(pct(5));
		SlashCooldownRounds::set(3);
		register(T1, 1_000, 0, 50);
		next_round();
		assert_eq!(active(), vec![T1]);
		// 1%: stake only.
		assert_eq!(<Staking as Slashing<u64, u64>>::slash(&T1, pct(1), None, pct(0)), 10);
		assert!(Transcoders::<Test>::contains_key(T1));
		next_round();
		assert_eq!(active(), vec![T1]);
		// 5%: resigned, out of the next round, and kept out for two more rounds.
		<Staking as Slashing<u64, u64>>::slash(&T1, pct(5), None, pct(0));
		assert!(!Transcoders::<Test>::contains_key(T1));
		let round = crate::CurrentRound::<Test>::get().index;
		assert_eq!(crate::RegisterCooldown::<Test>::get(T1), Some(round + 3));
		next_round();
		assert!(active().is_empty());
		let again = || {
			Staking::register_transcoder(origin(T1), pct(0), pct(50), 5, uri(b"https://t.example"))
		};
		assert_noop!(again(), Error::<Test>::SlashCooldown);
		next_round();
		assert_noop!(again(), Error::<Test>::SlashCooldown);
		next_round();
		assert_ok!(again());
		assert_eq!(crate::RegisterCooldown::<Test>::get(T1), None);
	});
}
