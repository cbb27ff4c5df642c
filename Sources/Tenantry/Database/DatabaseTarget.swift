public import EmbeddedPostgres
public import Foundation
public import PostgresClient
import Schema

/// Which PostgreSQL Tenantry talks to: one the operator named by URL, or the private embedded
/// cluster under `.tenantry/postgres` when none was named.
public enum DatabaseTarget: Sendable {
    case external(url: String)
    case embedded(EmbeddedCluster, database: String)

    /// The environment variable that names the database.
    public static let urlVariable = "TENANTRY_DATABASE_URL"
    /// The environment variable that moves `.tenantry/` elsewhere.
    public static let homeVariable = "TENANTRY_HOME"
    /// The embedded cluster's application database.
    public static let embeddedDatabaseName = "tenantry"

    /// `--database-url` if given, else `TENANTRY_DATABASE_URL`, else the embedded cluster.
    public static func resolve(
        url: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> DatabaseTarget {
        if let url = url ?? environment[urlVariable], !url.trimmingCharacters(in: .whitespaces).isEmpty {
            return .external(url: url)
        }
        return .embedded(embeddedCluster(environment: environment), database: embeddedDatabaseName)
    }

    /// The embedded development cluster: `$TENANTRY_HOME/postgres`, else `./.tenantry/postgres`.
    public static func embeddedCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> EmbeddedCluster {
        let home = environment[homeVariable].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.currentDirectoryPath + "/.tenantry"
        return EmbeddedCluster(directory: home + "/postgres", profile: .development)
    }

    /// How migrations connect: the URL as given (a superuser or a member of tenantry_owner),
    /// or the embedded cluster's superuser.
    public var administratorConfiguration: PostgresConfiguration {
        switch self {
        case .external(let url):
            PostgresConfiguration(connectionString: url)
        case let .embedded(cluster, database):
            PostgresConfiguration(connectionString: cluster.connectionString(database: database))
        }
    }

    /// How operator and control-plane work connects: acting as `tenantry_operator`, which reads
    /// every tenant's events. The embedded cluster's superuser (or the URL's login, which must be
    /// a member of `tenantry_operator`) acts as it.
    public var operatorConfiguration: PostgresConfiguration {
        administratorConfiguration.acting(as: DatabaseRoles.operator)
    }

    /// How the application connects: always acting as `tenantry_app`, whatever the login role.
    public var applicationConfiguration: PostgresConfiguration {
        switch self {
        case .external(let url):
            PostgresConfiguration(connectionString: url, role: DatabaseRoles.application)
        case let .embedded(cluster, database):
            PostgresConfiguration(
                connectionString: cluster.connectionString(database: database, user: DatabaseRoles.application)
            )
        }
    }
}
