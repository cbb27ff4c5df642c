import HTTPTestSupport
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import Testing

/// Hummingbird's application driven in process: each request is handed to the application's
/// responder (its router and middleware) as the server would hand it, with no socket and no
/// port, while the application's services (the background workers) run beside it.
///
/// This is what HummingbirdTesting's router client does, on Hummingbird's public API; that
/// library links AsyncHTTPClient and swift-nio-ssl (a second BoringSSL), which were a fifth of
/// a clean build's time (Decision 25).
extension HTTPTestClient {
    /// Runs `application`'s services, then `body` with a client whose requests go to its
    /// responder; the services are shut down gracefully afterwards, whatever `body` does.
    static func inProcess<Responder: HTTPResponder, Value: Sendable>(
        _ application: Application<Responder>, _ body: @Sendable (HTTPTestClient) async throws -> Value
    ) async throws -> Value {
        let responder = application.responder
        let logger = application.logger
        let client = HTTPTestClient { request in
            try await respond(to: request, with: responder, logger: logger)
        }
        guard !application.services.isEmpty else {
            for process in application.processesRunBeforeServerStart { try await process() }
            return try await body(client)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let (started, startedSink) = AsyncStream<Void>.makeStream()
            let services = ServiceGroup(
                configuration: .init(services: application.services + [StartedSignal(sink: startedSink)], logger: logger)
            )
            let stopping = Atomic<Bool>(false)
            group.addTask {
                // A group that fails to start still lets the wait below end; its error is
                // rethrown when the group is awaited.
                defer { startedSink.finish() }
                do {
                    try await services.run()
                } catch {
                    if !stopping.load(ordering: .acquiring) { Issue.record("the application's services failed while the test ran: \(error)") }
                    throw error
                }
                // A service that ends by itself ends the group (a worker that gave up): the
                // server would be left without it, so the test hears of it.
                if !stopping.load(ordering: .acquiring) { Issue.record("the application's services stopped while the test ran") }
            }
            do {
                // As a server runs them: while the services start, before the first request.
                for process in application.processesRunBeforeServerStart { try await process() }
                // Every service has been started once the signal, the last of them, runs: a
                // test that returned before would shut down a group that never ran them.
                for await _ in started { break }
                let value = try await body(client)
                stopping.store(true, ordering: .releasing)
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return value
            } catch {
                stopping.store(true, ordering: .releasing)
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    private static func respond<Responder: HTTPResponder>(
        to request: Request, with responder: Responder, logger: Logger
    ) async throws -> Response where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        guard let method = HTTPRequest.Method(request.method.rawValue) else {
            throw TestServerError("not an HTTP method: \(request.method.rawValue)")
        }
        // `HTTPFields.Element` is swift-http-types' `HTTPField`, which Hummingbird re-exports only as this.
        typealias Field = HTTPFields.Element
        var fields = HTTPFields()
        for (name, value) in request.headers {
            guard let fieldName = Field.Name(name) else { throw TestServerError("not a header name: \(name)") }
            fields.append(Field(name: fieldName, value: value))
        }
        if let body = request.body { fields[.contentLength] = String(body.count) }
        let head = HTTPRequest(method: method, scheme: "http", authority: "localhost", path: request.path, headerFields: fields)
        // Sent as a server receives it: a stream read once, in pieces of 32 KiB.
        let body = request.body ?? []
        let pieces = stride(from: 0, to: body.count, by: 32 * 1024).map { start in
            ByteBuffer(bytes: body[start..<min(start + 32 * 1024, body.count)])
        }
        let (stream, sink) = AsyncStream<ByteBuffer>.makeStream()
        pieces.forEach { sink.yield($0) }
        sink.finish()
        let served = Hummingbird.Request(head: head, body: RequestBody(asyncSequence: stream))
        let context = Responder.Context(source: ApplicationRequestContextSource(channel: NIOAsyncTestingChannel(), logger: logger))
        let response: Hummingbird.Response
        do {
            response = try await responder.respond(to: served, context: context)
        } catch {
            // What the server does with an error no middleware turned into a response.
            response = Hummingbird.Response(status: .internalServerError)
        }
        let collected = CollectedBody()
        try await response.body.write(collected)
        var headers = HTTPHeaders()
        for field in response.headers { headers.add(name: field.name.rawName, value: field.value) }
        return Response(status: Int(response.status.code), headers: headers, body: collected.bytes.withLock { $0 })
    }
}

/// A response body written in process, kept whole.
private final class CollectedBody: ResponseBodyWriter, Sendable {
    let bytes = Mutex<[UInt8]>([])

    func write(_ buffer: ByteBuffer) async throws {
        bytes.withLock { $0 += buffer.readableBytesView }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// The last service of an in-process application's group: says that the group has started
/// every service, then waits for the shutdown.
private struct StartedSignal: Service {
    let sink: AsyncStream<Void>.Continuation

    func run() async throws {
        sink.finish()
        try? await gracefulShutdown()
    }
}
