//! The task queues run by `on_initialize`: issuing challenges and the proof and verdict
//! deadlines, metered against the weight the block has left.

use super::*;

#[deny(clippy::expect_used)]
impl<T: Config> Pallet<T> {
	pub(crate) fn push_task(
		queue: TaskQueue,
		task: QueuedTask<BlockNumberFor<T>>,
	) -> DispatchResult {
		let mut bounds = TaskBounds::<T>::get(queue);
		let index = bounds.tail;
		bounds.tail = index.checked_add(1).ok_or(ArithmeticError::Overflow)?;
		Tasks::<T>::insert(queue, index, task);
		TaskBounds::<T>::insert(queue, bounds);
		Ok(())
	}

	/// The weight `on_initialize` may use now: the share of the block that normal
	/// transactions cannot take (`max_block` less the `Normal` class's `max_total`), less
	/// what the block has used so far (its base weight and the hooks that ran before). So
	/// the hook never declares more than the block allows, and normal transactions keep
	/// their share.
	pub fn hook_weight_limit() -> Weight {
		Self::hook_share().saturating_sub(frame_system::Pallet::<T>::block_weight().total())
	}

	/// The share of a block that hooks may use: `max_block` less the `Normal` class's
	/// `max_total` (all of it if `Normal` has no own limit).
	pub fn hook_share() -> Weight {
		let limits = T::BlockWeights::get();
		let normal = limits
			.get(frame_support::dispatch::DispatchClass::Normal)
			.max_total
			.unwrap_or(Weight::zero());
		limits.max_block.saturating_sub(normal)
	}

	/// The most one task of a queue can weigh (charged before it runs).
	pub fn task_weight(queue: TaskQueue) -> Weight {
		let candidates = <T as pallet_jobs::Config>::MaxCandidates::get();
		let verifiers = u64::from(T::VerifiersPerSegment::get());
		match queue {
			TaskQueue::Issue => {
				<T as Config>::WeightInfo::on_initialize_issue(T::MaxSamplesPerBlock::get())
			},
			TaskQueue::Draw => <T as Config>::WeightInfo::on_initialize_draw(candidates),
			TaskQueue::VerdictDeadline => {
				<T as Config>::WeightInfo::on_initialize_verdict_deadline(candidates)
					.saturating_add(
						T::Slashing::slash_weight().saturating_mul(verifiers.saturating_add(1)),
					)
					.saturating_add(Self::settle_weight())
			},
			TaskQueue::ProofDeadline => <T as Config>::WeightInfo::on_initialize_proof_deadline()
				.saturating_add(T::Slashing::slash_weight())
				.saturating_add(Self::settle_weight()),
		}
	}

	/// The heaviest task of any queue: the hook's share of an otherwise empty block must hold
	/// it and the idle cost, or the queues would stall (`integrity_test` checks it).
	pub fn worst_task_weight() -> Weight {
		[TaskQueue::Issue, TaskQueue::Draw, TaskQueue::VerdictDeadline, TaskQueue::ProofDeadline]
			.into_iter()
			.map(Self::task_weight)
			.fold(Weight::zero(), |worst, weight| worst.max(weight))
			.saturating_add(<T as Config>::WeightInfo::on_initialize_idle())
	}

	/// Runs the due tasks, at most `MaxTasksPerBlock` and as many as fit in
	/// [`Self::hook_weight_limit`] (each charged its worst case before it runs, its actual
	/// path after), hashing at most `MaxSamplesPerBlock` segments. The tasks left over stay
	/// queued for the next blocks. Returns the weight used.
	pub(crate) fn run_tasks(now: BlockNumberFor<T>) -> Weight {
		let candidates = <T as pallet_jobs::Config>::MaxCandidates::get();
		let mut meter = WeightMeter::with_limit(Self::hook_weight_limit());
		// The idle cost is spent whatever the limit: it is the look at the queues.
		meter.consume(<T as Config>::WeightInfo::on_initialize_idle());
		let mut budget = T::MaxTasksPerBlock::get();
		for queue in [TaskQueue::Draw, TaskQueue::VerdictDeadline, TaskQueue::ProofDeadline] {
			while budget > 0 && meter.can_consume(Self::task_weight(queue)) {
				// Read the bounds afresh each time: a task may push to its own queue.
				let Some(task) = Self::pop_due(queue, now) else { break };
				budget = budget.saturating_sub(1);
				let weight = match queue {
					TaskQueue::Draw => {
						Self::draw_task(task, now);
						<T as Config>::WeightInfo::on_initialize_draw(candidates)
					},
					TaskQueue::VerdictDeadline => {
						<T as Config>::WeightInfo::on_initialize_verdict_deadline(candidates)
							.saturating_add(Self::verdict_deadline_task(task, now))
					},
					_ => <T as Config>::WeightInfo::on_initialize_proof_deadline()
						.saturating_add(Self::proof_deadline_task(task, now)),
				};
				meter.consume(weight);
			}
		}

		// The claim at the head of the issue queue stays there until its scan is complete.
		let mut samples = T::MaxSamplesPerBlock::get();
		while budget > 0 && samples > 0 && meter.can_consume(Self::task_weight(TaskQueue::Issue)) {
			let bounds = TaskBounds::<T>::get(TaskQueue::Issue);
			if bounds.head >= bounds.tail {
				break;
			}
			let Some(task) = Tasks::<T>::get(TaskQueue::Issue, bounds.head) else {
				// Cannot happen (entries between head and tail exist); skip the slot.
				Self::advance_head(TaskQueue::Issue, bounds);
				continue;
			};
			if task.due > now {
				break;
			}
			budget = budget.saturating_sub(1);
			let before = samples;
			let done = Self::issue_task(task.claim_id, &mut samples, now);
			meter.consume(<T as Config>::WeightInfo::on_initialize_issue(
				before.saturating_sub(samples),
			));
			if !done {
				break;
			}
			Tasks::<T>::remove(TaskQueue::Issue, bounds.head);
			Self::advance_head(TaskQueue::Issue, TaskBounds::<T>::get(TaskQueue::Issue));
		}
		meter.consumed()
	}

	/// Removes and returns the oldest task of `queue` if it is due.
	pub(super) fn pop_due(
		queue: TaskQueue,
		now: BlockNumberFor<T>,
	) -> Option<QueuedTask<BlockNumberFor<T>>> {
		loop {
			let bounds = TaskBounds::<T>::get(queue);
			if bounds.head >= bounds.tail {
				return None;
			}
			let Some(task) = Tasks::<T>::get(queue, bounds.head) else {
				// Cannot happen (entries between head and tail exist); skip the slot.
				Self::advance_head(queue, bounds);
				continue;
			};
			if task.due > now {
				return None;
			}
			Tasks::<T>::remove(queue, bounds.head);
			Self::advance_head(queue, bounds);
			return Some(task);
		}
	}

	pub(super) fn advance_head(queue: TaskQueue, mut bounds: QueueBounds) {
		bounds.head = bounds.head.saturating_add(1);
		TaskBounds::<T>::insert(queue, bounds);
	}

	/// Scans claim `claim_id` for challenges with at most `samples` hashes; issues them when
	/// the scan is complete. Returns whether the claim is done with.
	pub(crate) fn issue_task(claim_id: ClaimId, samples: &mut u32, now: BlockNumberFor<T>) -> bool {
		let Some(mut check) = Checks::<T>::get(claim_id) else { return true };
		if check.status != CheckStatus::AwaitingChallenges {
			return true;
		}
		let Some(claim) = pallet_jobs::Claims::<T>::get(claim_id) else {
			Checks::<T>::remove(claim_id);
			Self::unexpose(&check.transcoder);
			return true;
		};
		let rate = u64::from(Self::verification_rate());
		let mut scan = check.scan.take().unwrap_or_else(|| Scan {
			next_seq: claim.start_seq,
			seed: Self::challenge_seed(claim.claimed_at),
			selected: Default::default(),
			lowest: None,
		});
		let mut finished = scan.next_seq > claim.end_seq;
		while !finished && *samples > 0 {
			let seq = scan.next_seq;
			let score = Self::score(&scan.seed, claim_id, seq);
			if scan.lowest.is_none_or(|(lowest, _)| score < lowest) {
				scan.lowest = Some((score, seq));
			}
			if score.checked_rem(rate) == Some(0) && scan.selected.try_push((score, seq)).is_err() {
				// Full: keep the lowest scores (a uniform sample of the selected segments).
				if let Some(highest) = scan.selected.iter_mut().max_by_key(|(score, _)| *score) {
					if score < highest.0 {
						*highest = (score, seq);
					}
				}
			}
			*samples = samples.saturating_sub(1);
			if seq >= claim.end_seq {
				finished = true;
			} else {
				scan.next_seq = seq.saturating_add(1);
			}
		}
		if !finished {
			check.scan = Some(scan);
			Checks::<T>::insert(claim_id, check);
			return false;
		}
		let mut segments: Vec<SegmentSeq> = scan.selected.iter().map(|(_, seq)| *seq).collect();
		if segments.is_empty() {
			segments.extend(scan.lowest.map(|(_, seq)| seq));
		}
		segments.sort_unstable();
		let challenges: Vec<Challenge> = segments
			.iter()
			.map(|seq| Challenge { seq: *seq, status: SegmentStatus::Challenged })
			.collect();
		// At most `MaxProofs` by construction.
		check.challenges = BoundedVec::truncate_from(challenges);
		let proof_deadline = now.saturating_add(T::VerificationPeriod::get());
		check.proof_deadline = Some(proof_deadline);
		check.status = CheckStatus::AwaitingProofs;
		Checks::<T>::insert(claim_id, check);
		let report_until = proof_deadline.saturating_add(T::ReportPeriod::get());
		let _ = Self::push_task(
			TaskQueue::ProofDeadline,
			QueuedTask { claim_id, seq: 0, due: report_until.saturating_add(1u32.into()) },
		)
		.defensive_proof("a task queue's u64 counter cannot overflow");
		Self::deposit_event(Event::ChallengesIssued {
			claim_id,
			segments: BoundedVec::truncate_from(segments),
			proof_deadline,
		});
		true
	}

	/// Runs a proof deadline task; returns the weight of the slash and settlement it made
	/// beyond the benchmarked lookup (none if the claim had moved on).
	pub(super) fn proof_deadline_task(
		task: QueuedTask<BlockNumberFor<T>>,
		now: BlockNumberFor<T>,
	) -> Weight {
		let Some(check) = Checks::<T>::get(task.claim_id) else { return Weight::zero() };
		if check.status != CheckStatus::AwaitingProofs
			|| check.proof_deadline.is_none_or(|deadline| now <= deadline)
		{
			return Weight::zero();
		}
		Self::missed(task.claim_id, check, None);
		T::Slashing::slash_weight().saturating_add(Self::settle_weight())
	}

	/// Runs a verdict deadline task; returns the weight of the slashes (the silent members
	/// and the claimant) and the settlement it may have made beyond the benchmarked lookup
	/// (none for a stale task).
	pub(super) fn verdict_deadline_task(
		task: QueuedTask<BlockNumberFor<T>>,
		now: BlockNumberFor<T>,
	) -> Weight {
		let QueuedTask { claim_id, seq, due } = task;
		let Some(check) = Checks::<T>::get(claim_id) else { return Weight::zero() };
		if check.status.is_final() {
			return Weight::zero();
		}
		let Some(segment) = SegmentChecks::<T>::get(claim_id, seq) else {
			return Weight::zero();
		};
		// A task of an earlier round (its committee decided or was replaced) is stale.
		if segment.members.is_empty() || segment.deadline.saturating_add(1u32.into()) != due {
			return Weight::zero();
		}
		let members = u64::try_from(segment.members.len()).unwrap_or(u64::MAX);
		Self::decide(claim_id, check, seq, segment, now, true);
		// At most every member (silent, or on the losing side) and the claimant.
		T::Slashing::slash_weight()
			.saturating_mul(members.saturating_add(1))
			.saturating_add(Self::settle_weight())
	}
}
