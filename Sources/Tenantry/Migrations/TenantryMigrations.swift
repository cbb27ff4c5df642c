import EventStore
public import PostgresClient
import Provisioning
import Tenancy

/// Every module's migrations, in one ordered list. Each module owns a range of versions:
/// the event store 1–99, tenancy 100–199, provisioning 200–299.
public enum TenantryMigrations {
    public static let all: [Migration] = EventStoreMigrations.all + TenancyMigrations.all + ProvisioningMigrations.all

    /// The migrator for the `tenantry` schema, run as `tenantry_owner`.
    public static var migrator: SchemaMigrator {
        SchemaMigrator(migrations: all, schema: DatabaseRoles.schema, ownerRole: DatabaseRoles.owner)
    }
}
