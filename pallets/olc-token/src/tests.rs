use crate::{mock::*, Error, Event, Message, Nickname, SplitFees};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::Balanced, tokens::Precision, OnUnbalanced},
};
use sp_runtime::{traits::BadOrigin, DispatchError, TokenError};

fn nick(s: &[u8]) -> Nickname {
	s.to_vec().try_into().unwrap()
}
fn msg(s: &[u8]) -> Message {
	s.to_vec().try_into().unwrap()
}
fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}

#[test]
fn tip_moves_exactly_the_amount_and_emits_tipped() {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		assert_ok!(OlcToken::tip(
			RuntimeOrigin::signed(ALICE),
			BOB,
			250,
			7,
			nick("小明".as_bytes()),
			msg(b"great stream!")
		));
		assert_eq!(free(ALICE), 750);
		assert_eq!(free(BOB), 350);
		assert_eq!(Balances::total_issuance(), issuance);
		System::assert_last_event(
			Event::Tipped {
				from: ALICE,
				to: BOB,
				amount: 250,
				gift: 7,
				nickname: nick("小明".as_bytes()),
				message: msg(b"great stream!"),
			}
			.into(),
		);
	});
}

#[test]
fn tip_accepts_empty_nickname_and_message_and_exact_minimum() {
	new_test_ext().execute_with(|| {
		assert_ok!(OlcToken::tip(
			RuntimeOrigin::signed(ALICE),
			BOB,
			MIN_TIP,
			0,
			nick(b""),
			msg(b"")
		));
		assert_eq!(free(BOB), 100 + MIN_TIP);
	});
}

#[test]
fn tip_can_create_the_recipient_account_with_at_least_the_existential_deposit() {
	new_test_ext().execute_with(|| {
		assert_ok!(OlcToken::tip(
			RuntimeOrigin::signed(ALICE),
			NOBODY,
			EXISTENTIAL_DEPOSIT,
			1,
			nick(b"a"),
			msg(b"b")
		));
		assert_eq!(free(NOBODY), EXISTENTIAL_DEPOSIT);
	});
}

#[test]
fn tip_requires_a_signed_origin() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			OlcToken::tip(RuntimeOrigin::none(), BOB, 10, 0, nick(b""), msg(b"")),
			BadOrigin
		);
		assert_noop!(
			OlcToken::tip(RuntimeOrigin::root(), BOB, 10, 0, nick(b""), msg(b"")),
			BadOrigin
		);
	});
}

#[test]
fn tip_below_minimum_fails() {
	new_test_ext().execute_with(|| {
		for amount in [0, MIN_TIP - 1] {
			assert_noop!(
				OlcToken::tip(RuntimeOrigin::signed(ALICE), BOB, amount, 0, nick(b""), msg(b"")),
				Error::<Test>::TipBelowMinimum
			);
		}
	});
}

#[test]
fn tip_to_self_fails() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			OlcToken::tip(RuntimeOrigin::signed(ALICE), ALICE, 10, 0, nick(b""), msg(b"")),
			Error::<Test>::TipToSelf
		);
	});
}

#[test]
fn invalid_utf8_nickname_or_message_fails() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			OlcToken::tip(RuntimeOrigin::signed(ALICE), BOB, 10, 0, nick(&[0xff, 0xfe]), msg(b"")),
			Error::<Test>::NicknameNotUtf8
		);
		// A multi-byte character cut in half is not UTF-8 either.
		let cut = &"好".as_bytes()[..2];
		assert_noop!(
			OlcToken::tip(RuntimeOrigin::signed(ALICE), BOB, 10, 0, nick(b"ok"), msg(cut)),
			Error::<Test>::MessageNotUtf8
		);
	});
}

#[test]
fn nickname_and_message_are_bounded_by_their_types() {
	assert!(Nickname::try_from(vec![b'x'; 32]).is_ok());
	assert!(Nickname::try_from(vec![b'x'; 33]).is_err());
	assert!(Message::try_from(vec![b'x'; 140]).is_ok());
	assert!(Message::try_from(vec![b'x'; 141]).is_err());
}

#[test]
fn tip_that_would_create_a_dust_account_fails() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			OlcToken::tip(
				RuntimeOrigin::signed(ALICE),
				NOBODY,
				EXISTENTIAL_DEPOSIT - 1,
				0,
				nick(b""),
				msg(b"")
			),
			Error::<Test>::RecipientBelowExistentialDeposit
		);
		assert_eq!(free(NOBODY), 0);
	});
}

#[test]
fn tip_beyond_spendable_balance_fails_and_never_reaps_the_sender() {
	new_test_ext().execute_with(|| {
		// Charlie has 12 with an existential deposit of 10: only 2 are spendable.
		assert_noop!(
			OlcToken::tip(RuntimeOrigin::signed(CHARLIE), BOB, MIN_TIP, 0, nick(b""), msg(b"")),
			Error::<Test>::InsufficientBalance
		);
		// The whole balance would kill Alice's account: refused too.
		assert_noop!(
			OlcToken::tip(RuntimeOrigin::signed(ALICE), BOB, 1_000, 0, nick(b""), msg(b"")),
			Error::<Test>::InsufficientBalance
		);
		// Everything above the existential deposit is fine.
		assert_ok!(OlcToken::tip(RuntimeOrigin::signed(ALICE), BOB, 990, 0, nick(b""), msg(b"")));
		assert_eq!(free(ALICE), EXISTENTIAL_DEPOSIT);
	});
}

#[test]
fn tip_from_an_account_without_funds_fails() {
	new_test_ext().execute_with(|| {
		let result =
			OlcToken::tip(RuntimeOrigin::signed(NOBODY), BOB, MIN_TIP, 0, nick(b""), msg(b""));
		assert_eq!(result, Err(Error::<Test>::InsufficientBalance.into()));
		assert_ne!(result, Err(DispatchError::Token(TokenError::FundsUnavailable)));
	});
}

#[test]
fn maintainers_pot_exists_from_genesis() {
	new_test_ext().execute_with(|| {
		let pot = OlcToken::maintainers_pot();
		assert_eq!(free(pot), EXISTENTIAL_DEPOSIT);
		assert_ne!(pot, ALICE);
	});
}

fn fee_credit(amount: u64) -> frame_support::traits::fungible::Credit<u64, Balances> {
	// Take the fee from Alice as the transaction payment pallet would.
	<Balances as Balanced<u64>>::withdraw(
		&ALICE,
		amount,
		Precision::Exact,
		frame_support::traits::tokens::Preservation::Preserve,
		frame_support::traits::tokens::Fortitude::Polite,
	)
	.unwrap()
}

#[test]
fn fees_split_80_20_between_author_and_pot() {
	new_test_ext().execute_with(|| {
		let pot = OlcToken::maintainers_pot();
		let issuance = Balances::total_issuance();
		SplitFees::<Test, BlockAuthor>::on_unbalanceds(
			[fee_credit(100), fee_credit(50)].into_iter(),
		);
		assert_eq!(free(AUTHOR), 100 + 120);
		assert_eq!(free(pot), EXISTENTIAL_DEPOSIT + 30);
		assert_eq!(free(ALICE), 1_000 - 150);
		assert_eq!(Balances::total_issuance(), issuance);
	});
}

#[test]
fn fee_rounding_never_loses_a_unit() {
	new_test_ext().execute_with(|| {
		let pot = OlcToken::maintainers_pot();
		SplitFees::<Test, BlockAuthor>::on_unbalanced(fee_credit(7));
		let author_gain = free(AUTHOR) - 100;
		let pot_gain = free(pot) - EXISTENTIAL_DEPOSIT;
		assert_eq!(author_gain + pot_gain, 7);
		assert!(author_gain >= 5 && pot_gain >= 1);
	});
}

#[test]
fn fees_go_to_the_pot_when_no_author_is_known() {
	new_test_ext().execute_with(|| {
		BlockAuthor::set(None);
		let pot = OlcToken::maintainers_pot();
		SplitFees::<Test, BlockAuthor>::on_unbalanced(fee_credit(100));
		assert_eq!(free(pot), EXISTENTIAL_DEPOSIT + 100);
		assert_eq!(free(AUTHOR), 100);
	});
}

#[test]
fn author_share_too_small_for_a_new_account_goes_to_the_pot() {
	new_test_ext().execute_with(|| {
		BlockAuthor::set(Some(NOBODY));
		let pot = OlcToken::maintainers_pot();
		let issuance = Balances::total_issuance();
		// 80% of 5 is 4, below the existential deposit of a new account.
		SplitFees::<Test, BlockAuthor>::on_unbalanced(fee_credit(5));
		assert_eq!(free(NOBODY), 0);
		assert_eq!(free(pot), EXISTENTIAL_DEPOSIT + 5);
		assert_eq!(Balances::total_issuance(), issuance);
	});
}

#[test]
fn tip_to_a_banned_recipient_fails_with_recipient_banned() {
	new_test_ext().execute_with(|| {
		BannedList::set(vec![BOB]);
		assert_noop!(
			OlcToken::tip(RuntimeOrigin::signed(ALICE), BOB, 50, 0, nick(b""), msg(b"")),
			Error::<Test>::RecipientBanned
		);
		// Others can still be tipped; the banned account cannot tip (issue 12, "bans
		// everywhere").
		assert_ok!(OlcToken::tip(
			RuntimeOrigin::signed(ALICE),
			CHARLIE,
			50,
			0,
			nick(b""),
			msg(b"")
		));
		assert_noop!(
			OlcToken::tip(RuntimeOrigin::signed(BOB), ALICE, 50, 0, nick(b""), msg(b"")),
			Error::<Test>::SenderBanned
		);
	});
}

/// Issue 12, low items ("bans everywhere"): a banned account cannot send tips either.
#[test]
fn low_bans_a_banned_account_cannot_send_tips() {
	new_test_ext().execute_with(|| {
		BannedList::mutate(|list| list.push(ALICE));
		assert_noop!(
			OlcToken::tip(RuntimeOrigin::signed(ALICE), BOB, 10, 0, nick(b""), msg(b"")),
			Error::<Test>::SenderBanned
		);
	});
}

/// The invariants hold after genesis and catch a maintainers pot drained below the existential
/// deposit (fee shares credited to a missing pot would be burned).
#[test]
fn try_state_checks_the_maintainers_pot() {
	raw_test_ext().execute_with(|| {
		assert_eq!(OlcToken::do_try_state(), Ok(()));
		let pot = OlcToken::maintainers_pot();
		let _ = <Balances as frame_support::traits::fungible::Mutate<u64>>::set_balance(&pot, 0);
		assert!(OlcToken::do_try_state().is_err());
	});
}
