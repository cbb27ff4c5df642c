public import EventStore
public import FeatureFlags
import Foundation
public import PostgresClient
public import Provisioning
public import Tenancy

/// The platform services instance operations work with, handed down by the composition root so
/// this module depends only on the modules below it.
public struct InstancePlatform: Sendable {
    /// The tenant registry (on the control plane, acting as `tenantry_operator`).
    public var tenants: TenantService
    /// Where each tenant's events live.
    public var placements: TenantPlacementStore
    /// Creates and drops dedicated databases.
    public var databases: DedicatedDatabaseProvisioner
    /// Flag definitions, for a customization's flag defaults.
    public var flags: FlagService
    /// The pooled tenants' store (acting as `tenantry_app`): where a tenant's events are copied from.
    public var pooledStore: EventLog
    /// The control plane's store (acting as `tenantry_operator`): the instances' own streams.
    public var operatorStore: EventLog
    /// The operator's administrator login on the platform's database: it creates the instance
    /// logins, and their URLs are derived from it.
    public var administrator: PostgresConfiguration
    /// The same login on the cluster's maintenance database, for dedicated databases.
    public var clusterAdministrator: PostgresConfiguration
    /// What the migration step of a deployment (`migration.env`) is given to reach the
    /// platform's database: the deploying operator's URL, or the embedded cluster's home.
    public var migrationEnvironment: [String: String]
    /// The environment variable the serving process reads its database URL from.
    public var databaseURLVariable: String
    /// How `destroy` exports and offboards the tenant.
    public var offboarding: any TenantOffboarding

    /// The platform as the runtime wires it.
    public init(
        tenants: TenantService, placements: TenantPlacementStore, databases: DedicatedDatabaseProvisioner, flags: FlagService,
        pooledStore: EventLog, operatorStore: EventLog, administrator: PostgresConfiguration, clusterAdministrator: PostgresConfiguration,
        migrationEnvironment: [String: String], databaseURLVariable: String, offboarding: any TenantOffboarding
    ) {
        self.tenants = tenants
        self.placements = placements
        self.databases = databases
        self.flags = flags
        self.pooledStore = pooledStore
        self.operatorStore = operatorStore
        self.administrator = administrator
        self.clusterAdministrator = clusterAdministrator
        self.migrationEnvironment = migrationEnvironment
        self.databaseURLVariable = databaseURLVariable
        self.offboarding = offboarding
    }

    /// Resolves a slug, or a tenant id given as text, to the tenant's id and state.
    func tenant(_ slugOrID: String) async throws -> TenantState {
        if let id = UUID(uuidString: slugOrID), let state = try await tenants.load(id) { return state }
        guard let id = try await tenants.tenantID(forSlug: slugOrID), let state = try await tenants.load(id) else {
            throw TenantLifecycleError.notFound("with slug \(slugOrID)")
        }
        return state
    }
}
