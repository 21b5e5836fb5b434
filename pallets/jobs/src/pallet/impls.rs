//! The pallet's interface to the runtime and the other pallets (deactivated transcoders, bans,
//! settlement), fees, and the checks the calls share.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// The account through which paid fees pass into the fee crediting.
	pub fn payout_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Takes the open jobs of transcoder `who` away from it and queues them for election in
	/// the next block. The runtime calls it when `who` is slashed or leaves the active set.
	/// Returns the weight used (at most [`Self::on_transcoder_deactivated_weight`]).
	pub fn on_transcoder_deactivated(who: &T::AccountId) -> Weight {
		let jobs = TranscoderJobs::<T>::take(who);
		let count = u32::try_from(jobs.len()).unwrap_or(u32::MAX);
		let due = frame_system::Pallet::<T>::block_number().saturating_add(1u32.into());
		for job_id in jobs {
			let Some(mut job) = Jobs::<T>::get(job_id) else { continue };
			let assigned_to_who = matches!(
				&job.assignment, Some(assignment) if assignment.transcoder == *who
			);
			if job.status != JobStatus::Assigned || !assigned_to_who {
				continue;
			}
			Self::start_grace(job_id, &mut job);
			job.status = JobStatus::AwaitingTranscoder;
			job.assignment = None;
			// Pushing only fails when a queue counter overflows u64: then the job stays
			// waiting and its broadcaster can cancel it.
			job.election_slot =
				Self::push_election(ElectionQueue::Fresh, job_id, due, Some(who.clone())).ok();
			Jobs::<T>::insert(job_id, job);
			Self::deposit_event(Event::TranscoderUnassigned { job_id, transcoder: who.clone() });
		}
		T::WeightInfo::on_transcoder_deactivated(count)
	}

	/// Bans broadcaster `who` here: bans each of its streams that is not ended (at most
	/// [`types::MAX_OPEN_STREAMS_PER_OWNER`]) and ends their open jobs, releasing the
	/// deposits not yet claimed into its free balance (claimed fees stay in escrow and settle
	/// as usual). pallet-reporting calls it for a broadcaster found guilty; that it may not
	/// create streams or jobs afterwards is up to [`Config::BannedAccounts`]. Returns the
	/// weight used (at most [`Self::ban_broadcaster_weight`]).
	pub fn ban_broadcaster(who: &T::AccountId) -> Weight {
		let open = OwnerStreams::<T>::take(who);
		let mut weight = T::DbWeight::get().reads_writes(1, 1);
		for stream_id in open {
			let Some(stream) = Streams::<T>::get(stream_id) else { continue };
			if !stream.status.is_open() || stream.owner != *who {
				continue;
			}
			// Ending a job releases a hold the job recorded: it fails only on a bug, and
			// then the storage layer keeps this stream as it was rather than half-closed.
			let closed = frame_support::storage::with_storage_layer(|| {
				Self::close_stream(stream_id, stream, StreamStatus::Banned)
			});
			if let Ok(ended) = closed {
				Self::deposit_event(Event::StreamBanned { stream_id });
				weight = weight.saturating_add(T::WeightInfo::ban_stream(ended));
			}
		}
		weight
	}

	/// The most [`Self::ban_broadcaster`] can weigh.
	pub fn ban_broadcaster_weight() -> Weight {
		T::DbWeight::get().reads_writes(1, 1).saturating_add(
			T::WeightInfo::ban_stream(MAX_OPEN_JOBS_PER_STREAM)
				.saturating_mul(u64::from(MAX_OPEN_STREAMS_PER_OWNER)),
		)
	}

	/// The most [`Self::on_transcoder_deactivated`] can weigh.
	pub fn on_transcoder_deactivated_weight() -> Weight {
		T::WeightInfo::on_transcoder_deactivated(T::MaxJobsPerTranscoder::get())
	}

	/// Settles claim `claim_id` if its window has closed (see [`Pallet::distribute_fees`]).
	pub fn settle_claim(claim_id: ClaimId) -> DispatchResult {
		let claim = Claims::<T>::get(claim_id).ok_or(Error::<T>::UnknownClaim)?;
		ensure!(
			frame_system::Pallet::<T>::block_number() >= claim.payable_at,
			Error::<T>::VerificationWindowOpen
		);
		Self::settle(claim_id, claim).map_err(|reason| match reason {
			DeferReason::OnHold => Error::<T>::ClaimOnHold.into(),
			DeferReason::PayoutFailed => Error::<T>::FeePayoutFailed.into(),
		})
	}

	/// `segments × profiles × price`.
	pub fn fee_for(
		segments: u64,
		profiles: usize,
		price: BalanceOf<T>,
	) -> Result<BalanceOf<T>, Error<T>> {
		let units = segments
			.checked_mul(u64::try_from(profiles).map_err(|_| Error::<T>::Overflow)?)
			.ok_or(Error::<T>::Overflow)?;
		let units: BalanceOf<T> = units.try_into().map_err(|_| Error::<T>::Overflow)?;
		units.checked_mul(&price).ok_or(Error::<T>::Overflow)
	}

	pub(super) fn validate_profiles(profiles: &Profiles) -> Result<(), Error<T>> {
		ensure!(!profiles.is_empty(), Error::<T>::NoProfiles);
		ensure!(
			profiles.len() <= T::MaxProfilesPerJob::get() as usize,
			Error::<T>::TooManyProfiles
		);
		for (index, profile) in profiles.iter().enumerate() {
			profile.validate().map_err(|error| match error {
				ProfileError::ZeroResolution => Error::<T>::ZeroResolution,
				ProfileError::OddResolution => Error::<T>::OddResolution,
				ProfileError::EmptyName => Error::<T>::EmptyProfileName,
				ProfileError::NameTooLong => Error::<T>::ProfileNameTooLong,
				ProfileError::ZeroBitrate => Error::<T>::ZeroBitrate,
				ProfileError::ZeroFps => Error::<T>::ZeroFps,
			})?;
			ensure!(
				!profiles.iter().take(index).any(|earlier| earlier.name == profile.name),
				Error::<T>::DuplicateProfile
			);
		}
		Ok(())
	}

	pub(super) fn ensure_spendable(
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<(), Error<T>> {
		// Polite: frozen funds may not be committed to a job.
		ensure!(
			T::Currency::reducible_balance(who, Preservation::Preserve, Fortitude::Polite)
				>= amount,
			Error::<T>::InsufficientBalance
		);
		Ok(())
	}
}
