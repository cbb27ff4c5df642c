import DequeModule
import Synchronization

/// The instances waiting for their next call, of every pool in the process, within one memory
/// budget: a pool per tenant (pooled assignments) or per deployment would otherwise keep
/// instances for good. The least recently used are dropped first; a pool finds its own by
/// identity, so an instance never serves another pool.
final class IdleInstances: Sendable {
    /// 64 MiB of guest memory (each instance counts its memory and its snapshot), and half of
    /// `SandboxLimits.liveInstanceLimit`, so calls in flight always have the other half.
    static let shared = IdleInstances(byteBudget: 64 * 1024 * 1024, countLimit: SandboxLimits.liveInstanceLimit / 2)

    private struct Entry {
        let pool: ObjectIdentifier
        let instance: PooledInstance
    }

    private struct State {
        var entries = Deque<Entry>()
        var bytes = 0
    }

    private let byteBudget: Int
    private let countLimit: Int
    private let state = Mutex(State())

    init(byteBudget: Int, countLimit: Int) {
        self.byteBudget = byteBudget
        self.countLimit = countLimit
    }

    /// The most recently parked instance of `pool`, if any.
    func take(for pool: ObjectIdentifier) -> SandboxInstance? {
        state.withLock { state in
            guard let index = state.entries.lastIndex(where: { $0.pool == pool }) else { return nil }
            let entry = state.entries.remove(at: index)
            state.bytes -= entry.instance.instance.byteCost
            return entry.instance.instance
        }
    }

    /// Parks `instance` for `pool`, dropping the oldest parked instances beyond the budget or
    /// the count.
    func park(_ instance: SandboxInstance, for pool: ObjectIdentifier) {
        let dropped = state.withLock { state -> [Entry] in
            state.entries.append(Entry(pool: pool, instance: PooledInstance(instance: instance)))
            state.bytes += instance.byteCost
            var dropped: [Entry] = []
            while state.bytes > byteBudget || state.entries.count > countLimit, let oldest = state.entries.popFirst() {
                state.bytes -= oldest.instance.instance.byteCost
                dropped.append(oldest)
            }
            return dropped
        }
        _ = dropped  // released here, outside the lock
    }

    /// Drops every parked instance of `pool` (a pool no longer used).
    func drop(_ pool: ObjectIdentifier) {
        let dropped = state.withLock { state -> [Entry] in
            let (kept, gone) = (state.entries.filter { $0.pool != pool }, state.entries.filter { $0.pool == pool })
            state.entries = Deque(kept)
            state.bytes -= gone.reduce(0) { $0 + $1.instance.instance.byteCost }
            return Array(gone)
        }
        _ = dropped
    }
}
