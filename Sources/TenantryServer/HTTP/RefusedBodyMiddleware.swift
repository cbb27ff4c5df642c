public import Hummingbird
import NIOCore

/// Makes sure every client sees its answer when a route did not read the whole request body,
/// above all a body over the limit (413), and that such a connection ends.
///
/// A client that writes its whole body before it reads (Python's `urllib`, which also sends
/// `Connection: close`) would otherwise block on its write forever: the server answered early
/// and stopped reading. So, once the response is written, the rest of the body is read and
/// dropped, up to `drainLimit` bytes within `drainTime`, which lets such a client finish
/// writing and read the answer. Then:
///
/// - after a 413 the response says `Connection: close` and the connection is closed;
/// - past either bound the connection is closed (the client may see a reset, having sent far
///   more than any route takes);
/// - otherwise the connection goes on as the request asked (keep-alive or close).
///
/// It also bounds how long a body may take to arrive: a connection whose request body is not
/// in whole `bodyTimeout` after its head is closed, however slowly the client keeps sending
/// (a client that stops altogether meets the server's idle timeout first, if that is shorter).
///
/// Add it first, outside `ProblemMiddleware`, so it sees every response as the client will.
public struct RefusedBodyMiddleware: RouterMiddleware {
    public typealias Context = TenantryRequestContext

    /// The most of an unread body read and dropped after the response: 64 MiB.
    public static let drainLimit = 64 * 1024 * 1024
    /// The longest a connection is kept open to drop an unread body: 30 seconds, as long as a
    /// body may take to arrive by default (a client holds a connection that long anyway). 10 s
    /// was too short on a busy machine: a client still writing 10 MB was reset and lost its 413.
    public static let drainTime = TimeAmount.seconds(30)

    /// The longest a request body may take to arrive.
    public let bodyTimeout: Duration

    public init(bodyTimeout: Duration = .seconds(30)) {
        self.bodyTimeout = bodyTimeout
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard Self.hasBody(request) else { return try await next(request, context) }
        let reader = RequestBodyReader(request.body)
        let channel = context.channel
        // A client that sends its body slower than this ties up a connection and a task for
        // nothing: cut it off. Reaching the body's end (read by the route or drained) cancels it.
        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(bodyTimeout)) {
            reader.timeOut()
            channel.close(promise: nil)
        }
        reader.onFinished = { deadline.cancel() }
        var request = request
        request.body = reader.body
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // Hummingbird answers and handles the connection; the deadline must not outlive the
            // request and close the connection under a later one.
            deadline.cancel()
            throw error
        }
        let refused = response.status == .contentTooLarge
        if refused { response.headers[.connection] = "close" }
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            // From here the drain has its own bound, and a later request on the connection must
            // not meet this one's deadline.
            defer { deadline.cancel() }
            try await body.write(writer)
            let drained = await Self.drain(reader, closingAfter: Self.drainTime, of: channel)
            if refused || !drained { channel.close(promise: nil) }
        }
        return response
    }

    /// Whether the request says it has a body (a `Content-Length` above 0, or chunked).
    static func hasBody(_ request: Request) -> Bool {
        if let length = request.headers.firstValue(.contentLength) { return length != "0" }
        return request.headers.contains(.transferEncoding)
    }

    /// Reads and drops what is left of the body; whether its end was reached within the bounds.
    /// At `time` the connection is closed, which ends a read that is still waiting.
    static func drain(_ reader: RequestBodyReader, closingAfter time: TimeAmount, of channel: any Channel) async -> Bool {
        guard !reader.finished else { return true }
        let deadline = channel.eventLoop.scheduleTask(in: time) { channel.close(promise: nil) }
        defer { deadline.cancel() }
        var dropped = 0
        do {
            while dropped <= drainLimit, let part = try await reader.next() {
                dropped += part.readableBytes
            }
        } catch {
            return false
        }
        return reader.finished
    }
}
