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
            as tenantry_owner, one transaction each, recorded in tenantry.schema_migrations. Then \
            every cell the control plane records is migrated the same way (its location resolved \
            from this process's environment), in name order.
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
        let cells = CellMigration(target: target)
        if status {
            let pending = try await migrator.pending(target.administratorConfiguration)
            // A control plane not migrated to cells yet has none to look at.
            let inCells = pending.isEmpty ? try await cells.pending() : []
            let total = pending.count + inCells.reduce(0) { $0 + $1.pending.count }
            if output.json {
                StandardOutput.line(JSONWriter.compact(.object([
                    "pending": .array(pending.map { .string("\($0.version) \($0.name)") }),
                    "cells": .object(Dictionary(uniqueKeysWithValues: inCells.map { cell, pending in
                        (cell.rawValue, JSONValue.array(pending.map { .string("\($0.version) \($0.name)") }))
                    })),
                ])))
            } else if total == 0 {
                StandardOutput.line("schema is current (\(TenantryMigrations.all.last.map { "version \($0.version)" } ?? "empty"))"
                    + (inCells.isEmpty ? "" : " in the control plane and \(inCells.count) cell\(inCells.count == 1 ? "" : "s")"))
            } else {
                pending.forEach { StandardOutput.line("pending: \($0.version) \($0.name)") }
                for (cell, pending) in inCells {
                    pending.forEach { StandardOutput.line("pending in cell \(cell): \($0.version) \($0.name)") }
                }
            }
            if total > 0 { throw ExitCode(3) }
            return
        }
        let outcome = try await migrator.migrate(target.administratorConfiguration)
        let inCells = try await cells.migrate()
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object([
                "applied": .array(outcome.applied.map { .string("\($0.version) \($0.name)") }),
                "version": .integer(Int64(outcome.currentVersion)),
                "cells": .object(Dictionary(uniqueKeysWithValues: inCells.map { cell, outcome in
                    (cell.rawValue, JSONValue.array(outcome.applied.map { .string("\($0.version) \($0.name)") }))
                })),
            ])))
            return
        }
        if outcome.applied.isEmpty {
            StandardOutput.line("schema is current (version \(outcome.currentVersion)); nothing to apply")
        } else {
            for migration in outcome.applied {
                StandardOutput.line("applied \(migration.version) \(migration.name)")
            }
            StandardOutput.line("schema is at version \(outcome.currentVersion)")
        }
        for (cell, outcome) in inCells {
            StandardOutput.line(outcome.applied.isEmpty
                ? "cell \(cell): schema is current (version \(outcome.currentVersion))"
                : "cell \(cell): applied \(outcome.applied.map { "\($0.version) \($0.name)" }.joined(separator: ", "))")
        }
    }
}
