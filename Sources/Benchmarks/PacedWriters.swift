import EventStore
import Foundation
import Synchronization
import Tenancy

/// A tenant's own steady traffic during a move: `count` writers, each appending one event to
/// its own stream every `interval` through the router, as the application does, so an append
/// refused by the fence is retried (`withEventStore`) and lands in whichever cell the tenant
/// lives in by then.
struct PacedWriters: Sendable {
    let router: TenantDatabaseRouter
    let tenant: UUID
    let count: Int
    let interval: Duration

    /// What the writers did while they ran.
    struct Tally: Sendable {
        /// One measurement over the whole run: appends, their rate, latency per append
        /// (retries included).
        let measurement: BenchMeasurement
        /// The slowest append, in milliseconds.
        let slowest: Double
        /// Calls of an append that were repeated because the tenant was fenced.
        let retries: Int
    }

    /// How long a writer keeps retrying a fenced append: longer than any move measured here
    /// keeps a tenant fenced, so a refusal would mean a fault, not patience run out.
    static let patience: Duration = .seconds(120)

    /// Runs the writers beside `body` until it returns; each then finishes the append in flight.
    func running<Value: Sendable>(_ body: () async throws -> Value) async throws -> (Value, Tally) {
        let shared = Shared()
        let clock = ContinuousClock()
        let start = clock.now
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            for writer in 0..<count {
                group.addTask { [router, tenant, interval] in
                    let stream = try StreamName(category: "live", id: String(writer))
                    var latencies: [Double] = []
                    var next = clock.now
                    while !shared.isStopped {
                        // Made once, outside the retries: a retry appends the same event id, so
                        // an append that committed before the fence is not written twice.
                        let event = try NewEvent(type: "BenchWritten", dataJSON: "{\"n\":\(latencies.count)}")
                        let began = clock.now
                        try await router.withEventStore(for: tenant, patience: Self.patience) { store in
                            shared.attempted()
                            _ = try await store.append([event], to: stream, tenant: tenant)
                        }
                        latencies.append(BenchMeasurement.milliseconds(began.duration(to: clock.now)))
                        next += interval
                        if next > clock.now { try await Task.sleep(until: next, clock: clock) } else { next = clock.now }
                    }
                    return latencies
                }
            }
            do {
                let value = try await body()
                shared.stop()
                let latencies = try await group.reduce(into: [Double]()) { $0 += $1 }
                let tally = Tally(
                    measurement: BenchMeasurement(
                        events: latencies.count, elapsed: start.duration(to: clock.now), latency: LatencySummary(milliseconds: latencies)),
                    slowest: latencies.max() ?? 0,
                    retries: shared.attempts - latencies.count)
                return (value, tally)
            } catch {
                shared.stop()
                group.cancelAll()
                throw error
            }
        }
    }

    /// Runs the writers alone for `duration`: the same traffic with no move, the reference.
    func running(for duration: Duration) async throws -> Tally {
        try await running { try await Task.sleep(for: duration) }.1
    }

    /// The writers' stop signal and the count of append calls, shared by every writer.
    private final class Shared: Sendable {
        private let stopped = Atomic<Bool>(false)
        private let calls = Atomic<Int>(0)

        var isStopped: Bool { stopped.load(ordering: .acquiring) }
        var attempts: Int { calls.load(ordering: .relaxed) }

        func stop() { stopped.store(true, ordering: .releasing) }
        func attempted() { calls.add(1, ordering: .relaxed) }
    }
}
