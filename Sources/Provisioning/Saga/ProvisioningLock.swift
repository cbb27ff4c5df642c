import Foundation
import PostgresClient

/// One provisioning run per tenant at a time: the advisory lock `(727275, hashtext(id))`, taken
/// on the pooled connections the run works on, never on a connection opened for it.
///
/// - Each attempt of a run is one transaction that takes the lock transaction-scoped
///   (`lockTransaction`) before it reads the tenant, and writes what it did before it commits.
///   Two runners of one tenant therefore never run a step at once, and a lost connection takes
///   the lock and everything the attempt had not committed with it: the next attempt (or another
///   runner) starts again from what is recorded.
/// - A signup's creator holds the lock session-scoped (`holding`) on its pooled connection from
///   before the registration commits until its run ends, so a runner woken by the registration
///   waits and finds the tenant done. The lock is released before the connection goes back to
///   the pool; when the release cannot be confirmed the connection is closed instead, so a lock
///   never stays behind on a pooled connection.
enum ProvisioningLock {
    /// The advisory lock namespace of provisioning runs.
    static let namespace: Int32 = 727_275

    static func key(_ tenantID: UUID) -> String { tenantID.uuidString.lowercased() }

    /// Takes the tenant's lock for the rest of the transaction open on `connection`, waiting
    /// while another run holds it (up to `PostgresConfiguration.lockWaitTimeout`).
    static func lockTransaction(_ tenantID: UUID, on connection: isolated PostgresConnection) throws {
        try connection.query(
            "SELECT pg_advisory_xact_lock(\(namespace), hashtext(\(key(tenantID))))",
            timeout: PostgresConfiguration.lockWaitTimeout
        )
    }

    /// Runs `body` holding the tenant's lock session-scoped on `connection` (a pooled connection
    /// the caller has checked out and keeps until this returns).
    static func holding<Value: Sendable>(
        _ tenantID: UUID,
        on connection: PostgresConnection,
        _ body: () async throws -> Value
    ) async throws -> Value {
        try await connection.takeAdvisoryLock(key(tenantID), namespace: namespace)
        do {
            let value = try await body()
            await release(tenantID, on: connection)
            return value
        } catch {
            await release(tenantID, on: connection)
            throw error
        }
    }

    /// Releases the session lock; a connection on which that cannot be confirmed is closed, so
    /// the pool discards it (and the server ends its session, which releases the lock).
    private static func release(_ tenantID: UUID, on connection: PostgresConnection) async {
        let released = try? await connection.query(
            "SELECT pg_advisory_unlock(\(namespace), hashtext(\(key(tenantID))))", honoringCancellation: false
        ).rows.first?.decode(Bool.self)
        if released != true { await connection.close() }
    }
}
