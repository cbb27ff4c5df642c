public import EmbeddedPostgres
public import Foundation
public import PostgresClient
public import Tenancy

extension DatabaseTarget {
    /// How this process reaches cells: `database:` on the control plane's cluster with its
    /// login, `env:` from this process's environment, `embedded:` under
    /// `$TENANTRY_HOME/cells/<name>` (`tenantry dev up --cells`).
    public func cellConnections(environment: [String: String] = ProcessInfo.processInfo.environment) -> CellConnections {
        let controlPlane = administratorConfiguration
        return CellConnections { location throws(CellError) in
            switch location {
            case .controlPlane:
                return controlPlane
            case .database(let name):
                return controlPlane.with(database: name)
            case .environment(let variable):
                guard let url = environment[variable], !url.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw .unusable("\(variable) is not set in this process's environment: set it to the cell's libpq URL")
                }
                return PostgresConfiguration(connectionString: url)
            case .embedded(let name):
                return PostgresConfiguration(
                    connectionString: Self.embeddedCell(name, environment: environment).connectionString(database: Self.embeddedDatabaseName))
            }
        }
    }

    /// The local cluster of an embedded cell: `$TENANTRY_HOME/cells/<name>/postgres`, else
    /// `./.tenantry/cells/<name>/postgres`.
    public static func embeddedCell(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> EmbeddedCluster {
        let home = environment[homeVariable].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.currentDirectoryPath + "/.tenantry"
        return EmbeddedCluster(directory: home + "/cells/\(name)/postgres", profile: .development)
    }
}
