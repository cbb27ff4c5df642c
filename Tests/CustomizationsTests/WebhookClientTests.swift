@testable import Customizations
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTestSupport
import Hummingbird
import Synchronization
import Testing

/// The audit forwarder's webhook client holds its three rules against a receiver that tries
/// to bend them.
@Suite("A webhook receiver cannot redirect, flood or stall the forwarder")
struct WebhookClientTests {
    static func post(to port: Int) throws -> URLRequest {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)/ingest")))
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"type":"Noted"}"#.utf8)
        return request
    }

    @Test("a redirect is the receiver's answer, not followed: the target never hears of the event")
    func redirectNotFollowed() async throws {
        let redirectedTo = Mutex(0)
        let router = Router()
        router.post("/elsewhere") { _, _ -> Response in
            redirectedTo.withLock { $0 += 1 }
            return Response(status: .noContent)
        }
        router.post("/ingest") { _, _ -> Response in
            Response(status: .temporaryRedirect, headers: [.location: "/elsewhere"])
        }
        try await LocalHTTPServer.serve(router) { port in
            let status = try await WebhookClient().send(try Self.post(to: port), timeout: .seconds(30))
            #expect(status == 307)
            #expect(redirectedTo.withLock { $0 } == 0)
        }
    }

    @Test("an answer longer than the limit fails the delivery instead of filling memory")
    func longAnswerRefused() async throws {
        let router = Router()
        router.post("/ingest") { _, _ -> Response in
            let chunk = ByteBuffer(repeating: 0x61, count: 64 * 1024)
            // Endless, unless the forwarder stops reading.
            return Response(status: .ok, body: ResponseBody { writer in
                while true { try await writer.write(chunk) }
            })
        }
        try await LocalHTTPServer.serve(router) { port in
            await #expect(throws: WebhookClient.AnswerTooLong.self) {
                try await WebhookClient().send(try Self.post(to: port), timeout: .seconds(60))
            }
        }
    }

    @Test("a receiver that never answers fails the delivery at the forwarder's deadline")
    func stalledReceiverTimesOut() async throws {
        let (gate, opener) = AsyncStream<Void>.makeStream()
        defer { opener.finish() }
        let router = Router()
        router.post("/ingest") { _, _ -> Response in
            for await _ in gate {}
            return Response(status: .noContent)
        }
        try await LocalHTTPServer.serve(router) { port in
            let started = ContinuousClock.now
            await #expect(throws: WebhookClient.TimedOut.self) {
                try await WebhookClient().send(try Self.post(to: port), timeout: .seconds(1))
            }
            // The deadline, not the receiver, ended it (with room for a busy machine).
            #expect(started.duration(to: .now) < .seconds(60))
        }
    }

    @Test("a receiver that trickles its answer (never idle long) is cut off at the whole exchange's deadline")
    func tricklingAnswerTimesOut() async throws {
        let router = Router()
        router.post("/ingest") { _, _ -> Response in
            // A byte every 200 ms: URLSession's idle timer never fires, and the answer stays far
            // below the size limit; only the deadline of the whole exchange can end it.
            Response(status: .ok, body: ResponseBody { writer in
                while true {
                    try await writer.write(ByteBuffer(bytes: [0x61]))
                    try await Task.sleep(for: .milliseconds(200))
                }
            })
        }
        try await LocalHTTPServer.serve(router) { port in
            let started = ContinuousClock.now
            await #expect(throws: WebhookClient.TimedOut.self) {
                try await WebhookClient().send(try Self.post(to: port), timeout: .seconds(2))
            }
            #expect(started.duration(to: .now) < .seconds(60))
        }
    }

    @Test("a send whose task is cancelled before it starts fails at once and leaves nothing waiting", .timeLimit(.minutes(1)))
    func cancelledBeforeStart() async throws {
        let router = Router()
        router.post("/ingest") { _, _ -> Response in Response(status: .noContent) }
        try await LocalHTTPServer.serve(router) { port in
            let client = WebhookClient()
            let request = try Self.post(to: port)
            let send = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.send(request, timeout: .seconds(30))
            }
            await #expect(throws: (any Error).self) { try await send.value }
        }
    }
}
