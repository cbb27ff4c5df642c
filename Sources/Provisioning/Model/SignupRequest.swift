import Foundation
import PostgresClient
import Tenancy

/// A request for a new tenant: only an email and an organisation name are needed.
public struct SignupRequest: Sendable, Hashable, Codable {
    public var email: String
    public var organization: String
    public var plan: Plan
    public var isolation: PlanTerms.Isolation
    /// For a dedicated tenant on another cluster: a superuser libpq URL there.
    public var clusterURL: String?
    /// For a pooled tenant: the cell to place it in, instead of the placement policy's choice.
    public var cell: String?
    /// The same key makes a retried signup return the first one's tenant.
    public var idempotencyKey: String?
    /// How the tenant's slug is chosen: readable for operators, unguessable for self-serve.
    public var slugStyle: Slug.Style = .readable

    public init(
        email: String,
        organization: String,
        plan: Plan = .trial,
        isolation: PlanTerms.Isolation? = nil,
        clusterURL: String? = nil,
        cell: String? = nil,
        idempotencyKey: String? = nil
    ) {
        self.email = email.trimmingCharacters(in: .whitespacesAndNewlines)
        self.organization = organization.trimmingCharacters(in: .whitespacesAndNewlines)
        self.plan = plan
        self.isolation = isolation ?? plan.terms.isolation
        self.clusterURL = clusterURL
        self.cell = cell
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
        if isolation == .dedicated, cell != nil {
            throw .invalidInput("--cell applies to pooled tenants only (a dedicated tenant has a database of its own)")
        }
        if let cell, let problem = CellName.problem(with: cell) {
            throw .invalidInput(problem)
        }
        if let clusterURL, let problem = Self.clusterURLProblem(clusterURL) {
            throw .invalidInput(problem)
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

    /// What is wrong with a cluster URL, or nil when it will do: it must be a libpq URL
    /// (`postgresql://` or `postgres://`) naming a host and a database, and carry no password
    /// (it is recorded in the tenant's events). Whether the cluster can be reached is found out
    /// by provisioning (an unreachable cluster fails the tenant's `allocateStorage` step).
    public static func clusterURLProblem(_ clusterURL: String) -> String? {
        let example = "e.g. postgresql://admin@db.example:5432/postgres"
        let trimmed = clusterURL.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            return "the cluster URL is empty: give a libpq URL naming a host and a database, \(example)"
        }
        guard trimmed == clusterURL, trimmed.hasPrefix("postgresql://") || trimmed.hasPrefix("postgres://") else {
            return "invalid cluster URL: give a libpq URL (postgresql://…) naming a host and a database, \(example)"
        }
        let configuration = PostgresConfiguration(connectionString: clusterURL)
        let host: String?
        let database: String?
        let password: String?
        do throws(PostgresError) {
            let named = try configuration.value(of: "host")
            let address = try configuration.value(of: "hostaddr")
            host = named ?? address
            database = try configuration.value(of: "dbname")
            password = try configuration.value(of: "password")
        } catch {
            return "invalid cluster URL: \(error.message)"
        }
        guard password == nil else {
            return "the cluster URL must not contain a password (it is recorded in events): use ~/.pgpass or PGPASSWORD"
        }
        guard let host, !host.isEmpty else {
            return "the cluster URL names no host: give one, \(example)"
        }
        guard let database, !database.isEmpty else {
            return "the cluster URL names no database: give one to connect to (postgres will do), \(example)"
        }
        return nil
    }
}
