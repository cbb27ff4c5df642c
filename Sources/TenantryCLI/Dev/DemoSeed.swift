import AdminTokens
import FeatureFlags
import Foundation
import PostgresClient
import Provisioning
import Tenantry

/// A demo to try the platform on (`tenantry dev seed`, `make run`): a few flags, one tenant per
/// plan (the enterprise one dedicated: a database of its own) and an admin token, recorded
/// through the same services as any operator's commands, and only into a database that has no
/// tenants and no flags, so it never mixes with real data.
struct DemoSeed: Sendable {
    /// A tenant of the demo.
    struct DemoTenant: Sendable, Hashable {
        var organization: String
        var email: String
        var plan: Plan

        init(organization: String, email: String, plan: Plan) {
            self.organization = organization
            self.email = email
            self.plan = plan
        }
    }

    /// One tenant per plan.
    static let standardTenants = [
        DemoTenant(organization: "Initech", email: "owner@initech.example", plan: .free),
        DemoTenant(organization: "Hooli", email: "owner@hooli.example", plan: .trial),
        DemoTenant(organization: "Globex", email: "owner@globex.example", plan: .pro),
        DemoTenant(organization: "Umbrella", email: "owner@umbrella.example", plan: .enterprise),
    ]

    var tenants: [DemoTenant]

    init(tenants: [DemoTenant] = DemoSeed.standardTenants) {
        self.tenants = tenants
    }

    /// A tenant the seed created, with its first API key (shown once).
    struct SeededTenant: Sendable {
        let tenant: TenantState
        let apiKey: String?
    }

    /// What a seed recorded.
    struct Seeded: Sendable {
        let flags: [Flag]
        let tenants: [SeededTenant]
        let adminToken: AdminTokenService.Issued
    }

    /// What `run` did.
    enum Outcome: Sendable {
        case seeded(Seeded)
        /// The database has data already; nothing was written.
        case leftAlone(tenants: Int, flags: Int)
    }

    /// Why every seeded event was recorded.
    static let reason = "demo seed"

    /// Seeds the demo unless the database has tenants or flags. Two seeds at once take turns
    /// (an advisory lock), so the second finds the first one's data and leaves it alone.
    func run(on runtime: TenantryRuntime, actor: String) async throws -> Outcome {
        try await PostgresConnection.withAdvisoryLock(
            runtime.operatorPool.configuration, namespace: Self.lockNamespace, key: "demo-seed"
        ) {
            let existingTenants = try await runtime.tenants.list(state: nil, plan: nil).count
            let existingFlags = try await runtime.flags.catalog().flags.count
            guard existingTenants == 0, existingFlags == 0 else {
                return .leftAlone(tenants: existingTenants, flags: existingFlags)
            }
            let flags = try await seedFlags(runtime.flagAdministration, actor: actor)
            var seeded: [SeededTenant] = []
            for tenant in tenants {
                let outcome = try await runtime.tenants.create(
                    SignupRequest(email: tenant.email, organization: tenant.organization, plan: tenant.plan), actor: actor
                )
                seeded.append(SeededTenant(tenant: outcome.tenant, apiKey: outcome.apiKey?.secret))
            }
            let token = try await runtime.adminTokens.issue(label: "demo", actor: actor, reason: Self.reason)
            return .seeded(Seeded(flags: flags, tenants: seeded, adminToken: token))
        }
    }

    /// The advisory lock namespace of demo seeding.
    static let lockNamespace: Int32 = 727_400

    /// `new-billing` (boolean, on for the pro plan), `theme` (string, dark for callers in the
    /// Nordics), `checkout-v2` (boolean, on for a sticky 25 % of tenants).
    private func seedFlags(_ administration: FlagAdministration, actor: String) async throws -> [Flag] {
        let change = FlagService.Change(actor: actor, reason: Self.reason)
        _ = try await administration.define(
            FlagDefinition(key: "new-billing", description: "Billing v2: the new invoices page"), by: change
        )
        let billing = try await administration.flags.setEntitlement(try FlagKey("new-billing"), plan: Plan.pro.rawValue, variant: "on", by: change)

        _ = try await administration.define(
            FlagDefinition(
                key: "theme", type: .string, variants: [.init("light", "light"), .init("dark", "dark")],
                description: "The UI theme"
            ),
            by: change
        )
        let nordics = Condition.compare(attribute: "country", operator: .in, value: .array(["se", "no", "fi"]))
        let theme = try await administration.addRule(try FlagKey("theme"), name: "nordics", condition: nordics, variant: "dark", position: nil, by: change).flag

        _ = try await administration.define(FlagDefinition(key: "checkout-v2", description: "The one-page checkout"), by: change)
        let checkout = try await administration.setRollout(try FlagKey("checkout-v2"), percent: 25, variant: nil, bucketBy: nil, by: change)
        return [billing, theme, checkout]
    }
}
