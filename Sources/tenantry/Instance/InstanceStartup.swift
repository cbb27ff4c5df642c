import Customizations
import Extensions
import Foundation
import Tenancy
import Tenantry

/// What `serve --instance` needs before it starts: the tenant, its deployment's customization
/// built from the environment's settings (a missing or invalid one stops it, named), and its
/// dedicated database.
enum InstanceStartup {
    static func resolve(
        _ name: String, runtime: TenantryRuntime, environment: [String: String]
    ) async throws -> (tenantID: UUID, slug: String, host: CustomizationHost, database: String) {
        let tenantID = try await runtime.tenants.resolve(name)
        let log = InstanceLog(store: runtime.operatorEventStore)
        guard let record = try await log.record(of: tenantID) else { throw InstanceError.notDeployed(name) }
        guard record.status != .destroyed else { throw InstanceError.destroyed(record.deployment.slug) }
        let customization = try Customizations.catalog.customization(named: record.deployment.customizationId)
        let host = try CustomizationHost(customization, settings: InstanceAdministration.settings(from: environment, for: customization))
        guard case .dedicated(let database, _) = try await runtime.tenants.placements.placement(of: tenantID) else {
            throw InstanceError.notDeployed(record.deployment.slug)
        }
        // Whichever release starts brings the tenant's database to its own schema first.
        try await InstanceAdministration(runtime: runtime, catalog: Customizations.catalog).migrateDedicated(database)
        return (tenantID, record.deployment.slug, host, database)
    }
}
