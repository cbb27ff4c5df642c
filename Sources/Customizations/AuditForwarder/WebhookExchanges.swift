import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// `WebhookClient`'s session delegate: each exchange in flight, by task identifier, with what
/// has been read of its answer and the caller waiting for it.
final class WebhookExchanges: NSObject, URLSessionDataDelegate, Sendable {
    private struct Exchange {
        var continuation: CheckedContinuation<Int, any Error>
        var timeout: Duration
        var status: Int?
        var bytesRead = 0
        var failure: (any Error)?
        var onEnd: [@Sendable () -> Void] = []
    }

    private struct State {
        var inFlight: [Int: Exchange] = [:]
        /// Completions that arrived before their exchange began (a task cancelled before its
        /// caller registered), kept for `begin` to report at once.
        var completedEarly: [Int: any Error] = [:]
    }

    private let state = Mutex(State())

    /// Registers the caller waiting for task `task`; resumes it at once if the task has already
    /// completed (it can only have been cancelled then).
    func begin(_ task: Int, timeout: Duration, continuation: CheckedContinuation<Int, any Error>) {
        let early = state.withLock { state -> (any Error)? in
            if let error = state.completedEarly.removeValue(forKey: task) { return error }
            state.inFlight[task] = Exchange(continuation: continuation, timeout: timeout)
            return nil
        }
        if let early { continuation.resume(throwing: early) }
    }

    /// Runs `action` when the exchange ends, or at once if it has.
    func onEnd(_ task: Int, _ action: @escaping @Sendable () -> Void) {
        let ended = state.withLock { state in
            guard state.inFlight[task] != nil else { return true }
            state.inFlight[task]?.onEnd.append(action)
            return false
        }
        if ended { action() }
    }

    /// Records why the exchange is being given up; the task's completion reports it.
    func fail(_ task: Int, with error: any Error) {
        state.withLock { state in
            if state.inFlight[task]?.failure == nil { state.inFlight[task]?.failure = error }
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
        state.withLock { $0.inFlight[dataTask.taskIdentifier]?.status = status }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let tooLong = state.withLock { state in
            guard var exchange = state.inFlight[dataTask.taskIdentifier] else { return false }
            exchange.bytesRead += data.count
            let over = exchange.bytesRead > WebhookClient.answerLimit
            if over, exchange.failure == nil { exchange.failure = WebhookClient.AnswerTooLong() }
            state.inFlight[dataTask.taskIdentifier] = exchange
            return over
        }
        if tooLong { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let exchange = state.withLock { state -> Exchange? in
            guard let exchange = state.inFlight.removeValue(forKey: task.taskIdentifier) else {
                state.completedEarly[task.taskIdentifier] = error ?? CancellationError()
                return nil
            }
            return exchange
        }
        guard let exchange else { return }
        exchange.onEnd.forEach { $0() }
        // A redirect without a `Location` never reaches `didReceive response`; the task still
        // holds the answer.
        let status = exchange.status ?? (task.response as? HTTPURLResponse)?.statusCode
        if let failure = exchange.failure {
            exchange.continuation.resume(throwing: failure)
        } else if let error = error as? URLError, error.code == .timedOut {
            // URLSession's idle timeout (the same duration) can fire before the deadline's.
            exchange.continuation.resume(throwing: WebhookClient.TimedOut(timeout: exchange.timeout))
        } else if let error {
            exchange.continuation.resume(throwing: error)
        } else if let status {
            exchange.continuation.resume(returning: status)
        } else {
            exchange.continuation.resume(throwing: URLError(.badServerResponse))
        }
    }
}
