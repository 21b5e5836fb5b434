//! Unit tests.
use crate::mock::*;
#[test]
fn builds() { new_test_ext().execute_with(|| { run_to_block(3); }); }
