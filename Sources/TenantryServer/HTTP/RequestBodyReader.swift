public import Hummingbird
public import NIOCore
import Synchronization

/// A request body read by more than one reader in turn: the route first (through `body`, a
/// `RequestBody` to put in the request), then `RefusedBodyMiddleware`, which reads and drops
/// what the route left unread. Hummingbird lets a body be iterated only once; this holds the
/// one iterator both share.
///
/// Not for concurrent use: the route has returned (and its response is written) before the
/// middleware reads on.
public final class RequestBodyReader: @unchecked Sendable {
    private let source: RequestBody
    private var iterator: RequestBody.AsyncIterator?
    /// Whether the end of the body was reached.
    public private(set) var finished = false
    /// Called once, when the end of the body is reached (e.g. to cancel a deadline).
    public var onFinished: (@Sendable () -> Void)?
    /// Set (from any thread) when the body's deadline passed and the connection is being closed.
    private let timedOut = Atomic<Bool>(false)

    public init(_ body: RequestBody) {
        source = body
    }

    /// The next part of the body; nil at its end.
    public func next() async throws -> ByteBuffer? {
        guard !finished else { return nil }
        var current = iterator ?? source.makeAsyncIterator()
        let part: ByteBuffer?
        do {
            part = try await current.next()
        } catch where timedOut.load(ordering: .acquiring) {
            // The connection was closed under the read on purpose: a client too slow, not a fault.
            throw ProblemDetails.requestBodyTimeout()
        }
        iterator = current
        if part == nil {
            finished = true
            onFinished?()
            onFinished = nil
        }
        return part
    }

    /// Marks the body as past its deadline, before the connection is closed under the read.
    public func timeOut() {
        timedOut.store(true, ordering: .releasing)
    }

    /// The body to give the route: its parts come from this reader.
    public var body: RequestBody { RequestBody(asyncSequence: Parts(reader: self)) }

    struct Parts: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let reader: RequestBodyReader

        struct AsyncIterator: AsyncIteratorProtocol {
            let reader: RequestBodyReader
            func next() async throws -> ByteBuffer? { try await reader.next() }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(reader: reader) }
    }
}
