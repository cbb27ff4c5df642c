import EventStore
import Foundation
import Provisioning
import Tenantry
import Testing

@Suite("Admin API: tenants", .serialized)
struct AdminTenantRoutesTests {
    @Test("POST /v1/admin/tenants provisions a tenant: 201 with it and its first key, which works over OFREP; the admin is the actor")
    func create() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            let answer = try await server.call(.POST, "/v1/admin/tenants", #"{"organization":"Pied Piper","email":"richard@piedpiper.example","plan":"pro","idempotencyKey":"pp-1"}"#)
            let body = server.expect(201, answer)
            let tenant = try #require(body["tenant"] as? [String: Any])
            let slug = try #require(tenant["slug"] as? String)
            #expect(slug == "pied-piper")
            #expect(tenant["state"] as? String == "active")
            #expect(tenant["plan"] as? String == "pro")
            #expect(answer.response.header("Location") == "/v1/admin/tenants/pied-piper")
            let key = try #require(body["apiKey"] as? String)
            #expect(key.hasPrefix("tnt_"))
            #expect(try await server.lastActor(of: "tenant-\(try #require(tenant["id"] as? String))") != nil)
            let registered = try await server.runtime.tenants.history(of: slug).first
            #expect(registered?.type == "TenantRegistered")
            #expect(registered?.metadata.actor == "admin:tests")

            #expect(await server.views.directory.waitUntil(timeout: .conditionDeadline) { $0.authenticate(apiKey: key)?.tenant.status == .active })
            let ofrep = try await server.client.post("/ofrep/v1/evaluate/flags", json: #"{"context":{}}"#, apiKey: key)
            #expect(ofrep.status == 200, "\(ofrep.text)")

            // The same idempotency key returns the first tenant, without its key.
            let retry = try await server.call(.POST, "/v1/admin/tenants", #"{"organization":"Pied Piper","email":"richard@piedpiper.example","plan":"pro","idempotencyKey":"pp-1"}"#)
            let again = server.expect(200, retry)
            #expect((again["tenant"] as? [String: Any])?["id"] as? String == tenant["id"] as? String)
            #expect(again["apiKey"] is NSNull)
        }
    }

    /// Signups the API refuses, and the field each refusal names.
    static let badSignups: [(body: String, field: String)] = [
        (#"{"email":"a@b.example"}"#, "organization"),
        (#"{"organization":"X"}"#, "email"),
        (#"{"organization":"X","email":"not-an-email"}"#, "email"),
        (#"{"organization":"","email":"a@b.example"}"#, "organization"),
        (#"{"organization":"X","email":"a@b.example","plan":"gold"}"#, "plan"),
        (#"{"organization":"X","email":"a@b.example","plan":7}"#, "plan"),
        (#"{"organization":"X","email":"a@b.example","clusterURL":"postgresql://db.example/x"}"#, "clusterURL"),
        (#"{"organization":"X","email":"a@b.example","plan":"enterprise","clusterURL":"postgresql://u:secret@db.example/x"}"#, "clusterURL"),
        (#"{"organization":"X","email":"a@b.example","idempotencyKey":"no spaces"}"#, "idempotencyKey"),
        (#"{"organization":"X","email":"a@b.example","isolation":"shared"}"#, "isolation"),
        (#"{"organization":"X","email":"a@b.example","isolation":7}"#, "isolation"),
        (#"{"organization":"X","email":"a@b.example","plan":"enterprise","isolation":"pooled"}"#, "isolation"),
        (#"{"organization":"X","email":"a@b.example","isolation":"pooled","clusterURL":"postgresql://db.example/x"}"#, "clusterURL"),
        (#"{"organization":"X","email":"a@b.example","plan":"enterprise","clusterURL":""}"#, "clusterURL"),
        (#"{"organization":"X","email":"a@b.example","plan":"enterprise","clusterURL":"   "}"#, "clusterURL"),
        (#"{"organization":"X","email":"a@b.example","plan":"enterprise","clusterURL":"host=db.example dbname=x"}"#, "clusterURL"),
        (#"{"organization":"X","email":"a@b.example","plan":"enterprise","clusterURL":"postgresql:///x"}"#, "clusterURL"),
        (#"{"organization":"X","email":"a@b.example","plan":"enterprise","clusterURL":"postgresql://db.example"}"#, "clusterURL"),
        (#"{"organization":"X","email":"a@b.example","plan":"enterprise","clusterURL":"https://db.example/x"}"#, "clusterURL"),
        (#"{"organization":"X","email":"a@b.example","cell":"Bad Cell"}"#, "cell"),
        (#"{"organization":"X","email":"a@b.example","cell":7}"#, "cell"),
        (#"{"organization":"X","email":"a@b.example","plan":"enterprise","cell":"b"}"#, "cell"),
        (#"{"organization":"X","email":"a@b.example","isolation":"dedicated","cell":"b"}"#, "cell"),
    ]

    @Test("POST /v1/admin/tenants takes isolation as tenant create --isolation does: a pro tenant in a dedicated database")
    func createWithIsolation() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            let answer = try await server.call(
                .POST, "/v1/admin/tenants", #"{"organization":"Isolated Co","email":"ops@isolated.example","plan":"pro","isolation":"dedicated"}"#
            )
            let body = server.expect(201, answer)
            let tenant = try #require(body["tenant"] as? [String: Any])
            #expect(tenant["plan"] as? String == "pro")
            #expect(tenant["isolation"] as? String == "dedicated")
            let slug = try #require(tenant["slug"] as? String)
            #expect(try await server.runtime.tenants.tenant(slug).isolation == .dedicated)

            let pooled = server.expect(201, try await server.call(
                .POST, "/v1/admin/tenants", #"{"organization":"Pooled Co","email":"ops@pooled.example","plan":"pro"}"#
            ))
            #expect((pooled["tenant"] as? [String: Any])?["isolation"] as? String == "pooled")
        }
    }

    @Test("bad signups are 400 naming the field, and register nothing")
    func badSignups() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            for (body, field) in Self.badSignups {
                let answer = try await server.call(.POST, "/v1/admin/tenants", body)
                server.expect(400, answer)
                #expect(answer.problemType == "invalid-request", "\(body)")
                #expect(answer.field == field, "\(body): \(answer.text)")
            }
            #expect(try await server.runtime.tenants.list(state: nil, plan: nil).isEmpty)
        }
    }

    @Test("a body that is not a JSON object is 400, and a failed provisioning is 422 provisioning-failed naming the step")
    func malformedAndFailed() async throws {
        try await withAdminServer(tenants: [], failingOrganization: "Doomed") { server async throws in
            for body in ["", "[1]", "{not json"] {
                let answer = try await server.call(.POST, "/v1/admin/tenants", body)
                #expect(answer.status == 400, "\(body): \(answer.text)")
                #expect(answer.problemType == "invalid-request")
            }
            let failed = try await server.call(.POST, "/v1/admin/tenants", #"{"organization":"Doomed Inc","email":"a@doomed.example"}"#)
            server.expect(422, failed)
            #expect(failed.problemType == "provisioning-failed")
            #expect((failed.json["reason"] as? String)?.contains("injected failure") == true)
            #expect(try await server.runtime.tenants.list(state: "failed", plan: nil).count == 1)
        }
    }

    @Test("POST /v1/admin/tenants/{slug}/retry provisions a failed tenant again once its cause is fixed; refusals are problems")
    func retry() async throws {
        try await withAdminServer(tenants: ["Acme"], failingOrganization: "Doomed") { server async throws in
            let failed = try await server.call(.POST, "/v1/admin/tenants", #"{"organization":"Doomed Inc","email":"a@doomed.example"}"#)
            server.expect(422, failed)
            let slug = try #require(failed.json["tenant"] as? String)

            // The cause not fixed yet: it fails again, recorded, answered 422.
            let again = try await server.call(.POST, "/v1/admin/tenants/\(slug)/retry", #"{"reason":"one more time"}"#)
            server.expect(422, again)
            #expect(again.problemType == "provisioning-failed")
            #expect((again.json["reason"] as? String)?.contains("injected failure") == true)

            // Fixed: active, same slug, a new first key shown once.
            server.expect(200, try await server.call(.POST, "/v1/admin/tenants/\(slug)/attributes", #"{"set":{"fixed":true}}"#))
            let retried = server.expect(200, try await server.call(.POST, "/v1/admin/tenants/\(slug)/retry", #"{"reason":"cause fixed"}"#))
            let tenant = try #require(retried["tenant"] as? [String: Any])
            #expect(tenant["state"] as? String == "active")
            #expect(tenant["slug"] as? String == slug)
            #expect(tenant["failureReason"] is NSNull)
            #expect((retried["apiKey"] as? String)?.hasPrefix("tnt_") == true)
            let idText = try #require(tenant["id"] as? String)
            let id = try #require(UUID(uuidString: idText))
            let history = try await server.runtime.tenants.lifecycle.history(id)
            let retriedEvent = try #require(history.last { $0.type == "TenantProvisioningRetried" })
            #expect(retriedEvent.metadata.actor == "admin:tests")
            #expect(retriedEvent.metadata.reason == "cause fixed")

            // Not failed: 409; unknown: 404; a reason that says nothing: 400 naming it.
            let refused = try await server.call(.POST, "/v1/admin/tenants/\(slug)/retry")
            server.expect(409, refused)
            #expect(refused.problemType == "invalid-transition")
            server.expect(404, try await server.call(.POST, "/v1/admin/tenants/no-such-tenant/retry"))
            let blank = try await server.call(.POST, "/v1/admin/tenants/\(slug)/retry", #"{"reason":""}"#)
            server.expect(400, blank)
            #expect(blank.field == "reason")
            server.expect(405, try await server.call(.GET, "/v1/admin/tenants/\(slug)/retry"))
        }
    }

    @Test("POST /v1/admin/tenants with a cluster nothing listens on is 422 provisioning-failed (recorded), never 500, and an empty clusterURL is 400")
    func unreachableCluster() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            let empty = try await server.call(
                .POST, "/v1/admin/tenants", #"{"organization":"Far Bank","email":"it@far.example","plan":"enterprise","clusterURL":""}"#
            )
            server.expect(400, empty)
            #expect(empty.field == "clusterURL")
            let answer = try await server.call(
                .POST, "/v1/admin/tenants",
                #"{"organization":"Far Bank","email":"it@far.example","plan":"enterprise","clusterURL":"postgresql://127.0.0.1:1/x"}"#
            )
            server.expect(422, answer)
            #expect(answer.problemType == "provisioning-failed")
            #expect((answer.json["reason"] as? String)?.hasPrefix("allocateStorage: the tenant's cluster could not be reached") == true, "\(answer.text)")
            let slug = try #require(answer.json["tenant"] as? String)
            let shown = server.expect(200, try await server.call(.GET, "/v1/admin/tenants/\(slug)"))
            #expect(shown["state"] as? String == "failed")
            #expect(shown["compensationsOwed"] as? [String] == ["allocateStorage"])
        }
    }

    @Test("GET /v1/admin/tenants lists the registry, filtered by state and plan; bad filters are 400 naming them")
    func list() async throws {
        try await withAdminServer(tenants: ["Acme", "Globex"]) { server async throws in
            let all = server.expect(200, try await server.call(.GET, "/v1/admin/tenants"))
            let slugs = Set(((all["tenants"] as? [[String: Any]]) ?? []).compactMap { $0["slug"] as? String })
            #expect(slugs == Set(server.tenants.map(\.tenant.slug)))

            _ = try await server.runtime.tenants.suspend(server.tenants[1].tenant.slug, reason: "unpaid", actor: "test")
            let active = server.expect(200, try await server.call(.GET, "/v1/admin/tenants?state=active&plan=trial"))
            #expect(((active["tenants"] as? [[String: Any]]) ?? []).compactMap { $0["slug"] as? String } == [server.tenants[0].tenant.slug])
            let none = server.expect(200, try await server.call(.GET, "/v1/admin/tenants?plan=pro"))
            #expect((none["tenants"] as? [Any])?.isEmpty == true)

            for (query, field) in [("state=sleeping", "state"), ("plan=gold", "plan")] {
                let answer = try await server.call(.GET, "/v1/admin/tenants?\(query)")
                server.expect(400, answer)
                #expect(answer.field == field)
            }
        }
    }

    @Test("GET a tenant by slug or id and its history; an unknown one is 404 not-found")
    func showAndHistory() async throws {
        try await withAdminServer { server async throws in
            let tenant = server.tenants[0].tenant
            for name in [tenant.slug, tenant.id.uuidString.lowercased()] {
                let shown = server.expect(200, try await server.call(.GET, "/v1/admin/tenants/\(name)"))
                #expect(shown["slug"] as? String == tenant.slug)
                #expect(shown["state"] as? String == "active")
                #expect((shown["apiKeys"] as? [[String: Any]])?.count == 1)
                #expect(shown["apiKeys"].map { "\($0)" }?.contains("sha256") == false)
            }
            let history = server.expect(200, try await server.call(.GET, "/v1/admin/tenants/\(tenant.slug)/history"))
            let events = try #require(history["events"] as? [[String: Any]])
            #expect(events.first?["type"] as? String == "TenantRegistered")
            #expect(events.map { $0["version"] as? Int } == Array(1...events.count).map { Optional($0) })
            #expect(history["next"] is NSNull)

            // The key's hash is recorded, and never leaves the control plane.
            let recorded = try await server.runtime.tenants.history(of: tenant.slug)
            let issued = try #require(recorded.first { $0.type == "APIKeyIssued" })
            #expect(issued.dataJSON.contains("sha256"))
            let issuedOverHTTP = try #require(events.first { $0["type"] as? String == "APIKeyIssued" })
            let issuedData = try #require(issuedOverHTTP["data"] as? [String: Any])
            #expect(issuedData["sha256"] == nil)
            #expect(issuedData["keyId"] as? String != nil)
            let body = try await server.call(.GET, "/v1/admin/tenants/\(tenant.slug)/history").response.text
            #expect(!body.contains("sha256"))

            // Pages of two, as the tenant's own trail pages: `next` is the `after` of the next page.
            var versions: [Int] = []
            var after = 0
            while true {
                let page = server.expect(200, try await server.call(.GET, "/v1/admin/tenants/\(tenant.slug)/history?after=\(after)&limit=2"))
                let pageEvents = try #require(page["events"] as? [[String: Any]])
                #expect(pageEvents.count <= 2)
                versions += pageEvents.compactMap { $0["version"] as? Int }
                guard let next = page["next"] as? Int else { break }
                after = next
            }
            #expect(versions == Array(1...events.count))
            for query in ["limit=0", "limit=501", "after=-1", "after=x"] {
                let refused = try await server.call(.GET, "/v1/admin/tenants/\(tenant.slug)/history?\(query)")
                server.expect(400, refused)
                #expect(refused.problemType == "invalid-request")
            }

            for path in ["/v1/admin/tenants/nobody", "/v1/admin/tenants/nobody/history"] {
                let answer = try await server.call(.GET, path)
                server.expect(404, answer)
                #expect(answer.problemType == "not-found")
                #expect(answer.json["resource"] as? String == "tenant")
            }
        }
    }

    @Test("suspend and resume need a reason, record it with the admin as actor, and refuse what the state does not allow with 409")
    func suspendAndResume() async throws {
        try await withAdminServer { server async throws in
            let slug = server.tenants[0].tenant.slug
            for body in [nil, "{}", #"{"reason":"  "}"#] as [String?] {
                let answer = try await server.call(.POST, "/v1/admin/tenants/\(slug)/suspend", body)
                server.expect(400, answer)
                #expect(answer.field == "reason")
            }
            let suspended = server.expect(200, try await server.call(.POST, "/v1/admin/tenants/\(slug)/suspend", #"{"reason":"unpaid invoice 1042"}"#))
            #expect(suspended["state"] as? String == "suspended")
            let last = try await server.runtime.tenants.history(of: slug).last
            #expect(last?.type == "TenantSuspended")
            #expect(last?.metadata.actor == "admin:tests")
            #expect(last?.metadata.reason == "unpaid invoice 1042")

            let twice = try await server.call(.POST, "/v1/admin/tenants/\(slug)/suspend", #"{"reason":"again"}"#)
            server.expect(409, twice)
            #expect(twice.problemType == "invalid-transition")
            #expect(Set(twice.json.keys) == ProblemShapes.invalidTransition)
            #expect(twice.json["state"] as? String == "suspended")

            let resumed = server.expect(200, try await server.call(.POST, "/v1/admin/tenants/\(slug)/resume", #"{"reason":"paid"}"#))
            #expect(resumed["state"] as? String == "active")
            let again = try await server.call(.POST, "/v1/admin/tenants/\(slug)/resume", #"{"reason":"paid"}"#)
            server.expect(409, again)
            #expect(try await server.call(.POST, "/v1/admin/tenants/nobody/suspend", #"{"reason":"x"}"#).status == 404)
        }
    }

    @Test("plan changes: to another plan of the same isolation; the same plan 409 plan-unchanged (as in the tenant API); the trial or another isolation 422; a bad plan 400")
    func changePlan() async throws {
        try await withAdminServer { server async throws in
            let slug = server.tenants[0].tenant.slug
            let moved = server.expect(200, try await server.call(.POST, "/v1/admin/tenants/\(slug)/plan", #"{"plan":"pro","reason":"upgraded"}"#))
            #expect(moved["plan"] as? String == "pro")
            #expect(moved["trialEndsAt"] is NSNull)
            let unchanged = try await server.call(.POST, "/v1/admin/tenants/\(slug)/plan", #"{"plan":"pro"}"#)
            server.expect(409, unchanged)
            #expect(unchanged.problemType == "plan-unchanged")
            #expect(Set(unchanged.json.keys) == ProblemShapes.planUnchanged)
            #expect(unchanged.json["plan"] as? String == "pro")
            for plan in ["trial", "enterprise"] {
                let answer = try await server.call(.POST, "/v1/admin/tenants/\(slug)/plan", #"{"plan":"\#(plan)"}"#)
                server.expect(422, answer)
                #expect(answer.problemType == "plan-not-allowed", "\(plan)")
                // The members the tenant API's plan-not-allowed has too: one shape per type.
                #expect(Set(answer.json.keys) == ProblemShapes.planNotAllowed, "\(plan)")
                #expect(answer.json["selfServePlans"] as? [String] == ["free", "pro"])
            }
            for (body, field) in [(#"{"plan":"gold"}"#, "plan"), ("{}", "plan"), (#"{"plan":"free","reason":""}"#, "reason")] {
                let answer = try await server.call(.POST, "/v1/admin/tenants/\(slug)/plan", body)
                server.expect(400, answer)
                #expect(answer.field == field, "\(body)")
            }
            #expect(try await server.runtime.tenants.tenant(slug).plan == .pro)
        }
    }

    @Test("attributes: set and remove custom attributes; reserved or malformed names and values are 400 naming them")
    func attributes() async throws {
        try await withAdminServer { server async throws in
            let slug = server.tenants[0].tenant.slug
            let set = server.expect(200, try await server.call(.POST, "/v1/admin/tenants/\(slug)/attributes", #"{"set":{"region":"eu","seats":250,"beta":true}}"#))
            let attributes = try #require(set["attributes"] as? [String: Any])
            #expect(attributes["region"] as? String == "eu")
            #expect(attributes["seats"] as? Int == 250)
            #expect(attributes["beta"] as? Bool == true)

            let removed = server.expect(200, try await server.call(.POST, "/v1/admin/tenants/\(slug)/attributes", #"{"remove":["beta"],"reason":"pilot over"}"#))
            #expect((removed["attributes"] as? [String: Any])?.keys.sorted() == ["region", "seats"])

            let refusals: [(String, String)] = [
                (#"{"set":{"plan":"enterprise"}}"#, "set.plan"),
                (#"{"set":{"bad name":"x"}}"#, "set.bad name"),
                (#"{"set":{"region":{"nested":1}}}"#, "set.region"),
                (#"{"remove":["ok","no way"]}"#, "remove[1]"),
                (#"{"remove":"region"}"#, "remove"),
            ]
            for (body, field) in refusals {
                let answer = try await server.call(.POST, "/v1/admin/tenants/\(slug)/attributes", body)
                server.expect(400, answer)
                #expect(answer.field == field, "\(body): \(answer.text)")
            }
            #expect(try await server.runtime.tenants.tenant(slug).attributes.keys.sorted() == ["region", "seats"])
        }
    }

    @Test("offboard writes the export in the server's export directory, then offboards; a second offboard is 409")
    func offboard() async throws {
        try await withAdminServer { server async throws in
            let slug = server.tenants[0].tenant.slug
            let answer = server.expect(200, try await server.call(.POST, "/v1/admin/tenants/\(slug)/offboard", #"{"reason":"contract ended"}"#))
            let file = try #require(answer["exportFile"] as? String)
            #expect(file.hasPrefix(server.exportDirectory.path))
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
            #expect(answer["exportedEvents"] as? Int == lines.count)
            #expect(lines.first?.contains("\"TenantRegistered\"") == true)
            #expect((answer["tenant"] as? [String: Any])?["state"] as? String == "offboarded")
            #expect(try await server.runtime.tenants.history(of: slug).last?.metadata.actor == "admin:tests")

            let again = try await server.call(.POST, "/v1/admin/tenants/\(slug)/offboard")
            server.expect(409, again)
            #expect(again.problemType == "invalid-transition")
        }
    }

    @Test("expire-trials ends due trials (none here) and answers which")
    func expireTrials() async throws {
        try await withAdminServer { server async throws in
            let answer = server.expect(200, try await server.call(.POST, "/v1/admin/tenants/expire-trials"))
            #expect((answer["expired"] as? [Any])?.isEmpty == true)
            #expect(try await server.call(.POST, "/v1/admin/tenants/expire-trials", as: .none).status == 401)
        }
    }
}
