import Foundation
import HTTPTestSupport
import Hummingbird
import Logging
import TenantryServer
import TestSupport
import Testing

/// Runs a Hummingbird application of `router` on 127.0.0.1 and a free port for `body`, for
/// tests of middleware the way a server assembles it, then stops it.
func withRunningApplication(
    _ router: Router<TenantryRequestContext>, _ body: @Sendable (HTTPTestClient, ServerAddress) async throws -> Void
) async throws {
    var logger = Logger(label: "running-application-test")
    logger.logLevel = .critical
    let (ports, listening) = AsyncStream<Int>.makeStream()
    let application = Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in listening.yield(channel.localAddress?.port ?? 0) },
        logger: logger
    )
    // A server that stops (it could not bind) ends the stream, so the test fails, not hangs.
    let running = Task {
        defer { listening.finish() }
        try await application.runService()
    }
    defer { running.cancel() }
    var iterator = ports.makeAsyncIterator()
    let port = try #require(await iterator.next(), "the server stopped before it listened")
    try await body(HTTPTestClient(host: "127.0.0.1", port: port), ServerAddress(host: "127.0.0.1", port: port))
}
