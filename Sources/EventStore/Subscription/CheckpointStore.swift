public import PostgresClient

/// Stores where each named subscription has got to (`tenantry.checkpoints`).
///
/// Save a checkpoint in the same transaction as the work it covers, and a restarted
/// subscriber resumes exactly where it stopped: nothing lost, nothing done twice.
public struct CheckpointStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The stored cursor, or `nil` if the subscription never saved one.
    public func load(_ subscription: String) async throws -> GlobalCursor? {
        try await pool.withConnection { connection in
            try load(subscription, on: connection)
        }
    }

    public func load(_ subscription: String, on connection: isolated PostgresConnection) throws -> GlobalCursor? {
        try connection.query("""
            SELECT transaction_id, position FROM tenantry.checkpoints WHERE subscription = \(subscription)
            """).rows.first.map { row in
            let (transactionID, position) = try row.decode((UInt64, Int64).self)
            return GlobalCursor(transactionID: transactionID, position: position)
        }
    }

    /// Loads the cursor and locks it until the transaction ends, so that two runners of one
    /// subscription take turns instead of both applying the same events.
    ///
    /// One round trip once the checkpoint exists (every run but a subscription's first): the
    /// row is created, at the start, only when the locking read finds none.
    public func lock(_ subscription: String, on connection: isolated PostgresConnection) throws -> GlobalCursor {
        if let locked = try lockExisting(subscription, on: connection) { return locked }
        try connection.query("""
            INSERT INTO tenantry.checkpoints (subscription, transaction_id, position)
            VALUES (\(subscription), '0'::xid8, 0)
            ON CONFLICT (subscription) DO NOTHING
            """)
        return try lockExisting(subscription, on: connection) ?? .start
    }

    private func lockExisting(_ subscription: String, on connection: isolated PostgresConnection) throws -> GlobalCursor? {
        try connection.query("""
            SELECT transaction_id, position FROM tenantry.checkpoints
            WHERE subscription = \(subscription) FOR UPDATE
            """).rows.first.map { row in
            let (transactionID, position) = try row.decode((UInt64, Int64).self)
            return GlobalCursor(transactionID: transactionID, position: position)
        }
    }

    public func save(_ subscription: String, _ cursor: GlobalCursor, on connection: isolated PostgresConnection) throws {
        try connection.query("""
            INSERT INTO tenantry.checkpoints (subscription, transaction_id, position, updated_at)
            VALUES (\(subscription), \(cursor.transactionID)::xid8, \(cursor.position), now())
            ON CONFLICT (subscription) DO UPDATE
            SET transaction_id = excluded.transaction_id, position = excluded.position, updated_at = now()
            """)
    }

    public func save(_ subscription: String, _ cursor: GlobalCursor) async throws {
        try await pool.withConnection { connection in
            try save(subscription, cursor, on: connection)
        }
    }

    public func delete(_ subscription: String, on connection: isolated PostgresConnection) throws {
        try connection.query("DELETE FROM tenantry.checkpoints WHERE subscription = \(subscription)")
    }
}
