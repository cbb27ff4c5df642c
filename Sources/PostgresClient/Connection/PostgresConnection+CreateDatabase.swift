extension PostgresConnection {
    /// Creates the database `name` unless it exists, on
    /// the cluster this connection reaches; `true` when this call created it. Tolerant of a
    /// concurrent creator: whoever loses the race finds the database there and returns `false`.
    /// Needs a superuser or a role with CREATEDB, and no open transaction (CREATE DATABASE
    /// cannot run inside one).
    @discardableResult
    public nonisolated func createDatabaseIfMissing(_ name: String) async throws -> Bool {
        let exists = try await query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = \(name))")
            .rows.first?.decode(Bool.self) ?? false
        if exists { return false }
        do {
            try await query("CREATE DATABASE \(identifier: name)")
            return true
        } catch {
            // Created meanwhile by a concurrent run of the same step.
            if error.sqlState == .duplicateDatabase || error.sqlState == .uniqueViolation { return false }
            throw error
        }
    }
}
