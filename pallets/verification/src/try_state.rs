//! The pallet's invariants (they read all of its storage: for try-runtime and tests, never
//! for runtime code), checked by the `try_state` hook (try-runtime), after the unit tests
//! and after every step of the property test.

use crate::{pallet::*, CheckStatus};
use alloc::collections::BTreeMap;
use frame_support::ensure;
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// Checks that
	/// - every transcoder's exposure count is exactly its claims whose verification has not
	///   ended plus its committee seats without a vote, and no count is stored as zero;
	/// - segment checks and fee shares exist only for claims under verification, and segment
	///   checks only while the verification runs;
	/// - the `UnvotedSeats` index lists exactly the committee seats without a vote;
	/// - every task queue's head is at most its tail.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut expected: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut count = |who: &T::AccountId| {
			let entry = expected.entry(who.clone()).or_insert(0);
			*entry = entry.saturating_add(1);
		};
		for (_, check) in Checks::<T>::iter() {
			if !check.status.is_final() {
				count(&check.transcoder);
			}
		}
		let mut seats = 0usize;
		for (claim_id, seq, segment) in SegmentChecks::<T>::iter() {
			let check = Checks::<T>::get(claim_id).ok_or("a segment check outlived its claim")?;
			ensure!(
				!check.status.is_final() && check.status != CheckStatus::AwaitingChallenges,
				"a segment check outlived its claim's verification"
			);
			for member in segment.members.iter().filter(|member| member.vote.is_none()) {
				count(&member.who);
				ensure!(
					UnvotedSeats::<T>::contains_key(&member.who, (claim_id, seq)),
					"a seat without a vote is missing from the UnvotedSeats index"
				);
				seats = seats.saturating_add(1);
			}
		}
		ensure!(
			UnvotedSeats::<T>::iter_keys().count() == seats,
			"UnvotedSeats lists a seat that is gone or has voted"
		);
		for (who, exposures) in Exposures::<T>::iter() {
			ensure!(exposures > 0, "an exposure count is stored as zero");
			ensure!(
				expected.remove(&who) == Some(exposures),
				"an exposure count differs from the claims and seats that can slash"
			);
		}
		ensure!(expected.is_empty(), "an exposed transcoder has no exposure count");
		for (claim_id, _) in FeeShares::<T>::iter() {
			ensure!(Checks::<T>::contains_key(claim_id), "fee shares outlived their claim");
		}
		for (_, bounds) in TaskBounds::<T>::iter() {
			ensure!(bounds.head <= bounds.tail, "a task queue's head passed its tail");
		}
		Ok(())
	}
}
