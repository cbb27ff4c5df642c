/// Sticky bucketing exactly as flagd's `fractional` (v2) does it, so flags imported from flagd
/// keep their assignments: MurmurHash3 x86_32 with seed 0 over the UTF-8 of flag key followed
/// by the bucketing value, scaled to the total weight as
/// `bucket = (UInt64(hash) * totalWeight) >> 32`.
public enum FlagBucketing {
    /// The bucket, in `0..<totalWeight`, of `flagKey + value`.
    public static func bucket(flagKey: String, value: String, totalWeight: Int) -> Int {
        bucket(after: prefix(flagKey: flagKey), value: value, totalWeight: totalWeight)
    }

    /// The hash state after a flag's key, computed once per flag (a compiled rollout keeps it).
    static func prefix(flagKey: String) -> MurmurHash3.Streaming {
        var hasher = MurmurHash3.Streaming()
        hasher.combine(flagKey)
        return hasher
    }

    /// The bucket of `value` after a flag key already hashed into `prefix`.
    static func bucket(after prefix: MurmurHash3.Streaming, value: String, totalWeight: Int) -> Int {
        var hasher = prefix
        hasher.combine(value)
        return Int((UInt64(hasher.finalize()) * UInt64(totalWeight)) >> 32)
    }
}
