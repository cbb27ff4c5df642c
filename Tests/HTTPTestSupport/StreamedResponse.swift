public import NIOHTTP1
import NIOCore
import NIOPosix
import TestSupport

/// A response read as it arrives, for responses that do not end by themselves (Server-Sent
/// Events): the head once it is there, then the body chunk by chunk, on a real socket.
///
/// `close()` (or the end of the response) closes the connection.
public struct StreamedResponse: Sendable {
    /// The response's status code.
    public let status: Int
    /// The response's headers.
    public let headers: HTTPHeaders
    /// The body's bytes as they arrive; finishes when the server ends the response, throws
    /// when the connection fails.
    public let body: AsyncThrowingStream<[UInt8], any Error>
    private let connection: Task<Void, Never>

    /// Sends one GET for `path` to `host`:`port` and waits up to `timeout` for the response's
    /// head; the body is read in the background until the response ends or `close()`.
    public static func get(
        host: String, port: Int, path: String, headers: [(String, String)] = [], timeout: Duration = .seconds(120)
    ) async throws -> StreamedResponse {
        let (heads, headSink) = AsyncThrowingStream<HTTPResponseHead, any Error>.makeStream()
        let (body, bodySink) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let connection = Task {
            do {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: host, port: port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHTTPClientHandlers()
                            return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                        }
                    }
                try await channel.executeThenClose { inbound, outbound in
                    var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
                    for (name, value) in headers { head.headers.add(name: name, value: value) }
                    if !head.headers.contains(name: "Host") { head.headers.add(name: "Host", value: "\(host):\(port)") }
                    try await outbound.write(contentsOf: [.head(head), .end(nil)])
                    // Cancelling this task (`close()`) ends the inbound stream, and
                    // `executeThenClose` closes the channel.
                    var answered = false
                    for try await part in inbound {
                        switch part {
                        case .head(let received) where received.status.code < 200:
                            continue  // an interim answer (100 Continue, 103 Early Hints)
                        case .head(let received):
                            answered = true
                            headSink.yield(received)
                            headSink.finish()
                        case .body(let buffer):
                            bodySink.yield(Array(buffer.readableBytesView))
                        case .end where !answered:
                            continue  // the end of an interim answer
                        case .end:
                            bodySink.finish()
                            return
                        }
                    }
                    // Cancelled (`close()`): the reader asked for the end; anything else is a
                    // connection that ended mid-response.
                    guard Task.isCancelled else { throw HTTPTestClient.ClientError.noResponse }
                    headSink.finish(throwing: CancellationError())
                    bodySink.finish()
                }
            } catch {
                headSink.finish(throwing: error)
                // A read cut short by `close()` is the end the reader asked for.
                if Task.isCancelled { bodySink.finish() } else { bodySink.finish(throwing: error) }
            }
        }
        do {
            let head = try await withThrowingTaskGroup(of: HTTPResponseHead?.self) { group in
                group.addTask {
                    var iterator = heads.makeAsyncIterator()
                    return try await iterator.next()
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw TimedOut(description: "the head of a streamed response", timeout: timeout)
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
            guard let head else { throw HTTPTestClient.ClientError.noResponse }
            return StreamedResponse(status: Int(head.status.code), headers: head.headers, body: body, connection: connection)
        } catch {
            connection.cancel()
            throw error
        }
    }

    /// Closes the connection; the body stream finishes (without an error).
    public func close() {
        connection.cancel()
    }

    private init(status: Int, headers: HTTPHeaders, body: AsyncThrowingStream<[UInt8], any Error>, connection: Task<Void, Never>) {
        self.status = status
        self.headers = headers
        self.body = body
        self.connection = connection
    }
}
