public import PostgresClient

/// The event store's schema changes, numbered 1–99.
public enum EventStoreMigrations {
    public static let all: [Migration] = [
        Migration(version: 1, name: "event_store", sql: String(decoding: PackageResources._001_event_store_sql, as: UTF8.self)),
        Migration(
            version: 2, name: "schema_migrations_readable",
            sql: String(decoding: PackageResources._002_schema_migrations_readable_sql, as: UTF8.self)
        ),
        Migration(
            version: 3, name: "quiet_notifications",
            sql: String(decoding: PackageResources._003_quiet_notifications_sql, as: UTF8.self)
        ),
    ]
}
