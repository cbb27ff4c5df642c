public import Foundation

/// A flag that has done its job: untouched for a while and serving one variant to everyone,
/// so the code can keep that variant and the flag can go.
public struct StaleFlag: Sendable, Hashable {
    public let key: FlagKey
    /// The variant every tenant gets.
    public let variant: String
    public let value: JSONValue
    public let lastChanged: Date
    /// How many tenants were evaluated.
    public let tenantCount: Int
}

extension FlagEvaluator {
    /// The active flags not changed since `cutoff`, with no change scheduled, that evaluate to
    /// one and the same variant for every tenant in `tenants` (with the tenant's own context:
    /// no caller attributes). A flag whose evaluation fails for some tenant is not stale: it
    /// needs attention of another kind.
    public func staleFlags(untouchedSince cutoff: Date, tenants: [TenantAttributes]) -> [StaleFlag] {
        catalog.activeFlags.compactMap { flag in
            guard flag.updatedAt < cutoff, flag.scheduledChanges.isEmpty else { return nil }
            var served: EvaluationResult?
            for tenant in tenants {
                let result = evaluate(flag.key.rawValue, context: EvaluationContext(tenant: tenant))
                guard result.errorCode == nil else { return nil }
                if let first = served, first.variant != result.variant { return nil }
                if served == nil { served = result }
            }
            let variant = served?.variant ?? flag.defaultVariant
            let value = served?.value ?? flag.variants[variant] ?? .null
            return StaleFlag(key: flag.key, variant: variant, value: value, lastChanged: flag.updatedAt, tenantCount: tenants.count)
        }
    }
}
