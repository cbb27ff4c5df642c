import FeatureFlags
import Foundation
import Testing

@Suite("An OpenFeature SDK with the OFREP provider works against the server unchanged")
struct OpenFeatureSDKTests {
    @Test("Python SDK + OFREPProvider: every flag type with its value, variant and reason; a missing flag, a type the flag does not have and a refused context fall back with their error codes")
    func pythonProvider() async throws {
        try await withTestServer(transport: .socket) { server in
            let key = server.apiKey
            let toggle: [String: JSONValue] = ["on": true, "off": false]
            try await server.define(Flag(
                key: FlagKey("new-checkout"), type: .boolean, variants: toggle, defaultVariant: "off",
                rules: [TargetingRule(name: "beta", condition: .compare(attribute: "email", operator: .endsWith, value: "@beta.example"), variant: "on")]
            ))
            try await server.define(Flag(key: FlagKey("banner"), type: .string, variants: ["winter": "Snow sale", "summer": "Sun sale"], defaultVariant: "winter"))
            try await server.define(Flag(key: FlagKey("seats"), type: .integer, variants: ["few": 5, "many": 500], defaultVariant: "many", rollout: .percentage(100, of: "few")))
            try await server.define(Flag(key: FlagKey("ratio"), type: .double, variants: ["full": 1.0, "half": 0.5], defaultVariant: "full"))
            try await server.define(Flag(key: FlagKey("plan-limits"), type: .object, variants: ["basic": .object(["projects": 3, "sso": false])], defaultVariant: "basic"))
            try await server.define(Flag(key: FlagKey("killed"), type: .boolean, variants: toggle, defaultVariant: "off", isEnabled: false))

            let evaluations: [[String: Any]] = [
                ["type": "boolean", "key": "new-checkout", "default": false, "context": ["targetingKey": "u1", "email": "ada@beta.example"]],
                ["type": "boolean", "key": "new-checkout", "default": true, "context": ["targetingKey": "u2", "email": "bob@example.com"]],
                ["type": "string", "key": "banner", "default": "none"],
                ["type": "integer", "key": "seats", "default": 0, "context": ["targetingKey": "u3"]],
                ["type": "float", "key": "ratio", "default": 0.0],
                ["type": "object", "key": "plan-limits", "default": [String: Any]()],
                ["type": "boolean", "key": "killed", "default": true],
                ["type": "string", "key": "does-not-exist", "default": "code default"],
                // OFREP carries no type: the SDK itself finds a string where it asked for a boolean.
                ["type": "boolean", "key": "banner", "default": true],
                // A 400 evaluationFailure reaches the application as the code the server sent.
                ["type": "string", "key": "banner", "default": "refused", "context": ["targetingKey": "u4", "tenant.plan": "enterprise"]],
            ]
            let input = String(decoding: try JSONSerialization.data(withJSONObject: evaluations), as: UTF8.self)
            let outcome = try await PythonTool.run(
                "openfeature_client.py", ["--base-url", server.address.url, "--api-key", key, "--evaluations", input]
            )
            #expect(outcome.status == 0, "\(outcome.standardError)")
            let results = try #require(
                try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [[String: Any]],
                "\(outcome.standardOutput)\(outcome.standardError)"
            )
            try #require(results.count == evaluations.count)

            func expect(_ index: Int, value: String, variant: String?, reason: String, errorCode: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
                let result = results[index]
                let actual = String(decoding: (try? JSONSerialization.data(withJSONObject: ["v": result["value"] ?? NSNull()], options: [.sortedKeys])) ?? Data(), as: UTF8.self)
                #expect(actual == #"{"v":\#(value)}"#, "\(result)", sourceLocation: sourceLocation)
                #expect(result["variant"] as? String == variant, "\(result)", sourceLocation: sourceLocation)
                #expect(result["reason"] as? String == reason, "\(result)", sourceLocation: sourceLocation)
                #expect(result["errorCode"] as? String == errorCode, "\(result)", sourceLocation: sourceLocation)
            }
            expect(0, value: "true", variant: "on", reason: "TARGETING_MATCH")
            expect(1, value: "false", variant: "off", reason: "UNKNOWN")
            expect(2, value: #""Snow sale""#, variant: "winter", reason: "STATIC")
            expect(3, value: "5", variant: "few", reason: "SPLIT")
            expect(4, value: "1", variant: "full", reason: "STATIC")
            expect(5, value: #"{"projects":3,"sso":false}"#, variant: "basic", reason: "STATIC")
            expect(6, value: "false", variant: "off", reason: "DISABLED")
            expect(7, value: #""code default""#, variant: nil, reason: "ERROR", errorCode: "FLAG_NOT_FOUND")
            expect(8, value: "true", variant: nil, reason: "ERROR", errorCode: "TYPE_MISMATCH")
            expect(9, value: #""refused""#, variant: nil, reason: "ERROR", errorCode: "INVALID_CONTEXT")
            #expect((results[9]["errorMessage"] as? String)?.contains("tenant.plan") == true, "\(results[9])")
            let types = results.map { $0["valueType"] as? String ?? "?" }
            #expect(types == ["bool", "bool", "str", "int", "float", "dict", "bool", "str", "bool", "str"])
            // The DEFAULT reason, sent as UNKNOWN, keeps the original in the flag metadata.
            #expect((results[1]["metadata"] as? [String: Any])?["tenantry.reason"] as? String == "DEFAULT")
        }
    }
}
