import FeatureFlags
import Metrics

/// `tenantry_flag_evaluations_total{outcome}`: flag evaluations served, by reason or error code
/// (a bounded set: never the flag key or the tenant). The counters are made once, so counting
/// on the request path is one atomic add, no registry lookup.
struct EvaluationCounters: Sendable {
    private let counters: [String: Counter]

    init() {
        let outcomes = EvaluationReason.allCases.map(\.rawValue) + EvaluationErrorCode.allCases.map(\.rawValue)
        counters = Dictionary(uniqueKeysWithValues: outcomes.map { outcome in
            (outcome, Counter(label: "tenantry_flag_evaluations_total", dimensions: [("outcome", outcome)]))
        })
    }

    func record(_ result: EvaluationResult) {
        counters[result.errorCode?.rawValue ?? result.reason.rawValue]?.increment()
    }
}
