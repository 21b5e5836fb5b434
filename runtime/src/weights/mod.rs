//! Weights measured for this runtime, in place of polkadot-sdk's reference figures: the cost of
//! an empty block and the base cost of every extrinsic (`scripts/bench.sh overhead`), and the
//! cost of a storage read and write in this chain's ParityDB (`scripts/bench.sh storage`).

pub mod block_weights;
pub mod extrinsic_weights;
pub mod paritydb_weights;

pub use block_weights::BlockExecutionWeight;
pub use extrinsic_weights::ExtrinsicBaseWeight;
pub use paritydb_weights::constants::ParityDbWeight;
