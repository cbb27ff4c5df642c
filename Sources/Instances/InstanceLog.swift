public import Foundation
public import EventStore

/// The instances' event streams in the control plane: `instance-<tenant id>`.
public struct InstanceLog: Sendable {
    let store: EventLog

    /// On the control plane's store (acting as `tenantry_operator`).
    public init(store: EventLog) {
        self.store = store
    }

    static func stream(_ tenantID: UUID) throws -> StreamName {
        try StreamName(category: "instance", id: tenantID.uuidString.lowercased())
    }

    /// The tenant's instance, or nil when it never had one.
    public func record(of tenantID: UUID) async throws -> InstanceRecord? {
        let events = try await store.readStream(try Self.stream(tenantID), tenant: EventLog.controlPlaneTenantID)
        let decoded = try events.compactMap { event in try InstanceEvent(event).map { ($0, event.recordedAt) } }
        return InstanceRecord(folding: decoded, version: events.last?.version ?? 0)
    }

    /// Every tenant that has had an instance, by tenant id.
    public func all() async throws -> [UUID: InstanceRecord] {
        var tenants = Set<UUID>()
        var cursor = GlobalCursor.start
        while true {
            let page = try await store.readPage(after: cursor, filter: EventFilter(tenantID: EventLog.controlPlaneTenantID, categories: ["instance"]), limit: 1000)
            for event in page.events {
                if let id = UUID(uuidString: String(event.stream.dropFirst("instance-".count))) { tenants.insert(id) }
            }
            cursor = page.nextCursor(after: cursor)
            if !page.isFull { break }
        }
        var records: [UUID: InstanceRecord] = [:]
        for tenant in tenants {
            records[tenant] = try await record(of: tenant)
        }
        return records
    }

    /// Appends `events` to the tenant's instance stream at the version `record` was loaded at
    /// (nil: the stream must not exist yet), in one append: a change recorded by someone else in
    /// between is refused (`wrongExpectedVersion`), never written over. Returns the record after.
    @discardableResult
    public func append(
        _ events: [InstanceEvent], after record: InstanceRecord?, for tenantID: UUID, actor: String, reason: String?
    ) async throws -> InstanceRecord {
        let metadata = EventMetadata(correlationID: UUID(), actor: actor, reason: reason)
        try await store.append(
            try events.map { try $0.newEvent(metadata: metadata) }, to: try Self.stream(tenantID), tenant: EventLog.controlPlaneTenantID,
            expectedVersion: record.map { .exact($0.version) } ?? .noStream)
        guard let appended = try await self.record(of: tenantID) else { throw InstanceError.notDeployed(tenantID.uuidString.lowercased()) }
        return appended
    }
}
