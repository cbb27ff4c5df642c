import EventStore
import Foundation
import PostgresClient
public import Tenantry

/// `tenantry bench eventstore`: the event store's appends and reads, each next to PostgreSQL's
/// own clients doing the same work in the same run, reported as a ratio.
///
/// A benchmark, not a test: nothing here passes or fails on a number. The rates depend on the
/// machine; the ratio to a reference measured minutes apart on the same server is what says
/// how much Tenantry costs.
public struct EventStoreBenchmark: Sendable {
    public var duration: Int
    public var batches: Int
    public var readEvents: Int

    public init(duration: Int = 10, batches: Int = 50, readEvents: Int = 1_000_000) {
        self.duration = duration
        self.batches = batches
        self.readEvents = readEvents
    }

    static let concurrentWriters = 16
    static let batchSize = 1000
    static let readPageSize = 10_000
    /// Events per stream in the bulk-loaded read data.
    static let loadStreamLength = 1000

    /// Runs the benchmark on a fresh database of `target`'s server; the header and the report go
    /// to `console`.
    public func run(on target: DatabaseTarget, console: any BenchmarkConsole) async throws {
        // Every reference needs these; find them before touching the server.
        let pgbench = try Pgbench.locate()
        let psql = try Psql.locate()
        let report = try await BenchDatabase.withFresh(on: target) { database, workDirectory in
            let clients = database.clientArguments
            return try await measure(
                in: database,
                pgbench: Pgbench(executable: pgbench, connection: clients),
                psql: Psql(executable: psql, connection: clients),
                workDirectory: workDirectory,
                console: console
            )
        }
        console.report(report, notes: [
            "ratio = tenantry ev/s ÷ ref ev/s (1× is parity). Latency is per call: per append, per batch of \(Self.batchSize), per read page of \(Self.readPageSize).",
        ])
    }

    // MARK: Workloads

    private func measure(
        in database: BenchDatabase,
        pgbench: Pgbench,
        psql: Psql,
        workDirectory: URL,
        console: any BenchmarkConsole
    ) async throws -> BenchReport {
        let tenant = UUID()
        let tenantry = TenantryWorkloads(configuration: database.applicationConfiguration, tenant: tenant)
        let reference = ReferenceWorkloads(pgbench: pgbench, psql: psql, tenant: tenant, workDirectory: workDirectory)
        return try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
            let facts = try await MachineFacts.gather(on: admin, target: database.target)
            BenchHeader.print(
                "eventstore", facts: facts,
                options: "--duration \(duration) --batches \(batches) --read-events \(readEvents)",
                references: "\(pgbench.executable), \(psql.executable) (as the superuser, same server)", console: console
            )
            // The plain table of the INSERT reference; autovacuum off (settle() runs before every measurement).
            try await admin.runScript(BenchStatements.eventStoreSetup)
            try await preload(tenant: tenant, reference: reference, workDirectory: workDirectory)

            var report = BenchReport()
            for writers in [1, Self.concurrentWriters] {
                try await measureSingleAppends(writers: writers, tenantry: tenantry, reference: reference, admin: admin, into: &report)
            }
            try await measureBatches(tenant: tenant, tenantry: tenantry, reference: reference, workDirectory: workDirectory, admin: admin, into: &report)
            // The all-tenant feed is read as `events tail` reads it, acting as tenantry_operator.
            let feedReader = TenantryWorkloads(configuration: database.operatorConfiguration, tenant: tenant)
            try await measureReadAll(tenantry: feedReader, reference: reference, admin: admin, into: &report)
            return report
        }
    }

    private func measureSingleAppends(
        writers: Int,
        tenantry: TenantryWorkloads,
        reference: ReferenceWorkloads,
        admin: PostgresConnection,
        into report: inout BenchReport
    ) async throws {
        let label = writers == 1 ? "append, 1 writer" : "append, \(writers) writers"
        let threads = min(writers, 2)

        BenchProgress.note("measuring \(label): tenantry, \(duration) s…")
        try await settle(admin)
        let ours = try await tenantry.appendSingles(writers: writers, duration: .seconds(duration))

        BenchProgress.note("measuring \(label): pgbench append_events(), \(duration) s…")
        try await settle(admin)
        let function = try await reference.appendFunction(clients: writers, threads: threads, seconds: duration)

        BenchProgress.note("measuring \(label): pgbench INSERT, \(duration) s…")
        try await admin.query(BenchStatements.removePlainInserts)
        try await settle(admin)
        let insert = try await reference.appendPlainInsert(clients: writers, threads: threads, seconds: duration)

        report.append(label, ours, against: "pgbench append_events()", function)
        report.append(label, ours, against: "pgbench INSERT", insert)
    }

    /// Two pairs: `batches` appends of `batchSize` events, each committed, next to as many
    /// COPYs of as many rows, each a transaction of its own (every batch pays its commit's WAL
    /// flush on both sides); and the same events as one append next to one COPY of them all.
    private func measureBatches(
        tenant: UUID,
        tenantry: TenantryWorkloads,
        reference: ReferenceWorkloads,
        workDirectory: URL,
        admin: PostgresConnection,
        into report: inout BenchReport
    ) async throws {
        let label = "append, batches of \(Self.batchSize)"
        let rows = batches * Self.batchSize

        BenchProgress.note("measuring \(label): tenantry, \(batches) appends…")
        try await settle(admin)
        let ours = try await tenantry.appendBatches(count: batches, size: Self.batchSize)

        BenchProgress.note("measuring \(label): psql COPY FROM, \(batches) COPYs of \(Self.batchSize) rows…")
        let files = try (0..<batches).map { index in
            let file = workDirectory.appendingPathComponent("batch-\(index).copy")
            try EventCopyFile.write(
                to: file, count: Self.batchSize, tenant: tenant, streamPrefix: "benchcopy\(index)", eventsPerStream: Self.batchSize
            )
            return file
        }
        try await settle(admin)
        let copies = try await reference.copyIn(eachOf: files, rowsEach: Self.batchSize)
        for file in files { try? FileManager.default.removeItem(at: file) }
        report.append(label, ours, against: "psql COPY FROM, \(Self.batchSize) a txn", copies)

        let whole = "append, one batch of \(rows)"
        BenchProgress.note("measuring \(whole): tenantry…")
        try await settle(admin)
        let oursWhole = try await tenantry.appendOneBatch(size: rows)

        BenchProgress.note("measuring \(whole): psql COPY FROM, \(rows) rows…")
        let file = workDirectory.appendingPathComponent("batches.copy")
        try EventCopyFile.write(to: file, count: rows, tenant: tenant, streamPrefix: "benchcopywhole", eventsPerStream: rows)
        try await settle(admin)
        let copy = try await reference.copyIn(file, rows: rows)
        try? FileManager.default.removeItem(at: file)
        report.append(whole, oursWhole, against: "psql COPY FROM, one txn", copy)
    }

    private func measureReadAll(
        tenantry: TenantryWorkloads,
        reference: ReferenceWorkloads,
        admin: PostgresConnection,
        into report: inout BenchReport
    ) async throws {
        try await settle(admin)
        let total = try await waitUntilDeliverable(admin)

        BenchProgress.note("measuring read all: tenantry, \(total) events…")
        let ours = try await tenantry.readAll(pageSize: Self.readPageSize)
        guard ours.events == total else {
            throw BenchError("readAll returned \(ours.events) events but the table holds \(total)")
        }

        BenchProgress.note("measuring read all: psql COPY TO, \(total) events…")
        let copy = try await reference.copyOutAll()
        guard copy.events == total else {
            throw BenchError("psql copied \(copy.events) events out but the table holds \(total)")
        }

        report.append("read all", ours, against: "psql COPY TO", copy)
    }

    /// Loads `--read-events` events with COPY before any append is measured, into the event
    /// store and into the INSERT reference's table alike.
    ///
    /// Appends then go into a table of realistic size, and both sides of a pair meet nearly the
    /// same table: on a small, growing one, plans and index depths change between the runs, so
    /// whichever side ran later could look slower for that alone; and a plain INSERT into an
    /// empty table would find every index page it touches cached, where an append into a
    /// million rows does not. The read workload reads these events too.
    private func preload(tenant: UUID, reference: ReferenceWorkloads, workDirectory: URL) async throws {
        BenchProgress.note("loading \(readEvents) events with COPY, into the event store and the INSERT reference's table…")
        let file = workDirectory.appendingPathComponent("load.copy")
        try EventCopyFile.write(
            to: file, count: readEvents, tenant: tenant, streamPrefix: "benchread", eventsPerStream: Self.loadStreamLength
        )
        _ = try await reference.copyIn(file, rows: readEvents)
        _ = try await reference.copyIn(file, rows: readEvents, into: BenchStatements.plainTable)
        try? FileManager.default.removeItem(at: file)
    }

    // MARK: Helpers

    /// Puts the server in the same state before every measurement: statistics current (so both
    /// sides run the same plans), hint bits set (so a first reader is not charged for setting
    /// them on freshly loaded rows), and a checkpoint just taken (so no measurement inherits
    /// another's dirty pages or has a timed checkpoint land in it while the one before did not).
    private func settle(_ admin: PostgresConnection) async throws {
        try await admin.query(BenchStatements.vacuumEventStoreAndPlainTable)
        try await admin.query(BenchStatements.checkpoint)
    }

    /// Waits until `readAll` may hand out every event in the table, i.e. no transaction older
    /// than the newest event's is still open anywhere on the server; returns the event count.
    private func waitUntilDeliverable(_ admin: PostgresConnection) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let counts = try await admin.query(BenchStatements.deliverableEvents).rows.first?.decode((Int, Int).self)
            let (deliverable, total) = counts ?? (0, 0)
            if deliverable == total { return total }
            guard ContinuousClock.now < deadline else {
                throw BenchError(
                    "\(total - deliverable) events are still held back from readAll after 60 s: an older transaction is open on the server (see pg_stat_activity)"
                )
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
