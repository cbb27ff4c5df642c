import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client over NIO for talking to a real server on a real port: one
/// connection per request, the bytes sent exactly as given (no added `Expect`, no retries), the
/// response read in full.
struct HTTPTestClient: Sendable {
    let host: String
    let port: Int

    struct Response: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        /// The body parsed as a JSON object (nil when it is not one).
        var jsonObject: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) as? [String: Any]
        }

        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    func send(
        _ method: HTTPMethod,
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> Response {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
            head.headers.add(name: "Host", value: "\(host):\(port)")
            head.headers.add(name: "Connection", value: "close")
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            if let body { head.headers.add(name: "Content-Length", value: String(body.count)) }
            // One write of the whole request: a server that answers (and closes) after the head,
            // e.g. a 405, must not find the client still writing.
            var parts: [HTTPClientRequestPart] = [.head(head)]
            if let body, !body.isEmpty { parts.append(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
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

    /// POSTs `json` (text, sent as it is) with the given API key as a Bearer token.
    func post(_ path: String, json: String, apiKey: String?, headers: [(String, String)] = []) async throws -> Response {
        var all = [("Content-Type", "application/json")] + headers
        if let apiKey { all.append(("Authorization", "Bearer \(apiKey)")) }
        return try await send(.POST, path, headers: all, body: Array(json.utf8))
    }

    enum ClientError: Error {
        case noResponse
    }
}
