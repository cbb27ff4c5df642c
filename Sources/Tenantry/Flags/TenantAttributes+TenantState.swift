public import FeatureFlags
public import Provisioning

extension TenantAttributes {
    /// What flag rules may see of a tenant, from its record.
    public init(_ tenant: TenantState) {
        self.init(
            id: tenant.id,
            slug: tenant.slug,
            plan: tenant.plan.rawValue,
            state: tenant.status.rawValue,
            isolation: tenant.isolation.rawValue,
            createdAt: tenant.createdAt
        )
    }
}
