//! `register_transcoder`, `update_transcoder` and `resign_transcoder`.

use super::*;

#[test]
fn register_transcoder_works_and_takes_effect_next_round() {
	build_and_execute(|| {
		assert_ok!(Staking::bond(origin(T1), MIN_SELF_BOND, T1));
		assert_ok!(Staking::register_transcoder(origin(T1), pct(10), pct(60), 7, uri(b"u")));
		let info = Transcoders::<Test>::get(T1).unwrap();
		assert_eq!(
			info.terms,
			TranscoderTerms { reward_cut: pct(10), fee_share: pct(60), price_per_segment: 7 }
		);
		assert_eq!((info.registered_round, info.registration_index), (0, 0));
		assert_eq!(Candidates::<Test>::get().into_inner(), vec![T1]);
		System::assert_last_event(
			Event::TranscoderRegistered {
				transcoder: T1,
				terms: info.terms,
				service_uri: uri(b"u"),
			}
			.into(),
		);
		assert!(!Staking::is_active(&T1));
		next_round();
		assert!(Staking::is_active(&T1));
		let view = Staking::transcoder_view(&T1).unwrap();
		assert!(view.registered && view.active);
		assert_eq!(view.round_terms, Some(info.terms));
		assert_eq!(view.service_uri, uri(b"u"));
	});
}

#[test]
fn register_transcoder_errors() {
	build_and_execute(|| {
		let reg = |who| Staking::register_transcoder(origin(who), pct(1), pct(1), 1, uri(b""));
		assert_noop!(
			Staking::register_transcoder(RuntimeOrigin::none(), pct(1), pct(1), 1, uri(b"")),
			BadOrigin
		);
		assert_noop!(reg(T1), Error::<Test>::NotBonded);
		assert_ok!(Staking::bond(origin(T1), MIN_SELF_BOND - 1, T1));
		assert_noop!(reg(T1), Error::<Test>::SelfBondBelowMinimum);
		assert_ok!(Staking::bond(origin(T1), 1, T1));
		assert_ok!(reg(T1));
		assert_noop!(reg(T1), Error::<Test>::AlreadyTranscoder);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		assert_noop!(reg(D1), Error::<Test>::NotSelfBonded);
	});
}

#[test]
fn a_full_transcoder_pool_evicts_the_weakest_for_a_stronger_newcomer() {
	ExtBuilder::default()
		.balances((1..=6).map(|who| (who, INITIAL_BALANCE)).collect())
		.build_and_execute(|| {
			for who in 1..=4u64 {
				register(who, 100 * who + 100, 0, 0);
			}
			assert_eq!(Candidates::<Test>::get().len() as u32, MAX_TRANSCODERS);
			// 200 does not beat the weakest (T1, 200): ties keep the incumbent.
			assert_ok!(Staking::bond(origin(5), 200, 5));
			assert_noop!(
				Staking::register_transcoder(origin(5), pct(1), pct(1), 1, uri(b"")),
				Error::<Test>::TranscoderPoolFull
			);
			assert_ok!(Staking::bond(origin(5), 1, 5));
			assert_ok!(Staking::register_transcoder(origin(5), pct(1), pct(1), 1, uri(b"")));
			assert!(events().contains(&Event::TranscoderEvicted { transcoder: 1, by: 5 }));
			assert!(!Transcoders::<Test>::contains_key(1));
			assert_eq!(Candidates::<Test>::get().into_inner(), vec![2, 3, 4, 5]);
			// The evicted transcoder keeps its bond.
			assert_eq!(held(1), 200);
		});
}

#[test]
fn update_transcoder_takes_effect_next_round() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		next_round();
		assert_ok!(Staking::update_transcoder(origin(T1), pct(30), pct(20), 9, uri(b"new")));
		let new_terms =
			TranscoderTerms { reward_cut: pct(30), fee_share: pct(20), price_per_segment: 9 };
		System::assert_last_event(
			Event::TranscoderUpdated { transcoder: T1, terms: new_terms, service_uri: uri(b"new") }
				.into(),
		);
		// This round still runs on the old terms.
		assert_eq!(ActiveSet::<Test>::get()[0].terms.reward_cut, pct(10));
		next_round();
		assert_eq!(ActiveSet::<Test>::get()[0].terms, new_terms);
	});
}

#[test]
fn update_transcoder_in_the_lock_window_only_lowers_the_price() {
	build_and_execute(|| {
		register(T1, 1_000, 10, 50);
		next_round(); // starts at block 10; the window is its last block (19)
		for _ in 0..ROUND_LENGTH - 2 {
			next_block();
		}
		assert_eq!(System::block_number(), 18);
		assert!(!Staking::in_lock_window());
		assert_ok!(Staking::update_transcoder(origin(T1), pct(10), pct(50), 6, uri(b"a")));
		next_block();
		assert!(Staking::in_lock_window());
		assert!(Staking::round_view().lock_window);
		assert_noop!(
			Staking::update_transcoder(origin(T1), pct(11), pct(50), 6, uri(b"a")),
			Error::<Test>::RatesLockedInWindow
		);
		assert_noop!(
			Staking::update_transcoder(origin(T1), pct(10), pct(49), 6, uri(b"a")),
			Error::<Test>::RatesLockedInWindow
		);
		assert_noop!(
			Staking::update_transcoder(origin(T1), pct(10), pct(50), 7, uri(b"a")),
			Error::<Test>::PriceIncreaseInWindow
		);
		assert_ok!(Staking::update_transcoder(origin(T1), pct(10), pct(50), 4, uri(b"b")));
		assert_eq!(Transcoders::<Test>::get(T1).unwrap().terms.price_per_segment, 4);
		next_block();
		assert!(!Staking::in_lock_window());
	});
}

#[test]
fn update_transcoder_requires_a_registered_transcoder() {
	build_and_execute(|| {
		assert_noop!(
			Staking::update_transcoder(origin(T1), pct(1), pct(1), 1, uri(b"")),
			Error::<Test>::NotATranscoder
		);
	});
}

#[test]
fn resign_transcoder_leaves_the_active_set_at_the_next_round() {
	build_and_execute(|| {
		assert_noop!(Staking::resign_transcoder(origin(T1)), Error::<Test>::NotATranscoder);
		register(T1, 1_000, 10, 50);
		assert_ok!(Staking::bond(origin(D1), 500, T1));
		next_round();
		assert_ok!(Staking::resign_transcoder(origin(T1)));
		System::assert_last_event(Event::TranscoderResigned { transcoder: T1 }.into());
		assert!(Candidates::<Test>::get().is_empty());
		assert!(Staking::is_active(&T1));
		next_round();
		assert!(!Staking::is_active(&T1));
		// Bonds stay; a delegator can no longer bond more to it, but can move away.
		assert_eq!(held(T1), stake(T1));
		assert_noop!(Staking::bond(origin(D1), 1, T1), Error::<Test>::NotATranscoder);
		register(T2, 1_000, 0, 0);
		assert_ok!(Staking::bond(origin(D1), 0, T2));
		assert_eq!(Delegators::<Test>::get(D1).unwrap().transcoder, T2);
	});
}
