import Foundation
import HTTPTestSupport
import PostgresClient
import Tenancy
import TestSupport
import Testing

/// What a single-tenant instance's own database login can and cannot do, tried with that login
/// itself (the URL `instance deploy` wrote into `instance.env`), and the modes of the files that
/// hold secrets.
@Suite("single-tenant instance credentials, end to end")
struct InstanceCredentialTests {
    private struct Tenant {
        let id: String
        let slug: String
        let apiKey: String
    }

    private func createTenant(_ name: String, environment: [String: String]) async throws -> Tenant {
        let created = try await TenantryProcess.run(["tenant", "create", name, "--email", "it@example.com", "--plan", "pro", "--json"], environment: environment)
        try #require(created.status == 0, "\(created.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any])
        return Tenant(
            id: try #require(object["id"] as? String), slug: try #require(object["slug"] as? String),
            apiKey: try #require(object["apiKey"] as? String))
    }

    private func append(_ stream: String, tenant: Tenant, environment: [String: String]) async throws {
        let appended = try await TenantryProcess.run(
            ["events", "append", stream, "--tenant", tenant.id, "--type", "Noted", "--data", #"{"secret":"of \#(tenant.slug)"}"#], environment: environment)
        try #require(appended.status == 0, "\(appended.standardError)")
    }

    private func count(_ sql: String, _ configuration: PostgresConfiguration, asTenant tenant: String? = nil) async throws -> Int {
        try await PostgresConnection.withConnection(configuration) { connection in
            try await connection.transaction { connection in
                if let tenant { try connection.query("SELECT set_config('tenantry.tenant_id', \(tenant), true)") }
                return try connection.query(PostgresQuery(stringLiteral: sql)).rows.first?.decode(Int.self) ?? -1
            }
        }
    }

    /// Whether `sql` fails for `configuration`'s login.
    private func refused(_ sql: String, _ configuration: PostgresConfiguration) async -> Bool {
        do {
            try await PostgresConnection.withConnection(configuration) { connection in
                _ = try await connection.query(PostgresQuery(stringLiteral: sql))
            }
            return false
        } catch {
            return true
        }
    }

    private static func mode(_ url: URL) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) & 0o777
    }

    @Test("an instance's own login reaches its tenant only, SET ROLE reaches nothing wider, and the instance still serves its tenant; its secret files are 0600 in 0700 folders")
    func leastPrivilege() async throws {
        try await withTestDatabase { database async throws in
            let environment = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
            let suffix = UUID().uuidString.prefix(6).lowercased()
            let acme = try await createTenant("Acme \(suffix)", environment: environment)
            let globex = try await createTenant("Globex \(suffix)", environment: environment)
            let initech = try await createTenant("Initech \(suffix)", environment: environment)
            for tenant in [acme, globex, initech] {
                try await append("doc-1", tenant: tenant, environment: environment)
                try await append("doc-1", tenant: tenant, environment: environment)
            }
            let flag = try await TenantryProcess.run(["flag", "define", "ci-banner"], environment: environment)
            try #require(flag.status == 0, "\(flag.standardError)")
            let deployRoot = TestCluster.packageRoot.appendingPathComponent("Deploy").path
            let initechOut = FileManager.default.temporaryDirectory.appendingPathComponent("cred-initech-\(suffix)")
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("cred-acme-\(suffix)")
            defer {
                try? FileManager.default.removeItem(at: out)
                try? FileManager.default.removeItem(at: initechOut)
            }
            // Another instance (rendered only): its login and dedicated database exist too.
            let rendered = try await TenantryProcess.run([
                "instance", "deploy", initech.slug, "--customization", "corporate-email", "--setting", "domain=initech.example",
                "--target", "kubernetes", "--out", initechOut.path, "--deploy-root", deployRoot,
            ], environment: environment)
            try #require(rendered.status == 0, "\(rendered.standardOutput)\n\(rendered.standardError)")
            let deployed = try await TenantryProcess.run([
                "instance", "deploy", acme.slug, "--customization", "corporate-email", "--setting", "domain=acme.example",
                "--out", out.path, "--deploy-root", deployRoot,
            ], environment: environment)
            try #require(deployed.status == 0, "\(deployed.standardOutput)\n\(deployed.standardError)")
            let ready = try #require(deployed.lines.last?.firstMatch(of: /ready: http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)/), "\(deployed.standardOutput)")
            let port = try #require(Int(ready.1))
            let acmeDatabase = try #require(DedicatedDatabaseName.forSlug(acme.slug))
            let initechDatabase = try #require(DedicatedDatabaseName.forSlug(initech.slug))

            // Files holding secrets: 0600, in 0700 folders.
            for file in ["instance.env", "migration.env", "kubernetes/secret.env", "kubernetes/migration-secret.env"] {
                #expect(try Self.mode(out.appendingPathComponent(file)) == 0o600, "\(file)")
            }
            #expect(try Self.mode(out) == 0o700)
            #expect(try Self.mode(out.appendingPathComponent("kubernetes")) == 0o700)

            // instance.env holds the instance's own login; only migration.env holds the operator's.
            let files = (instance: try String(contentsOf: out.appendingPathComponent("instance.env"), encoding: .utf8),
                         migration: try String(contentsOf: out.appendingPathComponent("migration.env"), encoding: .utf8))
            #expect(!files.instance.contains("user=postgres"), "\(files.instance)")
            #expect(files.migration.contains("user=postgres"), "\(files.migration)")
            let urlLine = try #require(files.instance.split(separator: "\n").first { $0.hasPrefix("TENANTRY_DATABASE_URL=") })
            let url = String(urlLine.dropFirst("TENANTRY_DATABASE_URL=\"".count).dropLast())
                .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
            let instance = PostgresConfiguration(connectionString: url)
            let role = try #require(try instance.value(of: "user"))
            #expect(role.hasPrefix("tenantry_instance_"))
            #expect(try instance.value(of: "password")?.count == 64)
            #expect(try instance.value(of: "dbname") == database.name)

            // The login: no attribute beyond LOGIN, and tenantry_instance its only membership.
            let attributes = try await PostgresConnection.withConnection(instance) { connection in
                try await connection.query("""
                    SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb OR rolreplication,
                           (SELECT string_agg(g.rolname, ',') FROM pg_roles g WHERE pg_has_role(session_user, g.oid, 'MEMBER') AND g.rolname <> session_user::text)
                    FROM pg_roles WHERE rolname = session_user
                    """).rows.first?.decode((Bool, String).self)
            }
            #expect(attributes?.0 == false)
            #expect(attributes?.1 == "tenantry_instance")

            // SET ROLE to anything wider is refused; to its group, it gains nothing.
            let initechRole = "tenantry_instance_" + initechDatabase.dropFirst("tenantry_t_".count)
            for wider in ["tenantry_operator", "tenantry_owner", "tenantry_app", "postgres", initechRole] {
                #expect(await refused("SET ROLE \(wider)", instance), "SET ROLE \(wider)")
            }

            // The platform's database: no pooled row of another tenant, whatever tenant it claims;
            // its own tenant's pooled copy is retired; of the control plane only its own streams and the flags.
            for asTenant in [nil, globex.id, initech.id, acme.id] {
                #expect(try await count("SELECT count(*) FROM tenantry.events WHERE tenant_id <> '00000000-0000-0000-0000-000000000000'", instance, asTenant: asTenant) == 0)
            }
            #expect(try await count("SELECT count(*) FROM tenantry.events WHERE tenant_id = '\(globex.id)'", database.operatorConfiguration) == 2, "the rows are there")
            #expect(try await count("SELECT count(*) FROM tenantry.events WHERE stream_name = 'tenant-\(acme.id)'", instance) > 0)
            #expect(try await count("SELECT count(*) FROM tenantry.events WHERE stream_name = 'instance-\(acme.id)'", instance) > 0)
            #expect(try await count("""
                SELECT count(*) FROM tenantry.events
                WHERE stream_name NOT IN ('tenant-\(acme.id)', 'instance-\(acme.id)') AND stream_name NOT LIKE 'flag-%'
                """, instance, asTenant: "00000000-0000-0000-0000-000000000000") == 0)
            #expect(try await count("SELECT count(*) FROM tenantry.events WHERE stream_name = 'tenant-\(globex.id)'", database.operatorConfiguration) > 0)
            try await PostgresConnection.withConnection(instance) { connection in
                try await connection.query("SET ROLE tenantry_instance")
                let seen = try await connection.query(
                    "SELECT count(*) FROM tenantry.events WHERE stream_name IN (\("tenant-" + globex.id), \("tenant-" + initech.id)) OR tenant_id = \(globex.id)::uuid")
                #expect(try seen.rows.first?.decode(Int.self) == 0, "acting as the group changes nothing")
            }
            #expect(try await count("SELECT count(*) FROM tenantry.retired_pooled_copies WHERE tenant_id <> '\(acme.id)'", instance) == 0)
            for table in ["tenants", "tenant_placements", "checkpoints", "instance_logins", "streams", "snapshots"] {
                #expect(await refused("SELECT count(*) FROM tenantry.\(table)", instance), "tenantry.\(table)")
            }
            // Appends: nothing to another tenant's stream, nothing but what its key may cause to its own, no tenant data here.
            let event = #"[{"id":"\#(UUID().uuidString.lowercased())","type":"TenantReactivated","data":{"reason":"self-service"}}]"#
            #expect(await refused("SELECT * FROM tenantry.append_control_events('tenant-\(globex.id)', NULL, '\(event)')", instance))
            #expect(await refused("SELECT * FROM tenantry.append_control_events('tenant-\(acme.id)', NULL, '\(event)')", instance))
            #expect(await refused("SELECT * FROM tenantry.append_control_events('admintoken-x', NULL, '\(event.replacingOccurrences(of: "TenantReactivated", with: "TenantActivated"))')", instance))
            let noted = #"[{"id":"\#(UUID().uuidString.lowercased())","type":"Noted","data":{}}]"#
            #expect(await refused("SELECT * FROM tenantry.append_events('\(globex.id)', 'doc-1', NULL, '\(noted)')", instance))
            // No paid plan without a pooled server's payment hook; no more key changes than the day's cap.
            for plan in ["pro", "enterprise"] {
                let upgrade = #"[{"id":"\#(UUID().uuidString.lowercased())","type":"PlanChanged","data":{"from":"free","to":"\#(plan)"}}]"#
                #expect(await refused("SELECT * FROM tenantry.append_control_events('tenant-\(acme.id)', NULL, '\(upgrade)')", instance), "\(plan)")
            }
            let flood = "[" + (0..<121).map { _ in
                #"{"id":"\#(UUID().uuidString.lowercased())","type":"APIKeyRevoked","data":{"keyId":"\#(UUID().uuidString.lowercased())"}}"#
            }.joined(separator: ",") + "]"
            #expect(await refused("SELECT * FROM tenantry.append_control_events('tenant-\(acme.id)', NULL, '\(flood)')", instance))

            // Its dedicated database: its own events, nobody else's; another instance's database is closed to it.
            let dedicated = instance.with(database: acmeDatabase)
            #expect(try await count("SELECT count(*) FROM tenantry.events WHERE stream_name = 'doc-1'", dedicated, asTenant: acme.id) == 2)
            #expect(try await count("SELECT count(*) FROM tenantry.events WHERE stream_name = 'doc-1'", dedicated) == 2)
            #expect(await refused("SELECT * FROM tenantry.append_events('\(globex.id)', 'doc-1', NULL, '\(noted)')", dedicated))
            // Its own tenant's snapshots there are its to write and read; another tenant's are not.
            try await PostgresConnection.withConnection(dedicated) { connection in
                try await connection.query("""
                    INSERT INTO tenantry.snapshots (tenant_id, stream_name, snapshot_type, stream_version, state)
                    VALUES (\(acme.id)::uuid, 'doc-1', 'instance-test', 1, '{}')
                    """)
                let own = try await connection.query("SELECT count(*) FROM tenantry.snapshots WHERE snapshot_type = 'instance-test'")
                #expect(try own.rows.first?.decode(Int.self) == 1)
            }
            #expect(await refused("""
                INSERT INTO tenantry.snapshots (tenant_id, stream_name, snapshot_type, stream_version, state)
                VALUES ('\(globex.id)', 'doc-1', 'instance-test', 1, '{}')
                """, dedicated))
            #expect(await refused("SELECT 1", instance.with(database: initechDatabase)), "another instance's database")
            #expect(await refused("SET ROLE tenantry_app", dedicated))

            // serve --instance refuses the operator's login.
            let withOperatorLogin = try await TenantryProcess.run(["serve", "--instance", acme.slug, "--port", "0"], environment: environment)
            #expect(withOperatorLogin.status != 0)
            #expect(withOperatorLogin.standardError.contains("is a superuser"), "\(withOperatorLogin.standardError)")

            // And with its own login the instance serves its tenant: its route, OFREP (recording its activation), its API.
            let client = HTTPTestClient(host: "127.0.0.1", port: port)
            #expect(try await client.get("/x/corporate-email/policy", apiKey: acme.apiKey).status == 200)
            let evaluated = try await client.post("/ofrep/v1/evaluate/flags", json: #"{"context":{"targetingKey":"u-1"}}"#, apiKey: acme.apiKey)
            #expect(evaluated.status == 200, "\(evaluated.text)")
            try await waitUntil("the instance recorded its tenant's activation") {
                try await count("SELECT count(*) FROM tenantry.events WHERE stream_name = 'tenant-\(acme.id)' AND event_type = 'TenantActivated'", database.operatorConfiguration) == 1
            }
            let issued = try await client.post("/v1/tenant/api-keys", json: #"{"label":"ci"}"#, apiKey: acme.apiKey)
            #expect(issued.status == 201, "\(issued.text)")
            #expect(try await client.get("/v1/tenant", apiKey: acme.apiKey).status == 200)
            // Another tenant's key is unknown here; the admin API is not mounted.
            #expect(try await client.get("/v1/tenant", apiKey: globex.apiKey).status == 401)
            #expect(try await client.get("/v1/admin/tenants", apiKey: nil).status == 404)
            #expect(try await client.get("/readyz", apiKey: nil).status == 200)

            // Destroy drops the login.
            for (tenant, name) in [(acme, "acme"), (initech, "initech")] {
                let export = FileManager.default.temporaryDirectory.appendingPathComponent("cred-\(name)-\(suffix).jsonl").path
                defer { try? FileManager.default.removeItem(atPath: export) }
                let destroyed = try await TenantryProcess.run(["instance", "destroy", tenant.slug, "--export", export], environment: environment)
                #expect(destroyed.status == 0, "\(destroyed.standardOutput)\n\(destroyed.standardError)")
            }
            #expect(try await count("SELECT count(*) FROM pg_roles WHERE rolname IN ('\(role)', '\(initechRole)')", database.administratorConfiguration) == 0)
        }
    }
}
