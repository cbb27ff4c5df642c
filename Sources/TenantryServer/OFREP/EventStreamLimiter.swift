public import Foundation
import Synchronization

/// Counts the event streams this server holds open per API key and per tenant, and refuses one
/// more beyond either limit: each stream holds a connection and a task for as long as the
/// client keeps it, so without a limit one token could open hundreds. A provider needs one
/// stream per page or app instance; the limits are per server process.
public final class EventStreamLimiter: Sendable {
    /// The most streams one API key may hold open.
    public let perKey: Int
    /// The most streams one tenant's keys together may hold open.
    public let perTenant: Int
    private let counts = Mutex<(byKey: [UUID: Int], byTenant: [UUID: Int])>(([:], [:]))

    /// 20 per key and 200 per tenant: room for many tabs and app instances behind one key.
    public static let defaultPerKey = 20
    public static let defaultPerTenant = 200

    public init(perKey: Int = EventStreamLimiter.defaultPerKey, perTenant: Int = EventStreamLimiter.defaultPerTenant) {
        precondition(perKey > 0 && perTenant > 0, "event-stream limits must be positive")
        self.perKey = perKey
        self.perTenant = perTenant
    }

    /// Why a stream was refused: which limit it met.
    public enum Refusal: Error, Sendable, Equatable {
        /// The key holds this many streams already.
        case perKey(Int)
        /// The tenant's keys hold this many streams already.
        case perTenant(Int)
    }

    /// Counts one more stream for `keyID` of `tenantID`, or refuses it. The stream is counted
    /// until the lease is released or dropped, whichever comes first.
    public func open(tenantID: UUID, keyID: UUID) throws(Refusal) -> Lease {
        let outcome: Refusal? = counts.withLock { counts in
            let (key, tenant) = (counts.byKey[keyID] ?? 0, counts.byTenant[tenantID] ?? 0)
            if key >= perKey { return .perKey(perKey) }
            if tenant >= perTenant { return .perTenant(perTenant) }
            counts.byKey[keyID] = key + 1
            counts.byTenant[tenantID] = tenant + 1
            return nil
        }
        if let outcome { throw outcome }
        return Lease(limiter: self, tenantID: tenantID, keyID: keyID)
    }

    /// How many streams are open for a key, for tests and metrics.
    public func openStreams(keyID: UUID) -> Int { counts.withLock { $0.byKey[keyID] ?? 0 } }

    fileprivate func close(tenantID: UUID, keyID: UUID) {
        counts.withLock { counts in
            counts.byKey[keyID] = (counts.byKey[keyID] ?? 1) > 1 ? (counts.byKey[keyID] ?? 1) - 1 : nil
            counts.byTenant[tenantID] = (counts.byTenant[tenantID] ?? 1) > 1 ? (counts.byTenant[tenantID] ?? 1) - 1 : nil
        }
    }

    /// One open stream. Released once: explicitly when the stream ends, or when the last
    /// reference goes (a response never written), so no path leaks a count.
    public final class Lease: Sendable {
        private let limiter: EventStreamLimiter
        private let tenantID: UUID
        private let keyID: UUID
        private let released = Atomic<Bool>(false)

        fileprivate init(limiter: EventStreamLimiter, tenantID: UUID, keyID: UUID) {
            self.limiter = limiter
            self.tenantID = tenantID
            self.keyID = keyID
        }

        /// Stops counting the stream; later calls do nothing.
        public func release() {
            guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
            limiter.close(tenantID: tenantID, keyID: keyID)
        }

        deinit { release() }
    }
}
