import EventStore
import Foundation
import PostgresClient

/// The Tenantry side of each workload: the public `EventLog` API over a `PostgresPool`,
/// called the way the application calls it, connected as tenantry_app.
struct TenantryWorkloads: Sendable {
    /// tenantry_app on the benchmark database.
    let configuration: PostgresConfiguration
    let tenant: UUID

    /// `writers` tasks, each appending one event per call to its own stream `bench-<writer>`
    /// until `duration` has passed, over a pool of `writers` connections.
    func appendSingles(writers: Int, duration: Duration) async throws -> BenchMeasurement {
        try await withStore(connections: writers) { store in
            try await warmUp(store, connections: writers)
            let tenant = self.tenant
            let clock = ContinuousClock()
            let start = clock.now
            let deadline = start + duration
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        let stream = try Self.stream(writer)
                        var latencies: [Double] = []
                        latencies.reserveCapacity(16_384)
                        while clock.now < deadline {
                            // Made outside the timed call but inside the measured period: a
                            // real writer builds its events too, though that is not the store.
                            let event = try Self.event()
                            let began = clock.now
                            try await store.append([event], to: stream, tenant: tenant, expectedVersion: .any)
                            latencies.append(BenchMeasurement.milliseconds(began.duration(to: clock.now)))
                        }
                        return latencies
                    }
                }
                var all: [Double] = []
                for try await latencies in group {
                    all += latencies
                }
                return all
            }
            return BenchMeasurement(
                events: latencies.count,
                elapsed: start.duration(to: clock.now),
                latency: LatencySummary(milliseconds: latencies)
            )
        }
    }

    /// `count` appends of `size` events each, every one to a new stream `benchbatch-<n>`.
    func appendBatches(count: Int, size: Int) async throws -> BenchMeasurement {
        try await withStore(connections: 1) { store in
            try await warmUp(store, connections: 1)
            let clock = ContinuousClock()
            var latencies: [Double] = []
            var total: Duration = .zero
            for batch in 0..<count {
                // Built before the clock starts, as the reference's COPY file is written before
                // psql starts: both sides time the database work, not making up test data.
                let events = try (0..<size).map { _ in try Self.event() }
                let stream = try StreamName(category: "benchbatch", id: String(batch))
                let began = clock.now
                try await store.append(events, to: stream, tenant: tenant, expectedVersion: .noStream)
                let took = began.duration(to: clock.now)
                total += took
                latencies.append(BenchMeasurement.milliseconds(took))
            }
            return BenchMeasurement(events: count * size, elapsed: total, latency: LatencySummary(milliseconds: latencies))
        }
    }

    /// One append of `size` events to a new stream, timed alone (one call, one transaction).
    func appendOneBatch(size: Int) async throws -> BenchMeasurement {
        try await withStore(connections: 1) { store in
            try await warmUp(store, connections: 1)
            let events = try (0..<size).map { _ in try Self.event() }
            let stream = try StreamName(category: "benchbatch", id: "whole")
            let clock = ContinuousClock()
            let began = clock.now
            try await store.append(events, to: stream, tenant: tenant, expectedVersion: .noStream)
            let took = began.duration(to: clock.now)
            return BenchMeasurement(events: size, elapsed: took, latency: LatencySummary(milliseconds: [BenchMeasurement.milliseconds(took)]))
        }
    }

    /// The whole global feed, `pageSize` events per `readAll`, following each page's last cursor
    /// until a page comes back empty; every row is decoded into a `RecordedEvent` on the way.
    func readAll(pageSize: Int) async throws -> BenchMeasurement {
        try await withStore(connections: 1) { store in
            // Opens the connection before the clock starts, as the reference's time does not
            // include a pool either; a key lookup, so it warms nothing the reads use.
            _ = try await store.streamVersion(Self.stream(0), tenant: tenant)
            let clock = ContinuousClock()
            var cursor = GlobalCursor.start
            var events = 0
            var latencies: [Double] = []
            let start = clock.now
            while true {
                let began = clock.now
                let page = try await store.readAll(after: cursor, limit: pageSize)
                guard let last = page.last else { break }
                latencies.append(BenchMeasurement.milliseconds(began.duration(to: clock.now)))
                events += page.count
                cursor = last.cursor
            }
            return BenchMeasurement(
                events: events,
                elapsed: start.duration(to: clock.now),
                latency: LatencySummary(milliseconds: latencies)
            )
        }
    }

    // MARK: Helpers

    /// The event every workload writes, the same row the references insert.
    static func event() throws(EventStoreError) -> NewEvent {
        try NewEvent(type: "Benchmarked", dataJSON: #"{"n": 1}"#)
    }

    static func stream(_ writer: Int) throws(EventStoreError) -> StreamName {
        try StreamName(category: "bench", id: String(writer))
    }

    /// Opens every connection of the pool and appends once on each before any clock starts, as
    /// pgbench connects all its clients before its clock starts; otherwise the first calls would
    /// pay for connecting and preparing.
    private func warmUp(_ store: EventLog, connections: Int) async throws {
        var checkedOut: [PostgresConnection] = []
        do {
            for _ in 0..<connections {
                checkedOut.append(try await store.pool.checkout())
            }
            for (index, connection) in checkedOut.enumerated() {
                try await store.append([Self.event()], to: Self.stream(index), tenant: tenant, on: connection)
            }
        } catch {
            for connection in checkedOut {
                await store.pool.checkin(connection)
            }
            throw error
        }
        for connection in checkedOut {
            await store.pool.checkin(connection)
        }
    }

    private func withStore<Value: Sendable>(
        connections: Int,
        _ body: (EventLog) async throws -> Value
    ) async throws -> Value {
        let pool = PostgresPool(configuration: configuration, maximumConnections: connections)
        do {
            let value = try await body(EventLog(pool: pool))
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }
}
