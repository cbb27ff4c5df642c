/// A sticky percentage rollout: each targeting key falls into one bucket of `totalWeight`,
/// always the same one for the same flag key and targeting key (flagd's `fractional`).
///
/// Splits are walked in order over cumulative weights. A split without a variant is the part
/// not rolled out: evaluation falls through to the plan entitlement and the default. Raising
/// 10 % to 20 % keeps the first 10 % in, because a bucket below 10 is also below 20.
public struct Rollout: Sendable, Hashable, Codable {
    public struct Split: Sendable, Hashable, Codable {
        /// The variant served, or nil for "not rolled out: fall through".
        public var variant: String?
        public var weight: Int

        public init(variant: String?, weight: Int) {
            self.variant = variant
            self.weight = weight
        }
    }

    public var splits: [Split]
    /// The context attribute whose value is hashed instead of the targeting key (e.g.
    /// `email`); nil hashes the targeting key (the tenant id unless the caller gives one).
    public var bucketBy: String?

    public init(splits: [Split], bucketBy: String? = nil) {
        self.splits = splits
        self.bucketBy = bucketBy
    }

    /// `percent` % of keys get `variant`, the rest fall through.
    public static func percentage(_ percent: Int, of variant: String, bucketBy: String? = nil) -> Rollout {
        Rollout(
            splits: [Split(variant: variant, weight: percent), Split(variant: nil, weight: 100 - percent)],
            bucketBy: bucketBy
        )
    }

    /// Enough for splits of a ten-thousandth of a percent.
    public static let maximumTotalWeight = 1_000_000

    /// The sum of the weights (saturating, so an unvalidated rollout cannot trap here).
    public var totalWeight: Int {
        splits.reduce(0) { sum, split in
            let (total, overflow) = sum.addingReportingOverflow(split.weight)
            return overflow ? .max : total
        }
    }

    /// The share of keys given `variant`, in percent.
    public func percent(of variant: String) -> Double {
        let total = totalWeight
        guard total > 0 else { return 0 }
        return Double(splits.filter { $0.variant == variant }.reduce(0) { $0 + $1.weight }) * 100 / Double(total)
    }

    /// Why the rollout is unusable, or nil when it is well-formed.
    func problem(variants: [String: JSONValue]) -> String? {
        if splits.isEmpty { return "a rollout needs at least one split" }
        if let negative = splits.first(where: { $0.weight < 0 }) { return "rollout weight \(negative.weight) is negative" }
        // Checked one by one first, so the sum below cannot overflow.
        if splits.count > 1000 || splits.contains(where: { $0.weight > Self.maximumTotalWeight }) || totalWeight > Self.maximumTotalWeight {
            return "rollout weights add up to more than \(Self.maximumTotalWeight)"
        }
        if totalWeight <= 0 { return "rollout weights add up to zero" }
        if let unknown = splits.compactMap(\.variant).first(where: { variants[$0] == nil }) {
            return "rollout names unknown variant \"\(unknown)\""
        }
        if let bucketBy, bucketBy.isEmpty { return "rollout bucket attribute is empty" }
        return nil
    }

    /// The split that `bucketingValue` falls into for flag `flagKey`, flagd-compatibly (see
    /// `FlagBucketing`).
    func split(flagKey: String, bucketingValue: String) -> Split? {
        // Validated rollouts are always in range; an unvalidated one serves nothing, never traps.
        let total = totalWeight
        guard (1...Self.maximumTotalWeight).contains(total), splits.allSatisfy({ $0.weight >= 0 }) else { return nil }
        let bucket = FlagBucketing.bucket(flagKey: flagKey, value: bucketingValue, totalWeight: total)
        var upper = 0
        for split in splits {
            upper += split.weight
            if bucket < upper { return split }
        }
        return nil
    }
}
