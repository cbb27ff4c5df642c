import Foundation
import HTTPTestSupport
import Hummingbird
import NIOCore
import NIOHTTP1
import TenantryServer
import TestSupport
import Testing

/// How a test reaches the server it started.
enum ServerTransport: Sendable {
    /// Hummingbird's application in process (`HTTPTestClient.inProcess`): the same routes,
    /// middleware and background workers, no socket and no port. For what a route answers:
    /// status, headers, problem documents, authentication and scopes.
    case inProcess
    /// A real port on 127.0.0.1: for what needs a connection (SDKs, the browser, Python
    /// clients, event streams, connection limits, bodies refused mid-upload, peer addresses).
    case socket
}

/// The server a test runs, and how to reach it.
struct ServedServer: Sendable {
    let client: HTTPTestClient
    /// The port the server listens on; nil in process.
    let socketAddress: ServerAddress?

    /// The listening address; a test that asks for it in process fails, naming the fix.
    func address(sourceLocation: SourceLocation = #_sourceLocation) -> ServerAddress {
        guard let socketAddress else {
            Issue.record("this test needs a socket: pass `transport: .socket` when starting its server", sourceLocation: sourceLocation)
            // The discard port: nothing answers there.
            return ServerAddress(host: "127.0.0.1", port: 9)
        }
        return socketAddress
    }
}

/// Runs `server` for `body` over `transport` and shuts it down gracefully afterwards (the
/// background workers too); an error from `body` is rethrown after the shutdown.
///
/// `TENANTRY_TEST_TRANSPORT=socket` puts every test on a socket, as they all were before the
/// in-process client: to compare the two, or to rule the transport out when a test fails.
func serve<Value: Sendable>(
    _ server: APIServer, on transport: ServerTransport, _ body: @escaping @Sendable (ServedServer) async throws -> Value
) async throws -> Value {
    let forced = ProcessInfo.processInfo.environment["TENANTRY_TEST_TRANSPORT"] == "socket" ? ServerTransport.socket : transport
    switch forced {
    case .inProcess:
        return try await HTTPTestClient.inProcess(server.inProcessApplication()) { client in
            try await body(ServedServer(client: client, socketAddress: nil))
        }
    case .socket:
        let (addresses, listening) = AsyncStream<ServerAddress>.makeStream()
        let group = server.serviceGroup { address in listening.yield(address) }
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { listening.finish() }
                try await group.run()
            }
            var iterator = addresses.makeAsyncIterator()
            guard let address = await iterator.next() else {
                // The server stopped before it listened: its error says why.
                try await tasks.waitForAll()
                throw TestServerError("the server stopped before it listened")
            }
            do {
                let value = try await body(ServedServer(client: HTTPTestClient(host: address.host, port: address.port), socketAddress: address))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}
