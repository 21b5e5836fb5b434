//! Types of the tipping API.

use frame_support::{traits::ConstU32, BoundedVec};

/// Longest nickname a viewer may show with a tip, in bytes of UTF-8.
pub const MAX_NICKNAME_LEN: u32 = 32;
/// Longest message a viewer may attach to a tip, in bytes of UTF-8.
pub const MAX_MESSAGE_LEN: u32 = 140;

/// The viewer's nickname shown with a tip (UTF-8, at most [`MAX_NICKNAME_LEN`] bytes).
pub type Nickname = BoundedVec<u8, ConstU32<MAX_NICKNAME_LEN>>;
/// The viewer's message shown with a tip (UTF-8, at most [`MAX_MESSAGE_LEN`] bytes).
pub type Message = BoundedVec<u8, ConstU32<MAX_MESSAGE_LEN>>;
/// Which gift effect the viewer page plays for a tip (0 = plain tip; the page maps the others).
pub type GiftId = u8;

/// Share of every transaction fee (and transaction tip) paid to the block author, in percent.
pub const AUTHOR_FEE_PERCENT: u32 = 80;
/// Share of every transaction fee (and transaction tip) paid into the maintainers pot, in percent.
pub const MAINTAINERS_FEE_PERCENT: u32 = 20;
