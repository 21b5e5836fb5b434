//! Retention: resolved reports leave storage `ReportRetention` blocks after their voting
//! period ended (see the crate docs, "Retention").

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	/// Removes the resolved reports whose retention period is over, in report order from
	/// [`NextReportToRemove`], at most `MaxResolutionsPerBlock` and as many as fit in `limit`
	/// (each charged its benchmarked weight before it runs). It stops at the first report that
	/// is open, not yet drawn or resolved (below neither the draw nor the expiry cursor), or
	/// not yet due. Returns the weight used.
	pub(crate) fn run_retention(now: BlockNumberFor<T>, limit: Weight) -> Weight {
		let mut meter = WeightMeter::with_limit(limit);
		if meter.try_consume(T::DbWeight::get().reads(3)).is_err() {
			return Weight::zero();
		}
		let end = NextReportToDraw::<T>::get().min(NextReportToResolve::<T>::get());
		let mut cursor = NextReportToRemove::<T>::get();
		let start = cursor;
		let mut looked = 0u32;
		while looked < T::MaxResolutionsPerBlock::get() && cursor < end {
			if meter.try_consume(T::WeightInfo::on_idle_remove_report()).is_err() {
				break;
			}
			if let Some(report) = Reports::<T>::get(cursor) {
				let due = report.expires_at.saturating_add(T::ReportRetention::get());
				if report.status == ReportStatus::Open || due > now {
					break;
				}
				Reports::<T>::remove(cursor);
				Self::deposit_event(Event::ReportRemoved { report_id: cursor });
			}
			cursor = cursor.saturating_add(1);
			looked = looked.saturating_add(1);
		}
		if cursor != start {
			NextReportToRemove::<T>::put(cursor);
		}
		meter.consumed()
	}
}
