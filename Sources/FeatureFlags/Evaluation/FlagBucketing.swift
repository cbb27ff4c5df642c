/// Sticky bucketing exactly as flagd's `fractional` (v2) does it, so flags imported from flagd
/// keep their assignments: MurmurHash3 x86_32 with seed 0 over the UTF-8 of flag key followed
/// by the bucketing value, scaled to the total weight as
/// `bucket = (UInt64(hash) * totalWeight) >> 32`.
public enum FlagBucketing {
    /// The bucket, in `0..<totalWeight`, of `flagKey + value`.
    public static func bucket(flagKey: String, value: String, totalWeight: Int) -> Int {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(flagKey.utf8.count + value.utf8.count)
        bytes.append(contentsOf: flagKey.utf8)
        bytes.append(contentsOf: value.utf8)
        return bucket(hashing: bytes, totalWeight: totalWeight)
    }

    private static func bucket(hashing bytes: [UInt8], totalWeight: Int) -> Int {
        let hash = MurmurHash3.x86_32(bytes)
        return Int((UInt64(hash) * UInt64(totalWeight)) >> 32)
    }
}
