public import Hummingbird
import Synchronization
import Testing
import TestSupport

/// A Hummingbird server in the test process on 127.0.0.1 and a free port, standing in for
/// something Tenantry calls out to (a client's SIEM, a webhook receiver).
public enum LocalHTTPServer {
    /// Serves `router` for `body`, which gets the port; the server stops afterwards.
    /// `ended` hears how the server stopped if it did before `body` was done (a test that sees
    /// no requests can then tell a receiver that stopped from a sender that never sent).
    @discardableResult
    public static func serve<Value: Sendable>(
        _ router: Router<BasicRequestContext>,
        ended: @escaping @Sendable (String) -> Void = { _ in },
        _ body: (Int) async throws -> Value
    ) async throws -> Value {
        let port = Mutex<Int?>(nil)
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                port.withLock { $0 = channel.localAddress?.port }
            }
        )
        let server = Task {
            do {
                try await application.runService(gracefulShutdownSignals: [])
                ended("returned")
            } catch {
                ended("threw \(error)")
            }
        }
        defer { server.cancel() }
        try await waitUntil("the local server listens") { port.withLock { $0 } != nil }
        return try await body(try #require(port.withLock { $0 }))
    }
}
