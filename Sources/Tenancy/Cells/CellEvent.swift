public import EventStore
public import Foundation

/// What happens to a cell, on its stream `cell-<name>` under the control-plane tenant; who did
/// it and why travel in each event's metadata. `tenantry.cells` is their projection, written in
/// the same transaction.
public enum CellEvent: Sendable, Hashable {
    /// `CellAdded`
    case added(Added)
    /// `CellStateChanged`
    case stateChanged(StateChanged)
    /// `CellCapacityChanged`
    case capacityChanged(CapacityChanged)
    /// `CellRemoved`
    case removed(Removed)

    /// `CellAdded`: a migrated database joined as a cell.
    public struct Added: Codable, Sendable, Hashable {
        public let cell: CellName
        /// The location reference (never a URL).
        public let location: String
        public let state: CellState
        public let capacity: Int?
        /// The database's identity, checked whenever a server opens the cell.
        public let identity: UUID
    }

    /// `CellStateChanged`: open, draining or closed.
    public struct StateChanged: Codable, Sendable, Hashable {
        public let cell: CellName
        public let from: CellState
        public let to: CellState
    }

    /// `CellCapacityChanged`: the most pooled tenants it takes (nil: no limit).
    public struct CapacityChanged: Codable, Sendable, Hashable {
        public let cell: CellName
        public let capacity: Int?
    }

    /// `CellRemoved`: the cell holds no tenant and is no longer used.
    public struct Removed: Codable, Sendable, Hashable {
        public let cell: CellName
    }

    /// The event's type name in the store.
    public var type: String {
        switch self {
        case .added: "CellAdded"
        case .stateChanged: "CellStateChanged"
        case .capacityChanged: "CellCapacityChanged"
        case .removed: "CellRemoved"
        }
    }

    /// The event ready to append, with who did it and why in its metadata.
    func newEvent(metadata: EventMetadata) throws -> NewEvent {
        switch self {
        case .added(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .stateChanged(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .capacityChanged(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .removed(let data): try NewEvent(type: type, data: data, metadata: metadata)
        }
    }

    /// The stream of cell `name`.
    public static func stream(_ name: CellName) -> StreamName {
        // A category of letters and a valid cell name make a valid stream name by construction.
        StreamName(unchecked: "cell-\(name.rawValue)")
    }
}
