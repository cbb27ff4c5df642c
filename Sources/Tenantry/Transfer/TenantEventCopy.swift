import EventStore
import Foundation

/// Appends events to one tenant's streams, each stream in version order, keeping their ids:
/// an import's or a restore's copy of another tenant's events. Idempotent: an event already at
/// its version with the same id is skipped, so a copy run again appends only what is missing;
/// another event there is a conflict, and nothing of that stream's run is appended. Consecutive
/// events of one stream go in one append, expected at the version before them.
struct TenantEventCopy {
    let store: EventLog
    let tenant: UUID
    /// The tenant the events were copied from, whose own key sealed their personal fields:
    /// they are sealed with the copy's.
    let source: UUID

    private(set) var appended = 0
    private(set) var skipped = 0
    private var versions: [String: Int64] = [:]
    private var run: [NewEvent] = []
    private var runStream: StreamName?
    private var runStart: Int64 = 0

    init(store: EventLog, tenant: UUID, source: UUID) {
        self.store = store
        self.tenant = tenant
        self.source = source
    }

    /// Copies one event, `version` being its version at the source (nil: the stream's next).
    mutating func add(_ event: NewEvent, stream: StreamName, version: Int64?) async throws {
        if runStream != stream { try await flush() }
        let here = try await currentVersion(of: stream)
        let next = here + Int64(run.count) + 1
        let target = version ?? next
        if target < next {
            let existing = try await store.readStream(stream, tenant: tenant, from: target, limit: 1).first
            guard existing?.id == event.id else {
                throw TenantTransferError(
                    "stream \(stream) already holds another event at version \(target) (\(existing?.id.uuidString.lowercased() ?? "none")), not \(event.id.uuidString.lowercased())")
            }
            skipped += 1
            return
        }
        guard target == next else {
            throw TenantTransferError("stream \(stream) goes from version \(next - 1) to \(target): an event is missing")
        }
        if run.isEmpty {
            runStream = stream
            runStart = here
        }
        run.append(event)
        if run.count >= 500 { try await flush() }
    }

    /// Appends what is pending.
    mutating func flush() async throws {
        guard let stream = runStream, !run.isEmpty else { return }
        let events = run.map(resealed)
        try await store.append(events, to: stream, tenant: tenant, expectedVersion: runStart == 0 ? .noStream : .exact(runStart))
        appended += events.count
        versions[stream.rawValue] = runStart + Int64(events.count)
        run = []
        runStream = nil
    }

    private mutating func currentVersion(of stream: StreamName) async throws -> Int64 {
        if let known = versions[stream.rawValue] { return known }
        let version = try await store.streamVersion(stream, tenant: tenant) ?? 0
        versions[stream.rawValue] = version
        return version
    }

    /// The event with its personal fields marked for the copy's tenant: what the source's own
    /// key sealed is sealed with the copy's; another owner's stays that owner's.
    private func resealed(_ event: NewEvent) -> NewEvent {
        guard let personal = event.personalData, personal.owner == source,
              let marking = try? PersonalData(fields: personal.fields, subject: personal.subject),
              let copy = try? NewEvent(id: event.id, type: event.type, dataJSON: event.dataJSON, metadataJSON: event.metadataJSON, personalData: marking)
        else { return event }
        return copy
    }
}
