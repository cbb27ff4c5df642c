/// One numbered schema change, applied once and recorded.
public struct Migration: Sendable, Hashable {
    /// Applied in ascending order; never reused.
    public let version: Int
    /// Short and descriptive, e.g. `event_store`.
    public let name: String
    /// The script, run in one transaction as the schema owner.
    public let sql: String

    /// A migration from its number, name and script.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// A fingerprint of the script (FNV-1a, 64 bit), recorded so that editing an applied
    /// migration is caught instead of silently diverging.
    public var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
