import ArgumentParser
import FeatureFlags
import Tenancy
import Tenantry

/// `tenantry dev up`: start the embedded cluster, create the database, migrate.
struct DevUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start the embedded cluster (initdb on first use), create the database and migrate it.",
        discussion: """
            With --cells N, N-1 more embedded clusters (.tenantry/cells/cell-2 …) are started, \
            migrated and added as cells cell-2 … cell-N, to try several cells on one machine; \
            embedded cells added before are started again by every dev up.
            Examples:
              tenantry dev up
              tenantry dev up --cells 2
            """
    )

    @Option(help: ArgumentHelp("How many cells to run locally, main included (1 to 8).", valueName: "n"))
    var cells: Int?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let cells, !(1...8).contains(cells) {
            throw ValidationError("--cells must be 1 to 8 (main and up to 7 embedded cells), not \(cells)")
        }
    }

    func run() async throws {
        let cluster = DatabaseTarget.embeddedCluster()
        let database = DatabaseTarget.embeddedDatabaseName
        let target = DatabaseTarget.embedded(cluster, database: database)
        let report = try await DatabasePreparation(target: target).prepare()
        let runtime = try await TenantryRuntime.start(target: target, maximumConnections: 2)
        let started: [Cell]
        do {
            started = try await EmbeddedCells.start(count: cells ?? 1, in: runtime)
            await runtime.shutdown()
        } catch {
            await runtime.shutdown()
            throw error
        }
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
                "cells": .array(started.map { cell in
                    .object(["name": .string(cell.name.rawValue), "location": .string(cell.location.description)])
                }),
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
        for cell in started {
            StandardOutput.line("  cell:     \(cell.name) (\(cell.location), \(cell.tenants) tenants)")
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
