import ArgumentParser
import FeatureFlags

/// `tenantry tenant purge <slug> --reason R`: deletes a moved or offboarded tenant's pooled rows.
struct TenantPurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete the rows a moved or offboarded tenant left in the shared database.",
        discussion: """
            Only for a tenant whose pooled copy was retired with a verified count and checksum \\
            (moved to a database of its own by `instance deploy`, or offboarded with an export), \\
            and only while the rows still match them. Records TenantPooledEventsPurged; running \\
            it again deletes nothing. Runs as the schema owner (the administrator login).
            Example:
              tenantry tenant purge acme-corp --reason "moved to its own database"
            """
    )

    @OptionGroup var tenant: TenantSelection
    @OptionGroup var reason: ReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (slug, reason) = (tenant.slug, reason.reason)
        let receipt = try await connection.withRuntime { runtime in
            try await runtime.tenants.purgePooledCopy(slug, actor: Operator.actor, reason: reason)
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(PooledCopyPurgeOutput.json(receipt)))
        } else {
            StandardOutput.line("\(slug): \(receipt)")
        }
    }
}
