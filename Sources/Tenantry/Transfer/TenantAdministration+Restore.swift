public import Foundation
import EventStore
import Provisioning

extension TenantAdministration {
    /// Rebuilds a tenant as it was at `time` into a new tenant, from its own events, touching
    /// no other tenant (the source included): registers and provisions a tenant with the plan,
    /// isolation and attributes its registry history had then (named "<name> (restored)" unless
    /// `organization` is given), and appends the tenant's events recorded up to `time`, each
    /// stream up to its first event after it, with their ids and versions.
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
        var copy = TenantEventCopy(store: try await router.eventStore(for: created.tenant.id), tenant: created.tenant.id, source: source)
        var ended: Set<String> = []
        var cursor = GlobalCursor.start
        while true {
            try Task.checkCancellation()
            let page = try await from.readPage(after: cursor, filter: EventFilter(tenantID: source), limit: 1000)
            for event in page.events where !ended.contains(event.stream) {
                // A stream as it was: up to its first event after the time (a later version
                // can carry an earlier time, when its transaction started first).
                guard event.recordedAt <= time else {
                    ended.insert(event.stream)
                    continue
                }
                let copied = try NewEvent(
                    id: event.id, type: event.type, dataJSON: event.dataJSON, metadataJSON: event.metadataJSON,
                    personalData: event.personalData)
                try await copy.add(copied, stream: try StreamName(event.stream), version: event.version)
            }
            cursor = page.nextCursor(after: cursor)
            if !page.isFull, !page.hasHeldBackEvents { break }
        }
        try await copy.flush()
        return TransferOutcome(
            tenant: try await lifecycle.load(created.tenant.id) ?? created.tenant, apiKey: created.apiKey,
            appended: copy.appended, skipped: copy.skipped)
    }
}
