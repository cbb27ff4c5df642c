import FeatureFlags
import Foundation
import NIOCore
import NIOPosix
import Provisioning
import TestSupport
import Testing

@Suite("Connection and stream limits: slow clients cut off, streams and OFREP bounded")
struct ConnectionLimitTests {
    @Test("a client that sends 1 byte of a declared 60,000 and stalls is cut off at the body deadline")
    func stalledBody() async throws {
        try await withTestServer(transport: .socket, configure: { configuration, _, _ in
            configuration.idleTimeout = .seconds(30)
            configuration.requestBodyTimeout = .seconds(2)
        }) { server in
            let client = WholeBodyClient(host: server.address.host, port: server.address.port)
            let started = ContinuousClock.now
            let outcome = try await client.send(
                head: [
                    "POST /ofrep/v1/evaluate/flags HTTP/1.1", "Host: test", "Authorization: Bearer \(server.apiKey)",
                    "Content-Type: application/json", "Content-Length: 60000",
                ],
                body: Array("{".utf8), deadline: .seconds(15))
            let elapsed = ContinuousClock.now - started
            #expect(elapsed < .seconds(15), "closed after \(elapsed)")
            #expect(outcome.status == nil || outcome.status == 408 || outcome.status == 400, "\(outcome.text.prefix(200))")
        }
    }

    @Test("a client that trickles its body, a byte at a time, is cut off at the body deadline all the same")
    func tricklingBody() async throws {
        try await withTestServer(transport: .socket, configure: { configuration, _, _ in
            configuration.idleTimeout = .seconds(30)
            configuration.requestBodyTimeout = .seconds(2)
        }) { server in
            let connection = try await RawConnection.open(host: server.address.host, port: server.address.port)
            defer { connection.close() }
            try await connection.write(
                "POST /ofrep/v1/evaluate/flags HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer \(server.apiKey)\r\nContent-Length: 60000\r\n\r\n")
            let started = ContinuousClock.now
            // A byte every 200 ms keeps an idle timer from ever firing; the body deadline still does.
            while connection.isOpen, ContinuousClock.now - started < .seconds(15) {
                try? await connection.write(" ")
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(!connection.isOpen, "still open after \(ContinuousClock.now - started)")
        }
    }

    @Test("a connection that never finishes its request head, or sits idle, is closed at the idle timeout")
    func idleAndSlowHead() async throws {
        try await withTestServer(transport: .socket, configure: { configuration, _, _ in
            configuration.idleTimeout = .seconds(2)
        }) { server in
            for opening in ["", "GET /healthz HTTP/1.1\r\nHost: te"] {
                // Before connecting: the server's timer starts when it accepts.
                let started = ContinuousClock.now
                let connection = try await RawConnection.open(host: server.address.host, port: server.address.port)
                defer { connection.close() }
                // On a busy machine the idle timeout may pass before the write: a write that
                // finds the connection closed already is the behaviour under test.
                if !opening.isEmpty { try? await connection.write(opening) }
                try await waitUntil("the server closes a connection that sent \(opening.debugDescription)", timeout: .seconds(60)) { !connection.isOpen }
                #expect(ContinuousClock.now - started >= .seconds(1))
            }
        }
    }

    @Test("event streams beyond the per-key or per-tenant limit are 429 too-many-event-streams; a closed stream frees its place")
    func eventStreamLimits() async throws {
        try await withTestServer(transport: .socket, configure: { configuration, _, _ in
            configuration.eventStreamsPerKey = 2
            configuration.eventStreamsPerTenant = 3
            configuration.eventStreamKeepAlive = .milliseconds(300)
        }) { server in
            let url = server.address.url + "/ofrep/v1/event-stream"
            let owner = [("Authorization", "Bearer \(server.apiKey)")]
            let first = try await EventStreamClient.open(url, headers: owner)
            defer { first.close() }
            let second = try await EventStreamClient.open(url, headers: owner)
            defer { second.close() }
            #expect(first.status == 200 && second.status == 200)
            let refused = try await server.client.send(.GET, "/ofrep/v1/event-stream", headers: owner)
            #expect(refused.status == 429, "\(refused.text)")
            #expect(refused.problemType == "too-many-event-streams")
            #expect(refused.header("Retry-After") != nil)
            #expect(refused.jsonObject?["limit"] as? Int == 2)

            let other = try await TenantAPIClient(server).createKey(label: "other", scope: "evaluate", key: server.apiKey)
            let otherHeaders = [("Authorization", "Bearer \(other.secret)")]
            let third = try await EventStreamClient.open(url, headers: otherHeaders)
            defer { third.close() }
            #expect(third.status == 200)
            let tenantFull = try await server.client.send(.GET, "/ofrep/v1/event-stream", headers: otherHeaders)
            #expect(tenantFull.status == 429)
            #expect(tenantFull.jsonObject?["limit"] as? Int == 3)

            first.close()
            var reopened: EventStreamClient?
            try await waitUntil("the closed stream's place is free again") {
                let attempt = try await EventStreamClient.open(url, headers: owner)
                guard attempt.status == 200 else {
                    attempt.close()
                    return false
                }
                reopened = attempt
                return true
            }
            reopened?.close()
        }
    }

    @Test("flagConfigEtag: malformed or out of range is OFREP's 400 naming it; one far ahead of the server is not waited on long")
    func flagConfigEtag() async throws {
        try await withTestServer(transport: .socket) { server in
            for etag in ["abc", "1-2-3", "-1-5", "1-", "99999999999999999999-1", "1-99999999999999999999", "%2B1-2", "1.5-2"] {
                let response = try await server.client.post("/ofrep/v1/evaluate/flags?flagConfigEtag=\(etag)", json: #"{"context":{}}"#, apiKey: server.apiKey)
                #expect(response.status == 400, "\(etag): \(response.text)")
                // OFREP's bulkEvaluationFailure, naming the parameter.
                #expect(response.jsonObject?["errorCode"] as? String == "GENERAL", "\(etag)")
                #expect((response.jsonObject?["errorDetails"] as? String)?.contains("flagConfigEtag") == true, "\(etag)")
            }
            // An etag no server will ever reach is answered from what this one has, after its
            // bounded wait (1 s). Without the bound the request would be held until the client
            // gave up; the 60 s guard tells that apart on any machine, however busy, without
            // measuring the bound itself (timings are benchmarks' business, not tests').
            let started = ContinuousClock.now
            let ahead = try await server.client.post(
                "/ofrep/v1/evaluate/flags?flagConfigEtag=999999999-999999999", json: #"{"context":{}}"#, apiKey: server.apiKey)
            let waited = ContinuousClock.now - started
            #expect(ahead.status == 200, "\(ahead.text)")
            #expect(waited < .seconds(60), "held for \(waited)")
        }
    }

    @Test("OFREP is rate limited per tenant: past the burst, 429 rate-limited with Retry-After; another tenant is unaffected")
    func ofrepRateLimited() async throws {
        let frozen = ContinuousClock.now
        try await withTestServer(transport: .socket, tenants: ["Busy", "Calm"], rateLimitClock: { frozen }, configure: { configuration, _, _ in
            // A trial's burst of 100 times 0.05: five requests at once, none refilled on a frozen clock.
            configuration.ofrepRateFactor = 0.05
        }) { server in
            try await server.define(Flag(key: FlagKey("banner"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "on"))
            let busy = server.tenants[0].apiKey
            for index in 0..<5 {
                let response = try await server.client.post("/ofrep/v1/evaluate/flags/banner", json: #"{"context":{}}"#, apiKey: busy)
                #expect(response.status == 200, "request \(index): \(response.text)")
            }
            for path in ["/ofrep/v1/evaluate/flags/banner", "/ofrep/v1/evaluate/flags"] {
                let refused = try await server.client.post(path, json: #"{"context":{}}"#, apiKey: busy)
                #expect(refused.status == 429, "\(path): \(refused.text)")
                #expect(refused.problemType == "rate-limited")
                #expect(refused.header("Retry-After").flatMap(Int.init).map { $0 >= 1 } == true)
            }
            let stream = try await server.client.send(.GET, "/ofrep/v1/event-stream", headers: [("Authorization", "Bearer \(busy)")])
            #expect(stream.status == 429)
            let calm = try await server.client.post("/ofrep/v1/evaluate/flags/banner", json: #"{"context":{}}"#, apiKey: server.tenants[1].apiKey)
            #expect(calm.status == 200)
        }
    }
}

/// A plain TCP connection that writes bytes as given and notices when the server closes it.
final class RawConnection: @unchecked Sendable {
    private let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    static func open(host: String, port: Int) async throws -> RawConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                // Whatever the server answers is read and dropped: only the close matters here.
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Discard()) }
            }
            .connect(host: host, port: port).get()
        return RawConnection(channel: channel)
    }

    var isOpen: Bool { channel.isActive }

    func write(_ text: String) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(string: text)).get()
    }

    func close() {
        channel.close(promise: nil)
    }

    private final class Discard: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }
}
