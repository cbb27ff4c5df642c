public import Foundation
public import PostgresClient
import Schema

/// How this process reaches each cell's database, from the location the control plane records:
/// the deployment's configuration (its environment, its embedded clusters) turns a reference
/// into a login. The login it gives is an administrator's (one that may act as the application
/// and the operator, and migrate); the application's and the operator's are derived from it.
public struct CellConnections: Sendable {
    /// The administrator's configuration for a location, or `CellError.unusable` naming what is
    /// missing (an unset variable, say).
    public typealias Resolve = @Sendable (CellLocation) throws(CellError) -> PostgresConfiguration

    private let resolve: Resolve

    public init(resolve: @escaping Resolve) {
        self.resolve = resolve
    }

    /// The login that migrates the cell and runs owner-only functions there.
    public func administrator(_ location: CellLocation) throws(CellError) -> PostgresConfiguration {
        try resolve(location)
    }

    /// The same login acting as `tenantry_app`.
    public func application(_ location: CellLocation) throws(CellError) -> PostgresConfiguration {
        try resolve(location).acting(as: DatabaseRoles.application)
    }

    /// The same login acting as `tenantry_operator`.
    public func `operator`(_ location: CellLocation) throws(CellError) -> PostgresConfiguration {
        try resolve(location).acting(as: DatabaseRoles.operator)
    }

    /// The administrator's login for a cell, once its database proved to be the one the cell was
    /// added with (`identity`; nil and `controlPlane` are not checked): what every operation
    /// that changes a tenant's rows there (a move, a fence, a purge, a forgetting) uses, so none
    /// acts on a database re-created behind the same location.
    public func checkedAdministrator(_ location: CellLocation, identity: UUID?) async throws -> PostgresConfiguration {
        let administrator = try resolve(location)
        guard location != .controlPlane, let identity else { return administrator }
        let found = try await PostgresConnection.withConnection(administrator.acting(as: DatabaseRoles.operator)) { connection in
            try await connection.query("SELECT tenantry.database_identity()").rows.first?.decode(UUID.self)
        }
        guard found == identity else {
            throw CellError.unusable(
                "the database at \(location) is not the cell's: identity \(found?.uuidString.lowercased() ?? "none"), recorded \(identity.uuidString.lowercased())")
        }
        return administrator
    }

    /// The identity of the database at `configuration` (`tenantry.database_identity()`).
    public static func identity(on pool: PostgresPool) async throws -> UUID {
        guard let identity = try await pool.query("SELECT tenantry.database_identity()").rows.first?.decode(UUID.self) else {
            throw PostgresError.misuse("database_identity() returned no row")
        }
        return identity
    }
}
