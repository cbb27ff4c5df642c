import EventStore
import Foundation
import TestSupport

/// Small helpers shared by the event store tests.
enum TestEvents {
    struct Payload: Codable, Sendable, Equatable {
        var n: Int
    }

    static func event(_ n: Int, id: UUID = UUID(), type: String = "Counted") -> NewEvent {
        // A literal payload always encodes; failing here is a bug in the test itself.
        try! NewEvent(id: id, type: type, data: Payload(n: n))
    }

    static func events(_ range: ClosedRange<Int>) -> [NewEvent] {
        range.map { event($0) }
    }
}

extension EventLog {
    /// Counts the stored events of every tenant, directly: what is in the table, whether or not
    /// the feed may hand it out yet.
    func countAll() async throws -> Int {
        try await pool.query("SELECT count(*) FROM tenantry.events").rows.first?.decode(Int.self) ?? 0
    }

    /// Reads the whole feed once `count` events are deliverable. Tests share one cluster, and
    /// another test's open transaction holds every database's feed back for a moment (the
    /// snapshot's xmin is cluster-wide), so a test waits for the feed the way a subscriber does.
    func readAllSettled(count: Int, filter: EventFilter = .all, after cursor: GlobalCursor = .start) async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        try await waitUntil("\(count) events are deliverable") {
            events = try await readAll(after: cursor, filter: filter, limit: count + 1)
            return events.count >= count
        }
        return events
    }
}
