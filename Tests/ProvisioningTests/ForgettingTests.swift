import EventStore
import Foundation
import PostgresClient
import Provisioning
import RuntimeTestSupport
import Tenantry
import TestSupport
import Testing

@Suite("Forgetting a tenant's personal data (crypto-shredding)")
struct ForgettingTests {
    /// How many rows of every table of the database hold `needle` in any column, as a superuser
    /// reads them (row-level security does not apply to it).
    static func rowsHolding(_ needle: String, in database: TestDatabase) async throws -> [String: Int64] {
        try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
            let tables = try await admin.query("""
                SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
                WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
                """).rows.map { try $0.decode(String.self) }
            var found: [String: Int64] = [:]
            for table in tables {
                // The table's name comes from the catalogue, quoted by format(%I); the needle is a parameter.
                let query = PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table) t WHERE strpos(t::text, $1) > 0", bindings: [needle])
                let count = try await admin.query(query).rows.first?.decode(Int64.self) ?? 0
                if count > 0 { found[table] = count }
            }
            return found
        }
    }

    @Test("forgetting a tenant erases its name, email, attributes and its subjects' fields in every read, the registry (rebuilt too) and exports, and no table holds them in clear")
    func forgetTenant() async throws {
        try await withTestRuntime { runtime, database async throws in
            let unique = UUID().uuidString.prefix(8).lowercased()
            let organization = "Forget Me Ltd \(unique)"
            let email = "owner-\(unique)@forget.example"
            let employer = "Secret Employer \(unique)"
            let customer = "Jane Customer \(unique)"
            let tenant = try await runtime.tenants.create(SignupRequest(email: email, organization: organization), actor: "test").tenant
            _ = try await runtime.tenants.lifecycle.changeAttributes(tenant.id, set: ["employer": .string(employer)], remove: [], actor: "test")
            try await runtime.eventStore.append(
                [try NewEvent(type: "CustomerNoted", data: ["customer": customer, "plan": "gold"],
                              personalData: PersonalData(fields: ["customer"], subject: "customer-1"))],
                to: "customer-1", tenant: tenant.id)
            let before = try await runtime.tenants.tenant(tenant.slug)
            #expect(before.name == organization && before.email == email && before.attributes["employer"] == .string(employer))
            // The events hold none of it in clear; the registry (a read model) and the tenant's
            // snapshots (a cache of its folded state) do, until forgotten.
            _ = try await runtime.tenants.list(state: nil, plan: nil)
            let holding = try await Self.rowsHolding(organization, in: database)
            #expect(holding["tenantry.tenants"] == 1 && Set(holding.keys).isSubset(of: ["tenantry.tenants", "tenantry.snapshots"]))
            #expect(Set(try await Self.rowsHolding(employer, in: database).keys).isSubset(of: ["tenantry.snapshots"]))
            #expect(try await Self.rowsHolding(customer, in: database).isEmpty)

            let outcome = try await runtime.tenants.forget(tenant.slug, subject: nil, actor: "test", reason: "erasure request 7")
            #expect(outcome.keys == 2)
            #expect(outcome.tenant.name == "[erased]" && outcome.tenant.email == "[erased]" && outcome.tenant.attributes.isEmpty)
            #expect(outcome.tenant.status == .active && outcome.tenant.slug == tenant.slug)

            let history = try await runtime.tenants.history(of: tenant.slug)
            #expect(history.first { $0.type == "TenantRegistered" }?.erasedFields == ["email", "name"])
            #expect(history.first { $0.type == "TenantAttributesChanged" }?.erasedFields == ["set"])
            let forgotten = try #require(history.last)
            #expect(forgotten.type == "TenantPersonalDataForgotten" && forgotten.metadata.reason == "erasure request 7")
            let own = try await runtime.eventStore.readStream("customer-1", tenant: tenant.id)
            #expect(own.first?.dataJSON.contains("\"customer\": \"[erased]\"") == true && own.first?.dataJSON.contains("gold") == true)

            let listed = try #require(try await runtime.tenants.list(state: nil, plan: nil).first { $0.id == tenant.id })
            #expect(listed.name == "[erased]" && listed.email == "[erased]")
            try await runtime.tenants.registry.rebuild()
            let rebuilt = try #require(try await runtime.tenants.list(state: nil, plan: nil).first { $0.id == tenant.id })
            #expect(rebuilt.name == "[erased]" && rebuilt.email == "[erased]")

            let export = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-forgotten-\(UUID()).jsonl")
            defer { try? FileManager.default.removeItem(at: export) }
            _ = try await runtime.tenants.offboard(tenant.id, exportTo: export.path, actor: "test", reason: "contract ended", keepingPooledEvents: true)
            let exported = try String(contentsOf: export, encoding: .utf8)
            #expect(exported.contains("CustomerNoted") && exported.contains("[erased]"))
            for needle in [organization, email, employer, customer] {
                #expect(!exported.contains(needle), "\(needle) in the export")
                #expect(try await Self.rowsHolding(needle, in: database).isEmpty, "\(needle) in a table")
            }
        }
    }

    @Test("a tenant registered before its fields were sealed (in clear, as before migration 0113) is sealed and then erased by forgetting; the owner still cannot change an event otherwise")
    func forgetLegacyTenant() async throws {
        try await withTestRuntime { runtime, database async throws in
            let unique = UUID().uuidString.prefix(8).lowercased()
            let organization = "Legacy Works \(unique)"
            let email = "owner-\(unique)@legacy.example"
            let tenant = try await runtime.tenants.create(SignupRequest(email: email, organization: organization), actor: "test").tenant
            _ = try await runtime.tenants.lifecycle.changeAttributes(tenant.id, set: ["team": .string("Team \(unique)")], remove: [], actor: "test")
            // As an older release wrote them: the fields in clear (the trigger is bypassed the way
            // only a superuser can, for the test's set-up).
            try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.query("SET session_replication_role = replica")
                try await admin.query("""
                    UPDATE tenantry.events SET data = data || jsonb_build_object('name', \(organization)::text, 'email', \(email)::text)
                    WHERE stream_name = 'tenant-' || \(tenant.id)::text AND event_type = 'TenantRegistered'
                    """)
                try await admin.query("""
                    UPDATE tenantry.events SET data = jsonb_build_object('set', jsonb_build_object('team', \("Team \(unique)")::text), 'removed', '[]'::jsonb)
                    WHERE stream_name = 'tenant-' || \(tenant.id)::text AND event_type = 'TenantAttributesChanged'
                    """)
            }
            #expect(try await Self.rowsHolding(email, in: database)["tenantry.events"] == 1)
            // The owner may not change an event on its own.
            await #expect(throws: PostgresError.self) {
                try await PostgresConnection.withConnection(database.ownerConfiguration) { owner in
                    try await owner.query("SELECT set_config('tenantry.tenant_id', '00000000-0000-0000-0000-000000000000', false)")
                    try await owner.query("UPDATE tenantry.events SET data = '{}' WHERE stream_name = 'tenant-' || \(tenant.id)::text")
                }
            }

            let outcome = try await runtime.tenants.forget(tenant.slug, subject: nil, actor: "test", reason: "erasure request 8")
            #expect(outcome.tenant.name == "[erased]" && outcome.tenant.attributes.isEmpty)
            let history = try await runtime.tenants.history(of: tenant.slug)
            #expect(history.first { $0.type == "TenantRegistered" }?.erasedFields == ["email", "name"])
            #expect(history.first { $0.type == "TenantAttributesChanged" }?.erasedFields == ["set"])
            for needle in [organization, email, "Team \(unique)"] {
                #expect(try await Self.rowsHolding(needle, in: database).isEmpty, "\(needle) in a table")
            }
        }
    }

    @Test("forgetting one data subject erases only its fields; the tenant's own registration stays readable")
    func forgetSubject() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let tenant = try await runtime.tenants.create(
                SignupRequest(email: "owner@subject.example", organization: "Subject Keeper \(UUID().uuidString.prefix(6))"), actor: "test").tenant
            for subject in ["customer-1", "customer-2"] {
                try await runtime.eventStore.append(
                    [try NewEvent(type: "CustomerNoted", data: ["customer": "name of \(subject)"],
                                  personalData: PersonalData(fields: ["customer"], subject: subject))],
                    to: try StreamName(subject), tenant: tenant.id)
            }
            let outcome = try await runtime.tenants.forget(tenant.slug, subject: "customer-1", actor: "test", reason: "end user request 12")
            #expect(outcome.keys == 1)
            #expect(outcome.tenant.name == tenant.name && outcome.tenant.email == "owner@subject.example")
            #expect(try await runtime.eventStore.readStream("customer-1", tenant: tenant.id).first?.erasedFields == ["customer"])
            #expect(try await runtime.eventStore.readStream("customer-2", tenant: tenant.id).first?.dataJSON.contains("name of customer-2") == true)
            // Again: nothing more to destroy, the request recorded once more.
            #expect(try await runtime.tenants.forget(tenant.slug, subject: "customer-1", actor: "test", reason: "end user request 12").keys == 0)
            await #expect(throws: TenantLifecycleError.self) {
                _ = try await runtime.tenants.forget(tenant.slug, subject: "", actor: "test", reason: "end user request 12")
            }
        }
    }
}
