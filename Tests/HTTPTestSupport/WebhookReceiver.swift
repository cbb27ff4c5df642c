import Foundation
import Hummingbird
import NIOCore
import Synchronization
import Testing
import TestSupport

/// A small HTTP server in the test process standing in for a client's SIEM: it records every
/// POST to `/ingest` and answers 503 to the first `failures` of them.
public final class WebhookReceiver: Sendable {
    public struct Delivery: Sendable {
        public let eventID: String?
        public let signature: String?
        public let body: [UInt8]
    }

    private struct State {
        public var deliveries: [Delivery] = []
        var refusalsLeft: Int
        var requests = 0
        /// How the server ended, if it did before the test was done with it.
        var ended: String?
    }

    private let state: Mutex<State>

    private init(failures: Int) {
        state = Mutex(State(refusalsLeft: failures))
    }

    public var deliveries: [Delivery] { state.withLock { $0.deliveries } }
    public var requests: Int { state.withLock { $0.requests } }
    /// Nil while the server runs; how it ended otherwise (a test that sees no requests can tell
    /// a receiver that stopped from a sender that never sent).
    public var ended: String? { state.withLock { $0.ended } }

    /// Runs `body` with a receiver listening on 127.0.0.1 and a free port; stops it afterwards.
    public static func with<Value: Sendable>(failures: Int, _ body: (WebhookReceiver, URL) async throws -> Value) async throws -> Value {
        let receiver = WebhookReceiver(failures: failures)
        let router = Router()
        router.post("/ingest") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let delivery = Delivery(
                eventID: request.headers[.init("Tenantry-Event-Id")!],
                signature: request.headers[.init("Tenantry-Signature")!],
                body: Array(buffer: bytes))
            let refuse = receiver.state.withLock { state -> Bool in
                state.requests += 1
                if state.refusalsLeft > 0 {
                    state.refusalsLeft -= 1
                    return true
                }
                state.deliveries.append(delivery)
                return false
            }
            return Response(status: refuse ? .serviceUnavailable : .noContent)
        }
        return try await LocalHTTPServer.serve(router, ended: { how in receiver.state.withLock { $0.ended = how } }) { port in
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/ingest"))
            return try await body(receiver, url)
        }
    }
}
