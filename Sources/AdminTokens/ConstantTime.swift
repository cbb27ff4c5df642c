/// Comparisons whose duration does not depend on where two secrets' digests first differ, so
/// timing a refused request teaches an attacker nothing about a stored digest.
enum ConstantTime {
    /// Whether `left` and `right` are equal, looking at every byte whatever the outcome (only
    /// the lengths, which are public for SHA-256 digests, end it early).
    static func equals(_ left: String, _ right: String) -> Bool {
        let leftBytes = Array(left.utf8)
        let rightBytes = Array(right.utf8)
        guard leftBytes.count == rightBytes.count else { return false }
        var difference: UInt8 = 0
        for index in leftBytes.indices { difference |= leftBytes[index] ^ rightBytes[index] }
        return difference == 0
    }
}
