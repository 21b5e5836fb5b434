//! The OLC runtime with spec_version + 1, for tests/upgrade.test.mjs (`system.setCode`). The
//! runtime itself is olc-runtime built with its `upgrade-test` feature; this crate only gives that
//! build a wasm project of its own (see build.rs). Its wasm build links the runtime, whose runtime
//! API entry points become the blob's exports; natively it is empty.
#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(target_arch = "wasm32")]
pub use olc_runtime;

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));
