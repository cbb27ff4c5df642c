import EventStore
import Foundation

/// Copies one tenant's events from one cell's database to another's, as stored (ids, versions,
/// data with personal fields still sealed, metadata), in rounds: each round reads the events of
/// transactions at or after a mark taken before the previous round read, so it finds whatever
/// that round could not yet see, and skips what the target already has.
struct CellEventCopy {
    let source: EventLog
    let target: EventLog
    let tenant: UUID
    /// Each stream's version in the target.
    private(set) var versions: [String: Int64]

    /// At most this many events per append (and per read), or this many bytes of data.
    static let runLimit = 500
    static let runBytes = 8 << 20

    init(source: EventLog, target: EventLog, tenant: UUID, targetVersions: [String: Int64]) {
        self.source = source
        self.target = target
        self.tenant = tenant
        self.versions = targetVersions
    }

    /// Copies what the target lacks among the events of transactions at or after `since` (nil:
    /// every event); returns how many it appended.
    mutating func copy(since: EventLog.TransactionMark?) async throws -> Int {
        var appended = 0
        var after: (stream: String, version: Int64)?
        var run: [NewEvent] = []
        var runBytes = 0
        var runStream: String?
        var batch = Batch()
        func flush(_ copy: inout CellEventCopy) async throws {
            guard let stream = runStream, !run.isEmpty else { return }
            let expected = copy.versions[stream] ?? 0
            batch.add(run, to: stream, expected: expected, bytes: runBytes)
            copy.versions[stream] = expected + Int64(run.count)
            run.removeAll(keepingCapacity: true)
            runBytes = 0
            if batch.isFull { appended += try await copy.commit(&batch) }
        }
        while true {
            let page = try await source.readTenantEvents(tenant, since: since, after: after, limit: Self.runLimit)
            for event in page {
                let have = versions[event.stream] ?? 0
                let pending = runStream == event.stream ? Int64(run.count) : 0
                if event.version <= have + pending { continue }
                if runStream != event.stream || run.count >= Self.runLimit || runBytes >= Self.runBytes {
                    try await flush(&self)
                    runStream = event.stream
                }
                let next = (versions[event.stream] ?? 0) + Int64(run.count) + 1
                guard event.version == next else {
                    throw CellMoveError("stream \(event.stream) of the source goes from version \(next - 1) to \(event.version) in this read: an event is missing")
                }
                run.append(try NewEvent(id: event.id, type: event.type, dataJSON: event.dataJSON, metadataJSON: event.metadataJSON))
                runBytes += event.dataJSON.utf8.count + event.metadataJSON.utf8.count
            }
            guard let last = page.last, page.count == Self.runLimit else { break }
            after = (last.stream, last.version)
        }
        try await flush(&self)
        appended += try await commit(&batch)
        return appended
    }

    /// Runs of several streams appended in one transaction: a run per append, one commit per
    /// batch (a commit per run made a tenant of short streams cost a flush of the WAL per
    /// stream).
    struct Batch {
        var runs: [(stream: String, expected: Int64, events: [NewEvent])] = []
        var events = 0
        var bytes = 0
        /// Each stream's version in the target before the batch, to go back to if it fails.
        var startVersions: [String: Int64] = [:]

        static let maximumEvents = 5_000
        static let maximumBytes = 16 << 20

        var isFull: Bool { events >= Self.maximumEvents || bytes >= Self.maximumBytes }

        mutating func add(_ run: [NewEvent], to stream: String, expected: Int64, bytes: Int) {
            if startVersions[stream] == nil { startVersions[stream] = expected }
            runs.append((stream, expected, run))
            events += run.count
            self.bytes += bytes
        }
    }

    /// Appends the batch's runs in one transaction of the target; returns how many events.
    private mutating func commit(_ batch: inout Batch) async throws -> Int {
        guard !batch.runs.isEmpty else { return 0 }
        let (runs, tenant, target) = (batch.runs, tenant, target)
        do {
            try await target.inTenant(tenant) { connection in
                for run in runs {
                    try target.append(
                        run.events, to: try StreamName(run.stream), tenant: tenant,
                        expectedVersion: run.expected == 0 ? .noStream : .exact(run.expected), on: connection)
                }
            }
        } catch {
            for (stream, version) in batch.startVersions { versions[stream] = version == 0 ? nil : version }
            batch = Batch()
            throw error
        }
        let count = batch.events
        batch = Batch()
        return count
    }
}
