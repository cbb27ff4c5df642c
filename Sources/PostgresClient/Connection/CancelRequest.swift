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
    private let cancel: OpaquePointer
    private let logger: Logger

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
                logger.warning("could not cancel a statement: \(String(cString: reason))")
            }
            PQfreeCancel(cancel)
        }
    }
}
