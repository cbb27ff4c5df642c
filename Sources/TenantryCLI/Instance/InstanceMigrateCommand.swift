import ArgumentParser
import Foundation
import Schema
import Instances
import Tenantry

/// `tenantry instance migrate <tenant>`: the migration step of an instance.
struct InstanceMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply this release's migrations to the platform's database and an instance's dedicated database.",
        discussion: """
            The step that runs before an instance starts (tenantry-instance-migrate@<tenant>.service, \
            the Kubernetes migration Job), with the migration credential: the environment of \
            migration.env, a superuser or a login that is a member of tenantry_owner and \
            tenantry_operator. `serve --instance` runs with the instance's own login, which may \
            not migrate, and refuses a schema with migrations pending.
            """
    )

    @Argument(help: "The tenant's slug or id.")
    var tenant: String

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        // The platform's database first: the runtime refuses one with migrations pending.
        if case .external = connection.target {
            let outcome = try await DatabaseMigrator().migrate(connection.target.administratorConfiguration)
            StandardOutput.line("platform database: \(outcome.applied.count) migration(s) applied, at version \(outcome.currentVersion)")
        }
        let database = try await connection.withInstances { instances in try await instances.migrate(tenant) }
        StandardOutput.line("\(database): migrated")
    }
}
