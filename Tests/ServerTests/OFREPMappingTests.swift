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
        guard case .object(let members) = evaluation.body, case .string(let code)? = members["errorCode"] else { return nil }
        return code
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
    func flagNotFound() {
        let evaluation = OFREPEvaluation(evaluator.evaluate("missing", context: EvaluationContext()))
        #expect(evaluation.status == .notFound)
        #expect(code(evaluation) == "FLAG_NOT_FOUND")
        guard case .object(let item) = evaluation.bulkItem else {
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
}
