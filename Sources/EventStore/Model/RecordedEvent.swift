public import Foundation
import PostgresClient

/// An event as stored: where it sits globally and in its stream, and what it says.
public struct RecordedEvent: Sendable, Hashable, Identifiable {
    /// The global position: unique and increasing in insertion order, with gaps where
    /// transactions rolled back. Commit order can differ; see `cursor`.
    public let position: Int64
    /// The id of the transaction that wrote the event (`xid8`).
    public let transactionID: UInt64
    public let tenantID: UUID
    public let stream: String
    /// 1, 2, 3, … within the stream, with no gap.
    public let version: Int64
    public let id: UUID
    public let type: String
    /// The data, as the JSON text PostgreSQL returns for `jsonb`, with personal fields opened
    /// (or, their key forgotten, erased: see `erasedFields`).
    public internal(set) var dataJSON: String
    public let metadataJSON: String
    public let recordedAt: Date
    /// The personal fields of the data whose key was forgotten, sorted: they read as
    /// `PersonalData.erased(kind:)`. Empty for most events.
    public internal(set) var erasedFields: [String] = []
    /// How the event's opened personal fields were marked (fields, data subject, the tenant
    /// they are about when it is not the event's): what a copy of the event passes to its
    /// `NewEvent` to seal them again. Nil when it has none left to open.
    public internal(set) var personalData: PersonalData?
    /// The key that opened the personal fields; state folded from them is saved only while it
    /// is live (`SnapshotStore.save(…sealedWith:)`).
    public internal(set) var sealingKeyID: UUID?

    /// Where this event sits in the global feed, the order subscriptions deliver in.
    public var cursor: GlobalCursor { GlobalCursor(transactionID: transactionID, position: position) }

    /// The part of the stream name before the first `-`.
    public var category: Substring { stream.prefix { $0 != "-" } }

    /// Decodes the data into a type of the caller's.
    public func decodeData<Value: Decodable>(as type: Value.Type) throws -> Value {
        try JSONDecoder().decode(type, from: Data(dataJSON.utf8))
    }

    /// Decodes the metadata (correlation, causation, actor, reason).
    public var metadata: EventMetadata {
        (try? JSONDecoder().decode(EventMetadata.self, from: Data(metadataJSON.utf8))) ?? EventMetadata()
    }

    /// The columns every event read selects, in the order `init(row:)` decodes them.
    static let columns: StaticString = """
        position, transaction_id, tenant_id, stream_name, stream_version, event_id, event_type, \
        data, metadata, recorded_at
        """

    /// Decodes the event from `columns`, starting at column `offset` of the row.
    init(row: PostgresRow, offset: Int = 0) throws(PostgresError) {
        position = try row.decode(column: offset, as: Int64.self)
        transactionID = try row.decode(column: offset + 1, as: UInt64.self)
        tenantID = try row.decode(column: offset + 2, as: UUID.self)
        stream = try row.decode(column: offset + 3, as: String.self)
        version = try row.decode(column: offset + 4, as: Int64.self)
        id = try row.decode(column: offset + 5, as: UUID.self)
        type = try row.decode(column: offset + 6, as: String.self)
        dataJSON = try row.decode(column: offset + 7, as: String.self)
        metadataJSON = try row.decode(column: offset + 8, as: String.self)
        recordedAt = try row.decode(column: offset + 9, as: Date.self)
    }

    /// Decodes the event from the next fields of a row in the binary format, in `columns` order (with
    /// `data` and `metadata` cast to text), straight from the row's bytes; `nil` when the
    /// position is NULL (a feed page's row that carries only its horizon).
    init?(binaryFields fields: inout BinaryRowFields) throws(PostgresError) {
        guard let position = try fields.decodeNext(Int64?.self) else { return nil }
        self.position = position
        transactionID = try fields.decodeNext()
        tenantID = try fields.decodeNext()
        stream = try fields.decodeNext()
        version = try fields.decodeNext()
        id = try fields.decodeNext()
        type = try fields.decodeNext()
        dataJSON = try fields.decodeNext()
        metadataJSON = try fields.decodeNext()
        recordedAt = try fields.decodeNext()
    }
}
