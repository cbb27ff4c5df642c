import EventStore
import Foundation
import PostgresClient
import Synchronization
import TestSupport
import Testing

/// Collects what a subscriber received, from its task, for the test to inspect.
final class Received: Sendable {
    private let events = Mutex<[RecordedEvent]>([])

    func append(_ batch: [RecordedEvent]) {
        events.withLock { $0 += batch }
    }

    var all: [RecordedEvent] { events.withLock { $0 } }
    var count: Int { events.withLock { $0.count } }
}

@Suite("No event is ever skipped")
struct GapSafetyTests {
    /// 8 writers append to their own streams, each pausing a random while inside its
    /// transaction after taking a position, so later positions often commit first; before
    /// them, one earlier position is held open until a later one has committed and been read.
    /// A naive reader that follows `position` watches too, to prove the race happened.
    @Test("a subscriber from position 0 gets every event exactly once, in a stable order, while writers commit out of order")
    func subscriberNeverSkips() async throws {
        let writers = 8
        let transactionsPerWriter = 60
        let eventsPerTransaction = 2
        try await withEventStore(maximumConnections: writers + 4) { store, database async throws in
            let received = Received()
            let subscription = EventSubscription(store: store, batchSize: 50)
            let subscriber = Task { try await subscription.run(from: .start) { received.append($0) } }
            let naive = NaiveReader(configuration: database.operatorConfiguration)
            let naiveTask = Task { try await naive.follow() }

            // One certain instance of the race before the random ones: an earlier position is
            // held uncommitted while a later one commits and the naive reader moves past it.
            try await store.pool.withCheckedOutConnection { held in
                try await held.transaction { held in
                    try store.append([TestEvents.event(-1)], to: try StreamName(category: "held", id: "1"), tenant: UUID(), on: held)
                    let later = try await store.append([TestEvents.event(-2)], to: try StreamName(category: "quick", id: "1"), tenant: UUID())
                    let position = try #require(later.positions.last)
                    try await waitUntil("the naive reader passes the later position") { await naive.furthest >= position }
                }
            }

            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for n in 0..<transactionsPerWriter {
                            let delay = Double.random(in: 0...0.004)
                            try await store.pool.transaction { connection in
                                try store.append(
                                    (0..<eventsPerTransaction).map { TestEvents.event(n * 10 + $0) },
                                    to: try StreamName(category: "writer", id: String(writer)),
                                    tenant: UUID(),
                                    on: connection
                                )
                                // Hold the position uncommitted for a while.
                                try connection.query("SELECT pg_sleep(\(delay))")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }

            let total = writers * transactionsPerWriter * eventsPerTransaction + 2
            try await waitUntil("the subscriber has every event") { received.count >= total }
            subscriber.cancel()
            naiveTask.cancel()
            _ = try? await subscriber.value

            let delivered = received.all
            let stored = try await store.readAllPositions()
            #expect(delivered.count == total)
            #expect(Set(delivered.map(\.position)) == Set(stored))
            #expect(Set(delivered.map(\.id)).count == delivered.count)
            // Stable order: strictly increasing (transaction id, position), the same order a
            // later reader of the whole feed sees.
            #expect(zip(delivered, delivered.dropFirst()).allSatisfy { $0.cursor < $1.cursor })
            let reread = try await store.readAll(limit: total + 10)
            #expect(reread.map(\.id) == delivered.map(\.id))
            // The race happened: a position-following reader missed events.
            let naiveMissed = await naive.missedCount(of: Set(stored))
            #expect(naiveMissed > 0, "the naive reader skipped nothing: the test did not create the race")
        }
    }
}

/// Follows `position > last` with no regard for running transactions: the broken reader
/// the store's design avoids. It is here only to prove that the test creates the race.
actor NaiveReader {
    let configuration: PostgresConfiguration
    private var seen: Set<Int64> = []
    private var last: Int64 = 0

    init(configuration: PostgresConfiguration) {
        self.configuration = configuration
    }

    nonisolated func follow() async throws {
        try await PostgresConnection.withConnection(configuration) { connection in
            while !Task.isCancelled {
                let after = await self.last
                let positions = try await connection.query(
                    "SELECT position FROM tenantry.events WHERE position > \(after) ORDER BY position LIMIT 1000"
                ).rows.map { try $0.decode(Int64.self) }
                await self.record(positions)
                try await Task.sleep(for: .milliseconds(1))
            }
        }
    }

    /// The highest position seen so far.
    var furthest: Int64 { last }

    private func record(_ positions: [Int64]) {
        seen.formUnion(positions)
        last = max(last, positions.max() ?? 0)
    }

    func missedCount(of all: Set<Int64>) -> Int {
        all.subtracting(seen).filter { $0 <= last }.count
    }
}

extension EventLog {
    func readAllPositions() async throws -> [Int64] {
        try await pool.query("SELECT position FROM tenantry.events ORDER BY position").rows.map { try $0.decode(Int64.self) }
    }
}
