//! The transaction fee split: most to the block author, the rest to the maintainers pot.

use crate::{Config, Pallet, AUTHOR_FEE_PERCENT, MAINTAINERS_FEE_PERCENT};
use core::marker::PhantomData;
use frame_support::traits::{
	fungible::{Balanced, Credit},
	Get, Imbalance, OnUnbalanced,
};

/// Handles the fees (and transaction tips) of every transaction: [`AUTHOR_FEE_PERCENT`] to the
/// author of the block (as told by `Author`), [`MAINTAINERS_FEE_PERCENT`] to the maintainers pot.
/// When no author is known (e.g. in a block built off-chain for a dry run), the author's share
/// goes to the pot too, so no fee is lost.
pub struct SplitFees<T, Author>(PhantomData<(T, Author)>);

impl<T, Author> OnUnbalanced<Credit<T::AccountId, T::Currency>> for SplitFees<T, Author>
where
	T: Config,
	T::Currency: Balanced<T::AccountId>,
	Author: Get<Option<T::AccountId>>,
{
	fn on_unbalanceds(mut fees_then_tips: impl Iterator<Item = Credit<T::AccountId, T::Currency>>) {
		if let Some(mut total) = fees_then_tips.next() {
			for tip in fees_then_tips {
				tip.merge_into(&mut total);
			}
			Self::on_unbalanced(total);
		}
	}

	fn on_unbalanced(amount: Credit<T::AccountId, T::Currency>) {
		let (to_author, to_pot) = amount.ration(AUTHOR_FEE_PERCENT, MAINTAINERS_FEE_PERCENT);
		let pot = Pallet::<T>::maintainers_pot();
		let to_pot = match Author::get() {
			Some(author) => match T::Currency::resolve(&author, to_author) {
				Ok(()) => to_pot,
				// The author's account cannot take it (it would stay below the existential
				// deposit): the pot keeps it rather than burning it.
				Err(unpaid) => to_pot.merge(unpaid),
			},
			None => to_pot.merge(to_author),
		};
		// The pot is created at genesis with the existential deposit, so this cannot fail; a
		// failure would drop (burn) the credit, which keeps total issuance consistent.
		if T::Currency::resolve(&pot, to_pot).is_err() {
			frame_support::defensive!(
				"the maintainers pot exists, so resolving into it cannot fail"
			);
		}
	}
}
