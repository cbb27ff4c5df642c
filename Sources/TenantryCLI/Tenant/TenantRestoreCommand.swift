import ArgumentParser
import Foundation

/// `tenantry tenant restore <slug> --to TIME`: rebuilds a tenant as it was into a new tenant.
struct TenantRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Rebuild a tenant as it was at a time into a new tenant, from its own events.",
        discussion: """
            The new tenant ("<name> (restored)" unless --organization is given) gets the plan, \\
            isolation and attributes the tenant had then, and every event of its own recorded \\
            up to the time, each stream up to its first event after it, with their ids and \\
            versions. No other tenant is touched, the source included. Running the same restore \\
            again appends only what is missing. For a state older than the events kept (a \\
            purged tenant), restore a backup to a side database first (Deploy/backup).
            Examples:
              tenantry tenant restore acme-corp --to 2026-12-01T09:00:00Z
            """
    )

    @OptionGroup var tenant: TenantSelection

    @Option(help: ArgumentHelp("The time to restore to, as ISO 8601 (2026-12-01T09:00:00Z).", valueName: "time"))
    var to: String

    @OptionGroup var copy: TenantCopyOptions

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try time()
    }

    private func time() throws -> Date {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(to) { return date }
        if let date = try? Date.ISO8601FormatStyle().parse(to) { return date }
        throw ValidationError("--to \"\(to)\" is not an ISO 8601 time such as 2026-12-01T09:00:00Z")
    }

    func run() async throws {
        let (slug, time, email, organization) = (tenant.slug, try time(), copy.email, copy.organization)
        let outcome = try await connection.withRuntime { runtime in
            try await runtime.tenants.restoreTenant(slug, to: time, email: email, organization: organization, actor: Operator.actor)
        }
        TransferOutput.print(outcome, json: output.json)
    }
}
