public import Foundation

/// Who caused an event and why: stored in the event's `metadata` column.
public struct EventMetadata: Codable, Sendable, Hashable {
    /// Shared by every event that one request or command caused, across streams.
    public var correlationID: UUID?
    /// The id of the event or command that directly caused this one.
    public var causationID: UUID?
    /// Who did it: an operator, an API key id, `system:<service>`.
    public var actor: String?
    /// Why, in the author's words (e.g. `--reason` of an admin command).
    public var reason: String?

    public init(correlationID: UUID? = nil, causationID: UUID? = nil, actor: String? = nil, reason: String? = nil) {
        self.correlationID = correlationID
        self.causationID = causationID
        self.actor = actor
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case correlationID = "correlationId"
        case causationID = "causationId"
        case actor
        case reason
    }
}
