import FeatureFlags
import Foundation
import Provisioning
import Tenantry

/// The tenants flag commands evaluate for and name, from the tenant registry and streams.
enum FlagTenants {
    /// Every tenant's slug by id, to print overrides by slug.
    static func slugs(_ runtime: TenantryRuntime) async throws -> [UUID: String] {
        let tenants = try await runtime.tenants.list(state: nil, plan: nil)
        return Dictionary(tenants.map { ($0.id, $0.slug) }, uniquingKeysWith: { first, _ in first })
    }

    /// What rules see of the tenant with this slug (or id), from its record.
    static func attributes(of slug: String, _ runtime: TenantryRuntime) async throws -> TenantAttributes {
        let id = try await runtime.tenants.resolve(slug)
        guard let state = try await runtime.tenants.tenants.load(id) else {
            throw TenantLifecycleError.notFound("with slug \(slug)")
        }
        return TenantAttributes(state)
    }

    /// Every tenant a flag can still serve (all but offboarded and failed ones), read from the
    /// tenant streams in one pass.
    static func servedTenants(_ runtime: TenantryRuntime) async throws -> [TenantAttributes] {
        let directory = TenantDirectory.live(store: runtime.operatorEventStore)
        try await directory.catchUp()
        return directory.state.tenants.values
            .filter { $0.status != .offboarded && $0.status != .failed }
            .map(TenantAttributes.init)
            .sorted { $0.slug < $1.slug }
    }
}
