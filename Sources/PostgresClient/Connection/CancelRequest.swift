import CLibPQ
import Foundation
import Logging
import Synchronization

/// A request to cancel the statement running on a connection, sent from a thread of its own.
///
/// libpq's `PQcancel` opens a second connection to the server and waits for it to close, with
/// no timeout of its own: against a frozen or unreachable server it can wait for minutes, or
/// for good. Sending it from the connection's own thread would park that thread, and with it
/// the statement's deadline, so it is sent from a detached thread. The connection waits for
/// the request's delivery only as long as it would wait for a new connection (the request is
/// one), and from delivery on for the cancelled statement's answer for a short grace only.
final class CancelRequest: @unchecked Sendable {
    // @unchecked Sendable: `cancel` is a `PGcancel`, which libpq makes independent of its
    // `PGconn` precisely so that another thread (or a signal handler) may use it while the
    // connection is busy; it is made in `send` and from then on only the sending thread
    // touches it, once, and frees it.
    // `delivered` is a semaphore and `deliveredAt` a mutex, both safe from any thread.
    private let cancel: OpaquePointer
    private let logger: Logger
    /// Signalled once `PQcancel` has returned: the server has taken the request (or refused it).
    private let delivered = DispatchSemaphore(value: 0)
    private let deliveredAt = Mutex<ContinuousClock.Instant?>(nil)
    /// When the request was sent.
    let sentAt = ContinuousClock.now

    private init(cancel: OpaquePointer, logger: Logger) {
        self.cancel = cancel
        self.logger = logger
    }

    /// Sends a request to cancel the statement running on `connection` from a new detached
    /// thread and returns at once; nil when libpq cannot make one (the connection is not open).
    /// `wakeUp` is signalled when the request has been delivered, so that a thread waiting in
    /// `poll(2)` for the cancelled statement's answer starts counting its grace from then.
    static func send(for connection: OpaquePointer, logger: Logger, signallingOnDelivery wakeUp: WakeUpPipe) -> CancelRequest? {
        guard let cancel = PQgetCancel(connection) else { return nil }
        let request = CancelRequest(cancel: cancel, logger: logger)
        Thread.detachNewThread { [request] in
            request.deliver(signalling: wakeUp)
        }
        return request
    }

    private func deliver(signalling wakeUp: WakeUpPipe) {
        var reason = [CChar](repeating: 0, count: 256)
        if PQcancel(cancel, &reason, Int32(reason.count)) == 0 {
            let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            logger.warning("could not cancel a statement: \(text)")
        }
        PQfreeCancel(cancel)
        deliveredAt.withLock { $0 = .now }
        // The wake-up first: whoever sees the delivery may drain the pipe and find it there.
        wakeUp.signal()
        delivered.signal()
    }

    /// When the request was delivered; nil while it is still travelling.
    var deliveryInstant: ContinuousClock.Instant? {
        deliveredAt.withLock { $0 }
    }

    /// Whether the request was delivered by `instant`. Once `PQcancel` returns, the server
    /// has signalled the backend: the cancel takes effect at once, or is ignored if the backend
    /// is idle, so a statement sent afterwards cannot be the one it cancels.
    func waitUntilDelivered(by instant: ContinuousClock.Instant) -> Bool {
        let remaining = max(ContinuousClock.now.duration(to: instant), .zero)
        let nanoseconds = remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000
        return delivered.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success
    }
}
