public import Foundation

/// A saved state of a stream's aggregate at a version, so loading it reads only later events.
public struct Snapshot: Sendable, Hashable {
    public let stream: String
    /// Names the state's shape; bump it when the shape changes and old snapshots are ignored.
    public let type: String
    /// The stream version the state includes.
    public let version: Int64
    /// The state, as JSON text.
    public let stateJSON: String
    public let takenAt: Date
}
