import FeatureFlags
import Foundation
import TenantryServer
import Testing

@Suite("OFREP single-flag evaluation over HTTP", .validatesOFREPResponses)
struct OFREPEvaluationTests {
    @Test("every flag type answers 200 with its value as JSON of that type (a double stays a double)")
    func everyFlagType() async throws {
        try await withTestServer { server in
            let key = server.apiKey
            try await server.define(Flag(key: FlagKey("dark-mode"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "on"))
            try await server.define(Flag(key: FlagKey("banner-color"), type: .string, variants: ["blue": "Blue \"b\"/é", "red": "Red"], defaultVariant: "blue"))
            try await server.define(Flag(key: FlagKey("max-seats"), type: .integer, variants: ["small": 42, "large": 9_007_199_254_740_993], defaultVariant: "large"))
            try await server.define(Flag(key: FlagKey("discount"), type: .double, variants: ["quarter": 0.25, "whole": 2.0], defaultVariant: "whole"))
            try await server.define(Flag(key: FlagKey("limits"), type: .object, variants: ["gold": .object(["seats": 5, "tier": "gold", "ratio": 0.5, "tags": .array(["a"])])], defaultVariant: "gold"))

            let expected: [(String, String)] = [
                ("dark-mode", #"{"key":"dark-mode","reason":"STATIC","value":true,"variant":"on"}"#),
                ("banner-color", #"{"key":"banner-color","reason":"STATIC","value":"Blue \"b\"/é","variant":"blue"}"#),
                ("max-seats", #"{"key":"max-seats","reason":"STATIC","value":9007199254740993,"variant":"large"}"#),
                ("discount", #"{"key":"discount","reason":"STATIC","value":2.0,"variant":"whole"}"#),
                ("limits", #"{"key":"limits","reason":"STATIC","value":{"ratio":0.5,"seats":5,"tags":["a"],"tier":"gold"},"variant":"gold"}"#),
            ]
            for (flag, body) in expected {
                let response = try await server.evaluate(flag, context: #"{"targetingKey":"user-1"}"#, apiKey: key, label: "type \(flag)")
                #expect(response.status == 200, "\(flag): \(response.text)")
                #expect(response.header("Content-Type") == "application/json")
                #expect(response.text == body)
            }
        }
    }

    @Test("reasons map onto OFREP's enum: STATIC, TARGETING_MATCH, SPLIT, DISABLED; DEFAULT goes out as UNKNOWN with tenantry.reason")
    func everyReason() async throws {
        try await withTestServer { server in
            let tenant = server.tenant
            let key = server.apiKey
            let toggle: [String: JSONValue] = ["on": true, "off": false]
            try await server.define(Flag(key: FlagKey("plain"), type: .boolean, variants: toggle, defaultVariant: "on", metadata: ["owner": "growth", "ticket": 42]))
            try await server.define(Flag(
                key: FlagKey("canada-only"), type: .boolean, variants: toggle, defaultVariant: "off",
                rules: [TargetingRule(name: "ca", condition: .compare(attribute: "country", operator: .equals, value: "CA"), variant: "on")],
                metadata: ["owner": "growth"]
            ))
            try await server.define(Flag(key: FlagKey("rolled-out"), type: .boolean, variants: toggle, defaultVariant: "off", rollout: .percentage(100, of: "on")))
            try await server.define(Flag(key: FlagKey("switched-off"), type: .boolean, variants: toggle, defaultVariant: "off", isEnabled: false, rollout: .percentage(100, of: "on")))
            try await server.define(Flag(key: FlagKey("trial-perk"), type: .boolean, variants: toggle, defaultVariant: "off", entitlements: ["trial": "on"]))
            try await server.define(Flag(key: FlagKey("vip"), type: .boolean, variants: toggle, defaultVariant: "off", overrides: [tenant.id: "on"]))

            let cases: [(flag: String, context: String, body: String)] = [
                ("plain", "{}", #"{"key":"plain","metadata":{"owner":"growth","ticket":42},"reason":"STATIC","value":true,"variant":"on"}"#),
                ("canada-only", #"{"country":"CA"}"#, #"{"key":"canada-only","metadata":{"owner":"growth"},"reason":"TARGETING_MATCH","value":true,"variant":"on"}"#),
                ("canada-only", #"{"country":"US"}"#, #"{"key":"canada-only","metadata":{"owner":"growth","tenantry.reason":"DEFAULT"},"reason":"UNKNOWN","value":false,"variant":"off"}"#),
                ("rolled-out", #"{"targetingKey":"user-7"}"#, #"{"key":"rolled-out","reason":"SPLIT","value":true,"variant":"on"}"#),
                ("switched-off", "{}", #"{"key":"switched-off","reason":"DISABLED","value":false,"variant":"off"}"#),
                ("trial-perk", "{}", #"{"key":"trial-perk","reason":"TARGETING_MATCH","value":true,"variant":"on"}"#),
                ("vip", "{}", #"{"key":"vip","reason":"TARGETING_MATCH","value":true,"variant":"on"}"#),
            ]
            for (flag, context, body) in cases {
                let response = try await server.evaluate(flag, context: context, apiKey: key, label: "reason \(flag) \(context)")
                #expect(response.status == 200, "\(flag) \(context): \(response.text)")
                #expect(response.text == body, "\(flag) \(context)")
            }
        }
    }

    @Test("a context without targetingKey is evaluated with the tenant's id as the key")
    func targetingKeyIsOptional() async throws {
        try await withTestServer { server in
            let tenant = server.tenant
            let key = server.apiKey
            let rollout = Rollout(splits: [.init(variant: "a", weight: 50), .init(variant: "b", weight: 50)])
            try await server.define(Flag(key: FlagKey("half"), type: .string, variants: ["a": "A", "b": "B"], defaultVariant: "a", rollout: rollout))
            let expected = rollout.splitVariant(flag: "half", key: tenant.id.uuidString.lowercased())
            for context in ["{}", #"{"targetingKey":null}"#, #"{"targetingKey":""}"#] {
                let response = try await server.evaluate("half", context: context, apiKey: key, label: "no targetingKey \(context)")
                #expect(response.status == 200, "\(response.text)")
                #expect(response.jsonObject?["variant"] as? String == expected, "\(context)")
                #expect(response.jsonObject?["reason"] as? String == "SPLIT")
            }
        }
    }

    @Test("a flag imported from flagd answers as flagd: the caller's default without a value when it has no default variant or is off, PARSE_ERROR and GENERAL as 400")
    func flagdFlags() async throws {
        try await withTestServer { server in
            let document = #"""
                {"flags": {
                  "no-default": {"state": "ENABLED", "variants": {"small": 5, "large": 500},
                    "targeting": {"if": [{"ends_with": [{"var": "email"}, "@ops.example"]}, "large", null]}},
                  "off": {"state": "DISABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
                  "broken": {"state": "ENABLED", "variants": {"a": "A", "b": "B"}, "defaultVariant": "a",
                    "targeting": {"if": [{"==": [{"var": "tier"}, "gold"]}, "b", {"$ref": "missing"}]}},
                  "stray": {"state": "ENABLED", "variants": {"a": "A", "b": "B"}, "defaultVariant": "a", "targeting": {"if": [true, "zzz"]}}
                }}
                """#
            for flag in try FlagdDocument.importFlags(Data(document.utf8), now: Date()) { try await server.define(flag) }
            let cases: [(flag: String, context: String, status: Int, body: String)] = [
                ("no-default", #"{"email":"kim@ops.example"}"#, 200, #"{"key":"no-default","reason":"TARGETING_MATCH","value":500,"variant":"large"}"#),
                ("no-default", #"{"email":"kim@dev.example"}"#, 200, #"{"key":"no-default","metadata":{"tenantry.reason":"DEFAULT"},"reason":"UNKNOWN"}"#),
                ("off", "{}", 200, #"{"key":"off","reason":"DISABLED"}"#),
                ("broken", #"{"tier":"gold"}"#, 200, #"{"key":"broken","reason":"TARGETING_MATCH","value":"B","variant":"b"}"#),
            ]
            for (flag, context, status, body) in cases {
                let response = try await server.evaluate(flag, context: context, apiKey: server.apiKey, label: "flagd \(flag) \(context)")
                #expect(response.status == status, "\(flag) \(context): \(response.text)")
                #expect(response.text == body, "\(flag) \(context)")
            }
            let broken = try await server.evaluate("broken", context: #"{"tier":"silver"}"#, apiKey: server.apiKey, label: "flagd broken")
            #expect(broken.status == 400)
            #expect(broken.jsonObject?["errorCode"] as? String == "PARSE_ERROR")
            let stray = try await server.evaluate("stray", context: "{}", apiKey: server.apiKey, label: "flagd stray")
            #expect(stray.status == 400)
            #expect(stray.jsonObject?["errorCode"] as? String == "GENERAL")
        }
    }
}

extension Rollout {
    /// The variant the rollout gives `key` for flag `flag`, computed as the evaluator does.
    func splitVariant(flag: String, key: String) -> String? {
        let bucket = FlagBucketing.bucket(flagKey: flag, value: key, totalWeight: totalWeight)
        var upper = 0
        for split in splits {
            upper += split.weight
            if bucket < upper { return split.variant }
        }
        return nil
    }
}
