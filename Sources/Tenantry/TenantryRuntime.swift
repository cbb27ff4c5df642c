public import EventStore
public import Instances
public import Extensions
public import FeatureFlags
public import Provisioning
import Logging
public import PostgresClient
import Schema
public import Tenancy

/// The composition root: one place that turns a database target into ready services.
///
/// The CLI and (later) the server both start here, so they share one way of connecting,
/// preparing the schema and wiring the modules together.
public struct TenantryRuntime: Sendable {
    public let target: DatabaseTarget
    /// Connections acting as `tenantry_app`: one tenant per transaction.
    public let pool: PostgresPool
    public let eventStore: EventLog
    /// Connections acting as `tenantry_operator`, for the all-tenant feed (e.g. `events tail`).
    public let operatorPool: PostgresPool
    public let operatorEventStore: EventLog
    /// Tenant registry, provisioning, placement and offboarding.
    public let tenants: TenantAdministration
    /// Flag definitions and changes (control-plane data, so on the operator store).
    public let flags: FlagService
    /// The cells pooled tenants live in (control-plane data, on the operator store).
    public let cells: CellAdministration
    /// The customization a single-tenant instance runs; nil in the pooled deployment, which
    /// runs none. Its validators check every tenant change before it is written.
    public let customization: CustomizationHost?
    /// Whether this is a single-tenant instance's runtime (`startInstance`): on the instance's
    /// own login, with no provisioning saga, admin tokens or flag schedule to follow.
    public let servesInstance: Bool

    /// Prepares `target` (see `DatabasePreparation`) and opens an application pool and an
    /// operator pool on it, each of `maximumConnections`. The operator pool is as large as the
    /// application pool because it carries every signup: a provisioning run holds one of its
    /// connections from registration to activation (the tenant's lock), beside the control
    /// plane's followers; with four, eight concurrent signups took turns for them.
    public static func start(
        target: DatabaseTarget,
        maximumConnections: Int = 8,
        beforeProvisioningStep: ProvisioningSaga.StepHook? = nil,
        customization: CustomizationHost? = nil
    ) async throws -> TenantryRuntime {
        try await DatabasePreparation(target: target).prepare()
        let pool = PostgresPool(configuration: target.applicationConfiguration, maximumConnections: maximumConnections)
        let operatorPool = PostgresPool(configuration: target.operatorConfiguration, maximumConnections: maximumConnections)
        let eventStore = EventLog(pool: pool)
        let operatorEventStore = EventLog(pool: operatorPool)
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
            cells: CellAdministration(target: target, operatorStore: operatorEventStore, connections: target.cellConnections()),
            customization: customization,
            servesInstance: false
        )
    }

    /// The runtime of a single-tenant instance (`serve --instance`), on the instance's own login
    /// that `startup` checked (`InstanceStartup.check`: no more than an instance's, schema
    /// migrated): both pools log in as that role and act as nothing else (no `-c role=`), so
    /// everything the process does is bounded by what migration 0104 and `instance deploy`
    /// granted it: its tenant's rows, its registry and instance streams and the flags. It
    /// migrates nothing.
    public static func startInstance(_ startup: InstanceStartup) -> TenantryRuntime {
        let target = DatabaseTarget.external(url: startup.configuration.connectionString)
        let pool = PostgresPool(configuration: startup.configuration, maximumConnections: 8)
        let eventStore = EventLog(pool: pool)
        let customization = startup.host
        return TenantryRuntime(
            target: target,
            pool: pool,
            eventStore: eventStore,
            operatorPool: pool,
            operatorEventStore: eventStore,
            tenants: TenantAdministration(
                target: target, pooledStore: eventStore, operatorStore: eventStore, beforeStep: nil, customization: customization,
                servesInstance: true),
            flags: FlagService(store: eventStore),
            cells: CellAdministration(target: target, operatorStore: eventStore, connections: target.cellConnections()),
            customization: customization,
            servesInstance: true
        )
    }

    /// Closes the pools.
    public func shutdown() async {
        await tenants.router.shutdown()
        await pool.close()
        if operatorPool !== pool { await operatorPool.close() }
    }
}
