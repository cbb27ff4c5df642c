import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends webhook requests with Foundation's `URLSession` (the system's libcurl on Linux, with
/// its trusted certificates for https), under three rules a receiver cannot bend: the whole
/// exchange has a deadline, a redirect is not followed (it is the receiver's answer, not 2xx),
/// and at most `answerLimit` bytes of the answer are read before the exchange is dropped.
///
/// One client keeps one session, so connections to the same receiver are reused.
final class WebhookClient: Sendable {
    /// The largest answer read; receivers are expected to answer with an empty body.
    static let answerLimit = 64 * 1024

    /// The receiver did not finish answering within the deadline.
    struct TimedOut: Error, CustomStringConvertible {
        let timeout: Duration
        var description: String { "no complete answer within \(timeout)" }
    }

    /// The receiver's answer was longer than `answerLimit`.
    struct AnswerTooLong: Error, CustomStringConvertible {
        var description: String { "the answer was longer than \(WebhookClient.answerLimit) bytes" }
    }

    private let session: URLSession
    private let exchanges: WebhookExchanges

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        exchanges = WebhookExchanges()
        session = URLSession(configuration: configuration, delegate: exchanges, delegateQueue: nil)
    }

    deinit {
        session.invalidateAndCancel()
    }

    /// Sends `request` and returns the answer's status code once the answer has been read.
    func send(_ request: URLRequest, timeout: Duration) async throws -> Int {
        var request = request
        request.timeoutInterval = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let task = session.dataTask(with: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                // A task cancelled before this point has had `task.cancel()` already: its
                // completion, even one that came first, still reaches this continuation.
                exchanges.begin(task.taskIdentifier, timeout: timeout, continuation: continuation)
                // URLSession's own timeout is an idle timeout; the deadline is the whole exchange.
                let deadline = Task {
                    try await Task.sleep(for: timeout)
                    exchanges.fail(task.taskIdentifier, with: TimedOut(timeout: timeout))
                    task.cancel()
                }
                exchanges.onEnd(task.taskIdentifier) { deadline.cancel() }
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
    }
}
