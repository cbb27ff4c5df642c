extension PostgresConnection {
    /// Runs `body` holding the session-level advisory lock `key` on this connection: the lock
    /// `hashtext(key)`, or `(namespace, hashtext(key))` when a namespace is given (the two forms
    /// never collide). Waits while another session holds it, up to `timeout`. The lock is
    /// released when `body` returns or throws; the lock statement is inside the cleanup's reach,
    /// so a lock granted just as its wait was cancelled is released too.
    ///
    /// Advisory locks belong to a database: two sessions in different databases never wait for
    /// each other.
    public nonisolated func withAdvisoryLock<Value: Sendable>(
        _ key: String,
        namespace: Int32? = nil,
        timeout: Duration = PostgresConfiguration.lockWaitTimeout,
        _ body: () async throws -> Value
    ) async throws -> Value {
        let lock: PostgresQuery
        let unlock: PostgresQuery
        if let namespace {
            lock = "SELECT pg_advisory_lock(\(namespace), hashtext(\(key)))"
            unlock = "SELECT pg_advisory_unlock(\(namespace), hashtext(\(key)))"
        } else {
            lock = "SELECT pg_advisory_lock(hashtext(\(key)))"
            unlock = "SELECT pg_advisory_unlock(hashtext(\(key)))"
        }
        do {
            try await query(lock, timeout: timeout)
            let value = try await body()
            try await query(unlock)
            return value
        } catch {
            _ = try? await query(unlock, honoringCancellation: false)
            throw error
        }
    }

    /// Runs `body` holding a session-level advisory lock `(namespace, hashtext(key))`, taken on
    /// a connection of its own so the lock outlives the transactions `body` runs elsewhere (and
    /// a crashed holder's lock goes with its connection). Waits while another session holds it, up
    /// to `PostgresConfiguration.lockWaitTimeout`; the connection is closed afterwards, so the
    /// lock goes with it whatever happened.
    public static func withAdvisoryLock<Value: Sendable>(
        _ configuration: PostgresConfiguration,
        namespace: Int32,
        key: String,
        _ body: () async throws -> Value
    ) async throws -> Value {
        try await withConnection(configuration) { connection in
            try await connection.withAdvisoryLock(key, namespace: namespace, body)
        }
    }
}
