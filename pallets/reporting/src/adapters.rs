//! Ready-made implementations of this pallet's coupling traits with the sibling pallets, so a
//! runtime wires them in one line each:
//!
//! ```ignore
//! type Streams = pallet_reporting::adapters::JobsStreams<Runtime>;
//! type Sanctions = pallet_reporting::adapters::JobsAndStakingSanctions<Runtime>;
//! type Rounds = pallet_reporting::adapters::StakingRounds<Runtime>;
//! type MaintainersPot = pallet_reporting::adapters::OlcTokenPot<Runtime>;
//! ```

use crate::{RoundIndex, RoundProvider, Sanctions, StreamDirectory, StreamId};
use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Streams and their owners from pallet-jobs.
pub struct JobsStreams<R>(PhantomData<R>);

impl<R: pallet_jobs::Config> StreamDirectory<R::AccountId> for JobsStreams<R> {
	fn owner_of(stream_id: &StreamId) -> Option<R::AccountId> {
		pallet_jobs::Streams::<R>::get(stream_id).map(|stream| stream.owner)
	}
}

/// Bans a broadcaster in pallet-jobs ([`pallet_jobs::Pallet::ban_broadcaster`]: its streams and
/// jobs end, the deposits go back to its free balance) and releases its stake in
/// pallet-staking-delegation ([`pallet_staking_delegation::Pallet::release_all`]) into its free
/// balance. A failure of the release (a bug there) leaves the stake where it was.
pub struct JobsAndStakingSanctions<R>(PhantomData<R>);

impl<R> Sanctions<R::AccountId> for JobsAndStakingSanctions<R>
where
	R: pallet_jobs::Config + pallet_staking_delegation::Config,
{
	fn ban(who: &R::AccountId) -> Weight {
		let jobs = pallet_jobs::Pallet::<R>::ban_broadcaster(who);
		let _ = frame_support::storage::with_storage_layer(|| {
			pallet_staking_delegation::Pallet::<R>::release_all(who)
		});
		jobs.saturating_add(pallet_staking_delegation::Pallet::<R>::release_all_weight())
	}

	fn ban_weight() -> Weight {
		pallet_jobs::Pallet::<R>::ban_broadcaster_weight()
			.saturating_add(pallet_staking_delegation::Pallet::<R>::release_all_weight())
	}
}

/// The round of pallet-staking-delegation.
pub struct StakingRounds<R>(PhantomData<R>);

impl<R: pallet_staking_delegation::Config> RoundProvider for StakingRounds<R> {
	fn current_round() -> RoundIndex {
		pallet_staking_delegation::CurrentRound::<R>::get().index
	}
}

/// The maintainers pot of pallet-olc-token.
pub struct OlcTokenPot<R>(PhantomData<R>);

impl<R: pallet_olc_token::Config> Get<R::AccountId> for OlcTokenPot<R> {
	fn get() -> R::AccountId {
		pallet_olc_token::Pallet::<R>::maintainers_pot()
	}
}
