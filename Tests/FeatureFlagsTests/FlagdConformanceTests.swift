@testable import FeatureFlags
import Foundation
import Testing

/// flagd parity: flags of every shape flagd users write, imported as they are and evaluated
/// as flagd evaluates them. The flags and cases are our own; each expected answer (variant,
/// reason, error code) is what flagd's evaluator (core v0.16, its JsonLogic library v3.9.1)
/// answered for the same flag and context.
@Suite("flagd conformance")
struct FlagdConformanceTests {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    static let document = #"""
        {
          "flags": {
            "plain-switch": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
            "caller-decides": {"state": "ENABLED", "variants": {"small": 5, "large": 500}},
            "caller-decides-null": {"state": "ENABLED", "variants": {"small": 5, "large": 500}, "defaultVariant": null},
            "ops-title": {
              "state": "ENABLED", "variants": {"admin": "Administrator", "member": "Member"}, "defaultVariant": null,
              "targeting": {"if": [{"ends_with": [{"var": "email"}, "@ops.example"]}, "admin", null]}
            },
            "ops-title-open": {
              "state": "ENABLED", "variants": {"admin": "Administrator", "member": "Member"},
              "targeting": {"if": [{"ends_with": [{"var": "email"}, "@ops.example"]}, "admin"]}
            },
            "inside-or-out": {
              "state": "ENABLED", "variants": {"inside": "internal", "outside": "external"}, "defaultVariant": "inside",
              "targeting": {"if": [{"ends_with": [{"var": "email"}, "@corp.example"]}, "inside", "outside"]}
            },
            "eu-region": {
              "state": "ENABLED", "variants": {"true": "eu", "false": "elsewhere", "unknown": "unknown"}, "defaultVariant": "unknown",
              "targeting": {"starts_with": [{"var": "region"}, "eu-"]}
            },
            "modern-app": {
              "state": "ENABLED", "variants": {"true": "modern", "false": "legacy", "unknown": "unknown"}, "defaultVariant": "unknown",
              "targeting": {"sem_ver": [{"var": "app"}, ">=", "2.1"]}
            },
            "same-major": {
              "state": "ENABLED", "variants": {"yes": "yes", "no": "no"}, "defaultVariant": "no",
              "targeting": {"if": [{"sem_ver": [{"var": "app"}, "^", "0.4.0"]}, "yes", "no"]}
            },
            "palette": {
              "state": "ENABLED", "variants": {"red": "red", "green": "green", "blue": "blue", "grey": "grey"}, "defaultVariant": "grey",
              "targeting": {"fractional": [{"var": "targetingKey"}, ["red", 1], ["green", 1], ["blue", 1]]}
            },
            "seeded-a": {
              "state": "ENABLED", "variants": {"left": "left", "right": "right", "none": "none"}, "defaultVariant": "none",
              "targeting": {"fractional": [{"cat": ["experiment-7", {"var": "account"}]}, ["left", 30], ["right", 70]]}
            },
            "seeded-b": {
              "state": "ENABLED", "variants": {"left": "L", "right": "R", "none": "none"}, "defaultVariant": "none",
              "targeting": {"fractional": [{"cat": ["experiment-7", {"var": "account"}]}, ["left", 30], ["right", 70]]}
            },
            "team-split": {
              "state": "ENABLED", "variants": {"a": "a", "b": "b", "none": "none"}, "defaultVariant": "none",
              "targeting": {"fractional": [{"var": "team"}, ["a", 50], ["b", 50]]}
            },
            "implicit-split": {
              "state": "ENABLED", "variants": {"a": "a", "b": "b", "none": "none"}, "defaultVariant": "none",
              "targeting": {"fractional": [["a", 3], ["b"]]}
            },
            "tiered-split": {
              "state": "ENABLED", "variants": {"gold": "gold", "basic": "basic", "none": "none"}, "defaultVariant": "none",
              "targeting": {"fractional": [{"var": "targetingKey"}, [{"if": [{"==": [{"var": "tier"}, "gold"]}, "gold", "basic"]}, 50], ["basic", 50]]}
            },
            "weightless": {
              "state": "ENABLED", "variants": {"a": "a", "b": "b", "none": "none"}, "defaultVariant": "none",
              "targeting": {"fractional": [{"var": "targetingKey"}, ["a", 0], ["b", 0]]}
            },
            "negative-share": {
              "state": "ENABLED", "variants": {"a": "a", "b": "b", "none": "none"}, "defaultVariant": "none",
              "targeting": {"fractional": [{"var": "targetingKey"}, ["a", -10], ["b", 20]]}
            },
            "coin-gate": {
              "state": "ENABLED", "variants": {"yes": "yes", "no": "no", "none": "none"}, "defaultVariant": "none",
              "targeting": {"if": [{"fractional": [[false, 0], [true, 1]]}, "yes", "no"]}
            },
            "shared-check": {
              "state": "ENABLED", "variants": {"staff": "staff", "guest": "guest"}, "defaultVariant": "guest",
              "targeting": {"if": [{"$ref": "is_staff"}, "staff", "guest"]}
            },
            "dangling-ref": {
              "state": "ENABLED", "variants": {"staff": "staff", "guest": "guest"}, "defaultVariant": "guest",
              "targeting": {"if": [{"$ref": "no_such_rule"}, "staff", "guest"]}
            },
            "launch-clock": {
              "state": "ENABLED", "variants": {"after": "after", "before": "before"}, "defaultVariant": "before",
              "targeting": {"if": [{">": [{"var": "$flagd.timestamp"}, 1700000000]}, "after", "before"]}
            },
            "self-aware": {
              "state": "ENABLED", "variants": {"named": "named", "anonymous": "anonymous"}, "defaultVariant": "anonymous",
              "targeting": {"if": [{"==": [{"var": "$flagd.flagKey"}, "self-aware"]}, "named", "anonymous"]}
            },
            "always": {
              "state": "ENABLED", "variants": {"always": "always", "never": "never"}, "defaultVariant": "never",
              "targeting": {"if": [true, "always", "never"]}
            },
            "partly-broken": {
              "state": "ENABLED", "variants": {"gold": "gold", "other": "other"}, "defaultVariant": "other",
              "targeting": {"if": [{"==": [{"var": "tier"}, "gold"]}, "gold", {"nonsense_op": [1]}]}
            },
            "switched-off": {"state": "DISABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
            "stray-variant": {
              "state": "ENABLED", "variants": {"a": "a", "b": "b"}, "defaultVariant": "a",
              "targeting": {"if": [{"==": [{"var": "x"}, 1]}, "zzz", "b"]}
            },
            "arithmetic-choice": {
              "state": "ENABLED", "variants": {"1": 1, "2": 2}, "defaultVariant": "1",
              "targeting": {"+": [1, {"var": ["bump", 0]}]}
            },
            "loose-seats": {
              "state": "ENABLED", "variants": {"ten": "ten", "other": "other"}, "defaultVariant": "other",
              "targeting": {"if": [{"==": [{"var": "seats"}, "10"]}, "ten", "other"]}
            },
            "empty-targeting": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off", "targeting": {}},
            "null-targeting": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off", "targeting": null},
            "domain-list": {
              "state": "ENABLED", "variants": {"listed": "listed", "unlisted": "unlisted"}, "defaultVariant": "unlisted",
              "targeting": {"if": [{"in": [{"substr": [{"var": "email"}, -12]}, ["@example.com", "@example.org"]]}, "listed", "unlisted"]}
            },
            "needs-fields": {
              "state": "ENABLED", "variants": {"complete": "complete", "incomplete": "incomplete"}, "defaultVariant": "incomplete",
              "targeting": {"if": [{"missing": ["name", "country"]}, "incomplete", "complete"]}
            },
            "truthy-flag": {
              "state": "ENABLED", "variants": {"yes": "yes", "no": "no"}, "defaultVariant": "no",
              "targeting": {"if": [{"var": "beta"}, "yes", "no"]}
            },
            "plan-gate": {
              "state": "ENABLED", "variants": {"pro": "pro", "basic": "basic"}, "defaultVariant": "basic",
              "targeting": {"if": [{"in": [{"var": "tenant.plan"}, ["pro", "enterprise"]]}, "pro", null]}
            }
          },
          "$evaluators": {
            "is_staff": {"ends_with": [{"var": "email"}, "@staff.example"]}
          }
        }
        """#

    struct Case: Sendable, CustomTestStringConvertible {
        let key: String
        let context: String
        let variant: String?
        let reason: EvaluationReason
        let error: EvaluationErrorCode?

        init(_ key: String, _ context: String, variant: String?, reason: EvaluationReason, error: EvaluationErrorCode?) {
            self.key = key
            self.context = context
            self.variant = variant
            self.reason = reason
            self.error = error
        }

        var testDescription: String { "\(key) \(context)" }
    }

    /// flagd's answers. Reason DEFAULT without a variant is flagd's code default (its internal
    /// FALLBACK): no value, the caller's own default applies.
    static let cases: [Case] = [
        Case("plain-switch", #"{}"#, variant: "on", reason: .static, error: nil),
        Case("caller-decides", #"{}"#, variant: nil, reason: .default, error: nil),
        Case("caller-decides-null", #"{}"#, variant: nil, reason: .default, error: nil),
        Case("ops-title", #"{"email":"kim@ops.example"}"#, variant: "admin", reason: .targetingMatch, error: nil),
        Case("ops-title", #"{"email":"kim@dev.example"}"#, variant: nil, reason: .default, error: nil),
        Case("ops-title-open", #"{"email":"kim@dev.example"}"#, variant: nil, reason: .default, error: nil),
        Case("inside-or-out", #"{"email":"a@corp.example"}"#, variant: "inside", reason: .targetingMatch, error: nil),
        Case("inside-or-out", #"{"email":"a@else.example"}"#, variant: "outside", reason: .targetingMatch, error: nil),
        Case("inside-or-out", #"{}"#, variant: "outside", reason: .targetingMatch, error: nil),
        Case("eu-region", #"{"region":"eu-west-1"}"#, variant: "true", reason: .targetingMatch, error: nil),
        Case("eu-region", #"{"region":"us-east-1"}"#, variant: "false", reason: .targetingMatch, error: nil),
        Case("eu-region", #"{}"#, variant: "unknown", reason: .default, error: nil),
        Case("eu-region", #"{"region":7}"#, variant: "unknown", reason: .default, error: nil),
        Case("modern-app", #"{"app":"2.1"}"#, variant: "true", reason: .targetingMatch, error: nil),
        Case("modern-app", #"{"app":"2.0.9"}"#, variant: "false", reason: .targetingMatch, error: nil),
        Case("modern-app", #"{"app":3}"#, variant: "true", reason: .targetingMatch, error: nil),
        Case("modern-app", #"{"app":2.5}"#, variant: "true", reason: .targetingMatch, error: nil),
        Case("modern-app", #"{"app":"1"}"#, variant: "false", reason: .targetingMatch, error: nil),
        Case("modern-app", #"{"app":"garbage"}"#, variant: "unknown", reason: .default, error: nil),
        Case("modern-app", #"{"app":"V2.1.0"}"#, variant: "true", reason: .targetingMatch, error: nil),
        Case("modern-app", #"{}"#, variant: "unknown", reason: .default, error: nil),
        Case("modern-app", #"{"app":"2.1.0-rc.1"}"#, variant: "false", reason: .targetingMatch, error: nil),
        Case("same-major", #"{"app":"0.9.1"}"#, variant: "yes", reason: .targetingMatch, error: nil),
        Case("same-major", #"{"app":"1.4.0"}"#, variant: "no", reason: .targetingMatch, error: nil),
        Case("palette", #"{"targetingKey":"user-1"}"#, variant: "blue", reason: .targetingMatch, error: nil),
        Case("palette", #"{"targetingKey":"user-2"}"#, variant: "blue", reason: .targetingMatch, error: nil),
        Case("palette", #"{"targetingKey":"user-3"}"#, variant: "red", reason: .targetingMatch, error: nil),
        Case("palette", #"{"targetingKey":"user-4"}"#, variant: "blue", reason: .targetingMatch, error: nil),
        Case("palette", #"{}"#, variant: "grey", reason: .default, error: nil),
        Case("seeded-a", #"{"account":"acct-1"}"#, variant: "right", reason: .targetingMatch, error: nil),
        Case("seeded-a", #"{"account":"acct-2"}"#, variant: "left", reason: .targetingMatch, error: nil),
        Case("seeded-a", #"{"account":"acct-3"}"#, variant: "right", reason: .targetingMatch, error: nil),
        Case("seeded-b", #"{"account":"acct-1"}"#, variant: "right", reason: .targetingMatch, error: nil),
        Case("seeded-b", #"{"account":"acct-2"}"#, variant: "left", reason: .targetingMatch, error: nil),
        Case("seeded-b", #"{"account":"acct-3"}"#, variant: "right", reason: .targetingMatch, error: nil),
        Case("seeded-a", #"{}"#, variant: "right", reason: .targetingMatch, error: nil),
        Case("team-split", #"{"team":"core"}"#, variant: "a", reason: .targetingMatch, error: nil),
        Case("team-split", #"{"targetingKey":"u-9"}"#, variant: "a", reason: .targetingMatch, error: nil),
        Case("team-split", #"{}"#, variant: "none", reason: .default, error: nil),
        Case("implicit-split", #"{"targetingKey":"alice"}"#, variant: "a", reason: .targetingMatch, error: nil),
        Case("implicit-split", #"{"targetingKey":"bob"}"#, variant: "a", reason: .targetingMatch, error: nil),
        Case("implicit-split", #"{"targetingKey":"carol"}"#, variant: "b", reason: .targetingMatch, error: nil),
        Case("implicit-split", #"{}"#, variant: "none", reason: .default, error: nil),
        Case("tiered-split", #"{"targetingKey":"alice","tier":"gold"}"#, variant: "gold", reason: .targetingMatch, error: nil),
        Case("tiered-split", #"{"targetingKey":"bob","tier":"gold"}"#, variant: "basic", reason: .targetingMatch, error: nil),
        Case("tiered-split", #"{"targetingKey":"carol","tier":"gold"}"#, variant: "gold", reason: .targetingMatch, error: nil),
        Case("tiered-split", #"{"targetingKey":"alice"}"#, variant: "basic", reason: .targetingMatch, error: nil),
        Case("weightless", #"{"targetingKey":"alice"}"#, variant: "none", reason: .default, error: nil),
        Case("negative-share", #"{"targetingKey":"alice"}"#, variant: "b", reason: .targetingMatch, error: nil),
        Case("negative-share", #"{"targetingKey":"bob"}"#, variant: "b", reason: .targetingMatch, error: nil),
        Case("coin-gate", #"{"targetingKey":"alice"}"#, variant: "yes", reason: .targetingMatch, error: nil),
        Case("coin-gate", #"{}"#, variant: "no", reason: .targetingMatch, error: nil),
        Case("shared-check", #"{"email":"lee@staff.example"}"#, variant: "staff", reason: .targetingMatch, error: nil),
        Case("shared-check", #"{"email":"lee@guest.example"}"#, variant: "guest", reason: .targetingMatch, error: nil),
        Case("dangling-ref", #"{"email":"lee@staff.example"}"#, variant: nil, reason: .error, error: .parseError),
        Case("launch-clock", #"{}"#, variant: "after", reason: .targetingMatch, error: nil),
        Case("self-aware", #"{}"#, variant: "named", reason: .targetingMatch, error: nil),
        Case("always", #"{}"#, variant: "always", reason: .targetingMatch, error: nil),
        Case("partly-broken", #"{"tier":"gold"}"#, variant: "gold", reason: .targetingMatch, error: nil),
        Case("partly-broken", #"{"tier":"silver"}"#, variant: nil, reason: .error, error: .parseError),
        Case("switched-off", #"{}"#, variant: nil, reason: .disabled, error: nil),
        Case("stray-variant", #"{"x":1}"#, variant: nil, reason: .error, error: .general),
        Case("stray-variant", #"{"x":2}"#, variant: "b", reason: .targetingMatch, error: nil),
        Case("arithmetic-choice", #"{}"#, variant: "1", reason: .targetingMatch, error: nil),
        Case("arithmetic-choice", #"{"bump":1}"#, variant: "2", reason: .targetingMatch, error: nil),
        Case("arithmetic-choice", #"{"bump":"1"}"#, variant: "2", reason: .targetingMatch, error: nil),
        Case("arithmetic-choice", #"{"bump":true}"#, variant: nil, reason: .error, error: .parseError),
        Case("loose-seats", #"{"seats":10}"#, variant: "ten", reason: .targetingMatch, error: nil),
        Case("loose-seats", #"{"seats":"10"}"#, variant: "ten", reason: .targetingMatch, error: nil),
        Case("loose-seats", #"{"seats":11}"#, variant: "other", reason: .targetingMatch, error: nil),
        Case("empty-targeting", #"{}"#, variant: "off", reason: .static, error: nil),
        Case("null-targeting", #"{}"#, variant: "off", reason: .default, error: nil),
        Case("domain-list", #"{"email":"someone@example.com"}"#, variant: "listed", reason: .targetingMatch, error: nil),
        Case("domain-list", #"{"email":"someone@example.net"}"#, variant: "unlisted", reason: .targetingMatch, error: nil),
        Case("needs-fields", #"{"name":"x","country":"NZ"}"#, variant: "complete", reason: .targetingMatch, error: nil),
        Case("needs-fields", #"{"name":"x"}"#, variant: "incomplete", reason: .targetingMatch, error: nil),
        Case("truthy-flag", #"{"beta":true}"#, variant: "yes", reason: .targetingMatch, error: nil),
        Case("truthy-flag", #"{"beta":"0"}"#, variant: "yes", reason: .targetingMatch, error: nil),
        Case("truthy-flag", #"{"beta":0}"#, variant: "no", reason: .targetingMatch, error: nil),
        Case("truthy-flag", #"{"beta":[]}"#, variant: "no", reason: .targetingMatch, error: nil),
        Case("plan-gate", #"{"tenant":{"plan":"pro"}}"#, variant: "pro", reason: .targetingMatch, error: nil),
        Case("plan-gate", #"{"tenant":{"plan":"free"}}"#, variant: "basic", reason: .default, error: nil),
    ]

    static func flags(_ document: String = document) throws -> [Flag] {
        try FlagdDocument.importFlags(Data(document.utf8), now: now)
    }

    /// The context a flagd caller sends, as Tenantry takes it: a `tenant` object stands for the
    /// tenant's own record (which callers cannot send), `targetingKey` is the caller's key.
    static func context(_ json: String) throws -> EvaluationContext {
        guard case .object(var members) = try JSONReader.parse(Data(json.utf8)) else { throw FlagError.invalidDefinition("not an object") }
        var tenant: TenantAttributes?
        if case .object(let record)? = members.removeValue(forKey: "tenant"), case .string(let plan)? = record["plan"] {
            tenant = TenantAttributes(
                id: UUID(), slug: "acme", plan: plan, state: "active", isolation: "pooled", createdAt: now
            )
        }
        return try EvaluationContext(tenant: tenant, caller: members)
    }

    static func evaluator(_ flags: [Flag]) -> FlagEvaluator {
        FlagEvaluator(catalog: FlagCatalog(flags: flags), clock: { now })
    }

    static func check(_ result: EvaluationResult, against expected: Case, flags: [Flag]) throws {
        #expect(result.variant == expected.variant)
        #expect(result.reason == expected.reason)
        #expect(result.errorCode == expected.error)
        let flag = try #require(flags.first { $0.key.rawValue == expected.key })
        #expect(result.value == expected.variant.flatMap { flag.variants[$0] })
    }

    @Test("every shape imports, and keeps its JsonLogic as written")
    func everyShapeImports() throws {
        let flags = try Self.flags()
        #expect(flags.count == 34)
        #expect(flags.allSatisfy { $0.evaluatesAsFlagd })
        let byKey = Dictionary(uniqueKeysWithValues: flags.map { ($0.key.rawValue, $0) })
        #expect(byKey["caller-decides"]?.defaultVariant == nil)
        #expect(byKey["caller-decides-null"]?.defaultVariant == nil)
        #expect(byKey["empty-targeting"]?.flagdTargeting?.expression == nil)
        #expect(byKey["null-targeting"]?.flagdTargeting?.expression == .null)
        // A reference to a missing evaluator stays, to fail when it is reached.
        #expect(byKey["dangling-ref"]?.flagdTargeting?.expression?.compactJSON.contains("no_such_rule") == true)
    }

    @Test("each case answers what flagd answers", arguments: cases)
    func evaluation(_ expected: Case) throws {
        let flags = try Self.flags()
        let result = Self.evaluator(flags).evaluate(expected.key, context: try Self.context(expected.context))
        try Self.check(result, against: expected, flags: flags)
    }

    @Test("an exported flagd flag imports back to the same flag and the same answers")
    func roundTrip() throws {
        let flags = try Self.flags()
        let exported = String(decoding: FlagdDocument.export(flags), as: UTF8.self)
        let again = try Self.flags(exported)
        #expect(again == flags)
        for expected in Self.cases {
            let result = Self.evaluator(again).evaluate(expected.key, context: try Self.context(expected.context))
            try Self.check(result, against: expected, flags: again)
        }
    }

    @Test("overrides of a flagd flag without targeting come back as overrides, and the flag as one without targeting")
    func overridesWithoutTargeting() throws {
        var flag = try #require(try Self.flags().first { $0.key.rawValue == "plain-switch" })
        flag.overrides[UUID()] = "off"
        let again = try Self.flags(String(decoding: FlagdDocument.export([flag]), as: UTF8.self))
        #expect(again == [flag])
        #expect(again.first?.flagdTargeting?.expression == nil)
    }

    @Test("a flagd flag does not stand the tenant in for a missing targeting key")
    func noTenantStandIn() throws {
        let flags = try Self.flags()
        let tenant = TenantAttributes(id: UUID(), slug: "acme", plan: "pro", state: "active", isolation: "pooled", createdAt: Self.now)
        let result = Self.evaluator(flags).evaluate("palette", context: EvaluationContext(tenant: tenant))
        #expect(result.variant == "grey")
        #expect(result.reason == .default)
    }

    @Test("a flag's own overrides come before its flagd targeting")
    func overridesFirst() throws {
        var flag = try #require(try Self.flags().first { $0.key.rawValue == "inside-or-out" })
        let tenant = TenantAttributes(id: UUID(), slug: "acme", plan: "pro", state: "active", isolation: "pooled", createdAt: Self.now)
        flag.overrides[tenant.id] = "outside"
        let evaluator = Self.evaluator([flag])
        let context = try EvaluationContext(tenant: tenant, caller: ["email": "a@corp.example"])
        #expect(evaluator.evaluate("inside-or-out", context: context).variant == "outside")
        // Exported, the override is a branch ahead of the flag's own expression, and import
        // takes it back as the override it was.
        let again = try Self.flags(String(decoding: FlagdDocument.export([flag]), as: UTF8.self))
        #expect(again == [flag])
        let exported = Self.evaluator(again)
        let asFlagdCaller = try EvaluationContext(tenant: tenant, caller: ["email": "a@corp.example"])
        #expect(exported.evaluate("inside-or-out", context: asFlagdCaller).variant == "outside")
        #expect(exported.evaluate("inside-or-out", context: try EvaluationContext(tenant: nil, caller: ["email": "a@corp.example"])).variant == "inside")
    }

    // MARK: fractional v1 and v2

    /// flagd's documented example: four suits by the flag key and the user's name.
    static func suits(fractional: String?) -> String {
        let metadata = fractional.map { #", "metadata": {"tenantry.fractional": "\#($0)"}"# } ?? ""
        return #"""
            {"flags": {"fractional-flag": {
              "state": "ENABLED",
              "variants": {"clubs": "clubs", "diamonds": "diamonds", "hearts": "hearts", "spades": "spades", "wild": "wild"},
              "defaultVariant": "wild"\#(metadata),
              "targeting": {"fractional": [
                {"cat": [{"var": "$flagd.flagKey"}, {"var": "user.name"}]},
                ["clubs", 25], ["diamonds", 25], ["hearts", 25], ["spades", 25]
              ]}
            }}}
            """#
    }

    @Test("fractional v1 (flagd 0.11 to 0.14) and v2 (flagd 0.15 on) bucket as those releases did", arguments: [
        ("jack", "spades", "hearts"), ("queen", "clubs", "spades"), ("ten", "diamonds", "clubs"), ("nine", "hearts", "diamonds"),
        ("3", "diamonds", "clubs"),
    ])
    func fractionalVersions(name: String, v1: String, v2: String) throws {
        let context = EvaluationContext(attributes: ["user": .object(["name": .string(name)])])
        let legacy = try Self.flags(Self.suits(fractional: "v1"))
        #expect(legacy.first?.flagdTargeting?.fractional == .v1)
        #expect(Self.evaluator(legacy).evaluate("fractional-flag", context: context).variant == v1)
        let current = try Self.flags(Self.suits(fractional: nil))
        #expect(current.first?.flagdTargeting?.fractional == .v2)
        #expect(Self.evaluator(current).evaluate("fractional-flag", context: context).variant == v2)
    }

    @Test("v1 needs two arguments and places no key it cannot (an empty name: GENERAL); v2 takes one share")
    func fractionalSingleShare() throws {
        let single = #"{"flags": {"solo": {"state": "ENABLED", "variants": {"only": 1, "none": 0}, "defaultVariant": "none", "metadata": {"tenantry.fractional": "VERSION"}, "targeting": {"fractional": [["only", 1]]}}}}"#
        let context = EvaluationContext(targetingKey: "someone")
        let v1 = Self.evaluator(try Self.flags(single.replacingOccurrences(of: "VERSION", with: "v1"))).evaluate("solo", context: context)
        #expect(v1.variant == "none" && v1.reason == .default)
        let v2 = Self.evaluator(try Self.flags(single.replacingOccurrences(of: "VERSION", with: "v2"))).evaluate("solo", context: context)
        #expect(v2.variant == "only" && v2.reason == .targetingMatch)
    }

    @Test("the fractional algorithm is recorded in the flag's events and survives a fold")
    func algorithmInEvents() throws {
        let flag = try #require(try Self.flags(Self.suits(fractional: "v1")).first)
        let events = FlagService.newFlagEvents(flag)
        #expect(events.contains(.flagdTargetingChanged(.init(targeting: flag.flagdTargeting))))
        let folded = try FlagService.applying(events, to: nil, at: Self.now)
        #expect(folded.flagdTargeting?.fractional == .v1)
        let encoded = try JSONEncoder().encode(FlagEvent.FlagdTargetingChanged(targeting: flag.flagdTargeting))
        #expect(try JSONDecoder().decode(FlagEvent.FlagdTargetingChanged.self, from: encoded).targeting == flag.flagdTargeting)
        // flagd's `"targeting": null` (DEFAULT, not STATIC) is kept apart from no targeting.
        let nullTargeting = try FlagdTargeting(expression: .null)
        let decoded = try JSONDecoder().decode(FlagdTargeting.self, from: try JSONEncoder().encode(nullTargeting))
        #expect(decoded.expression == .null)
    }

    @Test("Tenantry's own targeting cannot be added to a flag that evaluates as flagd")
    func noMixedTargeting() throws {
        var flag = try #require(try Self.flags().first { $0.key.rawValue == "inside-or-out" })
        flag.rules = [TargetingRule(name: "r1", condition: .compare(attribute: "x", operator: .equals, value: 1), variant: "outside")]
        #expect(throws: FlagError.self) { try flag.validate() }
    }
}
