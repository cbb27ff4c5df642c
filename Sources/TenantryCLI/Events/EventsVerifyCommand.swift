import ArgumentParser
import EventStore
import FeatureFlags
import PostgresClient
import Schema
import Tenantry

/// `tenantry events verify`: the event store's contract, checked on a database.
struct EventsVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the event store's invariants on a database (e.g. one restored from a backup).",
        discussion: """
            Prints one line per check, "ok" or "FAIL" with the reason: stream-versions (each \
            stream's version is its event count, versions 1..n with no gap), stream-rows (each \
            event's stream row exists), event-ids (each event id once per tenant), feed (the \
            global feed read from the start delivers every event exactly once, in order; count \
            and checksum), checkpoints (none past the feed's end), migrations (every migration \
            of this release applied, with a matching checksum). Reads everything in one \
            repeatable-read transaction and writes nothing. The URL's login must see every \
            row: a superuser (or a login with BYPASSRLS and SELECT on the tenantry schema).
            Exit status 0 when every check holds, 65 when one fails, 78 when the login cannot \
            see every row.
            Examples:
              tenantry events verify --database-url postgresql://postgres@db.example/tenantry
              tenantry events verify --database-url 'host=/tmp/restored dbname=tenantry user=postgres' --json
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let target = connection.target
        try await DatabasePreparation(target: target).startEmbeddedDatabase()
        let login = target.administratorConfiguration.acting(as: nil)
        let pool = PostgresPool(configuration: login, maximumConnections: 1)
        let checks: [ContractCheck]
        do {
            var found = try await EventLog(pool: pool).verifyContract()
            if !found.contains(where: { $0.name == EventLog.ContractCheckName.access }) {
                found.append(try await migrationCheck(on: pool))
            }
            checks = found
            await pool.close()
        } catch {
            await pool.close()
            throw error
        }
        print(checks)
        let failed = checks.filter { !$0.passed }
        guard failed.isEmpty else {
            throw CommandFailure(
                message: "\(failed.count) of \(checks.count) checks failed: \(failed.map(\.name).joined(separator: ", "))",
                exitCode: failed.contains { $0.name == EventLog.ContractCheckName.access }
                    ? CommandFailure.configuration : CommandFailure.dataError)
        }
    }

    private func migrationCheck(on pool: PostgresPool) async throws -> ContractCheck {
        let mismatches = try await pool.withConnection { connection in
            try await TenantryMigrations.migrator.mismatches(on: connection)
        }
        let failure = mismatches.isEmpty
            ? nil
            : "\(mismatches.count) mismatch\(mismatches.count == 1 ? "" : "es"), first: \(mismatches[0])"
        return ContractCheck(
            name: "migrations",
            promise: "every migration of this release is applied with its checksum (\(TenantryMigrations.all.count))",
            failure: failure)
    }

    private func print(_ checks: [ContractCheck]) {
        guard output.json else {
            checks.forEach { StandardOutput.line($0.description) }
            return
        }
        let objects: [JSONValue] = checks.map { check in
            .object([
                "name": .string(check.name),
                "passed": .bool(check.passed),
                "detail": .string(check.failure ?? check.promise),
            ])
        }
        StandardOutput.line(JSONWriter.compact(.object([
            "passed": .bool(checks.allSatisfy(\.passed)),
            "checks": .array(objects),
        ])))
    }
}
