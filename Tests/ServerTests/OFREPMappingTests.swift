import FeatureFlags
import Foundation
import TenantryServer
import Testing

/// The results the server never produces from a valid catalog still have an OFREP shape the
/// specification allows (the live routes are covered by the suites validated against it).
@Suite("OFREP mapping of results the live routes cannot produce")
struct OFREPMappingTests {
    let evaluator = FlagEvaluator(catalog: FlagCatalog(flags: [
        Flag(key: try! FlagKey("toggle"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off"),
    ]))

    func code(_ evaluation: OFREPEvaluation) -> String? {
        guard case .object(let members)? = try? JSONReader.parse(evaluation.body), case .string(let code)? = members["errorCode"] else { return nil }
        return code
    }

    func bulkItem(_ evaluation: OFREPEvaluation) throws -> JSONValue {
        var output: [UInt8] = []
        evaluation.append(to: &output, asBulkItem: true)
        return try JSONReader.parse(output)
    }

    @Test("TYPE_MISMATCH, which OFREP has no code for, is a 400 evaluationFailure with GENERAL")
    func typeMismatch() {
        let result = evaluator.evaluate("toggle", as: .string, context: EvaluationContext())
        #expect(result.errorCode == .typeMismatch)
        let evaluation = OFREPEvaluation(result)
        #expect(evaluation.status == .badRequest)
        #expect(code(evaluation) == "GENERAL")
    }

    @Test("FLAG_NOT_FOUND is 404 for one flag, and GENERAL inside a bulk response (evaluationFailure has no FLAG_NOT_FOUND)")
    func flagNotFound() throws {
        let evaluation = OFREPEvaluation(evaluator.evaluate("missing", context: EvaluationContext()))
        #expect(evaluation.status == .notFound)
        #expect(code(evaluation) == "FLAG_NOT_FOUND")
        guard case .object(let item) = try bulkItem(evaluation) else {
            Issue.record("a bulk item is an object")
            return
        }
        #expect(item["errorCode"] == "GENERAL")
        #expect(item["key"] == "missing")
    }

    @Test("every Tenantry error code has an OFREP code")
    func everyCodeMaps() {
        let mapped = Set(EvaluationErrorCode.allCases.map { OFREPErrorCode($0).rawValue })
        #expect(mapped == ["FLAG_NOT_FOUND", "PARSE_ERROR", "TARGETING_KEY_MISSING", "INVALID_CONTEXT", "GENERAL"])
    }

    @Test("each evaluation is written straight to JSON, byte for byte what JSONWriter writes for the same members")
    func writtenDirectly() throws {
        let toggle = Flag(key: try FlagKey("toggle"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off")
        let described = Flag(
            key: try FlagKey("described"), type: .string, variants: ["a": "A \"quoted\"", "b": "é\u{1F600}"], defaultVariant: "a",
            rules: [TargetingRule(name: "se", condition: .compare(attribute: "country", operator: .equals, value: "se"), variant: "b")],
            metadata: ["owner": "web", "ticket": 42, "ratio": 0.5, "beta": true]
        )
        let codeDefault = Flag(key: try FlagKey("code-default"), type: .integer, variants: ["one": 1], defaultVariant: nil)
        // A flag's own `tenantry.reason` gives way to the reason written there, never stands beside it.
        let ownReason = Flag(
            key: try FlagKey("own-reason"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
            rules: [TargetingRule(name: "se", condition: .compare(attribute: "country", operator: .equals, value: "se"), variant: "on")],
            metadata: [OFREPEvaluation.originalReasonKey: "the flag's own", "z": 1]
        )
        let evaluator = FlagEvaluator(catalog: FlagCatalog(flags: [toggle, described, codeDefault, ownReason]))
        let results = [
            evaluator.evaluate("toggle", context: EvaluationContext()),
            evaluator.evaluate("described", context: EvaluationContext(attributes: ["country": "se"])),
            evaluator.evaluate("described", context: EvaluationContext(attributes: ["country": "de"])),
            evaluator.evaluate("code-default", context: EvaluationContext()),
            evaluator.evaluate("described", as: .boolean, context: EvaluationContext()),
            evaluator.evaluate("missing", context: EvaluationContext()),
            evaluator.evaluate("own-reason", context: EvaluationContext()),
            evaluator.evaluate("own-reason", context: EvaluationContext(attributes: ["country": "se"])),
        ]
        #expect(results.map(\.reason) == [.static, .targetingMatch, .default, .static, .error, .error, .default, .targetingMatch])
        #expect(String(decoding: OFREPEvaluation(results[6]).body, as: UTF8.self).contains(#""metadata":{"tenantry.reason":"DEFAULT","z":1}"#))
        #expect(results[3].value == nil)
        for result in results {
            let evaluation = OFREPEvaluation(result)
            for asBulkItem in [false, true] {
                var written: [UInt8] = []
                evaluation.append(to: &written, asBulkItem: asBulkItem)
                let expected = JSONWriter.bytes(Self.members(of: evaluation, reason: result.reason, asBulkItem: asBulkItem))
                #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
            }
            #expect(evaluation.body == JSONWriter.bytes(Self.members(of: evaluation, reason: result.reason, asBulkItem: false)))
        }
    }

    /// The members of an evaluation as a dictionary: how the body was built before it was
    /// written directly, kept here as the reference.
    static func members(of evaluation: OFREPEvaluation, reason: EvaluationReason, asBulkItem: Bool) -> JSONValue {
        var members: [String: JSONValue] = ["key": .string(evaluation.key)]
        var metadata = evaluation.metadata.filter {
            switch $0.value {
            case .bool, .integer, .double, .string: true
            case .null, .array, .object: false
            }
        }
        switch evaluation.outcome {
        case .success(let value, let reason, let variant):
            members["value"] = value
            members["reason"] = .string(reason.rawValue)
            members["variant"] = variant.map(JSONValue.string)
        case .failure(let code, let details):
            members["errorCode"] = .string((asBulkItem && code == .flagNotFound ? OFREPErrorCode.general : code).rawValue)
            members["errorDetails"] = .string(details)
        }
        if reason == .default { metadata[OFREPEvaluation.originalReasonKey] = "DEFAULT" }
        if !metadata.isEmpty { members["metadata"] = .object(metadata) }
        return .object(members)
    }
}
