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
        do {
            try await takeAdvisoryLock(key, namespace: namespace, timeout: timeout)
            let value = try await body()
            try await query(Self.advisoryUnlock(key, namespace: namespace))
            return value
        } catch {
            await releaseAdvisoryLock(key, namespace: namespace)
            throw error
        }
    }

    /// Takes the session-level advisory lock `key` (as `withAdvisoryLock` names it) on this
    /// connection and returns once it is granted, waiting while another session holds it, up to
    /// `timeout`. The lock stays until `releaseAdvisoryLock` or the end of the session. For a
    /// holder that is not one call (a lock taken with retries, held across other connections'
    /// work); otherwise `withAdvisoryLock` pairs the two.
    public nonisolated func takeAdvisoryLock(
        _ key: String,
        namespace: Int32? = nil,
        timeout: Duration = PostgresConfiguration.lockWaitTimeout
    ) async throws {
        let lock: PostgresQuery =
            if let namespace {
                "SELECT pg_advisory_lock(\(namespace), hashtext(\(key)))"
            } else {
                "SELECT pg_advisory_lock(hashtext(\(key)))"
            }
        try await query(lock, timeout: timeout)
    }

    /// Releases the advisory lock `takeAdvisoryLock` took, even in a cancelled task. Never
    /// fails: a lock whose session has gone went with it, and one not held needs no release.
    public nonisolated func releaseAdvisoryLock(_ key: String, namespace: Int32? = nil) async {
        _ = try? await query(Self.advisoryUnlock(key, namespace: namespace), honoringCancellation: false)
    }

    private static func advisoryUnlock(_ key: String, namespace: Int32?) -> PostgresQuery {
        if let namespace {
            "SELECT pg_advisory_unlock(\(namespace), hashtext(\(key)))"
        } else {
            "SELECT pg_advisory_unlock(hashtext(\(key)))"
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
