/// Why a cell command was refused.
public enum CellError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A name, a location, a capacity or a reason that is not valid.
    case invalidInput(String)
    /// No cell of that name.
    case notFound(String)
    /// The change contradicts the cell's state: a name or location taken, a cell holding
    /// tenants removed, `main` removed, a tenant placed in a cell that takes none.
    case conflict(String)
    /// The cell's database cannot be used: its location resolves to nothing here, it is not
    /// migrated, or it is not the database that was added.
    case unusable(String)

    public var description: String {
        switch self {
        case .invalidInput(let message), .conflict(let message), .unusable(let message): message
        case .notFound(let name): "no cell named \(name)"
        }
    }
}
