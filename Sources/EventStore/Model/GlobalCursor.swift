/// A place in the global feed: the pair (writing transaction id, position).
///
/// Subscriptions deliver events ordered by this pair and only below the oldest transaction
/// still running, so every event that will ever sort before a cursor already has; a stored
/// cursor is a checkpoint that can never skip an event.
public struct GlobalCursor: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var transactionID: UInt64
    public var position: Int64

    public init(transactionID: UInt64, position: Int64) {
        self.transactionID = transactionID
        self.position = position
    }

    /// Before every event.
    public static let start = GlobalCursor(transactionID: 0, position: 0)

    public static func < (lhs: GlobalCursor, rhs: GlobalCursor) -> Bool {
        (lhs.transactionID, lhs.position) < (rhs.transactionID, rhs.position)
    }

    public var description: String { "\(transactionID)/\(position)" }
}
