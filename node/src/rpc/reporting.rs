//! `reporting_*` RPC methods: maintainers with their public keys (accounts) and network
//! addresses, so anyone can check who sits in a trusted group; reports with their groups and
//! votes; streams under review and banned accounts. Addresses and ids are 0x-hex, balances
//! decimal strings. Paging and errors: see [`super`].

use std::sync::Arc;

use super::{page_limit, page_of, read_at, runtime_error, Amount, BlockHash, MAX_PAGE};

use jsonrpsee::{
	core::{async_trait, RpcResult},
	proc_macros::rpc,
};
use olc_runtime::{opaque::Block, AccountId, Balance, BlockNumber};
use pallet_reporting::{
	MaintainerStatus, MaintainerView, ReasonCode, ReportId, ReportInfo, ReportStatus,
};
use pallet_reporting_runtime_api::ReportingApi as RuntimeApi;
use serde::Serialize;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{Bytes, H256};

/// The `reporting_*` methods.
#[rpc(server)]
pub trait ReportingApi {
	/// Up to `limit` (at most 100) maintainers (in the set or leaving) after account
	/// `startAfter` (the last of the previous page, or null), in storage order: account,
	/// public key, address, bond, probation.
	#[method(name = "reporting_maintainers")]
	async fn maintainers(
		&self,
		start_after: Option<AccountId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Maintainer>>;

	/// One maintainer, or null.
	#[method(name = "reporting_maintainer")]
	async fn maintainer(
		&self,
		who: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Maintainer>>;

	/// Up to `limit` (at most 100) of the full maintainers with their addresses (who the next
	/// group is drawn from) after account `startAfter` (the last of the previous page, or null).
	#[method(name = "reporting_fullMaintainers")]
	async fn full_maintainers(
		&self,
		start_after: Option<AccountId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<FullMaintainer>>;

	/// Up to `limit` (at most 100) reports with ids from `from` on (ids are dense), by id.
	#[method(name = "reporting_reports")]
	async fn reports(
		&self,
		from: Option<ReportId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Report>>;

	/// One report with its group and votes, or null.
	#[method(name = "reporting_report")]
	async fn report(&self, report_id: ReportId, at: Option<BlockHash>)
		-> RpcResult<Option<Report>>;

	/// The open report of a stream, or null when it is not under review.
	#[method(name = "reporting_streamReview")]
	async fn stream_review(
		&self,
		stream_id: H256,
		at: Option<BlockHash>,
	) -> RpcResult<Option<ReportId>>;

	/// Whether an account is banned.
	#[method(name = "reporting_isBanned")]
	async fn is_banned(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<bool>;
}

/// A maintainer's place in the set.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MaintainerState {
	/// In the set.
	Active(Option<()>),
	/// Leaving; its bond can be withdrawn from the block given.
	Leaving {
		/// The first block the bond can be withdrawn in.
		#[serde(rename = "withdrawableAt")]
		withdrawable_at: BlockNumber,
	},
}

/// A maintainer.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Maintainer {
	/// The account (SS58).
	pub account: AccountId,
	/// The account's public key.
	pub public_key: H256,
	/// Its network address.
	pub address: H256,
	/// Its bond.
	pub bond: Amount,
	/// The block it joined in.
	pub joined_at: BlockNumber,
	/// The block its probation ends (from which it is full).
	pub full_from: BlockNumber,
	/// Whether it is full now (may be drawn into groups).
	pub full: bool,
	/// In the set or leaving.
	pub status: MaintainerState,
}

impl From<MaintainerView<AccountId, Balance, BlockNumber>> for Maintainer {
	fn from(view: MaintainerView<AccountId, Balance, BlockNumber>) -> Self {
		let raw: [u8; 32] = view.who.clone().into();
		Maintainer {
			account: view.who,
			public_key: H256(raw),
			address: H256(view.address),
			bond: Amount(view.bond),
			joined_at: view.joined_at,
			full_from: view.full_from,
			full: view.full,
			status: match view.status {
				MaintainerStatus::Active => MaintainerState::Active(None),
				MaintainerStatus::Leaving { withdrawable_at } => {
					MaintainerState::Leaving { withdrawable_at }
				},
			},
		}
	}
}

/// A full maintainer and its address.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FullMaintainer {
	/// The account.
	pub account: AccountId,
	/// Its network address.
	pub address: H256,
}

/// A report group's seat.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupSeat {
	/// The maintainer.
	pub account: AccountId,
	/// Its vote, or null.
	pub vote: Option<bool>,
}

/// A report's outcome so far.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ReportState {
	/// The group is voting.
	Open,
	/// Upheld: the broadcaster is banned.
	Upheld,
	/// Rejected.
	Rejected,
}

/// A report.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
	/// The report id.
	pub id: ReportId,
	/// Who filed it.
	pub reporter: AccountId,
	/// The reported stream.
	pub stream_id: H256,
	/// Its broadcaster.
	pub broadcaster: AccountId,
	/// The reason code.
	pub reason: ReasonCode,
	/// The evidence (bytes).
	pub evidence: Bytes,
	/// The reporter's deposit.
	pub deposit: Amount,
	/// The block it was filed in.
	pub created_at: BlockNumber,
	/// The block it expires at.
	pub expires_at: BlockNumber,
	/// The block its group was drawn in, once drawn.
	pub group_drawn_at: Option<BlockNumber>,
	/// The votes that decide.
	pub quorum: u32,
	/// The group with the votes.
	pub group: Vec<GroupSeat>,
	/// The status.
	pub status: ReportState,
}

impl Report {
	fn new(id: ReportId, report: ReportInfo<AccountId, Balance, BlockNumber>) -> Self {
		Report {
			id,
			reporter: report.reporter,
			stream_id: H256(report.stream_id.0),
			broadcaster: report.broadcaster,
			reason: report.reason,
			evidence: Bytes(report.evidence.into_inner()),
			deposit: Amount(report.deposit),
			created_at: report.created_at,
			expires_at: report.expires_at,
			group_drawn_at: report.group_drawn_at,
			quorum: report.quorum,
			group: report
				.group
				.into_iter()
				.map(|member| GroupSeat { account: member.who, vote: member.vote })
				.collect(),
			status: match report.status {
				ReportStatus::Open => ReportState::Open,
				ReportStatus::Upheld => ReportState::Upheld,
				ReportStatus::Rejected => ReportState::Rejected,
			},
		}
	}
}

/// The `reporting_*` methods over a client.
pub struct Reporting<C> {
	client: Arc<C>,
}

impl<C> Reporting<C> {
	/// The methods reading through `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

#[async_trait]
impl<C> ReportingApiServer for Reporting<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RuntimeApi<Block, AccountId, Balance, BlockNumber>,
{
	async fn maintainers(
		&self,
		start_after: Option<AccountId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Maintainer>> {
		let limit = page_limit(limit, MAX_PAGE)?;
		read_at(&self.client, at, move |client, at| {
			// Bounded in the runtime by `MaxMaintainers`.
			let all = client.runtime_api().maintainers(at).map_err(runtime_error)?;
			Ok(page_of(all, start_after, limit, |view| view.who.clone())
				.into_iter()
				.map(Maintainer::from)
				.collect())
		})
		.await
	}

	async fn maintainer(
		&self,
		who: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Maintainer>> {
		read_at(&self.client, at, move |client, at| {
			let view = client.runtime_api().maintainer(at, who).map_err(runtime_error)?;
			Ok(view.map(Maintainer::from))
		})
		.await
	}

	async fn full_maintainers(
		&self,
		start_after: Option<AccountId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<FullMaintainer>> {
		let limit = page_limit(limit, MAX_PAGE)?;
		read_at(&self.client, at, move |client, at| {
			let full = client.runtime_api().full_maintainers(at).map_err(runtime_error)?;
			Ok(page_of(full, start_after, limit, |(who, _)| who.clone())
				.into_iter()
				.map(|(account, address)| FullMaintainer { account, address: H256(address) })
				.collect())
		})
		.await
	}

	async fn reports(
		&self,
		from: Option<ReportId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Report>> {
		let limit = page_limit(limit, MAX_PAGE)?;
		read_at(&self.client, at, move |client, at| {
			let reports = client
				.runtime_api()
				.reports(at, from.unwrap_or(0), limit)
				.map_err(runtime_error)?;
			Ok(reports.into_iter().map(|(id, report)| Report::new(id, report)).collect())
		})
		.await
	}

	async fn report(
		&self,
		report_id: ReportId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Report>> {
		read_at(&self.client, at, move |client, at| {
			let report = client.runtime_api().report(at, report_id).map_err(runtime_error)?;
			Ok(report.map(|report| Report::new(report_id, report)))
		})
		.await
	}

	async fn stream_review(
		&self,
		stream_id: H256,
		at: Option<BlockHash>,
	) -> RpcResult<Option<ReportId>> {
		read_at(&self.client, at, move |client, at| {
			client
				.runtime_api()
				.stream_review(at, pallet_jobs::StreamId(stream_id.0))
				.map_err(runtime_error)
		})
		.await
	}

	async fn is_banned(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<bool> {
		read_at(&self.client, at, move |client, at| {
			client.runtime_api().is_banned(at, who).map_err(runtime_error)
		})
		.await
	}
}
