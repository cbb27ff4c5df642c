import Foundation
@testable import PostgresClient
import TestSupport
import Testing

/// `PQcancel` opens a connection of its own: on a machine too busy to take new connections
/// quickly, the request can need longer than the 5 s a server gets to answer it.
@Suite("A cancel request gets the connect timeout to arrive, then a short grace for the answer")
struct CancelDeliveryTests {
    @Test("a cancel that reaches a slow server only after the grace still cancels the statement, which fails as timedOut; the connection stays usable")
    func slowDelivery() async throws {
        try await withTestDatabase { database async throws in
            let relay = try SlowToAcceptRelay(in: database.applicationConfiguration)
            defer { relay.close() }
            let configuration = try relay.configuration(for: database.applicationConfiguration, connectTimeoutSeconds: 60)
            try await PostgresConnection.withConnection(configuration) { connection in
                relay.holdNewConnections()
                let statement = Task { try await connection.query("SELECT pg_sleep(60)", timeout: .milliseconds(200)) }
                try await waitUntil("the cancel request reaches the relay") { relay.heldOrAdmittedCount == 1 }
                // The fault under test, not a synchronisation: the server takes the cancel only
                // once the grace would have run out had it been counted from sending.
                try await Task.sleep(for: configuration.cancellationGrace + .seconds(1))
                relay.admitHeldConnections()
                let error = await #expect(throws: PostgresError.self) { try await statement.value }
                #expect(error?.kind == .timedOut, "\(String(describing: error))")
                #expect(error?.sqlState == .queryCanceled)
                let one = try await connection.query("SELECT 1").rows.first?.decode(Int.self)
                #expect(one == 1)
            }
        }
    }

    @Test("a cancel the server never takes gives the connection up at the connect timeout, and the error says the request was not delivered")
    func undeliveredCancel() async throws {
        try await withTestDatabase { database async throws in
            let relay = try SlowToAcceptRelay(in: database.applicationConfiguration)
            defer { relay.close() }
            // The limit under test is also the login's: on a machine busy enough to take longer
            // to log in, the attempt is repeated (the relay passes logins through until told).
            let configuration = try relay.configuration(for: database.applicationConfiguration, connectTimeoutSeconds: 5)
            let connection = try await connectRetryingTimeouts(configuration)
            relay.holdNewConnections()
            let backend = try await connection.backendProcessID()
            let started = ContinuousClock.now
            let error = await #expect(throws: PostgresError.self) {
                try await connection.query("SELECT pg_sleep(60)", timeout: .milliseconds(200))
            }
            #expect(error?.kind == .connectionLost, "\(String(describing: error))")
            #expect(error?.message.contains("was not delivered within 5") == true, "\(String(describing: error))")
            #expect(started.duration(to: .now) < .seconds(30))
            #expect(relay.heldOrAdmittedCount == 1)
            #expect(await !connection.isReusable())
            await connection.close()
            relay.close()  // lets the held request through, so its thread ends
            try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.query("SELECT pg_terminate_backend(\(Int(backend)))")
            }
        }
    }
}

/// Connects, trying again while a login runs out of its connect timeout, for up to two minutes.
private func connectRetryingTimeouts(_ configuration: PostgresConfiguration) async throws -> PostgresConnection {
    let deadline = ContinuousClock.now + .seconds(120)
    while true {
        do {
            return try await PostgresConnection.connect(configuration)
        } catch {
            guard error.message.contains("timeout expired"), ContinuousClock.now < deadline else { throw error }
        }
    }
}

extension SlowToAcceptRelay {
    /// A relay in front of the cluster `configuration` connects to.
    convenience init(in configuration: PostgresConfiguration) throws {
        try self.init(
            clusterDirectory: configuration.value(of: "host") ?? "/tmp",
            port: configuration.value(of: "port") ?? "5432")
    }

    /// `configuration`, connecting through the relay.
    func configuration(for configuration: PostgresConfiguration, connectTimeoutSeconds: Int) throws -> PostgresConfiguration {
        var relayed = configuration
        // A keyword given twice takes its last value.
        relayed.connectionString += " host='\(directory)'"
        relayed.connectTimeoutSeconds = connectTimeoutSeconds
        return relayed
    }
}
