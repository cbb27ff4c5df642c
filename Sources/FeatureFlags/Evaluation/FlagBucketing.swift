/// Sticky bucketing exactly as flagd's `fractional` (v2) does it, so flags imported from flagd
/// keep their assignments: MurmurHash3 x86_32 with seed 0 over the UTF-8 of flag key followed
/// by the bucketing value, scaled to the total weight as
/// `bucket = (UInt64(hash) * totalWeight) >> 32`.
public enum FlagBucketing {
    /// The bucket, in `0..<totalWeight`, of `flagKey + value`.
    public static func bucket(flagKey: String, value: String, totalWeight: Int) -> Int {
        var hasher = MurmurHash3.Streaming()
        hasher.combine(flagKey.utf8)
        hasher.combine(value.utf8)
        return Int((UInt64(hasher.finalize()) * UInt64(totalWeight)) >> 32)
    }
}
