import Foundation
import PostgresClient

/// A request for a new tenant: only an email and an organisation name are needed.
public struct SignupRequest: Sendable, Hashable, Codable {
    public var email: String
    public var organization: String
    public var plan: Plan
    public var isolation: PlanTerms.Isolation
    /// For a dedicated tenant on another cluster: a superuser libpq URL there.
    public var clusterURL: String?
    /// The same key makes a retried signup return the first one's tenant.
    public var idempotencyKey: String?

    public init(
        email: String,
        organization: String,
        plan: Plan = .trial,
        isolation: PlanTerms.Isolation? = nil,
        clusterURL: String? = nil,
        idempotencyKey: String? = nil
    ) {
        self.email = email.trimmingCharacters(in: .whitespacesAndNewlines)
        self.organization = organization.trimmingCharacters(in: .whitespacesAndNewlines)
        self.plan = plan
        self.isolation = isolation ?? plan.terms.isolation
        self.clusterURL = clusterURL
        self.idempotencyKey = idempotencyKey
    }

    /// Refuses what no tenant can be made of, naming the field.
    public func validate() throws(TenantLifecycleError) {
        let emailParts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.utf8.count <= 254, emailParts.count == 2, !emailParts[0].isEmpty,
              emailParts[1].contains("."), !emailParts[1].hasPrefix("."), !emailParts[1].hasSuffix("."),
              !email.contains(where: { $0.isWhitespace || $0.isNewline }),
              !email.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw .invalidInput("invalid email \"\(email.prefix(80))\": expected name@example.com")
        }
        guard !organization.isEmpty, organization.count <= 100,
              !organization.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw .invalidInput("invalid organization name: give 1 to 100 printable characters")
        }
        if isolation == .pooled, clusterURL != nil {
            throw .invalidInput("--cluster applies to dedicated tenants only")
        }
        if let clusterURL {
            // An empty URL is libpq's defaults (a local socket): never the cluster meant.
            guard clusterURL.contains(where: { !$0.isWhitespace }) else {
                throw .invalidInput("the cluster URL is empty: leave it out to use the server's own cluster")
            }
            // The URL is recorded in the tenant's events: it must not carry a secret.
            let password: String?
            do {
                password = try PostgresConfiguration(connectionString: clusterURL).value(of: "password")
            } catch {
                throw .invalidInput("invalid cluster URL: \(error.message)")
            }
            guard password == nil else {
                throw .invalidInput("the cluster URL must not contain a password (it is recorded in events): use ~/.pgpass or PGPASSWORD")
            }
        }
        if plan == .enterprise, isolation == .pooled {
            throw .invalidInput("the enterprise plan needs dedicated isolation")
        }
        if let idempotencyKey {
            guard (1...100).contains(idempotencyKey.count),
                  idempotencyKey.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                throw .invalidInput("invalid idempotency key: 1 to 100 letters, digits, - or _")
            }
        }
    }
}
