public import EventStore
public import Foundation

/// Where admin tokens live in the event store: `admintoken-<id>` under the control-plane
/// tenant, one stream per token.
public enum AdminTokenStreams {
    /// The streams' category: `admintoken-<id>`.
    public static let category = "admintoken"

    /// The stream of token `tokenID`.
    public static func stream(_ tokenID: UUID) -> StreamName {
        // A category of letters and a UUID make a valid stream name by construction.
        StreamName(unchecked: "\(category)-\(tokenID.uuidString.lowercased())")
    }
}
