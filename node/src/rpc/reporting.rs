//! `reporting_*` RPC methods: maintainers with their public keys (accounts) and network
//! addresses, so anyone can check who sits in a trusted group; reports with their groups and
//! votes; streams under review and banned accounts. Addresses and ids are 0x-hex, balances
//! decimal strings.

use std::sync::Arc;

use super::{hex, runtime_error};

use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use olc_runtime::{opaque::Block, AccountId, Balance, BlockNumber};
use pallet_reporting::{MaintainerStatus, MaintainerView, ReportId, ReportInfo, ReportStatus};
use pallet_reporting_runtime_api::ReportingApi as RuntimeApi;
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{crypto::Ss58Codec, H256};
use sp_runtime::traits::Block as BlockT;

type BlockHash = <Block as BlockT>::Hash;

/// The most reports one listing returns.
const MAX_PAGE: u32 = 100;

#[rpc(client, server)]
pub trait ReportingApi {
	/// Every maintainer (in the set or leaving): account, public key, address, bond, probation.
	#[method(name = "reporting_maintainers")]
	fn maintainers(&self, at: Option<BlockHash>) -> RpcResult<Value>;

	/// One maintainer, or null.
	#[method(name = "reporting_maintainer")]
	fn maintainer(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Value>;

	/// The full maintainers with their addresses: who the next group is drawn from.
	#[method(name = "reporting_fullMaintainers")]
	fn full_maintainers(&self, at: Option<BlockHash>) -> RpcResult<Value>;

	/// Up to `limit` (at most 100) reports with ids from `from` on.
	#[method(name = "reporting_reports")]
	fn reports(&self, from: Option<ReportId>, limit: Option<u32>, at: Option<BlockHash>) -> RpcResult<Value>;

	/// One report with its group and votes, or null.
	#[method(name = "reporting_report")]
	fn report(&self, report_id: ReportId, at: Option<BlockHash>) -> RpcResult<Value>;

	/// The open report of a stream, or null when it is not under review.
	#[method(name = "reporting_streamReview")]
	fn stream_review(&self, stream_id: H256, at: Option<BlockHash>) -> RpcResult<Option<ReportId>>;

	/// Whether an account is banned.
	#[method(name = "reporting_isBanned")]
	fn is_banned(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<bool>;
}

pub struct Reporting<C> {
	client: Arc<C>,
}

impl<C> Reporting<C> {
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

fn maintainer_json(view: &MaintainerView<AccountId, Balance, BlockNumber>) -> Value {
	let raw: &[u8] = view.who.as_ref();
	json!({
		"account": view.who.to_ss58check(),
		"publicKey": hex(raw),
		"address": hex(&view.address),
		"bond": view.bond.to_string(),
		"joinedAt": view.joined_at,
		"fullFrom": view.full_from,
		"full": view.full,
		"status": match view.status {
			MaintainerStatus::Active => json!({ "active": null }),
			MaintainerStatus::Leaving { withdrawable_at } =>
				json!({ "leaving": { "withdrawableAt": withdrawable_at } }),
		},
	})
}

fn report_json(id: ReportId, report: &ReportInfo<AccountId, Balance, BlockNumber>) -> Value {
	json!({
		"id": id,
		"reporter": report.reporter.to_ss58check(),
		"streamId": hex(&report.stream_id.0),
		"broadcaster": report.broadcaster.to_ss58check(),
		"reason": report.reason,
		"evidence": hex(&report.evidence),
		"deposit": report.deposit.to_string(),
		"createdAt": report.created_at,
		"expiresAt": report.expires_at,
		"groupDrawnAt": report.group_drawn_at,
		"quorum": report.quorum,
		"group": report.group.iter().map(|member| json!({
			"account": member.who.to_ss58check(),
			"vote": member.vote,
		})).collect::<Vec<_>>(),
		"status": match report.status {
			ReportStatus::Open => "open",
			ReportStatus::Upheld => "upheld",
			ReportStatus::Rejected => "rejected",
		},
	})
}

impl<C> ReportingApiServer for Reporting<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RuntimeApi<Block, AccountId, Balance, BlockNumber>,
{
	fn maintainers(&self, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let all = self.client.runtime_api().maintainers(at).map_err(runtime_error)?;
		Ok(Value::Array(all.iter().map(maintainer_json).collect()))
	}

	fn maintainer(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let view = self.client.runtime_api().maintainer(at, who).map_err(runtime_error)?;
		Ok(view.as_ref().map_or(Value::Null, maintainer_json))
	}

	fn full_maintainers(&self, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let full = self.client.runtime_api().full_maintainers(at).map_err(runtime_error)?;
		Ok(Value::Array(
			full.iter()
				.map(|(who, address)| json!({ "account": who.to_ss58check(), "address": hex(address) }))
				.collect(),
		))
	}

	fn reports(&self, from: Option<ReportId>, limit: Option<u32>, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let limit = limit.unwrap_or(MAX_PAGE).min(MAX_PAGE);
		let reports =
			self.client.runtime_api().reports(at, from.unwrap_or(0), limit).map_err(runtime_error)?;
		Ok(Value::Array(reports.iter().map(|(id, report)| report_json(*id, report)).collect()))
	}

	fn report(&self, report_id: ReportId, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let report = self.client.runtime_api().report(at, report_id).map_err(runtime_error)?;
		Ok(report.map_or(Value::Null, |report| report_json(report_id, &report)))
	}

	fn stream_review(&self, stream_id: H256, at: Option<BlockHash>) -> RpcResult<Option<ReportId>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client
			.runtime_api()
			.stream_review(at, pallet_jobs::StreamId(stream_id.0))
			.map_err(runtime_error)
	}

	fn is_banned(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<bool> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().is_banned(at, who).map_err(runtime_error)
	}
}
