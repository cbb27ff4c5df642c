import ArgumentParser
import FeatureFlags
import Foundation
import Provisioning
import Tenancy

/// `tenantry tenant list`: the registry.
struct TenantListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List tenants, newest first, optionally by state, plan and cell.",
        discussion: "Examples:\n  tenantry tenant list --state active --plan trial --json\n  tenantry tenant list --cell eu-2"
    )

    @Option(help: ArgumentHelp("provisioning, active, suspended, offboarded or failed.", valueName: "state"))
    var state: String?

    @Option(help: ArgumentHelp("free, trial, pro or enterprise.", valueName: "plan"))
    var plan: Plan?

    @Option(help: ArgumentHelp("Only the pooled tenants living in this cell.", valueName: "name"))
    var cell: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let state, TenantStatus(rawValue: state) == nil {
            throw ValidationError("unknown state \"\(state)\": use provisioning, active, suspended, offboarded or failed")
        }
        if let cell, let problem = CellName.problem(with: cell) {
            throw ValidationError("--cell: \(problem)")
        }
    }

    func run() async throws {
        let (state, plan, cell) = (self.state, self.plan?.rawValue, self.cell)
        let tenants = try await connection.withRuntime { runtime in
            try await runtime.tenants.list(state: state, plan: plan, cell: cell)
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.array(tenants.map { tenant in
                .object([
                    "id": .string(tenant.id.uuidString.lowercased()), "slug": .string(tenant.slug),
                    "name": .string(tenant.name), "state": .string(tenant.state), "plan": .string(tenant.plan),
                    "isolation": .string(tenant.isolation), "cell": tenant.cell.map(JSONValue.string) ?? .null,
                ])
            })))
            return
        }
        var table = TextTable("SLUG", "NAME", "STATE", "PLAN", "ISOLATION", "CELL", "CREATED")
        for tenant in tenants {
            table.append([tenant.slug, tenant.name, tenant.state, tenant.plan, tenant.isolation, tenant.cell ?? "-", tenant.createdAt.formatted(.iso8601)])
        }
        StandardOutput.line(tenants.isEmpty ? "no tenants" : table.rendered)
    }
}
