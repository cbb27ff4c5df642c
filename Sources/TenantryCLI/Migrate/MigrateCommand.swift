import ArgumentParser
import FeatureFlags
import PostgresClient
import Schema
import Tenantry

/// `tenantry migrate`: create roles and schema, apply pending migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations (idempotent).",
        discussion: """
            Given a superuser URL it first creates the roles tenantry_owner and tenantry_app and \
            the schema tenantry; given a member of tenantry_owner it only migrates. Migrations run \
            as tenantry_owner, one transaction each, recorded in tenantry.schema_migrations.
            Examples:
              tenantry migrate
              tenantry migrate --database-url postgresql://postgres@db.example/tenantry
              tenantry migrate --status
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @ArgumentParser.Flag(help: "Only list pending migrations; change nothing. Exit status 3 when some are pending.")
    var status = false

    func run() async throws {
        let target = connection.target
        try await DatabasePreparation(target: target).startEmbeddedDatabase()
        let migrator = DatabaseMigrator()
        if status {
            let pending = try await migrator.pending(target.administratorConfiguration)
            if output.json {
                StandardOutput.line(JSONWriter.compact(.object(["pending": .array(pending.map { .string("\($0.version) \($0.name)") })])))
            } else if pending.isEmpty {
                StandardOutput.line("schema is current (\(TenantryMigrations.all.last.map { "version \($0.version)" } ?? "empty"))")
            } else {
                pending.forEach { StandardOutput.line("pending: \($0.version) \($0.name)") }
            }
            if !pending.isEmpty { throw ExitCode(3) }
            return
        }
        let outcome = try await migrator.migrate(target.administratorConfiguration)
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object([
                "applied": .array(outcome.applied.map { .string("\($0.version) \($0.name)") }),
                "version": .integer(Int64(outcome.currentVersion)),
            ])))
        } else if outcome.applied.isEmpty {
            StandardOutput.line("schema is current (version \(outcome.currentVersion)); nothing to apply")
        } else {
            for migration in outcome.applied {
                StandardOutput.line("applied \(migration.version) \(migration.name)")
            }
            StandardOutput.line("schema is at version \(outcome.currentVersion)")
        }
    }
}
