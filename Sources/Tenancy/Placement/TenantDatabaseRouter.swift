public import EventStore
public import Foundation
public import PostgresClient

/// Gives the event store that holds a tenant's data, whatever its isolation mode, so the rest
/// of the code never asks where a tenant lives.
///
/// Pooled tenants share one store; each dedicated database gets a pool of its own, opened on
/// first use and kept for later calls.
public actor TenantDatabaseRouter {
    /// How to reach a dedicated database as the application role.
    public typealias DedicatedConfiguration = @Sendable (_ database: String, _ clusterURL: String?) -> PostgresConfiguration

    public nonisolated let pooled: EventLog
    private let placements: TenantPlacementStore
    private let dedicatedConfiguration: DedicatedConfiguration
    private let connectionsPerDedicatedDatabase: Int
    private var dedicated: [TenantPlacement: EventLog] = [:]

    public init(
        pooled: EventLog,
        placements: TenantPlacementStore,
        connectionsPerDedicatedDatabase: Int = 4,
        dedicatedConfiguration: @escaping DedicatedConfiguration
    ) {
        self.pooled = pooled
        self.placements = placements
        self.connectionsPerDedicatedDatabase = connectionsPerDedicatedDatabase
        self.dedicatedConfiguration = dedicatedConfiguration
    }

    /// The store holding `tenant`'s events.
    public func eventStore(for tenant: UUID) async throws -> EventLog {
        let placement = try await placements.placement(of: tenant)
        guard case let .dedicated(database, clusterURL) = placement else { return pooled }
        if let store = dedicated[placement] { return store }
        let pool = PostgresPool(
            configuration: dedicatedConfiguration(database, clusterURL),
            maximumConnections: connectionsPerDedicatedDatabase
        )
        let store = EventLog(pool: pool)
        dedicated[placement] = store
        return store
    }

    /// Closes the pools of dedicated databases (not the pooled store's, which the caller owns).
    public func shutdown() async {
        for store in dedicated.values { await store.pool.close() }
        dedicated.removeAll()
    }
}
