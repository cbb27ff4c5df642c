import EventStore
import Logging
import PostgresClient

/// One provisioning run per tenant at a time: a session advisory lock `(727275, hashtext(id))`
/// on a connection of its own, so the lock outlives the transactions the run makes elsewhere
/// and a crashed holder's lock goes with its connection.
///
/// Taking it rides out an unavailable database (see `ProvisioningRetryPolicy`). Losing it is
/// not an error of the run: if the lock's connection is cut while the run goes on, the run
/// finishes (every step is recorded at the version it loaded, so a second run that gets the
/// lock meanwhile cannot record a step twice) and releasing a lock that went with its
/// connection is a no-op.
struct ProvisioningLock {
    /// The advisory lock namespace of provisioning runs.
    static let namespace: Int32 = 727_275

    let configuration: PostgresConfiguration
    let retry: ProvisioningRetryPolicy
    let logger: Logger

    func holding<Value: Sendable>(_ key: String, _ body: () async throws -> Value) async throws -> Value {
        let connection = try await acquire(key)
        do {
            let value = try await body()
            await release(key, on: connection)
            return value
        } catch {
            await release(key, on: connection)
            throw error
        }
    }

    private func acquire(_ key: String) async throws -> PostgresConnection {
        var attempts = ProvisioningRetryPolicy.Attempts(retry)
        while true {
            var opened: PostgresConnection?
            do {
                let connection = try await PostgresConnection.connect(configuration, logger: logger)
                opened = connection
                // Another run holds it for as long as its saga takes (retries included).
                try await connection.takeAdvisoryLock(key, namespace: Self.namespace)
                return connection
            } catch {
                if let opened { await opened.close() }
                guard PostgresError(underlying: error)?.isDatabaseUnavailable == true else { throw error }
                logger.debug("provisioning lock: database unavailable", metadata: ["attempt": "\(attempts.count)", "error": "\(error)"])
                guard try await attempts.backOff() else { throw error }
            }
        }
    }

    private func release(_ key: String, on connection: PostgresConnection) async {
        // Closing the session releases its locks too; unlocking first returns them at once.
        await connection.releaseAdvisoryLock(key, namespace: Self.namespace)
        await connection.close()
    }
}
