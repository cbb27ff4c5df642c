public import Extensions
public import Foundation
public import PostgresClient
public import EventStore
import Schema
import Provisioning

/// What `serve --instance` has checked before it serves, read with the instance's own login
/// only: the login is no more than an instance's, the platform's and the tenant's dedicated
/// databases are migrated already (`instance migrate` does it, with a credential the serving
/// process does not have), the login serves the tenant it was asked to, which has a deployment
/// that was not destroyed, and the customization its record names last (deployed, or switched to
/// by an upgrade) loads and accepts the environment's settings: a WebAssembly module is read from
/// the control plane with this login, its bytes must hash to the sha256 recorded, and it is
/// inspected and compiled before anything serves. A value exists only once every check passed,
/// so whoever starts the runtime with it need not check again.
public struct InstanceStartup: Sendable {
    /// The instance's own login (`TENANTRY_DATABASE_URL` of its `instance.env`).
    public let configuration: PostgresConfiguration
    /// The tenant the login serves.
    public let tenantID: UUID
    /// The tenant's slug.
    public let slug: String
    /// The deployment's customization with the settings the environment gives.
    public let host: CustomizationHost
    /// The tenant's dedicated database.
    public let database: String

    /// Runs every check for the instance `name` (slug or tenant id) on the login `url`; throws
    /// the first that fails as an `InstanceError`. `customizations` gives the customizations as
    /// this login reads them on the control plane's store (the modules installed there).
    public static func check(
        _ name: String, url: String, environment: [String: String],
        customizations: @Sendable (EventLog) -> any CustomizationResolver
    ) async throws -> InstanceStartup {
        let configuration = PostgresConfiguration(connectionString: url)
        try await InstanceLogin.require(configuration)
        let controlPlanePending = try await DatabaseMigrator().pending(configuration)
        guard controlPlanePending.isEmpty else { throw DatabaseSetupError.schemaNotMigrated(pendingCount: controlPlanePending.count) }
        let login = try await PostgresConnection.withConnection(configuration) { connection in
            try await connection.query("SELECT tenant_id, database_name FROM tenantry.instance_login() WHERE tenant_id IS NOT NULL")
                .rows.first?.decode((UUID, String).self)
        }
        guard let (tenantID, database) = login else {
            throw InstanceError.notInstanceLogin("this login is no instance's (deploy one with `tenantry instance deploy \(name)`)")
        }
        // Only the registry and instance streams of its own tenant, the flags and the installed
        // modules are readable here.
        let pool = PostgresPool(configuration: configuration, maximumConnections: 1)
        let record: (slug: String, record: InstanceRecord?)
        let definition: CustomizationDefinition
        do {
            let store = EventLog(pool: pool)
            record = try await Self.record(of: tenantID, named: name, store: store)
            guard let deployment = record.record else { throw InstanceError.notDeployed(name) }
            guard deployment.status != .destroyed else { throw InstanceError.destroyed(deployment.deployment.slug) }
            definition = try await Self.definition(of: deployment, environment: environment, customizations: customizations(store))
            await pool.close()
        } catch {
            await pool.close()
            throw error
        }
        let host: CustomizationHost
        do {
            host = try CustomizationHost(definition, settings: InstanceAdministration.settings(from: environment, for: definition))
        } catch {
            throw InstanceError.customizationUnavailable(
                slug: record.slug, customization: InstanceCustomization(definition).description, detail: "\(error)")
        }
        let pending = try await DatabaseMigrator().pending(configuration.with(database: database))
        guard pending.isEmpty else { throw InstanceError.dedicatedNotMigrated(slug: record.slug, pending: pending.count) }
        return InstanceStartup(configuration: configuration, tenantID: tenantID, slug: record.slug, host: host, database: database)
    }

    /// The customization `record` runs, loaded and (a module) checked against its recorded
    /// sha256; the environment must name the same module the record does.
    private static func definition(
        of record: InstanceRecord, environment: [String: String], customizations: any CustomizationResolver
    ) async throws -> CustomizationDefinition {
        let running = record.customization
        let slug = record.deployment.slug
        let rendered = environment[InstanceAdministration.customizationModuleVariable].flatMap { $0.isEmpty ? nil : $0 }
        guard rendered == running.module else {
            throw InstanceError.customizationUnavailable(
                slug: slug, customization: running.description,
                detail: "the environment's \(InstanceAdministration.customizationModuleVariable) is \(rendered ?? "unset"), "
                    + "not the module recorded: render the files again with `tenantry instance upgrade \(slug) --customization \(running.reference)`")
        }
        do {
            // A compiled one is this release's (whose version an upgrade of the release may have
            // moved on); a module must be the version and bytes recorded.
            return try await customizations.definition(id: running.id, version: running.version, moduleSHA256: running.moduleSHA256)
        } catch {
            throw InstanceError.customizationUnavailable(slug: slug, customization: running.description, detail: "\(error)")
        }
    }

    private static func record(of tenantID: UUID, named name: String, store: EventLog) async throws -> (slug: String, record: InstanceRecord?) {
        guard let tenant = try await TenantService(store: store, usesSnapshots: false).load(tenantID),
            name == tenant.slug || UUID(uuidString: name) == tenantID
        else {
            throw InstanceError.notInstanceLogin("this login is the instance of another tenant, not of \(name)")
        }
        return (tenant.slug, try await InstanceLog(store: store).record(of: tenantID))
    }

    /// Runs `body` with an event store on the tenant's dedicated database (the instance's login),
    /// and closes its connections when `body` returns or throws.
    public func withTenantStore<Value>(_ body: (EventLog) async throws -> Value) async throws -> Value {
        let pool = PostgresPool(configuration: configuration.with(database: database), maximumConnections: 4)
        do {
            let result = try await body(EventLog(pool: pool))
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }
}
