/// Why a move between cells stopped: the copy did not add up, or the tenant cannot move.
/// Nothing was switched unless the message says so.
public struct CellMoveError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
