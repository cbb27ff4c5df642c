public import PostgresClient

/// The provisioning service's schema changes, numbered 200–299.
public enum ProvisioningMigrations {
    public static let all: [Migration] = [
        Migration(
            version: 200,
            name: "tenants_read_model",
            sql: String(decoding: PackageResources._200_tenants_read_model_sql, as: UTF8.self)
        ),
        Migration(
            version: 201,
            name: "tenants_compensation_owed",
            sql: String(decoding: PackageResources._201_tenants_compensation_owed_sql, as: UTF8.self)
        ),
        Migration(
            version: 202,
            name: "signup_admissions",
            sql: String(decoding: PackageResources._202_signup_admissions_sql, as: UTF8.self)
        ),
    ]
}
