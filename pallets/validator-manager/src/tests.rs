//! Unit tests: the calls, their errors, and what pallet-session is handed per session.

use crate::{mock::*, Error, Event, SessionLength, SetChanged, Validators};
use frame_support::{assert_noop, assert_ok};
use pallet_session::SessionManager;
use sp_runtime::DispatchError;

fn set() -> Vec<u64> {
	Validators::<Test>::get().into_inner()
}

fn last_event() -> Event<Test> {
	let record = System::events().pop().expect("an event");
	match record.event {
		RuntimeEvent::ValidatorManager(event) => event,
		other => panic!("unexpected event {other:?}"),
	}
}

#[test]
fn genesis_set_is_the_first_session_set() {
	run(|| {
		assert_eq!(set(), vec![1, 2, 3]);
		assert_eq!(ValidatorManager::new_session_genesis(0), Some(vec![1, 2, 3]));
		// Unchanged: pallet-session keeps its set.
		assert_eq!(ValidatorManager::new_session(1), None);
		assert_eq!(ValidatorManager::session_length(), 10);
	});
}

#[test]
fn add_validator_is_handed_over_at_the_next_planning_only() {
	run(|| {
		assert_ok!(ValidatorManager::add_validator(RuntimeOrigin::root(), 4));
		assert_eq!(last_event(), Event::ValidatorAdded { who: 4 });
		assert_eq!(set(), vec![1, 2, 3, 4]);
		assert!(SetChanged::<Test>::get());
		assert_eq!(ValidatorManager::new_session(2), Some(vec![1, 2, 3, 4]));
		assert_eq!(last_event(), Event::ValidatorSetPlanned { session: 2, validators: 4 });
		assert!(!SetChanged::<Test>::get());
		assert_eq!(ValidatorManager::new_session(3), None);
	});
}

#[test]
fn several_changes_in_a_session_are_handed_over_together() {
	run(|| {
		assert_ok!(ValidatorManager::add_validator(RuntimeOrigin::root(), 4));
		assert_ok!(ValidatorManager::remove_validator(RuntimeOrigin::root(), 1));
		assert_eq!(ValidatorManager::new_session(2), Some(vec![2, 3, 4]));
	});
}

#[test]
fn only_the_manager_origin_changes_the_set() {
	run(|| {
		assert_noop!(
			ValidatorManager::add_validator(RuntimeOrigin::signed(4), 4),
			DispatchError::BadOrigin
		);
		assert_noop!(
			ValidatorManager::remove_validator(RuntimeOrigin::signed(1), 1),
			DispatchError::BadOrigin
		);
		assert_eq!(ValidatorManager::new_session(2), None);
	});
}

#[test]
fn add_validator_errors() {
	run(|| {
		assert_noop!(
			ValidatorManager::add_validator(RuntimeOrigin::root(), 2),
			Error::<Test>::AlreadyValidator
		);
		assert_noop!(
			ValidatorManager::add_validator(RuntimeOrigin::root(), 99),
			Error::<Test>::NoSessionKeys
		);
		assert_ok!(ValidatorManager::add_validator(RuntimeOrigin::root(), 4));
		// MaxValidators is 4.
		assert_noop!(
			ValidatorManager::add_validator(RuntimeOrigin::root(), 5),
			Error::<Test>::TooManyValidators
		);
	});
}

#[test]
fn the_last_validators_cannot_be_removed() {
	run(|| {
		assert_noop!(
			ValidatorManager::remove_validator(RuntimeOrigin::root(), 9),
			Error::<Test>::NotValidator
		);
		assert_ok!(ValidatorManager::remove_validator(RuntimeOrigin::root(), 2));
		assert_eq!(last_event(), Event::ValidatorRemoved { who: 2 });
		assert_eq!(set(), vec![1, 3]);
		// MinValidators is 2.
		assert_noop!(
			ValidatorManager::remove_validator(RuntimeOrigin::root(), 1),
			Error::<Test>::TooFewValidators
		);
		MinValidators::set(1);
		assert_ok!(ValidatorManager::remove_validator(RuntimeOrigin::root(), 1));
		assert_noop!(
			ValidatorManager::remove_validator(RuntimeOrigin::root(), 3),
			Error::<Test>::TooFewValidators
		);
		assert_eq!(ValidatorManager::new_session(2), Some(vec![3]));
	});
}

#[test]
fn removed_validator_may_come_back() {
	run(|| {
		assert_ok!(ValidatorManager::remove_validator(RuntimeOrigin::root(), 1));
		assert_ok!(ValidatorManager::add_validator(RuntimeOrigin::root(), 1));
		assert_eq!(set(), vec![2, 3, 1]);
	});
}

#[test]
fn session_length_defaults_when_genesis_leaves_it_out() {
	run(|| {
		SessionLength::<Test>::kill();
		assert_eq!(ValidatorManager::session_length(), 100);
		SessionLength::<Test>::put(0);
		assert_eq!(ValidatorManager::session_length(), 100);
		assert_eq!(<crate::SessionLengthOf<Test> as frame_support::traits::Get<u64>>::get(), 100);
	});
}

#[test]
fn try_state_catches_a_duplicate() {
	new_test_ext().execute_with(|| {
		Validators::<Test>::put(frame_support::BoundedVec::truncate_from(vec![1, 1, 2]));
		assert!(ValidatorManager::do_try_state().is_err());
	});
}
