import ChildProcesses
import Foundation
@testable import PostgresClient
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Connections keep their own descriptors")
struct DescriptorIntegrityTests {
    /// The conditions of the hung test run: connections opened and closed while children are
    /// spawned with an inheritable descriptor and temporary files open and close on other
    /// threads. Every connection must still own its socket and wake-up pipe afterwards.
    @Test("connections opened and closed among spawns and file churn keep their sockets")
    func socketsSurviveChurn() async throws {
        try await withTestDatabase { database async throws in
            let stop = Atomic<Bool>(false)
            let churn = Thread {
                while !stop.load(ordering: .relaxed) {
                    let path = NSTemporaryDirectory() + "tenantry-churn-\(UUID().uuidString)"
                    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
                    if descriptor >= 0 {
                        unlink(path)
                        close(descriptor)
                    }
                }
            }
            churn.start()
            defer { stop.store(true, ordering: .relaxed) }

            // Enough connections that their descriptors pass 200, where the leak test's
            // descriptor goes.
            var connections: [PostgresConnection] = []
            for _ in 0..<80 { connections.append(try await PostgresConnection.connect(database.applicationConfiguration)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let leaked = try InheritableDescriptor()
                        let done = try await ChildProcess.run(
                            ChildProcess.Configuration(executable: "/bin/sh", arguments: ["-c", "echo \(index)"], environment: [:]),
                            timeout: .seconds(120))
                        #expect(done.standardOutput == "\(index)\n")
                        _ = leaked
                    }
                    group.addTask {
                        // Short-lived connections beside the long-lived ones.
                        try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                            _ = try await connection.query("SELECT \(index)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            for connection in connections {
                #expect(await connection.descriptorsAreIntact(), "connection \(connection.id) lost its socket or pipe")
                let one = try await connection.query("SELECT 1").rows.first?.decode(Int.self)
                #expect(one == 1)
                await connection.close()
            }
        }
    }

    /// What other code closing a connection's socket number used to cause: the next query sent
    /// its bytes into whatever took the number and waited forever for an answer.
    @Test("a connection whose socket number was taken over fails at once, and the pool replaces it")
    func replacedSocketFailsFast() async throws {
        try await withTestDatabase { database async throws in
            let pool = database.applicationPool(maximumConnections: 1)
            let connection = try await pool.checkout()
            let socket = try await connection.socketDescriptor()
            var pair: [Int32] = [-1, -1]
            try #require(pipe(&pair) == 0)
            defer { pair.forEach { close($0) } }
            // This test does to its own connection what the faulty test did to a stranger's.
            try #require(dup2(pair[1], socket) == socket)
            #expect(await !connection.descriptorsAreIntact())

            let started = ContinuousClock.now
            let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
            #expect(error?.kind == .connectionLost)
            // Told apart from a wait on the dead socket (forever, or the 60 s statement deadline),
            // with room for a busy machine: a guard, not a measurement.
            #expect(started.duration(to: .now) < .seconds(30))
            // Abandoned without closing the number, which is the pipe's now.
            #expect(fcntl(socket, F_GETFD) >= 0, "the connection closed a descriptor that was no longer its own")
            await pool.checkin(connection)
            let four = try await pool.query("SELECT 4").rows.first?.decode(Int.self)
            #expect(four == 4)
            await pool.close()
            close(socket)
        }
    }
}
