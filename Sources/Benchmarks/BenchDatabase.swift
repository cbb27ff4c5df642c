import EmbeddedPostgres
import Foundation
import PostgresClient
import Schema
import Tenantry

/// The throwaway database every workload runs in, `tenantry_bench` on the target's server, and
/// how each side reaches it: Tenantry as `tenantry_app`, the reference tools as the superuser.
///
/// It is created fresh (migrated like any Tenantry database) so every run starts from the same
/// empty tables, and dropped afterwards so a run leaves nothing behind.
struct BenchDatabase: Sendable {
    static let name = "tenantry_bench"

    let target: DatabaseTarget

    /// The superuser on the maintenance database, for CREATE and DROP DATABASE.
    var maintenanceConfiguration: PostgresConfiguration {
        target.administratorConfiguration.with(database: "postgres")
    }

    /// The superuser on the benchmark database: migrations, set-up statements, server facts.
    var administratorConfiguration: PostgresConfiguration {
        target.administratorConfiguration.with(database: Self.name)
    }

    /// What Tenantry's side uses, exactly as the application connects: acting as tenantry_app.
    var applicationConfiguration: PostgresConfiguration {
        switch target {
        case .external(let url):
            PostgresConfiguration(
                connectionString: url, role: DatabaseRoles.application, database: Self.name,
                applicationName: "tenantry-bench"
            )
        case let .embedded(cluster, _):
            PostgresConfiguration(
                connectionString: cluster.connectionString(database: Self.name, user: DatabaseRoles.application),
                applicationName: "tenantry-bench"
            )
        }
    }

    /// What the all-tenant feed uses, exactly as `events tail` reads it: acting as
    /// tenantry_operator (row-level security shows it every tenant's events).
    var operatorConfiguration: PostgresConfiguration {
        administratorConfiguration.acting(as: DatabaseRoles.operator)
    }

    /// pgbench and psql, as the superuser over the same socket (or the URL's host).
    var clientArguments: ClientConnectionArguments {
        switch target {
        case .external(let url):
            ClientConnectionArguments(options: [], database: Self.connectionString(url, database: Self.name))
        case let .embedded(cluster, _):
            ClientConnectionArguments(
                options: ["-h", cluster.socketDirectory, "-p", String(cluster.port), "-U", EmbeddedCluster.superuser],
                database: Self.name
            )
        }
    }

    /// A connection string for the superuser on the benchmark database, for code that takes a
    /// database URL (the runtime).
    var administratorURL: String {
        switch target {
        case .external(let url): Self.connectionString(url, database: Self.name)
        case let .embedded(cluster, _): cluster.connectionString(database: Self.name)
        }
    }

    /// Prepares `target` (starting the embedded cluster), creates the benchmark database fresh
    /// and a scratch folder, runs `body` with both, and removes both afterwards, also when
    /// `body` throws: its error is the one reported; should the drop fail too, the next run's
    /// DROP DATABASE IF EXISTS clears the leftover.
    static func withFresh<Value>(
        on target: DatabaseTarget,
        _ body: (BenchDatabase, _ workDirectory: URL) async throws -> Value
    ) async throws -> Value {
        if case .embedded = target {
            BenchProgress.note("starting the embedded cluster…")
            try await DatabasePreparation(target: target).prepare()
        }
        let database = BenchDatabase(target: target)
        let workDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tenantry-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workDirectory) }
        let value: Value
        do {
            BenchProgress.note("creating database \(name)…")
            try await database.create()
            value = try await body(database, workDirectory)
        } catch {
            try? await database.drop()
            throw error
        }
        BenchProgress.note("dropping database \(name)…")
        try await database.drop()
        return value
    }

    /// Drops any leftover of an earlier run, creates the database and migrates it.
    func create() async throws {
        try await PostgresConnection.withConnection(maintenanceConfiguration) { connection in
            let isSuperuser = try await connection.query(BenchStatements.isSuperuser).rows.first?.decode(Bool.self) ?? false
            guard isSuperuser else {
                throw BenchError(
                    "bench needs a superuser URL: it creates and drops the database \(Self.name) and loads tenantry.events with COPY as the superuser"
                )
            }
            try await connection.query(BenchStatements.dropDatabase(Self.name))
            try await connection.query(BenchStatements.createDatabase(Self.name))
        }
        try await DatabaseMigrator().migrate(administratorConfiguration)
    }

    /// Drops the database, disconnecting anything still in it.
    func drop() async throws {
        try await PostgresConnection.withConnection(maintenanceConfiguration) { connection in
            try await connection.query(BenchStatements.dropDatabase(Self.name))
        }
    }

    /// `string` (a libpq URL or keyword/value string) naming `database` instead of its own.
    ///
    /// The tools take a connection string as their database argument, and then nothing given
    /// separately overrides what it names, so the database has to be replaced inside it.
    static func connectionString(_ string: String, database: String) -> String {
        let trimmed = string.trimmingCharacters(in: .whitespaces)
        guard let schemeEnd = trimmed.range(of: "://"),
              ["postgresql", "postgres"].contains(trimmed[..<schemeEnd.lowerBound].lowercased())
        else {
            // In a keyword/value string a later keyword wins over an earlier one.
            return trimmed + " dbname=" + database
        }
        let rest = trimmed[schemeEnd.upperBound...]
        let queryStart = rest.firstIndex(of: "?") ?? rest.endIndex
        let authority = rest[..<queryStart].prefix { $0 != "/" }
        let parameters = rest[queryStart...].dropFirst()
            .split(separator: "&")
            .filter { !$0.lowercased().hasPrefix("dbname=") }
        let query = parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&")
        return String(trimmed[..<schemeEnd.upperBound]) + authority + "/" + database + query
    }
}
