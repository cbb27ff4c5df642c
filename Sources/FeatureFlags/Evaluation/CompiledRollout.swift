/// A `Rollout` with its total, the upper bound of each split summed once and each split's
/// variant resolved to its value.
struct CompiledRollout: Sendable {
    let bucketBy: String?
    /// Where `bucketBy` is found in a context, decided once.
    let bucketByAttribute: AttributeReference?
    let total: Int
    let splits: [(upperBound: Int, served: ServedVariant?)]
    /// The bucketing hash after the flag's key: only the bucketing value is hashed per call.
    let flagKeyHash: MurmurHash3.Streaming

    init(_ rollout: Rollout, flagKey: String, variants: [String: JSONValue]) {
        bucketBy = rollout.bucketBy
        bucketByAttribute = rollout.bucketBy.map(AttributeReference.init)
        flagKeyHash = FlagBucketing.prefix(flagKey: flagKey)
        // Validated rollouts are always in range; an unvalidated one serves nothing, never traps.
        let usable = (1...Rollout.maximumTotalWeight).contains(rollout.totalWeight) && rollout.splits.allSatisfy { $0.weight >= 0 }
        total = usable ? rollout.totalWeight : 0
        var upper = 0
        splits = usable ? rollout.splits.map { split in
            upper += split.weight
            return (upper, ServedVariant(split.variant, of: variants))
        } : []
    }

    /// The variant of the split `value` falls into; nil for the share not rolled out.
    func variant(for value: String) -> ServedVariant? {
        guard total > 0 else { return nil }
        let bucket = FlagBucketing.bucket(after: flagKeyHash, value: value, totalWeight: total)
        for index in splits.indices where bucket < splits[index].upperBound { return splits[index].served }
        return nil
    }
}
