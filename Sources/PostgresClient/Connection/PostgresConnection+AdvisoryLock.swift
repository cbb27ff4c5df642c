extension PostgresConnection {
    /// Runs `body` holding a session-level advisory lock `(namespace, hashtext(key))`, taken on
    /// a connection of its own so the lock outlives the transactions `body` runs elsewhere (and
    /// a crashed holder's lock goes with its connection). Waits while another session holds it, up
    /// to `PostgresConfiguration.lockWaitTimeout`; the connection is closed afterwards, so a
    /// lock granted as its wait was cancelled goes with it.
    public static func withAdvisoryLock<Value: Sendable>(
        _ configuration: PostgresConfiguration,
        namespace: Int32,
        key: String,
        _ body: () async throws -> Value
    ) async throws -> Value {
        try await withConnection(configuration) { lock in
            try await lock.query(
                "SELECT pg_advisory_lock(\(namespace), hashtext(\(key)))", timeout: PostgresConfiguration.lockWaitTimeout)
            do {
                let value = try await body()
                try await lock.query("SELECT pg_advisory_unlock_all()")
                return value
            } catch {
                _ = try? await lock.query("SELECT pg_advisory_unlock_all()", honoringCancellation: false)
                throw error
            }
        }
    }
}
