public import PostgresClient

/// The provisioning service's schema changes, numbered 200–299.
public enum ProvisioningMigrations {
    public static let all: [Migration] = [
        Migration(
            version: 200,
            name: "tenants_read_model",
            sql: String(decoding: PackageResources._200_tenants_read_model_sql, as: UTF8.self)
        ),
    ]
}
