import Foundation
import NIOCore
public import NIOHTTP1
import NIOPosix

/// The tests' one HTTP client. Requests go to a real server on a real port (`init(host:port:)`:
/// one connection per request, the bytes sent exactly as given, no added `Expect`, no retries,
/// the response read in full) or to any other transport, e.g. Hummingbird's in-process router
/// client (ServerTests' `HTTPTestClient.inProcess`), so one test reads the same either way.
/// Responses decode into the test's own `Decodable` types (`decode(_:)`).
public struct HTTPTestClient: Sendable {
    /// One request as the transport receives it.
    public struct Request: Sendable {
        public var method: HTTPMethod
        public var path: String
        public var headers: [(String, String)]
        public var body: [UInt8]?
    }

    public struct Response: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: [UInt8]

        public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The body decoded as `type` (JSON).
        public func decode<Body: Decodable>(_ type: Body.Type = Body.self) throws -> Body {
            try JSONDecoder().decode(Body.self, from: Data(body))
        }

        /// The body parsed as a JSON object (nil when it is not one), for tests that look at
        /// the shape itself (which members there are) rather than at values.
        public var jsonObject: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) as? [String: Any]
        }

        public func header(_ name: String) -> String? { headers.first(name: name) }
    }

    private let transport: @Sendable (Request) async throws -> Response

    /// A client of any transport.
    public init(transport: @escaping @Sendable (Request) async throws -> Response) {
        self.transport = transport
    }

    /// A client of the server listening on `host`:`port`.
    public init(host: String, port: Int) {
        self.transport = { request in try await Self.sendOverSocket(request, host: host, port: port) }
    }

    public func send(
        _ method: HTTPMethod,
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> Response {
        try await transport(Request(method: method, path: path, headers: headers, body: body))
    }

    /// GETs `path` with the given API key (or admin token) as a Bearer token.
    public func get(_ path: String, apiKey: String?, headers: [(String, String)] = []) async throws -> Response {
        var all = headers
        if let apiKey { all.append(("Authorization", "Bearer \(apiKey)")) }
        return try await send(.GET, path, headers: all)
    }

    /// POSTs `json` (text, sent as it is) with the given API key as a Bearer token.
    public func post(_ path: String, json: String, apiKey: String?, headers: [(String, String)] = []) async throws -> Response {
        var all = [("Content-Type", "application/json")] + headers
        if let apiKey { all.append(("Authorization", "Bearer \(apiKey)")) }
        return try await send(.POST, path, headers: all, body: Array(json.utf8))
    }

    public enum ClientError: Error {
        case noResponse
    }

    private static func sendOverSocket(_ request: Request, host: String, port: Int) async throws -> Response {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.path)
            head.headers.add(name: "Host", value: "\(host):\(port)")
            head.headers.add(name: "Connection", value: "close")
            for (name, value) in request.headers { head.headers.add(name: name, value: value) }
            if let body = request.body { head.headers.add(name: "Content-Length", value: String(body.count)) }
            // One write of the whole request: a server that answers (and closes) after the head,
            // e.g. a 405, must not find the client still writing.
            var parts: [HTTPClientRequestPart] = [.head(head)]
            if let body = request.body, !body.isEmpty { parts.append(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            parts.append(.end(nil))
            try await outbound.write(contentsOf: parts)

            var responseHead: HTTPResponseHead?
            var collected: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let received):
                    responseHead = received
                case .body(let buffer):
                    collected.append(contentsOf: buffer.readableBytesView)
                case .end:
                    guard let responseHead else { throw ClientError.noResponse }
                    return Response(status: Int(responseHead.status.code), headers: responseHead.headers, body: collected)
                }
            }
            throw ClientError.noResponse
        }
    }
}
