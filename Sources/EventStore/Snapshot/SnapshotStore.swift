public import Foundation
public import PostgresClient

/// Reads and writes `tenantry.snapshots`: one snapshot per stream and type, the newest kept.
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
        state: some Encodable & Sendable
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(state), as: UTF8.self)
        try await EventStore(pool: pool).inTenant(tenant) { connection in
            try connection.query("""
            INSERT INTO tenantry.snapshots (tenant_id, stream_name, snapshot_type, stream_version, state)
            VALUES (\(tenant), \(stream.rawValue), \(type), \(version), \(json)::jsonb)
            ON CONFLICT (tenant_id, stream_name, snapshot_type) DO UPDATE
            SET stream_version = excluded.stream_version, state = excluded.state, taken_at = now()
            WHERE tenantry.snapshots.stream_version < excluded.stream_version
            """)
        }
    }

    /// The snapshot of a stream and type, if one was saved.
    public func load(stream: StreamName, tenant: UUID, type: String) async throws -> Snapshot? {
        try await EventStore(pool: pool).inTenant(tenant) { connection in
            try connection.query("""
                SELECT stream_version, state, taken_at FROM tenantry.snapshots
                WHERE tenant_id = \(tenant) AND stream_name = \(stream.rawValue) AND snapshot_type = \(type)
                """).rows.first.map { row in
                let (version, state, takenAt) = try row.decode((Int64, String, Date).self)
                return Snapshot(stream: stream.rawValue, type: type, version: version, stateJSON: state, takenAt: takenAt)
            }
        }
    }
}
