@testable import FeatureFlags
import Foundation
import Testing

/// Importing documents written for flagd: the examples of flagd's documentation evaluate as
/// flagd says they do, with their JsonLogic kept as written. Documents Tenantry exported (their
/// flags carry `tenantry.type`) come back as Tenantry's own targeting, and what that cannot
/// express is refused with the flag and the reason.
@Suite("flagd import")
struct FlagdImportTests {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    /// Flags from flagd's documentation and conformance suite; expected values are flagd's.
    static let flagdDocument = #"""
        {
          "$schema": "https://flagd.dev/schema/v0/flags.json",
          "flags": {
            "show-welcome-banner": {
              "state": "ENABLED",
              "variants": {"on": true, "off": false},
              "defaultVariant": "off"
            },
            "background-color": {
              "state": "ENABLED",
              "variants": {"red": "#FF0000", "blue": "#0000FF", "green": "#00FF00", "yellow": "#FFFF00"},
              "defaultVariant": "red",
              "targeting": {
                "if": [
                  {"in": ["@faas.com", {"var": ["email"]}]}, "green",
                  {"if": [
                    {"ends_with": [{"var": "email"}, "@example.com"]}, "blue",
                    {"in": [{"var": "country"}, ["NZ", "AU"]]}, "yellow",
                    null
                  ]}
                ]
              }
            },
            "fractional-flag": {
              "state": "ENABLED",
              "variants": {"clubs": "clubs", "diamonds": "diamonds", "hearts": "hearts", "spades": "spades", "wild": "wild"},
              "defaultVariant": "wild",
              "targeting": {
                "fractional": [
                  {"cat": [{"var": "$flagd.flagKey"}, {"var": "user.name"}]},
                  ["clubs", 25], ["diamonds", 25], ["hearts", 25], ["spades", 25]
                ]
              }
            },
            "fractional-flag-shorthand": {
              "state": "ENABLED",
              "variants": {"heads": "heads", "tails": "tails", "draw": "draw"},
              "defaultVariant": "draw",
              "targeting": {"fractional": [["heads"], ["tails", 1]]}
            },
            "some-email-targeted-flag": {
              "state": "ENABLED",
              "variants": {"hi": "hi", "bye": "bye", "none": "none"},
              "defaultVariant": "none",
              "targeting": {"if": [{"$ref": "is_ballmer"}, "hi", null]}
            },
            "starts-ends-flag": {
              "state": "ENABLED",
              "variants": {"prefix": "prefix", "postfix": "postfix", "none": "none"},
              "defaultVariant": "none",
              "targeting": {
                "if": [
                  {"starts_with": [{"var": "id"}, "abc"]}, "prefix",
                  {"if": [{"ends_with": [{"var": "id"}, "xyz"]}, "postfix", "none"]}
                ]
              }
            },
            "equal-greater-lesser-version-flag": {
              "state": "ENABLED",
              "variants": {"equal": "equal", "greater": "greater", "lesser": "lesser", "none": "none"},
              "defaultVariant": "none",
              "targeting": {
                "if": [
                  {"sem_ver": [{"var": "version"}, "=", "2.0.0"]}, "equal",
                  {"if": [
                    {"sem_ver": [{"var": "version"}, ">", "2.0.0"]}, "greater",
                    {"if": [{"sem_ver": [{"var": "version"}, "<", "2.0.0"]}, "lesser", "none"]}
                  ]}
                ]
              }
            },
            "major-minor-version-flag": {
              "state": "ENABLED",
              "variants": {"minor": "minor", "major": "major", "none": "none"},
              "defaultVariant": "none",
              "targeting": {
                "if": [
                  {"sem_ver": [{"var": "version"}, "~", "3.0.0"]}, "minor",
                  {"if": [{"sem_ver": [{"var": "version"}, "^", "3.0.0"]}, "major", "none"]}
                ]
              }
            },
            "semver-v-prefix-flag": {
              "state": "ENABLED",
              "variants": {"match": "match", "no-match": "no-match"},
              "defaultVariant": "no-match",
              "targeting": {"if": [{"sem_ver": [{"var": "version"}, "=", "v1.0.0"]}, "match", "no-match"]}
            },
            "semver-partial-version-flag": {
              "state": "ENABLED",
              "variants": {"match": "match", "no-match": "no-match"},
              "defaultVariant": "no-match",
              "targeting": {"if": [{"sem_ver": [{"var": "version"}, "^", "1"]}, "match", "no-match"]}
            },
            "semver-build-metadata-flag": {
              "state": "ENABLED",
              "variants": {"match": "match", "no-match": "no-match"},
              "defaultVariant": "no-match",
              "targeting": {"if": [{"sem_ver": [{"var": "version"}, "=", "1.0.0+build"]}, "match", "no-match"]}
            },
            "targeting-key-flag": {
              "state": "ENABLED",
              "variants": {"miss": "miss", "hit": "hit"},
              "defaultVariant": "miss",
              "targeting": {"if": [{"==": [{"var": "targetingKey"}, "5c3d8535-f81a-4478-a6d3-afaa4d51199e"]}, "hit", null]}
            },
            "integer-flag": {"state": "ENABLED", "variants": {"one": 1, "ten": 10}, "defaultVariant": "ten"},
            "float-flag": {"state": "ENABLED", "variants": {"tenth": 0.1, "half": 0.5}, "defaultVariant": "half"},
            "float-zero-flag": {"state": "ENABLED", "variants": {"zero": 0.0, "non-zero": 1.0}, "defaultVariant": "zero"},
            "object-flag": {
              "state": "ENABLED",
              "variants": {"empty": {}, "template": {"showImages": true, "title": "Check out these pics!", "imagesPerPage": 100}},
              "defaultVariant": "template"
            },
            "metadata-flag": {
              "state": "DISABLED",
              "variants": {"on": true, "off": false},
              "defaultVariant": "on",
              "metadata": {"string": "1.0.2", "integer": 2, "boolean": true, "float": 0.1}
            }
          },
          "$evaluators": {
            "is_ballmer": {"==": ["ballmer@macrosoft.com", {"var": ["email"]}]}
          }
        }
        """#

    static func imported() throws -> [String: Flag] {
        let flags = try FlagdDocument.importFlags(Data(flagdDocument.utf8), now: now)
        return Dictionary(uniqueKeysWithValues: flags.map { ($0.key.rawValue, $0) })
    }

    static func evaluator() throws -> FlagEvaluator {
        FlagEvaluator(catalog: FlagCatalog(flags: Array(try imported().values)))
    }

    func value(_ key: String, _ attributes: [String: JSONValue] = [:], targetingKey: String? = nil) throws -> JSONValue? {
        try Self.evaluator().evaluate(key, context: EvaluationContext(targetingKey: targetingKey, attributes: attributes)).value
    }

    @Test("every flag of the document is imported, sorted by key, created at the given time")
    func everyFlag() throws {
        let flags = try FlagdDocument.importFlags(Data(Self.flagdDocument.utf8), now: Self.now)
        #expect(flags.count == 17)
        #expect(flags.map(\.key.rawValue) == flags.map(\.key.rawValue).sorted())
        #expect(flags.allSatisfy { $0.createdAt == Self.now && $0.updatedAt == Self.now && $0.version == 0 })
    }

    @Test("fractional bucketed by flag key and user.name assigns what flagd assigns", arguments: [
        ("jack", "hearts"), ("queen", "spades"), ("ten", "clubs"), ("nine", "diamonds"), ("3", "clubs"),
    ])
    func fractionalByAttribute(name: String, expected: String) throws {
        let result = try Self.evaluator().evaluate(
            "fractional-flag", context: EvaluationContext(attributes: ["user": .object(["name": .string(name)])])
        )
        #expect(result.variant == expected)
        #expect(result.value == .string(expected))
        // flagd has no SPLIT: a fractional's share is a targeting match.
        #expect(result.reason == .targetingMatch)
    }

    @Test("shorthand fractional shares weigh 1 and hash the targeting key as flagd does", arguments: [
        ("jon@company.com", "heads"), ("jane@company.com", "tails"),
    ])
    func fractionalShorthand(targetingKey: String, expected: String) throws {
        #expect(try value("fractional-flag-shorthand", targetingKey: targetingKey) == .string(expected))
    }

    @Test("a flagd flag keeps its JsonLogic as written and the current fractional algorithm")
    func keepsExpression() throws {
        let flag = try #require(try Self.imported()["fractional-flag"])
        #expect(flag.flagdTargeting?.expression == .object([
            "fractional": .array([
                .object(["cat": .array([.object(["var": "$flagd.flagKey"]), .object(["var": "user.name"])])]),
                .array(["clubs", 25]), .array(["diamonds", 25]), .array(["hearts", 25]), .array(["spades", 25]),
            ]),
        ]))
        #expect(flag.flagdTargeting?.fractional == .v2)
        #expect(flag.rules.isEmpty && flag.rollout == nil && flag.entitlements.isEmpty && flag.overrides.isEmpty)
    }

    @Test("an if chain with in, ends_with and a nested else becomes rules in order")
    func emailTargeting() throws {
        #expect(try value("background-color", ["email": "rachel@faas.com"]) == "#00FF00")
        #expect(try value("background-color", ["email": "ross@example.com", "country": "NZ"]) == "#0000FF")
        #expect(try value("background-color", ["email": "joey@acme.com", "country": "AU"]) == "#FFFF00")
        let otherwise = try Self.evaluator().evaluate("background-color", context: EvaluationContext(attributes: ["email": "x@y.z"]))
        #expect(otherwise.variant == "red")
        #expect(otherwise.reason == .default)
    }

    @Test("a $ref to a shared evaluator is put in place")
    func sharedEvaluator() throws {
        #expect(try value("some-email-targeted-flag", ["email": "ballmer@macrosoft.com"]) == "hi")
        #expect(try value("some-email-targeted-flag", ["email": "gates@macrosoft.com"]) == "none")
    }

    @Test("starts_with and ends_with, ending with the default variant", arguments: [
        ("abc123", "prefix"), ("123xyz", "postfix"), ("abcxyz", "prefix"), ("123", "none"),
    ])
    func startsAndEnds(id: String, expected: String) throws {
        #expect(try value("starts-ends-flag", ["id": .string(id)]) == .string(expected))
    }

    @Test("sem_ver =, > and < compare as flagd compares", arguments: [
        ("2.0.0", "equal"), ("2.1.0", "greater"), ("1.9.0", "lesser"), ("2.0.0-alpha", "lesser"), ("2.0.0.0", "none"),
    ])
    func semanticVersions(version: String, expected: String) throws {
        #expect(try value("equal-greater-lesser-version-flag", ["version": .string(version)]) == .string(expected))
    }

    @Test("sem_ver ~ matches the minor version and ^ the major", arguments: [
        ("3.0.1", "minor"), ("3.1.0", "major"), ("4.0.0", "none"), ("3.0.0-rc.1", "minor"), ("2.9.9", "none"),
    ])
    func semanticRanges(version: String, expected: String) throws {
        #expect(try value("major-minor-version-flag", ["version": .string(version)]) == .string(expected))
    }

    @Test("sem_ver edge cases: v prefix, partial versions, build metadata", arguments: [
        ("semver-v-prefix-flag", "1.0.0", "match"), ("semver-v-prefix-flag", "v1.0.0", "match"), ("semver-v-prefix-flag", "2.0.0", "no-match"),
        ("semver-partial-version-flag", "1.5.0", "match"), ("semver-partial-version-flag", "1.0.0", "match"),
        ("semver-partial-version-flag", "2.0.0", "no-match"),
        ("semver-build-metadata-flag", "1.0.0", "match"), ("semver-build-metadata-flag", "1.0.0+other", "match"),
        ("semver-build-metadata-flag", "2.0.0", "no-match"),
    ])
    func semanticEdgeCases(key: String, version: String, expected: String) throws {
        #expect(try value(key, ["version": .string(version)]) == .string(expected))
    }

    @Test("targetingKey is readable in a condition")
    func targetingKeyCondition() throws {
        #expect(try value("targeting-key-flag", targetingKey: "5c3d8535-f81a-4478-a6d3-afaa4d51199e") == "hit")
        #expect(try value("targeting-key-flag", targetingKey: "someone-else") == "miss")
    }

    @Test("types are inferred from the variants; numbers with a fraction make a double flag")
    func inferredTypes() throws {
        let flags = try Self.imported()
        #expect(flags["show-welcome-banner"]?.type == .boolean)
        #expect(flags["background-color"]?.type == .string)
        #expect(flags["integer-flag"]?.type == .integer)
        #expect(flags["float-flag"]?.type == .double)
        #expect(flags["float-zero-flag"]?.type == .double)
        #expect(flags["float-zero-flag"]?.variants == ["zero": .double(0), "non-zero": .double(1)])
        #expect(flags["object-flag"]?.type == .object)
        #expect(try value("integer-flag") == .integer(10))
        #expect(try value("object-flag") == .object(["showImages": true, "title": "Check out these pics!", "imagesPerPage": 100]))
    }

    @Test("static flags are static, DISABLED is the kill switch, metadata is kept")
    func stateAndMetadata() throws {
        let flags = try Self.imported()
        let banner = try #require(flags["show-welcome-banner"])
        #expect(banner.isStatic)
        #expect(banner.isEnabled)
        let metadata = try #require(flags["metadata-flag"])
        #expect(!metadata.isEnabled)
        #expect(metadata.metadata == ["string": "1.0.2", "integer": 2, "boolean": true, "float": 0.1])
        #expect(metadata.description == "")
        // flagd (v0.16 on) leaves a disabled flag to the caller's own default.
        let result = try Self.evaluator().evaluate("metadata-flag", context: EvaluationContext())
        #expect(result.reason == .disabled)
        #expect(result.usesCallerDefault)
        #expect(result.metadata == metadata.metadata)
    }

    // MARK: Shapes flagd users write

    static func single(_ definition: String, evaluators: String = "{}") -> Data {
        Data(#"{"flags": {"f": \#(definition)}, "$evaluators": \#(evaluators)}"#.utf8)
    }

    static func importSingle(_ definition: String, evaluators: String = "{}") throws -> Flag {
        try #require(try FlagdDocument.importFlags(single(definition, evaluators: evaluators), now: now).first)
    }

    /// A flag as Tenantry exports it (`tenantry.type`), so its targeting is read as Tenantry's own.
    static let abc = #""state": "ENABLED", "variants": {"a": "A", "b": "B", "c": "C"}, "defaultVariant": "a", "metadata": {"tenantry.type": "string"}"#

    @Test("leading tenant.id branches become overrides and trailing tenant.plan branches entitlements")
    func overridesAndEntitlements() throws {
        let flag = try Self.importSingle(
            #"""
            {\#(Self.abc), "targeting": {"if": [
              {"===": ["0e2b7c9a-5a0d-4c39-9f5b-3c1d2e4f5a6b", {"var": "tenant.id"}]}, "b",
              {"in": [{"var": ["tenant.id"]}, ["1f3c8dab-6b1e-4d4a-8a6c-4d2e3f506b7c", "0e2b7c9a-5a0d-4c39-9f5b-3c1d2e4f5a6b"]]}, "c",
              {"==": [{"var": "tenant.id"}, "2A4D9EBC-7C2F-4E5B-9B7D-5E3F40617C8D"]}, "c",
              {"==": [{"var": "tenant.plan"}, "free"]}, "b",
              {">=": [{"var": "seats"}, 10]}, "c",
              {"in": [{"var": "tenant.plan"}, ["pro", "team"]]}, "b",
              {"==": [{"var": "tenant.plan"}, "enterprise"]}, "c",
              {"==": [{"var": "tenant.plan"}, "pro"]}, "c"
            ]}}
            """#
        )
        let a = try #require(UUID(uuidString: "0e2b7c9a-5a0d-4c39-9f5b-3c1d2e4f5a6b"))
        let b = try #require(UUID(uuidString: "1f3c8dab-6b1e-4d4a-8a6c-4d2e3f506b7c"))
        // The first branch naming a tenant is the one that matches.
        #expect(flag.overrides == [a: "b", b: "c"])
        // An upper-case id never equals tenant.id, so that branch stays a rule (that never
        // matches), and so does the plan branch before a non-plan one.
        #expect(flag.rules.map(\.condition) == [
            .compare(attribute: "tenant.id", operator: .equals, value: "2A4D9EBC-7C2F-4E5B-9B7D-5E3F40617C8D"),
            .compare(attribute: "tenant.plan", operator: .equals, value: "free"),
            .compare(attribute: "seats", operator: .greaterThanOrEqual, value: 10),
        ])
        #expect(flag.entitlements == ["pro": "b", "team": "b", "enterprise": "c"])
        #expect(flag.rollout == nil)
    }

    @Test("hand-written spellings map to the same conditions")
    func spellings() throws {
        let flag = try Self.importSingle(
            #"""
            {\#(Self.abc), "targeting": {"if": [
              {"!": {"==": [{"var": "plan"}, "free"]}}, "b",
              {"!": [{"in": [{"var": "country"}, ["NZ"]]}]}, "b",
              {"<": [18, {"var": "age"}, 65]}, "b",
              {"<=": [10, {"var": "seats"}]}, "b",
              {"sem_ver": [{"var": "app"}, "!=", "2.1"]}, "b",
              {"and": [{"!==": [{"var": "a"}, 1]}, {"or": [{">": [{"var": "b"}, 2]}]}]}, "c"
            ]}}
            """#
        )
        func compare(_ attribute: String, _ comparison: ComparisonOperator, _ value: JSONValue) -> Condition {
            .compare(attribute: attribute, operator: comparison, value: value)
        }
        #expect(flag.rules.map(\.condition) == [
            compare("plan", .notEquals, "free"),
            compare("country", .notIn, .array(["NZ"])),
            .all([compare("age", .greaterThan, 18), compare("age", .lessThan, 65)]),
            compare("seats", .greaterThanOrEqual, 10),
            .any([compare("app", .semverLessThan, "2.1.0"), compare("app", .semverGreaterThan, "2.1.0")]),
            .all([compare("a", .notEquals, 1), .any([compare("b", .greaterThan, 2)])]),
        ])
    }

    @Test("a fractional with a null share falls through to the default; a guarded one to the entitlements")
    func fallThroughShares() throws {
        let bare = try Self.importSingle(#"{\#(Self.abc), "targeting": {"fractional": [["b", 10], [null, 90]]}}"#)
        #expect(bare.rollout == .percentage(10, of: "b"))
        let guarded = try Self.importSingle(
            #"""
            {\#(Self.abc), "targeting": {"if": [
              {"!=": [{"fractional": [["c", 5], ["$tenantry.fall-through", 95]]}, "$tenantry.fall-through"]},
              {"fractional": [["c", 5], ["$tenantry.fall-through", 95]]},
              {"==": [{"var": "tenant.plan"}, "pro"]}, "b"
            ]}}
            """#
        )
        #expect(guarded.rollout == .percentage(5, of: "c"))
        #expect(guarded.entitlements == ["pro": "b"])
    }

    @Test("prerequisites, type and description come back out of the metadata")
    func tenantryMetadata() throws {
        let flag = try Self.importSingle(
            #"""
            {"state": "ENABLED", "variants": {"low": 1, "high": 2}, "defaultVariant": "low",
             "metadata": {"tenantry.type": "double", "tenantry.prerequisites": "gate=on, region=eu", "description": "Limits", "owner": "core"}}
            """#
        )
        #expect(flag.type == .double)
        #expect(flag.variants == ["low": .double(1), "high": .double(2)])
        #expect(flag.prerequisites == [
            Prerequisite(flag: try FlagKey("gate"), variant: "on"), Prerequisite(flag: try FlagKey("region"), variant: "eu"),
        ])
        #expect(flag.description == "Limits")
        #expect(flag.metadata == ["owner": "core"])
    }

    // MARK: Refusals

    static let refusals: [(String, String)] = [
        (
            #"{"state": "ENABLED", "variants": {"a": true, "b": "x", "c": 1}, "defaultVariant": "a"}"#,
            #"flag f: variants mix types ("a" is boolean, "b" is string, "c" is integer); a flag's variants share one type"#
        ),
        (
            #"{"state": "ENABLED", "variants": {"a": [1]}, "defaultVariant": "a"}"#,
            #"flag f: variant "a" is array; flagd variants are booleans, strings, numbers or objects"#
        ),
        (
            #"{"state": "ON", "variants": {"a": true}, "defaultVariant": "a"}"#,
            #"flag f: state must be "ENABLED" or "DISABLED""#
        ),
        (
            #"{"state": "ENABLED", "variants": {"a": true}, "defaultVariant": "b"}"#,
            #"flag f: default variant "b" is not one of a"#
        ),
        (
            #"{"state": "ENABLED", "variants": {"a": true}, "defaultVariant": 1}"#,
            "flag f: defaultVariant must name one of the variants, not integer"
        ),
        (
            #"{"state": "ENABLED", "variants": {"a": true}, "metadata": {"tenantry.fractional": "v9"}}"#,
            #"flag f: metadata tenantry.fractional "v9" is not one of v1, v2"#
        ),
        (
            #"{\#(abc), "targeting": {"if": [{"regex_match": [{"var": "email"}, ".*"]}, "b", null]}}"#,
            #"flag f: cannot import targeting: branch 1: unknown operator "regex_match""#
        ),
        (
            #"{\#(abc), "targeting": {"if": [{"==": [{"var": "x"}, 1]}, "b", {"==": [{"var": "x"}, 2]}, "purple"]}}"#,
            #"flag f: cannot import targeting: branch 2 serves "purple", which is not a variant of the flag"#
        ),
        (
            #"{\#(abc), "targeting": {"if": [{"in": ["@faas.com", {"var": ["email"]}]}, {"fractional": [["b", 50], ["c", 50]]}, null]}}"#,
            "flag f: cannot import targeting: branch 1 rolls out only under a condition; Tenantry's rollout covers everyone no override or rule matched"
        ),
        (
            #"{\#(abc), "targeting": {"fractional": [{"var": "email"}, ["b", 50], ["c", 50]]}}"#,
            #"flag f: cannot import targeting: fractional buckets by {"var":"email"}; Tenantry hashes the flag key followed by one attribute, so use no bucketing expression or {"cat": [{"var": "$flagd.flagKey"}, {"var": "<attribute>"}]}"#
        ),
        (
            #"{\#(abc), "targeting": {"fractional": [["b", 50], ["purple", 50]]}}"#,
            #"flag f: cannot import targeting: fractional names "purple", which is not a variant of the flag"#
        ),
        (
            #"{\#(abc), "targeting": {"fractional": [["b", 1], ["$tenantry.padding", 3]]}}"#,
            #"flag f: cannot import targeting: the $tenantry.padding share must weigh 0, not ["$tenantry.padding",3]"#
        ),
        (
            #"{\#(abc), "targeting": {"if": [{"==": [{"var": "x"}, 1]}, "b", "c"]}}"#,
            #"flag f: cannot import targeting: the chain serves "c" to everyone no branch matches, but Tenantry serves the default variant "a" then; make "c" the default variant or end the chain with null"#
        ),
        (
            #"{\#(abc), "targeting": {"if": [{"$ref": "nope"}, "b", null]}}"#,
            #"flag f: cannot import targeting: $ref "nope" names no evaluator in $evaluators"#
        ),
        (
            #"{\#(abc), "targeting": {"if": [{"var": "beta"}, "b", null]}}"#,
            #"flag f: cannot import targeting: branch 1: a bare var tests truthiness, which Tenantry cannot express; compare it instead, e.g. {"==": [{"var":"beta"}, true]}"#
        ),
        (
            #"{\#(abc), "targeting": {"if": [{"==": [{"var": ["email", "none"]}, "x"]}, "b", null]}}"#,
            #"flag f: cannot import targeting: branch 1: var with a default value ({"var":["email","none"]}) cannot be imported: Tenantry never matches a missing attribute"#
        ),
        (
            #"{\#(abc), "targeting": {"if": [{"!=": [{"fractional": [["b", 1], ["$tenantry.fall-through", 1]]}, "$tenantry.fall-through"]}, {"fractional": [["b", 1], ["$tenantry.fall-through", 1]]}, {"==": [{"var": "email"}, "x"]}, "c"]}}"#,
            "flag f: cannot import targeting: branch 2 comes after the rollout but is not a tenant.plan entitlement; Tenantry evaluates every rule before the rollout"
        ),
        (
            #"{\#(abc), "targeting": {"if": [{"==": [{"var": "x"}, {"var": "y"}]}, "b", null]}}"#,
            #"flag f: cannot import targeting: branch 1: "==" compares {"var":"x"} with {"var":"y"}; Tenantry compares one attribute with a fixed value"#
        ),
        (
            #"{\#(abc), "targeting": {"if": [{"==": [{"var": "$flagd.timestamp"}, 1]}, "b", null]}}"#,
            "flag f: cannot import targeting: branch 1: $flagd.timestamp is flagd's own property; Tenantry conditions cannot read it"
        ),
        (
            #"{\#(abc), "targeting": {"if": [{"sem_ver": [{"var": "v"}, "=", "latest"]}, "b", null]}}"#,
            #"flag f: cannot import targeting: branch 1: sem_ver needs a version such as 1.4.0, not "latest""#
        ),
        (
            #"{\#(abc), "targeting": {"if": [{"==": [{"var": "x"}, 1]}, null, null]}}"#,
            "flag f: cannot import targeting: branch 1 serves null (flagd's default, reason DEFAULT), which a Tenantry rule cannot; serve the default variant by name"
        ),
        (
            #"{"state": "ENABLED", "variants": {"a": "x"}, "defaultVariant": "a", "metadata": {"tenantry.type": "boolean"}}"#,
            #"flag f: variant "a" is string, not boolean"#
        ),
        (
            #"{"state": "ENABLED", "variants": {"a": "x"}, "defaultVariant": "a", "metadata": {"tenantry.type": "text"}}"#,
            #"flag f: metadata tenantry.type "text" is not one of boolean, string, integer, double, object"#
        ),
        (
            #"{"state": "ENABLED", "variants": {"a": "x"}, "defaultVariant": "a", "metadata": {"tenantry.prerequisites": "gate"}}"#,
            #"flag f: metadata tenantry.prerequisites entry "gate" is not flag=variant"#
        ),
    ]

    @Test("what Tenantry cannot evaluate the same way is refused, naming the flag and the reason", arguments: refusals)
    func refusal(definition: String, message: String) {
        #expect(throws: FlagError.invalidDefinition(message)) {
            try FlagdDocument.importFlags(Self.single(definition), now: Self.now)
        }
    }

    @Test("documents that are not flagd documents are refused")
    func notADocument() {
        #expect(throws: FlagError.invalidDefinition("not a flagd document: expected a member name in double quotes at line 1, column 12")) {
            try FlagdDocument.importFlags(Data(#"{"flags": {]"#.utf8), now: Self.now)
        }
        #expect(throws: FlagError.invalidDefinition("not a flagd document: it needs a \"flags\" object")) {
            try FlagdDocument.importFlags(Data(#"{"flag": {}}"#.utf8), now: Self.now)
        }
        #expect(throws: FlagError.self) {
            try FlagdDocument.importFlags(Data(#"{"flags": {"my bool flag": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"}}}"#.utf8), now: Self.now)
        }
    }

    @Test("flagd's camelCase keys import as they are")
    func camelCaseKeys() throws {
        let flags = try FlagdDocument.importFlags(
            Data(#"{"flags": {"myBoolFlag": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"}}}"#.utf8), now: Self.now
        )
        #expect(flags.map(\.key.rawValue) == ["myBoolFlag"])
        #expect(FlagEvaluator(catalog: FlagCatalog(flags: flags)).evaluate("myBoolFlag", context: EvaluationContext()).value == true)
    }

    @Test("an empty flags object imports nothing")
    func emptyDocument() throws {
        #expect(try FlagdDocument.importFlags(Data(#"{"flags": {}}"#.utf8), now: Self.now).isEmpty)
    }
}
