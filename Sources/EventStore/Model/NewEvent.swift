public import Foundation

/// An event to append: an id (for idempotency), a type, and JSON data and metadata, with the
/// data's personal fields marked (`PersonalData`): the store seals those before writing them.
public struct NewEvent: Sendable, Hashable {
    public let id: UUID
    public let type: String
    /// A JSON object, as text; checked to be one when the event is made.
    public let dataJSON: String
    /// A JSON object, as text.
    public let metadataJSON: String
    /// The data's personal fields, sealed on append; nil when it has none.
    public let personalData: PersonalData?

    /// An event whose data is an `Encodable` value (which must encode as a JSON object).
    public init(
        id: UUID = UUID(),
        type: String,
        data: some Encodable,
        metadata: EventMetadata = EventMetadata(),
        personalData: PersonalData? = nil
    ) throws(EventStoreError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try self.init(
                id: id,
                type: type,
                dataJSON: String(decoding: encoder.encode(data), as: UTF8.self),
                metadataJSON: String(decoding: encoder.encode(metadata), as: UTF8.self),
                personalData: personalData
            )
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw .invalidEvent("invalid event: data of \(type) cannot be encoded as JSON: \(error)")
        }
    }

    /// An event whose data is JSON text, e.g. from the command line. Malformed JSON, or JSON
    /// that is not an object, is refused with a message that says which; so is a string or key
    /// holding U+0000, which PostgreSQL cannot store, with the path of its field; so is a
    /// personal field the data does not have at its top level.
    public init(
        id: UUID = UUID(), type: String, dataJSON: String, metadataJSON: String = "{}", personalData: PersonalData? = nil
    ) throws(EventStoreError) {
        try Self.requireObject(dataJSON, field: "data")
        try Self.requireObject(metadataJSON, field: "metadata")
        try Self.requireStorable(dataJSON, field: "data", type: type)
        try Self.requireStorable(metadataJSON, field: "metadata", type: type)
        if let personalData {
            let present = Set(TopLevelMembers(dataJSON)?.members.map(\.key) ?? [])
            if let missing = personalData.fields.first(where: { !present.contains($0) }) {
                throw .invalidEvent("invalid event: \(type) marks \"\(missing)\" personal, but its data has no such top-level field")
            }
        }
        self.id = id
        self.type = type
        self.dataJSON = dataJSON
        self.metadataJSON = metadataJSON
        self.personalData = personalData
    }

    /// This event with its data replaced by `sealed` (its personal fields sealed).
    func withSealedData(_ sealed: String) -> NewEvent {
        NewEvent(id: id, type: type, checkedData: sealed, metadataJSON: metadataJSON)
    }

    private init(id: UUID, type: String, checkedData: String, metadataJSON: String) {
        self.id = id
        self.type = type
        self.dataJSON = checkedData
        self.metadataJSON = metadataJSON
        self.personalData = nil
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
