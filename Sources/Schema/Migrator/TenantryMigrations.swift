/// Every migration of the `tenantry` schema, in one ordered list, each read from its file in
/// `Migrations/`. Ranges of versions follow the modules whose tables they hold: the event store
/// 1–99, tenancy 100–199, provisioning 200–299.
///
/// Versions, names and scripts of applied migrations never change (the recorded checksum is the
/// script's): a change is a new migration.
public enum TenantryMigrations {
    /// Every migration, ascending by version.
    public static let all: [Migration] = [
        migration(1, "event_store", PackageResources._001_event_store_sql),
        migration(2, "schema_migrations_readable", PackageResources._002_schema_migrations_readable_sql),
        migration(3, "quiet_notifications", PackageResources._003_quiet_notifications_sql),
        migration(4, "read_feed", PackageResources._004_read_feed_sql),
        migration(5, "database_feed_horizon", PackageResources._005_database_feed_horizon_sql),
        migration(6, "read_feed_page", PackageResources._006_read_feed_page_sql),
        migration(7, "feed_probe_in_order", PackageResources._007_feed_probe_in_order_sql),
        migration(100, "row_level_security", PackageResources._100_row_level_security_sql),
        migration(101, "tenant_placements", PackageResources._101_tenant_placements_sql),
        migration(102, "retired_pooled_copies", PackageResources._102_retired_pooled_copies_sql),
        migration(103, "retired_pooled_copies_private", PackageResources._103_retired_pooled_copies_private_sql),
        migration(104, "instance_logins", PackageResources._104_instance_logins_sql),
        migration(105, "retired_snapshots", PackageResources._105_retired_snapshots_sql),
        migration(106, "instance_writes_bounded", PackageResources._106_instance_writes_bounded_sql),
        migration(107, "lean_append", PackageResources._107_lean_append_sql),
        migration(108, "staged_append", PackageResources._108_staged_append_sql),
        migration(109, "retired_check_hashed", PackageResources._109_retired_check_hashed_sql),
        migration(110, "staged_append_one_pass", PackageResources._110_staged_append_one_pass_sql),
        migration(111, "retired_check_per_append", PackageResources._111_retired_check_per_append_sql),
        migration(112, "purge_retired_tenants", PackageResources._112_purge_retired_tenants_sql),
        migration(113, "personal_data_keys", PackageResources._113_personal_data_keys_sql),
        migration(114, "cells", PackageResources._114_cells_sql),
        migration(115, "instance_reads_customizations", PackageResources._115_instance_reads_customizations_sql),
        migration(200, "tenants_read_model", PackageResources._200_tenants_read_model_sql),
        migration(201, "tenants_compensation_owed", PackageResources._201_tenants_compensation_owed_sql),
        migration(202, "signup_admissions", PackageResources._202_signup_admissions_sql),
        migration(203, "tenants_cell", PackageResources._203_tenants_cell_sql),
    ]

    /// The migrator for the `tenantry` schema, run as `tenantry_owner`.
    public static var migrator: SchemaMigrator {
        SchemaMigrator(migrations: all, schema: DatabaseRoles.schema, ownerRole: DatabaseRoles.owner)
    }

    private static func migration(_ version: Int, _ name: String, _ script: [UInt8]) -> Migration {
        Migration(version: version, name: name, sql: String(decoding: script, as: UTF8.self))
    }
}
