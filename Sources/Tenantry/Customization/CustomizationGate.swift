import Extensions
import Provisioning

/// Turns a customization's validators into `TenantService`'s change check: each decided change
/// becomes the typed commands it amounts to, and every one is validated before anything is
/// written. A single-tenant instance has its deployment's customization; a pooled tenant, the
/// module assigned to it, if any.
enum CustomizationGate {
    static func check(_ host: CustomizationHost) -> TenantChangeCheck {
        { change in
            for command in commands(in: change) {
                try await host.validate(anyCommand: command)
            }
        }
    }

    /// The deployment's customization (if any) first, then the tenant's assigned module.
    static func check(_ host: CustomizationHost?, then pooled: PooledCustomizations) -> TenantChangeCheck {
        { change in
            if let host {
                for command in commands(in: change) {
                    try await host.validate(anyCommand: command)
                }
            }
            try await pooled.check(change)
        }
    }

    static func commands(in change: TenantChange) -> [any CustomizableCommand] {
        if let signup = change.signup {
            return [SignupCommand(email: signup.email, organization: signup.organization, plan: signup.plan.rawValue)]
        }
        guard let tenant = change.tenant else { return [] }
        return change.events.compactMap { event -> (any CustomizableCommand)? in
            switch event {
            case .planChanged(let planChange):
                PlanChangeCommand(
                    tenantID: tenant.id, currentPlan: planChange.from.rawValue, newPlan: planChange.to.rawValue,
                    reason: change.reason, actor: change.actor)
            case .apiKeyIssued(let key):
                APIKeyIssueCommand(tenantID: tenant.id, label: key.label, actor: change.actor)
            case .attributesChanged(let attributes):
                AttributesChangeCommand(
                    tenantID: tenant.id, set: attributes.set.mapValues(\.description), removed: attributes.removed,
                    actor: change.actor)
            default:
                nil
            }
        }
    }
}
