//! Accounts a pallet owns (pots, payout accounts) must exist before OLC reaches them: a credit
//! below the existential deposit into a missing account would be burned. The pallets that own
//! one fund it at genesis with [`ensure_existential_deposit`].

use frame_support::traits::{defensive_prelude::*, fungible::Mutate};

/// Mints the existential deposit of `Currency` into `who` if `who` holds less than it.
///
/// Minting at least the existential deposit into an account cannot fail short of a total
/// issuance overflow; should it fail, the failure is reported as a defensive error (logged,
/// and a panic in builds with debug assertions) and `who` stays as it was.
pub fn ensure_existential_deposit<AccountId: Eq, Currency: Mutate<AccountId>>(who: &AccountId) {
	let ed = Currency::minimum_balance();
	if Currency::balance(who) < ed {
		let _ = Currency::mint_into(who, ed)
			.defensive_proof("minting the existential deposit into an account cannot fail");
	}
}
