public import PostgresClient

extension SchemaMigrator {
    /// What is wrong with the database's record of this migrator's migrations, one sentence each:
    /// a migration not applied, or applied with another script (checksum). Empty when every
    /// migration this release knows is applied as this release has it. Migrations the database
    /// records that this release does not know (a newer release migrated it) are not reported.
    public func mismatches(on connection: PostgresConnection) async throws -> [String] {
        let applied = try await appliedVersions(on: connection)
        return migrations.compactMap { migration in
            guard let checksum = applied[migration.version] else {
                return "migration \(migration.version) \(migration.name) is not applied"
            }
            guard checksum == migration.checksum else {
                return "migration \(migration.version) \(migration.name) was applied with checksum \(checksum), "
                    + "this release has \(migration.checksum)"
            }
            return nil
        }
    }
}
