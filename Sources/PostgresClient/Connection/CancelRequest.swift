import CLibPQ
import Foundation
import Logging

/// A request to cancel the statement running on a connection, sent from a thread of its own.
///
/// libpq's `PQcancel` opens a second connection to the server and waits for it to close, with
/// no timeout of its own: against a frozen or unreachable server it can wait for minutes, or
/// for good. Sending it from the connection's own thread would park that thread, and with it
/// the statement's deadline, so it is sent from a detached thread and the connection waits
/// for the cancelled statement's answer for its grace period only.
final class CancelRequest: @unchecked Sendable {
    // @unchecked Sendable: `cancel` is a `PGcancel`, which libpq makes independent of its
    // `PGconn` precisely so that another thread (or a signal handler) may use it while the
    // connection is busy; after `init` only the sending thread touches it, once, and frees it.
    // `delivered` is a semaphore, safe to signal and wait on from any thread.
    private let cancel: OpaquePointer
    private let logger: Logger
    /// Signalled once `PQcancel` has returned: the server has taken the request (or refused it).
    private let delivered = DispatchSemaphore(value: 0)

    /// Nil when libpq cannot make one (the connection is not open).
    init?(for connection: OpaquePointer, logger: Logger) {
        guard let cancel = PQgetCancel(connection) else { return nil }
        self.cancel = cancel
        self.logger = logger
    }

    /// Sends the request on a new detached thread and returns at once.
    func send() {
        Thread.detachNewThread { [self] in
            var reason = [CChar](repeating: 0, count: 256)
            if PQcancel(cancel, &reason, Int32(reason.count)) == 0 {
                let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                logger.warning("could not cancel a statement: \(text)")
            }
            PQfreeCancel(cancel)
            delivered.signal()
        }
    }

    /// Whether the request was delivered within `timeout`. Once `PQcancel` returns, the server
    /// has signalled the backend: the cancel takes effect at once, or is ignored if the backend
    /// is idle, so a statement sent afterwards cannot be the one it cancels.
    func waitUntilDelivered(within timeout: Duration) -> Bool {
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        return delivered.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success
    }
}
