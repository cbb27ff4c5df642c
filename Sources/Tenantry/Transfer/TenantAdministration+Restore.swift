public import Foundation
import EventStore
import Provisioning

extension TenantAdministration {
    /// Rebuilds a tenant as it was at `time` into a new tenant, from its own events, touching
    /// no other tenant (the source included): registers and provisions a tenant with the plan,
    /// isolation and attributes its registry history had then (named "<name> (restored)" unless
    /// `organization` is given), and appends the tenant's events recorded up to `time`, each
    /// stream up to its first event after it, with their ids and versions. An event's time is
    /// its transaction's start, so one that committed just after `time` may be included.
    ///
    /// Idempotent: the copy is registered under the key `restore-<tenant id>-<time in ms>`, so
    /// the same restore run again finds it and appends only what is missing.
    public func restoreTenant(
        _ slugOrID: String, to time: Date, email: String? = nil, organization: String? = nil, actor: String
    ) async throws -> TransferOutcome {
        let source = try await resolve(slugOrID)
        var profile: RegisteredProfile?
        try await lifecycle.forEachHistoryPage(source) { page in
            for event in page where event.recordedAt <= time {
                if profile == nil {
                    profile = try RegisteredProfile(registered: event.type, dataJSON: event.dataJSON)
                } else {
                    try profile?.fold(type: event.type, dataJSON: event.dataJSON)
                }
            }
        }
        guard var profile else {
            throw TenantTransferError("tenant \(slugOrID) did not exist yet at \(time.formatted(.iso8601))")
        }
        if organization == nil, !profile.isErased {
            profile.name = String(profile.name.prefix(100 - " (restored)".count)) + " (restored)"
        }
        let key = "restore-\(source.uuidString.lowercased())-\(Int64((time.timeIntervalSince1970 * 1000).rounded(.down)))"
        let created = try await registerCopy(of: profile, key: key, email: email, organization: organization, actor: actor)

        let from = try await router.eventStore(for: source)
        // A stream as it was: its versions before the first one recorded after the time (the
        // feed is in commit order, not each stream's version order, so that version is known
        // only once the whole feed was read).
        var cutoff: [String: Int64] = [:]
        try await Self.forEachFeedPage(of: source, in: from) { events in
            for event in events where event.recordedAt > time {
                cutoff[event.stream] = min(cutoff[event.stream] ?? .max, event.version)
            }
        }
        var copy = TenantEventCopy(store: try await router.eventStore(for: created.tenant.id), tenant: created.tenant.id)
        try await Self.forEachFeedPage(of: source, in: from) { events in
            for event in events where event.version < cutoff[event.stream] ?? .max {
                let copied = try NewEvent(
                    id: event.id, type: event.type, dataJSON: event.dataJSON, metadataJSON: event.metadataJSON,
                    personalData: event.personalData)
                try await copy.add(copied, stream: try StreamName(event.stream), version: event.version)
            }
        }
        try await copy.finish()
        return TransferOutcome(
            tenant: try await lifecycle.load(created.tenant.id) ?? created.tenant, apiKey: created.apiKey,
            appended: copy.appended, skipped: copy.skipped)
    }

    /// Hands `tenant`'s events in `store` to `body` a feed page at a time, waiting (briefly,
    /// with a backoff) while an older transaction holds events back.
    private static func forEachFeedPage(
        of tenant: UUID, in store: EventLog, _ body: ([RecordedEvent]) async throws -> Void
    ) async throws {
        var cursor = GlobalCursor.start
        var pause: Duration = .milliseconds(1)
        while true {
            try Task.checkCancellation()
            let page = try await store.readPage(after: cursor, filter: EventFilter(tenantID: tenant), limit: 1000)
            try await body(page.events)
            cursor = page.nextCursor(after: cursor)
            if page.isFull { continue }
            guard page.hasHeldBackEvents else { return }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(100))
        }
    }
}
