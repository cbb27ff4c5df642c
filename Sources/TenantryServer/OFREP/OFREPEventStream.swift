import FeatureFlags
import Foundation
import Hummingbird
import NIOCore
import Provisioning
import ServiceLifecycle

/// OFREP's change notifications (`ofrep-event-streams.yaml`, ADR-0008): a Server-Sent Events
/// stream that tells one tenant's providers to re-fetch whenever their answers may have
/// changed: a flag changed (the catalog's revision moved) or the tenant did (plan, state,
/// attributes: its record's version moved).
///
/// Nothing is polled: the stream sleeps on the two live views and wakes on their publications,
/// so an event follows a change within milliseconds. Any event on the tenant's stream counts
/// (a key issued, an activation: a provider re-fetches and gets a 304 at worst). A comment
/// every `keepAlive` keeps proxies from closing an idle connection. The stream ends when the
/// server shuts down gracefully, when the tenant stops being active or its key is revoked
/// (the provider's reconnection then gets the 401 or 403 that says why), and within a
/// keep-alive of its token's expiry (the provider fetches a fresh token with the bulk answer).
struct OFREPEventStream: Sendable {
    let views: LiveViews
    let tenantID: UUID
    let keyID: UUID
    /// When the token the stream was opened with expires (nil when opened with an API key).
    let expiresAt: Date?
    let keepAlive: Duration
    /// Counts this stream as open until it ends (or its response is dropped unwritten).
    let lease: EventStreamLimiter.Lease

    /// Where the configuration stands for the tenant: the SSE event id, and the `etag` a
    /// provider may send back as `flagConfigEtag` (accepted, not needed: answers are computed
    /// from the live catalog, never from a cache).
    struct Position: Hashable {
        let catalogRevision: UInt64
        let tenantVersion: Int64

        var text: String { "\(catalogRevision)-\(tenantVersion)" }

        init(catalogRevision: UInt64, tenantVersion: Int64) {
            self.catalogRevision = catalogRevision
            self.tenantVersion = tenantVersion
        }

        /// Parses `text` (an event id, a `flagConfigEtag`): two decimal numbers, each 0 to
        /// 2^63-1, joined by `-`; nil when it is not one.
        init?(text: some StringProtocol) {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 19 && $0.allSatisfy { ("0"..."9").contains($0) } }),
                let revision = Int64(parts[0]), let version = Int64(parts[1])
            else { return nil }
            self.init(catalogRevision: UInt64(revision), tenantVersion: version)
        }

        /// Whether this position has moved past `other` in either part. Every server folds the
        /// same events in the same order, so positions compare across servers.
        func isPast(_ other: Position) -> Bool {
            catalogRevision > other.catalogRevision || tenantVersion > other.tenantVersion
        }

        /// The later of the two, part by part.
        func merged(with other: Position) -> Position {
            Position(catalogRevision: max(catalogRevision, other.catalogRevision), tenantVersion: max(tenantVersion, other.tenantVersion))
        }
    }

    /// The position now, or nil when the stream must end (tenant not active, key revoked, the
    /// token it was opened with expired: the client reconnects with a fresh one).
    func position() -> Position? {
        if let expiresAt, Date() >= expiresAt { return nil }
        guard let tenant = views.directory.state.tenant(tenantID), tenant.status == .active, tenant.apiKeys[keyID] != nil else {
            return nil
        }
        return Position(catalogRevision: views.flags.state.revision, tenantVersion: tenant.version)
    }

    /// How long a client waits before reconnecting after the stream ends (the `retry` field).
    static let reconnectionDelayMilliseconds = 1000

    /// The response body: first an event for the position now, unless `lastEventID` (a
    /// reconnecting client's `Last-Event-ID`) says the client has seen it (so a change between
    /// its last fetch and this connection is not missed), then one per change.
    func body(lastEventID: String?) -> ResponseBody {
        precondition(keepAlive > .zero, "an event stream's keep-alive interval must be positive")
        let lease = self.lease
        return ResponseBody { writer in
            defer { lease.release() }
            guard let now = position() else {
                try await writer.finish(nil)
                return
            }
            var sent = now
            if let seen = lastEventID.flatMap(Position.init(text:)), !now.isPast(seen) {
                sent = now.merged(with: seen)
                try await writer.write(ByteBuffer(string: "retry: \(Self.reconnectionDelayMilliseconds)\n\n"))
            } else {
                try await writer.write(Self.event(now, retry: Self.reconnectionDelayMilliseconds))
            }
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                let wake = await nextWake(after: sent)
                guard wake != .shutdown, let now = position() else { break }
                if now.isPast(sent) {
                    try await writer.write(Self.event(now))
                    sent = now.merged(with: sent)
                } else {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            try await writer.finish(nil)
        }
    }

    private enum Wake { case changed, idle, shutdown }

    /// Sleeps until a view publishes a change for this tenant, `keepAlive` passes, or the
    /// server starts shutting down.
    private func nextWake(after sent: Position) async -> Wake {
        let (views, tenantID, keepAlive) = (self.views, self.tenantID, self.keepAlive)
        return await withTaskGroup(of: Wake.self) { group in
            group.addTask {
                await views.flags.waitUntil(timeout: keepAlive) { $0.revision > sent.catalogRevision } ? .changed : .idle
            }
            group.addTask {
                await views.directory.waitUntil(timeout: keepAlive) { ($0.tenant(tenantID)?.version ?? .max) > sent.tenantVersion } ? .changed : .idle
            }
            group.addTask {
                // Returns at a graceful shutdown; throws when cancelled (another wake came first).
                (try? await gracefulShutdown()) == nil ? .idle : .shutdown
            }
            let first = await group.next() ?? .shutdown
            group.cancelAll()
            return first
        }
    }

    /// One `refetchEvaluation` event (`sseEvent` with `sseEventData` in OFREP's schemas).
    static func event(_ position: Position, retry: Int? = nil) -> ByteBuffer {
        let data = JSONWriter.bytes(.object(["type": "refetchEvaluation", "etag": .string(position.text)]))
        let retryLine = retry.map { "retry: \($0)\n" } ?? ""
        return ByteBuffer(string: "\(retryLine)id: \(position.text)\nevent: message\ndata: \(String(decoding: data, as: UTF8.self))\n\n")
    }
}
