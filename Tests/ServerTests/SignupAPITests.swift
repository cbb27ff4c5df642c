import Foundation
import HTTPTestSupport
import NIOHTTP1
import Provisioning
import TestSupport
import Testing

@Suite("Self-serve signup API: POST /v1/signup and GET /v1/signup/{id}")
struct SignupAPITests {
    static let problems = "https://tenantry.dev/problems/"

    @Test("202 with the tenant id, slug, status URL and a 256-bit claim token; the progress reaches active with every step done, the key works")
    func acceptedThenActive() async throws {
        try await withTestServer { server in
            let organization = "Globex \(UUID().uuidString.prefix(6))"
            let response = try await server.signup(email: "hank@globex.example", organization: organization, idempotencyKey: UUID().uuidString)
            let accepted = try SignupAccepted(response)
            let id = try #require(UUID(uuidString: accepted.tenantID))
            #expect(accepted.tenantID == id.uuidString.lowercased())
            #expect(accepted.slug.hasPrefix(Slug.derive(from: organization) + "-"))
            #expect(accepted.status == "provisioning")
            #expect(accepted.statusURL == "/v1/signup/\(accepted.tenantID)")
            #expect(response.header("Location") == accepted.statusURL)
            #expect(response.header("Cache-Control") == "no-store")
            // 32 random bytes as base64url, unpadded.
            #expect(accepted.claimToken.count == 43)
            #expect(accepted.claimToken.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })

            let final = try await server.waitForSignup(accepted.statusURL, claimToken: accepted.claimToken)
            #expect(final["status"] as? String == "active")
            #expect(final["tenantId"] as? String == accepted.tenantID)
            #expect(final["slug"] as? String == accepted.slug)
            #expect(final["organization"] as? String == organization)
            let steps = try #require(final["steps"] as? [[String: Any]])
            #expect(steps.map { $0["step"] as? String } == ProvisioningStep.allCases.map(\.rawValue))
            #expect(steps.allSatisfy { $0["done"] as? Bool == true })
            #expect(final["failureReason"] == nil)
            let key = try #require(final["apiKey"] as? String)
            #expect(key.hasPrefix("tnt_"))
            #expect(final["apiKeyShown"] as? Bool == true)
            let onboarding = try #require(final["onboarding"] as? [[String: Any]])
            let done = Dictionary(uniqueKeysWithValues: onboarding.compactMap { item in (item["id"] as? String).map { ($0, item["done"] as? Bool) } })
            #expect(done["account-created"] == true)
            #expect(done["first-api-key"] == true)
            #expect(done["first-flag-evaluated"] == false)

            // The registry has it, registered by the web signup.
            let history = try await server.runtime.tenants.lifecycle.history(id)
            #expect(history.first?.type == "TenantRegistered")
            #expect(history.first?.metadata.actor == "signup:web")
            // The key is the tenant's, and works at once (the directory already has it).
            #expect(server.views.directory.state.authenticate(apiKey: key)?.tenant.id == id)
            let tenant = try await server.client.send(.GET, "/v1/tenant", headers: [("Authorization", "Bearer \(key)")])
            #expect(tenant.status == 200, "\(tenant.text)")
            #expect(tenant.jsonObject?["id"] as? String == accepted.tenantID)
            #expect(tenant.jsonObject?["name"] as? String == organization)
        }
    }

    @Test("the key is in exactly one answer: later ones say it was shown; HEAD and wrong tokens never take it")
    func keyShownOnce() async throws {
        try await withTestServer { server in
            let accepted = try SignupAccepted(try await server.signup(email: "a@initech.example", organization: "Initech \(UUID().uuidString.prefix(6))"))
            let id = try #require(UUID(uuidString: accepted.tenantID))
            try await server.waitForTenant(id, "active") { $0.status == .active }
            // The key is there to take only once this server's run has ended: wait for that,
            // so the HEAD and the wrong token below are refused a key that is really waiting.
            try await waitUntil("the signup's provisioning run ended") { await server.server.signups.runningCount == 0 }
            // Neither a HEAD request nor a wrong token takes the key.
            let head = try await server.signupStatus(accepted.statusURL, claimToken: accepted.claimToken, method: .HEAD)
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            let wrong = try await server.signupStatus(accepted.statusURL, claimToken: String(accepted.claimToken.reversed()))
            #expect(wrong.status == 404)

            // The first GET after them, at once, is final and carries the key.
            let first = try #require(try await server.signupStatus(accepted.statusURL, claimToken: accepted.claimToken).jsonObject)
            #expect(first["status"] as? String == "active")
            let key = try #require(first["apiKey"] as? String, "\(first)")
            for _ in 0..<2 {
                let again = try #require(try await server.signupStatus(accepted.statusURL, claimToken: accepted.claimToken).jsonObject)
                #expect(again["status"] as? String == "active")
                #expect(again["apiKey"] == nil)
                #expect(again["apiKeyShown"] as? Bool == true)
                #expect(again["apiKeyUnavailable"] == nil)
            }
            // The token also works as ?token= (what the no-JS page uses).
            let byQuery = try await server.client.send(.GET, accepted.statusURL + "?token=" + accepted.claimToken)
            #expect(byQuery.status == 200)
            #expect(byQuery.jsonObject?["apiKey"] == nil)
            #expect(!byQuery.text.contains(key))
        }
    }

    @Test("no claim token, a wrong one, an unknown or malformed id: the same 404 signup-not-found")
    func statusNotFound() async throws {
        try await withTestServer { server in
            let accepted = try SignupAccepted(try await server.signup(email: "a@umbrella.example", organization: "Umbrella \(UUID().uuidString.prefix(6))"))
            let other = try SignupAccepted(try await server.signup(email: "b@umbrella.example", organization: "Umbrella \(UUID().uuidString.prefix(6))"))
            let cases: [(String, String?)] = [
                (accepted.statusURL, nil),
                (accepted.statusURL, "nope"),
                (accepted.statusURL, other.claimToken),  // another signup's token
                ("/v1/signup/\(UUID().uuidString.lowercased())", accepted.claimToken),
                ("/v1/signup/not-a-uuid", accepted.claimToken),
            ]
            var details: Set<String> = []
            for (path, token) in cases {
                let response = try await server.signupStatus(path, claimToken: token)
                #expect(response.status == 404, "\(path) \(token ?? "-"): \(response.text)")
                let problem = try SignupProblem(response)
                #expect(problem.type == Self.problems + "signup-not-found")
                details.insert(problem.detail)
            }
            // Nothing tells an unknown signup from a wrong token.
            #expect(details.count == 1)
            // None of that took the key.
            let final = try await server.waitForSignup(accepted.statusURL, claimToken: accepted.claimToken)
            #expect(final["apiKey"] is String)
        }
    }

    static let invalidBodies: [(label: String, body: String, field: String?)] = [
        ("missing email", #"{"organization":"Acme"}"#, "email"),
        ("email not a string", #"{"email":42,"organization":"Acme"}"#, "email"),
        ("email null", #"{"email":null,"organization":"Acme"}"#, "email"),
        ("bad email", #"{"email":"not-an-email","organization":"Acme"}"#, "email"),
        ("email without a domain dot", #"{"email":"a@localhost","organization":"Acme"}"#, "email"),
        ("missing organization", #"{"email":"a@b.example"}"#, "organization"),
        ("empty organization", #"{"email":"a@b.example","organization":"   "}"#, "organization"),
        ("organization too long", #"{"email":"a@b.example","organization":"\#(String(repeating: "x", count: 101))"}"#, "organization"),
        ("organization with a control character", #"{"email":"a@b.example","organization":"Ac\u0007me"}"#, "organization"),
        ("malformed JSON", #"{"email":"a@b.example","organization":"#, nil),
        ("not an object", #"["a@b.example","Acme"]"#, nil),
        ("empty body", "", nil),
    ]

    // The tables below run against one server each (a server per case would start dozens of
    // servers and databases for one-request checks); each expectation names its case.
    @Test("an invalid body: 400 invalid-request naming the field, and nothing registered")
    func invalidBody() async throws {
        try await withTestServer { server in
            for (label, body, field) in Self.invalidBodies {
                let response = try await server.signup(body: body, idempotencyKey: UUID().uuidString)
                #expect(response.status == 400, "\(label): \(response.text)")
                let problem = try SignupProblem(response)
                #expect(problem.type == Self.problems + "invalid-request", "\(label)")
                #expect(problem.field == field, "\(label): \(problem.detail)")
            }
            #expect(try await server.runtime.tenants.list(state: nil, plan: nil).count == server.tenants.count)
        }
    }

    @Test("unknown members are ignored; the values are trimmed")
    func unknownMembersIgnored() async throws {
        try await withTestServer { server in
            let organization = "Hooli \(UUID().uuidString.prefix(6))"
            let response = try await server.signup(body: #"{"email":" gavin@hooli.example ","organization":"  \#(organization) ","plan":"enterprise","extra":[1]}"#)
            let accepted = try SignupAccepted(response)
            let final = try await server.waitForSignup(accepted.statusURL, claimToken: accepted.claimToken)
            #expect(final["organization"] as? String == organization)
            let id = try #require(UUID(uuidString: accepted.tenantID))
            let tenant = try #require(try await server.runtime.tenants.lifecycle.load(id))
            #expect(tenant.email == "gavin@hooli.example")
            // A signup is always a trial: the body cannot choose a plan.
            #expect(tenant.plan == .trial)
        }
    }

    @Test("an invalid Idempotency-Key: 400 naming the header, nothing registered")
    func invalidIdempotencyKey() async throws {
        try await withTestServer { server in
            for key in [String(repeating: "k", count: 201), "has space", "slash/y", "ключ", "semi;colon", ""] {
                let response = try await server.signup(email: "a@b.example", organization: "Keyed \(UUID().uuidString.prefix(6))", idempotencyKey: key)
                #expect(response.status == 400, "\(key): \(response.text)")
                let problem = try SignupProblem(response)
                #expect(problem.type == Self.problems + "invalid-request", "\(key)")
                #expect(problem.field == "Idempotency-Key", "\(key)")
            }
            #expect(try await server.runtime.tenants.list(state: nil, plan: nil).count == server.tenants.count)
        }
    }

    @Test("the longest Idempotency-Key (200 characters of every allowed kind) is accepted")
    func longestIdempotencyKey() async throws {
        try await withTestServer { server in
            let key = String(String(repeating: "Az09_.:-", count: 25).prefix(200))
            let response = try await server.signup(email: "a@b.example", organization: "Long \(UUID().uuidString.prefix(6))", idempotencyKey: key)
            _ = try SignupAccepted(response)
        }
    }

    @Test("ten concurrent retries with one Idempotency-Key: one tenant, every answer 202 with its id, the claim token in exactly one")
    func concurrentIdempotentRetries() async throws {
        try await withTestServer { server in
            let organization = "Vandelay \(UUID().uuidString.prefix(6))"
            let key = UUID().uuidString
            let responses = try await withThrowingTaskGroup(of: HTTPTestClient.Response.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await server.signup(email: "art@vandelay.example", organization: organization, idempotencyKey: key) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.allSatisfy { $0.status == 202 }, "\(responses.map(\.text))")
            let bodies = responses.compactMap(\.jsonObject)
            #expect(bodies.count == 10)
            #expect(Set(bodies.compactMap { $0["tenantId"] as? String }).count == 1)
            let claims = bodies.compactMap { $0["claimToken"] as? String }
            #expect(claims.count == 1, "only the first answer carries the claim")
            let slugs = Set(bodies.compactMap { $0["slug"] as? String })
            #expect(slugs.count == 1)
            #expect(try await server.registeredTenants(named: organization) == Array(slugs))

            // A replay after provisioning: the same tenant, its state, and still no claim.
            let first = try SignupAccepted(try #require(responses.first { $0.jsonObject?["claimToken"] != nil }))
            let final = try await server.waitForSignup(first.statusURL, claimToken: first.claimToken)
            #expect(final["apiKey"] is String)
            let replay = try await server.signup(email: "art@vandelay.example", organization: organization, idempotencyKey: key)
            #expect(replay.status == 202)
            #expect(replay.jsonObject?["tenantId"] as? String == first.tenantID)
            #expect(replay.jsonObject?["status"] as? String == "active")
            #expect(replay.jsonObject?["claimToken"] == nil)
            #expect(try await server.registeredTenants(named: organization).count == 1)
        }
    }

    @Test("the same Idempotency-Key with another body: 422 idempotency-key-reused naming the key, nothing new registered")
    func idempotencyKeyReused() async throws {
        try await withTestServer { server in
            let organization = "Kramerica \(UUID().uuidString.prefix(6))"
            let key = UUID().uuidString
            let accepted = try SignupAccepted(try await server.signup(email: "k@kramerica.example", organization: organization, idempotencyKey: key))
            for (email, name) in [("other@kramerica.example", organization), ("k@kramerica.example", organization + " Two")] {
                let response = try await server.signup(email: email, organization: name, idempotencyKey: key)
                #expect(response.status == 422, "\(response.text)")
                let problem = try SignupProblem(response)
                #expect(problem.type == Self.problems + "idempotency-key-reused")
                #expect(problem.field == "Idempotency-Key")
                #expect(problem.detail.contains(key))
            }
            _ = try await server.waitForSignup(accepted.statusURL, claimToken: accepted.claimToken)
            #expect(try await server.registeredTenants(named: organization).count == 1)
            #expect(try await server.registeredTenants(named: organization + " Two").isEmpty)
        }
    }

    @Test("without an Idempotency-Key every request is a new signup, each with an unguessable slug")
    func withoutIdempotencyKey() async throws {
        try await withTestServer { server in
            let organization = "Pied Piper \(UUID().uuidString.prefix(6))"
            let first = try SignupAccepted(try await server.signup(email: "r@piedpiper.example", organization: organization))
            let second = try SignupAccepted(try await server.signup(email: "r@piedpiper.example", organization: organization))
            #expect(first.tenantID != second.tenantID)
            // A self-serve slug always ends in a random suffix: it tells nobody which names exist.
            let base = Slug.derive(from: organization)
            #expect(first.slug != second.slug)
            #expect([first.slug, second.slug].allSatisfy { $0.hasPrefix(base + "-") && $0.count == base.count + 7 })
            #expect(first.claimToken != second.claimToken)
            for accepted in [first, second] {
                let final = try await server.waitForSignup(accepted.statusURL, claimToken: accepted.claimToken)
                #expect(final["apiKey"] is String)
            }
        }
    }

    @Test("another content type: 415 unsupported-media-type with Accept-Post; JSON with a charset or a +json type is JSON")
    func contentTypes() async throws {
        try await withTestServer { server in
            for contentType in ["text/plain", "application/x-www-form-urlencoded", "text/json+html", nil] {
                let response = try await server.signup(body: #"{"email":"a@b.example","organization":"Acme"}"#, contentType: contentType)
                #expect(response.status == 415, "\(contentType ?? "none"): \(response.text)")
                let problem = try SignupProblem(response)
                #expect(problem.type == Self.problems + "unsupported-media-type")
                #expect(response.header("Accept-Post") == "application/json")
            }
            for contentType in ["application/json; charset=utf-8", "Application/JSON", "application/vnd.tenantry+json"] {
                let response = try await server.signup(
                    body: #"{"email":"a@b.example","organization":"Typed \#(UUID().uuidString.prefix(6))"}"#, contentType: contentType
                )
                #expect(response.status == 202, "\(contentType): \(response.text)")
            }
        }
    }

    @Test("a body over 64 KiB: 413 content-too-large, nothing registered")
    func bodyTooLarge() async throws {
        try await withTestServer { server in
            let padding = String(repeating: "x", count: 70 * 1024)
            let response = try await server.signup(body: #"{"email":"a@b.example","organization":"Big","pad":"\#(padding)"}"#)
            #expect(response.status == 413)
            let problem = try SignupProblem(response)
            #expect(problem.type == Self.problems + "content-too-large")
            #expect(try await server.runtime.tenants.list(state: nil, plan: nil).count == server.tenants.count)
        }
    }

    @Test("other methods: 405 with Allow")
    func methodNotAllowed() async throws {
        try await withTestServer { server in
            let id = UUID().uuidString.lowercased()
            for (method, path, allow) in [
                (HTTPMethod.GET, "/v1/signup", "POST"), (.PUT, "/v1/signup", "POST"),
                (.POST, "/v1/signup/\(id)", "GET, HEAD"), (.DELETE, "/v1/signup/\(id)", "GET, HEAD"),
            ] {
                let response = try await server.client.send(method, path)
                #expect(response.status == 405, "\(method) \(path): \(response.text)")
                #expect(response.header("Allow") == allow)
                #expect(try SignupProblem(response).type == Self.problems + "method-not-allowed")
            }
        }
    }
}
