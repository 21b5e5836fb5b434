//! The pallet's invariants (they read all of its storage: for try-runtime and tests, never for
//! runtime code), checked by the `try_state` hook (try-runtime) and after every unit test.

use crate::{pallet::*, types::*};
use frame_support::{
	ensure,
	traits::{fungible::Inspect, GetStorageVersion},
};
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// Checks that
	/// - the maintainers pot exists: it holds at least the existential deposit (genesis mints
	///   it and payouts keep it), so a fee share below the existential deposit credited to it is
	///   never burned;
	/// - the fee split gives out every fee: the author's and the pot's shares add up to 100%;
	/// - the storage layout on chain is the one this code reads.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let pot = Self::maintainers_pot();
		ensure!(
			T::Currency::balance(&pot) >= T::Currency::minimum_balance(),
			"the maintainers pot holds less than the existential deposit"
		);
		ensure!(
			AUTHOR_FEE_PERCENT.saturating_add(MAINTAINERS_FEE_PERCENT) == 100,
			"the fee shares do not add up to 100%"
		);
		ensure!(
			Self::on_chain_storage_version() == Self::in_code_storage_version(),
			"the on-chain storage version differs from the code's"
		);
		Ok(())
	}
}
