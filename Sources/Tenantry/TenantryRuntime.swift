public import EventStore
public import Extensions
public import FeatureFlags
public import Provisioning
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
    /// Tenant registry, provisioning, placement and offboarding.
    public let tenants: TenantAdministration
    /// Flag definitions and changes (control-plane data, so on the operator store).
    public let flags: FlagService
    /// The customization a single-tenant instance runs; nil in the pooled deployment, which
    /// runs none. Its validators check every tenant change before it is written.
    public let customization: CustomizationHost?

    /// Prepares `target` (see `DatabasePreparation`) and opens an application pool on it.
    public static func start(
        target: DatabaseTarget,
        maximumConnections: Int = 8,
        beforeProvisioningStep: ProvisioningSaga.StepHook? = nil,
        customization: CustomizationHost? = nil
    ) async throws -> TenantryRuntime {
        try await DatabasePreparation(target: target).prepare()
        let pool = PostgresPool(configuration: target.applicationConfiguration, maximumConnections: maximumConnections)
        let operatorPool = PostgresPool(configuration: target.operatorConfiguration, maximumConnections: 4)
        let eventStore = EventStore(pool: pool)
        let operatorEventStore = EventStore(pool: operatorPool)
        return TenantryRuntime(
            target: target,
            pool: pool,
            eventStore: eventStore,
            operatorPool: operatorPool,
            operatorEventStore: operatorEventStore,
            tenants: TenantAdministration(
                target: target, pooledStore: eventStore, operatorStore: operatorEventStore,
                beforeStep: beforeProvisioningStep, customization: customization
            ),
            flags: FlagService(store: operatorEventStore),
            customization: customization
        )
    }

    /// Closes the pools.
    public func shutdown() async {
        await tenants.router.shutdown()
        await pool.close()
        await operatorPool.close()
    }
}
