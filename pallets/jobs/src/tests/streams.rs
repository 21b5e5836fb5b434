//! Creating streams.

use super::*;

#[test]
fn create_stream_gives_the_signer_a_new_idle_stream() {
	new_test_ext().execute_with(|| {
		let first = new_stream(ALICE);
		let second = new_stream(ALICE);
		let bobs = new_stream(BOB);
		assert_ne!(first, second);
		assert_ne!(first, bobs);
		let stream = Streams::<Test>::get(first).unwrap();
		assert_eq!(stream.owner, ALICE);
		assert_eq!(stream.title, title("my stream"));
		assert_eq!(stream.status, StreamStatus::Idle);
		assert_eq!(Streams::<Test>::get(bobs).unwrap().owner, BOB);
		assert!(events().contains(&Event::StreamCreated {
			stream_id: bobs,
			owner: BOB,
			title: title("my stream"),
			segment_key: key(),
		}));
	});
}

#[test]
fn item8_create_stream_records_the_segment_key_and_refuses_keys_that_cannot_sign() {
	new_test_ext().execute_with(|| {
		use sp_core::Pair;
		// Any valid sr25519 key, not only the account's own: a broadcaster may sign segments with
		// a key of its encoder and keep its account key offline.
		let encoder = sp_core::sr25519::Pair::from_seed(&[7; 32]).public();
		assert_ok!(Jobs::create_stream(RuntimeOrigin::signed(ALICE), title("s"), encoder));
		let (_, stream) = Streams::<Test>::iter().next().unwrap();
		assert_eq!(stream.segment_key, encoder);
		// Not a Ristretto point (all 0xff), and the identity (whose signatures anyone forges).
		for bad in [[0xff; 32], [0; 32]] {
			assert_noop!(
				Jobs::create_stream(
					RuntimeOrigin::signed(ALICE),
					title("s"),
					sp_core::sr25519::Public::from_raw(bad)
				),
				Error::<Test>::InvalidSegmentKey
			);
		}
	});
}

#[test]
fn create_stream_requires_a_signed_origin() {
	new_test_ext().execute_with(|| {
		assert_noop!(Jobs::create_stream(RuntimeOrigin::none(), title("x"), key()), BadOrigin);
	});
}

#[test]
fn genesis_funds_the_payout_account_with_its_existential_deposit() {
	new_test_ext().execute_with(|| {
		assert_eq!(free(Jobs::payout_account()), EXISTENTIAL_DEPOSIT);
	});
}
