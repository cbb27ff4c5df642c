/// How flagd's `fractional` turns a bucketing key into a share. A flag keeps the algorithm it
/// was defined or imported with (it is recorded in its events), so changing flagd releases
/// never reshuffles its users.
public enum FractionalAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
    /// flagd v0.11.0 to v0.14.x: the signed 32-bit hash as a fraction of `Int32.max`, in
    /// percent, walked over the shares' percentages. Shares name variants by text only.
    case v1
    /// flagd v0.15.0 and later (the current release): the unsigned hash scaled to the total
    /// weight, `(hash × total) >> 32`, walked over the integer weights; shares may name
    /// variants by text, boolean, number or null, and negative weights count as 0.
    case v2

    /// What new flags get: the algorithm of the current flagd release.
    public static let current = FractionalAlgorithm.v2
}
