//! Arithmetic and weights.

use super::*;

#[test]
fn confiscation_shares_are_exact() {
	build_and_execute(|| {
		assert_eq!(Reporting::confiscation_shares(100_000, 7), (10_001, 12_857));
		assert_eq!(Reporting::confiscation_shares(0, 7), (0, 0));
		assert_eq!(Reporting::confiscation_shares(9, 7), (2, 1));
		for (amount, voters) in [(1u64, 1usize), (999, 13), (123_456_789, 8)] {
			let (reporter, each) = Reporting::confiscation_shares(amount, voters);
			assert_eq!(reporter + each * voters as u64, amount);
			assert!(reporter >= amount / 10);
		}
	});
}

#[test]
fn the_deciding_vote_is_weighed_with_the_sanctions_and_others_are_refunded() {
	build_and_execute(|| {
		use crate::{Sanctions, WeightInfo};
		full(13);
		let (_, report_id, members) = report_alice();
		let call = crate::Call::<Test>::vote { report_id, guilty: true };
		let declared = call.get_dispatch_info().call_weight;
		let ban = <crate::adapters::JobsAndStakingSanctions<Test> as Sanctions<u64>>::ban_weight();
		assert_eq!(declared, <() as WeightInfo>::vote_upheld(GROUP).saturating_add(ban));
		let post = Reporting::vote(origin(members[0]), report_id, true).unwrap();
		assert_eq!(post.actual_weight, Some(<() as WeightInfo>::vote()));
	});
}
