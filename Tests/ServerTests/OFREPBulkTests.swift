import FeatureFlags
import Foundation
import TenantryServer
import Testing

@Suite("OFREP bulk evaluation with ETag and If-None-Match", .validatesOFREPResponses)
struct OFREPBulkTests {
    @Test("every active flag in one 200, by key, with a strong ETag of the body")
    func bulkEvaluatesEveryActiveFlag() async throws {
        try await withTestServer { server in
            let key = server.apiKey
            try await server.define(Flag(key: FlagKey("b-flag"), type: .string, variants: ["x": "X"], defaultVariant: "x"))
            try await server.define(Flag(key: FlagKey("a-flag"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off", isEnabled: false))
            try await server.define(Flag(key: FlagKey("gone"), type: .integer, variants: ["one": 1], defaultVariant: "one"))
            try await server.change { try await $0.archive(FlagKey("gone"), by: TestServer.change) }

            let response = try await server.evaluateAll(context: #"{"targetingKey":"user-1"}"#, apiKey: key, label: "bulk 200")
            #expect(response.status == 200, "\(response.text)")
            #expect(response.header("Content-Type") == "application/json")
            let keyID = try #require(server.tenant.apiKeys.keys.first)
            let token = OFREPEventStreamToken.issue(tenantID: server.tenant.id, keyID: keyID, secrets: server.server.configuration.streamTokenSecrets)
            #expect(response.text == #"{"eventStreams":[{"endpoint":{"requestUri":"/ofrep/v1/event-stream?token=\#(token)"},"type":"sse"}],"flags":[{"key":"a-flag","reason":"DISABLED","value":false,"variant":"off"},{"key":"b-flag","reason":"STATIC","value":"X","variant":"x"}]}"#)
            let tag = try #require(response.header("ETag"))
            #expect(tag.hasPrefix("\"") && tag.hasSuffix("\"") && !tag.hasPrefix("W/"), "a strong, quoted ETag: \(tag)")

            let again = try await server.evaluateAll(context: #"{"targetingKey":"user-1"}"#, apiKey: key, label: "bulk 200 again")
            #expect(again.header("ETag") == tag)
            #expect(again.body == response.body)
        }
    }

    @Test("If-None-Match with the current ETag (exact, weak, in a list, or *) gives 304 with no body; another gives 200")
    func notModified() async throws {
        try await withTestServer { server in
            let key = server.apiKey
            try await server.define(Flag(key: FlagKey("theme"), type: .string, variants: ["light": "light"], defaultVariant: "light"))
            let first = try await server.evaluateAll(apiKey: key, label: "bulk for ETag")
            let tag = try #require(first.header("ETag"))

            for ifNoneMatch in [tag, "W/\(tag)", #""stale", \#(tag)"#, "\"a,b\" ,W/\(tag)", "*"] {
                let response = try await server.evaluateAll(apiKey: key, headers: [("If-None-Match", ifNoneMatch)], label: "304 \(ifNoneMatch)")
                #expect(response.status == 304, "If-None-Match: \(ifNoneMatch)")
                #expect(response.body.isEmpty)
                #expect(response.header("ETag") == tag)
            }
            for ifNoneMatch in [#""stale""#, "W/\"stale\"", "garbage"] {
                let response = try await server.evaluateAll(apiKey: key, headers: [("If-None-Match", ifNoneMatch)], label: "200 \(ifNoneMatch)")
                #expect(response.status == 200, "If-None-Match: \(ifNoneMatch)")
                #expect(response.header("ETag") == tag)
            }
        }
    }

    @Test("a flag change gives a new ETag, so the old one no longer matches")
    func etagChangesWithFlags() async throws {
        try await withTestServer { server in
            let key = server.apiKey
            try await server.define(Flag(key: FlagKey("checkout-v2"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "on"))
            let before = try await server.evaluateAll(apiKey: key, label: "bulk before change")
            let oldTag = try #require(before.header("ETag"))

            try await server.change { try await $0.setEnabled(FlagKey("checkout-v2"), false, by: TestServer.change) }
            let after = try await server.evaluateAll(apiKey: key, headers: [("If-None-Match", oldTag)], label: "bulk after change")
            #expect(after.status == 200)
            let newTag = try #require(after.header("ETag"))
            #expect(newTag != oldTag)
            #expect(after.text.contains(#""reason":"DISABLED""#))

            let cached = try await server.evaluateAll(apiKey: key, headers: [("If-None-Match", newTag)], label: "304 after change")
            #expect(cached.status == 304)
        }
    }
}
