//! Reads for the runtime API (node RPC, viewer page and tools).

use crate::{pallet::*, types::*, StreamId};
use alloc::vec::Vec;

impl<T: Config> Pallet<T> {
	fn view(who: T::AccountId, info: MaintainerOf<T>) -> MaintainerViewOf<T> {
		let now = frame_system::Pallet::<T>::block_number();
		MaintainerView {
			who,
			address: info.address,
			bond: info.bond,
			joined_at: info.joined_at,
			full_from: info.full_from,
			full: info.status == MaintainerStatus::Active && info.full_from <= now,
			status: info.status,
		}
	}

	/// Every maintainer (in the set or leaving) with its public key (account) and address.
	/// Scans all maintainers: for tools through the runtime API, never for runtime code.
	pub fn maintainers_view() -> Vec<MaintainerViewOf<T>> {
		Maintainers::<T>::iter().map(|(who, info)| Self::view(who, info)).collect()
	}

	/// One maintainer.
	pub fn maintainer_view(who: T::AccountId) -> Option<MaintainerViewOf<T>> {
		Maintainers::<T>::get(&who).map(|info| Self::view(who, info))
	}

	/// The full maintainers now, with their addresses (the candidates of the next group).
	pub fn full_maintainers_view() -> Vec<(T::AccountId, Address)> {
		Self::full_maintainers(frame_system::Pallet::<T>::block_number())
	}

	/// Up to `limit` reports with ids from `from` on (ids are dense: 0, 1, 2, ...).
	pub fn reports_view(from: ReportId, limit: u32) -> Vec<(ReportId, ReportOf<T>)> {
		let end = NextReportId::<T>::get().min(from.saturating_add(u64::from(limit)));
		(from..end)
			.filter_map(|id| Reports::<T>::get(id).map(|report| (id, report)))
			.collect()
	}

	/// One report.
	pub fn report_view(report_id: ReportId) -> Option<ReportOf<T>> {
		Reports::<T>::get(report_id)
	}

	/// The open report of a stream under review.
	pub fn stream_review_view(stream_id: StreamId) -> Option<ReportId> {
		StreamsUnderReview::<T>::get(stream_id)
	}

	/// Whether `who` is banned.
	pub fn is_banned_view(who: T::AccountId) -> bool {
		Banned::<T>::contains_key(&who)
	}
}
