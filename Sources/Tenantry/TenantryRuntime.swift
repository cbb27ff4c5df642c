public import EventStore
import Logging
public import PostgresClient

/// The composition root: one place that turns a database target into ready services.
///
/// The CLI and (later) the server both start here, so they share one way of connecting,
/// preparing the schema and wiring the modules together.
public struct TenantryRuntime: Sendable {
    public let target: DatabaseTarget
    /// Connections acting as `tenantry_app`: one tenant per transaction.
    public let pool: PostgresPool
    public let eventStore: EventStore
    /// Connections acting as `tenantry_operator`, for the all-tenant feed (e.g. `events tail`).
    public let operatorPool: PostgresPool
    public let operatorEventStore: EventStore

    /// Prepares `target` (see `DatabasePreparation`) and opens an application pool on it.
    public static func start(
        target: DatabaseTarget,
        maximumConnections: Int = 8
    ) async throws -> TenantryRuntime {
        try await DatabasePreparation(target: target).prepare()
        let pool = PostgresPool(configuration: target.applicationConfiguration, maximumConnections: maximumConnections)
        let operatorPool = PostgresPool(configuration: target.operatorConfiguration, maximumConnections: 2)
        return TenantryRuntime(
            target: target,
            pool: pool,
            eventStore: EventStore(pool: pool),
            operatorPool: operatorPool,
            operatorEventStore: EventStore(pool: operatorPool)
        )
    }

    /// Closes the pools.
    public func shutdown() async {
        await pool.close()
        await operatorPool.close()
    }
}
