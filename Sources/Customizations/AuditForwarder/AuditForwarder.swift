public import Extensions
import Foundation

/// Sends every audit event of the instance's tenant to the client's SIEM (or any webhook) as
/// one JSON document per POST, signed with HMAC-SHA256 of a shared secret, retried until the
/// endpoint accepts it.
public struct AuditForwarder: Customization {
    public static let id: CustomizationID = "audit-forwarder"
    public static let version = "1.0.0"
    public static let summary = "Forwards each audit event to the client's HTTP endpoint (SIEM, webhook), signed, with retries"
    public static let settings = [
        SettingSpecification(name: "endpoint", kind: .url, summary: "where each event is POSTed, e.g. https://siem.acme.example/ingest"),
        SettingSpecification(name: "secret", kind: .string, summary: "shared secret of the Tenantry-Signature header (HMAC-SHA256)", isSecret: true),
        SettingSpecification(name: "timeout-seconds", kind: .integer, summary: "how long one delivery attempt may take", defaultValue: "10"),
    ]

    public let forwarder: AuditEventForwarder
    public let attemptBudget: Duration

    public init(settings: CustomizationSettings) throws {
        let timeout = settings.integer("timeout-seconds")
        guard (1...300).contains(timeout) else {
            throw SettingError(customization: Self.id, problems: ["setting 'timeout-seconds' must be between 1 and 300, not \(timeout)"])
        }
        guard let endpoint = settings.url("endpoint") else {
            throw SettingError(customization: Self.id, problems: ["setting 'endpoint' is not a URL"])
        }
        forwarder = AuditEventForwarder(endpoint: endpoint, secret: settings.string("secret"), timeout: .seconds(timeout))
        attemptBudget = .seconds(timeout + 1)
    }

    public func register(_ hooks: inout CustomizationHooks) {
        let forwarder = self.forwarder
        hooks.react("siem", to: .everything, budget: attemptBudget) { event in
            try await forwarder.forward(event)
        }
    }
}
