import EventStore
import Extensions
import Foundation
import PostgresClient
import Synchronization
import Testing
import TestSupport

/// A customization whose one reaction records deliveries and fails for the tenants a test
/// marks as failing.
struct RecordingReaction: Customization {
    static let id: CustomizationID = "recording-reaction"
    static let version = "0.1.0"
    static let summary = "Records the events it receives"
    static let settings = [SettingSpecification(name: "recorder", kind: .string, summary: "the test's recorder, by name")]

    let recorder: ReactionRecorder

    init(settings: CustomizationSettings) throws {
        recorder = ReactionRecorder.named(settings.string("recorder"))
    }

    func register(_ hooks: inout CustomizationHooks) {
        let recorder = self.recorder
        hooks.react("record", to: ReactionSelection(categories: ["doc"]), budget: .seconds(5)) { event in
            try recorder.receive(event)
        }
    }
}

final class ReactionRecorder: Sendable {
    /// Each test's recorder by name, so tests running in parallel never share one.
    private static let registry = Mutex<[String: ReactionRecorder]>([:])

    static func named(_ name: String) -> ReactionRecorder {
        registry.withLock { registry in
            if let existing = registry[name] { return existing }
            let recorder = ReactionRecorder()
            registry[name] = recorder
            return recorder
        }
    }

    /// A new recorder and the name that finds it.
    static func make() -> (name: String, recorder: ReactionRecorder) {
        let name = UUID().uuidString
        return (name, named(name))
    }

    private struct State {
        var delivered: [UUID: [Int64]] = [:]
        var attempts: [UUID: Int] = [:]
        var failing: [UUID: Int] = [:]
    }

    private let state = Mutex(State())

    struct Unavailable: Error {}

    /// The tenant's next `times` attempts fail (Int.max: until `recover`).
    func fail(_ tenant: UUID, times: Int) { state.withLock { $0.failing[tenant] = times } }
    func recover(_ tenant: UUID) { state.withLock { $0.failing[tenant] = nil } }

    func receive(_ event: RecordedEvent) throws {
        try state.withLock { state in
            state.attempts[event.tenantID, default: 0] += 1
            if let remaining = state.failing[event.tenantID], remaining > 0 {
                state.failing[event.tenantID] = remaining == .max ? .max : remaining - 1
                throw Unavailable()
            }
            state.delivered[event.tenantID, default: []].append(event.version)
        }
    }

    func delivered(_ tenant: UUID) -> [Int64] { state.withLock { $0.delivered[tenant] ?? [] } }
    func attempts(_ tenant: UUID) -> Int { state.withLock { $0.attempts[tenant] ?? 0 } }
}

@Suite("Reactions: a subscription of their own, retried, never blocking other tenants")
struct ReactionTests {
    private static func events(_ count: Int) throws -> [NewEvent] {
        try (1...count).map { try NewEvent(type: "Noted", data: ["n": $0]) }
    }

    private func runner(_ store: EventLog, recorder: String, logs: CapturedLogs = CapturedLogs()) throws -> ReactionRunner {
        let host = try CustomizationHost(RecordingReaction.self, settings: ["recorder": recorder], logger: logs.logger())
        let reaction = try #require(host.reactions.first)
        return ReactionRunner(
            host: host, reaction: reaction, store: store, tenantID: nil,
            retry: .init(first: .milliseconds(5), longest: .milliseconds(20)))
    }

    @Test("a failing delivery is retried until it succeeds, in order, each event once delivered")
    func retries() async throws {
        let (name, recorder) = ReactionRecorder.make()
        try await withEventStore { store, _ in
            let tenant = UUID()
            recorder.fail(tenant, times: 3)
            try await store.append(Self.events(5), to: "doc-1", tenant: tenant)
            try await store.append(Self.events(2), to: "other-1", tenant: tenant)
            let runner = try runner(store, recorder: name)
            let task = Task { try await runner.run() }
            defer { task.cancel() }
            try await waitUntil("five deliveries") { recorder.delivered(tenant).count == 5 }
            #expect(recorder.delivered(tenant) == [1, 2, 3, 4, 5], "in stream order, 'other' not selected")
            #expect(recorder.attempts(tenant) == 8, "three failed attempts, then five deliveries")
            try await waitUntil("the checkpoint passes the last event") {
                try await runner.checkpoint().map { $0.position >= 5 } ?? false
            }
        }
    }

    @Test("a failed read of the feed is retried, not the end of the reaction: what was written meanwhile is delivered once it can read")
    func feedFailuresAreRetried() async throws {
        let (name, recorder) = ReactionRecorder.make()
        try await withEventStore { store, database in
            let tenant = UUID()
            try await store.append(Self.events(2), to: "doc-1", tenant: tenant)
            // A failure that is not a lost connection: the role may not read the events.
            try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.query("REVOKE SELECT ON tenantry.events FROM tenantry_operator")
            }
            let logs = CapturedLogs()
            let runner = try runner(store, recorder: name, logs: logs)
            let task = Task { try await runner.run() }
            defer { task.cancel() }
            try await waitUntil("two failed reads") { logs.entries("reaction could not read the feed; retrying").count >= 2 }
            #expect(recorder.delivered(tenant).isEmpty)
            try await store.append(Self.events(1), to: "doc-1", tenant: tenant)
            try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.query("GRANT SELECT ON tenantry.events TO tenantry_operator")
            }
            try await waitUntil("three deliveries") { recorder.delivered(tenant).count == 3 }
            #expect(recorder.delivered(tenant) == [1, 2, 3])
        }
    }

    @Test("one tenant's endpoint down: other tenants' events flow, the checkpoint waits, and a restart after recovery loses nothing")
    func isolation() async throws {
        let (name, recorder) = ReactionRecorder.make()
        try await withEventStore { store, _ in
            let stuck = UUID()
            let healthy = UUID()
            recorder.fail(stuck, times: .max)
            try await store.append(Self.events(3), to: "doc-stuck", tenant: stuck)
            try await store.append(Self.events(4), to: "doc-fine", tenant: healthy)

            let first = try runner(store, recorder: name)
            let task = Task { try await first.run() }
            try await waitUntil("the healthy tenant's events are delivered") { recorder.delivered(healthy).count == 4 }
            try await waitUntil("the stuck tenant is being retried") { recorder.attempts(stuck) >= 3 }
            #expect(recorder.delivered(stuck).isEmpty)
            // The stuck tenant's first event came first in the feed: the checkpoint may not pass it.
            let checkpoint = try await first.checkpoint()
            #expect(checkpoint == nil || checkpoint == .start)
            task.cancel()
            _ = await task.result

            recorder.recover(stuck)
            let second = try runner(store, recorder: name)
            let restarted = Task { try await second.run() }
            defer { restarted.cancel() }
            try await waitUntil("the stuck tenant's events arrive after the restart") { recorder.delivered(stuck) == [1, 2, 3] }
            try await waitUntil("the checkpoint passes everything") {
                try await second.checkpoint().map { $0.position >= 7 } ?? false
            }
            // At least once: the healthy tenant's events may come again after the restart.
            #expect(Set(recorder.delivered(healthy)) == [1, 2, 3, 4])
        }
    }
}
