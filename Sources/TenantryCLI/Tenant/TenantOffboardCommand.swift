import ArgumentParser
import FeatureFlags
import Foundation
import Provisioning

/// `tenantry tenant offboard <slug> --export FILE`.
struct TenantOffboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offboard",
        abstract: "Export a tenant's events to a JSON Lines file, then offboard it (a dedicated database is dropped after the export).",
        discussion: """
            A pooled tenant's rows are then deleted from the shared database (verified against \
            the fingerprint they had when exported, and recorded as TenantPooledEventsPurged) \
            unless --keep-pooled-events; `tenantry tenant purge` deletes kept rows later.
            Example:
              tenantry tenant offboard acme-corp --export acme.jsonl --reason "contract ended"
            """
    )

    @OptionGroup var tenant: TenantSelection
    @Option(help: ArgumentHelp("Where to write the export (must not exist).", valueName: "file"))
    var export: String
    @Option(help: ArgumentHelp("Why; recorded with the event (1–500 characters).", valueName: "text"))
    var reason: String = "offboarded by an operator"
    @ArgumentParser.Flag(help: "Keep the tenant's rows in the shared database (hidden and closed to appends) instead of purging them.")
    var keepPooledEvents = false
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !export.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--export needs a file path") }
        try ReasonOption.check(reason)
    }

    func run() async throws {
        let (slug, reason) = (tenant.slug, self.reason)
        let path = URL(fileURLWithPath: export).path
        let keeping = keepPooledEvents
        let outcome = try await connection.withRuntime { runtime in
            try await runtime.tenants.offboard(slug, exportTo: path, actor: Operator.actor, reason: reason, keepingPooledEvents: keeping)
        }
        if output.json {
            var json = TenantOutput.json(outcome.tenant)
            json["exportFile"] = .string(path)
            json["exportedEvents"] = .integer(Int64(outcome.exportedEvents))
            json.merge(PooledCopyPurgeOutput.json(outcome.pooledRows)) { $1 }
            StandardOutput.line(JSONWriter.compact(.object(json)))
        } else {
            StandardOutput.line(
                "\(outcome.tenant.slug): offboarded; \(outcome.exportedEvents) events exported to \(path)\(PooledCopyPurgeOutput.text(outcome.pooledRows))")
        }
    }
}
