import EventStore
import Foundation
import PostgresClient
public import Tenantry

/// `tenantry bench scale`: how the event store's costs change as it grows. The store is filled
/// to each size in turn (set-up, untimed), and at each size the same three workloads run: one
/// writer's appends, a replay of the feed's first events, and one tenant's stream read. Each is
/// reported next to the same workload on the small store at the start of the same run, so the
/// ratio says what the size costs (1× means nothing).
public struct ScaleBenchmark: Sendable {
    public var sizes: [Int]
    public var tenants: Int
    public var duration: Int

    public init(sizes: [Int] = [1_000_000, 10_000_000], tenants: Int = 10_000, duration: Int = 5) {
        self.sizes = sizes.sorted()
        self.tenants = tenants
        self.duration = duration
    }

    /// The store's size when the reference is measured.
    static let baselineEvents = 100_000
    /// Events inserted per transaction while filling.
    static let fillBatch: Int64 = 200_000
    /// Events read from the start of the feed per replay measurement.
    static let replayEvents = 100_000
    static let replayPageSize = 10_000
    /// Events in the stream read by the stream-read workload, and times it is read.
    static let streamLength = 1000
    static let streamReads = 20

    public func run(on target: DatabaseTarget, console: any BenchmarkConsole) async throws {
        var notes: [String] = []
        let report = try await BenchDatabase.withFresh(on: target) { database, _ in
            try await BenchHeader.print(
                "scale", database: database,
                options: "--sizes \(sizes.map(String.init).joined(separator: ",")) --tenants \(tenants) --duration \(duration)",
                references: "the same workloads on the store at \(Self.baselineEvents) events, at the start of the same run (same server)",
                console: console
            )
            return try await measure(in: database, notes: &notes)
        }
        console.report(report, notes: notes + [
            "ratio = rate at the size ÷ rate at \(Self.baselineEvents) events (1× means the size costs nothing). Appends: one writer, \(duration) s, one event each to its own stream of a tenant of \(tenants). Replay: the feed's first \(Self.replayEvents) events as the operator, \(Self.replayPageSize) a page. Stream read: one tenant's \(Self.streamLength)-event stream, \(Self.streamReads) times.",
        ])
    }

    private struct Sample {
        var appends: BenchMeasurement
        var replay: BenchMeasurement
        var streamRead: BenchMeasurement
    }

    private func measure(in database: BenchDatabase, notes: inout [String]) async throws -> BenchReport {
        var configuration = database.administratorConfiguration
        configuration.queryTimeout = .seconds(1800)
        let tenant = Self.tenantID(0)
        return try await PostgresConnection.withConnection(configuration) { admin in
            var report = BenchReport()
            var filled: Int64 = 0
            try await admin.query(BenchStatements.fillLedger(tenant: Self.ledgerTenant, count: Int64(Self.streamLength)))
            let (baseline, took) = try await grow(to: Self.baselineEvents, from: &filled, admin: admin, tenant: tenant, database: database)
            notes.append("filled to \(Self.baselineEvents) events in \(took)")
            for size in sizes where size > Self.baselineEvents {
                let (sample, took) = try await grow(to: size, from: &filled, admin: admin, tenant: tenant, database: database)
                notes.append("filled to \(size) events in \(took) (set-up, untimed; \(tenants) tenants)")
                let label = Self.label(size)
                report.append("append, 1 writer, \(label)", sample.appends, against: "same, \(Self.label(Self.baselineEvents))", baseline.appends)
                report.append("replay, \(label)", sample.replay, against: "same, \(Self.label(Self.baselineEvents))", baseline.replay)
                report.append("stream read, \(label)", sample.streamRead, against: "same, \(Self.label(Self.baselineEvents))", baseline.streamRead)
            }
            return report
        }
    }

    /// Fills the store up to `size` events, settles it, and measures the three workloads.
    private func grow(
        to size: Int, from filled: inout Int64, admin: PostgresConnection, tenant: UUID, database: BenchDatabase
    ) async throws -> (Sample, String) {
        let clock = ContinuousClock()
        let began = clock.now
        BenchProgress.note("filling the store to \(size) events…")
        while filled < Int64(size) {
            let next = min(filled + Self.fillBatch, Int64(size))
            try await admin.query(BenchStatements.fillScaleStore(from: filled, to: next, tenants: Int64(tenants)))
            filled = next
            BenchProgress.note("  \(filled) of \(size)")
        }
        try await admin.query(BenchStatements.vacuumEventStore)
        try await admin.query(BenchStatements.checkpoint)
        let took = String(format: "%.1f s", BenchMeasurement.seconds(began.duration(to: clock.now)))

        BenchProgress.note("measuring at \(size) events: appends, \(duration) s…")
        let appender = TenantryWorkloads(configuration: database.applicationConfiguration, tenant: tenant)
        let appends = try await appender.appendSingles(writers: 1, duration: .seconds(duration))
        BenchProgress.note("measuring at \(size) events: replay and stream read…")
        let replay = try await replayStart(database: database)
        let streamRead = try await readOneStream(database: database)
        return (Sample(appends: appends, replay: replay, streamRead: streamRead), took)
    }

    /// The feed's first `replayEvents` events, page by page, as `events tail` reads it.
    private func replayStart(database: BenchDatabase) async throws -> BenchMeasurement {
        let pool = PostgresPool(configuration: database.operatorConfiguration, maximumConnections: 1)
        defer { Task { await pool.close() } }
        let store = EventLog(pool: pool)
        _ = try await store.streamVersion(StreamName("item-0"), tenant: Self.tenantID(0))
        let clock = ContinuousClock()
        let start = clock.now
        var cursor = GlobalCursor.start
        var events = 0
        var latencies: [Double] = []
        while events < Self.replayEvents {
            let began = clock.now
            let page = try await store.readAll(after: cursor, limit: min(Self.replayPageSize, Self.replayEvents - events))
            guard let last = page.last else { break }
            latencies.append(BenchMeasurement.milliseconds(began.duration(to: clock.now)))
            events += page.count
            cursor = last.cursor
        }
        return BenchMeasurement(events: events, elapsed: start.duration(to: clock.now), latency: LatencySummary(milliseconds: latencies))
    }

    /// One tenant's `ledger-1` stream of `streamLength` events, read in full `streamReads`
    /// times; the rate counts events read.
    private func readOneStream(database: BenchDatabase) async throws -> BenchMeasurement {
        let pool = PostgresPool(configuration: database.applicationConfiguration, maximumConnections: 1)
        defer { Task { await pool.close() } }
        let store = EventLog(pool: pool)
        let streams = [StreamName("ledger-1")]
        let clock = ContinuousClock()
        var total: Duration = .zero
        var events = 0
        var latencies: [Double] = []
        for _ in 0..<Self.streamReads {
            let began = clock.now
            for stream in streams {
                events += try await store.readStream(stream, tenant: Self.ledgerTenant, limit: Self.streamLength).count
            }
            let took = began.duration(to: clock.now)
            total += took
            latencies.append(BenchMeasurement.milliseconds(took))
        }
        return BenchMeasurement(events: events, elapsed: total, latency: LatencySummary(milliseconds: latencies))
    }

    /// The tenant whose `ledger-1` stream is read (none of the fill's).
    static let ledgerTenant = UUID(uuidString: "00000000-0000-4000-9000-000000000001") ?? UUID()

    /// The tenant the fill gives number `number` (see `BenchStatements.fillScaleStore`).
    static func tenantID(_ number: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-4000-8000-%012x", number)) ?? UUID()
    }

    static func label(_ size: Int) -> String {
        size >= 1_000_000 ? "\(size / 1_000_000)M events" : "\(size / 1000)k events"
    }
}
