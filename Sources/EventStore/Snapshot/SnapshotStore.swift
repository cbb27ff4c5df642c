public import Foundation
public import PostgresClient

/// Reads and writes `tenantry.snapshots`: one snapshot per stream and type, the newest kept.
///
/// Row-level security applies as to events: a snapshot is the transaction's tenant's, a retired
/// pooled tenant's are hidden (migration 0105), and the control plane's (the nil tenant) are
/// `tenantry_operator`'s alone, in a transaction bound to the control plane.
public struct SnapshotStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Saves a state; an older snapshot of the same stream and type is replaced, a newer one kept.
    public func save(
        stream: StreamName,
        tenant: UUID,
        type: String,
        version: Int64,
        state: some Encodable & Sendable,
        sealedWith keys: Set<UUID> = []
    ) async throws {
        let json = try Self.encode(state)
        try await EventLog(pool: pool).inTenant(tenant) { connection in
            try Self.save(stream: stream, tenant: tenant, type: type, version: version, json: json, sealedWith: keys, on: connection)
        }
    }

    /// Saves a state inside the caller's transaction (bound to `tenant`), so it commits or rolls
    /// back with the caller's other writes (a projection's row and checkpoint).
    ///
    /// A state folded from personal fields names the keys that opened them (`sealedWith`): it
    /// is saved only if they are all still live, and they are held so until the transaction
    /// ends (`tenantry.personal_data_keys_live`), so a snapshot never outlives the forgetting of
    /// its keys in clear.
    public func save(
        stream: StreamName,
        tenant: UUID,
        type: String,
        version: Int64,
        state: some Encodable & Sendable,
        sealedWith keys: Set<UUID> = [],
        on connection: isolated PostgresConnection
    ) throws {
        try Self.save(stream: stream, tenant: tenant, type: type, version: version, json: try Self.encode(state), sealedWith: keys, on: connection)
    }

    /// The snapshot of a stream and type, if one was saved.
    public func load(stream: StreamName, tenant: UUID, type: String) async throws -> Snapshot? {
        try await EventLog(pool: pool).inTenant(tenant) { connection in
            try load(stream: stream, tenant: tenant, type: type, on: connection)
        }
    }

    /// The snapshot of a stream and type inside the caller's transaction (bound to `tenant`).
    public func load(stream: StreamName, tenant: UUID, type: String, on connection: isolated PostgresConnection) throws -> Snapshot? {
        try connection.query("""
            SELECT stream_version, state, taken_at FROM tenantry.snapshots
            WHERE tenant_id = \(tenant) AND stream_name = \(stream.rawValue) AND snapshot_type = \(type)
            """).rows.first.map { row in
            let (version, state, takenAt) = try row.decode((Int64, String, Date).self)
            return Snapshot(stream: stream.rawValue, type: type, version: version, stateJSON: state, takenAt: takenAt)
        }
    }

    /// The snapshots of a type of several streams inside the caller's transaction (bound to
    /// `tenant`), by stream name, in one round trip; a stream without one is absent.
    public func load(
        streams: [StreamName], tenant: UUID, type: String, on connection: isolated PostgresConnection
    ) throws -> [String: Snapshot] {
        let rows = try connection.query("""
            SELECT stream_name, stream_version, state, taken_at FROM tenantry.snapshots
            WHERE tenant_id = \(tenant) AND stream_name = ANY (\(streams.map(\.rawValue))::text[]) AND snapshot_type = \(type)
            """).rows
        var snapshots: [String: Snapshot] = [:]
        for row in rows {
            let (stream, version, state, takenAt) = try row.decode((String, Int64, String, Date).self)
            snapshots[stream] = Snapshot(stream: stream, type: type, version: version, stateJSON: state, takenAt: takenAt)
        }
        return snapshots
    }

    /// Deletes every snapshot of a type of one tenant inside the caller's transaction (bound to
    /// `tenant`): a read model that keeps its state in snapshots forgets it when it is rebuilt.
    public func deleteAll(type: String, tenant: UUID, on connection: isolated PostgresConnection) throws {
        try connection.query("DELETE FROM tenantry.snapshots WHERE tenant_id = \(tenant) AND snapshot_type = \(type)")
    }

    private static func encode(_ state: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(state), as: UTF8.self)
    }

    private static func save(
        stream: StreamName, tenant: UUID, type: String, version: Int64, json: String, sealedWith keys: Set<UUID>,
        on connection: isolated PostgresConnection
    ) throws {
        if !keys.isEmpty {
            let live = try connection.query("SELECT tenantry.personal_data_keys_live(\(Array(keys))::uuid[])").rows.first?.decode(Bool.self)
            guard live == true else { return }
        }
        try connection.query("""
            INSERT INTO tenantry.snapshots (tenant_id, stream_name, snapshot_type, stream_version, state)
            VALUES (\(tenant), \(stream.rawValue), \(type), \(version), \(json)::jsonb)
            ON CONFLICT (tenant_id, stream_name, snapshot_type) DO UPDATE
            SET stream_version = excluded.stream_version, state = excluded.state, taken_at = now()
            WHERE tenantry.snapshots.stream_version < excluded.stream_version
            """)
    }
}
