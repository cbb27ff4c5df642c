public import Foundation
public import Provisioning
import Synchronization

/// Carries a tenant's first successful flag evaluation from the OFREP request path to
/// `ActivationWorker`, which records it (TenantActivated). The request path must do no I/O, so
/// it only calls `evaluated(by:keyID:)`: a check of the in-memory state, then at most once per
/// tenant a lock-guarded insert and a yield into an unbounded stream.
///
/// The stream is bounded in practice: a tenant is yielded once (until a failed recording lets it
/// be signalled again), so it never holds more entries than there are tenants.
public final class ActivationSignal: Sendable {
    /// One first evaluation.
    public struct Activation: Sendable, Hashable {
        /// The tenant that evaluated a flag for the first time.
        public let tenantID: UUID
        /// The API key it evaluated with.
        public let keyID: UUID
        /// When the evaluation was answered.
        public let at: Date
    }

    /// Tenants yielded and not given up on: the dedupe that keeps a burst of evaluations from
    /// queueing more than one recording per tenant.
    private let signalled = Mutex<Set<UUID>>([])
    private let stream: AsyncStream<Activation>
    private let continuation: AsyncStream<Activation>.Continuation

    /// An empty signal; one per server, shared by the OFREP routes and `ActivationWorker`.
    public init() {
        (stream, continuation) = AsyncStream.makeStream(of: Activation.self, bufferingPolicy: .unbounded)
    }

    /// Called after a successful evaluation for `tenant` (as the request saw it) with its key:
    /// yields an activation when the tenant is not activated yet and was not yielded before.
    public func evaluated(by tenant: TenantState, keyID: UUID, at time: Date = Date()) {
        guard tenant.activatedAt == nil else { return }
        let isFirst = signalled.withLock { $0.insert(tenant.id).inserted }
        guard isFirst else { return }
        continuation.yield(Activation(tenantID: tenant.id, keyID: keyID, at: time))
    }

    /// The activations, for the one consumer (`ActivationWorker`); ends when `finish()` is
    /// called or the consuming task is cancelled.
    public var activations: AsyncStream<Activation> { stream }

    /// Lets `tenantID` be signalled again: its recording failed and a later evaluation should
    /// try once more.
    public func forget(_ tenantID: UUID) {
        _ = signalled.withLock { $0.remove(tenantID) }
    }

    /// Ends the stream.
    public func finish() {
        continuation.finish()
    }
}
