public import Foundation

/// A reaction's delivery of one event, given up on after its last attempt: the event stays in
/// the store, and an operator can see, fix and replay it from here.
public struct ReactionDeliveryParked: Codable, Sendable, Hashable {
    public static let type = "ReactionDeliveryParked"
    /// Streams `reactionparked-<customization>.<reaction>`, in the tenant's own store.
    public static let category = "reactionparked"

    public let customization: String
    public let reaction: String
    public let eventID: UUID
    public let eventType: String
    public let stream: String
    public let position: Int64
    public let attempts: Int
    /// The last attempt's error.
    public let error: String
}
