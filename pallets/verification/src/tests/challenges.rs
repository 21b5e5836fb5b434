//! Which segments are challenged.

use super::*;

#[test]
fn challenges_follow_the_documented_rule() {
	build_and_execute(|| {
		let (stream_id, job_id) = setup();
		let claimed_at = System::block_number();
		let claim_id = claim(job_id, 0, 99, &receipts(stream_id, 0, 99));
		// Not before the block after next: the hash of the next block is not known.
		next_block();
		assert_eq!(status(claim_id), CheckStatus::AwaitingChallenges);
		let challenged = issue(claim_id);
		// 100 segments at 8 hashes per block take 13 blocks.
		assert_eq!(System::block_number(), claimed_at + 2 + 12);

		let seed: [u8; 32] = parent_hash_of(claimed_at + 2).0;
		let rate = u64::from(VerificationRate::get());
		let mut selected: Vec<(u64, u64)> = (0..=99u64)
			.map(|seq| (Verification::score(&seed, claim_id, seq), seq))
			.filter(|(score, _)| score % rate == 0)
			.collect();
		assert!(selected.len() > MAX_PROOFS as usize, "{}", selected.len());
		selected.sort();
		let mut expected: Vec<u64> =
			selected.iter().take(MAX_PROOFS as usize).map(|(_, seq)| *seq).collect();
		expected.sort();
		assert_eq!(challenged, expected);
		let score = olc_primitives::blake2_256(&(seed, claim_id, 5u64).encode());
		assert_eq!(
			Verification::score(&seed, claim_id, 5),
			u64::from_le_bytes(score[..8].try_into().unwrap())
		);
		let deadline = System::block_number() + VERIFICATION_PERIOD;
		assert!(events().contains(&Event::ChallengesIssued {
			claim_id,
			segments: expected.try_into().unwrap(),
			proof_deadline: deadline,
		}));
	});
}

#[test]
fn every_claim_gets_at_least_one_challenge() {
	build_and_execute(|| {
		VerificationRate::set(u32::MAX);
		let (stream_id, job_id) = setup();
		let claim_id = claim(job_id, 0, 9, &receipts(stream_id, 0, 9));
		let claimed_at = System::block_number();
		let challenged = issue(claim_id);
		let seed: [u8; 32] = parent_hash_of(claimed_at + 2).0;
		let lowest =
			(0..=9u64).min_by_key(|seq| Verification::score(&seed, claim_id, *seq)).unwrap();
		assert_eq!(challenged, vec![lowest]);
	});
}
