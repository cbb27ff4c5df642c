import ArgumentParser

/// `tenantry tenant import FILE`: loads a tenant's export into this installation.
struct TenantImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a tenant's export (tenant offboard --export) into this installation.",
        discussion: """
            Creates and provisions a tenant with the name, email, plan, isolation and attributes \\
            the export's registry history ends with, then appends its events with their ids, \\
            streams and versions; personal fields are sealed again under the new tenant's key. \\
            Running it again appends only what is missing (the tenant is found by the exported \\
            tenant's id). Prints the tenant and, the first time, its API key (shown once).
            Examples:
              tenantry tenant import acme-corp-2026-12-01.jsonl
              tenantry tenant import forgotten.jsonl --email ops@acme.example --organization "Acme Corp"
            """
    )

    @Argument(help: ArgumentHelp("The export: JSON lines, the registry history then the tenant's events.", valueName: "file"))
    var file: String

    @OptionGroup var copy: TenantCopyOptions

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (file, email, organization) = (file, copy.email, copy.organization)
        let outcome = try await connection.withRuntime { runtime in
            try await runtime.tenants.importTenant(from: file, email: email, organization: organization, actor: Operator.actor)
        }
        TransferOutput.print(outcome, json: output.json)
    }
}
