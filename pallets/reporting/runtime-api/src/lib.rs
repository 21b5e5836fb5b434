//! Runtime API of pallet-reporting, for RPC, the viewer page and tools: maintainers with their
//! public keys (accounts) and network addresses, reports with their groups and votes, streams
//! under review and banned accounts.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use olc_primitives::StreamId;
pub use pallet_reporting::{
	Address, GroupMember, MaintainerStatus, MaintainerView, ReportId, ReportInfo, ReportStatus,
};

sp_api::decl_runtime_apis! {
	/// Reads of pallet-reporting. A runtime implements it with the pallet's `maintainers_view`,
	/// `maintainer_view`, `full_maintainers_view`, `reports_view`, `report_view`,
	/// `stream_review_view` and `is_banned_view`.
	pub trait ReportingApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Every maintainer (in the set or leaving), with public key and address.
		fn maintainers() -> Vec<MaintainerView<AccountId, Balance, BlockNumber>>;

		/// One maintainer.
		fn maintainer(who: AccountId) -> Option<MaintainerView<AccountId, Balance, BlockNumber>>;

		/// The full maintainers now with their addresses: the candidates of the next group.
		fn full_maintainers() -> Vec<(AccountId, Address)>;

		/// Up to `limit` reports with ids from `from` on.
		fn reports(from: ReportId, limit: u32) -> Vec<(ReportId, ReportInfo<AccountId, Balance, BlockNumber>)>;

		/// One report.
		fn report(report_id: ReportId) -> Option<ReportInfo<AccountId, Balance, BlockNumber>>;

		/// The open report of a stream, if it is under review.
		fn stream_review(stream_id: StreamId) -> Option<ReportId>;

		/// Whether an account is banned.
		fn is_banned(who: AccountId) -> bool;
	}
}
