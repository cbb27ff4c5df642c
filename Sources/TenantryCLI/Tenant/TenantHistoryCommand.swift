import ArgumentParser
import Foundation
import Provisioning

/// `tenantry tenant history <slug>`: who changed what, when and why.
struct TenantHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show a tenant's events: when, what, who and why.",
        discussion: "Example:\n  tenantry tenant history acme-corp --json"
    )

    @OptionGroup var tenant: TenantSelection

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let slug = tenant.slug
        let events = try await connection.withRuntime { runtime in
            try await runtime.tenants.history(of: slug)
        }
        if output.json {
            events.forEach { StandardOutput.line($0.jsonLine) }
            return
        }
        var table = TextTable("VERSION", "RECORDED", "EVENT", "ACTOR", "REASON")
        for event in events {
            let metadata = event.metadata
            table.append([
                String(event.version), event.recordedAt.formatted(.iso8601), event.type,
                metadata.actor ?? "-", metadata.reason ?? "-",
            ])
        }
        StandardOutput.line(table.rendered)
    }
}
