import ArgumentParser
import FeatureFlags

/// `tenantry tenant forget <slug> [--subject ID] --reason R`: destroys a tenant's personal data
/// keys (crypto-shredding).
struct TenantForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase a tenant's personal data for good by destroying its data keys.",
        discussion: """
            Without --subject, every key of the tenant: the organisation's name, the owner's \\
            email, its custom attributes and all its data subjects' fields read as erased from \\
            now on, in every read, projection, export and replay (the events stay, sealed; \\
            nothing else changes). With --subject, only the fields its events sealed for that \\
            data subject. Deletes the tenant's snapshots, records TenantPersonalDataForgotten \\
            (who and why, never the subject) and vacuums the tables. Cannot be undone; running \\
            it again destroys nothing more. Runs as the schema owner (the administrator login).
            Examples:
              tenantry tenant forget acme-corp --reason "erasure request #4411"
              tenantry tenant forget acme-corp --subject user-8812 --reason "end user asked to be forgotten"
            """
    )

    @OptionGroup var tenant: TenantSelection
    @Option(help: "Forget only this data subject's keys (the id the tenant's events name it by).")
    var subject: String?
    @OptionGroup var reason: ReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (slug, reason, subject) = (tenant.slug, reason.reason, subject)
        let outcome = try await connection.withRuntime { runtime in
            try await runtime.tenants.forget(slug, subject: subject, actor: Operator.actor, reason: reason)
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object([
                "tenant": .string(outcome.tenant.slug), "scope": .string(subject == nil ? "tenant" : "subject"),
                "keys": .integer(outcome.keys), "snapshots": .integer(outcome.snapshots),
            ])))
        } else {
            let whose = subject == nil ? "personal data" : "a data subject's personal data"
            StandardOutput.line("\(slug): \(whose) forgotten (\(outcome.keys) keys destroyed, \(outcome.snapshots) snapshots deleted)")
        }
    }
}
