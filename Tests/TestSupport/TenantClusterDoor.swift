import Foundation
import PostgresClient

/// A stand-in for a dedicated tenant's own cluster: the test cluster, reached by a URL through
/// a database of its own whose connections can be refused (the cluster out of reach, as a
/// client sees it) and allowed again (the cluster back).
public struct TenantClusterDoor: Sendable {
    /// The database the URL connects to.
    public let database: String
    /// A libpq URL (`postgresql://user@%2Fsocket%2Fdir:port/database`), as a signup gives it.
    public let url: String

    /// Creates the door's database on the test cluster; connections are allowed.
    public static func create() async throws -> TenantClusterDoor {
        _ = try await TestCluster.ensureTemplate() // the test cluster is up
        let name = "door_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            try await connection.query("CREATE DATABASE \(identifier: String(name))")
        }
        let parts = PostgresConfiguration(connectionString: TestCluster.cluster.connectionString(database: String(name)))
        let host = try parts.value(of: "host") ?? "localhost"
        let port = try parts.value(of: "port") ?? "5432"
        let user = try parts.value(of: "user") ?? "postgres"
        let encodedHost = host.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? host
        return TenantClusterDoor(database: String(name), url: "postgresql://\(user)@\(encodedHost):\(port)/\(name)")
    }

    /// Refuses every new connection to the door (and ends the open ones), or accepts them again.
    public func refuseConnections(_ refused: Bool) async throws {
        let allowed: StaticString = refused ? "false" : "true"
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            try await connection.query("ALTER DATABASE \(identifier: database) ALLOW_CONNECTIONS \(literalSQL: allowed)")
            if refused {
                try await connection.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(database)")
            }
        }
    }

    /// Drops the door's database and the dedicated databases named (made through it).
    public func drop(alongWith databases: [String] = []) async throws {
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            for name in databases + [database] {
                try await connection.query("DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)")
            }
        }
    }

    /// Whether a database of that name exists on the test cluster.
    public static func exists(_ database: String) async throws -> Bool {
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            try await connection.query("SELECT count(*) FROM pg_database WHERE datname = \(database)").rows.first?.decode(Int.self) == 1
        }
    }
}
