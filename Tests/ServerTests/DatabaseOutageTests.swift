import FeatureFlags
import Foundation
import HTTPTestSupport
import TestSupport
import Testing

@Suite("While the database is away: 503 with Retry-After, never 500; flags keep being served")
struct DatabaseOutageTests {
    @Test("signups and tenant writes answer 503 database-unavailable with Retry-After; OFREP answers from memory; all work again once it is back")
    func outageAnswers503() async throws {
        try await withTestServer { server in
            try await server.define(Flag(key: FlagKey("outage-flag"), type: .boolean, variants: ["on": true], defaultVariant: "on"))
            try await server.database.refuseConnections(true)

            let signup = try await server.signup(email: "ops@outage.example", organization: "Outage \(UUID().uuidString.prefix(6))")
            Self.expectDatabaseUnavailable(signup, "POST /v1/signup")

            let newKey = try await server.client.post("/v1/tenant/api-keys", json: #"{"label":"during the outage"}"#, apiKey: server.apiKey)
            Self.expectDatabaseUnavailable(newKey, "POST /v1/tenant/api-keys")

            let form = try await SignupPageTests.postForm(server, [("email", "web@outage.example"), ("organization", "Outage Web"), ("idempotencyKey", UUID().uuidString)])
            #expect(form.status == 503, "the form: \(form.text)")
            #expect(form.header("Retry-After") != nil)
            #expect(form.header("Content-Type")?.hasPrefix("text/html") == true)

            let evaluation = try await server.client.post("/ofrep/v1/evaluate/flags/outage-flag", json: #"{"context":{}}"#, apiKey: server.apiKey)
            #expect(evaluation.status == 200, "OFREP during the outage: \(evaluation.text)")

            try await server.database.refuseConnections(false)
            let after = try await server.signup(email: "ops@outage.example", organization: "Outage After \(UUID().uuidString.prefix(6))")
            #expect(after.status == 202, "after the outage: \(after.text)")
        }
    }

    static func expectDatabaseUnavailable(_ response: HTTPTestClient.Response, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 503, "\(what): \(response.text)", sourceLocation: sourceLocation)
        #expect(response.header("Retry-After") == "5", "\(what)", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/problem+json", "\(what)", sourceLocation: sourceLocation)
        #expect(response.jsonObject?["type"] as? String == "https://tenantry.dev/problems/database-unavailable", "\(what)", sourceLocation: sourceLocation)
    }
}
