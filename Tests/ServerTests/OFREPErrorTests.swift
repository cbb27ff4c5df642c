import EventStore
import FeatureFlags
import Foundation
import Testing

@Suite("OFREP errors: 400 and 404 in the specification's shapes", .validatesOFREPResponses)
struct OFREPErrorTests {
    struct BadRequest: Sendable, CustomTestStringConvertible {
        let label: String
        let body: String
        let errorCode: String
        /// Words the error details must contain (they say what was wrong).
        let mentions: String
        var testDescription: String { label }
    }

    static let badRequests: [BadRequest] = [
        BadRequest(label: "malformed JSON", body: #"{"context": {"#, errorCode: "PARSE_ERROR", mentions: "not valid JSON"),
        BadRequest(label: "empty body", body: "", errorCode: "PARSE_ERROR", mentions: "not valid JSON"),
        BadRequest(label: "body not an object", body: "[1,2]", errorCode: "PARSE_ERROR", mentions: "not array"),
        BadRequest(label: "no context", body: #"{"ctx": {}}"#, errorCode: "INVALID_CONTEXT", mentions: "no \"context\""),
        BadRequest(label: "context not an object", body: #"{"context": "user-1"}"#, errorCode: "INVALID_CONTEXT", mentions: "not string"),
        BadRequest(label: "reserved tenant.plan", body: #"{"context": {"tenant.plan": "enterprise"}}"#, errorCode: "INVALID_CONTEXT", mentions: "tenant.plan"),
        BadRequest(label: "reserved tenant", body: #"{"context": {"tenant": {"plan": "enterprise"}}}"#, errorCode: "INVALID_CONTEXT", mentions: "reserved"),
        BadRequest(label: "numeric targetingKey", body: #"{"context": {"targetingKey": 42}}"#, errorCode: "INVALID_CONTEXT", mentions: "targetingKey must be a string"),
    ]

    @Test("requests that cannot be evaluated: 400 with PARSE_ERROR or INVALID_CONTEXT, for one flag (with its key) and in bulk")
    func badRequestsAreRefused() async throws {
        try await withTestServer { server in
            let key = server.apiKey
            try await server.define(Flag(key: FlagKey("checkout"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "on"))
            for bad in Self.badRequests {
                let single = try await server.evaluate("checkout", body: bad.body, apiKey: key, label: "400 \(bad.label)")
                #expect(single.status == 400, "\(bad.label): \(single.text)")
                let object = try #require(single.jsonObject, "\(bad.label): \(single.text)")
                #expect(object["key"] as? String == "checkout", "\(bad.label)")
                #expect(object["errorCode"] as? String == bad.errorCode, "\(bad.label)")
                #expect((object["errorDetails"] as? String)?.contains(bad.mentions) == true, "\(bad.label): \(single.text)")

                let bulk = try await server.evaluateAll(body: bad.body, apiKey: key, label: "bulk 400 \(bad.label)")
                #expect(bulk.status == 400, "\(bad.label): \(bulk.text)")
                let bulkObject = try #require(bulk.jsonObject, "\(bad.label): \(bulk.text)")
                #expect(bulkObject["key"] == nil)
                #expect(bulkObject["errorCode"] as? String == bad.errorCode, "\(bad.label)")
                #expect(bulk.header("ETag") == nil)
            }
        }
    }

    @Test("a rollout by an attribute the context lacks: 400 TARGETING_KEY_MISSING, and the same item error in bulk")
    func targetingKeyMissing() async throws {
        try await withTestServer { server in
            let key = server.apiKey
            try await server.define(Flag(
                key: FlagKey("by-email"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
                rollout: .percentage(50, of: "on", bucketBy: "email")
            ))
            let missing = try await server.evaluate("by-email", context: #"{"targetingKey":"u1"}"#, apiKey: key, label: "TARGETING_KEY_MISSING")
            #expect(missing.status == 400)
            #expect(missing.jsonObject?["key"] as? String == "by-email")
            #expect(missing.jsonObject?["errorCode"] as? String == "TARGETING_KEY_MISSING")
            #expect((missing.jsonObject?["errorDetails"] as? String)?.contains("email") == true)

            let present = try await server.evaluate("by-email", context: #"{"email":"ada@example.com"}"#, apiKey: key, label: "bucketBy present")
            #expect(present.status == 200)
            // In the rolled-out half: SPLIT; else the default, DEFAULT sent as UNKNOWN.
            let rolledOut = FlagBucketing.bucket(flagKey: "by-email", value: "ada@example.com", totalWeight: 100) < 50
            #expect(present.jsonObject?["reason"] as? String == (rolledOut ? "SPLIT" : "UNKNOWN"))

            let bulk = try await server.evaluateAll(context: #"{"targetingKey":"u1"}"#, apiKey: key, label: "bulk TARGETING_KEY_MISSING item")
            #expect(bulk.status == 200)
            let items = try #require(bulk.jsonObject?["flags"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["key"] as? String == "by-email")
            #expect(items.first?["errorCode"] as? String == "TARGETING_KEY_MISSING")
            #expect(items.first?["value"] == nil)
        }
    }

    @Test("an unknown or archived flag: 404 FLAG_NOT_FOUND with its key")
    func flagNotFound() async throws {
        try await withTestServer { server in
            let key = server.apiKey
            let unknown = try await server.evaluate("no-such-flag", apiKey: key, label: "404 unknown flag")
            #expect(unknown.status == 404)
            #expect(unknown.header("Content-Type") == "application/json")
            #expect(unknown.text == #"{"errorCode":"FLAG_NOT_FOUND","errorDetails":"flag \"no-such-flag\" was not found","key":"no-such-flag"}"#)

            try await server.define(Flag(key: FlagKey("retired"), type: .boolean, variants: ["on": true], defaultVariant: "on"))
            #expect(try await server.evaluate("retired", apiKey: key, label: "before archive").status == 200)
            try await server.change { try await $0.archive(FlagKey("retired"), by: TestServer.change) }
            let archived = try await server.evaluate("retired", apiKey: key, label: "404 archived flag")
            #expect(archived.status == 404)
            #expect(archived.jsonObject?["errorCode"] as? String == "FLAG_NOT_FOUND")
            #expect(archived.jsonObject?["key"] as? String == "retired")
        }
    }
}
