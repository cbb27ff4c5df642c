import Customizations
import EventStore
import Extensions
import Foundation
import Instances
import PostgresClient
import Provisioning
import Schema
import Tenancy
import Tenantry

/// What `serve --instance` needs before it starts, read with the instance's own login: which
/// tenant that login serves (the database says: `tenantry.instance_login()`), its deployment's
/// customization built from the environment's settings (a missing or invalid one stops it,
/// named), and its dedicated database, which must be migrated already (`instance migrate` does
/// it, with the migration credential the serving process does not have).
enum InstanceStartup {
    struct Resolved {
        let tenantID: UUID
        let slug: String
        let host: CustomizationHost
        let database: String
    }

    static func resolve(_ name: String, url: String, environment: [String: String]) async throws -> Resolved {
        let configuration = PostgresConfiguration(connectionString: url)
        let login = try await PostgresConnection.withConnection(configuration) { connection in
            try await connection.query("SELECT tenant_id, database_name FROM tenantry.instance_login() WHERE tenant_id IS NOT NULL")
                .rows.first?.decode((UUID, String).self)
        }
        guard let (tenantID, database) = login else {
            throw InstanceError.notInstanceLogin("this login is no instance's (deploy one with `tenantry instance deploy \(name)`)")
        }
        // Only the registry and instance streams of its own tenant are readable here.
        let store = EventLog(pool: PostgresPool(configuration: configuration, maximumConnections: 1))
        defer { Task { await store.pool.close() } }
        guard let tenant = try await TenantService(store: store, usesSnapshots: false).load(tenantID),
            name == tenant.slug || UUID(uuidString: name) == tenantID
        else {
            throw InstanceError.notInstanceLogin("this login is the instance of another tenant, not of \(name)")
        }
        guard let record = try await InstanceLog(store: store).record(of: tenantID) else { throw InstanceError.notDeployed(name) }
        guard record.status != .destroyed else { throw InstanceError.destroyed(record.deployment.slug) }
        let customization = try ReleaseCustomizations.catalog.customization(named: record.deployment.customizationId)
        let host = try CustomizationHost(customization, settings: InstanceAdministration.settings(from: environment, for: customization))
        let pending = try await DatabaseMigrator().pending(configuration.with(database: database))
        guard pending.isEmpty else { throw InstanceError.dedicatedNotMigrated(slug: tenant.slug, pending: pending.count) }
        return Resolved(tenantID: tenantID, slug: tenant.slug, host: host, database: database)
    }
}
