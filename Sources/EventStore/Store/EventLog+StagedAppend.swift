import Foundation
import Metrics
import PostgresClient

extension EventLog {
    /// From this many events on, `append` streams the batch with COPY into the session's staging
    /// table and appends it with `tenantry.append_staged_events` (migrations 0108, 0110) instead of
    /// sending one JSON array. Both give the same guarantees; below this size the single round
    /// trip of `append_events` is cheaper (Decision 20 has the measurements).
    public static let stagedAppendThreshold = 256

    /// Appends a batch through the staging table, in the caller's transaction or, outside one,
    /// in a transaction of its own (the staging table empties at every commit). Returns nil,
    /// having written nothing, when the session may not make temporary tables (an instance's
    /// login in its dedicated database): the caller then appends through `append_events`.
    func appendStaged(
        _ events: [NewEvent],
        to stream: StreamName,
        tenant: UUID,
        expectedVersion: ExpectedVersion,
        on connection: isolated PostgresConnection
    ) throws -> AppendResult? {
        do {
            let result = try connection.joiningTransaction { connection -> AppendResult? in
                let staged = try connection.query(EventStoreStatements.prepareStaging).rows.first?.decode(Bool.self) ?? false
                guard staged else { return nil }
                try connection.copyIn(EventStoreStatements.copyIntoStaging, chunks: Self.copyChunks(events))
                let row = try connection.query(EventStoreStatements.appendStaged(
                    tenant: tenant, stream: stream, expectedVersion: expectedVersion)).rows.first
                guard let row else {
                    throw EventStoreError.database(.misuse("append_staged_events returned no row"))
                }
                let (version, positions) = try row.decode((Int64, [Int64]).self)
                return AppendResult(streamVersion: version, positions: positions)
            }
            if result != nil { Counter(label: "tenantry_events_appended_total").increment(by: events.count) }
            return result
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// The COPY text of the batch, in pieces of about 64 KiB (one `PQputCopyData` each), the
    /// events numbered from 1 in the order given. Written as bytes, field by field: building
    /// each line as strings first cost more than the server's COPY of it.
    static func copyChunks(_ events: [NewEvent]) -> [String] {
        let chunkSize = 65_536
        var chunks: [String] = []
        var chunk: [UInt8] = []
        chunk.reserveCapacity(chunkSize + 4_096)
        for (index, event) in events.enumerated() {
            chunk.append(contentsOf: String(index + 1).utf8)
            chunk.append(0x09)
            CopyTextRow.appendField(event.id, to: &chunk)
            chunk.append(0x09)
            CopyTextRow.appendField(event.type, to: &chunk)
            chunk.append(0x09)
            CopyTextRow.appendField(event.dataJSON, to: &chunk)
            chunk.append(0x09)
            CopyTextRow.appendField(event.metadataJSON, to: &chunk)
            chunk.append(0x0A)
            if chunk.count >= chunkSize {
                chunks.append(String(decoding: chunk, as: UTF8.self))
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { chunks.append(String(decoding: chunk, as: UTF8.self)) }
        return chunks
    }
}

extension EventStoreStatements {
    /// Makes the session's staging table if need be; false when the login may not.
    static let prepareStaging: PostgresQuery = "SELECT tenantry.prepare_staged_events()"

    /// The COPY into the staging table (migration 0108), one row per event.
    static let copyIntoStaging =
        "COPY pg_temp.tenantry_staged_events (ordinal, event_id, event_type, data, metadata) FROM STDIN"

    static func appendStaged(tenant: UUID, stream: StreamName, expectedVersion: ExpectedVersion) -> PostgresQuery {
        """
        SELECT stream_version, positions
        FROM tenantry.append_staged_events(\(tenant), \(stream.rawValue), \(expectedVersion.sqlValue))
        """
    }
}
