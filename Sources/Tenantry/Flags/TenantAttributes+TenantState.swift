public import FeatureFlags
public import Provisioning

extension TenantAttributes {
    /// What flag rules may see of a tenant, from its record: the built-in attributes and its
    /// custom ones (`tenant.<name>`).
    public init(_ tenant: TenantState) {
        self.init(
            id: tenant.id,
            slug: tenant.slug,
            plan: tenant.plan.rawValue,
            state: tenant.status.rawValue,
            isolation: tenant.isolation.rawValue,
            createdAt: tenant.createdAt,
            custom: tenant.attributes.mapValues(JSONValue.init)
        )
    }
}

extension JSONValue {
    /// A custom tenant attribute as flag rules compare it.
    init(_ attribute: TenantAttributeValue) {
        switch attribute {
        case .string(let text): self = .string(text)
        case .number(let number): self = number.rounded() == number && abs(number) < 9e15 ? .integer(Int64(number)) : .double(number)
        case .bool(let flag): self = .bool(flag)
        }
    }
}
