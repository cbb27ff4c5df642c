public import PostgresClient

/// The tenancy layer's schema changes, numbered 100–199.
public enum TenancyMigrations {
    public static let all: [Migration] = [
        Migration(
            version: 100,
            name: "row_level_security",
            sql: String(decoding: PackageResources._100_row_level_security_sql, as: UTF8.self)
        ),
        Migration(
            version: 101,
            name: "tenant_placements",
            sql: String(decoding: PackageResources._101_tenant_placements_sql, as: UTF8.self)
        ),
        Migration(
            version: 102,
            name: "retired_pooled_copies",
            sql: String(decoding: PackageResources._102_retired_pooled_copies_sql, as: UTF8.self)
        ),
        Migration(
            version: 103,
            name: "retired_pooled_copies_private",
            sql: String(decoding: PackageResources._103_retired_pooled_copies_private_sql, as: UTF8.self)
        ),
        Migration(
            version: 104,
            name: "instance_logins",
            sql: String(decoding: PackageResources._104_instance_logins_sql, as: UTF8.self)
        ),
        Migration(
            version: 105,
            name: "retired_snapshots",
            sql: String(decoding: PackageResources._105_retired_snapshots_sql, as: UTF8.self)
        ),
        Migration(
            version: 106,
            name: "instance_writes_bounded",
            sql: String(decoding: PackageResources._106_instance_writes_bounded_sql, as: UTF8.self)
        ),
    ]
}
