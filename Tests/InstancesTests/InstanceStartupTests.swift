import Customizations
import EventStore
import Extensions
import Foundation
import Instances
import PostgresClient
import Provisioning
import Tenantry
import RuntimeTestSupport
import TestSupport
import Testing

@Suite("Instance start-up checks, without the CLI")
struct InstanceStartupTests {
    /// The customizations as the instance's login reads them, as `serve --instance` builds them.
    static let customizations: @Sendable (EventLog) -> any CustomizationResolver = { store in
        TenantryRuntime.customizations(catalog: ReleaseCustomizations.catalog, controlPlane: store)
    }

    @Test("serve --instance's checks: its own login starts its own tenant; the operator's login, another tenant, a missing setting and pending migrations are refused, named")
    func startupChecks() async throws {
        try await withTestRuntime { runtime, database in
            func signup(_ name: String) async throws -> (id: UUID, slug: String) {
                let tenant = try await runtime.tenants.create(
                    SignupRequest(email: "ann@\(name.lowercased()).example", organization: "\(name) \(UUID().uuidString.prefix(6))", plan: .pro),
                    actor: "test"
                ).tenant
                return (tenant.id, tenant.slug)
            }
            let tenant = try await signup("Initech")
            let other = try await signup("Globex")
            try await runtime.eventStore.append(
                [try NewEvent(type: "Noted", dataJSON: #"{"n":1}"#)], to: StreamName("doc-1"), tenant: tenant.id)
            let instances = runtime.instances(customizations: runtime.customizations(catalog: ReleaseCustomizations.catalog), processes: SimulatedProcesses())
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("startup-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: scratch) }
            let deployment = try await instances.deploy(
                .init(
                    tenant: tenant.slug, customization: "corporate-email", settings: ["domain": "initech.example"], target: "local",
                    directory: scratch.appendingPathComponent("files"), deployRoot: TestCluster.packageRoot.appendingPathComponent("Deploy"),
                    binary: URL(fileURLWithPath: "/bin/true"), actor: "operator:test"))
            let environment = deployment.environment
            let url = try #require(environment["TENANTRY_DATABASE_URL"])
            let customizations = Self.customizations

            let startup = try await InstanceStartup.check(tenant.slug, url: url, environment: environment, customizations: customizations)
            #expect(startup.tenantID == tenant.id)
            #expect(startup.slug == tenant.slug)
            #expect(startup.database == deployment.record.deployment.database)
            #expect(startup.host.settings.values["domain"] == "initech.example")
            let page = try await startup.withTenantStore { store in
                try await store.readPage(after: .start, filter: EventFilter(tenantID: tenant.id), limit: 100)
            }
            #expect(page.events.contains { $0.type == "Noted" }, "the tenant store reads the dedicated database")

            // The server holds only a SCRAM verifier of the login's password: the password never reached it.
            let login = try #require(InstanceCredentials.role(forDatabase: startup.database))
            let stored = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.query("SELECT coalesce(rolpassword, '') FROM pg_authid WHERE rolname = \(login)").rows.first?.decode(String.self)
            }
            #expect(stored?.hasPrefix("SCRAM-SHA-256$4096:") == true)

            await #expect(throws: InstanceError.self, "the operator's login is more than an instance's") {
                try await InstanceStartup.check(tenant.slug, url: database.administratorConnectionString, environment: environment, customizations: customizations)
            }
            await #expect(throws: InstanceError.self, "the login is the instance of another tenant") {
                try await InstanceStartup.check(other.slug, url: url, environment: environment, customizations: customizations)
            }
            var withoutSetting = environment
            withoutSetting["TENANTRY_SETTING_DOMAIN"] = nil
            await #expect(throws: (any Error).self, "the customization's required setting is missing") {
                try await InstanceStartup.check(tenant.slug, url: url, environment: withoutSetting, customizations: customizations)
            }

            // A dedicated database that has not had this release's last migration is refused.
            try await PostgresConnection.withConnection(database.administratorConfiguration.with(database: startup.database)) { connection in
                _ = try await connection.query(
                    "DELETE FROM tenantry.schema_migrations WHERE version = (SELECT max(version) FROM tenantry.schema_migrations)")
            }
            do {
                _ = try await InstanceStartup.check(tenant.slug, url: url, environment: environment, customizations: customizations)
                Issue.record("a dedicated database with a migration pending was accepted")
            } catch InstanceError.dedicatedNotMigrated(let slug, let pending) {
                #expect(slug == tenant.slug)
                #expect(pending == 1)
            }
            _ = try await instances.destroy(tenant.slug, exportTo: scratch.appendingPathComponent("export.jsonl").path, actor: "operator:test")
        }
    }
}
