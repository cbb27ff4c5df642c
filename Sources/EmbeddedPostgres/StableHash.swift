/// FNV-1a (64-bit) over UTF-8 bytes.
///
/// Swift's `Hasher` is seeded per process, so it cannot name a directory that a different process
/// (another `tenantry` invocation, a test runner) has to find again.
enum StableHash {
    /// The first 12 hex digits of the hash of `text`.
    static func hex12(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - hex.count)) + hex
        return String(padded.prefix(12))
    }
}
