//! Unit tests of pallet-chat: allowances and deposits, chat keys, mutes, and the validation of
//! chat statements with every named refusal that needs chain state.

use crate::{mock::*, *};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use olc_primitives::chat::{ChatMessageV1, ChatPayload, DanmakuPosition};

const KEY: ChatKey = [42; 32];
const KEY2: ChatKey = [43; 32];

fn origin(who: &sp_runtime::AccountId32) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.clone())
}

fn hold_reason() -> RuntimeHoldReason {
	HoldReason::ChatDeposit.into()
}

fn store_allowance_of(key: &[u8]) -> Option<StatementAllowance> {
	frame_support::storage::unhashed::get(&allowance_storage_key(key))
}

fn payload(kind: ChatKind, text: &[u8]) -> Vec<u8> {
	ChatPayload::V1(ChatMessageV1 {
		kind,
		nickname: b"viewer".to_vec(),
		text: text.to_vec(),
		client_timestamp_ms: 1,
		segment_seq: 3,
	})
	.encode()
}

fn validate(signer: ChatKey, data: &[u8]) -> Result<sp_runtime::AccountId32, ChatRefusal> {
	Chat::validate_chat_statement(signer, STREAM, data)
}

#[test]
fn take_allowance_holds_the_deposit_and_grants_the_store_allowance() {
	run(|| {
		assert_ok!(Chat::take_allowance(origin(&alice())));
		assert_eq!(Balances::balance_on_hold(&hold_reason(), &alice()), DEPOSIT);
		assert_eq!(Balances::balance(&alice()), 1_000 - DEPOSIT);
		assert_eq!(
			store_allowance_of(alice().as_ref()),
			Some(StatementAllowance { max_count: 16, max_size: 4096 })
		);
		System::assert_last_event(Event::AllowanceTaken { who: alice(), deposit: DEPOSIT }.into());
		assert_noop!(Chat::take_allowance(origin(&alice())), Error::<Test>::AlreadyHasAllowance);
	});
}

#[test]
fn take_allowance_refuses_banned_and_poor_accounts() {
	run(|| {
		BannedList::set(vec![bob()]);
		assert_noop!(Chat::take_allowance(origin(&bob())), Error::<Test>::Banned);
		// 50 free, deposit 100.
		assert!(Chat::take_allowance(origin(&poor())).is_err());
		assert!(Allowances::<Test>::get(poor()).is_none());
		assert!(store_allowance_of(poor().as_ref()).is_none());
	});
}

#[test]
fn give_up_releases_the_deposit_and_revokes_both_keys() {
	run(|| {
		assert_noop!(Chat::give_up_allowance(origin(&alice())), Error::<Test>::NoAllowance);
		assert_ok!(Chat::take_allowance(origin(&alice())));
		assert_ok!(Chat::set_chat_key(origin(&alice()), KEY));
		assert!(store_allowance_of(&KEY).is_some());
		assert_ok!(Chat::give_up_allowance(origin(&alice())));
		assert_eq!(Balances::balance_on_hold(&hold_reason(), &alice()), 0);
		assert_eq!(Balances::balance(&alice()), 1_000);
		assert!(store_allowance_of(&KEY).is_none());
		assert!(store_allowance_of(alice().as_ref()).is_none());
		assert!(ChatKeys::<Test>::get(KEY).is_none());
		assert_eq!(validate(KEY, &payload(ChatKind::Chat, b"hi")), Err(ChatRefusal::NoAllowance));
	});
}

#[test]
fn a_banned_account_may_still_give_up_and_get_its_deposit_back() {
	run(|| {
		assert_ok!(Chat::take_allowance(origin(&alice())));
		BannedList::set(vec![alice()]);
		assert_ok!(Chat::give_up_allowance(origin(&alice())));
		assert_eq!(Balances::balance(&alice()), 1_000);
	});
}

#[test]
fn set_chat_key_replaces_the_previous_key_and_refuses_keys_in_use() {
	run(|| {
		assert_noop!(Chat::set_chat_key(origin(&alice()), KEY), Error::<Test>::NoAllowance);
		assert_ok!(Chat::take_allowance(origin(&alice())));
		assert_ok!(Chat::take_allowance(origin(&bob())));
		assert_ok!(Chat::set_chat_key(origin(&alice()), KEY));
		assert_eq!(ChatKeys::<Test>::get(KEY), Some(alice()));
		assert_noop!(Chat::set_chat_key(origin(&bob()), KEY), Error::<Test>::ChatKeyInUse);
		assert_noop!(Chat::set_chat_key(origin(&alice()), KEY), Error::<Test>::ChatKeyInUse);
		// Bob's own key cannot become Alice's chat key, nor Alice's her own.
		let bob_key: ChatKey = bob().into();
		assert_noop!(Chat::set_chat_key(origin(&alice()), bob_key), Error::<Test>::ChatKeyInUse);
		let alice_key: ChatKey = alice().into();
		assert_noop!(
			Chat::set_chat_key(origin(&alice()), alice_key),
			Error::<Test>::ChatKeyIsAccount
		);
		assert_ok!(Chat::set_chat_key(origin(&alice()), KEY2));
		assert!(ChatKeys::<Test>::get(KEY).is_none());
		assert!(store_allowance_of(&KEY).is_none());
		assert!(store_allowance_of(&KEY2).is_some());
		assert_eq!(validate(KEY, &payload(ChatKind::Chat, b"hi")), Err(ChatRefusal::NoAllowance));
		assert_eq!(validate(KEY2, &payload(ChatKind::Chat, b"hi")), Ok(alice()));
	});
}

#[test]
fn an_account_whose_key_is_a_chat_key_cannot_take_an_allowance() {
	run(|| {
		assert_ok!(Chat::take_allowance(origin(&alice())));
		let bob_key: ChatKey = bob().into();
		assert_ok!(Chat::set_chat_key(origin(&alice()), bob_key));
		assert_noop!(Chat::take_allowance(origin(&bob())), Error::<Test>::ChatKeyInUse);
	});
}

#[test]
fn remove_chat_key_keeps_the_allowance() {
	run(|| {
		assert_ok!(Chat::take_allowance(origin(&alice())));
		assert_noop!(Chat::remove_chat_key(origin(&alice())), Error::<Test>::NoChatKey);
		assert_ok!(Chat::set_chat_key(origin(&alice()), KEY));
		assert_ok!(Chat::remove_chat_key(origin(&alice())));
		assert!(store_allowance_of(&KEY).is_none());
		assert!(store_allowance_of(alice().as_ref()).is_some());
		assert_eq!(validate(alice().into(), &payload(ChatKind::Chat, b"hi")), Ok(alice()));
	});
}

#[test]
fn validation_maps_chat_keys_and_own_keys_to_accounts() {
	run(|| {
		let data = payload(ChatKind::Chat, b"hello");
		assert_eq!(validate(KEY, &data), Err(ChatRefusal::NoAllowance));
		assert_eq!(validate(alice().into(), &data), Err(ChatRefusal::NoAllowance));
		assert_ok!(Chat::take_allowance(origin(&alice())));
		assert_eq!(validate(alice().into(), &data), Ok(alice()));
		assert_ok!(Chat::set_chat_key(origin(&alice()), KEY));
		assert_eq!(validate(KEY, &data), Ok(alice()));
	});
}

#[test]
fn validation_refuses_banned_accounts_and_their_chat_keys() {
	run(|| {
		assert_ok!(Chat::take_allowance(origin(&alice())));
		assert_ok!(Chat::set_chat_key(origin(&alice()), KEY));
		BannedList::set(vec![alice()]);
		let data = payload(ChatKind::Chat, b"hello");
		assert_eq!(validate(KEY, &data), Err(ChatRefusal::Banned));
		assert_eq!(validate(alice().into(), &data), Err(ChatRefusal::Banned));
	});
}

#[test]
fn validation_refuses_malformed_payloads_by_name() {
	run(|| {
		assert_ok!(Chat::take_allowance(origin(&alice())));
		let me: ChatKey = alice().into();
		assert_eq!(validate(me, &payload(ChatKind::Chat, &[0xff])), Err(ChatRefusal::TextNotUtf8));
		assert_eq!(
			validate(me, &payload(ChatKind::Chat, &[b'x'; 141])),
			Err(ChatRefusal::TextTooLong)
		);
		let red = ChatKind::Danmaku { position: DanmakuPosition::Scroll, colour: 0xff0000 };
		assert_eq!(validate(me, &payload(red, b"ok")), Ok(alice()));
		assert_eq!(validate(me, &[]), Err(ChatRefusal::NoData));
	});
}

#[test]
fn validation_refuses_unknown_streams_mutes_and_foreign_system_notices() {
	run(|| {
		assert_ok!(Chat::take_allowance(origin(&alice())));
		assert_ok!(Chat::take_allowance(origin(&broadcaster())));
		let me: ChatKey = alice().into();
		let data = payload(ChatKind::Chat, b"hi");
		assert_eq!(
			Chat::validate_chat_statement(me, StreamId([8; 32]), &data),
			Err(ChatRefusal::UnknownStream)
		);
		let notice = payload(ChatKind::System, b"stream starts");
		assert_eq!(validate(me, &notice), Err(ChatRefusal::SystemNotBroadcaster));
		assert_eq!(validate(broadcaster().into(), &notice), Ok(broadcaster()));

		assert_ok!(Chat::mute(origin(&broadcaster()), STREAM, alice()));
		assert_eq!(validate(me, &data), Err(ChatRefusal::Muted));
		assert_ok!(Chat::unmute(origin(&broadcaster()), STREAM, alice()));
		assert_eq!(validate(me, &data), Ok(alice()));
	});
}

#[test]
fn only_the_stream_owner_mutes_and_unmutes() {
	run(|| {
		assert_noop!(Chat::mute(origin(&alice()), STREAM, bob()), Error::<Test>::NotStreamOwner);
		assert_noop!(
			Chat::mute(origin(&broadcaster()), StreamId([8; 32]), bob()),
			Error::<Test>::UnknownStream
		);
		assert_noop!(
			Chat::mute(origin(&broadcaster()), STREAM, broadcaster()),
			Error::<Test>::CannotMuteOwner
		);
		assert_noop!(Chat::unmute(origin(&broadcaster()), STREAM, bob()), Error::<Test>::NotMuted);
		assert_ok!(Chat::mute(origin(&broadcaster()), STREAM, bob()));
		System::assert_last_event(Event::Muted { stream: STREAM, who: bob() }.into());
		assert_noop!(
			Chat::mute(origin(&broadcaster()), STREAM, bob()),
			Error::<Test>::AlreadyMuted
		);
		assert_noop!(Chat::unmute(origin(&alice()), STREAM, bob()), Error::<Test>::NotStreamOwner);
		assert_ok!(Chat::unmute(origin(&broadcaster()), STREAM, bob()));
		assert!(!Muted::<Test>::contains_key(STREAM, bob()));
	});
}
