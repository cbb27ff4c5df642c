import ArgumentParser
import FeatureFlags
import Tenantry

/// `tenantry dev up`: start the embedded cluster, create the database, migrate.
struct DevUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start the embedded cluster (initdb on first use), create the database and migrate it.",
        discussion: "Example:\n  tenantry dev up"
    )

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let cluster = DatabaseTarget.embeddedCluster()
        let database = DatabaseTarget.embeddedDatabaseName
        let target = DatabaseTarget.embedded(cluster, database: database)
        let report = try await DatabasePreparation(target: target).prepare()
        let psql = "psql \"\(cluster.connectionString(database: database))\""
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object([
                "running": .bool(true),
                "pid": .integer(Int64(report.cluster?.pid ?? 0)),
                "dataDirectory": .string(cluster.dataDirectory),
                "socketDirectory": .string(cluster.socketDirectory),
                "database": .string(database),
                "psql": .string(psql),
                "appliedMigrations": .integer(Int64(report.appliedMigrations.count)),
            ])))
            return
        }
        StandardOutput.line("PostgreSQL \(report.cluster?.serverVersion ?? "") is running (pid \(report.cluster?.pid.map(String.init) ?? "?")), unix socket only.")
        StandardOutput.line("  data:     \(cluster.dataDirectory)")
        StandardOutput.line("  socket:   \(cluster.socketDirectory)")
        StandardOutput.line("  database: \(database)\(report.createdDatabase ? " (created)" : "")")
        if !report.appliedMigrations.isEmpty {
            StandardOutput.line("  migrated: \(report.appliedMigrations.map { "\($0.version) \($0.name)" }.joined(separator: ", "))")
        }
        StandardOutput.line("")
        StandardOutput.line("Connect with psql:")
        StandardOutput.line("  \(psql)")
        // The way this binary was invoked (e.g. .build/debug/tenantry), so the lines paste as they are.
        let tenantry = CommandLine.arguments.first ?? "tenantry"
        StandardOutput.line("Append and read a first event:")
        StandardOutput.line("  \(tenantry) events append account-1 --tenant 00000000-0000-0000-0000-000000000001 --type AccountOpened --data '{\"owner\":\"ada\"}'")
        StandardOutput.line("  \(tenantry) events read account-1 --tenant 00000000-0000-0000-0000-000000000001")
        StandardOutput.line("Watch events arrive live:")
        StandardOutput.line("  \(tenantry) events tail --follow")
    }
}
