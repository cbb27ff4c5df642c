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
    /// The data, as the JSON text PostgreSQL returns for `jsonb`.
    public let dataJSON: String
    public let metadataJSON: String
    public let recordedAt: Date

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

    init(row: PostgresRow) throws(PostgresError) {
        (position, transactionID, tenantID, stream, version, id, type, dataJSON, metadataJSON, recordedAt) =
            try row.decode((Int64, UInt64, UUID, String, Int64, UUID, String, String, String, Date).self)
    }
}
