import Synchronization

/// Runs an operation once at a time, and lets every caller that arrives while it runs share
/// the next run, which starts when the current one ends.
///
/// For "bring the read model up to what has committed": a run that started before a caller's
/// own write committed may have read past it already, so the caller cannot join that one; any
/// run that starts after the caller arrived will see the write. Eight callers at once then
/// make two runs, not eight that queue on the projection's checkpoint lock, each holding a
/// pooled connection while it waits (which starved a pool of four on a busy machine).
///
/// A caller whose task is cancelled stops waiting at once (`CancellationError`); a run whose
/// callers have all gone is cancelled too, so a shutdown is not held up by a run nobody waits for.
final class CoalescedRuns: Sendable {
    private struct Run {
        let id: Int
        /// The longest timeout any of its callers asked for.
        var timeout: Duration
        var task: Task<Void, Never>?
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
        /// Callers counted in but not yet waiting on a continuation.
        var arriving: Set<Int> = []
        var outcome: Result<Void, any Error>?

        var hasCallers: Bool { !waiters.isEmpty || !arriving.isEmpty }
    }

    private struct State {
        var running: Run?
        var queued: Run?
        /// Runs that ended while a caller counted in had not started waiting yet, kept for it.
        var ended: [Int: Run] = [:]
        var nextID = 0

        /// Changes run `id` (running, queued, or ended with callers still to collect its outcome);
        /// nil when it is none of these any more.
        mutating func update<Value>(_ id: Int, _ change: (inout Run) -> Value) -> Value? {
            if var run = running, run.id == id {
                defer { running = run }
                return change(&run)
            }
            if var run = queued, run.id == id {
                defer { queued = run }
                return change(&run)
            }
            if var run = ended[id] {
                defer { ended[id] = run.arriving.isEmpty ? nil : run }
                return change(&run)
            }
            return nil
        }
    }

    private let state = Mutex(State())

    /// Runs `operation` (given the longest timeout among the run's callers) in the next run to
    /// start, or shares it with the callers already waiting for that run; throws what the run
    /// threw, or `CancellationError` when this caller's task is cancelled first.
    func run(timeout: Duration, _ operation: @escaping @Sendable (Duration) async throws -> Void) async throws {
        let (run, caller) = join(timeout: timeout, operation)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let now: Result<Void, any Error>? = state.withLock { state in
                    state.update(run) { entry in
                        guard entry.arriving.remove(caller) != nil else { return .failure(CancellationError()) }
                        if let outcome = entry.outcome { return outcome }
                        entry.waiters[caller] = continuation
                        return nil
                    } ?? .failure(CancellationError())
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            leave(run, caller)
        }
    }

    /// How many callers wait for a run now (for tests).
    var waitingCallers: Int {
        state.withLock { state in
            ([state.running, state.queued].compactMap { $0 } + Array(state.ended.values))
                .reduce(0) { $0 + $1.waiters.count + $1.arriving.count }
        }
    }

    /// Counts the caller into the queued run, making one (behind the running one, if any).
    private func join(timeout: Duration, _ operation: @escaping @Sendable (Duration) async throws -> Void) -> (run: Int, caller: Int) {
        state.withLock { state in
            let caller = state.nextID
            state.nextID += 1
            if var queued = state.queued {
                queued.arriving.insert(caller)
                queued.timeout = max(queued.timeout, timeout)
                state.queued = queued
                return (queued.id, caller)
            }
            let id = state.nextID
            state.nextID += 1
            let previous = state.running?.task
            var run = Run(id: id, timeout: timeout)
            run.arriving.insert(caller)
            run.task = Task {
                await previous?.value
                guard let timeout = self.start(id) else { return }
                let outcome: Result<Void, any Error>
                do {
                    try await operation(timeout)
                    outcome = .success(())
                } catch {
                    outcome = .failure(error)
                }
                self.finish(id, with: outcome)
            }
            if previous == nil {
                state.running = run
            } else {
                state.queued = run
            }
            return (id, caller)
        }
    }

    /// The queued run `id` starts: callers from now on queue behind it. Nil when it has no
    /// callers left (all cancelled): it is dropped without running.
    private func start(_ id: Int) -> Duration? {
        state.withLock { state in
            if let queued = state.queued, queued.id == id {
                state.queued = nil
                guard queued.hasCallers else { return nil }
                state.running = queued
                return queued.timeout
            }
            guard let running = state.running, running.id == id else { return nil }
            guard running.hasCallers else {
                state.running = nil
                return nil
            }
            return running.timeout
        }
    }

    /// Ends run `id` and hands its outcome to every caller still waiting.
    private func finish(_ id: Int, with outcome: Result<Void, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard var running = state.running, running.id == id else { return [] }
            state.running = nil
            running.outcome = outcome
            let waiters = Array(running.waiters.values)
            running.waiters = [:]
            if !running.arriving.isEmpty { state.ended[id] = running }
            return waiters
        }
        for waiter in waiters { waiter.resume(with: outcome) }
    }

    /// A cancelled caller stops waiting; a run left with no callers is cancelled (a queued one
    /// is dropped, so that a caller arriving later gets a run that was never cancelled).
    private func leave(_ run: Int, _ caller: Int) {
        let (waiter, orphaned) = state.withLock { state -> (CheckedContinuation<Void, any Error>?, Task<Void, Never>?) in
            let left = state.update(run) { entry in
                entry.arriving.remove(caller)
                let waiter = entry.waiters.removeValue(forKey: caller)
                return (waiter, entry.hasCallers ? nil : entry.task)
            } ?? (nil, nil)
            if left.1 != nil, state.queued?.id == run { state.queued = nil }
            return left
        }
        waiter?.resume(throwing: CancellationError())
        orphaned?.cancel()
    }
}
