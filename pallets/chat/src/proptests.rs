//! Property test: random sequences of allowances taken and given up, chat keys set and removed
//! (including keys that are other accounts' own keys) and bans keep the pallet consistent.
//! After every step:
//! - each account's deposit hold is the deposit exactly while it has an allowance;
//! - the store allowance key of a 32-byte key is set exactly when the key is the own key of an
//!   account with an allowance or the chat key of one;
//! - the validation maps every signer to the account it speaks for, and refuses banned accounts;
//! - the pallet's own invariants hold (`do_try_state`).

use crate::{mock::*, *};
use codec::Encode;
use frame_support::traits::fungible::InspectHold;
use olc_primitives::chat::{ChatMessageV1, ChatPayload};
use proptest::prelude::*;

/// Accounts 1..=4 (alice, bob, poor, and 4) and chat keys drawn among 40..=43 and the accounts'
/// own keys.
const ACCOUNTS: [u8; 4] = [1, 2, 3, 9];

#[derive(Debug, Clone)]
enum Op {
	Take { who: usize },
	GiveUp { who: usize },
	SetKey { who: usize, key: u8 },
	RemoveKey { who: usize },
	Ban { who: usize },
}

fn op() -> impl Strategy<Value = Op> {
	let who = 0..ACCOUNTS.len();
	prop_oneof![
		who.clone().prop_map(|who| Op::Take { who }),
		who.clone().prop_map(|who| Op::GiveUp { who }),
		(who.clone(), prop_oneof![40u8..44, Just(1u8), Just(2u8), Just(9u8)])
			.prop_map(|(who, key)| Op::SetKey { who, key }),
		who.clone().prop_map(|who| Op::RemoveKey { who }),
		who.prop_map(|who| Op::Ban { who }),
	]
}

fn data() -> Vec<u8> {
	ChatPayload::V1(ChatMessageV1 {
		kind: olc_primitives::chat::ChatKind::Chat,
		nickname: vec![],
		text: b"hi".to_vec(),
		client_timestamp_ms: 0,
		segment_seq: 0,
	})
	.encode()
}

fn check_state() {
	Pallet::<Test>::do_try_state().unwrap();
	let reason: RuntimeHoldReason = HoldReason::ChatDeposit.into();
	for n in ACCOUNTS {
		let who = account(n);
		let held = Balances::balance_on_hold(&reason, &who);
		let has = Allowances::<Test>::contains_key(&who);
		assert_eq!(held, if has { DEPOSIT } else { 0 }, "deposit of account {n}");
	}
	for key in (40u8..44).chain(ACCOUNTS) {
		let key_bytes = [key; 32];
		let owner = ChatKeys::<Test>::get(key_bytes)
			.or_else(|| Allowances::<Test>::contains_key(account(key)).then(|| account(key)));
		let stored = frame_support::storage::unhashed::exists(&allowance_storage_key(&key_bytes));
		assert_eq!(stored, owner.is_some(), "store allowance of key {key}");
		let verdict = Pallet::<Test>::validate_chat_statement(key_bytes, STREAM, &data());
		match owner {
			None => assert_eq!(verdict, Err(ChatRefusal::NoAllowance)),
			Some(who) if BannedList::get().contains(&who) => {
				assert_eq!(verdict, Err(ChatRefusal::Banned))
			},
			Some(who) => assert_eq!(verdict, Ok(who)),
		}
	}
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

	#[test]
	fn allowances_keys_and_bans_stay_consistent(ops in prop::collection::vec(op(), 1..40)) {
		new_test_ext().execute_with(|| {
			for op in ops {
				let origin = |who: usize| RuntimeOrigin::signed(account(ACCOUNTS[who]));
				// Calls may fail (that is part of the test); the state must stay consistent.
				let _ = match op {
					Op::Take { who } => Chat::take_allowance(origin(who)),
					Op::GiveUp { who } => Chat::give_up_allowance(origin(who)),
					Op::SetKey { who, key } => Chat::set_chat_key(origin(who), [key; 32]),
					Op::RemoveKey { who } => Chat::remove_chat_key(origin(who)),
					Op::Ban { who } => {
						BannedList::mutate(|list| list.push(account(ACCOUNTS[who])));
						Ok(())
					},
				};
				check_state();
			}
		});
	}
}
