public import Foundation

/// An event read back from the line `RecordedEvent.jsonLine` wrote (`events read --json`,
/// `events tail --json`, a tenant's export): its tenant, stream, version and time as the source
/// store had them, and the event to append again, with the same id, type, data and metadata
/// (taken as the very text the line holds, so numbers keep their digits) and its personal
/// fields marked as the line's `personal` says, so the store seals them again.
public struct EventLine: Sendable {
    public let tenantID: UUID
    public let stream: StreamName
    /// The event's version in its stream at the source; nil when the line has none.
    public let version: Int64?
    /// When the source recorded it; nil when the line has none.
    public let recordedAt: Date?
    public let event: NewEvent

    /// Parses one line; a problem is thrown naming the field (the caller adds where the line is).
    public init(parsing text: Substring) throws(EventStoreError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let members = TopLevelMembers(String(text)) else {
            throw .invalidEvent("is not a JSON object")
        }
        guard let tenantText = object["tenantId"] as? String, let tenantID = UUID(uuidString: tenantText) else {
            throw .invalidEvent("\"tenantId\" must be a UUID")
        }
        guard let streamText = object["stream"] as? String, let stream = try? StreamName(streamText) else {
            throw .invalidEvent("\"stream\" must be a stream name, category-id")
        }
        guard let idText = object["id"] as? String, let id = UUID(uuidString: idText) else {
            throw .invalidEvent("\"id\" must be a UUID")
        }
        guard let type = object["type"] as? String, !type.isEmpty else {
            throw .invalidEvent("\"type\" must be an event type")
        }
        guard object["data"] is [String: Any] else { throw .invalidEvent("\"data\" must be a JSON object") }
        if let metadata = object["metadata"], !(metadata is [String: Any]) {
            throw .invalidEvent("\"metadata\" must be a JSON object")
        }
        var version: Int64?
        if let value = object["version"] {
            guard let number = value as? Int64 ?? (value as? Int).map(Int64.init), number >= 1 else {
                throw .invalidEvent("\"version\" must be a whole number from 1")
            }
            version = number
        }
        var recordedAt: Date?
        if let value = object["recordedAt"] {
            guard let text = value as? String, let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text) else {
                throw .invalidEvent("\"recordedAt\" must be an ISO 8601 time")
            }
            recordedAt = date
        }
        var personalData: PersonalData?
        if let value = object["personal"] {
            guard let personal = value as? [String: Any], let fields = personal["fields"] as? [String] else {
                throw .invalidEvent("\"personal\" must be an object with \"fields\", the names of personal data fields")
            }
            var subject: String?
            if let value = personal["subject"] {
                guard let text = value as? String else { throw .invalidEvent("\"personal.subject\" must be a string") }
                subject = text
            }
            var owner: UUID?
            if let ownerText = personal["owner"] {
                guard let text = ownerText as? String, let id = UUID(uuidString: text) else {
                    throw .invalidEvent("\"personal.owner\" must be a UUID")
                }
                owner = id
            }
            personalData = try PersonalData(fields: fields, subject: subject, owner: owner)
        }
        func raw(_ key: String) -> String? {
            members.members.first { $0.key == key }.map { members.text(of: $0) }
        }
        guard let data = raw("data") else { throw .invalidEvent("\"data\" must be a JSON object") }
        self.tenantID = tenantID
        self.stream = stream
        self.version = version
        self.recordedAt = recordedAt
        self.event = try NewEvent(id: id, type: type, dataJSON: data, metadataJSON: raw("metadata") ?? "{}", personalData: personalData)
    }
}
