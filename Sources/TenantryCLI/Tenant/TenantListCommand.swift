import ArgumentParser
import FeatureFlags
import Foundation
import Provisioning

/// `tenantry tenant list`: the registry.
struct TenantListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List tenants, newest first, optionally by state and plan.",
        discussion: "Example:\n  tenantry tenant list --state active --plan trial --json"
    )

    @Option(help: ArgumentHelp("provisioning, active, suspended, offboarded or failed.", valueName: "state"))
    var state: String?

    @Option(help: ArgumentHelp("free, trial, pro or enterprise.", valueName: "plan"))
    var plan: Plan?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let state, TenantStatus(rawValue: state) == nil {
            throw ValidationError("unknown state \"\(state)\": use provisioning, active, suspended, offboarded or failed")
        }
    }

    func run() async throws {
        let (state, plan) = (self.state, self.plan?.rawValue)
        let tenants = try await connection.withRuntime { runtime in
            try await runtime.tenants.list(state: state, plan: plan)
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.array(tenants.map { tenant in
                .object([
                    "id": .string(tenant.id.uuidString.lowercased()), "slug": .string(tenant.slug),
                    "name": .string(tenant.name), "state": .string(tenant.state), "plan": .string(tenant.plan),
                    "isolation": .string(tenant.isolation),
                ])
            })))
            return
        }
        var table = TextTable("SLUG", "NAME", "STATE", "PLAN", "ISOLATION", "CREATED")
        for tenant in tenants {
            table.append([tenant.slug, tenant.name, tenant.state, tenant.plan, tenant.isolation, tenant.createdAt.formatted(.iso8601)])
        }
        StandardOutput.line(tenants.isEmpty ? "no tenants" : table.rendered)
    }
}
