public import Foundation

/// An event to append: an id (for idempotency), a type, and JSON data and metadata.
public struct NewEvent: Sendable, Hashable {
    public let id: UUID
    public let type: String
    /// A JSON object, as text; checked to be one when the event is made.
    public let dataJSON: String
    /// A JSON object, as text.
    public let metadataJSON: String

    /// An event whose data is an `Encodable` value (which must encode as a JSON object).
    public init(
        id: UUID = UUID(),
        type: String,
        data: some Encodable,
        metadata: EventMetadata = EventMetadata()
    ) throws(EventStoreError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try self.init(
                id: id,
                type: type,
                dataJSON: String(decoding: encoder.encode(data), as: UTF8.self),
                metadataJSON: String(decoding: encoder.encode(metadata), as: UTF8.self)
            )
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw .invalidEvent("invalid event: data of \(type) cannot be encoded as JSON: \(error)")
        }
    }

    /// An event whose data is JSON text, e.g. from the command line. Malformed JSON, or JSON
    /// that is not an object, is refused with a message that says which; so is a string or key
    /// holding U+0000, which PostgreSQL cannot store, with the path of its field.
    public init(id: UUID = UUID(), type: String, dataJSON: String, metadataJSON: String = "{}") throws(EventStoreError) {
        try Self.requireObject(dataJSON, field: "data")
        try Self.requireObject(metadataJSON, field: "metadata")
        try Self.requireStorable(dataJSON, field: "data", type: type)
        try Self.requireStorable(metadataJSON, field: "metadata", type: type)
        self.id = id
        self.type = type
        self.dataJSON = dataJSON
        self.metadataJSON = metadataJSON
    }

    private static func requireObject(_ json: String, field: String) throws(EventStoreError) {
        // The empty object, most events' metadata, needs no parser.
        if json == "{}" { return }
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
        } catch {
            throw .invalidEvent("invalid event: \"\(field)\" is not valid JSON")
        }
        guard value is [String: Any] else {
            throw .invalidEvent("invalid event: \"\(field)\" must be a JSON object")
        }
    }

    private static func requireStorable(_ json: String, field: String, type: String) throws(EventStoreError) {
        guard let path = StorableJSON.firstUnstorableField(in: json) else { return }
        throw .invalidEvent(
            "invalid event: \(type) \(field) field \"\(path)\" contains U+0000 (NUL), which PostgreSQL cannot store"
        )
    }

    /// This event as an element of `append_events`' JSON array. The data and metadata are
    /// embedded as they are: both were checked to be exactly one JSON object each.
    var envelopeJSON: String {
        "{\"id\":\"\(id.uuidString.lowercased())\",\"type\":\(JSONString.quoted(type)),\"data\":\(dataJSON),\"metadata\":\(metadataJSON)}"
    }
}
