//! Settling claims after their verification window: paying the transcoder and the verifiers,
//! or refunding the job's deposit.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// Settles the payable claims in claim order, at most `MaxPayoutsPerBlock`. Returns how
	/// many claim ids it looked at.
	pub(crate) fn run_payouts(now: BlockNumberFor<T>) -> u32 {
		let budget = T::MaxPayoutsPerBlock::get();
		let end = NextClaimId::<T>::get();
		let mut cursor = NextClaimToSettle::<T>::get();
		let start = cursor;
		let mut used = 0u32;
		while used < budget && cursor < end {
			if let Some(claim) = Claims::<T>::get(cursor) {
				if claim.payable_at > now {
					break;
				}
				if let Err(reason) = Self::settle(cursor, claim) {
					Self::deposit_event(Event::PayoutDeferred { claim_id: cursor, reason });
				}
			}
			used = used.saturating_add(1);
			cursor = cursor.saturating_add(1);
		}
		if cursor != start {
			NextClaimToSettle::<T>::put(cursor);
		}
		used
	}

	/// Pays or refunds a claim according to the verifier; on error nothing changed.
	pub(super) fn settle(claim_id: ClaimId, claim: ClaimOf<T>) -> Result<(), DeferReason> {
		match T::Verification::verdict(claim_id, &claim) {
			Verdict::Hold => Err(DeferReason::OnHold),
			Verdict::Pay => {
				frame_support::storage::with_storage_layer(|| Self::pay(claim_id, &claim))
					.map_err(|_| DeferReason::PayoutFailed)
			},
			Verdict::Fail => {
				frame_support::storage::with_storage_layer(|| Self::refund(claim_id, &claim))
					.map_err(|_| DeferReason::PayoutFailed)
			},
		}
	}

	pub(super) fn pay(claim_id: ClaimId, claim: &ClaimOf<T>) -> DispatchResult {
		let to_verifiers = Self::pay_verifiers(claim_id, claim);
		let fee = claim.fee.saturating_sub(to_verifiers);
		if !fee.is_zero() {
			let payout = Self::payout_account();
			T::Currency::transfer_on_hold(
				&HoldReason::ClaimEscrow.into(),
				&claim.broadcaster,
				&payout,
				fee,
				Precision::Exact,
				Restriction::Free,
				// The fee left the deposit through an unfrozen hold; a freeze added later
				// must not keep the transcoder from its pay.
				Fortitude::Force,
			)?;
			// The fee goes to the stake delegated when the work was claimed.
			T::Fees::add_fees_for_claim(
				&payout,
				&claim.transcoder,
				fee,
				claim.claimed_at.unique_saturated_into(),
			)?;
		}
		Jobs::<T>::try_mutate(claim.job_id, |job| -> DispatchResult {
			let job = job.as_mut().ok_or(Error::<T>::UnknownJob)?;
			job.escrow = job.escrow.saturating_sub(claim.fee);
			job.paid = job.paid.checked_add(&claim.fee).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		Claims::<T>::remove(claim_id);
		JobClaims::<T>::remove(claim.job_id, claim_id);
		Self::deposit_event(Event::FeesPaid {
			claim_id,
			job_id: claim.job_id,
			transcoder: claim.transcoder.clone(),
			amount: fee,
		});
		Ok(())
	}

	/// Pays the verifiers' fees of a claim being settled ([`ClaimVerification::on_settle`])
	/// from its escrow, at most the claim's fee in total. A payment that fails (e.g. below the
	/// existential deposit into an empty account) is skipped and its amount stays with the
	/// claim. Returns the amount paid.
	pub(super) fn pay_verifiers(claim_id: ClaimId, claim: &ClaimOf<T>) -> BalanceOf<T> {
		let mut paid = BalanceOf::<T>::zero();
		for (verifier, amount) in T::Verification::on_settle(claim_id, claim) {
			let amount = amount.min(claim.fee.saturating_sub(paid));
			if amount.is_zero() {
				continue;
			}
			let moved = frame_support::storage::with_storage_layer(|| {
				T::Currency::transfer_on_hold(
					&HoldReason::ClaimEscrow.into(),
					&claim.broadcaster,
					&verifier,
					amount,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Force,
				)
			});
			if moved.is_ok() {
				paid = paid.saturating_add(amount);
				Self::deposit_event(Event::VerifierPaid { claim_id, verifier, amount });
			}
		}
		paid
	}

	pub(super) fn refund(claim_id: ClaimId, claim: &ClaimOf<T>) -> DispatchResult {
		let to_verifiers = Self::pay_verifiers(claim_id, claim);
		let refunded = claim.fee.saturating_sub(to_verifiers);
		let to_deposit =
			Jobs::<T>::try_mutate(claim.job_id, |job| -> Result<bool, DispatchError> {
				let job = job.as_mut().ok_or(Error::<T>::UnknownJob)?;
				job.escrow = job.escrow.saturating_sub(claim.fee);
				job.paid = job.paid.checked_add(&to_verifiers).ok_or(Error::<T>::Overflow)?;
				let open = job.status != JobStatus::Ended;
				if open {
					job.deposit = job.deposit.checked_add(&refunded).ok_or(Error::<T>::Overflow)?;
				}
				Ok(open)
			})?;
		if !refunded.is_zero() {
			T::Currency::release(
				&HoldReason::ClaimEscrow.into(),
				&claim.broadcaster,
				refunded,
				Precision::Exact,
			)?;
			if to_deposit {
				T::Currency::hold(&HoldReason::JobDeposit.into(), &claim.broadcaster, refunded)?;
			}
		}
		Claims::<T>::remove(claim_id);
		JobClaims::<T>::remove(claim.job_id, claim_id);
		Self::deposit_event(Event::ClaimRefunded {
			claim_id,
			job_id: claim.job_id,
			amount: refunded,
			to_deposit,
		});
		Ok(())
	}
}
