//! `olc-transcoder chat`: post a chat message or danmaku to a stream through a node
//! (`chat_submit`), or follow the stream's chat live (`statement_subscribeStatement`), without a
//! browser. The message format is olc-primitives `chat` (README "Chat").

use super::{parse_stream_id, KeyArgs};
use anyhow::{bail, Context as _};
use clap::Args;
use codec::{Decode, Encode};
use jsonrpsee::{
	core::client::{ClientT as _, SubscriptionClientT as _},
	rpc_params,
	ws_client::WsClientBuilder,
};
use olc_primitives::{
	chat::{expiry_for, ChatKind, ChatMessageV1, ChatPayload, DanmakuPosition},
	StreamId,
};
use serde_json::{json, Value};
use sp_statement_store::{SignatureVerificationResult, Statement};
use std::process::ExitCode;

/// Post a chat message or danmaku to a stream through a node, or print the stream's chat live
/// (--follow) as JSON lines. The key signs the message: an account with a chat allowance
/// (`chat.takeAllowance`) or the chat key one authorised (`chat.setChatKey`).
#[derive(Args)]
pub struct ChatCmd {
	/// The node's WebSocket RPC, e.g. ws://127.0.0.1:9944.
	#[arg(long)]
	rpc: String,
	/// Stream id (64 hex digits).
	#[arg(long)]
	stream_id: String,
	#[command(flatten)]
	key: KeyArgs,
	/// The text to post (at most 140 bytes of UTF-8).
	#[arg(long, required_unless_present = "follow")]
	message: Option<String>,
	/// The nickname shown (at most 32 bytes of UTF-8).
	#[arg(long, default_value = "")]
	nickname: String,
	/// Post a danmaku flying at this position: scroll, top or bottom.
	#[arg(long)]
	danmaku: Option<String>,
	/// The danmaku's colour, RRGGBB hex.
	#[arg(long, default_value = "ffffff")]
	colour: String,
	/// Post a system notice (only the stream's owner may).
	#[arg(long)]
	system: bool,
	/// The segment sequence number the message refers to.
	#[arg(long, default_value_t = 0)]
	segment_seq: u64,
	/// Lifetime in seconds (at most 300).
	#[arg(long, default_value_t = 120)]
	ttl_secs: u64,
	/// Print the stream's chat (the stored messages first, then live ones) until interrupted
	/// (after posting, if --message is given too).
	#[arg(long)]
	follow: bool,
}

impl ChatCmd {
	pub fn run(self) -> anyhow::Result<ExitCode> {
		let stream = parse_stream_id(&self.stream_id)?;
		let danmaku = match self.danmaku.as_deref() {
			None => None,
			Some(position) => {
				let position = match position {
					"scroll" => DanmakuPosition::Scroll,
					"top" => DanmakuPosition::Top,
					"bottom" => DanmakuPosition::Bottom,
					other => bail!("--danmaku must be scroll, top or bottom, not {other}"),
				};
				let colour = u32::from_str_radix(self.colour.trim_start_matches('#'), 16)
					.context("--colour must be RRGGBB hex")?;
				Some((position, colour))
			},
		};
		let runtime = tokio::runtime::Runtime::new()?;
		let Self { rpc, key, message, nickname, system, segment_seq, ttl_secs, follow, .. } = self;
		runtime.block_on(async move {
			if let Some(text) = message {
				let pair = key.load()?;
				let post = Post { nickname, text, danmaku, system, segment_seq, ttl_secs };
				let answer = post_message(&rpc, &pair, stream, &post).await?;
				println!("{answer}");
			}
			if follow {
				follow_chat(&rpc, stream).await?;
			}
			anyhow::Ok(())
		})?;
		Ok(ExitCode::SUCCESS)
	}
}

/// What to post.
pub struct Post {
	pub nickname: String,
	pub text: String,
	/// `None`: a chat line; `Some((position, colour))`: a danmaku.
	pub danmaku: Option<(DanmakuPosition, u32)>,
	pub system: bool,
	pub segment_seq: u64,
	pub ttl_secs: u64,
}

fn now() -> std::time::Duration {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.unwrap_or_default()
}

/// The signed statement of `post` on `stream`.
pub fn statement(pair: &sp_core::sr25519::Pair, stream: StreamId, post: &Post) -> Statement {
	let kind = match (post.system, post.danmaku) {
		(true, _) => ChatKind::System,
		(false, Some((position, colour))) => ChatKind::Danmaku { position, colour },
		(false, None) => ChatKind::Chat,
	};
	let payload = ChatPayload::V1(ChatMessageV1 {
		kind,
		nickname: post.nickname.as_bytes().to_vec(),
		text: post.text.as_bytes().to_vec(),
		client_timestamp_ms: u64::try_from(now().as_millis()).unwrap_or(u64::MAX),
		segment_seq: post.segment_seq,
	});
	let mut statement = Statement::new();
	statement.set_expiry(expiry_for(now().as_secs(), post.ttl_secs, now().subsec_nanos()));
	statement.set_topic(0, stream.0.into());
	statement.set_plain_data(payload.encode());
	statement.sign_sr25519_private(pair);
	statement
}

/// Posts and returns the node's answer; an error when the node refuses it.
pub async fn post_message(
	rpc: &str,
	pair: &sp_core::sr25519::Pair,
	stream: StreamId,
	post: &Post,
) -> anyhow::Result<Value> {
	let client = WsClientBuilder::default()
		.build(rpc)
		.await
		.with_context(|| format!("connecting to {rpc}"))?;
	let encoded = format!("0x{}", hex::encode(statement(pair, stream, post).encode()));
	let answer: Value = client
		.request("chat_submit", rpc_params![encoded])
		.await
		.context("chat_submit")?;
	if !matches!(answer["status"].as_str(), Some("new" | "known")) {
		bail!("the node refused the message: {answer}");
	}
	Ok(answer)
}

/// One message as a JSON line, or `None` for a statement that is not a chat message.
pub fn describe(encoded: &[u8]) -> Option<Value> {
	let statement = Statement::decode(&mut &*encoded).ok()?;
	let verified = matches!(statement.verify_signature(), SignatureVerificationResult::Valid(_));
	let signer = statement.account_id()?;
	let payload = ChatPayload::decode(&mut statement.data()?.as_slice()).ok()?;
	let message = payload.message();
	let kind = match message.kind {
		ChatKind::Chat => json!("chat"),
		ChatKind::System => json!("system"),
		ChatKind::Danmaku { position, colour } => json!({
			"danmaku": { "position": format!("{position:?}").to_lowercase(), "colour": format!("#{colour:06x}") }
		}),
	};
	Some(json!({
		"signer": format!("0x{}", hex::encode(signer)),
		"signatureValid": verified,
		"kind": kind,
		"nickname": String::from_utf8_lossy(&message.nickname),
		"text": String::from_utf8_lossy(&message.text),
		"clientTimestampMs": message.client_timestamp_ms,
		"segmentSeq": message.segment_seq,
		"expiresAt": statement.get_expiration_timestamp_secs(),
	}))
}

/// Prints the stream's chat (the stored messages first, then live ones) as JSON lines until the
/// node closes the subscription.
pub async fn follow_chat(rpc: &str, stream: StreamId) -> anyhow::Result<()> {
	let client = WsClientBuilder::default()
		.build(rpc)
		.await
		.with_context(|| format!("connecting to {rpc}"))?;
	let topic = format!("0x{}", hex::encode(stream.0));
	let mut subscription = client
		.subscribe::<Value, _>(
			"statement_subscribeStatement",
			rpc_params![json!({ "matchAll": [topic] })],
			"statement_unsubscribeStatement",
		)
		.await
		.context("statement_subscribeStatement")?;
	while let Some(event) = subscription.next().await {
		let event = event.context("subscription")?;
		for item in event["data"]["statements"].as_array().into_iter().flatten() {
			let Some(hex_text) = item.as_str() else { continue };
			let Ok(bytes) = hex::decode(hex_text.trim_start_matches("0x")) else { continue };
			if let Some(line) = describe(&bytes) {
				println!("{line}");
			}
		}
	}
	bail!("the node closed the subscription")
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::Pair as _;

	#[test]
	fn a_posted_statement_verifies_and_describes_its_fields() {
		let pair = sp_core::sr25519::Pair::from_string("//Dave", None).unwrap();
		let post = Post {
			nickname: "小明".into(),
			text: "加油!".into(),
			danmaku: Some((DanmakuPosition::Top, 0xff8800)),
			system: false,
			segment_seq: 9,
			ttl_secs: 60,
		};
		let statement = statement(&pair, StreamId([5; 32]), &post);
		assert_eq!(statement.topics(), &[[5u8; 32].into()]);
		let line = describe(&statement.encode()).unwrap();
		assert_eq!(line["signatureValid"], true);
		assert_eq!(line["nickname"], "小明");
		assert_eq!(line["text"], "加油!");
		assert_eq!(line["segmentSeq"], 9);
		assert_eq!(line["kind"]["danmaku"]["colour"], "#ff8800");
		assert_eq!(line["signer"], format!("0x{}", hex::encode(pair.public().0)));
		let payload = statement.data().unwrap();
		assert!(olc_primitives::chat::validate_payload(payload).is_ok());
	}
}
