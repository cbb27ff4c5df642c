public import Schema
public import Instances
public import PostgresClient

/// The migrator is the schema instance operations migrate dedicated databases with.
extension DatabaseMigrator: InstanceSchema {
    public func migrateSchema(of configuration: PostgresConfiguration) async throws {
        try await migrate(configuration)
    }

    public func pendingMigrationCount(of configuration: PostgresConfiguration) async throws -> Int {
        try await pending(configuration).count
    }
}
