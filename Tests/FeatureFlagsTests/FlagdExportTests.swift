@testable import FeatureFlags
import Foundation
import Testing

/// The shape `tenantry flag export` writes: flagd's flag-definition format with the targeting
/// as one `if` chain in evaluation order.
@Suite("flagd export")
struct FlagdExportTests {
    static let tenantA = UUID(uuidString: "0E2B7C9A-5A0D-4C39-9F5B-3C1D2E4F5A6B") ?? UUID()
    static let tenantB = UUID(uuidString: "1F3C8DAB-6B1E-4D4A-8A6C-4D2E3F506B7C") ?? UUID()
    static let tenantC = UUID(uuidString: "2A4D9EBC-7C2F-4E5B-9B7D-5E3F40617C8D") ?? UUID()

    func json(_ text: String) throws -> JSONValue {
        try JSONReader.parse(Data(text.utf8))
    }

    /// JSON text of the nested three-argument `if`s that choose between `branches`
    /// (condition, result) in order.
    func chain(_ branches: [(String, String)], otherwise: String = "null") -> String {
        branches.reversed().reduce(otherwise) { #"{"if": [\#($1.0), \#($1.1), \#($0)]}"# }
    }

    /// Every `if` in `value` has exactly three arguments, as flagd's schema requires.
    func ifsHaveThreeArguments(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members):
            if let arguments = members["if"], case .array(let list) = arguments, list.count != 3 { return false }
            return members.values.allSatisfy(ifsHaveThreeArguments)
        case .array(let elements):
            return elements.allSatisfy(ifsHaveThreeArguments)
        default:
            return true
        }
    }

    @Test("a flag with every kind of targeting becomes one if chain in evaluation order")
    func fullDefinition() throws {
        let flag = Flag(
            key: try FlagKey("new-checkout"), description: "New checkout flow", type: .boolean,
            variants: ["on": true, "off": false], defaultVariant: "off",
            prerequisites: [Prerequisite(flag: try FlagKey("payments-v2"), variant: "on"), Prerequisite(flag: try FlagKey("region"), variant: "eu")],
            overrides: [Self.tenantA: "on", Self.tenantB: "on", Self.tenantC: "off"],
            rules: [FlagFixtures.rule("staff", "email", .endsWith, "@acme.com", serve: "on")],
            rollout: .percentage(30, of: "on"), entitlements: ["pro": "on", "enterprise": "on"],
            metadata: ["owner": "payments", "ticket": 1234]
        )
        let fractional = #"{"fractional": [["on", 30], ["$tenantry.fall-through", 70]]}"#
        let expected = try json(
            """
            {
              "state": "ENABLED",
              "variants": {"on": true, "off": false},
              "defaultVariant": "off",
              "metadata": {
                "description": "New checkout flow",
                "owner": "payments",
                "ticket": 1234,
                "tenantry.type": "boolean",
                "tenantry.prerequisites": "payments-v2=on,region=eu"
              },
              "targeting": \(chain([
                (#"{"==": [{"var": "tenant.id"}, "2a4d9ebc-7c2f-4e5b-9b7d-5e3f40617c8d"]}"#, #""off""#),
                (#"{"in": [{"var": "tenant.id"}, ["0e2b7c9a-5a0d-4c39-9f5b-3c1d2e4f5a6b", "1f3c8dab-6b1e-4d4a-8a6c-4d2e3f506b7c"]]}"#, #""on""#),
                (#"{"ends_with": [{"var": "email"}, "@acme.com"]}"#, #""on""#),
                (#"{"!=": [\#(fractional), "$tenantry.fall-through"]}"#, fractional),
                (#"{"==": [{"var": "tenant.plan"}, "enterprise"]}"#, #""on""#),
                (#"{"==": [{"var": "tenant.plan"}, "pro"]}"#, #""on""#),
            ]))
            }
            """
        )
        let definition = FlagdDocument.definition(of: flag)
        #expect(definition == expected)
        #expect(ifsHaveThreeArguments(definition))
    }

    @Test("a flag without targeting has no targeting; empty description and prerequisites are left out")
    func staticFlag() throws {
        let definition = FlagdDocument.definition(of: try FlagFixtures.toggle("plain", isEnabled: false))
        #expect(
            definition
                == (try json(
                    #"{"state": "DISABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off", "metadata": {"tenantry.type": "boolean"}}"#
                ))
        )
    }

    @Test("a rollout that always serves a variant and ends the chain is a plain fractional")
    func plainFractional() throws {
        let split = Rollout(splits: [.init(variant: "old", weight: 50), .init(variant: "new", weight: 50)])
        #expect(
            FlagdDocument.targeting(of: try FlagFixtures.layout(rollout: split))
                == (try json(#"{"fractional": [["old", 50], ["new", 50]]}"#))
        )
        var byEmail = split
        byEmail.bucketBy = "user.email"
        #expect(
            FlagdDocument.targeting(of: try FlagFixtures.layout(rollout: byEmail))
                == (try json(#"{"fractional": [{"cat": [{"var": "$flagd.flagKey"}, {"var": "user.email"}]}, ["old", 50], ["new", 50]]}"#))
        )
    }

    @Test("a one-share rollout gets an empty padding share, since flagd needs two; entitlements stay behind the guard")
    func fullRolloutWithEntitlements() throws {
        let flag = try FlagFixtures.layout(rollout: Rollout(splits: [.init(variant: "new", weight: 1)]), entitlements: ["pro": "pro"])
        let fractional = #"{"fractional": [["new", 1], ["$tenantry.padding", 0]]}"#
        #expect(
            FlagdDocument.targeting(of: flag)
                == (try json(chain([
                    (#"{"!=": [\#(fractional), "$tenantry.fall-through"]}"#, fractional),
                    (#"{"==": [{"var": "tenant.plan"}, "pro"]}"#, #""pro""#),
                ])))
        )
    }

    @Test("entitlements alone are plan branches sorted by plan")
    func entitlementsOnly() throws {
        let flag = try FlagFixtures.layout(entitlements: ["team": "new", "enterprise": "pro"])
        #expect(
            FlagdDocument.targeting(of: flag)
                == (try json(chain([
                    (#"{"==": [{"var": "tenant.plan"}, "enterprise"]}"#, #""pro""#),
                    (#"{"==": [{"var": "tenant.plan"}, "team"]}"#, #""new""#),
                ])))
        )
    }

    @Test("a flag with hundreds of rules nests deeply and still reads back")
    func longChain() throws {
        let rules = (1...300).map { FlagFixtures.rule("r\($0)", "n", .equals, .integer(Int64($0)), serve: $0.isMultiple(of: 2) ? "new" : "beta") }
        let flag = try FlagFixtures.layout(rules: rules, rollout: .percentage(5, of: "pro"))
        let imported = try FlagdDocument.importFlags(FlagdDocument.export([flag]), now: FlagFixtures.createdAt)
        #expect(imported.first?.rules == rules)
        #expect(imported.first?.rollout == flag.rollout)
    }

    static let spellings: [(ComparisonOperator, JSONValue, String)] = [
        (.equals, "x", #"{"==": [{"var": "a"}, "x"]}"#),
        (.notEquals, 3, #"{"!=": [{"var": "a"}, 3]}"#),
        (.in, .array(["x", "y"]), #"{"in": [{"var": "a"}, ["x", "y"]]}"#),
        (.notIn, .array(["x"]), #"{"!": [{"in": [{"var": "a"}, ["x"]]}]}"#),
        (.startsWith, "pre", #"{"starts_with": [{"var": "a"}, "pre"]}"#),
        (.endsWith, "post", #"{"ends_with": [{"var": "a"}, "post"]}"#),
        (.contains, "part", #"{"in": ["part", {"var": "a"}]}"#),
        (.lessThan, 1, #"{"<": [{"var": "a"}, 1]}"#),
        (.lessThanOrEqual, 1.5, #"{"<=": [{"var": "a"}, 1.5]}"#),
        (.greaterThan, 2, #"{">": [{"var": "a"}, 2]}"#),
        (.greaterThanOrEqual, 2, #"{">=": [{"var": "a"}, 2]}"#),
        (.semverEquals, "1.0.0", #"{"sem_ver": [{"var": "a"}, "=", "1.0.0"]}"#),
        (.semverLessThan, "1.0.0", #"{"sem_ver": [{"var": "a"}, "<", "1.0.0"]}"#),
        (.semverLessThanOrEqual, "1.0.0", #"{"sem_ver": [{"var": "a"}, "<=", "1.0.0"]}"#),
        (.semverGreaterThan, "1.0.0", #"{"sem_ver": [{"var": "a"}, ">", "1.0.0"]}"#),
        (.semverGreaterThanOrEqual, "v1.0.0", #"{"sem_ver": [{"var": "a"}, ">=", "v1.0.0"]}"#),
    ]

    @Test("each operator has its JsonLogic spelling", arguments: spellings)
    func operatorSpelling(comparison: ComparisonOperator, value: JSONValue, expected: String) throws {
        #expect(JSONLogic.expression(for: .compare(attribute: "a", operator: comparison, value: value)) == (try json(expected)))
    }

    @Test("every operator is in the spelling table")
    func spellingTableComplete() {
        #expect(Set(Self.spellings.map(\.0)) == Set(ComparisonOperator.allCases))
    }

    @Test("all and any become and and or")
    func allAndAny() throws {
        let condition = Condition.all([
            .compare(attribute: "a", operator: .equals, value: 1),
            .any([.compare(attribute: "b", operator: .equals, value: true), .compare(attribute: "c", operator: .lessThan, value: 2)]),
        ])
        #expect(
            JSONLogic.expression(for: condition)
                == (try json(#"{"and": [{"==": [{"var": "a"}, 1]}, {"or": [{"==": [{"var": "b"}, true]}, {"<": [{"var": "c"}, 2]}]}]}"#))
        )
    }

    @Test("the document carries the schema, leaves archived flags out, and is byte-for-byte stable")
    func document() throws {
        var archived = try FlagFixtures.toggle("archived")
        archived.isArchived = true
        let ratio = Flag(key: try FlagKey("ratio"), type: .double, variants: ["one": 1, "half": 0.5], defaultVariant: "one")
        let limit = Flag(key: try FlagKey("limit"), type: .integer, variants: ["low": 1, "high": 2.0], defaultVariant: "low")
        let data = FlagdDocument.export([ratio, archived, limit])
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"$schema\": \"https://flagd.dev/schema/v0/flags.json\",\n  \"flags\": {\n    \"limit\": {"))
        #expect(text.hasSuffix("}\n"))
        #expect(!text.contains("archived"))
        // Variants are spelled as the flag's type: flagd (and a re-import) sees a double flag.
        #expect(text.contains("\"one\": 1.0"))
        #expect(text.contains("\"high\": 2,"))
        #expect(FlagdDocument.export([limit, ratio]) == data)
    }
}
