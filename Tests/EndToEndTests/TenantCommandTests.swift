import EventStore
import Foundation
import PostgresClient
import Tenancy
import TestSupport
import Testing

@Suite("tenantry tenant, end to end")
struct TenantCommandTests {
    /// Creates a tenant with the binary; its id and slug.
    static func createTenant(_ name: String, email: String, environment: [String: String]) async throws -> (id: UUID, slug: String) {
        let created = try await TenantryProcess.run(["tenant", "create", name, "--email", email, "--json"], environment: environment)
        #expect(created.status == 0, "\(created.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any])
        let id = try #require((object["id"] as? String).flatMap(UUID.init(uuidString:)))
        return (id, try #require(object["slug"] as? String))
    }

    @Test("a create killed (SIGKILL) between steps is finished by a retry, with no duplicate resources")
    func killedCreateResumes() async throws {
        try await withTestDatabase { database async throws in
            let env = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
            let name = "Globex \(UUID().uuidString.prefix(6))"
            let arguments = ["tenant", "create", name, "--email", "it@globex.example", "--plan", "enterprise", "--idempotency-key", "k1", "--json"]
            let first = try TenantryProcess.start(arguments, environment: env.merging(["TENANTRY_PROVISIONING_PAUSE_BEFORE": "issueAPIKey"]) { $1 })
            try await waitUntil("provisioning paused before issueAPIKey") { first.standardError.contains("paused before issueAPIKey") }
            first.signal(SIGKILL)
            _ = try await first.finish()

            let retry = try await TenantryProcess.run(arguments, environment: env)
            #expect(retry.status == 0, "\(retry.standardError)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(retry.standardOutput.utf8)) as? [String: Any])
            #expect(object["state"] as? String == "active")
            #expect((object["apiKey"] as? String)?.hasPrefix("tnt_") == true)
            let slug = try #require(object["slug"] as? String)
            let databaseName = try #require(DedicatedDatabaseName.forSlug(slug))

            try await PostgresConnection.withConnection(database.operatorConfiguration) { connection in
                let counts = try await connection.query("""
                    SELECT count(*) FILTER (WHERE event_type = 'ProvisioningStepCompleted' AND data->>'step' = 'allocateStorage'),
                           count(*) FILTER (WHERE event_type = 'APIKeyIssued'),
                           count(*) FILTER (WHERE event_type = 'TenantRegistered')
                    FROM tenantry.events WHERE stream_name LIKE 'tenant-%'
                    """).rows[0].decode((Int, Int, Int).self)
                #expect(counts.0 == 1)
                #expect(counts.1 == 1)
                #expect(counts.2 == 1)
                let placements = try await connection.query("SELECT count(*) FROM tenantry.tenant_placements").rows.first?.decode(Int.self)
                #expect(placements == 1)
            }
            let databases = try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                try await connection.query("SELECT count(*) FROM pg_database WHERE datname = \(databaseName)").rows.first?.decode(Int.self)
            }
            #expect(databases == 1)

            // The CLI's appends for a dedicated tenant land in its own database only.
            let tenantID = try #require(object["id"] as? String)
            let append = try await TenantryProcess.run(
                ["events", "append", "doc-1", "--tenant", tenantID, "--type", "Noted", "--data", "{}"], environment: env
            )
            #expect(append.status == 0, "\(append.standardError)")
            let inDedicated = try await PostgresConnection.withConnection(TestCluster.maintenance.with(database: databaseName)) { connection in
                try await connection.query("SELECT count(*) FROM tenantry.events WHERE stream_name = 'doc-1'").rows.first?.decode(Int.self)
            }
            let inPooled = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.query("SELECT count(*) FROM tenantry.events WHERE stream_name = 'doc-1'").rows.first?.decode(Int.self)
            }
            #expect(inDedicated == 1)
            #expect(inPooled == 0)

            // Offboarding exports, then drops the dedicated database.
            let export = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-export-\(UUID()).jsonl")
            defer { try? FileManager.default.removeItem(at: export) }
            let offboard = try await TenantryProcess.run(["tenant", "offboard", slug, "--export", export.path, "--reason", "test over"], environment: env)
            #expect(offboard.status == 0, "\(offboard.standardError)")
            let lines = try String(contentsOf: export, encoding: .utf8).split(separator: "\n")
            #expect(lines.contains { $0.contains("\"TenantRegistered\"") })
            #expect(lines.contains { $0.contains("\"Noted\"") })
            let afterDrop = try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                try await connection.query("SELECT count(*) FROM pg_database WHERE datname = \(databaseName)").rows.first?.decode(Int.self)
            }
            #expect(afterDrop == 0)
        }
    }

    @Test("tenant create --cluster: an empty URL is one line naming --cluster; a cluster out of reach ends failed (exit 1); tenant retry makes it active once it is back")
    func unreachableClusterThenRetry() async throws {
        let door = try await TenantClusterDoor.create()
        var slug: String?
        do {
            try await withTestDatabase { database async throws in
                let env = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
                let name = "Far Bank \(UUID().uuidString.prefix(6))"
                let create = ["tenant", "create", name, "--email", "it@far.example", "--plan", "enterprise"]

                let empty = try await TenantryProcess.run(create + ["--cluster", ""], environment: env)
                #expect(empty.status == 64)
                let emptyLines = empty.standardError.split(separator: "\n")
                #expect(emptyLines.count == 1 && emptyLines.first?.contains("--cluster") == true, "\(empty.standardError)")

                try await door.refuseConnections(true)
                let failed = try await TenantryProcess.run(create + ["--cluster", door.url, "--json"], environment: env)
                #expect(failed.status == 1, "\(failed.standardError)")
                let failedObject = try #require(try JSONSerialization.jsonObject(with: Data(failed.standardOutput.utf8)) as? [String: Any])
                #expect(failedObject["state"] as? String == "failed")
                #expect((failedObject["failureReason"] as? String)?.hasPrefix("allocateStorage: the tenant's cluster could not be reached") == true)
                slug = failedObject["slug"] as? String
                let tenant = try #require(slug)

                // Still out of reach: it fails again, exit 1.
                let stillFailing = try await TenantryProcess.run(["tenant", "retry", tenant, "--json"], environment: env)
                #expect(stillFailing.status == 1, "\(stillFailing.standardError)")

                try await door.refuseConnections(false)
                let retried = try await TenantryProcess.run(["tenant", "retry", tenant, "--reason", "cluster back", "--json"], environment: env)
                #expect(retried.status == 0, "\(retried.standardError)")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(retried.standardOutput.utf8)) as? [String: Any])
                #expect(object["state"] as? String == "active")
                #expect(object["slug"] as? String == tenant)
                #expect((object["apiKey"] as? String)?.hasPrefix("tnt_") == true)

                let again = try await TenantryProcess.run(["tenant", "retry", tenant], environment: env)
                #expect(again.status == 65)
                #expect(again.standardError == "error: cannot retry the provisioning of tenant \(tenant): it is active\n")
                let history = try await TenantryProcess.run(["tenant", "history", tenant], environment: env)
                #expect(history.standardOutput.contains("TenantProvisioningRetried"))
            }
        } catch {
            try? await door.drop(alongWith: slug.flatMap(DedicatedDatabaseName.forSlug).map { [$0] } ?? [])
            throw error
        }
        try await door.drop(alongWith: slug.flatMap(DedicatedDatabaseName.forSlug).map { [$0] } ?? [])
    }

    @Test("list, show, suspend, resume and plan from the command line; errors are one line with an exit code")
    func lifecycleCommands() async throws {
        try await withTestDatabase { database async throws in
            let env = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
            let created = try await TenantryProcess.run(["tenant", "create", "Hooli", "--email", "gavin@hooli.example", "--json"], environment: env)
            #expect(created.status == 0, "\(created.standardError)")
            let list = try await TenantryProcess.run(["tenant", "list", "--json"], environment: env)
            let tenants = try #require(try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [[String: Any]])
            #expect(tenants.map { $0["slug"] as? String } == ["hooli"])
            for key in ["id", "slug", "name", "state", "plan", "isolation"] { #expect(tenants.first?[key] != nil) }

            #expect(try await TenantryProcess.run(["tenant", "suspend", "hooli", "--reason", "audit"], environment: env).status == 0)
            let again = try await TenantryProcess.run(["tenant", "suspend", "hooli", "--reason", "audit"], environment: env)
            #expect(again.status == 65)
            #expect(again.standardError == "error: cannot suspend tenant hooli: it is suspended\n")
            #expect(try await TenantryProcess.run(["tenant", "resume", "hooli", "--reason", "ok"], environment: env).status == 0)
            #expect(try await TenantryProcess.run(["tenant", "plan", "hooli", "pro"], environment: env).status == 0)
            let show = try await TenantryProcess.run(["tenant", "show", "hooli", "--json"], environment: env)
            #expect(show.standardOutput.contains(#""plan":"pro""#))
            let missing = try await TenantryProcess.run(["tenant", "show", "nobody"], environment: env)
            #expect(missing.status == 66)
            let badEmail = try await TenantryProcess.run(["tenant", "create", "X", "--email", "not-an-email"], environment: env)
            #expect(badEmail.status == 64)
            #expect(badEmail.standardError.contains("invalid email"))
            let noReason = try await TenantryProcess.run(["tenant", "suspend", "hooli", "--reason", " "], environment: env)
            #expect(noReason.status == 64)
            let history = try await TenantryProcess.run(["tenant", "history", "hooli"], environment: env)
            #expect(history.standardOutput.contains("TenantSuspended"))
            #expect(history.standardOutput.contains("audit"))
        }
    }

    @Test("tenant import loads an export into another installation with its event ids, personal fields sealed again, idempotently; a bad line is refused naming it")
    func importExport() async throws {
        try await withTestDatabase { source async throws in
            try await withTestDatabase { target async throws in
                let from = ["TENANTRY_DATABASE_URL": source.administratorConnectionString]
                let into = ["TENANTRY_DATABASE_URL": target.administratorConnectionString]
                let (tenantID, slug) = try await Self.createTenant("Initech Export", email: "bill@initech.example", environment: from)
                #expect(try await TenantryProcess.run(["tenant", "attributes", slug, "region=emea"], environment: from).status == 0)
                let ids = (1...3).map { _ in UUID() }
                let application = source.applicationPool(maximumConnections: 1)
                for (n, id) in ids.enumerated() {
                    try await EventLog(pool: application).append(
                        [try NewEvent(id: id, type: "CustomerNoted", data: ["customer": "Milton \(n)", "n": "\(n)"],
                                      personalData: PersonalData(fields: ["customer"], subject: "customer-\(n)"))],
                        to: "customer-1", tenant: tenantID)
                }
                await application.close()
                let export = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-import-\(UUID()).jsonl")
                defer { try? FileManager.default.removeItem(at: export) }
                let offboard = try await TenantryProcess.run(["tenant", "offboard", slug, "--export", export.path, "--reason", "moving installations"], environment: from)
                #expect(offboard.status == 0, "\(offboard.standardError)")

                let imported = try await TenantryProcess.run(["tenant", "import", export.path, "--json"], environment: into)
                #expect(imported.status == 0, "\(imported.standardError)")
                let outcome = try #require(try JSONSerialization.jsonObject(with: Data(imported.standardOutput.utf8)) as? [String: Any])
                #expect(outcome["appended"] as? Int == 3 && outcome["skipped"] as? Int == 0)
                #expect((outcome["apiKey"] as? String)?.isEmpty == false)
                #expect(outcome["name"] as? String == "Initech Export" && outcome["state"] as? String == "active")
                #expect((outcome["attributes"] as? [String: Any])?["region"] as? String == "emea", "\(outcome)")
                let newID = try #require((outcome["id"] as? String).flatMap(UUID.init(uuidString:)))
                let stored = try await PostgresConnection.withConnection(target.administratorConfiguration) { admin in
                    try await admin.query("""
                        SELECT coalesce(array_agg(event_id ORDER BY stream_version), '{}'), coalesce(string_agg(data::text, ' '), '')
                        FROM tenantry.events WHERE tenant_id = \(newID) AND stream_name = 'customer-1'
                        """).rows.first?.decode(([UUID], String).self)
                }
                #expect(stored?.0 == ids)
                #expect(stored?.1.contains("Milton") == false && stored?.1.contains("$personal") == true)
                let read = try await TenantryProcess.run(["events", "read", "customer-1", "--tenant", newID.uuidString, "--json"], environment: into)
                #expect(read.standardOutput.contains("Milton 2"), "\(read.standardOutput)\(read.standardError)")

                let again = try await TenantryProcess.run(["tenant", "import", export.path, "--json"], environment: into)
                #expect(again.status == 0, "\(again.standardError)")
                let second = try #require(try JSONSerialization.jsonObject(with: Data(again.standardOutput.utf8)) as? [String: Any])
                #expect(second["appended"] as? Int == 0 && second["skipped"] as? Int == 3 && second["id"] as? String == outcome["id"] as? String)
                #expect(second["apiKey"] == nil)

                // Feed order is not always version order within a stream: an export whose later
                // version comes first still imports, each event at its version.
                try await withTestDatabase { third async throws in
                    let reordered = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-reordered-\(UUID()).jsonl")
                    defer { try? FileManager.default.removeItem(at: reordered) }
                    var lines = try String(contentsOf: export, encoding: .utf8).split(separator: "\n").map(String.init)
                    let own = lines.indices.filter { lines[$0].contains("\"CustomerNoted\"") }
                    lines.swapAt(own[0], own[2])
                    try (lines.joined(separator: "\n") + "\n").write(to: reordered, atomically: true, encoding: .utf8)
                    let result = try await TenantryProcess.run(
                        ["tenant", "import", reordered.path, "--json"], environment: ["TENANTRY_DATABASE_URL": third.administratorConnectionString])
                    #expect(result.status == 0, "\(result.standardError)")
                    #expect(result.standardOutput.contains("\"appended\":3"), "\(result.standardOutput)")
                    let order = try await PostgresConnection.withConnection(third.administratorConfiguration) { admin in
                        try await admin.query("""
                            SELECT coalesce(array_agg(event_id ORDER BY stream_version), '{}') FROM tenantry.events WHERE stream_name = 'customer-1'
                            """).rows.first?.decode([UUID].self)
                    }
                    #expect(order == ids)
                }

                let broken = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-broken-\(UUID()).jsonl")
                defer { try? FileManager.default.removeItem(at: broken) }
                let lines = try String(contentsOf: export, encoding: .utf8).split(separator: "\n")
                try (lines.prefix(2).joined(separator: "\n") + "\n{\"tenantId\": 7}\n").write(to: broken, atomically: true, encoding: .utf8)
                let refused = try await TenantryProcess.run(["tenant", "import", broken.path], environment: into)
                #expect(refused.status == 65)
                #expect(refused.standardError.split(separator: "\n").count == 1 && refused.standardError.contains("line 3"), "\(refused.standardError)")
            }
        }
    }

    @Test("tenant restore rebuilds a tenant as it was at a time into a new tenant, leaving the source as it is")
    func restoreToTime() async throws {
        try await withTestDatabase { database async throws in
            let env = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
            let (tenantID, slug) = try await Self.createTenant("Vandelay Industries", email: "art@vandelay.example", environment: env)
            let application = database.applicationPool(maximumConnections: 1)
            let log = EventLog(pool: application)
            let before = (1...2).map { _ in UUID() }
            var first: [NewEvent] = []
            for id in before { first.append(try NewEvent(id: id, type: "Imported", data: ["latex": true])) }
            try await log.append(first, to: "order-1", tenant: tenantID)
            // The time between, from the database's own clock, after the first events committed.
            let between = try #require(try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.query("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')").rows.first?.decode(String.self)
            })
            try await waitUntil("the database clock is past the time between") {
                try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                    try await admin.query("SELECT clock_timestamp() > \(between)::timestamptz").rows.first?.decode(Bool.self) == true
                }
            }
            try await log.append([try NewEvent(type: "Imported", data: ["latex": false])], to: "order-1", tenant: tenantID)
            try await log.append([try NewEvent(type: "Exported", data: ["n": 1])], to: "order-2", tenant: tenantID)
            await application.close()

            let restored = try await TenantryProcess.run(["tenant", "restore", slug, "--to", between, "--json"], environment: env)
            #expect(restored.status == 0, "\(restored.standardError)")
            let outcome = try #require(try JSONSerialization.jsonObject(with: Data(restored.standardOutput.utf8)) as? [String: Any])
            #expect(outcome["appended"] as? Int == 2)
            #expect(outcome["name"] as? String == "Vandelay Industries (restored)")
            let newID = try #require((outcome["id"] as? String).flatMap(UUID.init(uuidString:)))
            let counts = try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.query("""
                    SELECT (SELECT coalesce(array_agg(event_id ORDER BY stream_version), '{}') FROM tenantry.events WHERE tenant_id = \(newID)),
                           (SELECT count(*) FROM tenantry.events WHERE tenant_id = \(tenantID))
                    """).rows.first?.decode(([UUID], Int64).self)
            }
            #expect(counts?.0 == before)
            #expect(counts?.1 == 4)
            let again = try await TenantryProcess.run(["tenant", "restore", slug, "--to", between, "--json"], environment: env)
            #expect(again.status == 0 && again.standardOutput.contains("\"skipped\":2"), "\(again.standardOutput)\(again.standardError)")
            let badTime = try await TenantryProcess.run(["tenant", "restore", slug, "--to", "yesterday"], environment: env)
            #expect(badTime.status != 0 && badTime.standardError.contains("--to"), "\(badTime.standardError)")
        }
    }

    @Test("tenant forget erases the tenant's name and email in show and history, names what it destroyed, and refuses a missing reason and an unknown tenant in one line")
    func forgetTenant() async throws {
        try await withTestDatabase { database async throws in
            let env = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
            let slug = try await Self.createTenant("Hooli Forgotten", email: "gavin@hooli.example", environment: env).slug

            let noReason = try await TenantryProcess.run(["tenant", "forget", slug], environment: env)
            #expect(noReason.status != 0 && noReason.standardError.split(separator: "\n").count == 1, "\(noReason.standardError)")
            let unknown = try await TenantryProcess.run(["tenant", "forget", "no-such-tenant", "--reason", "erasure request"], environment: env)
            #expect(unknown.status != 0 && unknown.standardError.split(separator: "\n").count == 1, "\(unknown.standardError)")

            let forget = try await TenantryProcess.run(["tenant", "forget", slug, "--reason", "erasure request 9", "--json"], environment: env)
            #expect(forget.status == 0, "\(forget.standardError)")
            let outcome = try #require(try JSONSerialization.jsonObject(with: Data(forget.standardOutput.utf8)) as? [String: Any])
            #expect(outcome["keys"] as? Int == 1 && outcome["scope"] as? String == "tenant")

            let show = try await TenantryProcess.run(["tenant", "show", slug, "--json"], environment: env)
            #expect(show.status == 0 && show.standardOutput.contains("[erased]"), "\(show.standardOutput)")
            #expect(!show.standardOutput.contains("gavin@hooli.example") && !show.standardOutput.contains("Hooli Forgotten"))
            let history = try await TenantryProcess.run(["tenant", "history", slug], environment: env)
            #expect(history.status == 0 && history.standardOutput.contains("TenantPersonalDataForgotten"), "\(history.standardOutput)")
            #expect(!history.standardOutput.contains("gavin@hooli.example"))
        }
    }

    @Test("a pooled tenant offboarded with --keep-pooled-events keeps its rows hidden until tenant purge deletes them; purge refuses a tenant with no verified copy")
    func offboardKeepThenPurge() async throws {
        try await withTestDatabase { database async throws in
            let env = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
            let (tenantID, slug) = try await Self.createTenant("Pied Piper", email: "richard@piper.example", environment: env)
            let application = database.applicationPool(maximumConnections: 1)
            for n in 1...3 {
                try await EventLog(pool: application).append([try NewEvent(type: "Noted", data: ["n": n])], to: "doc-1", tenant: tenantID)
            }
            await application.close()
            func pooledRows() async throws -> [Int] {
                try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                    var counts: [Int] = []
                    for table in ["events", "streams", "snapshots"] {
                        let query = PostgresQuery(
                            unsafeSQL: "SELECT count(*) FROM tenantry.\(table) WHERE tenant_id = $1", bindings: [tenantID.uuidString.lowercased()])
                        counts.append(try await admin.query(query).rows.first?.decode(Int.self) ?? -1)
                    }
                    return counts
                }
            }

            let early = try await TenantryProcess.run(["tenant", "purge", slug, "--reason", "too soon"], environment: env)
            #expect(early.status == 65)
            #expect(early.standardError.split(separator: "\n").count == 1 && early.standardError.contains("no verified copy"), "\(early.standardError)")
            #expect(try await pooledRows() == [3, 1, 0])

            let export = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-keep-\(UUID()).jsonl")
            defer { try? FileManager.default.removeItem(at: export) }
            let offboard = try await TenantryProcess.run(
                ["tenant", "offboard", slug, "--export", export.path, "--reason", "contract ended", "--keep-pooled-events"], environment: env)
            #expect(offboard.status == 0, "\(offboard.standardError)")
            #expect(!offboard.standardOutput.contains("purged"))
            #expect(try String(contentsOf: export, encoding: .utf8).components(separatedBy: "\"Noted\"").count - 1 == 3)
            // Kept, but retired: the operator no longer sees them.
            #expect(try await pooledRows() == [3, 1, 0])
            let operatorSees = try await PostgresConnection.withConnection(database.operatorConfiguration) { connection in
                try await connection.query("SELECT count(*) FROM tenantry.events WHERE tenant_id = \(tenantID)").rows.first?.decode(Int.self)
            }
            #expect(operatorSees == 0)

            let purge = try await TenantryProcess.run(["tenant", "purge", slug, "--reason", "retention over", "--json"], environment: env)
            #expect(purge.status == 0, "\(purge.standardError)")
            let receipt = try #require(try JSONSerialization.jsonObject(with: Data(purge.standardOutput.utf8)) as? [String: Any])
            #expect(receipt["events"] as? Int == 3 && receipt["streams"] as? Int == 1)
            #expect(try await pooledRows() == [0, 0, 0])
            let again = try await TenantryProcess.run(["tenant", "purge", slug, "--reason", "retention over"], environment: env)
            #expect(again.status == 0, "\(again.standardError)")
            #expect(again.standardOutput.contains("0 events"))
            let history = try await TenantryProcess.run(["tenant", "history", slug], environment: env)
            #expect(history.standardOutput.components(separatedBy: "TenantPooledEventsPurged").count - 1 == 1, "\(history.standardOutput)")
        }
    }

    @Test("tenant worker finishes a tenant whose create was killed, by itself, and stops cleanly on SIGTERM")
    func workerFinishesPendingTenants() async throws {
        try await withTestDatabase { database async throws in
            let env = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
            let name = "Pending \(UUID().uuidString.prefix(6))"
            let create = try TenantryProcess.start(
                ["tenant", "create", name, "--email", "a@pending.example"],
                environment: env.merging(["TENANTRY_PROVISIONING_PAUSE_BEFORE": "allocateStorage"]) { $1 }
            )
            try await waitUntil("provisioning paused") { create.standardError.contains("paused before allocateStorage") }
            create.signal(SIGKILL)
            _ = try await create.finish()

            let worker = try TenantryProcess.start(["tenant", "worker"], environment: env)
            try await waitUntil("the worker provisioned the tenant") {
                try await PostgresConnection.withConnection(database.operatorConfiguration) { connection in
                    try await connection.query(
                        "SELECT count(*) FROM tenantry.events WHERE event_type = 'TenantProvisioned'"
                    ).rows.first?.decode(Int.self) == 1
                }
            }
            // SIGTERM, as systemd and Kubernetes stop it: a clean stop at its checkpoint, exit 0.
            worker.signal(SIGTERM)
            let stopped = try await worker.finish(timeout: .seconds(30))
            #expect(stopped.status == 0, "worker: \(stopped.standardError)")
            #expect(stopped.standardError.contains("tenant worker stopped"))
            let checkpoint = try await PostgresConnection.withConnection(database.operatorConfiguration) { connection in
                try await connection.query(
                    "SELECT count(*) FROM tenantry.checkpoints WHERE subscription = 'provisioning-saga'"
                ).rows.first?.decode(Int.self)
            }
            #expect(checkpoint == 1, "the runner's checkpoint was saved")
            let list = try await TenantryProcess.run(["tenant", "list", "--json"], environment: env)
            #expect(list.standardOutput.contains(#""state":"active""#))
        }
    }
}
