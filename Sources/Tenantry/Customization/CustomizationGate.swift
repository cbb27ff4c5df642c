import Extensions
import Provisioning

/// Turns a customization's validators into `TenantService`'s change check: each decided change
/// becomes the typed commands it amounts to, and every one is validated before anything is
/// written. A pooled deployment has no customization and so no gate.
enum CustomizationGate {
    static func check(_ host: CustomizationHost) -> TenantChangeCheck {
        { change in
            for command in commands(in: change) {
                try await host.validate(anyCommand: command)
            }
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
