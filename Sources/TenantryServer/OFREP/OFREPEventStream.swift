import FeatureFlags
public import Foundation
public import Hummingbird
import NIOCore
import Provisioning
import ServiceLifecycle

/// OFREP's change notifications (`ofrep-event-streams.yaml`, ADR-0008): a Server-Sent Events
/// stream that tells one tenant's providers to re-fetch whenever their answers may have
/// changed: a flag changed (the catalog's revision moved) or the tenant did (plan, state,
/// attributes: its record's version moved).
///
/// Nothing is polled: the stream sleeps on the two live views and wakes on their publications,
/// so an event follows a change within milliseconds. A comment every `keepAlive` keeps proxies
/// from closing an idle connection. The stream ends when the server shuts down gracefully, and
/// when the tenant stops being active or its key is revoked (the provider's reconnection then
/// gets the 401 or 403 that says why).
struct OFREPEventStream: Sendable {
    let views: LiveViews
    let tenantID: UUID
    let keyID: UUID
    let keepAlive: Duration

    /// Where the configuration stands for the tenant: the SSE event id, and the `etag` a
    /// provider may send back as `flagConfigEtag` (accepted, not needed: answers are computed
    /// from the live catalog, never from a cache).
    struct Position: Hashable {
        let catalogRevision: UInt64
        let tenantVersion: Int64

        var text: String { "\(catalogRevision)-\(tenantVersion)" }
    }

    /// The position now, or nil when the stream must end (tenant not active, key revoked).
    func position() -> Position? {
        guard let tenant = views.directory.state.tenant(tenantID), tenant.status == .active, tenant.apiKeys[keyID] != nil else {
            return nil
        }
        return Position(catalogRevision: views.flags.state.revision, tenantVersion: tenant.version)
    }

    /// The response body: an event at once when `lastEventID` (a reconnecting client's
    /// `Last-Event-ID`) is behind, then one per change.
    func body(lastEventID: String?) -> ResponseBody {
        ResponseBody { writer in
            guard var sent = position() else {
                try await writer.finish(nil)
                return
            }
            // How long a client waits before reconnecting after the stream ends.
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            if let lastEventID, lastEventID != sent.text { try await writer.write(Self.event(sent)) }
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                let wake = await nextWake(after: sent)
                guard wake != .shutdown, let now = position() else { break }
                if now != sent {
                    try await writer.write(Self.event(now))
                    sent = now
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
                await views.flags.waitUntil(timeout: keepAlive) { $0.revision != sent.catalogRevision } ? .changed : .idle
            }
            group.addTask {
                await views.directory.waitUntil(timeout: keepAlive) { $0.tenant(tenantID)?.version != sent.tenantVersion } ? .changed : .idle
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
    static func event(_ position: Position) -> ByteBuffer {
        let data = JSONWriter.bytes(.object(["type": "refetchEvaluation", "etag": .string(position.text)]))
        return ByteBuffer(string: "id: \(position.text)\nevent: message\ndata: \(String(decoding: data, as: UTF8.self))\n\n")
    }
}
