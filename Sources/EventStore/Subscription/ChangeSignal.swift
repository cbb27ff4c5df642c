import Synchronization

/// A counter that waiters can sleep on until it moves past a value they saw (or a deadline).
final class ChangeSignal: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var version: UInt64 = 0
        var nextWaiterID: UInt64 = 0
        var waiters: [Waiter] = []
    }

    private let state = Mutex(State())

    var version: UInt64 { state.withLock { $0.version } }

    /// Moves the counter on and wakes every waiter.
    func signal() {
        let woken = state.withLock { state in
            state.version &+= 1
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    /// Returns once the counter is past `version`, at `deadline`, or when the task is cancelled.
    func wait(after version: UInt64, until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForSignal(after: version) }
            group.addTask { try? await Task.sleep(until: deadline) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal(after version: UInt64) async {
        let id = state.withLock { state in
            state.nextWaiterID &+= 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.version != version || Task.isCancelled { return true }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume()
        }
    }
}
