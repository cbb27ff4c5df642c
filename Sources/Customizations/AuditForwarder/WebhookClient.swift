import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// Sends webhook requests with Foundation's `URLSession` (libcurl on Linux, with the system's
/// trusted certificates for https), under three rules a receiver cannot bend: the whole
/// exchange has a deadline, a redirect is not followed (it is the receiver's answer, not 2xx),
/// and at most `answerLimit` bytes of the answer are read before the exchange is dropped.
///
/// One client keeps one session, so connections to the same receiver are reused.
final class WebhookClient: Sendable {
    /// The largest answer read; receivers are expected to answer with an empty body.
    static let answerLimit = 64 * 1024

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
                exchanges.begin(task.taskIdentifier, timeout: timeout, continuation: continuation)
                // URLSession's own timeout is an idle timeout; the deadline is the whole exchange.
                let deadline = Task {
                    try await Task.sleep(for: timeout)
                    exchanges.fail(task.taskIdentifier, with: WebhookTimedOut(timeout: timeout))
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

/// The receiver did not finish answering within the deadline.
struct WebhookTimedOut: Error, CustomStringConvertible {
    let timeout: Duration
    var description: String { "no complete answer within \(timeout)" }
}

/// The receiver's answer was longer than `WebhookClient.answerLimit`.
struct WebhookAnswerTooLong: Error, CustomStringConvertible {
    var description: String { "the answer was longer than \(WebhookClient.answerLimit) bytes" }
}

/// The session's delegate: each exchange in flight, by task identifier, with what has been
/// read of its answer and the caller waiting for it.
private final class WebhookExchanges: NSObject, URLSessionDataDelegate, Sendable {
    private struct Exchange {
        var continuation: CheckedContinuation<Int, any Error>
        var timeout: Duration
        var status: Int?
        var bytesRead = 0
        var failure: (any Error)?
        var onEnd: [@Sendable () -> Void] = []
    }

    private let inFlight = Mutex<[Int: Exchange]>([:])

    func begin(_ task: Int, timeout: Duration, continuation: CheckedContinuation<Int, any Error>) {
        inFlight.withLock { $0[task] = Exchange(continuation: continuation, timeout: timeout) }
    }

    func onEnd(_ task: Int, _ action: @escaping @Sendable () -> Void) {
        let ended = inFlight.withLock { exchanges in
            guard exchanges[task] != nil else { return true }
            exchanges[task]?.onEnd.append(action)
            return false
        }
        if ended { action() }
    }

    /// Records why the exchange is being given up; the task's completion reports it.
    func fail(_ task: Int, with error: any Error) {
        inFlight.withLock { exchanges in
            if exchanges[task]?.failure == nil { exchanges[task]?.failure = error }
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let status = (response as? HTTPURLResponse)?.statusCode
        inFlight.withLock { $0[dataTask.taskIdentifier]?.status = status }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let tooLong = inFlight.withLock { exchanges in
            exchanges[dataTask.taskIdentifier]?.bytesRead += data.count
            guard let read = exchanges[dataTask.taskIdentifier]?.bytesRead, read > WebhookClient.answerLimit else { return false }
            if exchanges[dataTask.taskIdentifier]?.failure == nil { exchanges[dataTask.taskIdentifier]?.failure = WebhookAnswerTooLong() }
            return true
        }
        if tooLong { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let exchange = inFlight.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        exchange.onEnd.forEach { $0() }
        if let failure = exchange.failure {
            exchange.continuation.resume(throwing: failure)
        } else if let error = error as? URLError, error.code == .timedOut {
            // URLSession's idle timeout (the same duration) can fire before the deadline's.
            exchange.continuation.resume(throwing: WebhookTimedOut(timeout: exchange.timeout))
        } else if let error {
            exchange.continuation.resume(throwing: error)
        } else if let status = exchange.status {
            exchange.continuation.resume(returning: status)
        } else {
            exchange.continuation.resume(throwing: URLError(.badServerResponse))
        }
    }
}
