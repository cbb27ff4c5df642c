import Synchronization

/// Runs an operation once at a time, and lets every caller that arrives while it runs share
/// the next run, which starts when the current one ends.
///
/// For "bring the read model up to what has committed": a run that started before a caller's
/// own write committed may have read past it already, so the caller cannot join that one; any
/// run that starts after the caller arrived will see the write. Eight callers at once then
/// make two runs, not eight that queue on the projection's checkpoint lock, each holding a
/// pooled connection while it waits (which starved a pool of four on a busy machine).
final class CoalescedRuns: Sendable {
    private struct Run {
        let id: Int
        let task: Task<Void, any Error>
    }

    private struct State {
        var running: Run?
        var queued: Run?
        var nextID = 0
        var waitingCallers = 0
    }

    private let state = Mutex(State())

    /// Runs `operation` in the next run to start, or shares it with the callers already
    /// waiting for that run; throws what the run threw. The run is not cancelled with one of
    /// its callers (the others wait for it); `operation` bounds itself.
    func run(_ operation: @escaping @Sendable () async throws -> Void) async throws {
        let task = state.withLock { state -> Task<Void, any Error> in
            state.waitingCallers += 1
            if let queued = state.queued { return queued.task }
            let id = state.nextID
            state.nextID += 1
            let previous = state.running?.task
            let task = Task {
                if let previous { _ = await previous.result }
                self.start(id)
                defer { self.finish(id) }
                try await operation()
            }
            if previous == nil {
                state.running = Run(id: id, task: task)
            } else {
                state.queued = Run(id: id, task: task)
            }
            return task
        }
        defer { state.withLock { $0.waitingCallers -= 1 } }
        try await task.value
    }

    /// How many callers wait for a run now (for tests).
    var waitingCallers: Int { state.withLock { $0.waitingCallers } }

    /// The queued run `id` starts: callers from now on queue behind it.
    private func start(_ id: Int) {
        state.withLock { state in
            guard let queued = state.queued, queued.id == id else { return }
            state.running = queued
            state.queued = nil
        }
    }

    private func finish(_ id: Int) {
        state.withLock { state in
            if state.running?.id == id { state.running = nil }
        }
    }
}
