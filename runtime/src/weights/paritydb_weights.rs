//! THIS FILE WAS AUTO-GENERATED USING THE SUBSTRATE BENCHMARK CLI VERSION 64.0.0
//! DATE: 2026-11-30 (Y/M/D)
//! HOSTNAME: `vm`, CPU: `AMD EPYC`
//!
//! DATABASE: `ParityDb`, RUNTIME: `OpenLive Coin Development`
//! BLOCK-NUM: `Number(446)`
//! SKIP-WRITE: `false`, SKIP-READ: `false`, WARMUPS: `1`
//! STATE-VERSION: `V1`, STATE-CACHE-SIZE: ``
//! WEIGHT-PATH: `runtime/src/weights`
//! METRIC: `Average`, WEIGHT-MUL: `2.0`, WEIGHT-ADD: `0`

// Executed Command:
//   /var/tmp/olc-bin-pool/olc-node
//   benchmark
//   storage
//   --chain
//   dev
//   --base-path
//   /var/tmp/pool-state
//   --database
//   paritydb
//   --state-version
//   1
//   --weight-path
//   runtime/src/weights
//   --warmups
//   1
//   --batch-size
//   100
//   --mul
//   2

/// Storage DB weights for the `OpenLive Coin Development` runtime and `ParityDb`.
pub mod constants {
	use frame_support::parameter_types;
	use frame_support::weights::constants;
	use frame_support::weights::RuntimeDbWeight;

	parameter_types! {
		/// A storage read and write in this chain's ParityDB, measured with real state.
		pub const ParityDbWeight: RuntimeDbWeight = RuntimeDbWeight {
			// Time to read one storage item.
			// Calculated by multiplying the *Average* of all values with `2.0` and adding `0`.
			//
			// Stats nanoseconds:
			//   Min, Max: 782, 164_666
			//   Average:  3_153
			//   Median:   2_984
			//   Std-Dev:  2134.09
			//
			// Percentiles nanoseconds:
			//   99th: 6_290
			//   95th: 4_256
			//   75th: 3_195
			read: 6_306 * constants::WEIGHT_REF_TIME_PER_NANOS,

			// Time to write one storage item.
			// Calculated by multiplying the *Average* of all values with `2.0` and adding `0`.
			//
			// Stats nanoseconds:
			//   Min, Max: 7_343, 18_358
			//   Average:  8_703
			//   Median:   8_692
			//   Std-Dev:  1334.32
			//
			// Percentiles nanoseconds:
			//   99th: 18_358
			//   95th: 10_101
			//   75th: 9_089
			write: 17_406 * constants::WEIGHT_REF_TIME_PER_NANOS,
		};
	}

	#[cfg(test)]
	mod test_db_weights {
		use super::constants::ParityDbWeight as W;
		use frame_support::weights::constants;

		/// Checks that all weights exist and have sane values.
		// NOTE: If this test fails but you are sure that the generated values are fine,
		// you can delete it.
		#[test]
		fn bound() {
			// At least 1 µs.
			assert!(
				W::get().reads(1).ref_time() >= constants::WEIGHT_REF_TIME_PER_MICROS,
				"Read weight should be at least 1 µs."
			);
			assert!(
				W::get().writes(1).ref_time() >= constants::WEIGHT_REF_TIME_PER_MICROS,
				"Write weight should be at least 1 µs."
			);
			// At most 1 ms.
			assert!(
				W::get().reads(1).ref_time() <= constants::WEIGHT_REF_TIME_PER_MILLIS,
				"Read weight should be at most 1 ms."
			);
			assert!(
				W::get().writes(1).ref_time() <= constants::WEIGHT_REF_TIME_PER_MILLIS,
				"Write weight should be at most 1 ms."
			);
		}
	}
}
