//! Chat and danmaku messages: the payload OLC puts in a statement of the node's statement store.
//!
//! A chat message travels as a statement (`sp-statement-store`) that the node gossips over its own
//! libp2p network (`sc-network-statement`). The statement carries:
//!
//! - exactly one topic: the [`StreamId`] of the stream the message belongs to (subscribers filter
//!   on it);
//! - an sr25519 proof by the *signer*: the account itself or the chat key it authorised on chain
//!   (pallet-chat), so a browser signs messages without a wallet prompt per message;
//! - an expiry whose upper 32 bits are the UNIX second at which the message expires, at most
//!   [`MAX_TTL_SECS`] (plus [`MAX_CLOCK_SKEW_SECS`]) after the validating node's clock; the lower
//!   32 bits are a free sequence number;
//! - no channel and no decryption key;
//! - as data, the SCALE encoding of [`ChatPayload`]: a version byte, then the message.
//!
//! Version 1 ([`ChatMessageV1`]): the [`ChatKind`] (plain chat, danmaku with a position on screen
//! and a colour, or a system line of the broadcaster), the nickname (at most
//! [`MAX_NICKNAME_LEN`] bytes of UTF-8, may be empty), the text (1 to [`MAX_TEXT_LEN`] bytes of
//! UTF-8), the client's timestamp in milliseconds, and the segment sequence number of the video
//! the sender was watching (where a danmaku belongs on the timeline).
//!
//! [`validate_payload`] checks the data; every refusal is a named [`ChatRefusal`]. The runtime
//! (pallet-chat) adds the checks that need chain state (allowance, ban, mute, stream owner), and
//! the node refuses before storing or relaying anything.

use crate::StreamId;
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Version byte of [`ChatPayload::V1`].
pub const CHAT_VERSION_1: u8 = 1;
/// Longest nickname, in bytes of UTF-8.
pub const MAX_NICKNAME_LEN: usize = 32;
/// Longest text, in bytes of UTF-8 (about 46 CJK characters or 140 ASCII ones).
pub const MAX_TEXT_LEN: usize = 140;
/// Longest lifetime of a message: it expires at most this many seconds after it is validated.
pub const MAX_TTL_SECS: u64 = 300;
/// Clock difference tolerated between the sender and the validating node.
pub const MAX_CLOCK_SKEW_SECS: u64 = 30;
/// The largest colour (`0xRRGGBB`).
pub const MAX_COLOUR: u32 = 0x00FF_FFFF;
/// Longest valid payload: version, kind with colour, two length-prefixed strings, two `u64`.
pub const MAX_PAYLOAD_LEN: usize = 1 + 6 + 2 + MAX_NICKNAME_LEN + 2 + MAX_TEXT_LEN + 8 + 8;

/// Where a danmaku flies over the video.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum DanmakuPosition {
	/// Right to left across the video (the usual bullet comment).
	#[codec(index = 0)]
	Scroll,
	/// Fixed at the top, centred.
	#[codec(index = 1)]
	Top,
	/// Fixed at the bottom, centred.
	#[codec(index = 2)]
	Bottom,
}

/// What a message is.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum ChatKind {
	/// A line in the chat panel.
	#[codec(index = 0)]
	Chat,
	/// A bullet comment over the video.
	#[codec(index = 1)]
	Danmaku {
		/// Where it flies.
		position: DanmakuPosition,
		/// Its colour, `0xRRGGBB`.
		colour: u32,
	},
	/// A notice of the broadcaster (only the stream's owner may post one).
	#[codec(index = 2)]
	System,
}

/// A chat message, format version 1.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ChatMessageV1 {
	/// Chat line, danmaku or system notice.
	pub kind: ChatKind,
	/// Shown name: at most [`MAX_NICKNAME_LEN`] bytes of UTF-8; may be empty.
	pub nickname: Vec<u8>,
	/// The message: 1 to [`MAX_TEXT_LEN`] bytes of UTF-8.
	pub text: Vec<u8>,
	/// When the sender wrote it (UNIX milliseconds, the sender's clock; informative).
	pub client_timestamp_ms: u64,
	/// The segment sequence number of the video the sender was watching.
	pub segment_seq: u64,
}

/// The versioned data of a chat statement. The first byte is the version.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum ChatPayload {
	/// Version 1.
	#[codec(index = 1)]
	V1(ChatMessageV1),
}

impl ChatPayload {
	/// The message, whatever the version.
	pub fn message(&self) -> &ChatMessageV1 {
		match self {
			ChatPayload::V1(message) => message,
		}
	}
}

/// Why a chat statement is refused. Every refusal has a name; nothing refused is stored or
/// relayed.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum ChatRefusal {
	/// The statement has no data.
	#[codec(index = 0)]
	NoData,
	/// The data is longer than any valid payload ([`MAX_PAYLOAD_LEN`]).
	#[codec(index = 1)]
	PayloadTooLarge,
	/// The version byte is not one this runtime knows.
	#[codec(index = 2)]
	UnsupportedVersion,
	/// The data does not decode as the message of its version (or has bytes left over).
	#[codec(index = 3)]
	Malformed,
	/// The nickname is longer than [`MAX_NICKNAME_LEN`] bytes.
	#[codec(index = 4)]
	NicknameTooLong,
	/// The nickname is not valid UTF-8.
	#[codec(index = 5)]
	NicknameNotUtf8,
	/// The text is empty.
	#[codec(index = 6)]
	TextEmpty,
	/// The text is longer than [`MAX_TEXT_LEN`] bytes.
	#[codec(index = 7)]
	TextTooLong,
	/// The text is not valid UTF-8.
	#[codec(index = 8)]
	TextNotUtf8,
	/// A danmaku colour above `0xFFFFFF`.
	#[codec(index = 9)]
	BadColour,
	/// The statement does not have exactly one topic (the stream id).
	#[codec(index = 10)]
	WrongTopics,
	/// The statement has a channel or a decryption key: chat statements have neither.
	#[codec(index = 11)]
	UnexpectedField,
	/// The statement is not signed (no sr25519 proof).
	#[codec(index = 12)]
	NoProof,
	/// The signature does not verify.
	#[codec(index = 13)]
	BadSignature,
	/// The statement expires more than [`MAX_TTL_SECS`] (plus skew) from now.
	#[codec(index = 14)]
	ExpiryTooFar,
	/// The statement has already expired.
	#[codec(index = 15)]
	Expired,
	/// The topic is not the id of a stream on chain.
	#[codec(index = 16)]
	UnknownStream,
	/// The signer is neither an account with a chat allowance (a deposit) nor a chat key
	/// authorised by one.
	#[codec(index = 17)]
	NoAllowance,
	/// The signer's account is banned (pallet-reporting).
	#[codec(index = 18)]
	Banned,
	/// The broadcaster muted the signer's account on this stream.
	#[codec(index = 19)]
	Muted,
	/// A system notice from an account that does not own the stream.
	#[codec(index = 20)]
	SystemNotBroadcaster,
}

impl ChatRefusal {
	/// The reason's name, as clients see it (lower camel case).
	pub fn name(&self) -> &'static str {
		match self {
			ChatRefusal::NoData => "noData",
			ChatRefusal::PayloadTooLarge => "payloadTooLarge",
			ChatRefusal::UnsupportedVersion => "unsupportedVersion",
			ChatRefusal::Malformed => "malformed",
			ChatRefusal::NicknameTooLong => "nicknameTooLong",
			ChatRefusal::NicknameNotUtf8 => "nicknameNotUtf8",
			ChatRefusal::TextEmpty => "textEmpty",
			ChatRefusal::TextTooLong => "textTooLong",
			ChatRefusal::TextNotUtf8 => "textNotUtf8",
			ChatRefusal::BadColour => "badColour",
			ChatRefusal::WrongTopics => "wrongTopics",
			ChatRefusal::UnexpectedField => "unexpectedField",
			ChatRefusal::NoProof => "noProof",
			ChatRefusal::BadSignature => "badSignature",
			ChatRefusal::ExpiryTooFar => "expiryTooFar",
			ChatRefusal::Expired => "expired",
			ChatRefusal::UnknownStream => "unknownStream",
			ChatRefusal::NoAllowance => "noAllowance",
			ChatRefusal::Banned => "banned",
			ChatRefusal::Muted => "muted",
			ChatRefusal::SystemNotBroadcaster => "systemNotBroadcaster",
		}
	}

	/// Whether the refusal depends on chain state that may change (an allowance, a ban, a mute),
	/// rather than on the statement alone. A peer relaying such a statement is not misbehaving.
	pub fn depends_on_chain_state(&self) -> bool {
		matches!(
			self,
			ChatRefusal::UnknownStream
				| ChatRefusal::NoAllowance
				| ChatRefusal::Banned
				| ChatRefusal::Muted
				| ChatRefusal::SystemNotBroadcaster
		)
	}
}

/// Checks a chat statement's data and returns the decoded payload.
///
/// Cheap checks first: the length bound is tested before decoding, so an oversize statement costs
/// no allocation.
pub fn validate_payload(data: &[u8]) -> Result<ChatPayload, ChatRefusal> {
	let version = *data.first().ok_or(ChatRefusal::NoData)?;
	if data.len() > MAX_PAYLOAD_LEN {
		return Err(ChatRefusal::PayloadTooLarge);
	}
	if version != CHAT_VERSION_1 {
		return Err(ChatRefusal::UnsupportedVersion);
	}
	let mut input = data;
	let payload = ChatPayload::decode(&mut input).map_err(|_| ChatRefusal::Malformed)?;
	if !input.is_empty() {
		return Err(ChatRefusal::Malformed);
	}
	let message = payload.message();
	if message.nickname.len() > MAX_NICKNAME_LEN {
		return Err(ChatRefusal::NicknameTooLong);
	}
	if core::str::from_utf8(&message.nickname).is_err() {
		return Err(ChatRefusal::NicknameNotUtf8);
	}
	if message.text.is_empty() {
		return Err(ChatRefusal::TextEmpty);
	}
	if message.text.len() > MAX_TEXT_LEN {
		return Err(ChatRefusal::TextTooLong);
	}
	if core::str::from_utf8(&message.text).is_err() {
		return Err(ChatRefusal::TextNotUtf8);
	}
	if let ChatKind::Danmaku { colour, .. } = message.kind {
		if colour > MAX_COLOUR {
			return Err(ChatRefusal::BadColour);
		}
	}
	Ok(payload)
}

/// Checks a statement's expiry (upper 32 bits: UNIX seconds) against the node's clock `now_secs`.
pub fn validate_expiry(expiry: u64, now_secs: u64) -> Result<(), ChatRefusal> {
	let expires_at = expiry >> 32;
	if expires_at <= now_secs {
		return Err(ChatRefusal::Expired);
	}
	if expires_at > now_secs.saturating_add(MAX_TTL_SECS).saturating_add(MAX_CLOCK_SKEW_SECS) {
		return Err(ChatRefusal::ExpiryTooFar);
	}
	Ok(())
}

/// The expiry field of a message sent at `now_secs` that lives `ttl_secs` (capped at
/// [`MAX_TTL_SECS`]), with sequence number `seq` in the lower bits.
pub fn expiry_for(now_secs: u64, ttl_secs: u64, seq: u32) -> u64 {
	let expires_at = now_secs.saturating_add(ttl_secs.min(MAX_TTL_SECS)) & 0xFFFF_FFFF;
	(expires_at << 32) | u64::from(seq)
}

/// The statement topic of a stream's chat: the stream id itself.
pub fn topic_of(stream: &StreamId) -> [u8; 32] {
	stream.0
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec;

	fn message(kind: ChatKind, nickname: &[u8], text: &[u8]) -> Vec<u8> {
		ChatPayload::V1(ChatMessageV1 {
			kind,
			nickname: nickname.to_vec(),
			text: text.to_vec(),
			client_timestamp_ms: 1_700_000_000_000,
			segment_seq: 42,
		})
		.encode()
	}

	#[test]
	fn a_valid_message_round_trips_with_all_fields() {
		let kind = ChatKind::Danmaku { position: DanmakuPosition::Top, colour: 0xFF_00_80 };
		let data = message(kind, "小明".as_bytes(), "你好, OLC!".as_bytes());
		let payload = validate_payload(&data).unwrap();
		let m = payload.message();
		assert_eq!(m.kind, kind);
		assert_eq!(m.nickname, "小明".as_bytes());
		assert_eq!(m.text, "你好, OLC!".as_bytes());
		assert_eq!(m.client_timestamp_ms, 1_700_000_000_000);
		assert_eq!(m.segment_seq, 42);
		assert_eq!(payload.encode(), data);
		// The version byte comes first.
		assert_eq!(data[0], CHAT_VERSION_1);
	}

	#[test]
	fn the_longest_valid_message_fits_max_payload_len() {
		let kind = ChatKind::Danmaku { position: DanmakuPosition::Bottom, colour: MAX_COLOUR };
		let data = message(kind, &[b'n'; MAX_NICKNAME_LEN], &[b't'; MAX_TEXT_LEN]);
		assert!(data.len() <= MAX_PAYLOAD_LEN, "{} > {MAX_PAYLOAD_LEN}", data.len());
		assert!(validate_payload(&data).is_ok());
		let data = message(ChatKind::Chat, &[], "a".as_bytes());
		assert!(validate_payload(&data).is_ok(), "an empty nickname is allowed");
	}

	#[test]
	fn oversize_fields_are_refused_by_name() {
		let long_nick = message(ChatKind::Chat, &[b'n'; MAX_NICKNAME_LEN + 1], b"hi");
		assert_eq!(validate_payload(&long_nick), Err(ChatRefusal::NicknameTooLong));
		let long_text = message(ChatKind::Chat, b"n", &[b't'; MAX_TEXT_LEN + 1]);
		assert_eq!(validate_payload(&long_text), Err(ChatRefusal::TextTooLong));
		// Far too long for any message: refused before decoding.
		let huge = message(ChatKind::Chat, b"n", &[b't'; 4_000]);
		assert_eq!(validate_payload(&huge), Err(ChatRefusal::PayloadTooLarge));
	}

	#[test]
	fn non_utf8_and_empty_text_are_refused_by_name() {
		let bad_nick = message(ChatKind::Chat, &[0xff, 0xfe], b"hi");
		assert_eq!(validate_payload(&bad_nick), Err(ChatRefusal::NicknameNotUtf8));
		let bad_text = message(ChatKind::Chat, b"n", &[b'a', 0xc3, 0x28]);
		assert_eq!(validate_payload(&bad_text), Err(ChatRefusal::TextNotUtf8));
		let empty = message(ChatKind::Chat, b"n", b"");
		assert_eq!(validate_payload(&empty), Err(ChatRefusal::TextEmpty));
	}

	#[test]
	fn bad_colour_version_and_encoding_are_refused_by_name() {
		let kind = ChatKind::Danmaku { position: DanmakuPosition::Scroll, colour: MAX_COLOUR + 1 };
		assert_eq!(validate_payload(&message(kind, b"n", b"hi")), Err(ChatRefusal::BadColour));
		assert_eq!(validate_payload(&[]), Err(ChatRefusal::NoData));
		let mut v2 = message(ChatKind::Chat, b"n", b"hi");
		v2[0] = 2;
		assert_eq!(validate_payload(&v2), Err(ChatRefusal::UnsupportedVersion));
		let mut trailing = message(ChatKind::Chat, b"n", b"hi");
		trailing.push(0);
		assert_eq!(validate_payload(&trailing), Err(ChatRefusal::Malformed));
		let truncated = message(ChatKind::Chat, b"n", b"hi");
		assert_eq!(
			validate_payload(&truncated[..truncated.len() - 3]),
			Err(ChatRefusal::Malformed)
		);
		assert_eq!(validate_payload(&[1, 9]), Err(ChatRefusal::Malformed), "unknown kind");
	}

	#[test]
	fn expiry_must_be_in_the_future_and_within_the_ttl() {
		let now = 1_800_000_000;
		assert_eq!(validate_expiry(expiry_for(now, 60, 7), now), Ok(()));
		assert_eq!(validate_expiry(expiry_for(now, 10_000, 7), now), Ok(()), "ttl is capped");
		assert_eq!(validate_expiry(expiry_for(now, 60, 7), now + 60), Err(ChatRefusal::Expired));
		let far = (now + MAX_TTL_SECS + MAX_CLOCK_SKEW_SECS + 1) << 32;
		assert_eq!(validate_expiry(far, now), Err(ChatRefusal::ExpiryTooFar));
		assert_eq!(expiry_for(now, 60, 7) & 0xFFFF_FFFF, 7);
	}

	#[test]
	fn refusal_names_are_distinct() {
		let all = vec![
			ChatRefusal::NoData,
			ChatRefusal::PayloadTooLarge,
			ChatRefusal::UnsupportedVersion,
			ChatRefusal::Malformed,
			ChatRefusal::NicknameTooLong,
			ChatRefusal::NicknameNotUtf8,
			ChatRefusal::TextEmpty,
			ChatRefusal::TextTooLong,
			ChatRefusal::TextNotUtf8,
			ChatRefusal::BadColour,
			ChatRefusal::WrongTopics,
			ChatRefusal::UnexpectedField,
			ChatRefusal::NoProof,
			ChatRefusal::BadSignature,
			ChatRefusal::ExpiryTooFar,
			ChatRefusal::Expired,
			ChatRefusal::UnknownStream,
			ChatRefusal::NoAllowance,
			ChatRefusal::Banned,
			ChatRefusal::Muted,
			ChatRefusal::SystemNotBroadcaster,
		];
		let mut names: Vec<_> = all.iter().map(|r| r.name()).collect();
		names.sort();
		names.dedup();
		assert_eq!(names.len(), all.len());
	}
}
