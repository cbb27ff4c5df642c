import Customizations
import Foundation
import HTTPTestSupport
import PostgresClient
import Tenancy
import TestSupport
import Testing

@Suite("tenantry instance, end to end")
struct InstanceCommandTests {
    private struct Tenant {
        let id: String
        let slug: String
        let apiKey: String
    }

    private func createTenant(_ name: String, email: String, plan: String, environment: [String: String]) async throws -> Tenant {
        let created = try await TenantryProcess.run(["tenant", "create", name, "--email", email, "--plan", plan, "--json"], environment: environment)
        try #require(created.status == 0, "\(created.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any])
        return Tenant(
            id: try #require(object["id"] as? String), slug: try #require(object["slug"] as? String),
            apiKey: try #require(object["apiKey"] as? String))
    }

    private func count(_ sql: String, _ configuration: PostgresConfiguration) async throws -> Int {
        try await PostgresConnection.withConnection(configuration) { connection in
            try await connection.query(PostgresQuery(stringLiteral: sql)).rows.first?.decode(Int.self) ?? -1
        }
    }

    @Test("deploy moves a pooled tenant's data to its own database, starts its instance with the customization; upgrade and destroy --export work")
    func deployUpgradeDestroy() async throws {
        try await withTestDatabase { database async throws in
            let environment = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
            let suffix = UUID().uuidString.prefix(6).lowercased()
            let acme = try await createTenant("Acme \(suffix)", email: "ann@acme.example", plan: "pro", environment: environment)
            let globex = try await createTenant("Globex \(suffix)", email: "bob@globex.example", plan: "pro", environment: environment)
            for n in 1...3 {
                let appended = try await TenantryProcess.run(
                    ["events", "append", "doc-1", "--tenant", acme.id, "--type", "Noted", "--data", #"{"n":\#(n)}"#], environment: environment)
                try #require(appended.status == 0, "\(appended.standardError)")
            }
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("instance-\(suffix)")
            defer { try? FileManager.default.removeItem(at: out) }
            let deployRoot = TestCluster.packageRoot.appendingPathComponent("Deploy").path

            // A setting the customization refuses stops the deploy, named, before anything is written.
            let refused = try await TenantryProcess.run(
                ["instance", "deploy", acme.slug, "--customization", "corporate-email", "--setting", "domain=acme", "--out", out.path, "--deploy-root", deployRoot],
                environment: environment)
            #expect(refused.status != 0)
            #expect(refused.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
                == "error: customization corporate-email: setting 'domain' must be a domain name such as example.com, not 'acme'")
            #expect(try await count("SELECT count(*) FROM tenantry.events WHERE stream_name LIKE 'instance-%'", database.operatorConfiguration) == 0)

            let deployed = try await TenantryProcess.run(
                ["instance", "deploy", acme.slug, "--customization", "corporate-email", "--setting", "domain=acme.example", "--out", out.path, "--deploy-root", deployRoot],
                environment: environment)
            try #require(deployed.status == 0, "\(deployed.standardOutput)\n\(deployed.standardError)")
            let ready = try #require(deployed.lines.last?.firstMatch(of: /ready: http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)/), "\(deployed.standardOutput)")
            let port = try #require(Int(ready.1))
            let databaseName = try #require(DedicatedDatabaseName.forSlug(acme.slug))
            #expect(deployed.standardOutput.contains("2/4 verified 3 events"))

            // The data is in the dedicated database and gone from the pool's view (as the application and the operator see it).
            let dedicated = database.administratorConfiguration.with(database: databaseName)
            #expect(try await count("SELECT count(*) FROM tenantry.events WHERE stream_name = 'doc-1'", dedicated) == 3)
            #expect(try await count("SELECT count(*) FROM tenantry.events WHERE tenant_id = '\(acme.id)'", database.operatorConfiguration) == 0)
            let read = try await TenantryProcess.run(["events", "read", "doc-1", "--tenant", acme.id, "--json"], environment: environment)
            #expect(read.lines.count == 3, "read from the dedicated database: \(read.standardOutput) \(read.standardError)")

            // The instance serves its tenant with the customization active, and no other tenant.
            let client = HTTPTestClient(host: "127.0.0.1", port: port)
            let policy = try await client.get("/x/corporate-email/policy", apiKey: acme.apiKey)
            #expect(policy.status == 200)
            #expect(policy.text.contains(#""domain":"acme.example""#))
            // Another tenant's key is unknown to the instance: its login reads no other tenant.
            let other = try await client.get("/v1/tenant", apiKey: globex.apiKey)
            #expect(other.status == 401)
            #expect(try await client.get("/v1/tenant", apiKey: acme.apiKey).status == 200)
            #expect(try await client.get("/x/corporate-email/policy", apiKey: nil).status == 401)

            let upgraded = try await TenantryProcess.run(["instance", "upgrade", acme.slug], environment: environment)
            #expect(upgraded.status == 0, "\(upgraded.standardOutput)\n\(upgraded.standardError)")
            let status = try await TenantryProcess.run(["instance", "status", acme.slug, "--json"], environment: environment)
            let statusObject = try #require(try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])
            #expect(statusObject["state"] as? String == "running")
            #expect(statusObject["health"] as? String == "ready")
            #expect(statusObject["customization"] as? String == "corporate-email")

            let inside = try await TenantryProcess.run(["instance", "destroy", acme.slug, "--export", out.appendingPathComponent("x.jsonl").path], environment: environment)
            #expect(inside.status != 0, "an export inside the files destroy removes is refused")
            let export = FileManager.default.temporaryDirectory.appendingPathComponent("acme-export-\(suffix).jsonl").path
            defer { try? FileManager.default.removeItem(atPath: export) }
            let destroyed = try await TenantryProcess.run(["instance", "destroy", acme.slug, "--export", export], environment: environment)
            #expect(destroyed.status == 0, "\(destroyed.standardOutput)\n\(destroyed.standardError)")
            let exported = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n")
            #expect(exported.filter { $0.contains(#""stream":"doc-1""#) }.count == 3, "the tenant's data is in the export")
            #expect(try await count("SELECT count(*) FROM pg_database WHERE datname = '\(databaseName)'", database.administratorConfiguration) == 0)
            let list = try await TenantryProcess.run(["instance", "list", "--json"], environment: environment)
            #expect(list.standardOutput.contains(#""state":"destroyed""#))
            await #expect(throws: (any Error).self) { _ = try await client.get("/healthz", apiKey: nil) }
        }
    }

    @Test("an audit-forwarder instance forwards the tenant's events, copied ones and new ones, signed, after the receiver's refusals")
    func forwardingInstance() async throws {
        try await WebhookReceiver.with(failures: 2) { receiver, url in
            try await withTestDatabase { database async throws in
                let environment = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
                let suffix = UUID().uuidString.prefix(6).lowercased()
                let tenant = try await createTenant("Umbrella \(suffix)", email: "it@umbrella.example", plan: "pro", environment: environment)
                let before = try await TenantryProcess.run(
                    ["events", "append", "audit-1", "--tenant", tenant.id, "--type", "Noted", "--data", #"{"n":1}"#], environment: environment)
                try #require(before.status == 0, "\(before.standardError)")
                let out = FileManager.default.temporaryDirectory.appendingPathComponent("forwarder-\(suffix)")
                defer { try? FileManager.default.removeItem(at: out) }

                let deployed = try await TenantryProcess.run([
                    "instance", "deploy", tenant.slug, "--customization", "audit-forwarder",
                    "--setting", "endpoint=\(url.absoluteString)", "--setting", "secret=s3cret-s3cret", "--setting", "timeout-seconds=5",
                    "--out", out.path, "--deploy-root", TestCluster.packageRoot.appendingPathComponent("Deploy").path,
                ], environment: environment)
                try #require(deployed.status == 0, "\(deployed.standardOutput)\n\(deployed.standardError)")

                // An event appended after the move goes to the dedicated database; the instance forwards it too.
                let after = try await TenantryProcess.run(
                    ["events", "append", "audit-1", "--tenant", tenant.id, "--type", "Noted", "--data", #"{"n":2}"#], environment: environment)
                try #require(after.status == 0, "\(after.standardError)")
                do {
                    // Delivery is at least once (an answer later than the timeout is sent again):
                    // count distinct events, as a receiver deduplicating by Tenantry-Event-Id does.
                    try await waitUntil("both events forwarded") {
                        Set(receiver.deliveries.compactMap(\.eventID)).count >= 2
                    }
                } catch {
                    // Say what the instance was doing: its log is removed with the files.
                    let logs = FileManager.default.enumerator(atPath: out.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix("instance.log") } ?? []
                    let tail = logs.map { (try? String(contentsOfFile: out.appendingPathComponent($0).path, encoding: .utf8)) ?? "" }
                        .joined().split(separator: "\n").suffix(40).joined(separator: "\n")
                    Issue.record("\(receiver.deliveries.count) deliveries, \(receiver.requests) requests at \(url) (receiver ended: \(receiver.ended ?? "no")); the instance's log ends:\n\(tail)")
                    // Leave no instance running behind a failed test.
                    _ = try? await TenantryProcess.run(["instance", "stop", tenant.slug], environment: environment)
                    throw error
                }
                #expect(receiver.requests >= 4, "two refusals were retried")
                let bodies = Set(receiver.deliveries.map { String(decoding: $0.body, as: UTF8.self) })
                #expect(bodies.filter { $0.contains(#""n": 1"#) }.count == 1 && bodies.filter { $0.contains(#""n": 2"#) }.count == 1, "\(bodies)")
                #expect(receiver.deliveries.allSatisfy { AuditEventForwarder.verify(header: $0.signature ?? "", body: $0.body, secret: "s3cret-s3cret") })

                let status = try await TenantryProcess.run(["instance", "status", tenant.slug, "--json"], environment: environment)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])
                #expect((object["lag"] as? [String: Any])?["siem"] != nil)

                let export = FileManager.default.temporaryDirectory.appendingPathComponent("umbrella-\(suffix).jsonl").path
                defer { try? FileManager.default.removeItem(atPath: export) }
                let destroyed = try await TenantryProcess.run(["instance", "destroy", tenant.slug, "--export", export], environment: environment)
                #expect(destroyed.status == 0, "\(destroyed.standardError)")
            }
        }
    }
}


@Suite("tenantry instance upgrade, rolled back")
struct InstanceRollbackTests {
    @Test("an upgrade to a release that never becomes ready is rolled back: the previous release runs again, and the command fails")
    func rollback() async throws {
        try await withTestDatabase { database async throws in
            let environment = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
            let suffix = UUID().uuidString.prefix(6).lowercased()
            let created = try await TenantryProcess.run(["tenant", "create", "Hooli \(suffix)", "--email", "it@hooli.example", "--plan", "pro", "--json"], environment: environment)
            try #require(created.status == 0, "\(created.standardError)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any])
            let slug = try #require(object["slug"] as? String)
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("rollback-\(suffix)")
            defer { try? FileManager.default.removeItem(at: out) }
            let deployed = try await TenantryProcess.run([
                "instance", "deploy", slug, "--customization", "corporate-email", "--setting", "domain=hooli.example",
                "--out", out.path, "--deploy-root", TestCluster.packageRoot.appendingPathComponent("Deploy").path,
            ], environment: environment)
            try #require(deployed.status == 0, "\(deployed.standardOutput)\n\(deployed.standardError)")

            // A staged "release" that reports a version and then cannot serve.
            let broken = FileManager.default.temporaryDirectory.appendingPathComponent("broken-tenantry-\(suffix)")
            defer { try? FileManager.default.removeItem(at: broken) }
            try "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 9.9.9-broken; exit 0; fi\necho 'cannot start' >&2\nexit 1\n"
                .write(to: broken, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: broken.path)

            let upgrade = try await TenantryProcess.run(["instance", "upgrade", slug, "--binary", broken.path], environment: environment)
            #expect(upgrade.status != 0)
            #expect(upgrade.standardOutput.contains("rolling back to release 0.6.0"), "\(upgrade.standardOutput)\n\(upgrade.standardError)")
            let status = try await TenantryProcess.run(["instance", "status", slug, "--json"], environment: environment)
            let record = try #require(try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])
            #expect(record["state"] as? String == "running")
            #expect(record["health"] as? String == "ready")
            #expect(record["release"] as? String == "0.6.0")
            let rolledBack = try await PostgresConnection.withConnection(database.operatorConfiguration) { connection in
                try await connection.query("SELECT count(*) FROM tenantry.events WHERE event_type = 'InstanceUpgradeRolledBack'")
                    .rows.first?.decode(Int.self)
            }
            #expect(rolledBack == 1)

            let export = FileManager.default.temporaryDirectory.appendingPathComponent("hooli-\(suffix).jsonl").path
            defer { try? FileManager.default.removeItem(atPath: export) }
            let destroyed = try await TenantryProcess.run(["instance", "destroy", slug, "--export", export], environment: environment)
            #expect(destroyed.status == 0, "\(destroyed.standardError)")
        }
    }
}
