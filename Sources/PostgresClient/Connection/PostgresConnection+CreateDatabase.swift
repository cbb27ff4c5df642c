extension PostgresConnection {
    /// Creates the database `name` unless it exists, on
    /// the cluster this connection reaches; `true` when this call created it. Tolerant of a
    /// concurrent creator: whoever loses the race finds the database there and returns `false`.
    /// Needs a superuser or a role with CREATEDB, and no open transaction (CREATE DATABASE
    /// cannot run inside one).
    ///
    /// With `template`, the database is a copy of that one (`CREATE DATABASE … TEMPLATE …
    /// STRATEGY …`); the copy fails with SQLSTATE 55006 (`objectInUse`) while anyone is
    /// connected to the template, and with 3D000 (`invalidCatalogName`) when it does not exist.
    @discardableResult
    public nonisolated func createDatabaseIfMissing(
        _ name: String,
        template: String? = nil,
        strategy: DatabaseCopyStrategy = .walLog
    ) async throws -> Bool {
        let exists = try await query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = \(name))")
            .rows.first?.decode(Bool.self) ?? false
        if exists { return false }
        let create: PostgresQuery =
            switch (template, strategy) {
            case (nil, _):
                "CREATE DATABASE \(identifier: name)"
            case let (template?, .walLog):
                "CREATE DATABASE \(identifier: name) TEMPLATE \(identifier: template) STRATEGY = WAL_LOG"
            case let (template?, .fileCopy):
                "CREATE DATABASE \(identifier: name) TEMPLATE \(identifier: template) STRATEGY = FILE_COPY"
            }
        do {
            try await query(create)
            return true
        } catch {
            // Created meanwhile by a concurrent run of the same step.
            if error.sqlState == .duplicateDatabase || error.sqlState == .uniqueViolation { return false }
            throw error
        }
    }
}
