import EventStore
import Foundation

/// Appends events to one tenant's streams, each stream in version order, keeping their ids:
/// an import's or a restore's copy of another tenant's events. Idempotent: an event already at
/// its version with the same id is skipped, so a copy run again appends only what is missing;
/// another event there is a conflict, and nothing of that stream's run is appended.
///
/// The events come in feed order, which is not always version order within a stream (a
/// transaction that took its id first can commit the later version): an event ahead of its
/// stream's next version waits until the ones before it came. Consecutive events of one stream
/// go in one append, expected at the version before them, up to 500 events or 8 MB of data.
struct TenantEventCopy {
    let store: EventLog
    let tenant: UUID

    private(set) var appended = 0
    private(set) var skipped = 0
    private var versions: [String: Int64] = [:]
    private var run: [NewEvent] = []
    private var runBytes = 0
    private var runStream: StreamName?
    private var runStart: Int64 = 0
    private var runOrigins: ClosedRange<Int>?
    /// Events that came before their stream's next version, by stream and version.
    private var ahead: [String: [Int64: (event: NewEvent, origin: Int?)]] = [:]
    private var aheadCount = 0

    /// At most this many events wait for an earlier version of their stream.
    static let maximumAhead = 10_000

    init(store: EventLog, tenant: UUID) {
        self.store = store
        self.tenant = tenant
    }

    /// Copies one of the tenant's own events, `version` being its version at the source (nil:
    /// the stream's next) and `origin` where it came from (a line number), for messages. Its
    /// personal fields are sealed under the copy's own key, whatever key sealed them before.
    mutating func add(_ event: NewEvent, stream: StreamName, version: Int64?, origin: Int? = nil) async throws {
        let event = try Self.ownedByCopy(event)
        if let runStream, runStream != stream { try await flush() }
        let next = try await nextVersion(of: stream)
        let target = version ?? next
        if target < next {
            try await skip(event, at: target, in: stream, origin: origin)
        } else if target > next {
            guard aheadCount < Self.maximumAhead else {
                throw TenantTransferError(
                    "\(Self.place(origin))stream \(stream) goes from version \(next - 1) to \(target), and \(Self.maximumAhead) events wait for the missing ones")
            }
            ahead[stream.rawValue, default: [:]][target] = (event, origin)
            aheadCount += 1
        } else {
            try await append(event, to: stream, origin: origin)
            // The events that waited for this one.
            var following = target + 1
            while let waiting = ahead[stream.rawValue]?.removeValue(forKey: following) {
                aheadCount -= 1
                try await append(waiting.event, to: stream, origin: waiting.origin)
                following += 1
            }
        }
    }

    /// Appends what is pending; at the end of a copy, an event still waiting for an earlier
    /// version means that version never came.
    mutating func finish() async throws {
        try await flush()
        for (stream, waiting) in ahead {
            guard let first = waiting.keys.min(), let entry = waiting[first] else { continue }
            let here = try await committedVersion(of: try StreamName(stream))
            throw TenantTransferError("\(Self.place(entry.origin))stream \(stream) goes from version \(here) to \(first): an event is missing")
        }
    }

    private mutating func append(_ event: NewEvent, to stream: StreamName, origin: Int?) async throws {
        if run.isEmpty {
            runStream = stream
            runStart = try await committedVersion(of: stream)
        }
        run.append(event)
        runBytes += event.dataJSON.utf8.count + event.metadataJSON.utf8.count
        if let origin {
            runOrigins = runOrigins.map { min($0.lowerBound, origin)...max($0.upperBound, origin) } ?? origin...origin
        }
        if run.count >= 500 || runBytes >= 8 << 20 { try await flush() }
    }

    private mutating func skip(_ event: NewEvent, at version: Int64, in stream: StreamName, origin: Int?) async throws {
        try await flush()
        let existing = try await store.readStream(stream, tenant: tenant, from: version, limit: 1).first
        guard let existing, existing.version == version, existing.id == event.id else {
            throw TenantTransferError(
                "\(Self.place(origin))stream \(stream) already holds another event at version \(version), not \(event.id.uuidString.lowercased())")
        }
        skipped += 1
    }

    /// Appends the pending run of one stream.
    private mutating func flush() async throws {
        guard let stream = runStream, !run.isEmpty else { return }
        do {
            try await store.append(run, to: stream, tenant: tenant, expectedVersion: runStart == 0 ? .noStream : .exact(runStart))
        } catch {
            let lines = runOrigins.map { $0.count == 1 ? "line \($0.lowerBound): " : "lines \($0.lowerBound)–\($0.upperBound): " } ?? ""
            throw TenantTransferError("\(lines)stream \(stream): \(error)")
        }
        appended += run.count
        versions[stream.rawValue] = runStart + Int64(run.count)
        run = []
        runBytes = 0
        runStream = nil
        runOrigins = nil
    }

    /// The stream's version here, appended (the pending run not counted).
    private mutating func committedVersion(of stream: StreamName) async throws -> Int64 {
        if let known = versions[stream.rawValue] { return known }
        let version = try await store.streamVersion(stream, tenant: tenant) ?? 0
        versions[stream.rawValue] = version
        return version
    }

    /// The version the stream's next event gets: after those appended and those pending.
    private mutating func nextVersion(of stream: StreamName) async throws -> Int64 {
        try await committedVersion(of: stream) + (runStream == stream ? Int64(run.count) : 0) + 1
    }

    /// The event with its personal fields marked for the copy's tenant: a tenant's own events
    /// are sealed with its own key, never another tenant's a file names.
    private static func ownedByCopy(_ event: NewEvent) throws -> NewEvent {
        guard let personal = event.personalData, personal.owner != nil else { return event }
        return try NewEvent(
            id: event.id, type: event.type, dataJSON: event.dataJSON, metadataJSON: event.metadataJSON,
            personalData: try PersonalData(fields: personal.fields, subject: personal.subject))
    }

    private static func place(_ origin: Int?) -> String {
        origin.map { "line \($0): " } ?? ""
    }
}
