//! Weights measured for this runtime (`scripts/bench.sh overhead`), in place of polkadot-sdk's
//! reference figures: the cost of an empty block and the base cost of every extrinsic.

pub mod block_weights;
pub mod extrinsic_weights;

pub use block_weights::BlockExecutionWeight;
pub use extrinsic_weights::ExtrinsicBaseWeight;
