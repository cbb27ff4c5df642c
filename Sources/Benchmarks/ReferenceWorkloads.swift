import Foundation
import PostgresClient

/// The reference side of each workload: the same database work without Tenantry, done by
/// PostgreSQL's own clients (pgbench, psql) as the superuser on the same socket.
struct ReferenceWorkloads: Sendable {
    let pgbench: Pgbench
    let psql: Psql
    let tenant: UUID
    let workDirectory: URL

    /// Reference A (`SQL/pgbench_append_events.sql`): the very function Tenantry calls, with the
    /// same single event, from C.
    static var appendFunctionScript: String { String(decoding: PackageResources.pgbench_append_events_sql, as: UTF8.self) }

    /// Reference B (`SQL/pgbench_plain_insert.sql`): the same row, inserted plainly into a copy
    /// of the table.
    static var plainInsertScript: String { String(decoding: PackageResources.pgbench_plain_insert_sql, as: UTF8.self) }

    /// `clients` pgbench clients calling `tenantry.append_events` for `seconds`.
    func appendFunction(clients: Int, threads: Int, seconds: Int) async throws -> BenchMeasurement {
        try await runPgbench(Self.appendFunctionScript, name: "append_events", clients: clients, threads: threads, seconds: seconds)
    }

    /// `clients` pgbench clients inserting into `bench_plain_events` for `seconds`.
    func appendPlainInsert(clients: Int, threads: Int, seconds: Int) async throws -> BenchMeasurement {
        try await runPgbench(Self.plainInsertScript, name: "plain_insert", clients: clients, threads: threads, seconds: seconds)
    }

    /// `\copy table … from file` of `rows` rows (into `tenantry.events` unless told), timed as
    /// the whole psql process.
    func copyIn(_ file: URL, rows: Int, into table: String = "tenantry.events") async throws -> BenchMeasurement {
        let result = try await psql.run(
            "\\copy \(table) (\(EventCopyFile.columns)) from \(try Psql.quotedPath(file))",
            workDirectory: workDirectory
        )
        guard Psql.copiedRows(result) == rows else {
            throw BenchError("psql copied \(Psql.copiedRows(result).map(String.init) ?? "an unknown number of") rows, expected \(rows)")
        }
        return BenchMeasurement(events: rows, elapsed: result.elapsed)
    }

    /// `\copy tenantry.events … from file` of each file in turn, in one psql session, each COPY a
    /// transaction of its own; timed as the whole psql process.
    func copyIn(eachOf files: [URL], rowsEach: Int) async throws -> BenchMeasurement {
        let commands = try files.map { "\\copy tenantry.events (\(EventCopyFile.columns)) from \(try Psql.quotedPath($0))" }
        let result = try await psql.run(each: commands, workDirectory: workDirectory)
        let counts = Psql.copyCounts(result)
        guard counts.count == files.count, counts.allSatisfy({ $0 == rowsEach }) else {
            throw BenchError("psql copied \(counts) rows in \(counts.count) COPYs, expected \(files.count) of \(rowsEach)")
        }
        return BenchMeasurement(events: files.count * rowsEach, elapsed: result.elapsed)
    }

    /// The whole events table in feed order, to /dev/null, timed as the whole psql process.
    func copyOutAll() async throws -> BenchMeasurement {
        let result = try await psql.run(
            "\\copy (SELECT position, transaction_id, tenant_id, stream_name, stream_version, event_id, event_type, data, metadata, recorded_at FROM tenantry.events ORDER BY transaction_id, position) to '/dev/null'",
            workDirectory: workDirectory
        )
        guard let rows = Psql.copiedRows(result) else {
            throw BenchError("could not read the row count psql reported: \(result.diagnosticTail)")
        }
        return BenchMeasurement(events: rows, elapsed: result.elapsed)
    }

    private func runPgbench(_ script: String, name: String, clients: Int, threads: Int, seconds: Int) async throws -> BenchMeasurement {
        let scriptFile = workDirectory.appendingPathComponent("\(name).sql")
        try Data(script.utf8).write(to: scriptFile)
        let outcome = try await pgbench.run(
            script: scriptFile,
            clients: clients,
            threads: threads,
            seconds: seconds,
            variables: ["tenant": tenant.uuidString.lowercased(), "version": "0"],
            workDirectory: workDirectory
        )
        return BenchMeasurement(
            events: outcome.transactions,
            eventsPerSecond: outcome.transactionsPerSecond,
            latency: outcome.latency
        )
    }
}
