public import PostgresClient

/// The only way application code runs tenant-scoped SQL: every transaction is bound to the
/// task's `TenantContext`, set inside it with `set_config('tenantry.tenant_id', …, true)`.
///
/// The setting is transaction-local, so a pooled connection never carries one tenant's setting
/// into another's transaction; and row-level security makes every tenant-owned table show and
/// accept only that tenant's rows.
public struct TenantDatabase: Sendable {
    /// Connections acting as `tenantry_app`.
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Runs `body` in a transaction for the current task's tenant; throws
    /// `TenancyError.noTenantContext` when the task has none.
    @discardableResult
    public func transaction<Value: Sendable>(
        _ body: @Sendable (isolated PostgresConnection) async throws -> Value
    ) async throws -> Value {
        guard let context = TenantContext.current else { throw TenancyError.noTenantContext }
        return try await pool.transaction { connection in
            try connection.query(
                "SELECT set_config('tenantry.tenant_id', \(context.tenantID.uuidString.lowercased()), true)"
            )
            return try await body(connection)
        }
    }
}
